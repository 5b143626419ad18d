/**
 * Function signatures for the check stages: takes the classified rules and the host's custom builtins and
 * answers "which function does this operator name, and what is its arity" for `resolve.ts` (undefined
 * functions, arity errors) and `safety.ts` (which call arguments are outputs).
 */
import { BUILTINS, customBuiltinSpec, type BuiltinSpec } from "../builtins/registry";
import type { RefTerm, Rule } from "../syntax/ast";
import type { RuleKind } from "./program";
import { dottedName } from "./walk";

export interface CheckOptions {
  /** Builtins the host provides besides OPA's, by name (e.g. the SDK's custom builtins). */
  customBuiltins?: Record<string, { arity: number }>;
}

export class Signatures {
  private readonly functions = new Map<string, number>();
  private readonly rules = new Set<string>();
  private readonly custom = new Map<string, BuiltinSpec>();

  constructor(rules: ReadonlyArray<{ rule: Rule; kind: RuleKind; path: string[] }>, opts: CheckOptions = {}) {
    for (const info of rules) {
      if (info.kind !== "function") {
        this.rules.add(info.path.join("\u0000"));
        continue;
      }
      const key = info.path.join("\u0000");
      if (!this.functions.has(key)) this.functions.set(key, info.rule.head.args?.length ?? 0);
    }
    for (const [name, { arity }] of Object.entries(opts.customBuiltins ?? {})) {
      this.custom.set(name, customBuiltinSpec(name, arity));
    }
  }

  builtin(name: string): BuiltinSpec | undefined {
    return this.custom.get(name) ?? BUILTINS.get(name);
  }

  /** Arity of the user function at `data.<path>`. */
  functionArity(path: readonly string[]): number | undefined {
    return this.functions.get(path.join("\u0000"));
  }

  /** Whether a rule that is not a function (e.g. `f() := 1`, a rule in OPA) is defined at `data.<path>`. */
  isRule(path: readonly string[]): boolean {
    return this.rules.has(path.join("\u0000"));
  }

  /** Arity of a resolved call operator: a `data…` ref to a user function or a builtin name; -1 if unknown. */
  arityOf(op: RefTerm): number {
    const name = dottedName(op);
    if (name === null) return -1;
    if (op.head.type === "var" && op.head.name === "data") {
      return this.functionArity(op.path.map((p) => (p.type === "string" ? p.value : ""))) ?? -1;
    }
    const spec = this.builtin(name);
    if (!spec || spec.variadic) return -1;
    return spec.arity;
  }
}
