/**
 * The Rego lexer, first stage: takes source text and produces the whole token array, the comments and lexical
 * diagnostics. Template strings (`$"a{x}b"`) are split into piece tokens around ordinary expression tokens by
 * tracking `{`/`}` nesting. Each token records whether whitespace or a newline precedes it: refs and calls are
 * written without whitespace (`a.b`, `f(x)`), and newlines separate body expressions.
 */
import { diagnostic, type Diagnostic } from "../diagnostics";
import type { Comment, Location } from "./ast";

export type TokenKind =
  | "ident"
  | "keyword"
  | "number"
  | "string"
  | "rawstring"
  /** A template-string piece that is followed by an embedded expression (`$"a{`, `}b{`). */
  | "template-part"
  /** The last piece of a template string (`$"a"`, `}b"`). */
  | "template-end"
  | "punct"
  | "illegal"
  | "eof";

export interface Token {
  kind: TokenKind;
  /** The source text of the token (for template pieces: the decoded literal text). */
  text: string;
  offset: number;
  end: number;
  row: number;
  col: number;
  /** Whitespace or a comment separates this token from the previous one. */
  spaceBefore: boolean;
  /** A newline separates this token from the previous one. */
  newlineBefore: boolean;
  /** For template pieces: the string started with a backtick (raw, may span lines). */
  raw?: boolean;
  /** For template pieces: the piece starts with the `}` that closed an embedded expression. */
  continuation?: boolean;
}

export const KEYWORDS: ReadonlySet<string> = new Set([
  "package",
  "import",
  "as",
  "default",
  "else",
  "not",
  "some",
  "every",
  "in",
  "if",
  "contains",
  "with",
  "true",
  "false",
  "null",
]);

/** Punctuation, longest first so that `:=` wins over `:`. */
const PUNCTUATION = [":=", "==", "!=", "<=", ">=", "{", "}", "[", "]", "(", ")", ".", ",", ";", ":", "=", "<", ">", "+", "-", "*", "/", "%", "|", "&"];

export interface LexResult {
  tokens: Token[];
  comments: Comment[];
  diagnostics: Diagnostic[];
}

const enum Ch {
  Tab = 9,
  LF = 10,
  CR = 13,
  Space = 32,
  Quote = 34,
  Hash = 35,
  Dollar = 36,
  Zero = 48,
  Nine = 57,
  Backslash = 92,
  Backtick = 96,
  LBrace = 123,
  RBrace = 125,
}

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= Ch.Zero && c <= Ch.Nine);
}
function isDigit(c: number): boolean {
  return c >= Ch.Zero && c <= Ch.Nine;
}

/** An open template string whose embedded expression is being lexed; `depth` counts unclosed `{`. */
interface TemplateFrame {
  raw: boolean;
  depth: number;
}

export function tokenize(text: string, file: string): LexResult {
  return new Lexer(text, file).run();
}

