/**
 * The runtime module on its own: the shape the linker and the SDK rely on (imports, memory, exports, no start
 * section), JSON and Rego-literal round trips, Rego's order and equality, tables, heap discipline and the
 * rt_* helpers the generated code calls.
 */
import { readFileSync } from "fs";
import { loadRuntime, runtimeModule, RUNTIME_WASM, Runtime } from "./runtime-harness";

const README_EXPORTS = [
  "opa_heap_ptr_get", "opa_heap_ptr_set", "opa_malloc", "opa_free", "opa_json_parse", "opa_value_parse", "opa_json_dump",
  "opa_value_dump", "opa_value_add_path", "opa_value_remove_path", "opa_wasm_abi_version", "opa_wasm_abi_minor_version",
  "rt_init", "opa_null", "opa_boolean", "opa_number_int", "opa_number_float", "opa_number_ref", "opa_string",
  "opa_array_with_cap", "opa_array_append", "opa_object", "opa_object_insert", "rt_object_insert_unique", "opa_set",
  "opa_set_add", "opa_value_type", "opa_value_length", "opa_value_get", "rt_array_get", "rt_iter_count", "rt_iter_key",
  "rt_iter_value", "opa_value_compare", "opa_value_equal", "rt_is_false", "rt_value_shallow_copy", "rt_value_upsert",
  "rt_abort", "rt_host0", "rt_host1", "rt_host2", "rt_host3", "rt_host4", "rt_print", "rt_template_string",
  "rt_error_get", "rt_error_clear", "rt_error_code", "rt_heap_base",
];

/** The ids of the sections of a Wasm binary, in order. */
function sectionIds(bytes: Uint8Array): number[] {
  const ids: number[] = [];
  let i = 8;
  while (i < bytes.length) {
    ids.push(bytes[i++]);
    let size = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[i++];
      size |= (b & 0x7f) << shift;
      shift += 7;
      if ((b & 0x80) === 0) break;
    }
    i += size;
  }
  return ids;
}

/** The minimum and maximum pages of the imported memory (import section parsed by hand). */
function importedMemoryLimits(bytes: Uint8Array): { min: number; max?: number } {
  let i = 8;
  const leb = (): number => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[i++];
      v |= (b & 0x7f) << shift;
      shift += 7;
      if ((b & 0x80) === 0) return v;
    }
  };
  while (i < bytes.length) {
    const id = bytes[i++];
    const size = leb();
    if (id !== 2) {
      i += size;
      continue;
    }
    const count = leb();
    for (let k = 0; k < count; k++) {
      for (let name = 0; name < 2; name++) {
        const length = leb();
        i += length;
      }
      const kind = bytes[i++];
      if (kind === 0) leb();
      else if (kind === 2) {
        const flags = bytes[i++];
        const min = leb();
        return flags & 1 ? { min, max: leb() } : { min };
      } else throw new Error(`unexpected import kind ${kind}`);
    }
  }
  throw new Error("no memory import");
}

describe("module shape", () => {
  const bytes = new Uint8Array(readFileSync(RUNTIME_WASM));

  it("imports only env.memory and the OPA host functions", () => {
    const imports = WebAssembly.Module.imports(runtimeModule()).map((i) => `${i.module}.${i.name}:${i.kind}`).sort();
    expect(imports).toEqual([
      "env.memory:memory", "env.opa_abort:function", "env.opa_builtin0:function", "env.opa_builtin1:function",
      "env.opa_builtin2:function", "env.opa_builtin3:function", "env.opa_builtin4:function", "env.opa_println:function",
    ]);
  });

  it("declares at most 2 pages of memory with no maximum, and no start section", () => {
    const limits = importedMemoryLimits(bytes);
    expect(limits.min).toBeLessThanOrEqual(2);
    expect(limits.max).toBeUndefined();
    expect(sectionIds(bytes)).not.toContain(8);
  });

  it("exports every function of the contract and the ABI version globals", () => {
    const exports = new Map(WebAssembly.Module.exports(runtimeModule()).map((e) => [e.name, e.kind]));
    for (const name of README_EXPORTS) expect([name, exports.get(name)]).toEqual([name, expect.any(String)]);
    expect(exports.get("opa_wasm_abi_version")).toBe("global");
    expect(exports.has("memory")).toBe(false);
    const rt = loadRuntime();
    expect((rt.exports.opa_wasm_abi_version as unknown as WebAssembly.Global).value).toBe(1);
    expect((rt.exports.opa_wasm_abi_minor_version as unknown as WebAssembly.Global).value).toBe(3);
  });

  it("stays small", () => {
    expect(bytes.length).toBeLessThan(250 * 1024);
  });
});

