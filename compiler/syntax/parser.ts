/**
 * The Rego v1 parser: takes source text and produces a `Module`, `Query` or `Term` with `rego_parse_error`
 * diagnostics instead of exceptions. Runs the lexer, parses packages, imports and rules (expressions are in
 * `terms.ts`), applies v1's rule-form checks (`if`, `contains`) and attaches METADATA (`annotations.ts`).
 * After a broken statement it resumes at the next line starting in column 1, so one run reports several errors.
 */
import { type Diagnostic } from "../diagnostics";
import { isStackExhausted, onDeepStack, runOnDeepStack } from "../deep-stack";
import { attachAnnotations } from "./annotations";
import type { Body, ElseClause, Import, Module, Package, Query, RefTerm, Rule, RuleHead, Term } from "./ast";
import { KEYWORDS, tokenize, type Token } from "./lexer";
import { valueName } from "./cursor";
import { TermParser } from "./terms";

export interface ParseModuleResult {
  module?: Module;
  diagnostics: Diagnostic[];
}
export interface ParseQueryResult {
  query?: Query;
  diagnostics: Diagnostic[];
}
export interface ParseTermResult {
  term?: Term;
  diagnostics: Diagnostic[];
}

export interface ParseOptions {
  /**
   * 0 parses Rego v0 as OPA 1.x's `--v0-compatible` does: rules without `if`, `p[x] { … }` partial sets, and
   * `if`/`contains`/`in`/`every` keywords only where `future.keywords` (or `rego.v1`) imports them. A v0 module
   * that imports `rego.v1` is parsed as v1. Default 1.
   */
  regoVersion?: 0 | 1;
}

/**
 * Parses a module. Nesting up to OPA's limit can be deeper than this thread's stack holds; such a module is
 * parsed again on the compiler's deep-stack worker (`deep-stack.ts`) and its syntax tree comes back as JSON.
 */
export function parseModule(text: string, file: string, options: ParseOptions = {}): ParseModuleResult {
  try {
    return parseModuleText(text, file, options);
  } catch (e) {
    if (!isStackExhausted(e) || onDeepStack()) throw e;
    return runOnDeepStack<ParseModuleResult>("parseModule", [text, file, options]);
  }
}

/** `parseModule` on the current thread's stack. */
export function parseModuleText(text: string, file: string, options: ParseOptions = {}): ParseModuleResult {
  const lexed = tokenize(text, file);
  const diagnostics = [...lexed.diagnostics];
  const regoVersion = options.regoVersion === 0 && !importsRegoV1(lexed.tokens) ? 0 : 1;
  const tokens = regoVersion === 0 ? withV0Keywords(lexed.tokens) : lexed.tokens;
  const parser = new ModuleParser(tokens, file, diagnostics, regoVersion === 0);
  const parsed = parser.parseModuleStatements();
  if (!parsed) return { diagnostics: dedupe(diagnostics) };
  const module: Module = {
    file,
    regoVersion,
    package: parsed.package,
    imports: parsed.imports,
    rules: parsed.rules,
    comments: lexed.comments,
    loc: { file, row: 1, col: 1, offset: 0, end: text.length },
  };
  diagnostics.push(...attachAnnotations(module, file));
  return diagnostics.length > 0 ? { diagnostics: dedupe(diagnostics) } : { module, diagnostics };
}

export function parseQuery(text: string, file = "query"): ParseQueryResult {
  const lexed = tokenize(text, file);
  const diagnostics = [...lexed.diagnostics];
  const parser = new ModuleParser(lexed.tokens, file, diagnostics);
  const body = parser.parseBody("eof");
  if (!body || diagnostics.length > 0) return { diagnostics: dedupe(diagnostics) };
  return { query: { body, loc: { file, row: 1, col: 1, offset: 0, end: text.length } }, diagnostics };
}

export function parseTerm(text: string, file = "term"): ParseTermResult {
  const lexed = tokenize(text, file);
  const diagnostics = [...lexed.diagnostics];
  const parser = new ModuleParser(lexed.tokens, file, diagnostics);
  const term = parser.parseSingleTerm();
  if (!term || diagnostics.length > 0) return { diagnostics: dedupe(diagnostics) };
  return { term, diagnostics };
}

