/**
 * The `regex.*` builtins the Wasm runtime leaves to the host: `regex.template_match` (gorilla/mux-style templates
 * whose delimited parts are RE2 expressions, matched with `re2js` so that what RE2 rejects is rejected) and
 * `regex.globs_match` (whether two glob-like expressions match a common string, by the algorithm of the
 * glob-intersection library OPA uses, with its error messages).
 */
import { RE2JS } from "re2js";
import { BuiltinError, typeError, type HostFamily } from "./errors";

function stringArg(value: unknown, position: number): string {
  if (typeof value !== "string") throw typeError(position, "string", value);
  return value;
}

/** RE2 compilation; syntax errors carry Go's `error parsing regexp: …` wording, which re2js shares. */
export function compileRe2(pattern: string): RE2JS {
  try {
    return RE2JS.compile(pattern);
  } catch (e) {
    throw new BuiltinError("eval_builtin_error", e instanceof Error ? e.message : String(e));
  }
}

/** Go's `regexp.QuoteMeta`. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");
}

// ---------------------------------------------------------------------------------------------------------------
// regex.template_match

/** Top-level delimiter pairs as [start, end) offsets, or an error for unbalanced delimiters. */
function delimiterIndices(template: string, open: string, close: string): number[] {
  const indices: number[] = [];
  let level = 0;
  let start = 0;
  for (let i = 0; i < template.length; i++) {
    if (template[i] === open) {
      if (++level === 1) start = i;
    } else if (template[i] === close) {
      if (--level === 0) indices.push(start, i + 1);
      else if (level < 0) break;
    }
  }
  if (level !== 0) throw new BuiltinError("eval_builtin_error", `unbalanced braces in ${JSON.stringify(template)}`);
  return indices;
}

function compileTemplate(template: string, open: string, close: string): RE2JS {
  const indices = delimiterIndices(template, open, close);
  let pattern = "^";
  let end = 0;
  for (let i = 0; i < indices.length; i += 2) {
    const literal = template.slice(end, indices[i]);
    end = indices[i + 1];
    const part = template.slice(indices[i] + 1, end - 1);
    compileRe2(`^${part}$`);
    pattern += `${quoteMeta(literal)}(${part})`;
  }
  return compileRe2(`${pattern}${quoteMeta(template.slice(end))}$`);
}

function templateMatch(pattern: unknown, value: unknown, start: unknown, end: unknown): boolean {
  const template = stringArg(pattern, 1);
  const subject = stringArg(value, 2);
  const open = stringArg(start, 3);
  const close = stringArg(end, 4);
  const openBytes = Buffer.byteLength(open);
  // OPA reports the start delimiter's length in both messages.
  if (openBytes !== 1) {
    throw new BuiltinError(
      "eval_builtin_error",
      `start delimiter has to be exactly one character long but is ${openBytes} long`,
    );
  }
  if (Buffer.byteLength(close) !== 1) {
    throw new BuiltinError(
      "eval_builtin_error",
      `end delimiter has to be exactly one character long but is ${openBytes} long`,
    );
  }
  return compileTemplate(template, open, close).matcher(subject).find();
}

// ---------------------------------------------------------------------------------------------------------------
// regex.globs_match

type Flag = "none" | "plus" | "star";
type Token =
  | { type: "char"; rune: string; flag: Flag }
  | { type: "dot"; flag: Flag }
  | { type: "set"; runes: Set<string>; flag: Flag };

class GlobSyntax {
  constructor(readonly input: string, private readonly runes: string[]) {}

  error(index: number, detail: string): BuiltinError {
    return new BuiltinError(
      "eval_builtin_error",
      `input:${this.input}, pos:${index}, ${detail}: the input provided is invalid`,
    );
  }

  /** The rune at `index` (a backslash escapes the next one), the index after it, and whether it was escaped. */
  rune(index: number): { next: number; rune: string; escaped: boolean } | null {
    if (index >= this.runes.length) return null;
    if (this.runes[index] !== "\\") return { next: index + 1, rune: this.runes[index], escaped: false };
    if (index === this.runes.length - 1) throw this.error(index, "input ends with a \\ (escape) character");
    return { next: index + 2, rune: this.runes[index + 1], escaped: true };
  }

  tokenize(): Token[] {
    const tokens: Token[] = [];
    let index = 0;
    // A "[" ending the input is dropped, as the library drops it.
    for (let r = this.rune(index); r !== null; r = this.rune(index)) {
      let token: Token;
      index = r.next;
      if (r.escaped || !".[]+*".includes(r.rune)) token = { type: "char", rune: r.rune, flag: "none" };
      else if (r.rune === ".") token = { type: "dot", flag: "none" };
      else if (r.rune === "[" && index >= this.runes.length) break;
      else if (r.rune === "[") [index, token] = this.set(index);
      else if (r.rune === "]") throw this.error(index, "set-close ']' with no preceding '['");
      else throw this.error(index, `flag '${r.rune}' must be preceded by a non-flag`);
      const flag = this.rune(index);
      if (flag && !flag.escaped && (flag.rune === "+" || flag.rune === "*")) {
        token.flag = flag.rune === "+" ? "plus" : "star";
        index = flag.next;
      }
      tokens.push(token);
    }
    return simplify(tokens);
  }

