import { builtins } from "../../../../compiler/builtins/host/text";
import { renderTemplate } from "../../../../compiler/builtins/host/go-template-exec";
import { evalRule, strictError } from "./policy-runner";

const render = (template: string, data: unknown = {}) => renderTemplate(template, data).text;

describe("strings.render_template", () => {
  test("renders Go templates over the variables", () => {
    expect(
      evalRule(
        'p := strings.render_template(`{{range $i, $n := .names}}{{if $i}},{{end}}hi {{$n}}{{end}}`, {"names": ["a", "b"]})',
      ),
    ).toBe("hi a,hi b");
    expect(
      evalRule('p := strings.render_template("{{.n}} {{.m}}", {"n": 2023, "m": {"b": [1, true], "a": null}})'),
    ).toBe("2023 map[a:<nil> b:[1 true]]");
  });

  test("a missing key renders <undefined>, or fails with Go's message in strict mode", () => {
    expect(evalRule('p := strings.render_template("x {{.a}} {{.b}}", {"b": 1})')).toBe("x <undefined> 1");
    expect(strictError('p := strings.render_template("x {{.a}}", {})')).toBe(
      'eval_builtin_error: strings.render_template: template: template:1:4: executing "template" at <.a>: map has no entry for key "a"',
    );
  });

  test("syntax errors are undefined, or an error in strict mode", () => {
    expect(evalRule('p := strings.render_template("{{.a", {})')).toBeUndefined();
    expect(strictError('p := strings.render_template("{{.a", {})')).toBe(
      "eval_builtin_error: strings.render_template: template: template:1: unclosed action",
    );
    expect(strictError('p := strings.render_template("x", [])')).toBe(
      "eval_type_error: strings.render_template: operand 2 must be object but got array",
    );
  });

  test("Go template semantics: trim markers, comments, with/else, break, functions, pipelines", () => {
    expect(render("{{ .a -}}  \n  {{- .b }}", { a: "A", b: "B" })).toBe("AB");
    expect(render("{{/* note */}}x{{- /* trimmed */ -}} y")).toBe("xy");
    expect(
      render("{{with .m}}{{.k}}{{else}}none{{end}}|{{with .z}}{{.}}{{else}}none{{end}}", { m: { k: "v" }, z: [] }),
    ).toBe("v|none");
    expect(render('{{range .l}}{{if eq . "b"}}{{break}}{{end}}{{.}}{{end}}', { l: ["a", "b", "c"] })).toBe("a");
    expect(render("{{range .l}}x{{else}}empty{{end}}", { l: [] })).toBe("empty");
    expect(
      render('{{len .l}} {{index .l 1}} {{printf "%s-%d" .s 3}} {{.l | len}} {{$x := "v"}}{{$x}}', {
        l: ["a", "b"],
        s: "z",
      }),
    ).toBe("2 b z-3 2 v");
    expect(render("{{range $k, $v := .m}}{{$k}}={{$v}};{{end}}", { m: { b: 2, a: 1 } })).toBe("a=1;b=2;");
    expect(render('{{and 1 0}} {{or 0 "" 3}} {{not true}} {{html "<a&b>"}}')).toBe("0 3 false &lt;a&amp;b&gt;");
  });

  test("data numbers are json.Number strings to Go: they print as written but do not compare with ints", () => {
    expect(() => render("{{if eq .n 1}}one{{end}}", { n: 1 })).toThrow(
      "at <eq>: error calling eq: incompatible types for comparison",
    );
    expect(render('{{if eq .s "x"}}yes{{end}}', { s: "x" })).toBe("yes");
  });
});

describe("strings.split_n", () => {
  test("Go's strings.SplitN", () => {
    expect(evalRule('p := strings.split_n("a,b,c", ",", 2)')).toEqual(["a", "b,c"]);
    expect(builtins["strings.split_n"]("a,b,c", ",", -1)).toEqual(["a", "b", "c"]);
    expect(builtins["strings.split_n"]("a,b,c", ",", 0)).toEqual([]);
    expect(builtins["strings.split_n"]("abc", "", 2)).toEqual(["a", "bc"]);
    expect(builtins["strings.split_n"]("a", ",", 5)).toEqual(["a"]);
    expect(strictError('p := strings.split_n("a", ",", 1.5)')).toBe(
      "eval_type_error: strings.split_n: operand 3 must be integer number but got floating-point number",
    );
  });
});

describe("uri.parse and uri.is_valid", () => {
  test("the parts of a URL that are present, as Go's net/url parses them", () => {
    expect(evalRule('p := uri.parse("https://user@example.com:8443/a%2Fb/c?x=1&y=2#frag%20ment")')).toEqual({
      scheme: "https",
      hostname: "example.com",
      port: "8443",
      path: "/a/b/c",
      raw_path: "/a%2Fb/c",
      raw_query: "x=1&y=2",
      fragment: "frag ment",
    });
    expect(builtins["uri.parse"]("http://[::1]:80/")).toEqual({
      scheme: "http",
      hostname: "::1",
      port: "80",
      path: "/",
      raw_path: "/",
    });
    expect(builtins["uri.parse"]("mailto:someone@example.com")).toEqual({ scheme: "mailto" });
  });

  test("Go's parse errors: undefined, or the error in strict mode; is_valid says false", () => {
    expect(evalRule('p := uri.parse("http://host:port/")')).toBeUndefined();
    expect(strictError('p := uri.parse("http://host:port/")')).toBe(
      'eval_builtin_error: uri.parse: parse "http://host:port/": invalid port ":port" after host',
    );
    expect(evalRule('p := uri.is_valid("1:b")')).toBe(false);
    expect(evalRule('p := uri.is_valid("/relative/path?q")')).toBe(true);
    for (const bad of ["", "%zz", "http://a b/", "http://[::1/", "x\ny", 5])
      expect([bad, builtins["uri.is_valid"](bad)]).toEqual([bad, false]);
  });
});
