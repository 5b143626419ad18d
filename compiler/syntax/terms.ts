/**
 * The expression half of the parser: takes tokens and produces terms, expressions and bodies; `parser.ts`
 * adds packages, imports and rules. Precedence is OPA's: `in` < relations < `|` < `&` < `+ -` < `* / %`, with
 * `=`/`:=` only at expression level. Backtracking (comprehension vs. set, `some x in xs` vs. `some x`)
 * restores a saved cursor; parsed terms are memoised by token index so nested backtracking stays linear.
 */
import type {
  Body,
  CallTerm,
  EveryExpr,
  Expr,
  Location,
  RefTerm,
  SomeDeclExpr,
  SomeInExpr,
  StringTerm,
  Term,
  TermExpr,
  VarTerm,
  WithModifier,
} from "./ast";
import { TokenCursor, valueName, type Cursor } from "./cursor";
import { decodeJsonStringBody, type Token } from "./lexer";

const RELATION_OPS: Record<string, string> = { "==": "equal", "!=": "neq", "<": "lt", "<=": "lte", ">": "gt", ">=": "gte" };
const ARITH_OPS: Record<string, string> = { "+": "plus", "-": "minus" };
const FACTOR_OPS: Record<string, string> = { "*": "mul", "/": "div", "%": "rem" };

interface MemoEntry {
  term: Term;
  cursor: Cursor;
}

export class TermParser extends TokenCursor {
  private readonly memo = new Map<number, MemoEntry>();

  // ---------------------------------------------------------------------------------------------------------
  // Bodies and literals

  /** Expressions separated by `;` or newlines up to (not including) `end`. */
  parseBody(end: string): Body | null {
    if (!this.enter()) return null;
    try {
      return this.parseQueryBody(end);
    } finally {
      this.leave();
    }
  }

  protected parseQueryBody(end: string): Body | null {
    const atEnd = () => (end === "eof" ? this.tok.kind === "eof" : this.isPunct(end));
    if (atEnd()) {
      this.error("found empty body");
      return null;
    }
    const body: Body = [];
    for (;;) {
      const expr = this.parseLiteral();
      if (!expr) return null;
      body.push(expr);
      if (this.isPunct(";")) {
        this.next();
        continue;
      }
      if (atEnd()) return body;
      if (!this.tok.newlineBefore) {
        this.illegal(`expected \\n or ; or ${end === "eof" ? "EOF" : end}`);
        return null;
      }
    }
  }

  parseLiteral(): Expr | null {
    const start = this.tok;
    if (this.startsKeywordRef()) return this.parseLiteralExpr(start, false);
    let negated = false;
    if (this.isKeyword("not")) {
      this.next();
      negated = true;
    }
    if (this.isKeyword("some")) {
      if (negated) {
        this.illegal("illegal negation of 'some'");
        return null;
      }
      return this.parseSome();
    }
    if (this.isKeyword("every")) {
      if (negated) {
        this.illegal("illegal negation of 'every'");
        return null;
      }
      return this.parseEvery();
    }
    return this.parseLiteralExpr(start, negated);
  }

  private parseLiteralExpr(start: Token, negated: boolean): Expr | null {
    const exprStart = this.tok;
    const lhs = this.parseTermInfixCall();
    if (!lhs) return null;
    let term: Term = lhs;
    if (this.isPunct(":=") || this.isPunct("=")) {
      const opTok = this.tok;
      this.next();
      const rhs = this.parseTermInfixCall();
      if (!rhs) return null;
      term = this.call(opTok.text === ":=" ? "assign" : "eq", [lhs, rhs], this.tokenLoc(opTok), exprStart);
    }
    const body: TermExpr = { type: "term", term, loc: this.span(exprStart) };
    const withs = this.parseWiths();
    if (!withs) return null;
    return { negated, with: withs, body, loc: this.span(start) };
  }

