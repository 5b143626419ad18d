/**
 * Human text: one line per finding (severity, file, resource address, rule id, message), where to open it (the
 * resource's block, construct or root), the CORS rule that fixes it, excepted findings with their reasons, then a
 * one-line summary.
 */
import { GateResult, placeText, plural, summarize } from "../report";

export function formatText(result: GateResult): string {
  const lines: string[] = [];
  for (const f of result.findings) {
    lines.push(`${f.severity.padEnd(7)} ${f.file}: ${f.address ?? "-"} ${f.rule}: ${f.message}`);
    const place = placeText(f);
    if (place !== null) lines.push(`        at: ${place}`);
    if (f.fix) lines.push(`        fix: ${fixText(f.fix)}`);
  }
  for (const e of result.exceptions) {
    lines.push(`excepted ${e.file}: ${e.address ?? "-"} ${e.rule}: ${e.message}`);
    lines.push(`        reason: ${e.reason}`);
  }
  const s = summarize(result);
  if (lines.length > 0) lines.push("");
  lines.push(
    `${plural(s.files, "input")}, ${plural(s.buckets, "Ground Truth bucket")}: ` +
      `${plural(s.errors, "error")}, ${plural(s.warnings, "warning")}, ${plural(s.exceptions, "exception")}`,
  );
  return lines.join("\n") + "\n";
}

/** A `cors_rule` block in HCL, on one line. */
export function fixText(fix: Record<string, unknown>): string {
  const parts = Object.entries(fix).map(([k, v]) => `${k} = ${JSON.stringify(v).replace(/","/g, '", "')}`);
  return `cors_rule { ${parts.join(", ")} }`;
}