class Lexer {
  private pos = 0;
  private row = 1;
  private lineStart = 0;
  private readonly tokens: Token[] = [];
  private readonly comments: Comment[] = [];
  private readonly diagnostics: Diagnostic[] = [];
  private readonly templates: TemplateFrame[] = [];
  private spaceBefore = false;
  private newlineBefore = false;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  run(): LexResult {
    const text = this.text;
    while (true) {
      this.skipSpaceAndComments();
      if (this.pos >= text.length) break;
      const start = this.pos;
      const c = text.charCodeAt(start);
      if (isIdentStart(c)) {
        let p = start + 1;
        while (p < text.length && isIdentPart(text.charCodeAt(p))) p++;
        const word = text.slice(start, p);
        this.push(KEYWORDS.has(word) ? "keyword" : "ident", word, start, p);
      } else if (isDigit(c)) {
        this.lexNumber(start);
      } else if (c === Ch.Quote) {
        this.lexString(start);
      } else if (c === Ch.Backtick) {
        const close = text.indexOf("`", start + 1);
        if (close < 0) {
          this.error("non-terminated raw string", start);
          this.push("illegal", text.slice(start), start, text.length);
        } else {
          this.push("rawstring", text.slice(start + 1, close), start, close + 1);
        }
      } else if (c === Ch.Dollar && (text.charCodeAt(start + 1) === Ch.Quote || text.charCodeAt(start + 1) === Ch.Backtick)) {
        this.lexTemplatePiece(start, start + 2, text.charCodeAt(start + 1) === Ch.Backtick, false);
      } else if (c === Ch.RBrace && this.templates.length > 0 && this.templates[this.templates.length - 1].depth === 0) {
        const frame = this.templates.pop()!;
        this.lexTemplatePiece(start, start + 1, frame.raw, true);
      } else {
        const op = PUNCTUATION.find((p) => text.startsWith(p, start));
        if (op === undefined) {
          const width = c >= 0xd800 && c <= 0xdbff && start + 1 < text.length ? 2 : 1;
          this.error("illegal token", start);
          this.push("illegal", text.slice(start, start + width), start, start + width);
        } else {
          if (this.templates.length > 0) {
            const frame = this.templates[this.templates.length - 1];
            if (op === "{") frame.depth++;
            else if (op === "}") frame.depth--;
          }
          this.push("punct", op, start, start + op.length);
        }
      }
    }
    this.push("eof", "", text.length, text.length);
    return { tokens: this.tokens, comments: this.comments, diagnostics: this.diagnostics };
  }

  private loc(offset: number, end: number): Location {
    return { file: this.file, row: this.row, col: offset - this.lineStart + 1, offset, end };
  }

  private error(message: string, offset: number): void {
    this.diagnostics.push(diagnostic("rego_parse_error", message, this.loc(offset, offset + 1)));
  }

  private push(kind: TokenKind, text: string, offset: number, end: number, raw?: boolean): void {
    const token: Token = {
      kind,
      text,
      offset,
      end,
      row: this.row,
      col: offset - this.lineStart + 1,
      spaceBefore: this.spaceBefore,
      newlineBefore: this.newlineBefore,
    };
    if (raw !== undefined) token.raw = raw;
    this.tokens.push(token);
    this.advanceTo(end);
    this.spaceBefore = false;
    this.newlineBefore = false;
  }

  /** Moves to `end`, keeping row and line start right for tokens that span lines (raw strings). */
  private advanceTo(end: number): void {
    const text = this.text;
    for (let p = this.pos; p < end; p++) {
      if (text.charCodeAt(p) === Ch.LF) {
        this.row++;
        this.lineStart = p + 1;
      }
    }
    this.pos = end;
  }

