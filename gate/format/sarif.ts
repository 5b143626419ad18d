/**
 * SARIF 2.1.0 for code scanning: the rule pack as the tool's rules, one result per finding located at the
 * input file with the resource address as its logical location; excepted findings carry a suppression.
 */
import { Finding, GateResult } from "../report";

const LEVEL = { error: "error", warning: "warning" } as const;

export function formatSarif(result: GateResult, version: string): string {
  const ruleIds = Object.keys(result.rules).sort();
  const toResult = (f: Finding, suppression?: string) => ({
    ruleId: f.rule,
    ruleIndex: ruleIds.indexOf(f.rule),
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: f.file } },
        ...(f.address ? { logicalLocations: [{ fullyQualifiedName: f.address, kind: "resource" }] } : {}),
      },
    ],
    ...(f.fix ? { properties: { fix: f.fix } } : {}),
    ...(suppression !== undefined ? { suppressions: [{ kind: "external", justification: suppression }] } : {}),
  });
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "gt-cors",
            version,
            informationUri: "https://docs.aws.amazon.com/sagemaker/latest/dg/sms-cors-update.html",
            rules: ruleIds.map((id) => ({
              id,
              name: result.rules[id].name,
              shortDescription: { text: result.rules[id].summary },
              fullDescription: { text: result.rules[id].explanation },
              defaultConfiguration: { level: LEVEL[result.rules[id].severity] },
            })),
          },
        },
        results: [...result.findings.map((f) => toResult(f)), ...result.exceptions.map((e) => toResult(e, e.reason))],
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + "\n";
}
