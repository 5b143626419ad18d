/** JSON: `{ "findings": [...], "exceptions": [...], "buckets": [...], "summary": {...} }`, stable key order. */
import { GateResult, summarize } from "../report";

export function formatJson(result: GateResult): string {
  return (
    JSON.stringify(
      {
        findings: result.findings,
        exceptions: result.exceptions,
        buckets: result.buckets,
        summary: summarize(result),
      },
      null,
      2,
    ) + "\n"
  );
}