  private skipSpaceAndComments(): void {
    const text = this.text;
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos);
      if (c === Ch.Space || c === Ch.Tab || c === Ch.CR) {
        this.pos++;
        this.spaceBefore = true;
      } else if (c === Ch.LF) {
        this.pos++;
        this.row++;
        this.lineStart = this.pos;
        this.spaceBefore = true;
        this.newlineBefore = true;
      } else if (c === Ch.Hash) {
        let end = text.indexOf("\n", this.pos);
        if (end < 0) end = text.length;
        let body = text.slice(this.pos + 1, end);
        if (body.endsWith("\r")) body = body.slice(0, -1);
        this.comments.push({ text: body, loc: this.loc(this.pos, end) });
        this.pos = end;
        this.spaceBefore = true;
      } else {
        return;
      }
    }
  }

  /** Numbers keep their text; a leading sign or dot is joined by the parser. */
  private lexNumber(start: number): void {
    const text = this.text;
    let p = start;
    while (p < text.length && isDigit(text.charCodeAt(p))) p++;
    if (text.charCodeAt(p) === 46 /* . */ && isDigit(text.charCodeAt(p + 1))) {
      p++;
      while (p < text.length && isDigit(text.charCodeAt(p))) p++;
    }
    const e = text.charCodeAt(p);
    if (e === 101 || e === 69) {
      let q = p + 1;
      const sign = text.charCodeAt(q);
      if (sign === 43 || sign === 45) q++;
      if (isDigit(text.charCodeAt(q))) {
        while (q < text.length && isDigit(text.charCodeAt(q))) q++;
        p = q;
      }
    }
    this.push("number", text.slice(start, p), start, p);
  }

  /** A JSON string literal; the parser decodes escapes (errors there carry the literal's location). */
  private lexString(start: number): void {
    const text = this.text;
    let p = start + 1;
    while (p < text.length) {
      const c = text.charCodeAt(p);
      if (c === Ch.Quote) {
        this.push("string", text.slice(start, p + 1), start, p + 1);
        return;
      }
      if (c === Ch.LF) break;
      p += c === Ch.Backslash ? 2 : 1;
    }
    this.error("non-terminated string", start);
    const end = Math.min(p, text.length);
    this.push("illegal", text.slice(start, end), start, end);
  }

  /**
   * Lexes one template-string piece starting at `bodyStart` (just past `$"` or the `}` that closed an
   * embedded expression) up to the next unescaped `{` or the closing quote. `\{` stands for a literal brace.
   */
  private lexTemplatePiece(start: number, bodyStart: number, raw: boolean, continuation: boolean): void {
    const text = this.text;
    const quote = raw ? Ch.Backtick : Ch.Quote;
    let out = "";
    let p = bodyStart;
    let chunk = p;
    while (p < text.length) {
      const c = text.charCodeAt(p);
      if (c === quote) {
        out += text.slice(chunk, p);
        this.pushTemplate("template-end", out, start, p + 1, raw, continuation);
        return;
      }
      if (c === Ch.LBrace) {
        out += text.slice(chunk, p);
        this.pushTemplate("template-part", out, start, p + 1, raw, continuation);
        this.templates.push({ raw, depth: 0 });
        return;
      }
      if (c === Ch.LF && !raw) break;
      if (c === Ch.Backslash) {
        const next = text.charCodeAt(p + 1);
        if (next === Ch.LBrace) {
          out += text.slice(chunk, p) + "{";
          p += 2;
          chunk = p;
          continue;
        }
        if (!raw) {
          p += 2;
          continue;
        }
      }
      p++;
    }
    this.error("non-terminated template string", start);
    const end = Math.min(p, text.length);
    this.push("illegal", text.slice(start, end), start, end);
  }

  private pushTemplate(kind: TokenKind, body: string, start: number, end: number, raw: boolean, continuation: boolean): void {
    this.push(kind, body, start, end, raw);
    if (continuation) this.tokens[this.tokens.length - 1].continuation = true;
  }
}

/**
 * Decodes the body of a JSON string (between the quotes). Returns null when an escape is invalid, as
 * OPA rejects such literals. Handles `\uXXXX` surrogate pairs by code units, as JSON does.
 */
export function decodeJsonStringBody(body: string): string | null {
  if (body.indexOf("\\") < 0) {
    for (let i = 0; i < body.length; i++) if (body.charCodeAt(i) < 0x20) return null;
    return body;
  }
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (body.charCodeAt(i) < 0x20) return null;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = body[++i];
    switch (e) {
      case '"':
        out += '"';
        break;
      case "\\":
        out += "\\";
        break;
      case "/":
        out += "/";
        break;
      case "b":
        out += "\b";
        break;
      case "f":
        out += "\f";
        break;
      case "n":
        out += "\n";
        break;
      case "r":
        out += "\r";
        break;
      case "t":
        out += "\t";
        break;
      case "u": {
        const hex = body.slice(i + 1, i + 5);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) return null;
        out += String.fromCharCode(parseInt(hex, 16));
        i += 4;
        break;
      }
      default:
        return null;
    }
  }
  return out;
}
