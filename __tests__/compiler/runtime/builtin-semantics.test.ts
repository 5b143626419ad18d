/**
 * Builtin behaviour the conformance cases reach only through policies: the regex engine (RE2 syntax,
 * Go's leftmost-first matches, linear time), glob, sprintf's Go verbs, Unicode case mapping, digests
 * against Node's crypto, units, CIDRs, semver, uuid, walk and JSON marshalling.
 */
import { createHash, createHmac } from "crypto";
import { loadRuntime } from "./runtime-harness";

const rt = loadRuntime();

/** Calls builtin `name` on Rego literals; returns the result as JSON, or `error: <message>` / `undefined`. */
function call(name: string, ...args: string[]): unknown {
  const fn = rt.builtin(name);
  if (!fn) throw new Error(`no builtin ${name}`);
  const vals = args.map((a) => {
    const v = rt.parseValue(a);
    if (v === 0) throw new Error(`unparsable ${a}`);
    return v;
  });
  rt.exports.rt_error_clear();
  const r = fn(...vals);
  if (r === 0) return rt.errorMessage() ? `error: ${rt.errorMessage()}` : "undefined";
  return JSON.parse(rt.dumpJSON(r));
}

const str = (s: string) => JSON.stringify(s);

describe("regex", () => {
  it.each([
    ["a(b|bc)d", "abcd", true],
    ["^[[:alpha:]]+\\d*$", "abc123", true],
    ["^\\p{Greek}+$", "αβγ", true],
    ["(?i)HELLO", "hello", true],
    ["(?s)a.b", "a\nb", true],
    ["a.b", "a\nb", false],
    ["^\\x{1F600}$", "😀", true],
    ["^.$", "😀", true],
    ["\\bfoo\\b", "a foo.", true],
    ["\\Bfoo", "a foo", false],
  ])("regex.match(%j, %j) = %j", (pattern, text, want) => {
    expect(call("regex.match", str(pattern), str(text))).toBe(want);
  });

  it.each([
    ["(a)\\1", "invalid escape sequence: `\\1`"],
    ["a(?=b)", "invalid or unsupported Perl syntax: `(?=`"],
    ["a(?!b)", "invalid or unsupported Perl syntax"],
    ["(?<=a)b", "invalid or unsupported Perl syntax"],
    ["a**", "invalid nested repetition operator: `**`"],
    ["(abc", "missing closing ): `(abc`"],
    ["abc)", "unexpected ): `abc)`"],
    ["[a-", "missing closing ]"],
    ["[z-a]", "invalid character class range: `z-a`"],
    ["x{1001}", "invalid repeat count"],
    ["+a", "missing argument to repetition operator: `+`"],
  ])("rejects %j as RE2 does", (pattern, message) => {
    expect(call("regex.match", str(pattern), '"x"')).toEqual(expect.stringContaining(message));
    expect(call("regex.is_valid", str(pattern))).toBe(false);
  });

  it("finds leftmost-first submatches with unset groups as empty strings", () => {
    expect(call("regex.find_all_string_submatch_n", str("(a|ab)(c|bcd)(d*)"), '"abcd"', "-1")).toEqual([["abcd", "a", "bcd", ""]]);
    expect(call("regex.find_all_string_submatch_n", str("(a+)(b)?"), '"aab ab a"', "2")).toEqual([["aab", "aa", "b"], ["ab", "a", "b"]]);
    expect(call("regex.find_n", str("a*?"), '"baa"', "-1")).toEqual(["", "", "", ""]);
    expect(call("regex.find_n", str("a+?"), '"aaa"', "-1")).toEqual(["a", "a", "a"]);
  });

  it("splits and replaces as Go's regexp does", () => {
    expect(call("regex.split", str("a*"), '"baaac"')).toEqual(["b", "c"]);
    expect(call("regex.split", str(","), '"a,b,,c"')).toEqual(["a", "b", "", "c"]);
    expect(call("regex.replace", '"aaa"', str("a*"), '"-"')).toBe("-");
    expect(call("regex.replace", '"hello world"', str("(?P<first>\\w+) (\\w+)"), '"$2 ${first} $$ $9"')).toBe("world hello $ ");
    expect(call("regex.replace", '"abc"', str(""), '"-"')).toBe("-a-b-c-");
  });

  it("runs in linear time on patterns that make backtracking engines explode", () => {
    const text = str("a".repeat(20000));
    const start = Date.now();
    for (const pattern of ["(a*)*b", "(a|aa)*c", "(x+x+)+y", "^(a?){25}a{25}$"]) expect(call("regex.match", str(pattern), text)).toBe(false);
    expect(Date.now() - start).toBeLessThan(2000);
  });
});

