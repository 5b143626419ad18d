/**
 * Resolves what a call calls: a user function (a function node of the rule tree), a builtin implemented inside
 * the runtime (`b_<name>` export), a builtin the host provides through `opa_builtinN`, or `print`.
 */
import type { CallTerm } from "../syntax/ast";
import { BUILTINS } from "../builtins/registry";
import type { ModuleContext } from "./module";
import { findNode, RuleNode } from "./tree";
import { refName } from "./with-targets";

/** Builtins that need the network; evaluation has none, so they compile only with a user implementation. */
export const NETWORK_BUILTINS = new Set(["http.send", "net.lookup_ip_addr"]);

export interface Callee {
  kind: "user" | "native" | "host" | "print";
  name: string;
  arity: number;
  /** Relations (`walk`) produce several results: the runtime returns them as an array the caller iterates. */
  relation: boolean;
  /** Host builtins whose declared result is a set: the SDK returns JSON, so the array is turned back into a set. */
  returnsSet?: boolean;
  node?: RuleNode;
  runtimeName?: string;
}

export function runtimeBuiltinName(name: string): string {
  return "b_" + name.replace(/\./g, "_");
}

export function calleeByName(ctx: ModuleContext, name: string, argCount: number): Callee | undefined {
  if (name.startsWith("data.")) {
    const node = findNode(ctx.tree, name.split(".").slice(1));
    if (!node || node.kind !== "function") return undefined;
    return { kind: "user", name, arity: node.rules[0].rule.head.args!.length, relation: false, node };
  }
  if (name === "print" || name === "internal.print") return { kind: "print", name, arity: argCount, relation: false };
  const host = ctx.options.hostBuiltins.get(name);
  const spec = BUILTINS.get(name);
  const arity = spec?.arity ?? host;
  if (arity === undefined) return undefined;
  const relation = spec?.relation ?? false;
  const runtimeName = runtimeBuiltinName(name);
  if (host === undefined && ctx.hasRt(runtimeName)) return { kind: "native", name, arity, relation, runtimeName };
  return { kind: "host", name, arity, relation, returnsSet: spec?.result?.kind === "set" };
}

export function calleeOf(ctx: ModuleContext, call: CallTerm): Callee | undefined {
  const name = refName(call.op);
  return name === undefined ? undefined : calleeByName(ctx, name, call.args.length);
}
