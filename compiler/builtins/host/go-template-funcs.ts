/**
 * The values and functions of Go templates as `strings.render_template` sees them: JSON data as Go decodes it
 * for OPA (objects as maps, numbers as `json.Number`, a string type printed as written), `fmt.Sprint` printing,
 * `template.IsTrue` truth, and Go's predefined functions (`eq`, `len`, `index`, `printf`, `html`, …).
 */
import { TemplateError } from "./go-template";

/** A JSON number from the data: Go sees `json.Number`, a string type holding the number's text. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

export type Value = null | boolean | string | bigint | number | JsonNumber | Value[] | { [key: string]: Value };

export const isMap = (v: Value): v is { [key: string]: Value } =>
  v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof JsonNumber);

export function fromJson(v: unknown): Value {
  if (typeof v === "number") return new JsonNumber(String(v));
  if (Array.isArray(v)) return v.map(fromJson);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromJson(x)]));
  }
  return v as Value;
}

/** Go's `%v` of a float64 (or `*big.Float`): shortest digits, in exponent form from 1e6 up and below 1e-4. */
export function goFloat(n: number): string {
  const [mantissa, exponent] = n.toExponential().split("e");
  const exp = Number(exponent);
  if (exp < -4 || exp >= 6) return `${mantissa}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  return String(n);
}

/** `fmt.Sprint` of one value. */
export function printValue(v: Value): string {
  if (v === null) return "<nil>";
  if (v instanceof JsonNumber) return v.text;
  if (typeof v === "number") return goFloat(v);
  if (typeof v === "string" || typeof v === "bigint" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(printValue).join(" ")}]`;
  const keys = Object.keys(v).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return `map[${keys.map((k) => `${k}:${printValue(v[k])}`).join(" ")}]`;
}

export function typeName(v: Value): string {
  if (v === null) return "<nil>";
  if (v instanceof JsonNumber) return "json.Number";
  if (typeof v === "bigint") return "int";
  if (typeof v === "number") return "float64";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  return Array.isArray(v) ? "[]interface {}" : "map[string]interface {}";
}

/** Go's `template.IsTrue`. */
export function truth(v: Value): boolean {
  if (v === null) return false;
  if (v instanceof JsonNumber) return v.text.length > 0;
  if (typeof v === "boolean") return v;
  if (typeof v === "string") return v.length > 0;
  if (typeof v === "bigint") return v !== 0n;
  if (typeof v === "number") return v !== 0;
  return Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0;
}

/** Comparison operands as Go's template functions classify them (`basicKind`). */
function basic(v: Value): { kind: "bool" | "int" | "float" | "string"; value: boolean | bigint | number | string } {
  if (typeof v === "boolean") return { kind: "bool", value: v };
  if (typeof v === "bigint") return { kind: "int", value: v };
  if (typeof v === "number") return { kind: "float", value: v };
  if (typeof v === "string") return { kind: "string", value: v };
  if (v instanceof JsonNumber) return { kind: "string", value: v.text };
  throw new TemplateError("invalid type for comparison");
}