describe("JSON", () => {
  let rt: Runtime;
  beforeEach(() => {
    rt = loadRuntime();
  });
  const roundTrip = (text: string): string => {
    const v = rt.parseJSON(text);
    expect(v).not.toBe(0);
    return rt.dumpJSON(v);
  };

  it.each([
    ["null", "null"],
    ["true", "true"],
    [" [1, -2, 3.5, 0, -0, 1e2, 1E-2] ", "[1,-2,3.5,0,0,100,1E-2]"],
    ['{"b": 1, "a": {"d": [], "c": {}}}', '{"a":{"c":{},"d":[]},"b":1}'],
    ['"\\u00e9\\ud83d\\ude00 tab\\t nl\\n quote\\" bs\\\\ slash\\/"', '"é😀 tab\\t nl\\n quote\\" bs\\\\ slash/"'],
    ['"\\u0001\\u001f"', '"\\u0001\\u001f"'],
    ['"日本語"', '"日本語"'],
    ["123456789012345678901234567890", "123456789012345678901234567890"],
    ["-9223372036854775808", "-9223372036854775808"],
    ["9223372036854775808", "9223372036854775808"],
    ["0.1", "0.1"],
    ['{"a": 1, "a": 2}', '{"a":2}'],
    ["[]", "[]"],
    ["{}", "{}"],
  ])("%s", (input, output) => {
    expect(roundTrip(input)).toBe(output);
  });

  it("agrees with JSON.parse on a document with unicode, escapes and nesting", () => {
    const doc = { s: "ä\u2028\u0000<>&\"\\", n: [0, -1, 1.5, 1e-7, 12345678901234], o: { "ü": [{}, [], null, false] } };
    expect(JSON.parse(roundTrip(JSON.stringify(doc)))).toEqual(doc);
  });

  it("handles deep nesting without recursion limits in the parser", () => {
    const depth = 10000;
    const text = "[".repeat(depth) + "]".repeat(depth);
    const v = rt.parseJSON(text);
    expect(v).not.toBe(0);
    let cur = v;
    for (let d = 1; d < depth; d++) cur = rt.exports.rt_array_get(cur, 0);
    expect(rt.exports.opa_value_length(cur)).toBe(0);
  });

  // Past 64 KiB the parser shares equal keys and short strings (a cache by hash): values must not change.
  const largeDocument = (salt: string) =>
    Array.from({ length: 3000 }, (_, i) => ({
      name: `bucket-${i % 7}`,
      type: "aws_s3_bucket",
      [`key-${i % 5000}`]: salt,
      "k\u00e9y \"quoted\"": [i, `${salt}-${i}`, "x".repeat(i % 60)],
      nested: { name: `${salt}-${i % 3}`, "": i % 2 === 0 },
    }));

  it("a large document parses to what JSON.parse gives, keys and strings repeated, escaped or unique", () => {
    const doc = largeDocument("a");
    expect(JSON.stringify(doc).length).toBeGreaterThan(65536);
    expect(JSON.parse(roundTrip(JSON.stringify(doc)))).toEqual(doc);
    expect(JSON.parse(rt.dumpJSON(rt.parseValue(JSON.stringify(doc))))).toEqual(doc);
  });

  it("a large document parsed after the heap was reset shares nothing with the one before", () => {
    const top = rt.exports.opa_heap_ptr_get();
    roundTrip(JSON.stringify(largeDocument("first")));
    rt.exports.opa_heap_ptr_set(top);
    const second = largeDocument("second");
    expect(JSON.parse(roundTrip(JSON.stringify(second)))).toEqual(second);
  });

  it("equal keys of a large document compare and look up as equal", () => {
    const v = rt.parseJSON(JSON.stringify({ pad: "p".repeat(70000), a: { name: "x", type: "y" }, b: { type: "y", name: "x" } }));
    const [a, b] = ["a", "b"].map((k) => rt.exports.opa_value_get(v, rt.parseJSON(JSON.stringify(k))));
    expect(rt.exports.opa_value_equal(a, b)).toBe(1);
    expect(rt.dumpJSON(rt.exports.opa_value_get(b, rt.parseJSON('"name"')))).toBe('"x"');
  });

  it.each(["", "[1,]", "{\"a\"}", "{1: 2}", "01", "1.", "-", "tru", "\"abc", "[1] x", "{\"a\":1,}", "\"\u0001\"", "NaN", "'a'"])(
    "rejects %j",
    (text) => {
      expect(rt.parseJSON(text)).toBe(0);
    },
  );
});