/** Lexer and parser may both report the same broken token; keep one diagnostic per place and message. */
function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.loc?.offset}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const ROOT_IMPORTS = new Set(["data", "input", "future", "rego"]);
const FUTURE_KEYWORDS = ["contains", "every", "if", "in"];

/** The names an `import` statement starting at token i spells, e.g. `["future", "keywords", "in"]`. */
function importPath(tokens: Token[], i: number): string[] {
  const names: string[] = [];
  let j = i + 1;
  while (j < tokens.length && (tokens[j].kind === "ident" || tokens[j].kind === "keyword")) {
    names.push(tokens[j].text);
    if (tokens[j + 1]?.kind === "punct" && tokens[j + 1].text === "." && !tokens[j + 1].spaceBefore) j += 2;
    else break;
  }
  return names;
}

function importStatements(tokens: Token[]): string[][] {
  const found: string[][] = [];
  tokens.forEach((t, i) => {
    if (t.kind === "keyword" && t.text === "import" && (i === 0 || t.newlineBefore)) found.push(importPath(tokens, i));
  });
  return found;
}

function importsRegoV1(tokens: Token[]): boolean {
  return importStatements(tokens).some((names) => names.join(".") === "rego.v1");
}

/**
 * In Rego v0 the future keywords are plain names (`contains(s, "x")` is the builtin, `in` may be a variable)
 * until `import future.keywords[.<kw>]` enables them for the module.
 */
function withV0Keywords(tokens: Token[]): Token[] {
  const enabled = new Set<string>();
  for (const names of importStatements(tokens)) {
    if (names[0] !== "future" || names[1] !== "keywords") continue;
    if (names.length === 2) FUTURE_KEYWORDS.forEach((k) => enabled.add(k));
    else enabled.add(names[2]);
  }
  return tokens.map((t, i) => {
    if (t.kind !== "keyword" || !FUTURE_KEYWORDS.includes(t.text) || enabled.has(t.text)) return t;
    // `import future.keywords.if` itself keeps its path tokens as written.
    const prev = tokens[i - 1];
    if (prev && prev.kind === "punct" && prev.text === "." && !t.spaceBefore) return t;
    return { ...t, kind: "ident" };
  });
}

class ModuleParser extends TermParser {
  constructor(
    tokens: Token[],
    file: string,
    diagnostics: Diagnostic[],
    /** Rego v0 rule forms: bodies without `if`, `p[x] { … }` partial sets. */
    private readonly v0 = false,
  ) {
    super(tokens, file, diagnostics);
  }

  parseSingleTerm(): Term | null {
    const term = this.parseTermInfixCall();
    if (term && this.tok.kind !== "eof") {
      this.illegal();
      return null;
    }
    return term;
  }

  parseModuleStatements(): { package: Package; imports: Import[]; rules: Rule[] } | null {
    if (!this.isKeyword("package")) {
      this.error("package expected");
      return null;
    }
    const pkg = this.parsePackage();
    if (!pkg) return null;
    const imports: Import[] = [];
    const rules: Rule[] = [];
    while (this.tok.kind !== "eof") {
      const before = this.diagnostics.length;
      const start = this.index;
      let failed = false;
      if (this.isKeyword("package")) {
        this.illegal();
        failed = true;
      } else if (this.isKeyword("import")) {
        const imp = this.parseImport();
        if (imp) imports.push(imp);
        else failed = true;
      } else {
        const parsed = this.parseRules();
        rules.push(...parsed);
        failed = parsed.length === 0;
      }
      if (failed || this.diagnostics.length > before) this.recover(start);
    }
    return { package: pkg, imports, rules };
  }

  /** Skips to the next token that starts a line in column 1 (the next statement, in formatted Rego). */
  private recover(start: number): void {
    if (this.index === start) this.next();
    while (this.tok.kind !== "eof" && !(this.tok.newlineBefore && this.tok.col === 1 && !isClosing(this.tok.text))) this.next();
  }

