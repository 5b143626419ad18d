// Comparison builtins: equal, neq, lt, lte, gt, gte over any two values in Rego's total order, returning
// booleans (the generated code tests them; OPA's operators ==, !=, <, <=, >, >= map here).

import { boolValue } from "./value";
import { valueCompare, valueEqual } from "./compare";

export function b_equal(a: usize, b: usize): usize {
  return boolValue(valueEqual(a, b));
}

export function b_neq(a: usize, b: usize): usize {
  return boolValue(!valueEqual(a, b));
}

export function b_lt(a: usize, b: usize): usize {
  return boolValue(valueCompare(a, b) < 0);
}

export function b_lte(a: usize, b: usize): usize {
  return boolValue(valueCompare(a, b) <= 0);
}

export function b_gt(a: usize, b: usize): usize {
  return boolValue(valueCompare(a, b) > 0);
}

export function b_gte(a: usize, b: usize): usize {
  return boolValue(valueCompare(a, b) >= 0);
}
