/**
 * The Rego abstract syntax tree: what `parseModule`/`parseQuery` produce and every later stage reads.
 * Nodes are plain JSON-serialisable objects; each carries the source span it came from, so diagnostics and
 * runtime errors can name file, row and column. Later stages rewrite trees by building new nodes, never by
 * mutating shared ones.
 */

/** A source span. `row` and `col` are 1-based (col counts UTF-16 code units, as editors do); offsets are 0-based. */
export interface Location {
  file: string;
  row: number;
  col: number;
  offset: number;
  /** Offset just past the last character of the node. */
  end: number;
}

interface Node {
  loc: Location;
}

// ---------------------------------------------------------------------------------------------------------------
// Terms

export interface NullTerm extends Node {
  type: "null";
}
export interface BooleanTerm extends Node {
  type: "boolean";
  value: boolean;
}
/** Numbers keep their source text: Rego numbers are arbitrary precision, so no stage may round them. */
export interface NumberTerm extends Node {
  type: "number";
  text: string;
}
/** A string literal, escaped (`"a\n"`) or raw (`` `a\n` ``), already decoded. */
export interface StringTerm extends Node {
  type: "string";
  value: string;
}
/**
 * A template string `$"a {expr} b"`: literal parts (decoded, `\{` unescaped) alternating with embedded terms.
 * An embedded expression that carries `with` modifiers (`$"{a with input as 1}"`) is kept as an `Expr`
 * (distinguishable from a `Term` by having no `type` field); every other embedded expression is its `Term`.
 */
export interface TemplateStringTerm extends Node {
  type: "template";
  parts: Array<string | Term | Expr>;
}
/**
 * A variable. `_` is the wildcard; the parser gives each wildcard a fresh name `$_<n>` so no two wildcards unify.
 * Names starting with `$` are generated and never appear in user-visible results.
 */
export interface VarTerm extends Node {
  type: "var";
  name: string;
}
/**
 * A reference `head[path0][path1]...`. `a.b` is written with a string path element `"b"`.
 * The head is a var (`input`, `data`, a local, an import alias) or any other term (`f(x).y`, `[1][0]`, `{..}[k]`).
 */
export interface RefTerm extends Node {
  type: "ref";
  head: Term;
  path: Term[];
}
export interface ArrayTerm extends Node {
  type: "array";
  items: Term[];
}
export interface ObjectTerm extends Node {
  type: "object";
  entries: Array<[Term, Term]>;
}
/** A set literal `{1, 2}` or `set()`. */
export interface SetTerm extends Node {
  type: "set";
  items: Term[];
}
export interface ArrayComprehension extends Node {
  type: "arraycomp";
  head: Term;
  body: Body;
}
export interface SetComprehension extends Node {
  type: "setcomp";
  head: Term;
  body: Body;
}
export interface ObjectComprehension extends Node {
  type: "objectcomp";
  key: Term;
  value: Term;
  body: Body;
}
/**
 * A call. `op` names the function as written (`count`, `strings.replace_n`, `data.lib.f`, `f`, an import alias),
 * always as a ref whose head is a var and whose path elements are strings. Infix operators become calls of their
 * builtin names: `a + b` is `plus(a, b)`, `a = b` is `eq(a, b)`, `a := b` is `assign(a, b)`, `a == b` is
 * `equal(a, b)`, `-x` on a non-literal is `minus(0, x)`, `a | b` is `or`, `a & b` is `and`, `x in xs` is
 * `internal.member_2(x, xs)`, `k, v in xs` is `internal.member_3(k, v, xs)`.
 * A call with one argument more than the function's arity binds its result to the last argument.
 */
export interface CallTerm extends Node {
  type: "call";
  op: RefTerm;
  args: Term[];
}

export type Term =
  | NullTerm
  | BooleanTerm
  | NumberTerm
  | StringTerm
  | TemplateStringTerm
  | VarTerm
  | RefTerm
  | ArrayTerm
  | ObjectTerm
  | SetTerm
  | ArrayComprehension
  | SetComprehension
  | ObjectComprehension
  | CallTerm;

// ---------------------------------------------------------------------------------------------------------------
// Expressions and bodies