describe("Rego values", () => {
  let rt: Runtime;
  beforeEach(() => {
    rt = loadRuntime();
  });

  it.each([
    ["{1, 2, 2, 3}", "{1, 2, 3}", "[1,2,3]"],
    ["set()", "set()", "[]"],
    ["{[1]: {\"a\"}, 2: 3}", "{2: 3, [1]: {\"a\"}}", '{"2":3,"[1]":["a"]}'],
    ["`raw\\n`", '"raw\\\\n"', '"raw\\\\n"'],
    ["{}", "{}", "{}"],
    ["[{3, 1}, {\"b\": true, \"a\": null}]", '[{1, 3}, {"a": null, "b": true}]', '[[1,3],{"a":null,"b":true}]'],
  ])("%s", (input, rego, json) => {
    const v = rt.parseValue(input);
    expect(v).not.toBe(0);
    expect(rt.dumpValue(v)).toBe(rego);
    expect(rt.dumpJSON(v)).toBe(json);
  });
});

describe("order and equality", () => {
  const rt = loadRuntime();
  const v = (text: string) => rt.parseValue(text);
  const cmp = (a: string, b: string) => Math.sign(rt.exports.opa_value_compare(v(a), v(b)));

  it("orders types null < boolean < number < string < array < object < set", () => {
    const ordered = ["null", "false", "true", "-1", "0", "1.5", "2", '""', '"a"', '"b"', "[]", "[1]", "[1, 2]", "[2]", "{}", '{"a": 1}', '{"a": 2}', '{"b": 0}', "set()", "{1}", "{1, 2}", "{2}"];
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) expect([ordered[i], ordered[j], cmp(ordered[i], ordered[j])]).toEqual([ordered[i], ordered[j], Math.sign(i - j)]);
    }
  });

  it("compares numbers by value across representations", () => {
    expect(cmp("1", "1.0")).toBe(0);
    expect(cmp("100", "1e2")).toBe(0);
    expect(cmp("0.5", "5e-1")).toBe(0);
    expect(cmp("28857836529306024611913", "28857836529306024611912")).toBe(1);
    expect(cmp("9007199254740993", "9007199254740992")).toBe(1);
    expect(cmp("-1e400", "1e-400")).toBe(-1);
    const f = rt.exports.opa_number_float(0.5);
    expect(rt.exports.opa_value_equal(f, v("0.50"))).toBe(1);
  });

  it("compares strings by UTF-8 bytes", () => {
    expect(cmp('"Z"', '"a"')).toBe(-1);
    expect(cmp('"é"', '"z"')).toBe(1);
    expect(cmp('"ab"', '"abc"')).toBe(-1);
  });

  it("treats objects and sets independently of insertion order, and dedupes", () => {
    expect(rt.exports.opa_value_equal(v('{"a": 1, "b": [1, {2}]}'), v('{"b": [1.0, {2}], "a": 1}'))).toBe(1);
    expect(rt.exports.opa_value_equal(v("{3, 1, 2}"), v("{1, 2, 3, 1}"))).toBe(1);
    expect(rt.exports.opa_value_equal(v("{1, 2}"), v("{1, 3}"))).toBe(0);
    const s = rt.exports.opa_set();
    for (const x of ["1", "1.0", "1e0", "2", "[1]", "[1.0]"]) rt.exports.opa_set_add(s, v(x));
    expect(rt.dumpValue(s)).toBe("{1, 2, [1]}");
  });

  it("hashes equal numbers alike in large tables", () => {
    const o = rt.exports.opa_object();
    for (let i = 0; i < 1000; i++) rt.exports.opa_object_insert(o, v(String(i)), v(`"v${i}"`));
    expect(rt.exports.opa_value_length(o)).toBe(1000);
    expect(rt.dumpJSON(rt.exports.opa_value_get(o, v("500.0")))).toBe('"v500"');
    expect(rt.dumpJSON(rt.exports.opa_value_get(o, v("5e2")))).toBe('"v500"');
    expect(rt.exports.opa_value_get(o, v("1000"))).toBe(0);
  });
});

