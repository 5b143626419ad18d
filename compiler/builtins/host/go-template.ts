/**
 * Go's `text/template` syntax, as `strings.render_template` needs it: text and `{{ }}` actions with `-` trim
 * markers and comments; pipelines of commands over fields, variables, literals, parenthesised pipelines and
 * functions; `if`/`else if`/`else`, `range` (with variables, `else`, `break`, `continue`), `with`, `end`.
 * Parsing only; `go-template-exec.ts` runs the tree.
 */

export class TemplateError extends Error {}

export type Operand =
  | { kind: "dot"; pos: number }
  | { kind: "field"; names: string[]; pos: number }
  | { kind: "variable"; name: string; fields: string[]; pos: number }
  | { kind: "chain"; node: Operand; fields: string[]; pos: number }
  | { kind: "string"; value: string; pos: number }
  | { kind: "int"; value: bigint; pos: number }
  | { kind: "float"; value: number; pos: number }
  | { kind: "bool"; value: boolean; pos: number }
  | { kind: "nil"; pos: number }
  | { kind: "identifier"; name: string; pos: number }
  | { kind: "pipe"; pipe: Pipe; pos: number };

export interface Pipe {
  pos: number;
  /** Variables declared (`:=`) or assigned (`=`) by the pipeline. */
  decl: string[];
  assign: boolean;
  commands: Operand[][];
}

/** `if`, `with` or `range`: the body runs for a true (or non-empty) pipeline value, `elseList` otherwise. */
export interface ControlNode {
  kind: "if" | "with" | "range";
  pipe: Pipe;
  list: TemplateNode[];
  elseList: TemplateNode[];
}

export type TemplateNode =
  | { kind: "text"; text: string }
  | { kind: "action"; pipe: Pipe }
  | ControlNode
  | { kind: "break" | "continue"; pos: number };

interface Token {
  type:
    | "text"
    | "open"
    | "close"
    | "space"
    | "word"
    | "field"
    | "variable"
    | "string"
    | "number"
    | "char"
    | "punct"
    | "eof";
  value: string;
  pos: number;
}

const SPACE = /[ \t\r\n]/;