/**
 * `with <target> as <value>`: target is a ref to `input…`, `data…`, a function or a builtin. After checking,
 * a builtin target or a value naming a builtin is spelt like a call operator (`object.union_n`: head var
 * `object`, path `["union_n"]`), and a user function target or value is its `data…` ref.
 */
export interface WithModifier extends Node {
  target: RefTerm | VarTerm;
  value: Term;
}

/** An expression whose truth is its term's value: undefined or `false` fails. Calls, refs, `eq`/`assign` etc. */
export interface TermExpr extends Node {
  type: "term";
  term: Term;
}
/** `some x, y` — declares fresh local variables (shadowing outer ones). */
export interface SomeDeclExpr extends Node {
  type: "some";
  vars: VarTerm[];
}
/** `some v in xs` / `some k, v in xs` — declares the vars in key/value (which may be patterns) and iterates. */
export interface SomeInExpr extends Node {
  type: "somein";
  key: Term | null;
  value: Term;
  collection: Term;
}
/** `every v in xs { body }` / `every k, v in xs { body }`. Key and value are plain vars. */
export interface EveryExpr extends Node {
  type: "every";
  key: VarTerm | null;
  value: VarTerm;
  domain: Term;
  body: Body;
}

export interface Expr extends Node {
  negated: boolean;
  with: WithModifier[];
  body: TermExpr | SomeDeclExpr | SomeInExpr | EveryExpr;
}

export type Body = Expr[];

// ---------------------------------------------------------------------------------------------------------------
// Rules, imports, modules

/**
 * A rule head. `ref` is the rule's name as written after the package: `p` is `[var p]`; `p.q[r]` is
 * `[var p, string "q", var r]` (its first element is always a var; later elements are any terms).
 *  - complete rule:      `p := v`, `p = v`, `p if …` (value true), `p.q.r := v`
 *  - single-value ref:   `p[k] := v`, `p.q[k] := v`, `p[k] if …` (value true in v1)
 *  - multi-value:        `p contains x`, `p.q contains x` (`key` holds x; `value` is null)
 *  - function:           `f(a, b) := v`, `f(a) if …` (`args` non-null)
 */
export interface RuleHead extends Node {
  ref: Term[];
  args: Term[] | null;
  /** The element of a multi-value (`contains`) rule. */
  key: Term | null;
  /** The value term; null where the source has none (the value is then `true`, or absent for `contains`). */
  value: Term | null;
  /** `:=` rather than `=`. */
  assign: boolean;
  /** Written with `contains`. */
  contains: boolean;
}

/** An `else [= value] [if] { body }` clause; `value` null means `true`. */
export interface ElseClause extends Node {
  value: Term | null;
  body: Body;
  /** Whether the source wrote `:=` (only relevant for diagnostics). */
  assign: boolean;
}

/** A YAML `# METADATA` block attached to the package, a rule, or the document/subpackages scope. */
export interface Annotation extends Node {
  scope: "package" | "rule" | "document" | "subpackages";
  /** The parsed YAML, with `scope` removed if it was explicit; keys as written (title, description, authors …). */
  fields: Record<string, unknown>;
}

export interface Rule extends Node {
  default: boolean;
  head: RuleHead;
  /** The rule body; an empty body means the rule holds unconditionally. */
  body: Body;
  /** The else chain, in order. */
  else: ElseClause[];
  /** Annotations written directly above the rule (scope rule or document). */
  annotations: Annotation[];
}

export interface Import extends Node {
  /** `input.x`, `data.x.y`, `rego.v1`, `future.keywords.in` … as a ref with a var head. */
  path: RefTerm;
  alias: string | null;
}

export interface Package extends Node {
  /** The dotted path after `package`, e.g. `["a", "b"]` for `package a.b`. */
  path: string[];
  annotations: Annotation[];
}

export interface Comment extends Node {
  text: string;
}

export interface Module extends Node {
  file: string;
  /** 0 for a module parsed as Rego v0 (OPA's `--v0-compatible`, without `import rego.v1`); 1 otherwise. */
  regoVersion: 0 | 1;
  package: Package;
  imports: Import[];
  rules: Rule[];
  comments: Comment[];
}

/** A query: what `opa eval` takes, e.g. `data.x.p = y; y > 1`. */
export interface Query extends Node {
  body: Body;
}
