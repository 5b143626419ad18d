/** GitHub Actions workflow commands: one `::error`/`::warning` annotation per finding, then a notice summary. */
import { GateResult, plural, summarize } from "../report";

export function formatGithub(result: GateResult): string {
  const lines = result.findings.map(
    (f) => `::${f.severity} file=${property(f.file)},title=${property(`${f.rule} ${f.address ?? ""}`.trim())}::${data(f.message)}`,
  );
  const s = summarize(result);
  lines.push(`::notice title=gt-cors::${data(`${plural(s.buckets, "Ground Truth bucket")}: ${plural(s.errors, "error")}, ${plural(s.warnings, "warning")}, ${plural(s.exceptions, "exception")}`)}`);
  return lines.join("\n") + "\n";
}

function data(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function property(s: string): string {
  return data(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