  private parseWiths(): WithModifier[] | null {
    const withs: WithModifier[] = [];
    while (this.isKeyword("with")) {
      const start = this.tok;
      this.next();
      if (this.tok.kind !== "ident" && !this.startsKeywordRef()) {
        this.illegal("expected ident");
        return null;
      }
      const target = this.parseTerm();
      if (!target) return null;
      if (target.type !== "ref" && target.type !== "var") {
        this.error("unexpected with target: expected with target path", target.loc);
        return null;
      }
      if (!this.isKeyword("as")) {
        this.illegal("expected as keyword");
        return null;
      }
      this.next();
      const value = this.parseTermInfixCall();
      if (!value) return null;
      withs.push({ target, value, loc: this.span(start) });
    }
    return withs;
  }

  private parseSome(): Expr | null {
    const start = this.tok;
    const saved = this.save();
    this.next();
    const term = this.parseTermInfixCall();
    const member = term ? memberCall(term) : null;
    if (term && term.type === "call" && !member) {
      this.error("unexpected call: expected `x in xs` or `x, y in xs` expression", term.loc);
      return null;
    }
    if (member) {
      const body: SomeInExpr = {
        type: "somein",
        key: member.args.length === 3 ? member.args[0] : null,
        value: member.args[member.args.length - 2],
        collection: member.args[member.args.length - 1],
        loc: this.span(start),
      };
      const withs = this.parseWiths();
      if (!withs) return null;
      return { negated: false, with: withs, body, loc: this.span(start) };
    }
    this.restore(saved);
    const vars: VarTerm[] = [];
    for (;;) {
      this.next();
      if (this.tok.kind !== "ident") {
        this.illegal("expected var");
        return null;
      }
      vars.push(this.parseVar());
      if (!this.isPunct(",")) break;
    }
    const body: SomeDeclExpr = { type: "some", vars, loc: this.span(start) };
    return { negated: false, with: [], body, loc: this.span(start) };
  }

  private parseEvery(): Expr | null {
    const start = this.tok;
    this.next();
    const term = this.parseTermInfixCall();
    if (!term) return null;
    const member = memberCall(term);
    if (!member) {
      this.error("unexpected term: expected `x[, y] in xs { ... }` expression", term.loc);
      return null;
    }
    const key = member.args.length === 3 ? member.args[0] : null;
    const value = member.args[member.args.length - 2];
    if (key && key.type !== "var") {
      this.error("unexpected term: expected key to be a variable", key.loc);
      return null;
    }
    if (value.type !== "var") {
      this.error("unexpected term: expected value to be a variable", value.loc);
      return null;
    }
    if (!this.isPunct("{")) {
      this.illegal("missing body");
      return null;
    }
    this.next();
    const body = this.parseBody("}");
    if (!body) return null;
    this.next();
    const every: EveryExpr = { type: "every", key, value, domain: member.args[member.args.length - 1], body, loc: this.span(start) };
    const withs = this.parseWiths();
    if (!withs) return null;
    return { negated: false, with: withs, body: every, loc: this.span(start) };
  }

  // ---------------------------------------------------------------------------------------------------------
  // Infix terms

  /** A term with infix operators, including `x in xs` and `k, v in xs`. */
  parseTermInfixCall(): Term | null {
    return this.nested(() => this.parseTermIn(true));
  }

  /** As `parseTermInfixCall`, but inside lists where a comma separates items rather than forming `k, v in xs`. */
  protected parseTermInfixCallInList(): Term | null {
    return this.nested(() => this.parseTermIn(false));
  }

