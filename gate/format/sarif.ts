/**
 * SARIF 2.1.0 for code scanning: the rule pack as the tool's rules, one result per finding located at the
 * resource's block in the root's `.tf` files when the gate found it (the plan as a related location), else at the
 * input file; the resource address and CDKTF construct path as logical locations, the root as a property; a
 * finding about one bucket across inputs has each input's resource as a related location; excepted findings carry a
 * suppression.
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
        physicalLocation: f.declaration
          ? { artifactLocation: { uri: f.declaration.file }, region: { startLine: f.declaration.line } }
          : { artifactLocation: { uri: f.file } },
        ...logicalLocations(f),
      },
    ],
    ...relatedLocations(f),
    ...properties(f),
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

/** The plan, when the result sits at its block in a `.tf` file; and for a finding about one bucket across inputs,
 * each input's resource that writes the bucket's CORS. */
function relatedLocations(f: Finding): object {
  const plan = f.declaration ? [{ physicalLocation: { artifactLocation: { uri: f.file } }, message: { text: "the plan" } }] : [];
  const others = (f.related ?? []).map((r) => ({
    physicalLocation: r.declaration ? { artifactLocation: { uri: r.declaration.file }, region: { startLine: r.declaration.line } } : { artifactLocation: { uri: r.file } },
    ...logicalLocations(r),
    message: { text: `${r.address} in ${r.file}` },
  }));
  const all = [...plan, ...others];
  return all.length > 0 ? { relatedLocations: all.map((l, i) => ({ id: i + 1, ...l })) } : {};
}

function logicalLocations(f: { address: string | null; construct: string | null }): object {
  const names = [
    ...(f.address ? [{ fullyQualifiedName: f.address, kind: "resource" }] : []),
    ...(f.construct ? [{ fullyQualifiedName: f.construct, kind: "declaration" }] : []),
  ];
  return names.length > 0 ? { logicalLocations: names } : {};
}

/** The fix, and the Terraform root (a directory, which a SARIF artifact location cannot be). */
function properties(f: Finding): object {
  const props = { ...(f.fix ? { fix: f.fix } : {}), ...(f.root !== null ? { root: f.root } : {}) };
  return Object.keys(props).length > 0 ? { properties: props } : {};
}
