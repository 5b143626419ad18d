/**
 * OPA's canonical Rego formatting (`opa fmt`, OPA's `format.SourceWithOpts`) over the project's parser AST, for
 * Regal's `regal.is_formatted` (test support for `npm run realworld`, not part of the product). Layout follows
 * OPA 1.16's rules (the OPA Regal's test runner embeds): source rows decide what stays on one line, comments keep
 * their rows, blank lines are regrouped. What is not implemented throws `UnsupportedFormatError`, never a guess.
 */
import type { Body, Comment, ElseClause, Expr, Import, Module, Rule, RuleHead, Term, VarTerm, WithModifier } from "../../compiler/syntax/ast";
import { parseModule } from "../../compiler/syntax/parser";

/** Something OPA's formatter handles that this one does not: the caller must not answer either way. */
export class UnsupportedFormatError extends Error {}

/**
 * OPA's signal that comments do not fit the layout (two for one line end, or one inside a one-line collection):
 * the enclosing term is then written as it stands in the source, and the signal travels on to the statement.
 */
class UnexpectedComment extends Error {}
/** The signal after an expression's last operand was written as it stands (OPA then ends the expression). */
class LastOperandUnformatted extends Error {}

/** An error OPA's formatter also reports (parse errors, Rego v1 checks); `is_formatted` then has no value. */
export class FormatError extends Error {}

const KEYWORDS_V0 = ["not", "package", "import", "as", "default", "else", "with", "null", "true", "false", "some"];
const KEYWORDS_V1 = [...KEYWORDS_V0, "if", "contains", "in", "every"];
const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Builtins OPA's Rego v1 check rejects, so `opa fmt` for v1 fails on them. */
const DEPRECATED = new Set(["any", "all", "re_match", "net.cidr_overlap", "set_diff", "cast_array", "cast_set", "cast_string", "cast_boolean", "cast_null", "cast_object"]);
const INFIX: Record<string, string> = {
  eq: "=", assign: ":=", equal: "==", neq: "!=", lt: "<", lte: "<=", gt: ">", gte: ">=",
  plus: "+", minus: "-", mul: "*", div: "/", rem: "%", and: "&", or: "|",
};

/** A row and the source text a node spans (OPA's `Location.Row` and `Location.Text`). */
interface Place {
  row: number;
  text: string;
}
const NOWHERE: Place = { row: -1, text: "" };

/** Formats Rego source as `opa fmt` does for that Rego version (0: `--v0-compatible` style, 1: Rego v1). */
export function formatRego(source: string, regoVersion: 0 | 1, file = "policy.rego"): string {
  const parsed = parseModule(source, file, { regoVersion });
  if (!parsed.module) {
    const d = parsed.diagnostics[0];
    throw new FormatError(`${file}:${d?.loc?.row ?? 0}: ${d?.message ?? "parse error"}`);
  }
  try {
    return new ModuleWriter(source, parsed.module, regoVersion).write();
  } catch (e) {
    if (e instanceof UnexpectedComment) throw new UnsupportedFormatError(`${file}: ${e.message} (OPA's fallback for it is only implemented for a rule's value, a with value and an expression's last operand)`);
    throw e;
  }
}

/** Whether `opa fmt` would leave the source as it is (Regal's `regal.is_formatted`). */
export function isFormatted(source: string, regoVersion: 0 | 1): boolean {
  return formatRego(source, regoVersion) === source;
}

class ModuleWriter {
  private buf = "";
  private level = 0;
  private inline = false;
  private beforeEnd: Comment | null = null;
  private delay = false;
  /** OPA's `writeCommentOnFinalLine`: a term written as it stands takes the comment on its last row along. */
  private commentOnFinalLine = false;
  private comments: Comment[];
  private readonly v1: boolean;
  private readonly ifs: boolean;
  private readonly contains: boolean;
  private readonly refHeads: boolean;
  private readonly keywords: string[];

  constructor(
    private readonly source: string,
    private readonly module: Module,
    regoVersion: 0 | 1,
  ) {
    const names = module.imports.map((i) => importName(i));
    const regoV1Imported = names.includes("rego.v1");
    const allFuture = names.includes("future.keywords");
    const future = names.filter((n) => n.startsWith("future.keywords.")).map((n) => n.slice("future.keywords.".length));
    this.v1 = regoVersion === 1;
    this.ifs = this.v1 || regoV1Imported || allFuture || future.includes("if");
    this.contains = this.v1 || regoV1Imported || allFuture || future.includes("contains");
    this.keywords = this.v1 ? KEYWORDS_V1 : [...KEYWORDS_V0, ...future];
    this.refHeads = module.rules.some((r) => r.head.ref.length > 2 || (r.head.ref.length === 2 && r.head.contains));
    this.comments = [...module.comments]
      .sort((a, b) => a.loc.offset - b.loc.offset)
      .map((c) => ({ ...c, text: c.text.replace(/\s+$/u, "") }));
  }