describe("glob.match", () => {
  it.each([
    ["*.github.com", '["."]', "api.github.com", true],
    ["*.github.com", '["."]', "api.v2.github.com", false],
    ["**.github.com", '["."]', "api.v2.github.com", true],
    ["{cat,bat,[fr]at}", "[]", "rat", true],
    ["[!a-c]at", "[]", "bat", false],
    ["?at", '["f"]', "fat", false],
    ["*", "null", "foo.bar", true],
    ["a\\*b", "[]", "a*b", true],
  ])("glob.match(%j, %s, %j) = %j", (pattern, delims, text, want) => {
    expect(call("glob.match", str(pattern), delims, str(text))).toBe(want);
  });
});

describe("sprintf", () => {
  it.each([
    ["%d|%5d|%-5d|%05d|%+d|%x|%X|%o|%b|%#x", "[42, 42, 42, 42, 42, 255, 255, 8, 5, 255]", "42|   42|42   |00042|+42|ff|FF|10|101|0xff"],
    ["%s|%v|%q|%10s|%-4s|%.2s", '["hi", "hi", "a\\"b", "r", "l", "héllo"]', 'hi|hi|"a\\"b"|         r|l   |hé'],
    ["%v %v %v", "[1.5, 100000000.0, 0.00001]", "1.5 100000000 1e-05"],
    ["%.2f %f %e %g %.3g", "[3.14159, 2.5, 1234.5678, 0.000012345, 1234.5678]", "3.14 2.500000 1.234568e+03 1.2345e-05 1.23e+03"],
    ["%v %v %v", '[[1, "a"], {"k": {1}}, null]', '[1, "a"] {"k": {1}} null'],
    ["%s %d", "[5, 1.5]", "%!s(int=5) %!d(float64=1.5)"],
    ["%d %d", "[1]", "1 %!d(MISSING)"],
    ["%d", "[1, 2]", "1%!(EXTRA int=2)"],
    ["100%%", "[]", "100%"],
    ["%v", "[123456789123456789123]", "123456789123456789123"],
  ])("sprintf(%j, %s)", (format, args, want) => {
    expect(call("sprintf", str(format), args)).toBe(want);
  });
});

describe("strings", () => {
  it("maps case over Unicode letters", () => {
    expect(call("upper", str("straße ǆ ÿ ω я"))).toBe("STRASSE Ǆ Ÿ Ω Я".replace("SS", "ß"));
    expect(call("lower", str("ÀÉÎ ΣΑΣ İ Ж"))).toBe("àéî σασ i ж");
  });

  it("counts and slices by runes", () => {
    expect(call("count", str("héllo😀"))).toBe(6);
    expect(call("substring", str("héllo😀"), "1", "3")).toBe("éll");
    expect(call("indexof", str("héllo😀"), str("😀"))).toBe(5);
    expect(call("strings.reverse", str("héllo😀"))).toBe("😀olléh");
    expect(call("trim", str("¡¡hola!!"), str("¡!"))).toBe("hola");
    expect(call("trim_space", str("\u3000 x \u00a0"))).toBe("x");
  });

  it("replaces like Go's strings.Replacer", () => {
    expect(call("replace", '"aaaa"', '"aa"', '"b"')).toBe("bb");
    expect(call("replace", '"abc"', '""', '"-"')).toBe("-a-b-c-");
    expect(call("strings.replace_n", '{"a": "1", "ab": "2"}', '"abab"')).toBe("1b1b");
  });
});