  private parseTermIn(keyVal: boolean): Term | null {
    if (!this.enter()) return null;
    // OPA parses each further `in` of a chain one level deeper; the chain holds those levels until it ends.
    let chained = 0;
    try {
      const start = this.tok;
      let lhs = this.parseTermRelation();
      if (!lhs) return null;
      for (;;) {
        let member: Term | null = null;
        if (keyVal && this.isPunct(",")) {
          const saved = this.save();
          this.next();
          const mhs = this.parseTermRelation();
          if (mhs && this.isKeyword("in")) {
            const op = this.tokenLoc();
            this.next();
            const rhs = this.parseTermRelation();
            if (!rhs) return null;
            member = this.call("internal.member_3", [lhs, mhs, rhs], op, start);
          } else {
            this.restore(saved);
          }
        }
        if (!member && this.isKeyword("in")) {
          const op = this.tokenLoc();
          this.next();
          const rhs = this.parseTermRelation();
          if (!rhs) return null;
          member = this.call("internal.member_2", [lhs, rhs], op, start);
        }
        if (!member) return lhs;
        lhs = member;
        if (!this.isKeyword("in")) return lhs;
        if (!this.enter()) return null;
        chained++;
      }
    } finally {
      this.leave();
      this.leaveLevels(chained);
    }
  }

  private parseBinary(ops: Record<string, string>, operand: () => Term | null): Term | null {
    if (!this.enter()) return null;
    // OPA parses each further operator of a chain (`a + b + c`) one level deeper, so a flat chain counts
    // towards the depth limit as nesting does; the levels are held until the chain ends.
    let chained = 0;
    try {
      const start = this.tok;
      let lhs = operand();
      if (!lhs) return null;
      const isOp = () => this.tok.kind === "punct" && Object.prototype.hasOwnProperty.call(ops, this.tok.text);
      while (isOp()) {
        const opTok = this.tok;
        this.next();
        const rhs = operand();
        if (!rhs) return null;
        lhs = this.call(ops[opTok.text], [lhs, rhs], this.tokenLoc(opTok), start);
        if (isOp()) {
          if (!this.enter()) return null;
          chained++;
        }
      }
      return lhs;
    } finally {
      this.leave();
      this.leaveLevels(chained);
    }
  }

  private parseTermRelation(): Term | null {
    return this.parseBinary(RELATION_OPS, () => this.parseTermOr());
  }
  private parseTermOr(): Term | null {
    return this.parseBinary({ "|": "or" }, () => this.parseTermAnd());
  }
  private parseTermAnd(): Term | null {
    return this.parseBinary({ "&": "and" }, () => this.parseTermArith());
  }
  private parseTermArith(): Term | null {
    return this.parseBinary(ARITH_OPS, () => this.parseTermFactor());
  }
  private parseTermFactor(): Term | null {
    return this.parseBinary(FACTOR_OPS, () => this.parseTerm());
  }

  /** A call of a builtin named by its dotted name (`plus`, `internal.member_2`), spanning from `start`. */
  protected call(name: string, args: Term[], opLoc: Location, start: Token | Location): CallTerm {
    const [head, ...rest] = name.split(".");
    const op: RefTerm = {
      type: "ref",
      head: { type: "var", name: head, loc: opLoc },
      path: rest.map((s): StringTerm => ({ type: "string", value: s, loc: opLoc })),
      loc: opLoc,
    };
    const loc = "kind" in start ? this.span(start) : { ...start, end: Math.max(this.lastEnd, start.offset) };
    return { type: "call", op, args, loc };
  }

  // ---------------------------------------------------------------------------------------------------------
  // Terms

  parseTerm(): Term | null {
    if (!this.enter()) return null;
    try {
      const memo = this.memo.get(this.index);
      if (memo) {
        this.index = memo.cursor.index;
        this.lastEnd = memo.cursor.lastEnd;
        return memo.term;
      }
      const startIndex = this.index;
      const diagnosticsBefore = this.diagnostics.length;
      const head = this.parseTermHead();
      const term = head ? this.parseTermFinish(head) : null;
      if (term && this.diagnostics.length === diagnosticsBefore) {
        this.memo.set(startIndex, { term, cursor: this.save() });
      }
      return term;
    } finally {
      this.leave();
    }
  }

