/**
 * GitHub Actions workflow commands: one `::error`/`::warning` annotation per finding, on the resource's block
 * (`file=`, `line=`) when the gate found it, else on the input file, then a notice summary.
 */
import { Finding, GateResult, placeText, plural, summarize } from "../report";

export function formatGithub(result: GateResult): string {
  const lines = result.findings.map((f) => `::${f.severity} ${position(f)},title=${property(`${f.rule} ${f.address ?? ""}`.trim())}::${data(message(f))}`);
  const s = summarize(result);
  lines.push(`::notice title=gt-cors::${data(`${plural(s.buckets, "Ground Truth bucket")}: ${plural(s.errors, "error")}, ${plural(s.warnings, "warning")}, ${plural(s.exceptions, "exception")}`)}`);
  return lines.join("\n") + "\n";
}

function position(f: Finding): string {
  return f.declaration !== null ? `file=${property(f.declaration.file)},line=${f.declaration.line}` : `file=${property(f.file)}`;
}

/** The message, with the input and the place when the annotation's file does not say them. */
function message(f: Finding): string {
  const place = placeText(f);
  if (f.declaration !== null) return `${f.message} (plan ${f.file})`;
  return place === null ? f.message : `${f.message} (${place})`;
}

function data(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function property(s: string): string {
  return data(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
