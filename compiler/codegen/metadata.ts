/**
 * `rego.metadata.rule()` and `rego.metadata.chain()`: the `# METADATA` annotations in scope of the rule being
 * evaluated, known at compile time, so both calls compile to constants. Annotations are normalised as OPA
 * reports them (`scope` included, authors as `{name, email}`, related resources as `{ref}`).
 */
import type { Annotation, Term } from "../syntax/ast";
import type { CheckedRule, Program } from "../check/program";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function normalizeAnnotation(a: Annotation): { [key: string]: Json } {
  const out: { [key: string]: Json } = { scope: a.scope };
  for (const [key, value] of Object.entries(a.fields)) {
    if (key === "authors" && Array.isArray(value)) out.authors = value.map(normalizeAuthor);
    else if (key === "related_resources" && Array.isArray(value)) {
      out.related_resources = value.map((r) => (typeof r === "string" ? { ref: r } : (r as Json)));
    } else out[key] = value as Json;
  }
  return out;
}

/** `Jane Doe <jane@example.com>` → `{name, email}`, as OPA parses author strings. */
function normalizeAuthor(author: unknown): Json {
  if (typeof author !== "string") return author as Json;
  const m = /^(.*?)\s*<([^>]*)>\s*$/.exec(author);
  if (!m) return author.includes("@") && !author.includes(" ") ? { email: author } : { name: author.trim() };
  return m[1] ? { name: m[1], email: m[2] } : { email: m[2] };
}

/** The rule-scope annotations of the rule definition itself; `{}` without any. */
export function metadataRule(rule: CheckedRule | undefined): Json {
  const own = rule?.rule.annotations.find((a) => a.scope === "rule");
  return own ? normalizeAnnotation(own) : {};
}

/**
 * The chain from the rule up to the root: the rule's own entry (always there), document-scope annotations of
 * any definition of the same rule, the package's annotations, then `subpackages` annotations of the package
 * and its ancestors.
 */
export function metadataChain(rule: CheckedRule | undefined, program: Program): Json {
  if (!rule) return [];
  const rulePath = rule.path;
  const packagePath = rule.module.package.path;
  const chain: Json[] = [];
  const own = rule.rule.annotations.find((a) => a.scope === "rule");
  chain.push(own ? { annotations: normalizeAnnotation(own), path: rulePath } : { path: rulePath });
  for (const other of program.rules) {
    if (other.path.join("\u0000") !== rulePath.join("\u0000")) continue;
    const doc = other.rule.annotations.find((a) => a.scope === "document");
    if (doc) {
      chain.push({ annotations: normalizeAnnotation(doc), path: rulePath });
      break;
    }
  }
  for (let depth = packagePath.length; depth >= 0; depth--) {
    const prefix = packagePath.slice(0, depth);
    for (const m of program.modules) {
      if (m.package.path.join("\u0000") !== prefix.join("\u0000")) continue;
      const scopes = depth === packagePath.length ? ["package", "subpackages"] : ["subpackages"];
      const found = m.package.annotations.find((a) => scopes.includes(a.scope));
      if (found) {
        chain.push({ annotations: normalizeAnnotation(found), path: prefix });
        break;
      }
    }
  }
  return chain;
}

/** A JSON value as a constant term, for the code generator's constant table. */
export function jsonTerm(value: Json, loc: Term["loc"]): Term {
  if (value === null) return { type: "null", loc };
  if (typeof value === "boolean") return { type: "boolean", value, loc };
  if (typeof value === "number") return { type: "number", text: String(value), loc };
  if (typeof value === "string") return { type: "string", value, loc };
  if (Array.isArray(value)) return { type: "array", items: value.map((v) => jsonTerm(v, loc)), loc };
  return {
    type: "object",
    entries: Object.keys(value)
      .sort()
      .map((k): [Term, Term] => [{ type: "string", value: k, loc }, jsonTerm(value[k], loc)]),
    loc,
  };
}