describe("construction, lookup and iteration", () => {
  const rt = loadRuntime();
  const x = rt.exports;
  const v = (text: string) => rt.parseValue(text);

  it("builds scalars and composites", () => {
    const [p, n] = rt.put("héllo");
    const s = x.opa_string(p, n);
    const a = x.opa_array_with_cap(0);
    x.opa_array_append(a, s);
    x.opa_array_append(a, x.opa_null());
    x.opa_array_append(a, x.opa_boolean(1));
    x.opa_array_append(a, x.opa_number_int(BigInt(-42) as unknown as number));
    x.opa_array_append(a, x.opa_number_float(2.5));
    const [rp, rn] = rt.put("12345678901234567890123");
    x.opa_array_append(a, x.opa_number_ref(rp, rn));
    expect(rt.dumpJSON(a)).toBe('["héllo",null,true,-42,2.5,12345678901234567890123]');
    expect(x.opa_value_type(a)).toBe(5);
    expect(x.rt_is_false(x.opa_boolean(0))).toBe(1);
    expect(x.rt_is_false(x.opa_null())).toBe(0);
  });

  it("looks values up by key, index and membership", () => {
    const doc = v('{"a": [10, 20, {"b": {1, 2}}]}');
    const arr = x.opa_value_get(doc, v('"a"'));
    expect(rt.dumpJSON(x.opa_value_get(arr, v("1")))).toBe("20");
    expect(x.opa_value_get(arr, v("1.5"))).toBe(0);
    expect(x.opa_value_get(arr, v("3"))).toBe(0);
    expect(x.opa_value_get(arr, v('"1"'))).toBe(0);
    const set = x.opa_value_get(x.opa_value_get(arr, v("2")), v('"b"'));
    expect(rt.dumpJSON(x.opa_value_get(set, v("2.0")))).toBe("2");
    expect(x.opa_value_get(set, v("3"))).toBe(0);
  });

  it("iterates arrays, objects and sets by position in insertion order", () => {
    const collect = (c: number) => {
      const out: string[] = [];
      for (let i = 0; i < x.rt_iter_count(c); i++) out.push(`${rt.dumpJSON(x.rt_iter_key(c, i))}=${rt.dumpJSON(x.rt_iter_value(c, i))}`);
      return out;
    };
    expect(collect(v('["x", "y"]'))).toEqual(['0="x"', '1="y"']);
    expect(collect(v('{"b": 1, "a": 2}'))).toEqual(['"b"=1', '"a"=2']);
    expect(collect(v("{3, 1}"))).toEqual(["3=3", "1=1"]);
    expect(x.rt_iter_count(v('"abc"'))).toBe(0);
  });

  it("reports insert conflicts", () => {
    const o = x.opa_object();
    expect(x.rt_object_insert_unique(o, v('"k"'), v("1"))).toBe(0);
    expect(x.rt_object_insert_unique(o, v('"k"'), v("1.0"))).toBe(0);
    expect(x.rt_object_insert_unique(o, v('"k"'), v("2"))).toBe(1);
    expect(rt.dumpJSON(o)).toBe('{"k":1}');
  });

  it("copies shallowly and upserts along paths without touching the original", () => {
    const base = v('{"a": {"b": 1, "c": 2}, "d": 3}');
    const before = rt.dumpJSON(base);
    const copy = x.rt_value_shallow_copy(base);
    x.opa_object_insert(copy, v('"e"'), v("4"));
    expect(rt.dumpJSON(base)).toBe(before);
    const up = x.rt_value_upsert(base, v('["a", "b"]'), v('"new"'));
    expect(rt.dumpJSON(up)).toBe('{"a":{"b":"new","c":2},"d":3}');
    expect(rt.dumpJSON(x.rt_value_upsert(base, v('["d", "x"]'), v("true")))).toBe('{"a":{"b":1,"c":2},"d":{"x":true}}');
    expect(rt.dumpJSON(x.rt_value_upsert(0, v('["p", "q"]'), v("1")))).toBe('{"p":{"q":1}}');
    expect(rt.dumpJSON(x.rt_value_upsert(base, v("[]"), v("1")))).toBe("1");
    expect(rt.dumpJSON(base)).toBe(before);
  });

  it("adds and removes data paths in place", () => {
    const data = v('{"a": {"b": 1}}');
    expect(x.opa_value_add_path(data, v('["a", "c", "d"]'), v("2"))).toBe(0);
    expect(x.opa_value_add_path(data, v('["x"]'), v("[]"))).toBe(0);
    expect(rt.dumpJSON(data)).toBe('{"a":{"b":1,"c":{"d":2}},"x":[]}');
    expect(x.opa_value_add_path(data, v('["a", "b", "z"]'), v("1"))).toBe(2);
    expect(x.opa_value_add_path(data, v("[]"), v("1"))).toBe(3);
    expect(x.opa_value_remove_path(data, v('["a", "c"]'))).toBe(0);
    expect(x.opa_value_remove_path(data, v('["nope", "c"]'))).toBe(0);
    expect(rt.dumpJSON(data)).toBe('{"a":{"b":1},"x":[]}');
  });

  it("prints and builds template strings in Rego syntax", () => {
    x.rt_print(v('["a", 1, {"k": {2}}, "b c"]'));
    expect(rt.printed).toEqual(['a 1 {"k": {2}} b c']);
    expect(rt.dumpJSON(x.rt_template_string(v('["n=", 1.5, ", s=", {1, 2}, ", t=", "x"]')))).toBe('"n=1.5, s={1, 2}, t=x"');
  });

  it("records builtin errors in OPA's words", () => {
    x.rt_error_clear();
    expect(x.rt_error_code()).toBe(0);
    expect(rt.builtin("div")!(v("1"), v("0"))).toBe(0);
    expect(rt.errorMessage()).toBe("div: divide by zero");
    expect(x.rt_error_code()).toBe(2);
    expect(rt.builtin("plus")!(v('"a"'), v("1"))).toBe(0);
    expect(rt.errorMessage()).toBe("plus: operand 1 must be number but got string");
    expect(x.rt_error_code()).toBe(1);
    x.rt_error_clear();
    expect(rt.errorMessage()).toBeUndefined();
  });
});

