/**
 * Values OPA fixes once per evaluation — the clock (`time.now_ns`, the time JWT checks use), `uuid.rfc4122(k)`
 * and `rand.intn(str, n)` per argument — and `opa.runtime`, which is empty as in an OPA embedded without
 * runtime information (no environment leaks into policies). `uuid.parse` and `units.*` are native.
 */
import * as crypto from "crypto";
import { HostFamily } from "./errors";
import { intOperand, stringOperand } from "./support";

/**
 * Values fixed for one evaluation. The SDK evaluates synchronously, so every builtin call of one evaluation
 * runs before the microtask queued at the first call clears the cache: the next evaluation draws anew. Two
 * evaluations started back to back in the same synchronous job share the values, the closest the host can
 * get without a hook into the SDK's evaluation.
 */
const perEvaluation = new Map<string, unknown>();
let clearQueued = false;

export function oncePerEvaluation<T>(key: string, compute: () => T): T {
  if (perEvaluation.has(key)) return perEvaluation.get(key) as T;
  const value = compute();
  perEvaluation.set(key, value);
  if (!clearQueued) {
    clearQueued = true;
    queueMicrotask(() => {
      perEvaluation.clear();
      clearQueued = false;
    });
  }
  return value;
}

/** The wall clock in nanoseconds since the Unix epoch, the same for the whole evaluation (OPA's `bctx.Time`). */
export function evaluationTimeNs(): bigint {
  return oncePerEvaluation("time.now_ns", () => {
    const micros = Math.round((performance.timeOrigin + performance.now()) * 1000);
    return BigInt(micros) * 1000n;
  });
}

/** `crypto.randomInt` takes ranges below 2^48; wider bounds draw 64 random bits (bias below 2^-11). */
function randomBelow(bound: number): number {
  if (bound <= 2 ** 48) return crypto.randomInt(0, bound);
  return Number(crypto.randomBytes(8).readBigUInt64BE() % BigInt(bound));
}

/** `uuid.rfc4122(k)`: a version 4 UUID, the same for the same `k` throughout one evaluation. */
function uuidRfc4122(key: unknown): string {
  const k = stringOperand(key, 1);
  return oncePerEvaluation(`uuid.rfc4122/${k}`, () => crypto.randomUUID());
}

/**
 * `rand.intn(str, n)`: a random integer in [0, |n|), 0 for n = 0, the same for the same `str` and `n`
 * throughout one evaluation (OPA keys its cache by `"<str>-<n>"`).
 */
function randIntn(str: unknown, n: unknown): number {
  const s = stringOperand(str, 1);
  const bound = Math.abs(intOperand(n, 2));
  if (bound === 0) return 0;
  return oncePerEvaluation(`rand.intn/${s}-${bound}`, () => randomBelow(bound));
}

export const builtins: HostFamily = {
  "uuid.rfc4122": uuidRfc4122,
  "rand.intn": randIntn,
  "opa.runtime": () => ({}),
};
