/**
 * The one diagnostic type shared by every compiler stage and by the policy gate: a fixed code, a severity,
 * a message and a source span. Stages collect diagnostics rather than throw; `sortDiagnostics` orders them by
 * location and `renderDiagnostic` prints one with its source line and a caret, as compilers do.
 */
import type { Location } from "./syntax/ast";

export type Severity = "error" | "warning" | "info";

/**
 * Codes follow OPA's fixed strings so users can search for them: `rego_parse_error` (syntax),
 * `rego_unsafe_var_error`, `rego_recursion_error`, `rego_type_error` (arity, unknown function, wrong kinds),
 * `rego_compile_error` (conflicting rules and other semantic errors), `rego_unsupported_error`.
 */
export type DiagnosticCode =
  | "rego_parse_error"
  | "rego_unsafe_var_error"
  | "rego_recursion_error"
  | "rego_type_error"
  | "rego_compile_error"
  | "rego_unsupported_error";

export interface Diagnostic {
  code: DiagnosticCode | string;
  severity: Severity;
  message: string;
  /** Where it happened; absent only for errors about the whole compilation (e.g. a missing entrypoint). */
  loc?: Location;
}

export function diagnostic(code: DiagnosticCode, message: string, loc?: Location, severity: Severity = "error"): Diagnostic {
  return loc ? { code, severity, message, loc } : { code, severity, message };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Orders by file, then offset, then code, keeping the result stable for equal keys. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics
    .map((d, i) => ({ d, i }))
    .sort((a, b) => {
      const fa = a.d.loc?.file ?? "";
      const fb = b.d.loc?.file ?? "";
      if (fa !== fb) return fa < fb ? -1 : 1;
      const oa = a.d.loc?.offset ?? -1;
      const ob = b.d.loc?.offset ?? -1;
      if (oa !== ob) return oa - ob;
      if (a.d.code !== b.d.code) return a.d.code < b.d.code ? -1 : 1;
      return a.i - b.i;
    })
    .map((x) => x.d);
}

/** `file:row:col: code: message` — the one-line form, as OPA prints it. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.loc ? `${d.loc.file}:${d.loc.row}:${d.loc.col}: ` : "";
  return `${where}${d.code}: ${d.message}`;
}

/**
 * The one-line form followed by the offending source line and a caret under the column, when the source of
 * the file is known.
 */
export function renderDiagnostic(d: Diagnostic, sources: ReadonlyMap<string, string> | Record<string, string>): string {
  const head = formatDiagnostic(d);
  if (!d.loc) return head;
  const text = sources instanceof Map ? sources.get(d.loc.file) : (sources as Record<string, string>)[d.loc.file];
  if (text === undefined) return head;
  const line = text.split(/\r?\n/)[d.loc.row - 1];
  if (line === undefined) return head;
  const gutter = `${d.loc.row} | `;
  const pad = " ".repeat(gutter.length) + line.slice(0, d.loc.col - 1).replace(/[^\t]/g, " ");
  return `${head}\n${gutter}${line}\n${pad}^`;
}
