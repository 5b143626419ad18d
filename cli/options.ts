/**
 * Command-line parsing shared by `gt-cors` and `regoc`: Node's parseArgs, with its errors turned into one line that
 * names the bad option and, for a misspelt option or command, the closest valid one ("did you mean --data?").
 */
import leven from "leven";
import { parseArgs, ParseArgsConfig } from "util";

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** The candidate closest to `given`, if it is close enough to be a likely typo. */
export function closest(given: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = leven(given, candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

/** `; did you mean X?` or nothing. */
export function didYouMean(given: string, candidates: readonly string[]): string {
  const match = closest(given, candidates);
  return match === undefined ? "" : `; did you mean ${match}?`;
}

/** What parseOptions returns: option values by long name, and the positional arguments. */
export interface ParsedOptions {
  values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  positionals: string[];
}

/** parseArgs in strict mode; unknown options and missing values become UsageErrors with a suggestion. */
export function parseOptions(args: readonly string[], options: Options): ParsedOptions {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (e) {
    const err = e as Error & { code?: string };
    if (err.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      const given = /'([^']+)'/.exec(err.message)?.[1] ?? "";
      const names = Object.entries(options).flatMap(([long, o]) => [`--${long}`, ...(o.short ? [`-${o.short}`] : [])]);
      throw new UsageError(`unknown option ${given}${didYouMean(given.replace(/=.*$/, ""), names)}`);
    }
    throw new UsageError(err.message);
  }
}
