/**
 * Loads OPA conformance cases (YAML, OPA's test-case schema) from a folder tree, keyed by file and note, with
 * their category (the folder below the root). Cases are read in place from ../shared/opa-conformance.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export interface ConformanceCase {
  /** `<file relative to the root>#<note>`: notes alone are not unique. */
  id: string;
  category: string;
  file: string;
  note: string;
  query: string;
  modules: string[];
  data?: unknown;
  input?: unknown;
  /** Input written as a Rego term (may be a set or have non-string keys). */
  inputTerm?: string;
  wantResult?: Array<Record<string, unknown>>;
  /** `wantResult` with its integers as bigints, when some integer is beyond what a double holds exactly. */
  wantResultExact?: Array<Record<string, unknown>>;
  wantDefined?: boolean;
  wantErrorCode?: string;
  wantError?: string;
  strictError?: boolean;
  sortBindings?: boolean;
}

export function listCaseFiles(root: string): string[] {
  const out: string[] = [];
  const visit = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (/\.ya?ml$/.test(entry.name)) out.push(full);
    }
  };
  visit(root);
  return out;
}

export function loadCases(root: string): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const file of listCaseFiles(root)) {
    const rel = path.relative(root, file);
    const category = rel.includes(path.sep) ? rel.split(path.sep)[0] : path.basename(rel).replace(/\.ya?ml$/, "");
    const text = fs.readFileSync(file, "utf8");
    const doc = parse(text, { intAsBigInt: false }) as { cases?: unknown[] } | null;
    // The same cases with integers exact, for results holding integers a double cannot.
    const exact = parse(text, { intAsBigInt: true }) as { cases?: Array<Record<string, unknown>> } | null;
    const seen = new Map<string, number>();
    for (const [index, raw] of (doc?.cases ?? []).entries()) {
      const c = raw as Record<string, unknown>;
      const exactWant = exact?.cases?.[index]?.want_result;
      const note = String(c.note ?? "");
      const n = (seen.get(note) ?? 0) + 1;
      seen.set(note, n);
      cases.push({
        id: `${rel}#${note}${n > 1 ? `#${n}` : ""}`,
        category,
        file: rel,
        note,
        query: String(c.query ?? ""),
        modules: (c.modules as string[] | undefined) ?? [],
        data: c.data,
        input: c.input,
        inputTerm: c.input_term as string | undefined,
        wantResult: c.want_result as ConformanceCase["wantResult"],
        wantResultExact: hasUnsafeInteger(exactWant) ? (exactWant as ConformanceCase["wantResult"]) : undefined,
        wantDefined: c.want_defined as boolean | undefined,
        wantErrorCode: c.want_error_code as string | undefined,
        wantError: c.want_error as string | undefined,
        strictError: c.strict_error as boolean | undefined,
        sortBindings: c.sort_bindings as boolean | undefined,
      });
    }
  }
  return cases;
}

function hasUnsafeInteger(v: unknown): boolean {
  if (typeof v === "bigint") return v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER);
  if (Array.isArray(v)) return v.some(hasUnsafeInteger);
  if (v !== null && typeof v === "object") return Object.values(v).some(hasUnsafeInteger);
  return false;
}