  private set(index: number): [number, Token] {
    const runes = new Set<string>();
    let prev: string | null = null;
    for (let r = this.rune(index); r !== null; r = this.rune(index)) {
      index = r.next;
      if (r.escaped || (r.rune !== "-" && r.rune !== "]")) {
        runes.add(r.rune);
        prev = r.rune;
      } else if (r.rune === "]") {
        return [index, { type: "set", runes, flag: "none" }];
      } else {
        if (prev === null) throw this.error(index, "range character '-' must be preceded by a Unicode character");
        if (index >= this.runes.length - 1) {
          throw this.error(index, "range character '-' must be followed by a Unicode character");
        }
        const last = this.rune(index);
        if (last === null) break;
        index = last.next;
        if (!last.escaped && (last.rune === "]" || last.rune === "-")) {
          throw this.error(index, "range character '-' cannot be followed by a special symbol");
        }
        // An out-of-order range adds nothing: the library's error for it is overwritten before it is returned.
        for (let c = prev.codePointAt(0) ?? 0; c <= (last.rune.codePointAt(0) ?? 0); c++) {
          runes.add(String.fromCodePoint(c));
        }
        prev = null;
      }
    }
    throw this.error(index, "found [ without matching ]");
  }
}

function tokensEqual(a: Token, b: Token): boolean {
  if (a.type === "char" && b.type === "char") return a.rune === b.rune;
  if (a.type === "set" && b.type === "set")
    return a.runes.size === b.runes.size && [...a.runes].every((r) => b.runes.has(r));
  return a.type === "dot" && b.type === "dot";
}

/** Merges adjacent equal flagged tokens: `t*t*` is `t*`, and `t+` absorbs `t*` and `t+`. */
function simplify(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (const token of tokens) {
    const last = out[out.length - 1];
    if (last && last.flag !== "none" && token.flag !== "none" && tokensEqual(last, token)) {
      last.flag = last.flag === "plus" || token.flag === "plus" ? "plus" : "star";
    } else {
      out.push({ ...token });
    }
  }
  return out;
}

function match(a: Token, b: Token): boolean {
  if (a.type === "dot" || b.type === "dot") return true;
  if (a.type === "char" && b.type === "char") return a.rune === b.rune;
  if (a.type === "char" && b.type === "set") return b.runes.has(a.rune);
  if (a.type === "set" && b.type === "char") return a.runes.has(b.rune);
  return a.type === "set" && b.type === "set" && [...a.runes].some((r) => b.runes.has(r));
}

function intersectNormal(g1: Token[], g2: Token[]): boolean {
  let i = 0;
  let j = 0;
  for (; i < g1.length && j < g2.length; i++, j++) {
    if (g1[i].flag !== "none" || g2[j].flag !== "none") return intersectSpecial(g1.slice(i), g2.slice(j));
    if (!match(g1[i], g2[j])) return false;
  }
  return i === g1.length && j === g2.length;
}

function intersectSpecial(g1: Token[], g2: Token[]): boolean {
  const [flagged, other] = g1[0].flag !== "none" ? [g1, g2] : [g2, g1];
  return flagged[0].flag === "plus" ? intersectPlus(flagged, other) : intersectStar(flagged, other);
}

function intersectPlus(plussed: Token[], other: Token[]): boolean {
  if (!match(plussed[0], other[0])) return false;
  if (intersectStar(plussed, other.slice(1))) return true;
  return other[0].flag !== "none" && intersectNormal(plussed.slice(1), other);
}

function intersectStar(starred: Token[], other: Token[]): boolean {
  const star = starred[0];
  const next = starred.length > 1 ? starred[1] : null;
  for (let i = 0; i < other.length; i++) {
    if (next !== null && match(other[i], next) && intersectNormal(starred.slice(1), other.slice(i))) return true;
    if (!match(other[i], star)) return false;
  }
  return next === null;
}

/** Drops matching unflagged prefixes and suffixes (keeping one of each), or null when they cannot match. */
function trimGlobs(g1: Token[], g2: Token[]): [Token[], Token[]] | null {
  let l = 0;
  for (; l < g1.length && l < g2.length && g1[l].flag === "none" && g2[l].flag === "none"; l++) {
    if (!match(g1[l], g2[l])) return null;
  }
  if (l > 0) l--;
  let r1 = g1.length - 1;
  let r2 = g2.length - 1;
  for (; r1 >= l && r2 >= l && g1[r1].flag === "none" && g2[r2].flag === "none"; r1--, r2--) {
    if (!match(g1[r1], g2[r2])) return null;
  }
  if (r1 < g1.length - 1) {
    r1++;
    r2++;
  }
  return [g1.slice(l, r1 + 1), g2.slice(l, r2 + 1)];
}

function globsMatch(a: unknown, b: unknown): boolean {
  const left = stringArg(a, 1);
  const right = stringArg(b, 2);
  const g1 = new GlobSyntax(left, Array.from(left)).tokenize();
  const g2 = new GlobSyntax(right, Array.from(right)).tokenize();
  const trimmed = trimGlobs(g1, g2);
  return trimmed !== null && intersectNormal(...trimmed);
}

export const builtins: HostFamily = {
  "regex.globs_match": globsMatch,
  "regex.template_match": templateMatch,
};