  private parseTermHead(): Term | null {
    const t = this.tok;
    const loc = this.tokenLoc(t);
    switch (t.kind) {
      case "keyword":
        if (this.startsKeywordRef() || t.text === "contains") {
          this.next();
          return { type: "var", name: t.text, loc };
        }
        if (t.text === "null") {
          this.next();
          return { type: "null", loc };
        }
        if (t.text === "true" || t.text === "false") {
          this.next();
          return { type: "boolean", value: t.text === "true", loc };
        }
        break;
      case "ident":
        this.next();
        return t.text === "_" ? this.wildcard(loc) : { type: "var", name: t.text, loc };
      case "number":
        return this.parseNumber("", t);
      case "string": {
        this.next();
        const value = decodeJsonStringBody(t.text.slice(1, -1));
        if (value === null) {
          this.error(`illegal string literal: ${t.text}`, loc);
          return null;
        }
        return { type: "string", value, loc };
      }
      case "rawstring":
        this.next();
        return { type: "string", value: t.text, loc };
      case "template-part":
      case "template-end":
        if (isTemplateContinuation(t)) break;
        return this.parseTemplateString();
      case "punct":
        switch (t.text) {
          case "-":
            return this.parseNegative();
          case ".":
            if (this.peek().kind === "number" && !this.peek().spaceBefore) {
              this.next();
              return this.parseNumber(".", t);
            }
            break;
          case "[":
            return this.parseArray();
          case "{":
            return this.parseSetOrObject();
          case "(":
            return this.parseParens();
        }
        break;
    }
    this.illegal();
    return null;
  }

  private parseNegative(): Term | null {
    const minus = this.tok;
    this.next();
    if (this.tok.kind === "number") return this.parseNumber("-", minus);
    if (this.isPunct(".") && this.peek().kind === "number" && !this.peek().spaceBefore) {
      this.next();
      return this.parseNumber("-.", minus);
    }
    // `-x.y`: OPA reads the operand's var and ref within the same term, not as a nested one.
    const t = this.tok;
    const operand = t.kind === "ident" || (t.kind === "keyword" && t.text === "contains") ? this.parseTermFinish(this.parseVar()) : this.parseTerm();
    if (!operand) return null;
    const zero: Term = { type: "number", text: "0", loc: this.tokenLoc(minus) };
    return this.call("minus", [zero, operand], this.tokenLoc(minus), minus);
  }

  /** The number at the cursor, with a `-` and/or `.` prefix already consumed; `start` is the first token. */
  private parseNumber(prefix: string, start: Token): Term | null {
    const t = this.tok;
    this.next();
    const loc = this.span(start);
    if (!prefix.endsWith(".") && t.text.length > 1 && t.text[0] === "0" && t.text[1] !== "." && t.text[1] !== "e" && t.text[1] !== "E") {
      this.error("unexpected number token: expected number without leading zero", loc);
      return null;
    }
    const text = prefix + t.text;
    if (numberTooBig(text)) {
      this.error("number too big", loc);
      return null;
    }
    return { type: "number", text, loc };
  }

  private parseParens(): Term | null {
    const open = this.tok;
    this.next();
    const inner = this.parseTermInfixCall();
    if (!inner) return null;
    if (!this.isPunct(")")) {
      this.error("non-terminated expression", this.tokenLoc());
      return null;
    }
    this.next();
    return { ...inner, loc: this.span(open) };
  }

  protected parseVar(): VarTerm {
    const t = this.tok;
    const loc = this.tokenLoc(t);
    this.next();
    return t.text === "_" ? this.wildcard(loc) : { type: "var", name: t.text, loc };
  }

  /** Continues a term with `.x`, `[t]` or `(args)` written without whitespace; bare `input`/`data` become refs. */
  protected parseTermFinish(head: Term): Term | null {
    if (this.continuesRef()) return this.parseRef(head);
    if (head.type === "var" && (head.name === "input" || head.name === "data")) {
      return { type: "ref", head, path: [], loc: head.loc };
    }
    return head;
  }

  protected continuesRef(): boolean {
    const t = this.tok;
    return !t.spaceBefore && t.kind === "punct" && (t.text === "." || t.text === "[" || t.text === "(");
  }