describe("digests", () => {
  const texts = ["", "abc", "x".repeat(55), "x".repeat(64), "x".repeat(200), "héllo"];
  it.each(texts)("hashes %j like Node's crypto", (text) => {
    expect(call("crypto.md5", str(text))).toBe(createHash("md5").update(text).digest("hex"));
    expect(call("crypto.sha1", str(text))).toBe(createHash("sha1").update(text).digest("hex"));
    expect(call("crypto.sha256", str(text))).toBe(createHash("sha256").update(text).digest("hex"));
    for (const alg of ["md5", "sha1", "sha256", "sha512"]) {
      expect(call(`crypto.hmac.${alg}`, str(text), str("key".repeat(50)))).toBe(createHmac(alg, "key".repeat(50)).update(text).digest("hex"));
    }
  });

  it("verifies HMAC-signed JWTs", () => {
    const b64 = (s: string) => Buffer.from(s).toString("base64url");
    const signed = `${b64('{"alg":"HS384","typ":"JWT"}')}.${b64('{"sub":"0"}')}`;
    const token = `${signed}.${createHmac("sha384", "secret").update(signed).digest("base64url")}`;
    expect(call("io.jwt.verify_hs384", str(token), '"secret"')).toBe(true);
    expect(call("io.jwt.verify_hs384", str(token), '"wrong"')).toBe(false);
    expect(call("io.jwt.decode", str(token))).toEqual([{ alg: "HS384", typ: "JWT" }, { sub: "0" }, expect.stringMatching(/^[0-9a-f]{96}$/)]);
  });
});

describe("other families", () => {
  it("parses units exactly", () => {
    expect(call("units.parse", '"1.5Ki"')).toBe(1536);
    expect(call("units.parse", '"500m"')).toBe(0.5);
    expect(call("units.parse_bytes", '"1.1KiB"')).toBe(1126);
    expect(call("units.parse_bytes", '"1 KB"')).toBe("error: units.parse_bytes: spaces not allowed in resource strings");
  });

  it("merges and tests CIDRs", () => {
    expect(call("net.cidr_merge", '["10.0.0.0/25", "10.0.0.128/25", "10.0.1.0/24"]')).toEqual(["10.0.0.0/23"]);
    expect(call("net.cidr_contains", '"2001:db8::/32"', '"2001:db8:1::1"')).toBe(true);
    expect(call("net.cidr_contains", '"10.0.0.0/8"', '"10.1.0.0/16"')).toBe(true);
    expect(call("net.cidr_intersects", '"10.0.0.0/24"', '"10.0.0.128/25"')).toBe(true);
    expect(call("net.cidr_expand", '"192.168.0.0/30"')).toEqual(["192.168.0.0", "192.168.0.1", "192.168.0.2", "192.168.0.3"]);
  });

  it("orders semantic versions", () => {
    const order = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1+build"];
    for (let i = 0; i + 1 < order.length; i++) expect(call("semver.compare", str(order[i]), str(order[i + 1]))).toBe(-1);
    expect(call("semver.is_valid", '"01.0.0"')).toBe(false);
  });

  it("walks documents depth-first with paths", () => {
    expect(call("walk", '{"a": [true]}')).toEqual([[[], { a: [true] }], [["a"], [true]], [["a", 0], true]]);
  });

  it("marshals JSON as Go does", () => {
    expect(call("json.marshal", '{"b": "<&>", "a": {1, 2}}')).toBe('{"a":[1,2],"b":"\\u003c\\u0026\\u003e"}');
    expect(call("json.unmarshal", '"[1, {\\"a\\": null}]"')).toEqual([1, { a: null }]);
    expect(call("json.is_valid", '"{"')).toBe(false);
  });

  it("reports decoding errors with OPA's wording", () => {
    expect(call("base64.decode", '"a$=="')).toBe("error: base64.decode: illegal base64 data at input byte 1");
    expect(call("hex.decode", '"0g"')).toBe("error: hex.decode: encoding/hex: invalid byte: U+0067 'g'");
  });
});
