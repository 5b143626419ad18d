/**
 * Test support: takes a gate result and produces what the suites assert on: `RULE address` per finding and the
 * addresses of the Ground Truth buckets found compliant, each sorted.
 */
import { GateResult } from "../../gate/report";

/** `RULE address` for each finding, sorted. */
export function findings(result: GateResult): string[] {
  return result.findings.map((f) => `${f.rule} ${f.address}`).sort();
}

/** Addresses of the Ground Truth buckets the gate found compliant, sorted. */
export function passes(result: GateResult): string[] {
  return result.buckets
    .filter((b) => b.compliant)
    .map((b) => b.address)
    .sort();
}