  protected parseRef(head: Term): Term | null {
    if (!this.enter()) return null;
    let chained = 0;
    try {
      switch (head.type) {
        case "var":
        case "array":
        case "object":
        case "set":
        case "arraycomp":
        case "setcomp":
        case "objectcomp":
        case "call":
          break;
        default:
          this.error(`illegal ref (head cannot be ${valueName(head)})`, head.loc);
          return null;
      }
      const start = head.loc;
      let path: Term[] = [];
      while (this.continuesRef()) {
        const t = this.tok;
        if (t.text === ".") {
          this.next();
          const name = this.tok;
          if ((name.kind !== "ident" && name.kind !== "keyword") || name.spaceBefore) {
            this.illegal("expected ident");
            return null;
          }
          path.push({ type: "string", value: name.text, loc: this.tokenLoc(name) });
          this.next();
        } else if (t.text === "[") {
          this.next();
          const key = this.parseTermInfixCall();
          if (!key) return null;
          if (!this.isPunct("]")) {
            this.illegal("expected ]");
            return null;
          }
          this.next();
          path.push(key);
        } else {
          const op: RefTerm = { type: "ref", head, path, loc: { ...start, end: this.lastEnd } };
          if (head.type !== "var" || path.some((p) => p.type !== "string")) {
            this.illegal("expected a function name before (");
            return null;
          }
          const callTerm = this.parseCall(op, start);
          if (!callTerm) return null;
          if (!this.continuesRef() || this.isPunct("(")) return callTerm;
          if (!this.enter()) return null;
          chained++;
          head = callTerm;
          path = [];
        }
      }
      return { type: "ref", head, path, loc: { ...start, end: this.lastEnd } };
    } finally {
      this.leave();
      this.leaveLevels(chained);
    }
  }

  private parseCall(op: RefTerm, start: Location): Term | null {
    return this.nested(() => this.parseCallArgs(op, start));
  }

  private parseCallArgs(op: RefTerm, start: Location): Term | null {
    this.next();
    if (this.isPunct(")")) {
      this.next();
      if (op.head.type === "var" && op.head.name === "set" && op.path.length === 0) {
        return { type: "set", items: [], loc: { ...start, end: this.lastEnd } };
      }
      return { type: "call", op, args: [], loc: { ...start, end: this.lastEnd } };
    }
    const args = this.parseTermList(")", []);
    if (!args) return null;
    return { type: "call", op, args, loc: { ...start, end: this.lastEnd } };
  }

  /** Comma-separated terms up to and including `end` (a trailing comma is allowed). */
  private parseTermList(end: string, items: Term[]): Term[] | null {
    if (this.isPunct(end)) {
      this.next();
      return items;
    }
    for (;;) {
      const term = this.parseTermInfixCallInList();
      if (!term) return null;
      items.push(term);
      if (this.isPunct(end)) {
        this.next();
        return items;
      }
      if (!this.isPunct(",")) {
        this.illegal(`expected "," or "${end}"`);
        return null;
      }
      this.next();
      if (this.isPunct(end)) {
        this.next();
        return items;
      }
    }
  }

  private parseTermPairList(items: Array<[Term, Term]>): Array<[Term, Term]> | null {
    if (this.isPunct("}")) {
      this.next();
      return items;
    }
    for (;;) {
      const key = this.parseTermInfixCallInList();
      if (!key) return null;
      if (!this.isPunct(":")) {
        this.illegal('expected ":"');
        return null;
      }
      this.next();
      const value = this.parseTermInfixCallInList();
      if (!value) return null;
      items.push([key, value]);
      if (this.isPunct("}")) {
        this.next();
        return items;
      }
      if (!this.isPunct(",")) {
        this.illegal('expected "," or "}"');
        return null;
      }
      this.next();
      if (this.isPunct("}")) {
        this.next();
        return items;
      }
    }
  }

  private parseArray(): Term | null {
    return this.nested(() => this.parseArrayItems());
  }

