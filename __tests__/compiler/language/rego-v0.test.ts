/**
 * Rego v0 parsing (`compile({ regoVersion: 0 })`, as OPA 1.x's `--v0-compatible`): rule forms without `if` and
 * `contains`, future keywords only where imported, and v0 modules compiled beside v1 ones. Checked against
 * OPA's v0 rule forms (docs "Rego v0 / v1 differences") and the gatekeeper-library, a v0 library.
 */
import * as fs from "fs";
import * as path from "path";
import { parseModule } from "../../../compiler/syntax/parser";
import { compileErrors, valueOf } from "./run-policy";

const v0 = { regoVersion: 0 as const };

describe("Rego v0 rule forms", () => {
  const policy = `package v
default allow = false
allow { input.user == "admin" }
deny[msg] { input.size > 10; msg := sprintf("too big: %v", [input.size]) }
labels[k] = v { v := input.labels[k]; v != "" }
double(x) = y { y := x * 2 }
is_admin(u) { u == "admin" }
level = "high" { input.size > 100 } else = "low" { true }
either { input.a } { input.b }
uses_contains_builtin { contains(input.user, "adm") }
`;
  const input = { user: "admin", size: 12, labels: { a: "1", b: "" }, b: true };
  it.each<[string, unknown]>([
    ["allow", true],
    ["deny", ["too big: 12"]],
    ["labels", { a: "1" }],
    ["level", "low"],
    ["either", true],
    ["uses_contains_builtin", true],
  ])("%s is %j", (rule, want) => expect(valueOf(policy, `v/${rule}`, input, v0)).toEqual(want));

  it("keeps v1 the default: the same module is a parse error there", () => {
    expect(compileErrors(policy).join("\n")).toMatch(/`if` keyword is required before rule body/);
  });

  it("enables future keywords only where imported", () => {
    const withImport = `package f
import future.keywords.in
import future.keywords.if
p if { 1 in input.xs }
`;
    expect(valueOf(withImport, "f/p", { xs: [1] }, v0)).toBe(true);
    // Without the import `in` is a plain name in v0, so `1 in xs` does not parse.
    expect(compileErrors("package f\np { 1 in input.xs }", v0).join("\n")).toMatch(/rego_parse_error/);
  });

  it("parses a v0 module that imports rego.v1 as v1", () => {
    expect(compileErrors("package f\nimport rego.v1\np { true }", v0).join("\n")).toMatch(/`if` keyword is required/);
  });

  it("compiles v0 and v1 modules together", () => {
    const lib = "package lib\nhelper(x) = y { y := x + 1 }";
    const main = "package main\nimport data.lib\nout := lib.helper(1)";
    const result = valueOf([lib, main], "main/out", {}, {
      modules: [
        { file: "lib.rego", source: lib, regoVersion: 0 },
        { file: "main.rego", source: main },
      ],
    });
    expect(result).toBe(2);
  });
});

describe("gatekeeper-library (a Rego v0 library) parses in v0 mode", () => {
  const root = path.resolve(__dirname, "../../../../shared/realworld-rego/gatekeeper-library/src");
  const available = fs.existsSync(root);
  if (!available) {
    it.skip(`needs ../shared/realworld-rego (not found at ${root})`, () => undefined);
    return;
  }
  it("every src/*/*/*.rego module parses without diagnostics", () => {
    const files = fs
      .readdirSync(root)
      .flatMap((cat) => fs.readdirSync(path.join(root, cat)).map((folder) => path.join(root, cat, folder)))
      .flatMap((dir) => fs.readdirSync(dir).filter((f) => f.endsWith(".rego")).map((f) => path.join(dir, f)));
    expect(files.length).toBeGreaterThan(100);
    const failures = files.flatMap((f) =>
      parseModule(fs.readFileSync(f, "utf8"), f, v0).diagnostics.map((d) => `${f}:${d.loc?.row}: ${d.message}`),
    );
    expect(failures).toEqual([]);
  });
});