  private parsePackage(): Package | null {
    const start = this.tok;
    this.next();
    if (this.tok.kind !== "ident" && this.tok.kind !== "keyword") {
      this.illegal("expected path");
      return null;
    }
    const loc = this.tokenLoc();
    const head = this.tok.text;
    this.next();
    const term = this.parseTermFinish({ type: "var", name: head, loc });
    if (!term) return null;
    const path = [head];
    if (term.type === "ref") {
      for (const element of term.path) {
        if (element.type !== "string") {
          this.error(`unexpected ${valueName(element)} token: expecting string`, element.loc);
          return null;
        }
        path.push(element.value);
      }
    } else if (term.type !== "var") {
      this.illegal();
      return null;
    }
    return { path, annotations: [], loc: this.span(start) };
  }

  private parseImport(): Import | null {
    const start = this.tok;
    this.next();
    if (this.tok.kind !== "ident" && this.tok.kind !== "keyword") {
      this.illegal("expected path");
      return null;
    }
    const headLoc = this.tokenLoc();
    const headName = this.tok.text;
    this.next();
    const term = this.parseTermFinish({ type: "var", name: headName, loc: headLoc });
    if (!term) return null;
    const path: RefTerm =
      term.type === "ref" ? term : { type: "ref", head: { type: "var", name: headName, loc: headLoc }, path: [], loc: headLoc };
    if (term.type !== "ref" && term.type !== "var") {
      this.error("expected path", headLoc);
      return null;
    }
    for (const element of path.path) {
      if (element.type !== "string") {
        this.error(`unexpected ${valueName(element)} token: expecting string`, element.loc);
        return null;
      }
    }
    if (!ROOT_IMPORTS.has(headName)) {
      this.error(`unexpected import path, must begin with one of: {data, future, input, rego}, got: ${headName}`, path.loc);
      return null;
    }
    let alias: string | null = null;
    if (this.isKeyword("as")) {
      this.next();
      if (this.tok.kind !== "ident") {
        this.illegal("expected var");
        return null;
      }
      alias = this.tok.text;
      this.next();
    }
    const names = path.path.map((p) => (p.type === "string" ? p.value : ""));
    if (headName === "future") {
      if (names[0] !== "keywords" || names.length > 2) {
        this.error("invalid import, must be `future.keywords`", path.loc);
        return null;
      }
      if (alias !== null) {
        this.error("`future` imports cannot be aliased", path.loc);
        return null;
      }
      if (names.length === 2 && !FUTURE_KEYWORDS.includes(names[1])) {
        this.error(`unexpected keyword, must be one of [${FUTURE_KEYWORDS.join(" ")}]`, path.loc);
        return null;
      }
    } else if (headName === "rego") {
      if (names.length !== 1 || names[0] !== "v1") {
        this.error("invalid import `" + [headName, ...names].join(".") + "`, must be `rego.v1`", path.loc);
        return null;
      }
    } else if (alias === null) {
      const last = names.length > 0 ? names[names.length - 1] : headName;
      if (KEYWORDS.has(last)) {
        this.error(`unexpected import path, must not end with a keyword, got: ${last} (hint: import a different path or use an alias)`, path.loc);
        return null;
      }
    }
    return { path, alias, loc: this.span(start) };
  }

  // ---------------------------------------------------------------------------------------------------------
  // Rules

