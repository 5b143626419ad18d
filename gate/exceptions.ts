/**
 * Exception scopes. An exception in the data file may name the inputs it applies to: `input` (a glob of the plan
 * file's path) and/or `root` (a glob of the Terraform root directory), both relative to the working directory. The
 * policy sees no paths, so before each input the gate hands it the data with the exceptions whose scope matches
 * that input unscoped, and the rest left scoped (which the policy never applies). After the run, an unscoped
 * exception that suppressed findings in more than one input is a warning (GTCORS-010) naming each input.
 */
import picomatch from "picomatch";
import type { ExceptedFinding, Finding } from "./report";

export interface InputPlace {
  /** The input's path relative to the working directory, `/`-separated. */
  file: string;
  /** The Terraform root (or stack folder) relative to the working directory, `/`-separated; `.` for the cwd. */
  root: string;
}

type Entry = Record<string, unknown>;

export function exceptionsOf(settings: Record<string, unknown>): Entry[] {
  const gt = settings.groundtruth as Record<string, unknown> | undefined;
  return Array.isArray(gt?.exceptions) ? (gt!.exceptions as Entry[]) : [];
}

export function isScoped(entry: Entry): boolean {
  return entry.input !== undefined || entry.root !== undefined;
}

/** Whether every scope the exception names matches the input. */
export function scopeMatches(entry: Entry, place: InputPlace): boolean {
  if (typeof entry.input === "string" && !globMatches(entry.input, place.file)) return false;
  if (typeof entry.root === "string" && !globMatches(entry.root, place.root)) return false;
  return true;
}

/**
 * The exception (its index) that suppresses a finding the gate makes itself, about the run rather than one input,
 * as the policy applies exceptions: a reason, the rule, and the address or bucket; a scoped one where its scope
 * matches the finding's input. Null when none does.
 */
export function exceptionFor(settings: Record<string, unknown>, place: InputPlace, f: { rule: string; address: string | null; bucket: string | null }): number | null {
  const i = exceptionsOf(settings).findIndex(
    (e) =>
      typeof e.reason === "string" &&
      e.reason.trim() !== "" &&
      (!isScoped(e) || scopeMatches(e, place)) &&
      e.rule === f.rule &&
      ((typeof e.address === "string" && e.address === f.address) || (typeof e.bucket === "string" && e.bucket === f.bucket)),
  );
  return i < 0 ? null : i;
}

/** The data document for one input: matching scoped exceptions lose their scope, indices stay as written. */
export function settingsForInput(settings: Record<string, unknown>, place: InputPlace): Record<string, unknown> {
  const exceptions = exceptionsOf(settings);
  if (!exceptions.some(isScoped)) return settings;
  const scopedHere = exceptions.map((entry) => {
    if (!isScoped(entry) || !scopeMatches(entry, place)) return entry;
    const { input: _input, root: _root, ...unscoped } = entry;
    return unscoped;
  });
  return { ...settings, groundtruth: { ...(settings.groundtruth as object), exceptions: scopedHere } };
}

/**
 * GTCORS-010 warnings: unscoped exceptions that suppressed findings in more than one input, each reported once
 * against the data file, naming the inputs.
 */
export function overreachingExceptions(
  settings: Record<string, unknown>,
  excepted: readonly ExceptedFinding[],
  dataFile: string,
): Finding[] {
  const exceptions = exceptionsOf(settings);
  const inputsOf = new Map<number, Set<string>>();
  for (const f of excepted) {
    if (isScoped(exceptions[f.exception] ?? {})) continue;
    const inputs = inputsOf.get(f.exception) ?? new Set<string>();
    inputs.add(f.file);
    inputsOf.set(f.exception, inputs);
  }
  const findings: Finding[] = [];
  for (const [i, inputs] of [...inputsOf].sort(([a], [b]) => a - b)) {
    if (inputs.size < 2) continue;
    const entry = exceptions[i];
    const target = typeof entry.address === "string" ? entry.address : String(entry.bucket);
    findings.push({
      rule: "GTCORS-010",
      severity: "warning",
      address: typeof entry.address === "string" ? entry.address : null,
      bucket: typeof entry.bucket === "string" ? entry.bucket : null,
      message: `exception ${i} (${String(entry.rule)} for ${target}) has no input or root and suppresses findings in ${inputs.size} inputs: ${[...inputs].sort().join(", ")}; scope it to the one it was written for`,
      job_types: [],
      roles: [],
      missing: ["input or root"],
      fix: null,
      file: dataFile,
      root: null,
      declaration: null,
      construct: null,
    });
  }
  return findings;
}

/**
 * Whether a scope glob matches an input's place (`/`-separated, relative to the working directory), with
 * picomatch's glob syntax: `*` and `?` within one segment, `**` as a whole segment across any number of them
 * (none included), `{a,b}` sets, `[ab]`/`[!ab]`/`[[:digit:]]` classes; names starting with `.` match like any other. A leading
 * `./` and trailing `/` are ignored, and `\` is read as `/`, so a Windows-style path names the same place.
 */
export function globMatches(glob: string, target: string): boolean {
  const pattern = glob.replace(/\\/g, "/").replace(/^(?:\.\/)+/, "").replace(/\/+$/, "") || ".";
  // picomatch never lets a wildcard match `.` itself; the working directory as a root is still "everywhere".
  if (target === ".") return pattern === "." || /^\*\*(?:\/\*\*)*$/.test(pattern);
  // Paths are `/`-separated on every platform, so the matcher is too (picomatch would follow the host's). Without
  // `posix`, picomatch 4 reads `[!ab]` as a class holding `!` (micromatch/picomatch#187) rather than a negation.
  return picomatch.isMatch(target, pattern, { dot: true, windows: false, posix: true });
}