function compare(op: "eq" | "lt", a: Value, b: Value): boolean {
  const x = basic(a);
  const y = basic(b);
  if (x.kind !== y.kind) {
    if (x.kind === "int" && y.kind === "float")
      return op === "eq" ? Number(x.value) === y.value : Number(x.value) < (y.value as number);
    if (x.kind === "float" && y.kind === "int")
      return op === "eq" ? x.value === Number(y.value) : (x.value as number) < Number(y.value);
    throw new TemplateError("incompatible types for comparison");
  }
  if (op === "eq") return x.value === y.value;
  if (x.kind === "bool") throw new TemplateError("invalid type for comparison");
  return x.value < y.value;
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&'<>"\0]/g,
    (c) => ({ "&": "&amp;", "'": "&#39;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "\0": "\uFFFD" }[c] ?? c),
  );

const escapeJs = (s: string) =>
  s.replace(
    /[\\'"<>&=\n\r\t]|[\x00-\x1f]/g,
    (c) =>
      ({
        "\\": "\\\\",
        "'": "\\'",
        '"': '\\"',
        "<": "\\u003C",
        ">": "\\u003E",
        "&": "\\u0026",
        "=": "\\u003D",
        "\n": "\\n",
        "\r": "\\r",
        "\t": "\\t",
      }[c] ?? `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`),
  );

/** `fmt.Sprint`: operands joined by spaces where neither neighbour is a string. */
function sprint(args: Value[]): string {
  return args
    .map((a, i) => (i > 0 && typeof a !== "string" && typeof args[i - 1] !== "string" ? " " : "") + printValue(a))
    .join("");
}

/** A `fmt.Sprintf` subset: flags and width are kept for %s %v %d %q %x %f %t %%. */
function sprintf(format: string, args: Value[]): string {
  let n = 0;
  return format.replace(
    /%([-+# 0]*)(\d*)(?:\.(\d+))?([a-zA-Z%])/g,
    (_m, flags: string, width: string, prec: string | undefined, verb: string) => {
      if (verb === "%") return "%";
      if (n >= args.length) return `%!${verb}(MISSING)`;
      const a = args[n++];
      let out: string;
      switch (verb) {
        case "d":
          out = typeof a === "bigint" ? a.toString() : `%!d(${typeName(a)}=${printValue(a)})`;
          break;
        case "q":
          out = JSON.stringify(typeof a === "string" ? a : printValue(a));
          break;
        case "x":
          out = typeof a === "bigint" ? a.toString(16) : Buffer.from(printValue(a)).toString("hex");
          break;
        case "f":
          out =
            typeof a === "number" || typeof a === "bigint"
              ? Number(a).toFixed(prec === undefined ? 6 : Number(prec))
              : `%!f(${typeName(a)}=${printValue(a)})`;
          break;
        default:
          out = printValue(a);
      }
      const pad = Number(width || 0) - out.length;
      if (pad <= 0) return out;
      return flags.includes("-") ? out + " ".repeat(pad) : (flags.includes("0") ? "0" : " ").repeat(pad) + out;
    },
  );
}

const index = (v: Value, key: Value): Value => {
  if (Array.isArray(v) || typeof v === "string") {
    const i = typeof key === "bigint" ? Number(key) : NaN;
    if (!(i >= 0 && i < v.length)) throw new TemplateError(`index out of range: ${printValue(key)}`);
    return Array.isArray(v) ? v[i] : BigInt(Buffer.from(v)[i]);
  }
  if (isMap(v)) return typeof key === "string" && key in v ? v[key] : null;
  throw new TemplateError(`can't index item of type ${typeName(v)}`);
};

export type Func = (args: Value[]) => Value;

/** Go's predefined template functions; `and` and `or` are special forms, evaluated by the executor. */
export const FUNCS: Record<string, Func> = {
  not: ([a]) => !truth(a),
  len: ([a]) => {
    if (typeof a === "string") return BigInt(Buffer.byteLength(a));
    if (a instanceof JsonNumber) return BigInt(a.text.length);
    if (Array.isArray(a)) return BigInt(a.length);
    if (isMap(a)) return BigInt(Object.keys(a).length);
    throw new TemplateError(`len of type ${typeName(a)}`);
  },
  index: ([v, ...keys]) => keys.reduce(index, v),
  print: (args) => sprint(args),
  println: (args) => `${args.map(printValue).join(" ")}\n`,
  printf: ([format, ...args]) => sprintf(typeof format === "string" ? format : printValue(format), args),
  eq: ([a, ...rest]) => rest.some((b) => compare("eq", a, b)),
  ne: ([a, b]) => !compare("eq", a, b),
  lt: ([a, b]) => compare("lt", a, b),
  le: ([a, b]) => compare("lt", a, b) || compare("eq", a, b),
  gt: ([a, b]) => !(compare("lt", a, b) || compare("eq", a, b)),
  ge: ([a, b]) => !compare("lt", a, b),
  html: (args) => escapeHtml(sprint(args)),
  js: (args) => escapeJs(sprint(args)),
  urlquery: (args) =>
    encodeURIComponent(sprint(args))
      .replace(/%20/g, "+")
      .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
};
