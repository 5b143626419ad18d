/**
 * The rule tree: every path under `data` that rules define, with the rules defined at each node. The code
 * generator walks it to decide, for a reference such as `data.a.p.q[x]`, where base documents end and virtual
 * ones (rule values) begin, and which nodes must be built whole because a reference indexes them dynamically.
 */
import type { CheckedRule, RuleKind } from "../check/program";

export interface RuleNode {
  /** Path below `data`. */
  path: string[];
  /** Rules whose ground path is exactly this node, in source order. */
  rules: CheckedRule[];
  /** The kind of `rules` (the check stage rejects mixtures); undefined where there are none. */
  kind?: RuleKind;
  children: Map<string, RuleNode>;
}

export function buildRuleTree(rules: readonly CheckedRule[]): RuleNode {
  const root: RuleNode = { path: [], rules: [], children: new Map() };
  for (const rule of rules) {
    let node = root;
    for (const segment of rule.path) {
      let child = node.children.get(segment);
      if (!child) {
        child = { path: [...node.path, segment], rules: [], children: new Map() };
        node.children.set(segment, child);
      }
      node = child;
    }
    node.rules.push(rule);
    node.kind ??= rule.kind;
  }
  return root;
}

/** Whether the node or anything beneath it holds rules that produce values (functions do not). */
export function hasValueRules(node: RuleNode): boolean {
  if (node.rules.length > 0 && node.kind !== "function") return true;
  for (const child of node.children.values()) if (hasValueRules(child)) return true;
  return false;
}

export function pathKey(path: readonly string[]): string {
  return path.map((p) => JSON.stringify(p)).join(".");
}

export function findNode(root: RuleNode, path: readonly string[]): RuleNode | undefined {
  let node: RuleNode | undefined = root;
  for (const segment of path) {
    node = node.children.get(segment);
    if (!node) return undefined;
  }
  return node;
}
