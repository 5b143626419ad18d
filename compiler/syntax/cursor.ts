/**
 * The parser's token cursor: takes the lexer's tokens and provides what every parsing stage needs — current
 * and look-ahead tokens, save/restore for backtracking, source spans, OPA-style "unexpected … token" errors,
 * a recursion-depth guard and fresh wildcard names. `terms.ts` and `parser.ts` build on it.
 */
import { diagnostic, type Diagnostic } from "../diagnostics";
import type { Location, Term, VarTerm } from "./ast";
import type { Token } from "./lexer";

/**
 * OPA's `DefaultMaxParsingRecursionDepth` (v1/ast/parser.go). The parsing functions that count a level here are
 * the ones that call OPA's `enter()`, so the limit falls at the same nesting as in OPA: 8 levels per
 * parenthesis, 2 per array or set, 3 per object, 9 per call argument, 1 per further operator of a chain.
 */
export const MAX_PARSING_DEPTH = 100000;

export interface Cursor {
  index: number;
  diagnostics: number;
  lastEnd: number;
}

export class TokenCursor {
  protected index = 0;
  /** End offset of the last consumed token: where a node that ends here ends. */
  protected lastEnd = 0;
  protected readonly diagnostics: Diagnostic[];
  private wildcards = 0;
  private depth = 0;

  constructor(
    protected readonly tokens: Token[],
    protected readonly file: string,
    diagnostics: Diagnostic[],
  ) {
    this.diagnostics = diagnostics;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Cursor

  protected get tok(): Token {
    return this.tokens[this.index];
  }

  protected peek(n = 1): Token {
    return this.tokens[Math.min(this.index + n, this.tokens.length - 1)];
  }

  protected next(): void {
    const t = this.tokens[this.index];
    if (t.kind !== "eof") {
      this.lastEnd = t.end;
      this.index++;
    }
  }

  protected save(): Cursor {
    return { index: this.index, diagnostics: this.diagnostics.length, lastEnd: this.lastEnd };
  }

  /** Rewinds to a saved cursor, dropping diagnostics of the abandoned attempt. Wildcard numbers stay unique. */
  protected restore(c: Cursor): void {
    this.index = c.index;
    this.lastEnd = c.lastEnd;
    this.diagnostics.length = c.diagnostics;
  }

  protected isPunct(p: string, t: Token = this.tok): boolean {
    return t.kind === "punct" && t.text === p;
  }

  /** A keyword token that acts as a keyword: not the head of a ref such as `with.foo` or `if[x]`. */
  protected isKeyword(k: string, at = 0): boolean {
    const t = this.peek(at);
    return t.kind === "keyword" && t.text === k && !this.startsKeywordRef(at);
  }

  /** Keywords directly followed by `.` or `[` are ref heads (OPA's "keywords in refs" feature). */
  protected startsKeywordRef(at = 0): boolean {
    const t = this.peek(at);
    if (t.kind !== "keyword") return false;
    const n = this.peek(at + 1);
    return !n.spaceBefore && n.kind === "punct" && (n.text === "." || n.text === "[");
  }

  protected tokenLoc(t: Token = this.tok): Location {
    return { file: this.file, row: t.row, col: t.col, offset: t.offset, end: t.end };
  }

  /** A location from the start of `start` to the end of the last consumed token. */
  protected span(start: Location | Token): Location {
    const end = Math.max(this.lastEnd, start.offset);
    if ("kind" in start) return { file: this.file, row: start.row, col: start.col, offset: start.offset, end };
    return { ...start, end };
  }

  protected error(message: string, loc: Location = this.tokenLoc()): void {
    this.diagnostics.push(diagnostic("rego_parse_error", message, loc));
  }

  /** OPA's "unexpected <tok> token[: note]" error at the current token. */
  protected illegal(note = ""): void {
    const t = this.tok;
    if (t.kind === "illegal") {
      // The lexer already reported why this token is illegal.
      if (!this.diagnostics.some((d) => d.loc?.offset === t.offset)) this.error("illegal token");
      return;
    }
    const what = describeToken(t);
    this.error(note ? `unexpected ${what}: ${note}` : `unexpected ${what}`);
  }

  protected enter(): boolean {
    if (++this.depth > MAX_PARSING_DEPTH) {
      this.depth--;
      this.error("max parsing recursion depth exceeded");
      return false;
    }
    return true;
  }

  protected leave(): void {
    this.depth--;
  }

  /** Releases levels a chain took with `enter()` as it grew. */
  protected leaveLevels(levels: number): void {
    this.depth -= levels;
  }

  /** Runs one parsing step a level deeper, as OPA's `enter()`/`leave()` pair around a parsing function does. */
  protected nested<T>(step: () => T | null): T | null {
    if (!this.enter()) return null;
    try {
      return step();
    } finally {
      this.leave();
    }
  }

  protected wildcard(loc: Location): VarTerm {
    return { type: "var", name: `$_${this.wildcards++}`, loc };
  }
}

/** OPA's names for term kinds in messages ("illegal ref (head cannot be string)"). */
export function valueName(t: Term): string {
  switch (t.type) {
    case "arraycomp":
      return "arraycomprehension";
    case "setcomp":
      return "setcomprehension";
    case "objectcomp":
      return "objectcomprehension";
    case "template":
      return "templatestring";
    default:
      return t.type;
  }
}

export function describeToken(t: Token): string {
  switch (t.kind) {
    case "eof":
      return "eof token";
    case "ident":
      return "ident token";
    case "number":
      return "number token";
    case "string":
    case "rawstring":
      return "string token";
    case "template-part":
    case "template-end":
      return "template-string token";
    case "keyword":
      return `${t.text} keyword`;
    default:
      return `${t.text} token`;
  }
}