describe("numbers", () => {
  const rt = loadRuntime();
  const x = rt.exports;
  const v = (text: string) => rt.parseValue(text);
  const show = (n: number) => rt.dumpJSON(n);

  it("prints computed floats as OPA does", () => {
    expect(show(x.opa_number_float(0.1 + 0.2))).toBe("0.30000000000000004");
    expect(show(x.opa_number_float(2 / 3))).toBe("0.6666666666666666");
    expect(show(x.opa_number_float(1e21))).toBe("1000000000000000000000");
    expect(show(x.opa_number_float(1234567.5))).toBe("1.2345675e+06");
    expect(show(x.opa_number_float(0.0001))).toBe("0.0001");
    expect(show(x.opa_number_float(0.00001234))).toBe("1.234e-05");
    expect(show(x.opa_number_float(5e-324))).toBe("5e-324");
    expect(show(x.opa_number_float(3.0))).toBe("3");
    expect(show(x.opa_number_float(-0))).toBe("0");
  });

  it("round-trips random doubles through dump and parse", () => {
    let seed = 12345;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let i = 0; i < 2000; i++) {
      const d = (rnd() - 0.5) * Math.pow(10, Math.floor(rnd() * 40) - 20);
      const text = show(x.opa_number_float(d));
      expect(Number(text)).toBe(d);
      expect(x.opa_value_equal(v(text), x.opa_number_float(d))).toBe(1);
    }
  });

  it("keeps integer arithmetic exact beyond 64 bits", () => {
    const plus = rt.builtin("plus")!;
    const mul = rt.builtin("mul")!;
    const rem = rt.builtin("rem")!;
    expect(show(plus(v("9223372036854775807"), v("1")))).toBe("9223372036854775808");
    expect(show(mul(v("123456789123456789"), v("1000000000000")))).toBe("123456789123456789000000000000");
    expect(show(plus(v("123456789123456789123"), v("-123456789123456789123")))).toBe("0");
    expect(show(rem(v("100000000000000000000"), v("7")))).toBe("2");
    expect(show(plus(v("0.1"), v("0.2")))).toBe("0.30000000000000004");
    expect(show(rt.builtin("div")!(v("1"), v("4")))).toBe("0.25");
  });
});