  /** One rule statement; `p if { a } { b }` (chained bodies) yields one rule per body. */
  private parseRules(): Rule[] {
    const start = this.tok;
    let isDefault = false;
    if (this.isKeyword("default")) {
      isDefault = true;
      this.next();
    }
    if (this.tok.kind !== "ident" && !this.startsKeywordRef()) {
      this.illegal();
      return [];
    }
    const head = this.parseRuleHead(isDefault);
    if (!head) return [];
    if (isDefault) {
      return this.validateDefaultRule(head) ? [{ default: true, head, body: [], else: [], annotations: [], loc: this.span(start) }] : [];
    }
    const kindName = head.args ? "function" : "rule";
    let body: Body = [];
    let hasBody = false;
    if (this.isKeyword("if")) {
      this.next();
      const parsed = this.parseIfBody();
      if (!parsed) return [];
      body = parsed;
      hasBody = true;
      if (this.v0 && this.isPartialSetHead(head)) this.toPartialSet(head);
    } else if (this.isPunct("{")) {
      if (!this.v0) this.error(`\`if\` keyword is required before ${kindName} body`, this.tokenLoc(start));
      const parsed = this.parseBlock();
      if (!parsed) return [];
      body = parsed;
      hasBody = true;
      if (this.isPartialSetHead(head)) {
        if (this.v0) this.toPartialSet(head);
        else this.error("`contains` keyword is required for partial set rules", this.tokenLoc(start));
      }
    } else if (!head.contains && head.value === null) {
      // OPA accepts a function head alone (`allowed("RunAsAny", _)`): its value is true for matching arguments.
      if (head.args) {
        // value stays null: true, like `f(x) if { … }`
      } else if (this.isPartialSetHead(head)) {
        if (this.v0) this.toPartialSet(head);
        else this.error("`contains` keyword is required for partial set rules", this.tokenLoc(start));
      } else this.error(`${kindName} must have value assignment and/or body declaration`, this.tokenLoc(start));
    }
    const elses: ElseClause[] = [];
    if (this.isKeyword("else")) {
      if (!hasBody) {
        this.illegal();
        return [];
      }
      if (head.contains) {
        this.error("else keyword cannot be used on multi-value rules");
        return [];
      }
      if (head.ref.length > 1 && head.ref.slice(1).some((t) => t.type !== "string")) {
        this.error("else keyword cannot be used on rules with variables in head");
        return [];
      }
      while (this.isKeyword("else")) {
        const clause = this.parseElse();
        if (!clause) return [];
        elses.push(clause);
      }
    }
    const rules: Rule[] = [{ default: false, head, body, else: elses, annotations: [], loc: this.span(start) }];
    while (hasBody && this.isPunct("{") && !this.tok.newlineBefore) {
      if (elses.length > 0) {
        this.error("expected else keyword");
        return rules;
      }
      const bodyStart = this.tok;
      const next = this.parseBlock();
      if (!next) return rules;
      rules.push({ default: false, head: this.copyHead(head), body: next, else: [], annotations: [], loc: this.span(bodyStart) });
    }
    return rules;
  }

  /** Rego v0's `p[x] { … }` means `p contains x { … }`. */
  private toPartialSet(head: RuleHead): void {
    head.key = head.ref[1];
    head.ref = [head.ref[0]];
    head.contains = true;
  }

  /** `p[x] { … }` written without `contains`: Rego v0's partial set, which v1 rejects. */
  private isPartialSetHead(head: RuleHead): boolean {
    return head.args === null && !head.contains && head.value === null && head.ref.length === 2;
  }

  /** After `if`: a single expression, or a `{ … }` block. `p if { x }` is a block, not a one-element set. */
  private parseIfBody(): Body | null {
    if (!this.isPunct("{")) {
      const expr = this.parseLiteral();
      return expr ? [expr] : null;
    }
    const saved = this.save();
    const expr = this.parseLiteral();
    if (expr && !(expr.body.type === "term" && expr.body.term.type === "set" && !expr.negated && expr.with.length === 0)) {
      return [expr];
    }
    this.restore(saved);
    return this.parseBlock();
  }

  /** `{ body }`, consuming both braces. */
  private parseBlock(): Body | null {
    this.next();
    const body = this.parseBody("}");
    if (!body) return null;
    this.next();
    return body;
  }

  private parseRuleHead(isDefault: boolean): RuleHead | null {
    const start = this.tok;
    const nameLoc = this.tokenLoc();
    const name = this.tok.text;
    this.next();
    if (this.tok.kind === "punct" && ["+", "-", "*", "/", "%", "&", "|", "==", "!=", ">", ">=", "<", "<="].includes(this.tok.text)) {
      this.illegal();
      return null;
    }
    const headVar: Term = name === "_" ? this.wildcard(nameLoc) : { type: "var", name, loc: nameLoc };
    const parsed = this.continuesRef() ? this.parseRef(headVar) : headVar;
    if (!parsed) return null;
    let ref: Term[];
    let args: Term[] | null = null;
    if (parsed.type === "var") {
      ref = [parsed];
    } else if (parsed.type === "ref" && parsed.head.type === "var") {
      ref = [parsed.head, ...parsed.path];
    } else if (parsed.type === "call") {
      ref = [parsed.op.head, ...parsed.op.path];
      // OPA defines `f() := x` as the rule `f` (`f` and `f()` both read it).
      args = parsed.args.length > 0 ? parsed.args : null;
    } else {
      this.error("unexpected term: expected rule head name", parsed.loc);
      return null;
    }
    const displayName = ref.map((t, i) => (i === 0 && t.type === "var" ? t.name : t.type === "string" ? `.${t.value}` : "[...]")).join("");
    const head: RuleHead = { ref, args, key: null, value: null, assign: false, contains: false, loc: nameLoc };
    if (this.isKeyword("contains")) {
      if (args) {
        this.illegal(`the contains keyword can only be used with multi-value rule definitions (e.g., ${displayName} contains <VALUE> { ... })`);
        return null;
      }
      this.next();
      const key = this.parseTermInfixCall();
      if (!key) return null;
      head.key = key;
      head.contains = true;
    } else if (this.isPunct("=") || this.isPunct(":=")) {
      head.assign = this.tok.text === ":=";
      this.next();
      const value = this.parseTermInfixCall();
      if (!value) {
        if (isDefault) this.appendHint(`expected default rule value term (e.g., default ${displayName} := <VALUE>)`);
        return null;
      }
      head.value = value;
    }
    head.loc = this.span(start);
    return head;
  }

