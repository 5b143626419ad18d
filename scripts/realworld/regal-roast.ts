/**
 * Regal's RoAST (regal internal/roast/transforms/module ToValue): the JSON form of a parsed module that Regal's
 * linter rules read, made from the project's parser's AST. Terms are `{type, value, location}` with locations as
 * "row:col:endRow:endCol"; calls in an expression are the `terms` array `[operator, args…]`; objects are arrays of
 * `[key, value]`; numbers keep their source text; comment text is base64; rules without a written body have none;
 * `regal` carries the file context (`name`, `lines`, `abs`, `rego_version`) and `operations: ["lint"]`.
 */
import * as path from "path";
import { parseModule } from "../../compiler/syntax/parser";
import type { Annotation, Body, Expr, Location, Module, Rule, Term } from "../../compiler/syntax/ast";
import { ExactNumber, exactJson } from "./exact-json";

type Json = unknown;

export function parseRegalModule(filename: string, source: string): Json {
  const regoVersion = filename.endsWith("_v0.rego") ? 0 : 1;
  const parsed = parseModule(source, filename, { regoVersion });
  if (!parsed.module) {
    const d = parsed.diagnostics[0];
    throw new Error(`${filename}: ${d ? d.message : "parse error"}`);
  }
  // As JSON text, so numbers keep their written value (`1e1000`, integers beyond 2^53).
  return exactJson(new RoastWriter(source).module(parsed.module, filename));
}

class RoastWriter {
  private wildcards = new Map<string, string>();
  private comments: Module["comments"] = [];

  constructor(private readonly source: string) {}

  module(m: Module, filename: string): Json {
    this.comments = m.comments;
    const out: Record<string, Json> = { package: this.pkg(m) };
    if (m.imports.length > 0) {
      // OPA locates an import at its keyword.
      out.imports = m.imports.map((i) => ({
        location: this.loc({ ...i.loc, end: i.loc.offset + "import".length }),
        path: this.term(i.path),
        ...(i.alias ? { alias: i.alias } : {}),
      }));
    }
    if (m.rules.length > 0) out.rules = m.rules.map((r) => this.rule(r));
    if (m.comments.length > 0) {
      // OPA's `# METADATA` comment shares its annotation's location, which spans the whole block.
      out.comments = m.comments.map((c) => ({
        text: Buffer.from(c.text, "utf8").toString("base64"),
        location: this.loc(/^\s*METADATA\s*$/.test(c.text) ? this.commentBlock(c.loc) : c.loc),
      }));
    }
    out.regal = {
      file: { name: filename, lines: this.source.split("\n"), abs: path.resolve(filename), rego_version: m.regoVersion === 0 ? "v0" : "v1" },
      environment: { path_separator: path.sep },
      operations: ["lint"],
    };
    return out;
  }

  /** "row:col:endRow:endCol", the end from the node's text as OPA measures it (bytes). */
  private loc(l: Location): string {
    const text = this.source.slice(l.offset, l.end);
    const lines = text.split("\n");
    const endRow = l.row + lines.length - 1;
    const endCol = lines.length < 2 ? l.col + Buffer.byteLength(text) : Buffer.byteLength(lines[lines.length - 1]) + 1;
    return `${l.row}:${l.col}:${endRow}:${endCol}`;
  }

  private pkg(m: Module): Json {
    const p = m.package;
    const text = this.source.slice(p.loc.offset, p.loc.end);
    const keyword = /^package\s+/.exec(text);
    // `package` as OPA locates it: the keyword; the path's parts each where they are written.
    const location = this.loc({ ...p.loc, end: p.loc.offset + "package".length });
    const parts: Json[] = [{ type: "var", value: "data" }];
    let offset = p.loc.offset + (keyword ? keyword[0].length : text.length);
    for (const name of p.path) {
      const found = this.source.indexOf(name, offset);
      const start = found >= 0 ? found : offset;
      parts.push({ type: "string", value: name, location: this.loc(this.at(start, name.length)) });
      offset = start + name.length;
    }
    const out: Record<string, Json> = { location, path: parts };
    const annotations = p.annotations.filter((a) => a.scope !== "rule" && a.scope !== "document");
    if (annotations.length > 0) out.annotations = annotations.map((a) => this.annotation(a));
    return out;
  }