describe("heap", () => {
  it("frees everything above a reset point", () => {
    const rt = loadRuntime();
    const x = rt.exports;
    const mark = x.opa_heap_ptr_get();
    const first = x.opa_malloc(100);
    rt.parseJSON('{"a": [1, 2, 3]}');
    x.opa_heap_ptr_set(mark);
    expect(x.opa_malloc(100)).toBe(first);
  });

  it("grows memory for a 20 MB document and parses it", () => {
    const rt = loadRuntime();
    const items = [];
    for (let i = 0; i < 150000; i++) items.push({ id: i, name: `item-${i}`, tags: ["a", "b"], price: i * 1.25, ok: i % 2 === 0 });
    const text = JSON.stringify({ items });
    expect(text.length).toBeGreaterThan(10 * 1024 * 1024);
    const pagesBefore = rt.memory.buffer.byteLength / 65536;
    const v = rt.parseJSON(text);
    expect(v).not.toBe(0);
    expect(rt.memory.buffer.byteLength / 65536).toBeGreaterThan(pagesBefore);
    const back = JSON.parse(rt.dumpJSON(v));
    expect(back.items.length).toBe(150000);
    expect(back.items[149999]).toEqual(items[149999]);
  });

  it("survives input written at the heap pointer without allocation, as the SDK writes it", () => {
    const rt = loadRuntime();
    const x = rt.exports;
    const at = x.opa_heap_ptr_get();
    const bytes = new TextEncoder().encode('{"x": "yes"}');
    new Uint8Array(rt.memory.buffer).set(bytes, at);
    x.opa_heap_ptr_set(at + bytes.length);
    const v = x.opa_json_parse(at, bytes.length);
    expect(rt.dumpJSON(v)).toBe('{"x":"yes"}');
  });
});