  private parseArrayItems(): Term | null {
    const open = this.tok;
    this.next();
    if (this.isPunct("]")) {
      this.next();
      return { type: "array", items: [], loc: this.span(open) };
    }
    let potentialComprehension = true;
    if (this.isPunct(",")) {
      potentialComprehension = false;
      this.next();
    }
    const saved = this.save();
    // A single term first: `[x | body]` is a comprehension, not an array holding `x | body`.
    const head = this.parseTerm();
    if (!head) return null;
    if (this.isPunct("]")) {
      this.next();
      return { type: "array", items: [head], loc: this.span(open) };
    }
    if (this.isPunct(",")) {
      this.next();
      const items = this.parseTermList("]", [head]);
      return items ? { type: "array", items, loc: this.span(open) } : null;
    }
    if (this.isPunct("|") && potentialComprehension) {
      this.next();
      const body = this.parseBody("]");
      if (body) {
        this.next();
        return { type: "arraycomp", head, body, loc: this.span(open) };
      }
      if (!this.isPunct(",")) return null;
    }
    this.restore(saved);
    const items = this.parseTermList("]", []);
    return items ? { type: "array", items, loc: this.span(open) } : null;
  }

  private parseSetOrObject(): Term | null {
    return this.nested(() => this.parseSetOrObjectItems());
  }

  private parseSetOrObjectItems(): Term | null {
    const open = this.tok;
    this.next();
    if (this.isPunct("}")) {
      this.next();
      return { type: "object", entries: [], loc: this.span(open) };
    }
    let potentialComprehension = true;
    if (this.isPunct(",")) {
      potentialComprehension = false;
      this.next();
    }
    const saved = this.save();
    let head = this.parseTerm();
    if (!head) return null;
    if ((this.isPunct("|") && potentialComprehension) || this.isPunct("}") || this.isPunct(",")) {
      return this.parseSet(open, saved, head, potentialComprehension);
    }
    if (this.isPunct(":")) return this.parseObject(open, head, potentialComprehension);
    this.restore(saved);
    head = this.parseTermInfixCallInList();
    if (!head) return null;
    if (this.isPunct("}") || this.isPunct(",")) return this.parseSet(open, saved, head, false);
    if (this.isPunct(":")) return this.parseObject(open, head, potentialComprehension);
    this.illegal("non-terminated set");
    return null;
  }

  private parseSet(open: Token, saved: Cursor, head: Term, potentialComprehension: boolean): Term | null {
    return this.nested(() => this.parseSetItems(open, saved, head, potentialComprehension));
  }

  private parseSetItems(open: Token, saved: Cursor, head: Term, potentialComprehension: boolean): Term | null {
    if (this.isPunct("}")) {
      this.next();
      return { type: "set", items: [head], loc: this.span(open) };
    }
    if (this.isPunct(",")) {
      this.next();
      const items = this.parseTermList("}", [head]);
      return items ? { type: "set", items, loc: this.span(open) } : null;
    }
    if (potentialComprehension) {
      this.next();
      const body = this.parseBody("}");
      if (body) {
        this.next();
        return { type: "setcomp", head, body, loc: this.span(open) };
      }
      if (!this.isPunct(",")) return null;
    }
    this.restore(saved);
    const items = this.parseTermList("}", []);
    return items ? { type: "set", items, loc: this.span(open) } : null;
  }

  private parseObject(open: Token, key: Term, potentialComprehension: boolean): Term | null {
    return this.nested(() => this.parseObjectItems(open, key, potentialComprehension));
  }

  private parseObjectItems(open: Token, key: Term, potentialComprehension: boolean): Term | null {
    this.next();
    const saved = this.save();
    const value = this.parseTerm();
    if (!value) return null;
    if (potentialComprehension) {
      if (this.isPunct("}") || this.isPunct(",")) return this.parseObjectFinish(open, key, value, true);
      if (this.isPunct("|")) {
        const result = this.parseObjectFinish(open, key, value, true);
        if (result) return result;
      }
    }
    this.restore(saved);
    const relation = this.parseTermInfixCallInList();
    if (!relation) return null;
    if (this.isPunct("}") || this.isPunct(",")) return this.parseObjectFinish(open, key, relation, false);
    this.illegal("non-terminated object");
    return null;
  }