  private appendHint(note: string): void {
    const last = this.diagnostics[this.diagnostics.length - 1];
    if (last) last.message = `${last.message} (${note})`;
  }

  private validateDefaultRule(head: RuleHead): boolean {
    if (head.value === null) {
      this.error("illegal default rule (must have a value)", head.loc);
      return false;
    }
    const bad = firstNonConstant(head.value);
    if (bad) {
      this.error(`illegal default rule (value cannot contain ${bad.type})`, bad.loc);
      return false;
    }
    const seen = new Set<string>();
    for (const arg of head.args ?? []) {
      if (arg.type !== "var") {
        this.error(`illegal default rule (arguments cannot contain ${valueName(arg)})`, arg.loc);
        return false;
      }
      if (seen.has(arg.name)) {
        this.error(`illegal default rule (arguments cannot be repeated ${arg.name})`, arg.loc);
        return false;
      }
      seen.add(arg.name);
    }
    return true;
  }

  private parseElse(): ElseClause | null {
    const start = this.tok;
    this.next();
    let value: Term | null = null;
    let assign = false;
    if (this.isPunct("=") || this.isPunct(":=")) {
      assign = this.tok.text === ":=";
      this.next();
      value = this.parseTermInfixCall();
      if (!value) return null;
    } else if (!this.isKeyword("if") && !this.isPunct("{")) {
      this.illegal("expected else value term or rule body");
      return null;
    }
    let body: Body = [];
    if (this.isKeyword("if")) {
      this.next();
      if (this.isPunct("{")) {
        const parsed = this.parseBlock();
        if (!parsed) return null;
        body = parsed;
      } else if (this.tok.kind === "eof") {
        this.illegal("rule body expected");
        return null;
      } else {
        const expr = this.parseLiteral();
        if (!expr) return null;
        body = [expr];
      }
    } else if (this.isPunct("{")) {
      if (!this.v0) this.error("`if` keyword is required before rule body");
      const parsed = this.parseBlock();
      if (!parsed) return null;
      body = parsed;
    }
    return { value, body, assign, loc: this.span(start) };
  }

  /** A chained body's head: the same head with fresh wildcard names so the rules stay independent. */
  private copyHead(head: RuleHead): RuleHead {
    const fresh = (t: Term): Term => (t.type === "var" && t.name.startsWith("$_") ? this.wildcard(t.loc) : t);
    return { ...head, args: head.args ? head.args.map(fresh) : null };
  }
}

function isClosing(text: string): boolean {
  return text === "}" || text === "]" || text === ")";
}

/** The first var, ref or call in a default rule's value (comprehensions may contain anything). */
function firstNonConstant(t: Term): Term | null {
  switch (t.type) {
    case "var":
    case "ref":
    case "call":
      return t;
    case "array":
    case "set":
      for (const item of t.items) {
        const bad = firstNonConstant(item);
        if (bad) return bad;
      }
      return null;
    case "object":
      for (const [k, v] of t.entries) {
        const bad = firstNonConstant(k) ?? firstNonConstant(v);
        if (bad) return bad;
      }
      return null;
    case "template":
      for (const part of t.parts) {
        if (typeof part === "string") continue;
        if (!("type" in part)) return t;
        const bad = firstNonConstant(part);
        if (bad) return bad;
      }
      return null;
    default:
      return null;
  }
}