  private annotation(a: Annotation): Json {
    const f = a.fields as Record<string, Json>;
    const out: Record<string, Json> = { location: this.loc(this.commentBlock(a.loc)), scope: a.scope };
    if (typeof f.title === "string" && f.title) out.title = f.title;
    if (f.entrypoint === true) out.entrypoint = true;
    if (typeof f.description === "string" && f.description) out.description = f.description;
    if (Array.isArray(f.organizations) && f.organizations.length) out.organizations = f.organizations;
    if (Array.isArray(f.related_resources) && f.related_resources.length) {
      out.related_resources = f.related_resources.map((r) =>
        typeof r === "string" ? { ref: r } : { ref: (r as { ref: string }).ref, ...((r as { description?: string }).description ? { description: (r as { description: string }).description } : {}) },
      );
    }
    if (Array.isArray(f.authors) && f.authors.length) out.authors = f.authors.map(author);
    if (Array.isArray(f.schemas) && f.schemas.length) {
      out.schemas = f.schemas.map((s) => {
        const [[p, v]] = Object.entries(s as Record<string, Json>);
        return typeof v === "string" ? { path: p.split("."), schema: v.split(".") } : { path: p.split("."), definition: v };
      });
    }
    if (f.custom && typeof f.custom === "object" && Object.keys(f.custom).length) out.custom = f.custom;
    return out;
  }

  /** OPA locates an annotation at its whole comment block: `# METADATA` and the comment lines after it. */
  private commentBlock(start: Location): Location {
    let end = start.end;
    let row = start.row;
    for (const c of this.comments) {
      if (c.loc.row === row + 1) {
        end = c.loc.end;
        row++;
      } else if (c.loc.row > row + 1) break;
    }
    return { ...start, end };
  }

  /** The location of `length` characters at `offset`. */
  private at(offset: number, length: number): Location {
    const before = this.source.slice(0, offset);
    return { file: "", row: before.split("\n").length, col: offset - before.lastIndexOf("\n"), offset, end: offset + length };
  }

  private rule(r: Rule): Json {
    // OPA locates a default rule at its keyword.
    const out: Record<string, Json> = { location: this.loc(r.default ? { ...r.loc, end: r.loc.offset + "default".length } : r.loc) };
    if (r.annotations.length > 0) out.annotations = r.annotations.map((a) => this.annotation(a));
    if (r.default) out.default = true;
    out.head = this.head(r);
    if (r.body.length > 0) out.body = this.body(r.body);
    // OPA chains else clauses as nested rules with the head's ref.
    let tail = out;
    for (const e of r.else) {
      const clause: Record<string, Json> = { location: this.loc(e.loc) };
      const head: Record<string, Json> = { location: this.loc(e.loc), ref: r.head.ref.map((t) => this.term(t)) };
      if (r.head.args && r.head.args.length > 0) head.args = r.head.args.map((t) => this.term(t));
      if (e.assign) head.assign = true;
      head.value = e.value ? this.term(e.value) : { type: "boolean", value: true };
      clause.head = head;
      if (e.body.length > 0) clause.body = this.body(e.body);
      tail.else = clause;
      tail = clause;
    }
    return out;
  }

  private head(r: Rule): Json {
    const h = r.head;
    // A chained body (`p if {…} {…}`) is a rule of its own in OPA, its head located at the body it repeats for.
    const chained = r.loc.offset > h.loc.offset;
    const out: Record<string, Json> = { location: this.loc(chained ? r.loc : h.loc), ref: h.ref.map((t) => this.term(t)) };
    if (h.args && h.args.length > 0) out.args = h.args.map((t) => this.term(t));
    if (h.assign) out.assign = true;
    if (h.key) out.key = this.term(h.key);
    if (h.value) out.value = this.term(h.value);
    else if (!h.key) out.value = { type: "boolean", value: true }; // OPA's generated `true`, without a location
    return out;
  }

  private body(b: Body): Json[] {
    return b.map((e) => this.expr(e));
  }

