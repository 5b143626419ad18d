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
  /** Some module declares this package: its document exists (an object) even when no rule yields a value. */
  isPackage: boolean;
  children: Map<string, RuleNode>;
}

export function buildRuleTree(rules: readonly CheckedRule[], packages: ReadonlyArray<readonly string[]> = []): RuleNode {
  const root: RuleNode = { path: [], rules: [], isPackage: false, children: new Map() };
  const nodeAt = (path: readonly string[]): RuleNode => {
    let node = root;
    for (const segment of path) {
      let child = node.children.get(segment);
      if (!child) {
        child = { path: [...node.path, segment], rules: [], isPackage: false, children: new Map() };
        node.children.set(segment, child);
      }
      node = child;
    }
    return node;
  };
  for (const path of packages) nodeAt(path).isPackage = true;
  for (const rule of rules) {
    const node = nodeAt(rule.path);
    node.rules.push(rule);
    node.kind ??= rule.kind;
  }
  return root;
}

/** Whether the node has rules that produce values (functions do not). */
export function hasValueRules(node: RuleNode): boolean {
  return node.rules.length > 0 && node.kind !== "function";
}

/**
 * Whether the node contributes to `data`: a package, rules with values, or a prefix of any rule (its document is
 * at least `{}`, as OPA shows a package's extent). Function nodes themselves contribute nothing.
 */
export function hasDocument(node: RuleNode): boolean {
  if (node.kind === "function") return false;
  return node.isPackage || node.rules.length > 0 || node.children.size > 0;
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