  private parseObjectFinish(open: Token, key: Term, value: Term, potentialComprehension: boolean): Term | null {
    return this.nested(() => this.parseObjectRest(open, key, value, potentialComprehension));
  }

  private parseObjectRest(open: Token, key: Term, value: Term, potentialComprehension: boolean): Term | null {
    if (this.isPunct("}")) {
      this.next();
      return { type: "object", entries: [[key, value]], loc: this.span(open) };
    }
    if (this.isPunct("|")) {
      if (!potentialComprehension) {
        this.illegal("non-terminated object");
        return null;
      }
      this.next();
      const body = this.parseBody("}");
      if (!body) return null;
      this.next();
      return { type: "objectcomp", key, value, body, loc: this.span(open) };
    }
    this.next();
    const entries = this.parseTermPairList([[key, value]]);
    return entries ? { type: "object", entries, loc: this.span(open) } : null;
  }

  /** `$"a{x}b"` / ``$`a{x}b` ``: decoded literal parts alternating with embedded terms or expressions. */
  private parseTemplateString(): Term | null {
    const open = this.tok;
    const parts: Array<string | Term | Expr> = [];
    for (;;) {
      const piece = this.tok;
      const text = piece.raw ? piece.text : decodeJsonStringBody(piece.text);
      if (text === null) {
        this.error(`illegal template-string part: ${piece.text}`, this.tokenLoc(piece));
        return null;
      }
      if (text.length > 0) parts.push(text);
      this.next();
      if (piece.kind === "template-end") break;
      const expr = this.parseLiteral();
      if (!expr) {
        this.error("invalid template-string expression");
        return null;
      }
      const problem = templateExprProblem(expr);
      if (problem) {
        this.error(problem, expr.loc);
        return null;
      }
      const t = this.tok;
      if ((t.kind !== "template-part" && t.kind !== "template-end") || !isTemplateContinuation(t)) {
        this.illegal("expected } to end template string expression");
        return null;
      }
      parts.push(expr.with.length === 0 && expr.body.type === "term" ? expr.body.term : expr);
    }
    return { type: "template", parts, loc: this.span(open) };
  }
}

/** A continuation piece of a template string starts with the `}` that closed the embedded expression. */
function isTemplateContinuation(t: Token): boolean {
  return t.continuation === true;
}

function templateExprProblem(expr: Expr): string | null {
  if (expr.negated) return "unexpected negation ('not') in template-string expression";
  if (expr.body.type === "some") return "unexpected 'some' in template-string expression";
  if (expr.body.type === "somein") return "unexpected 'some' in template-string expression";
  if (expr.body.type === "every") return "unexpected 'every' in template-string expression";
  const term = expr.body.term;
  if (term.type === "call" && term.op.path.length === 0 && term.op.head.type === "var") {
    if (term.op.head.name === "eq") return "unexpected unification ('=') in template-string expression";
    if (term.op.head.name === "assign") return "unexpected assignment (':=') in template-string expression";
  }
  return null;
}

/** `x in xs` / `k, v in xs` as parsed: a call of `internal.member_2` or `internal.member_3`. */
export function memberCall(term: Term): CallTerm | null {
  if (term.type !== "call") return null;
  const op = term.op;
  if (op.head.type !== "var" || op.head.name !== "internal" || op.path.length !== 1) return null;
  const name = op.path[0].type === "string" ? op.path[0].value : "";
  if (name === "member_2" && term.args.length === 2) return term;
  if (name === "member_3" && term.args.length === 3) return term;
  return null;
}

/** OPA rejects numbers whose binary exponent exceeds 1e5 (about 30,100 decimal digits). */
function numberTooBig(text: string): boolean {
  if (text.length < 30000 && !/[eE]/.test(text)) return false;
  const m = /^-?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return true;
  const intDigits = m[1].replace(/^0+/, "").length;
  const exp = m[3] ? Number(m[3]) : 0;
  const magnitude = intDigits + exp;
  return !Number.isFinite(magnitude) || magnitude > 30000 || magnitude < -30000;
}