  write(): string {
    const m = this.module;
    if (this.v1) this.checkRegoV1();
    let imports = m.imports;
    const regoV1Imported = imports.some((i) => importName(i) === "rego.v1");
    if (this.v1 || regoV1Imported) {
      if (regoV1Imported) imports = imports.filter((i) => !importName(i).startsWith("future."));
    } else if (this.usesFutureKeywordWithoutImport()) {
      throw new UnsupportedFormatError("a Rego v0 module using `in`/`every` without importing them (OPA adds the import)");
    }
    this.insertComments(m.package.loc.row);
    this.startLine();
    this.write_("package ");
    const pkgText = this.place(m.package).text;
    this.write_(
      m.package.path
        .map((p, i) => (i === 0 ? p : this.v1 && VAR_NAME.test(p) && this.keywords.includes(p) && !pkgText.includes(`[${JSON.stringify(p)}]`) ? `.${p}` : this.pathElement(p, this.keywords)))
        .join(""),
    );
    this.blankLine();

    type Statement = { kind: "import"; imp: Import } | { kind: "rule"; rule: Rule };
    const statements: Statement[] = [
      ...imports.map((imp): Statement => ({ kind: "import", imp })),
      ...m.rules.map((rule): Statement => ({ kind: "rule", rule })),
    ].sort((a, b) => (a.kind === "import" ? a.imp.loc.offset : a.rule.loc.offset) - (b.kind === "import" ? b.imp.loc.offset : b.rule.loc.offset));
    let i = 0;
    while (i < statements.length) {
      const group: Import[] = [];
      while (i < statements.length && statements[i].kind === "import") group.push((statements[i++] as { imp: Import }).imp);
      this.writeImports(group);
      const rules: Rule[] = [];
      while (i < statements.length && statements[i].kind === "rule") rules.push((statements[i++] as { rule: Rule }).rule);
      this.writeRules(rules);
    }
    this.comments.forEach((c, n) => {
      this.writeLine(`#${c.text}`);
      if (n === this.comments.length - 1) this.write_("\n");
    });
    return this.buf.endsWith("\n") ? `${this.buf.replace(/\n+$/, "")}\n` : this.buf;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Writer state (OPA's writer: indentation level, whether a line is open, a comment waiting for the line's end)

  private write_(s: string): void {
    this.buf += s;
  }
  private startLine(): void {
    this.inline = true;
    this.write_("\t".repeat(this.level));
  }
  private endLine(): void {
    this.inline = false;
    if (this.beforeEnd && !this.delay) {
      this.write_(` #${this.beforeEnd.text}`);
      this.beforeEnd = null;
    }
    this.delay = false;
    this.write_("\n");
  }
  private blankLine(): void {
    if (this.inline) this.endLine();
    this.write_("\n");
  }
  private writeLine(s: string): void {
    if (!this.inline) this.startLine();
    this.write_(s);
    this.endLine();
  }
  private down(): void {
    if (this.level === 0) throw new FormatError("negative indentation level");
    this.level--;
  }

  /** Writes the comments above `row` (keeping one blank line where the source had gaps); one on `row` waits for the line's end. */
  private insertComments(row: number): void {
    const before = this.comments.filter((c) => c.loc.row < row);
    const at = this.comments.find((c) => c.loc.row === row) ?? null;
    this.comments = this.comments.filter((c) => c.loc.row > row);
    before.forEach((c, i) => {
      if (i > 0 && c.loc.row - before[i - 1].loc.row > 1) this.blankLine();
      this.writeLine(`#${c.text}`);
    });
    if (before.length > 0 && row - before[before.length - 1].loc.row > 1) this.blankLine();
    if (this.beforeEnd && at) {
      this.beforeEnd = null;
      throw new UnexpectedComment(`two end-of-line comments competing for row ${at.loc.row}`);
    }
    if (at) this.beforeEnd = at;
  }

  private place(node: { loc: { row: number; offset: number; end: number } }): Place {
    return { row: node.loc.row, text: this.source.slice(node.loc.offset, node.loc.end) };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Imports and rules

  private writeImports(imports: Import[]): void {
    const attached = new Map<Import, Comment>();
    this.comments = this.comments.filter((c) => {
      const imp = imports.find((i) => i.loc.row === c.loc.row);
      if (imp) attached.set(imp, c);
      return !imp;
    });
    const groups: Import[][] = [];
    for (const imp of imports) {
      const group = groups[groups.length - 1];
      if (group && imp.loc.row - group[group.length - 1].loc.row <= 1) group.push(imp);
      else groups.push([imp]);
    }
    for (const group of groups) {
      this.insertComments(group[0].loc.row);
      for (const imp of [...group].sort(compareImports)) {
        this.startLine();
        const path = importName(imp).startsWith("future.")
          ? this.refText(importSegments(imp), KEYWORDS_V0)
          : this.refText(importSegments(imp), KEYWORDS_V1);
        this.write_(`import ${path}${imp.alias ? ` as ${imp.alias}` : ""}`);
        const c = attached.get(imp);
        if (c) this.write_(` #${c.text}`);
        this.endLine();
      }
      this.blankLine();
    }
  }

  private writeRules(rules: Rule[]): void {
    rules.forEach((rule, i) => {
      if (this.source[rule.loc.offset] === "{") throw new UnsupportedFormatError(`row ${rule.loc.row}: a rule body chained onto another rule`);
      this.insertComments(rule.loc.row);
      this.writeRule(rule);
      const next = rules[i + 1];
      if (next && this.groupableOneLiner(rule) && this.groupableOneLiner(next) && next.loc.row === rule.loc.row + 1) return;
      this.blankLine();
    });
  }

  /** OPA keeps adjacent short rules (at most one body expression, not `default`) together without a blank line. */
  private groupableOneLiner(rule: Rule): boolean {
    if (rule.body.length > 1 || rule.default) return false;
    return (this.v1 || this.ifs) && (this.contains || !rule.head.contains);
  }

  private writeRule(rule: Rule): void {
    this.startLine();
    if (rule.default) this.write_("default ");
    const expandedConst = isTrueBody(rule.body) && rule.else.length === 0;
    this.commentOnFinalLine = expandedConst;
    try {
      this.writeHead(rule.head, rule.default, expandedConst);
    } catch (e) {
      // OPA goes on after a rule value written as it stands; only the body-less case is implemented.
      if (!(e instanceof UnexpectedComment) || !expandedConst) throw e;
    }
    if (expandedConst) {
      this.endLine();
      return;
    }
    this.commentOnFinalLine = true;
    const partialSetException = this.contains || !rule.head.contains;
    const ruleText = this.place(rule).text;
    this.writeIfAndBody(rule.body, rule.head.loc.row, partialSetException, () => {
      const h = rule.head;
      if (h.args) return closingRow(ruleText, rule.loc.row, "{", "}", "(", ")");
      if (hasKey(h)) return closingRow(ruleText, rule.loc.row, "{", "}", "[", "]");
      return closingRow(ruleText, rule.loc.row, "{", "}");
    });
    this.writeElses(rule, 0);
  }

  /**
   * ` if expr` on one line when the single expression starts on the head's row, else ` [if ]{ … }` with one
   * expression per line. Returns true when the inline form was written (the line is then ended).
   */
  private writeIfAndBody(body: Body, headRow: number, partialSetException: boolean, closeRow: () => number): boolean {
    if ((this.v1 || this.ifs) && partialSetException) {
      this.write_(" if");
      if (body.length === 1 && body[0].loc.row === headRow) {
        this.write_(" ");
        this.writeExpr(body[0]);
        this.endLine();
        return true;
      }
    }
    this.write_(" {");
    this.endLine();
    this.level++;
    this.writeBody(body);
    this.insertComments(closeRow());
    this.down();
    this.startLine();
    this.write_("}");
    return false;
  }

  private writeElses(rule: Rule, index: number): void {
    const clause: ElseClause | undefined = rule.else[index];
    if (!clause) return;
    // The `else` keeps its own line when it started one in the source; otherwise it follows the closing brace.
    const owner = index === 0 ? rule : rule.else[index - 1];
    const ownerLines = this.place(owner).text.split("\n");
    const relative = clause.loc.row - owner.loc.row;
    const wasInline = relative > 0 && relative < ownerLines.length && !ownerLines[relative].trim().startsWith("else");
    const commentAbove = (this.comments.length > 0 && this.comments[0].loc.row < clause.loc.row) || this.beforeEnd !== null;
    if (!commentAbove && wasInline) this.write_(" ");
    else {
      this.blankLine();
      this.startLine();
    }
    this.insertComments(clause.loc.row);
    if (commentAbove && !wasInline) this.startLine();
    this.write_("else");
    const expandedConst = isTrueBody(clause.body) && index === rule.else.length - 1;
    const value = clause.value;
    if (value ? !(value.type === "boolean" && value.value) || expandedConst : expandedConst) {
      this.write_(clause.assign || this.v1 ? " := " : " = ");
      if (value) this.writeTerm(value);
      else this.write_("true");
    }
    if (expandedConst) {
      this.endLine();
      return;
    }
    const text = this.place(clause).text;
    this.writeIfAndBody(clause.body, clause.loc.row, true, () => closingRow(text, clause.loc.row, "{", "}"));
    this.writeElses(rule, index + 1);
  }

  private writeHead(head: RuleHead, isDefault: boolean, expandedConst: boolean): void {
    const ref = head.ref;
    if (this.refHeads || ref.length === 1) this.writeRefTerms(ref[0], ref.slice(1));
    else {
      if (this.comments.length > 0 && ref[1].loc.row === this.comments[0].loc.row) {
        throw new UnsupportedFormatError(`row ${ref[1].loc.row}: a comment inside a rule head (OPA writes it unformatted)`);
      }
      this.write_(`${this.termString(ref[0])}[${this.termString(ref[1])}]`);
    }
    if (head.args) {
      this.write_("(");
      const headText = this.place(head).text;
      this.writeIterable(head.args, this.place(head), closingRow(headText, head.loc.row, "(", ")"), (t) => this.writeListItem(t));
      this.write_(")");
    }
    if (head.contains && head.key) {
      if (this.contains) {
        this.write_(" contains ");
        this.writeTerm(head.key);
      } else {
        this.write_("[");
        this.writeTerm(head.key);
        this.write_("]");
      }
    }
    if (head.value) {
      this.write_(head.assign || this.v1 ? " := " : " = ");
      this.writeTerm(head.value);
    } else if (this.v1 && expandedConst && !head.contains && !head.args && !isDefault) {
      // OPA spells out the value of a body-less constant (`p if { true }` is `p := true`).
      this.write_(" := true");
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Bodies and expressions

  private writeBody(body: Body): void {
    if (body.length > 0) this.insertComments(body[0].loc.row);
    body.forEach((expr, i) => {
      if (i > 0) {
        const prev = body[i - 1];
        const lastRow = prev.loc.row + (this.place(prev).text.match(/\n/g)?.length ?? 0);
        if (expr.loc.row > lastRow + 1) this.blankLine();
      }
      this.startLine();
      try {
        this.writeExpr(expr);
      } catch (e) {
        // The expression's last operand was written as it stands: OPA ends the expression there and goes on.
        if (!(e instanceof LastOperandUnformatted)) throw e;
      }
      this.endLine();
    });
  }

  private writeExpr(expr: Expr): void {
    this.insertComments(expr.loc.row);
    if (!this.inline) this.startLine();
    if (expr.negated) this.write_("not ");
    const b = expr.body;
    switch (b.type) {
      case "some":
        this.writeSomeDecl(b.vars, b.loc.row);
        break;
      case "somein":
        this.insertComments(b.loc.row);
        this.write_("some ");
        this.writeIn(b.key ? [b.key, b.value, b.collection] : [b.value, b.collection], false);
        break;
      case "every":
        this.insertComments(b.loc.row);
        this.write_("every ");
        if (b.key) {
          this.writeTerm(b.key);
          this.write_(", ");
        }
        this.writeTerm(b.value);
        this.write_(" in ");
        this.writeTerm(b.domain);
        this.write_(" {");
        this.writeComprehensionBody(b.body, b.loc.row, this.place(b), "{", "}");
        if (b.body.length === 1 && b.body[0].loc.row === b.loc.row) this.write_(" ");
        this.write_("}");
        break;
      case "term":
        if (b.term.type === "call") this.writeExprCall(b.term, expr);
        else this.writeTerm(b.term);
        break;
    }
    if (expr.with.length === 0) return;
    // A `with` on the expression's first row stays there; the others on rows of their own are indented (OPA 1.16;
    // 1.18 compares with the row where a multi-line expression ends instead, opa#8805).
    let lastRow = expr.loc.row;
    let withs = expr.with;
    if (withs[0].loc.row === lastRow) {
      this.writeWith(withs[0], false);
      lastRow = withs[0].loc.row;
      withs = withs.slice(1);
    }
    let indented = false;
    for (const w of withs) {
      const indent = w.loc.row > lastRow;
      if (indent) {
        if (!indented) {
          this.level++;
          indented = true;
        }
        this.endLine();
        this.startLine();
        lastRow = w.loc.row;
      }
      this.writeWith(w, indent);
    }
    if (indented) this.down();
  }

  private writeSomeDecl(vars: VarTerm[], row: number): void {
    this.insertComments(row);
    this.write_("some ");
    vars.forEach((v, i) => {
      if (v.loc.row > row) {
        this.endLine();
        this.startLine();
        this.write_("\t");
        row = v.loc.row;
      } else if (i > 0) this.write_(" ");
      this.writeTerm(v);
      if (i < vars.length - 1) this.write_(",");
    });
  }

  private writeWith(w: WithModifier, indented: boolean): void {
    this.insertComments(w.loc.row);
    if (!indented) this.write_(" ");
    this.write_("with ");
    this.writeTerm(w.target);
    this.write_(" as ");
    try {
      this.writeTerm(w.value);
    } catch (e) {
      // OPA goes on with the next `with` after a value written as it stands.
      if (!(e instanceof UnexpectedComment)) throw e;
    }
  }

  /** A call that is a whole expression: infix operators written bare (`x := a + b`), a result argument as `z = x + y`. */
  private writeExprCall(call: Extract<Term, { type: "call" }>, expr: Expr): void {
    const op = this.infixOperator(call, false);
    if (!op) return;
    if (call.args.length === 2) {
      this.writeTerm(call.args[0]);
      this.write_(` ${op} `);
      try {
        this.writeTerm(call.args[1]);
      } catch (e) {
        if (e instanceof UnexpectedComment && expr.with.length === 0) throw new LastOperandUnformatted(e.message);
        throw e;
      }
    } else if (call.args.length === 3) {
      this.writeTerm(call.args[2]);
      this.write_(" = ");
      this.writeTerm(call.args[0]);
      this.write_(` ${op} `);
      this.writeTerm(call.args[1]);
    } else throw new FormatError(`row ${call.loc.row}: ${name}: arity mismatch`);
  }

  private writeIn(operands: Term[], parens: boolean): void {
    if (operands.length === 2) {
      this.writeTermParens(true, operands[0]);
      this.write_(" in ");
      this.writeTermParens(true, operands[1]);
      return;
    }
    if (parens) this.write_("(");
    this.writeTermParens(true, operands[0]);
    this.write_(", ");
    this.writeTermParens(true, operands[1]);
    this.write_(" in ");
    this.writeTermParens(true, operands[2]);
    if (parens) this.write_(")");
  }

  private writePlainCall(call: Extract<Term, { type: "call" }>): void {
    this.write_(`${this.opName(call)}(`);
    const opPlace = this.place(call.op);
    this.writeIterable(call.args, opPlace, closingRow(opPlace.text, opPlace.row, "(", ")"), (t) => this.writeListItem(t));
    this.write_(")");
  }

  // -------------------------------------------------------------------------------------------------------------
  // Terms

  /** A term; on OPA's unexpected-comment signal, the term's source text as written, then the signal goes on. */
  private writeTerm(t: Term): void {
    if (this.comments.length === 0) {
      this.writeTermParens(false, t);
      return;
    }
    const saved = { length: this.buf.length, level: this.level, comments: [...this.comments] };
    try {
      this.writeTermParens(false, t);
    } catch (e) {
      if (!(e instanceof UnexpectedComment)) throw e;
      this.buf = this.buf.slice(0, saved.length);
      this.level = saved.level;
      const text = this.place(t).text;
      const endRow = t.loc.row + (text.match(/\n/g)?.length ?? 0);
      if (this.beforeEnd && this.beforeEnd.loc.row >= t.loc.row && this.beforeEnd.loc.row <= endRow) this.beforeEnd = null;
      this.write_(text);
      this.comments = saved.comments.filter((c) => {
        if (this.commentOnFinalLine && c.loc.row === endRow) {
          this.write_(` #${c.text}`);
          return false;
        }
        return c.loc.row >= endRow;
      });
      throw e;
    }
  }

  private writeTermParens(parens: boolean, t: Term): void {
    this.insertComments(t.loc.row);
    if (!this.inline) this.startLine();
    switch (t.type) {
      case "null":
      case "boolean":
      case "number":
        if (t.type === "number" && this.place(t).text !== t.text && this.place(t).text !== `-${t.text}`.replace("--", "")) {
          throw new UnsupportedFormatError(`row ${t.loc.row}: a number the parser generated (unary minus on an expression)`);
        }
        this.write_(t.type === "null" ? "null" : t.type === "boolean" ? String(t.value) : t.text);
        break;
      case "string": {
        const text = this.place(t).text;
        if (text.startsWith("`") || text.startsWith('"')) this.write_(text);
        else this.write_(goQuote(t.value));
        break;
      }
      case "var":
        this.write_(this.varName(t.name));
        break;
      case "ref":
        this.writeRefTerms(t.head, t.path);
        break;
      case "call":
        this.writeCall(parens, t);
        break;
      case "array":
        this.write_("[");
        this.writeIterable(t.items, this.place(t), closingRow(this.place(t).text, t.loc.row, "[", "]"), (x) => this.writeListItem(x));
        this.write_("]");
        break;
      case "set":
        if (t.items.length === 0) {
          this.write_("set()");
          this.insertComments(closingRow(this.place(t).text, t.loc.row, "(", ")"));
          break;
        }
        this.write_("{");
        this.writeIterable(t.items, this.place(t), closingRow(this.place(t).text, t.loc.row, "{", "}"), (x) => this.writeListItem(x));
        this.write_("}");
        break;
      case "object":
        this.write_("{");
        this.writeIterable(
          t.entries.map(([k, v]) => ({ k, v, loc: k.loc })),
          this.place(t),
          closingRow(this.place(t).text, t.loc.row, "{", "}"),
          (e) => {
            this.writeUnionParens(e.k, this.source[e.k.loc.offset] === "(");
            this.write_(": ");
            this.writeUnionParens(e.v, this.source[e.v.loc.offset] === "(");
          },
        );
        this.write_("}");
        break;
      case "arraycomp":
        this.write_("[");
        this.writeComprehension(t.head, t.head.loc.row, t.body, this.place(t), "[", "]");
        this.write_("]");
        break;
      case "setcomp":
        this.write_("{");
        this.writeComprehension(t.head, t.head.loc.row, t.body, this.place(t), "{", "}");
        this.write_("}");
        break;
      case "objectcomp":
        this.write_("{");
        this.writeTerm(t.key);
        this.write_(": ");
        // OPA places the value on the comprehension's opening row, so the key and value never move to a line of
        // their own.
        this.writeComprehension(t.value, t.loc.row, t.body, this.place(t), "{", "}");
        this.write_("}");
        break;
      case "template":
        this.writeTemplate(t);
        break;
    }
    if (!this.inline) this.startLine();
  }

  /**
   * `$"a {x} b"` and ``$`a {x} b` ``: literal parts re-escaped (`{` as `\{`), embedded expressions formatted one
   * level deeper. Comments inside a template string are not implemented.
   */
  private writeTemplate(t: Extract<Term, { type: "template" }>): void {
    if (this.comments.some((c) => c.loc.offset > t.loc.offset && c.loc.offset < t.loc.end)) {
      throw new UnsupportedFormatError(`row ${t.loc.row}: a comment inside a template string`);
    }
    const raw = this.source[t.loc.offset + 1] === "`";
    const quote = raw ? "`" : '"';
    this.write_(`$${quote}`);
    for (const part of t.parts) {
      if (typeof part === "string") this.write_((raw ? part : goQuote(part).slice(1, -1)).replace(/\{/g, "\\{"));
      else {
        this.write_("{");
        this.level++;
        if ("type" in part) this.writeTerm(part);
        else this.writeExpr(part);
        this.write_("}");
        this.down();
      }
    }
    this.write_(quote);
  }

  /** A nested infix call is parenthesised (`a + (b * c)`); other calls are written `f(args)`. */
  private writeCall(parens: boolean, call: Extract<Term, { type: "call" }>): void {
    const op = this.infixOperator(call, true);
    if (!op) return;
    if (call.args.length !== 2) throw new FormatError(`row ${call.loc.row}: ${this.opName(call)}: arity mismatch`);
    if (parens) this.write_("(");
    this.writeTermParens(true, call.args[0]);
    this.write_(` ${op} `);
    this.writeTermParens(true, call.args[1]);
    if (parens) this.write_(")");
  }

  /**
   * The operator of an infix call; `in` calls and plain calls (`f(x)`) are written here instead and give null.
   * A three-operand `in` inside a term is parenthesised.
   */
  private infixOperator(call: Extract<Term, { type: "call" }>, nested: boolean): string | null {
    const name = this.opName(call);
    if (name === "internal.member_2" || name === "internal.member_3") {
      this.writeIn(call.args, nested);
      return null;
    }
    const op = INFIX[name];
    if (!op) {
      this.writePlainCall(call);
      return null;
    }
    this.checkUnaryMinus(call);
    return op;
  }

  /** Elements of collections and call arguments: a set union `(a | b)` keeps the parentheses it was written with. */
  private writeListItem(t: Term): void {
    this.writeUnionParens(t, this.source[t.loc.offset] === "(");
  }

  private writeUnionParens(t: Term, when: boolean): void {
    const paren = when && t.type === "call" && this.opName(t) === "or";
    if (paren) this.write_("(");
    this.writeTerm(t);
    if (paren) this.write_(")");
  }

  private writeRefTerms(head: Term, path: Term[]): void {
    const parens = head.type === "call" && this.source[head.loc.offset] === "(";
    this.writeTermParens(parens, head);
    for (const p of path) {
      if (p.type === "string") this.write_(this.refStringPath(p));
      else if (p.type === "var") this.write_(`[${this.varName(p.name)}]`);
      else {
        this.write_("[");
        this.writeTerm(p);
        this.write_("]");
      }
    }
  }

  private writeComprehension(head: Term, headRow: number, body: Body, compr: Place, open: string, close: string): void {
    if (headRow - compr.row >= 1) {
      this.endLine();
      this.startLine();
    }
    const parens = head.type === "call" && this.source[head.loc.offset] === "(";
    this.writeTermParens(parens, head);
    this.write_(" |");
    this.writeComprehensionBody(body, headRow, compr, open, close);
  }

  /** A comprehension or `every` body: `x; y` on one line when the source had it so, else one expression per line. */
  private writeComprehensionBody(body: Body, termRow: number, compr: Place, open: string, close: string): void {
    const lines = groupRows(body, termRow);
    if (body[0].loc.row - termRow > 0 || lines > 1) {
      this.endLine();
      this.level++;
      this.writeBody(body);
      this.insertComments(closingRow(compr.text, compr.row, open, close));
      this.down();
      this.startLine();
      return;
    }
    this.write_(" ");
    body.forEach((e, i) => {
      if (i > 0) this.write_("; ");
      this.writeExpr(e);
    });
    this.insertComments(closingRow(compr.text, compr.row, open, close));
  }

  /** Elements on one source row stay on one line; more than one row makes one element row per line, with a trailing comma. */
  private writeIterable<T extends { loc: { row: number; offset: number } }>(
    items: T[],
    opening: Place,
    closeRow: number,
    writeItem: (x: T) => void,
  ): void {
    let lastRow = opening.row;
    const sorted = [...items].sort((a, b) => a.loc.offset - b.loc.offset);
    const lines: T[][] = [[]];
    sorted.forEach((x, i) => {
      if (x.loc.row - lastRow > 0 && i > 0) lines.push([]);
      lastRow = x.loc.row;
      lines[lines.length - 1].push(x);
    });
    // (OPA 1.18 also keeps a single element on a line of its own, opa#8845; 1.16 joins it to the brackets.)
    if (lines.length === 1 && this.comments.some((c) => c.loc.row > opening.row && c.loc.row < closeRow)) {
      throw new UnexpectedComment(`row ${opening.row}: a comment inside a one-line collection`);
    }
    const multiline = lines.length > 1;
    if (multiline) {
      this.delay = true;
      this.endLine();
      this.level++;
      this.startLine();
    }
    lines.forEach((line, n) => {
      line.forEach((x, i) => {
        if (i > 0) this.write_(", ");
        writeItem(x);
      });
      if (n < lines.length - 1) {
        this.write_(",");
        this.endLine();
        this.startLine();
      }
    });
    if (multiline) {
      this.write_(",");
      this.endLine();
      this.insertComments(closeRow);
      this.down();
      this.startLine();
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Names

  private opName(call: Extract<Term, { type: "call" }>): string {
    return this.termString(call.op);
  }

  private checkUnaryMinus(call: Extract<Term, { type: "call" }>): void {
    const first = call.args[0];
    if (this.opName(call) === "minus" && first?.type === "number" && this.place(first).text !== first.text) {
      throw new UnsupportedFormatError(`row ${call.loc.row}: unary minus on an expression`);
    }
  }

  private varName(name: string): string {
    if (name.startsWith("$_")) return "_";
    if (name.startsWith("$")) throw new UnsupportedFormatError(`a generated variable ${name}`);
    return name;
  }

  /** OPA's `Term.String()` for the terms that print without layout (rule head refs, call operators). */
  private termString(t: Term): string {
    switch (t.type) {
      case "var":
        return this.varName(t.name);
      case "string":
        return goQuote(t.value);
      case "number":
        return t.text;
      case "boolean":
        return String(t.value);
      case "null":
        return "null";
      case "ref":
        return `${this.termString(t.head)}${t.path.map((p) => (p.type === "string" ? this.pathElement(p.value, KEYWORDS_V1) : `[${this.termString(p)}]`)).join("")}`;
      case "template": {
        // As the regal bundle shows (`test_x[$"{a} {b}"]`): parts re-escaped, embedded variables by name.
        const quote = this.source[t.loc.offset + 1] === "`" ? "`" : '"';
        const parts = t.parts.map((p) => {
          if (typeof p === "string") return (quote === "`" ? p : goQuote(p).slice(1, -1)).replace(/\{/g, "\\{");
          if ("type" in p && p.type === "var") return `{${this.varName(p.name)}}`;
          throw new UnsupportedFormatError(`row ${t.loc.row}: a template string with expressions in a rule head`);
        });
        return `$${quote}${parts.join("")}${quote}`;
      }
      default:
        throw new UnsupportedFormatError(`row ${t.loc.row}: a ${t.type} term in a rule head or call operator`);
    }
  }

  /** Rego v1 allows keywords after a dot; one written `["if"]` keeps its brackets. */
  private refStringPath(p: Extract<Term, { type: "string" }>): string {
    if (this.v1 && VAR_NAME.test(p.value) && this.keywords.includes(p.value)) return this.source[p.loc.offset] === '"' ? `[${goQuote(p.value)}]` : `.${p.value}`;
    return this.pathElement(p.value, this.keywords);
  }

  private pathElement(s: string, keywords: string[]): string {
    return VAR_NAME.test(s) && !keywords.includes(s) ? `.${s}` : `[${goQuote(s)}]`;
  }

  private refText(segments: Array<string | { s: string }>, keywords = this.keywords): string {
    return segments.map((seg) => (typeof seg === "string" ? seg : this.pathElement(seg.s, keywords))).join("");
  }

  // -------------------------------------------------------------------------------------------------------------
  // What OPA checks before formatting, and imports it would add

  private checkRegoV1(): void {
    const names = this.module.imports.map((i) => `${importName(i)} as ${i.alias ?? ""}`);
    if (new Set(names).size !== names.length) throw new FormatError("rego_compile_error: import must not be duplicated");
    walkTerms(this.module, (t) => {
      if (t.type === "call" && DEPRECATED.has(this.termString(t.op))) {
        throw new FormatError(`row ${t.loc.row}: rego_type_error: deprecated built-in function calls in expression: ${this.termString(t.op)}`);
      }
    });
  }

  private usesFutureKeywordWithoutImport(): boolean {
    const names = this.module.imports.map(importName);
    if (names.includes("future.keywords")) return false;
    let used = false;
    walkTerms(this.module, (t) => {
      if (t.type === "call" && this.termString(t.op).startsWith("internal.member_")) used ||= !names.includes("future.keywords.in") && !names.includes("future.keywords.every");
    }, (e) => {
      if (e.body.type === "every") used ||= !names.includes("future.keywords.every");
      if (e.body.type === "somein") used ||= !names.includes("future.keywords.in") && !names.includes("future.keywords.every");
    });
    return used;
  }
}

/** OPA's rule/else/comprehension closing-row search: the row of the brace matching the first `open` after skipping one `skipOpen…skipClose` group. */
function closingRow(text: string, row: number, open: string, close: string, skipOpen?: string, skipClose?: string): number {
  let i = 0;
  let offset = 0;
  if (skipOpen && skipClose) {
    while (i < text.length && text[i] !== skipOpen) i++;
    let depth = 1;
    while (depth > 0) {
      i++;
      if (i >= text.length) break;
      if (text[i] === skipOpen) depth++;
      else if (text[i] === skipClose) depth--;
      else if (text[i] === "\n") offset++;
    }
  }
  while (i < text.length && text[i] !== open) i++;
  if (i >= text.length) return NOWHERE.row;
  let depth = 1;
  while (depth > 0) {
    i++;
    if (i >= text.length) return NOWHERE.row;
    if (text[i] === open) depth++;
    else if (text[i] === close) depth--;
    else if (text[i] === "\n") offset++;
  }
  return row + offset;
}

/** How many output lines OPA groups a body's expressions into (a new line for each expression on a later row). */
function groupRows(body: Body, lastRow: number): number {
  let lines = 1;
  body.forEach((e, i) => {
    if (e.loc.row - lastRow > 0 && i > 0) lines++;
    lastRow = e.loc.row;
  });
  return lines;
}

/** A body OPA treats as a generated constant body: exactly `true`. */
function isTrueBody(body: Body): boolean {
  if (body.length === 0) return true;
  if (body.length !== 1) return false;
  const e = body[0];
  return !e.negated && e.with.length === 0 && e.body.type === "term" && e.body.term.type === "boolean" && e.body.term.value;
}

/** Whether OPA's head has a `Key`: multi-value rules and `p[x] := v` single-value rules. */
function hasKey(head: RuleHead): boolean {
  return head.contains || (head.ref.length === 2 && head.ref[1].type !== "string" && head.value !== null);
}

function importSegments(imp: Import): Array<string | { s: string }> {
  const head = imp.path.head.type === "var" ? imp.path.head.name : "";
  return [head, ...imp.path.path.map((p) => ({ s: p.type === "string" ? p.value : "" }))];
}

function importName(imp: Import): string {
  return importSegments(imp)
    .map((s) => (typeof s === "string" ? s : s.s))
    .join(".");
}

/** OPA's import order: by path (a ref's elements in turn, a prefix first), then alias. */
function compareImports(a: Import, b: Import): number {
  const [x, y] = [importSegments(a).map((s) => (typeof s === "string" ? s : s.s)), importSegments(b).map((s) => (typeof s === "string" ? s : s.s))];
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  if (x.length !== y.length) return x.length - y.length;
  const [p, q] = [a.alias ?? "", b.alias ?? ""];
  return p < q ? -1 : p > q ? 1 : 0;
}

/** Go's `strconv.Quote` for the strings it leaves readable; others are outside what this formatter writes. */
function goQuote(s: string): string {
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]/.test(s)) throw new UnsupportedFormatError(`a string written as a ref path element with non-ASCII or control characters: ${JSON.stringify(s)}`);
  return JSON.stringify(s);
}

function walkTerms(module: Module, onTerm: (t: Term) => void, onExpr: (e: Expr) => void = () => undefined): void {
  const term = (t: Term | null | undefined): void => {
    if (!t) return;
    onTerm(t);
    switch (t.type) {
      case "ref":
        term(t.head);
        t.path.forEach(term);
        break;
      case "call":
        term(t.op);
        t.args.forEach(term);
        break;
      case "array":
      case "set":
        t.items.forEach(term);
        break;
      case "object":
        t.entries.forEach(([k, v]) => (term(k), term(v)));
        break;
      case "arraycomp":
      case "setcomp":
        term(t.head);
        body(t.body);
        break;
      case "objectcomp":
        term(t.key);
        term(t.value);
        body(t.body);
        break;
      case "template":
        t.parts.forEach((p) => (typeof p === "string" ? undefined : "type" in p ? term(p) : expr(p)));
        break;
      default:
        break;
    }
  };
  const expr = (e: Expr): void => {
    onExpr(e);
    const b = e.body;
    if (b.type === "term") term(b.term);
    else if (b.type === "some") b.vars.forEach(term);
    else if (b.type === "somein") [b.key, b.value, b.collection].forEach(term);
    else {
      [b.key, b.value, b.domain].forEach(term);
      body(b.body);
    }
    e.with.forEach((w) => (term(w.target), term(w.value)));
  };
  const body = (b: Body): void => b.forEach(expr);
  for (const rule of module.rules) {
    [...rule.head.ref, ...(rule.head.args ?? []), rule.head.key, rule.head.value].forEach(term);
    body(rule.body);
    rule.else.forEach((c) => (term(c.value), body(c.body)));
  }
}
