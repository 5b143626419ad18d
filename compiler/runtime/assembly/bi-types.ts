// Type builtins: is_null, is_boolean, is_number, is_string, is_array, is_object, is_set (always a boolean)
// and type_name (OPA's names: null, boolean, number, string, array, object, set).

import { T_NULL, T_BOOLEAN, T_NUMBER, T_STRING, T_ARRAY, T_OBJECT, T_SET, typeOf, boolValue, newStringLit } from "./value";
import { typeName } from "./error";

export function b_is_null(v: usize): usize { return boolValue(typeOf(v) == T_NULL); }
export function b_is_boolean(v: usize): usize { return boolValue(typeOf(v) == T_BOOLEAN); }
export function b_is_number(v: usize): usize { return boolValue(typeOf(v) == T_NUMBER); }
export function b_is_string(v: usize): usize { return boolValue(typeOf(v) == T_STRING); }
export function b_is_array(v: usize): usize { return boolValue(typeOf(v) == T_ARRAY); }
export function b_is_object(v: usize): usize { return boolValue(typeOf(v) == T_OBJECT); }
export function b_is_set(v: usize): usize { return boolValue(typeOf(v) == T_SET); }

export function b_type_name(v: usize): usize {
  return newStringLit(typeName(v));
}
