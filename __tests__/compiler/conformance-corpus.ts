/**
 * Test support for the suites that read OPA's conformance cases: their directory, and `describe` or, without the
 * cases, `describe.skip` after one line on stderr saying how to get them, so `npm test` passes on a fresh clone.
 */
import { opaConformanceDir, OPA_CONFORMANCE_MISSING } from "../../compiler/conformance/location";

export const CONFORMANCE_DIR = opaConformanceDir();

/** `describe` when the cases are there, else `describe.skip`, announced once per suite. */
export function describeWithConformance(): jest.Describe {
  if (CONFORMANCE_DIR !== undefined) return describe;
  process.stderr.write(`skipped: ${OPA_CONFORMANCE_MISSING}\n`);
  return describe.skip;
}