/** Splits a template into text and action tokens, applying trim markers and dropping comments. */
function lex(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let trimNext = false;
  while (i < src.length) {
    let open = src.indexOf("{{", i);
    if (open < 0) open = src.length;
    let text = src.slice(i, open);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, "");
    trimNext = false;
    const trimLeft = src.startsWith("{{- ", open) || /^\{\{-[\t\r\n]/.test(src.slice(open, open + 4));
    if (trimLeft) text = text.replace(/[ \t\r\n]+$/, "");
    if (text) tokens.push({ type: "text", value: text, pos: i });
    if (open >= src.length) break;
    i = open + (trimLeft ? 3 : 2);
    while (SPACE.test(src[i] ?? "")) i++;
    if (src.startsWith("/*", i)) {
      const end = src.indexOf("*/", i);
      if (end < 0) throw new TemplateError(`template: template:${lineOf(src, open)}: unclosed comment`);
      i = end + 2;
      while (SPACE.test(src[i] ?? "")) i++;
      if (src.startsWith("-}}", i)) trimNext = true;
      else if (!src.startsWith("}}", i))
        throw new TemplateError(`template: template:${lineOf(src, open)}: comment ends before closing delimiter`);
      i += trimNext ? 3 : 2;
      continue;
    }
    tokens.push({ type: "open", value: "{{", pos: open });
    i = lexAction(src, i, tokens);
    if (src.startsWith("-}}", i)) {
      trimNext = true;
      i += 3;
    } else {
      i += 2;
    }
    tokens.push({ type: "close", value: "}}", pos: i });
  }
  tokens.push({ type: "eof", value: "", pos: src.length });
  return tokens;
}

function lineOf(src: string, pos: number): number {
  return src.slice(0, pos).split("\n").length;
}

/** Lexes inside one action; returns the offset of its closing `}}` or ` -}}` marker. */
function lexAction(src: string, i: number, tokens: Token[]): number {
  const fail = (msg: string) => new TemplateError(`template: template:${lineOf(src, i)}: ${msg}`);
  for (;;) {
    if (i >= src.length) throw fail("unclosed action");
    if (src.startsWith("}}", i) || (src.startsWith("-}}", i) && SPACE.test(src[i - 1]))) return i;
    const c = src[i];
    const start = i;
    const take = (re: RegExp, type: Token["type"]) => {
      const m = re.exec(src.slice(i));
      if (!m) throw fail(`bad ${type} syntax: ${JSON.stringify(src.slice(i, i + 10))}`);
      tokens.push({ type, value: m[0], pos: start });
      i += m[0].length;
    };
    if (SPACE.test(c)) {
      while (SPACE.test(src[i] ?? "")) i++;
      tokens.push({ type: "space", value: " ", pos: start });
    } else if (c === ".") {
      if (/[A-Za-z_]/.test(src[i + 1] ?? "")) take(/^\.[A-Za-z_][A-Za-z0-9_]*/, "field");
      else if (/[0-9]/.test(src[i + 1] ?? "")) take(/^\.[0-9]+(?:[eE][+-]?[0-9]+)?/, "number");
      else take(/^\./, "field");
    } else if (c === "$") {
      take(/^\$[A-Za-z0-9_]*/, "variable");
    } else if (c === '"') {
      take(/^"(?:[^"\\\n]|\\.)*"/, "string");
    } else if (c === "`") {
      take(/^`[^`]*`/, "string");
    } else if (c === "'") {
      take(/^'(?:[^'\\\n]|\\.)+'/, "char");
    } else if (/[0-9+-]/.test(c)) {
      take(
        /^[+-]?(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO]?[0-7_]+(?![.eE0-9])|[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)/,
        "number",
      );
    } else if (/[A-Za-z_]/.test(c)) {
      take(/^[A-Za-z_][A-Za-z0-9_]*/, "word");
    } else if (src.startsWith(":=", i)) {
      take(/^:=/, "punct");
    } else if ("|(),=".includes(c)) {
      take(/^./, "punct");
    } else {
      throw fail(`unexpected ${JSON.stringify(c)} in command`);
    }
  }
}

/** Go string and character literal syntax (the escapes `strconv.Unquote` takes). */
function unquote(lit: string): string {
  if (lit.startsWith("`")) return lit.slice(1, -1);
  const body = lit.slice(1, -1);
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g, (_m, e: string) => {
    const simple: Record<string, string> = {
      a: "\x07",
      b: "\b",
      f: "\f",
      n: "\n",
      r: "\r",
      t: "\t",
      v: "\v",
      "\\": "\\",
      '"': '"',
      "'": "'",
    };
    if (e in simple) return simple[e];
    if (/^[xuU]/.test(e)) return String.fromCodePoint(parseInt(e.slice(1), 16));
    if (/^[0-7]{3}$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    throw new TemplateError(`invalid syntax: ${lit}`);
  });
}

class Parser {
  private i = 0;
  constructor(private readonly src: string, private readonly tokens: Token[]) {}

  private fail(msg: string, pos = this.peek().pos): never {
    throw new TemplateError(`template: template:${lineOf(this.src, pos)}: ${msg}`);
  }
  private peek(skipSpace = true): Token {
    let j = this.i;
    while (skipSpace && this.tokens[j].type === "space") j++;
    return this.tokens[j];
  }
  private next(): Token {
    while (this.tokens[this.i].type === "space") this.i++;
    return this.tokens[this.i++];
  }

  /** Parses nodes until `{{end}}`/`{{else}}` (returned as the terminator) or the end of the template. */
  list(): { nodes: TemplateNode[]; end: "end" | "else" | "eof"; elseKeyword?: string } {
    const nodes: TemplateNode[] = [];
    for (;;) {
      const t = this.next();
      if (t.type === "eof") return { nodes, end: "eof" };
      if (t.type === "text") {
        nodes.push({ kind: "text", text: t.value });
        continue;
      }
      const word = this.peek();
      if (word.type === "word" && (word.value === "end" || word.value === "else")) {
        this.next();
        if (word.value === "end") {
          this.expectClose();
          return { nodes, end: "end" };
        }
        const chained = this.peek();
        if (chained.type === "word" && (chained.value === "if" || chained.value === "with")) {
          this.next();
          return { nodes, end: "else", elseKeyword: chained.value };
        }
        this.expectClose();
        return { nodes, end: "else" };
      }
      nodes.push(this.action());
    }
  }

  private expectClose(): void {
    const t = this.next();
    if (t.type !== "close") this.fail(`unexpected ${JSON.stringify(t.value)} in end`, t.pos);
  }

  private action(): TemplateNode {
    const word = this.peek();
    if (word.type === "word") {
      switch (word.value) {
        case "if":
        case "with":
        case "range":
          this.next();
          return this.control(word.value);
        case "break":
        case "continue":
          this.next();
          this.expectClose();
          return { kind: word.value, pos: word.pos };
        case "define":
        case "template":
        case "block":
          this.fail(`${word.value} is not supported by strings.render_template`, word.pos);
      }
    }
    return { kind: "action", pipe: this.pipeline("close") };
  }

  private control(kind: "if" | "with" | "range"): TemplateNode {
    const pipe = this.pipeline("close");
    const body = this.list();
    if (body.end === "eof") this.fail(`unexpected EOF`);
    let elseList: TemplateNode[] = [];
    if (body.end === "else") {
      if (body.elseKeyword) {
        elseList = [this.control(body.elseKeyword as "if" | "with")];
      } else {
        const rest = this.list();
        if (rest.end !== "end") this.fail(`expected end; found ${rest.end}`);
        elseList = rest.nodes;
      }
    }
    return { kind, pipe, list: body.nodes, elseList };
  }

  /** A pipeline up to `}}` or `)`, with its optional `$x :=`, `$i, $x :=` or `$x =` prefix. */
  pipeline(end: "close" | ")"): Pipe {
    const pos = this.peek().pos;
    const decl: string[] = [];
    let assign = false;
    const save = this.i;
    const first = this.peek();
    if (first.type === "variable") {
      this.next();
      const sep = this.peek();
      if (sep.type === "punct" && sep.value === "," && end === "close") {
        this.next();
        const second = this.next();
        const op = this.next();
        if (second.type === "variable" && op.type === "punct" && op.value === ":=")
          decl.push(first.value, second.value);
        else this.fail("too many declarations in command");
      } else if (sep.type === "punct" && (sep.value === ":=" || sep.value === "=")) {
        this.next();
        decl.push(first.value);
        assign = sep.value === "=";
      } else {
        this.i = save;
      }
    }
    const commands: Operand[][] = [];
    for (;;) {
      const command: Operand[] = [];
      for (;;) {
        const t = this.peek();
        if (t.type === "close" || t.type === "eof" || (t.type === "punct" && (t.value === "|" || t.value === ")")))
          break;
        command.push(this.operand());
      }
      if (command.length === 0) this.fail("missing value for command");
      commands.push(command);
      const t = this.next();
      if (t.type === "punct" && t.value === "|") continue;
      if ((end === "close" && t.type === "close") || (end === ")" && t.type === "punct" && t.value === ")")) break;
      this.fail(`unexpected ${JSON.stringify(t.value)} in operand`, t.pos);
    }
    return { pos, decl, assign, commands };
  }

  private operand(): Operand {
    const t = this.next();
    let node: Operand;
    switch (t.type) {
      case "field":
        node = t.value === "." ? { kind: "dot", pos: t.pos } : { kind: "field", names: [t.value.slice(1)], pos: t.pos };
        break;
      case "variable":
        node = { kind: "variable", name: t.value, fields: [], pos: t.pos };
        break;
      case "string":
        node = { kind: "string", value: unquote(t.value), pos: t.pos };
        break;
      case "char":
        node = { kind: "int", value: BigInt(unquote(t.value).codePointAt(0) ?? 0), pos: t.pos };
        break;
      case "number":
        node = number(t.value, t.pos);
        break;
      case "word":
        if (t.value === "true" || t.value === "false") node = { kind: "bool", value: t.value === "true", pos: t.pos };
        else if (t.value === "nil") node = { kind: "nil", pos: t.pos };
        else node = { kind: "identifier", name: t.value, pos: t.pos };
        break;
      case "punct":
        if (t.value !== "(") this.fail(`unexpected ${JSON.stringify(t.value)} in operand`, t.pos);
        node = { kind: "pipe", pipe: this.pipeline(")"), pos: t.pos };
        break;
      default:
        this.fail(`unexpected ${JSON.stringify(t.value)} in operand`, t.pos);
    }
    // A field chain directly after the operand: `.a.b`, `$x.a`, `(pipe).a`.
    const fields: string[] = [];
    while (this.tokens[this.i].type === "field" && this.tokens[this.i].value !== ".") {
      fields.push(this.tokens[this.i++].value.slice(1));
    }
    if (fields.length === 0) return node;
    if (node.kind === "field") return { ...node, names: [...node.names, ...fields] };
    if (node.kind === "variable") return { ...node, fields };
    return { kind: "chain", node, fields, pos: node.pos };
  }
}

function number(text: string, pos: number): Operand {
  const clean = text.replace(/_/g, "");
  if (/^[+-]?(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO]?[0-7]+|[0-9]+)$/.test(clean)) {
    const negative = clean.startsWith("-");
    const digits = clean.replace(/^[+-]/, "").replace(/^0(?=[0-7])/, "0o");
    const value = BigInt(digits);
    return { kind: "int", value: negative ? -value : value, pos };
  }
  return { kind: "float", value: Number(clean), pos };
}

export function parseTemplate(src: string): TemplateNode[] {
  const parser = new Parser(src, lex(src));
  const top = parser.list();
  if (top.end !== "eof") throw new TemplateError(`template: template:1: unexpected {{${top.end}}}`);
  return top.nodes;
}
