import { evalRule, loadRule, strictError } from "./policy-runner";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe("uuid.rfc4122", () => {
  test("gives a version 4 UUID, the same for a key throughout an evaluation, another for another key", () => {
    const [a1, a2, b] = evalRule(`p := [uuid.rfc4122("a"), uuid.rfc4122("a"), uuid.rfc4122("b")]`) as string[];
    expect(a1).toMatch(UUID_V4);
    expect(a2).toBe(a1);
    expect(b).not.toBe(a1);
    expect(evalRule(`p := uuid.parse(uuid.rfc4122("a")).version`)).toBe(4);
  });

  test("draws anew in the next evaluation", async () => {
    const policy = loadRule(`p := uuid.rfc4122("k")`);
    const first = policy.evaluate();
    await nextTask();
    expect(policy.evaluate()).not.toEqual(first);
  });
});

describe("rand.intn", () => {
  test("stays in [0, |n|) and is fixed per (str, n) within an evaluation", () => {
    const [x, same, values, negative, zero] = evalRule(
      `p := [rand.intn("k", 10), rand.intn("k", 10), {rand.intn(sprintf("%d", [i]), 3) | numbers.range(1, 60)[i]}, rand.intn("k", -5), rand.intn("k", 0)]`,
    ) as [number, number, number[], number, number];
    expect(x).toBeGreaterThanOrEqual(0);
    expect(x).toBeLessThan(10);
    expect(same).toBe(x);
    expect(values.every((v) => v >= 0 && v < 3)).toBe(true);
    expect(values.length).toBeGreaterThan(1);
    expect(negative).toBeGreaterThanOrEqual(0);
    expect(negative).toBeLessThan(5);
    expect(zero).toBe(0);
  });

  test("a fractional bound is a type error", () => {
    expect(strictError(`p := rand.intn("k", 1.5)`)).toBe(
      "eval_type_error: rand.intn: operand 2 must be integer number but got floating-point number",
    );
    expect(evalRule(`p := rand.intn("k", 1.5)`)).toBeUndefined();
  });
});

describe("opa.runtime", () => {
  test("is an empty object: no runtime information, and no environment, reaches the policy", () => {
    expect(evalRule(`p := opa.runtime()`)).toEqual({});
  });
});
