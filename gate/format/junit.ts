/**
 * JUnit XML for CI test reports: a test suite per input file, a test case per Ground Truth bucket (failing
 * when it has error findings, the text saying where to open each), and a test case for each finding that belongs
 * to no bucket; findings about the data file form its own suite.
 */
import { Finding, GateResult, placeText } from "../report";

export function formatJunit(result: GateResult): string {
  const dataFiles = [...new Set(result.findings.map((f) => f.file))].filter((file) => !result.files.includes(file));
  const suites = [...result.files, ...dataFiles].map((file) => {
    const buckets = result.buckets.filter((b) => b.file === file);
    const findings = result.findings.filter((f) => f.file === file);
    const cases: string[] = [];
    for (const b of buckets) {
      const own = findings.filter((f) => f.address === b.address);
      cases.push(testCase(b.address, own));
    }
    for (const f of findings.filter((f) => !buckets.some((b) => b.address === f.address))) {
      cases.push(testCase(`${f.rule} ${f.address ?? ""}`.trim(), [f]));
    }
    const failures = cases.filter((c) => c.includes("<failure")).length;
    return `  <testsuite name="${xml(file)}" tests="${cases.length}" failures="${failures}" errors="0">\n${cases.join("")}  </testsuite>\n`;
  });
  const total = suites.reduce((n, s) => n + Number(/tests="(\d+)"/.exec(s)![1]), 0);
  const failed = suites.reduce((n, s) => n + Number(/failures="(\d+)"/.exec(s)![1]), 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="gt-cors" tests="${total}" failures="${failed}">\n${suites.join("")}</testsuites>\n`;
}

function testCase(name: string, findings: Finding[]): string {
  const errors = findings.filter((f) => f.severity === "error");
  const warnings = findings.filter((f) => f.severity === "warning");
  let body = "";
  if (errors.length > 0) {
    const text = errors.map((f) => `${f.rule}: ${f.message}${at(f)}`).join("\n");
    body += `      <failure message="${xml(errors[0].rule + ": " + errors[0].message)}" type="${xml(errors[0].rule)}">${xml(text)}</failure>\n`;
  }
  if (warnings.length > 0) body += `      <system-out>${xml(warnings.map((f) => `warning ${f.rule}: ${f.message}${at(f)}`).join("\n"))}</system-out>\n`;
  return body === ""
    ? `    <testcase name="${xml(name)}" classname="gt-cors"/>\n`
    : `    <testcase name="${xml(name)}" classname="gt-cors">\n${body}    </testcase>\n`;
}

function at(f: Finding): string {
  const place = placeText(f);
  return place === null ? "" : `\n  at ${place}`;
}

function xml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!);
}
