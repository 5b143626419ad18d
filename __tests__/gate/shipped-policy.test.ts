/**
 * The compiled policy that ships in the package (policies/gtcors.wasm): it must be exactly what `npm run
 * build:policy` makes from policies/ today (the compiler is deterministic), leave the Rego unit tests out, and
 * answer the gate's two entrypoints with the pinned rule pack.
 */
import { readFileSync } from "fs";
import { loadPolicySync } from "@open-policy-agent/opa-wasm";
import { GatePolicy } from "../../gate/policy";
import { SHIPPED_POLICY, compilePolicy, policySources } from "../../scripts/build-policy";

jest.setTimeout(60_000);

describe("policies/gtcors.wasm", () => {
  it("is up to date with policies/ (otherwise: run `npm run build:policy` and commit the module)", () => {
    const fresh = Buffer.from(compilePolicy());
    const shipped = readFileSync(SHIPPED_POLICY);
    expect({ stale: !fresh.equals(shipped), shippedBytes: shipped.length }).toEqual({ stale: false, shippedBytes: fresh.length });
  });

  it("is built from the policy modules without their *_test.rego unit tests", () => {
    const files = policySources().map((m) => m.file);
    expect(files).toContain("policies/gtcors/main.rego");
    expect(files.filter((f) => f.endsWith("_test.rego"))).toEqual([]);
    const entrypoints = Object.keys(loadPolicySync(readFileSync(SHIPPED_POLICY)).entrypoints).sort();
    expect(entrypoints).toEqual(["gtcors/pack/rules", "gtcors/report"]);
  });

  it("carries the rule pack with its pinned ids", () => {
    const rules = GatePolicy.load(SHIPPED_POLICY).rules();
    expect(Object.keys(rules).sort()).toEqual([
      "GTCORS-001",
      "GTCORS-002",
      "GTCORS-003",
      "GTCORS-004",
      "GTCORS-005",
      "GTCORS-006",
      "GTCORS-007",
      "GTCORS-008",
      "GTCORS-009",
      "GTCORS-010",
      "GTCORS-011",
      "GTCORS-012",
      "GTCORS-013",
      "GTCORS-014",
    ]);
    expect(Object.values(rules).filter((r) => r.severity === "warning").map((r) => r.name)).toEqual([
      "NoShadowingRule",
      "CorsResourceNotInline",
      "CorsConfigurationLinked",
      "ExceptionScopedToItsInput",
      "CorsConfiguredInOneInput",
    ]);
  });
});
