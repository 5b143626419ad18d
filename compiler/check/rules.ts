/**
 * Rule checks: takes the parsed modules and produces each rule's kind and ground path (`classifyRule`) plus
 * the program-wide rule diagnostics OPA reports before safety — conflicting kinds or function arities on one
 * path, complete rules with rules inside their extent, several defaults on a path, packages that collide with
 * rules, rules or imports shadowing `input`/`data`, and duplicate imports. First check stage (`index.ts`).
 */
import { diagnostic, type Diagnostic } from "../diagnostics";
import type { Location, Module, Rule, Term } from "../syntax/ast";
import type { RuleKind } from "./program";
import { refText } from "./walk";

export interface RuleInfo {
  rule: Rule;
  module: Module;
  kind: RuleKind;
  /** Ground path below `data`: package path plus the leading string elements of the head ref. */
  path: string[];
  /** How many head-ref elements follow the ground path. */
  tailLength: number;
  index: number;
}

export function classifyRule(rule: Rule, module: Module, index: number): RuleInfo {
  const ref = rule.head.ref;
  const first = ref[0];
  const path = [...module.package.path, first.type === "var" ? first.name : ""];
  let i = 1;
  for (; i < ref.length; i++) {
    const t = ref[i];
    if (t.type !== "string") break;
    path.push(t.value);
  }
  const tailLength = ref.length - i;
  let kind: RuleKind;
  if (rule.head.args !== null) kind = "function";
  else if (rule.head.contains) kind = "multi";
  else kind = tailLength > 0 ? "single-ref" : "complete";
  return { rule, module, kind, path, tailLength, index };
}

/** The head-ref elements after the ground path (the keys of a `single-ref` rule). */
export function ruleTail(rule: Rule, info: RuleInfo): Term[] {
  return rule.head.ref.slice(rule.head.ref.length - info.tailLength);
}

interface PathNode {
  rules: RuleInfo[];
  children: Map<string, PathNode>;
}

export function checkRules(infos: readonly RuleInfo[], modules: readonly Module[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const root: PathNode = { rules: [], children: new Map() };
  for (const info of infos) {
    let node = root;
    for (const seg of info.path) {
      let child = node.children.get(seg);
      if (!child) {
        child = { rules: [], children: new Map() };
        node.children.set(seg, child);
      }
      node = child;
    }
    node.rules.push(info);
  }
  visit(root, diagnostics);
  checkPackageCollisions(infos, modules, diagnostics);
  for (const module of modules) if (module.regoVersion === 1) checkModuleNames(module, diagnostics);
  return diagnostics;
}

function visit(node: PathNode, diagnostics: Diagnostic[]): void {
  if (node.rules.length > 0) checkNode(node, diagnostics);
  for (const child of node.children.values()) visit(child, diagnostics);
}

function checkNode(node: PathNode, diagnostics: Diagnostic[]): void {
  const first = node.rules[0];
  const name = `data.${first.path.join(".")}`;
  const kinds = new Set<string>();
  const arities = new Set<number>();
  let complete = 0;
  let partial = 0;
  const defaults: RuleInfo[] = [];
  let groundWithChildren = false;
  for (const info of node.rules) {
    kinds.add(info.kind === "multi" ? "multi" : "single");
    arities.add(info.rule.head.args?.length ?? 0);
    if (info.rule.default) defaults.push(info);
    if (info.tailLength === 0 && node.children.size > 0) groundWithChildren = true;
    if (info.kind === "complete" || info.kind === "function") complete++;
    else partial++;
  }
  if (groundWithChildren) {
    const inside = [...collectPaths(node, first.path)].map((p) => `data.${p}`);
    diagnostics.push(diagnostic("rego_type_error", `rule ${name} conflicts with [${inside.join(" ")}]`, first.rule.loc));
  } else if (kinds.size > 1 || arities.size > 1 || (complete > 0 && partial > 0)) {
    diagnostics.push(diagnostic("rego_type_error", `conflicting rules ${name} found`, first.rule.loc));
  } else if (defaults.length > 1) {
    const at = defaults.map((d) => locText(d.rule.loc)).join(", ");
    diagnostics.push(diagnostic("rego_type_error", `multiple default rules ${name} found at ${at}`, defaults[1].rule.loc));
  }
}

function* collectPaths(node: PathNode, prefix: string[]): Iterable<string> {
  for (const [seg, child] of node.children) {
    const path = [...prefix, seg];
    if (child.rules.length > 0) yield path.join(".");
    yield* collectPaths(child, path);
  }
}

function locText(loc: Location): string {
  return `${loc.file}:${loc.row}:${loc.col}`;
}

/** A module whose package path is the ground path of a rule in another module: both would define one document. */
function checkPackageCollisions(infos: readonly RuleInfo[], modules: readonly Module[], diagnostics: Diagnostic[]): void {
  const byPath = new Map<string, Module[]>();
  for (const m of modules) {
    const key = m.package.path.join("\u0000");
    byPath.set(key, [...(byPath.get(key) ?? []), m]);
  }
  for (const info of infos) {
    if (info.tailLength > 0) continue;
    for (const m of byPath.get(info.path.join("\u0000")) ?? []) {
      if (m === info.module) continue;
      diagnostics.push(
        diagnostic(
          "rego_type_error",
          `package ${m.package.path.join(".")} conflicts with rule ${refText(info.rule.head.ref)} defined at ${locText(info.rule.loc)}`,
          m.package.loc,
        ),
      );
    }
  }
}

/** Rego v1's module checks: no rule or import may shadow `input`/`data`, and no import may shadow another. */
function checkModuleNames(module: Module, diagnostics: Diagnostic[]): void {
  for (const rule of module.rules) {
    const head = rule.head.ref[0];
    if (head.type === "var" && (head.name === "input" || head.name === "data")) {
      diagnostics.push(diagnostic("rego_compile_error", `rules must not shadow ${head.name} (use a different rule name)`, rule.loc));
    }
  }
  const seen = new Map<string, string>();
  for (const imp of module.imports) {
    const last = imp.path.path.length > 0 ? imp.path.path[imp.path.path.length - 1] : imp.path.head;
    const name = imp.alias ?? (last.type === "string" ? last.value : last.type === "var" ? last.name : "");
    const text = `import ${refText(imp.path)}${imp.alias ? ` as ${imp.alias}` : ""}`;
    const previous = seen.get(name);
    if (previous !== undefined) {
      diagnostics.push(diagnostic("rego_compile_error", `import must not shadow ${previous}`, imp.loc));
    } else {
      seen.set(name, text);
    }
    if (name === "input" || name === "data") {
      const isRoot = imp.path.path.length === 0 && imp.alias === null;
      if (!isRoot) diagnostics.push(diagnostic("rego_compile_error", `import must not shadow ${name}`, imp.loc));
    }
  }
}