  private expr(e: Expr): Json {
    const out: Record<string, Json> = { location: this.loc(e.loc) };
    if (e.negated) out.negated = true;
    if (e.with.length > 0) out.with = e.with.map((w) => ({ location: this.loc(w.loc), target: this.term(w.target), value: this.term(w.value) }));
    const b = e.body;
    if (b.type === "term") {
      out.terms = b.term.type === "call" ? [this.term(b.term.op), ...b.term.args.map((a) => this.term(a))] : this.term(b.term);
    } else if (b.type === "some") {
      out.terms = { location: this.loc(b.loc), symbols: b.vars.map((v) => this.term(v)) };
    } else if (b.type === "somein") {
      const member = b.key ? "member_3" : "member_2";
      const args = [...(b.key ? [b.key] : []), b.value, b.collection].map((t) => this.term(t));
      // OPA's `x in xs` call spans its operands; its operator is the `in` keyword between them.
      const first = b.key ?? b.value;
      const callLoc = this.loc({ ...first.loc, end: b.collection.loc.end });
      const gap = this.source.slice(b.value.loc.end, b.collection.loc.offset);
      const inAt = b.value.loc.end + Math.max(0, gap.search(/\bin\b/));
      const inLoc = this.loc(this.at(inAt, 2));
      const op = { type: "ref", value: [{ type: "var", value: "internal", location: inLoc }, { type: "string", value: member, location: inLoc }], location: inLoc };
      out.terms = { location: this.loc(b.loc), symbols: [{ type: "call", value: [op, ...args], location: callLoc }] };
    } else {
      out.terms = {
        location: this.loc(b.loc),
        key: b.key ? this.term(b.key) : null,
        value: this.term(b.value),
        domain: this.term(b.domain),
        body: this.body(b.body),
      };
    }
    return out;
  }

  private term(t: Term): Json {
    return { type: typeName(t), value: this.value(t), location: this.loc(t.loc) };
  }

  private value(t: Term): Json {
    // eslint-disable-next-line default-case
    switch (t.type) {
      case "null":
        return null;
      case "boolean":
        return t.value;
      case "number":
        return new ExactNumber(t.text);
      case "string":
        return t.value;
      case "var":
        return this.varName(t.name);
      case "ref":
        return [this.term(t.head), ...t.path.map((p) => this.term(p))];
      case "call":
        return [this.term(t.op), ...t.args.map((a) => this.term(a))];
      case "array":
        return t.items.map((i) => this.term(i));
      case "set":
        return t.items.map((i) => this.term(i));
      case "object":
        return t.entries.map(([k, v]) => [this.term(k), this.term(v)]);
      case "arraycomp":
      case "setcomp":
        return { term: this.term(t.head), body: this.body(t.body) };
      case "objectcomp":
        return { key: this.term(t.key), value: this.term(t.value), body: this.body(t.body) };
      case "template":
        // Regal's template-string codec: literal parts as string terms, each `{…}` as an expression marked
        // `interpolated`.
        return {
          parts: t.parts.map((p) => {
            if (typeof p === "string") return { type: "string", value: p };
            const expr = "type" in p ? ({ negated: false, with: [], body: { type: "term", term: p, loc: p.loc }, loc: p.loc } as Expr) : (p as Expr);
            return { ...(this.expr(expr) as Record<string, Json>), interpolated: true };
          }),
        };
    }
    return null;
  }

  /** OPA names wildcards `$0`, `$1`… in order of appearance; the project's parser names them `$_<n>`. */
  private varName(name: string): string {
    if (!name.startsWith("$_")) return name;
    let renamed = this.wildcards.get(name);
    if (!renamed) {
      renamed = `$${this.wildcards.size}`;
      this.wildcards.set(name, renamed);
    }
    return renamed;
  }
}

const TYPE_NAMES: Record<string, string> = {
  template: "templatestring",
  arraycomp: "arraycomprehension",
  setcomp: "setcomprehension",
  objectcomp: "objectcomprehension",
};

function typeName(t: Term): string {
  return TYPE_NAMES[t.type] ?? t.type;
}

/** OPA's annotation authors: "Name <email>" strings or {name, email} objects. */
function author(a: Json): Json {
  if (typeof a !== "string") return a;
  const m = /^(.*?)\s*<([^>]+)>\s*$/.exec(a);
  if (m) return m[1] ? { name: m[1], email: m[2] } : { email: m[2] };
  return a.includes("@") && !a.includes(" ") ? { email: a } : { name: a };
}
