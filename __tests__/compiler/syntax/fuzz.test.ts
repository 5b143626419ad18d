/**
 * Fuzzing the front end with fast-check: random token soup, random unicode, and OPA's conformance modules
 * mutated (tokens deleted, duplicated, swapped, truncated, unicode injected). Parsing and checking must only
 * ever produce diagnostics — no exception, no hang. The seed is fixed so failures reproduce.
 */
import * as fs from "fs";
import * as path from "path";
import fc from "fast-check";
import { parse as parseYaml } from "yaml";
import { checkProgram, checkQuery } from "../../../compiler/check";
import type { Diagnostic } from "../../../compiler/diagnostics";
import { CONFORMANCE_DIR } from "../conformance-corpus";
import { parseModule, parseQuery, parseTerm } from "../../../compiler/syntax/parser";

const SEED = 20260601;
/** Far above what any input here needs (a few ms); catches runaway backtracking or loops. */
const MAX_MS_PER_INPUT = 2000;

function corpus(): string[] {
  if (CONFORMANCE_DIR === undefined) return [];
  const root = path.join(CONFORMANCE_DIR, "cases");
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".yaml")) {
        const doc = parseYaml(fs.readFileSync(p, "utf8")) as { cases?: Array<{ modules?: string[] }> };
        for (const c of doc.cases ?? []) out.push(...(c.modules ?? []));
      }
    }
  };
  walk(root);
  return out.sort();
}

function assertWellFormed(diagnostics: Diagnostic[], text: string): void {
  for (const d of diagnostics) {
    expect(typeof d.code).toBe("string");
    expect(typeof d.message).toBe("string");
    if (d.loc) {
      expect(d.loc.offset).toBeGreaterThanOrEqual(0);
      expect(d.loc.offset).toBeLessThanOrEqual(text.length);
      expect(d.loc.row).toBeGreaterThanOrEqual(1);
    }
  }
}

/** Parses and checks `text` as a module, a query and a term; never throws, never takes long. */
function frontEnd(text: string): void {
  const start = Date.now();
  const m = parseModule(text, "fuzz.rego");
  assertWellFormed(m.diagnostics, text);
  const checked = checkProgram(m.module ? [m.module] : []);
  assertWellFormed(checked.diagnostics, text);
  const q = parseQuery(text);
  assertWellFormed(q.diagnostics, text);
  if (q.query) assertWellFormed(checkQuery(q.query, checked.program).diagnostics, text);
  assertWellFormed(parseTerm(text).diagnostics, text);
  expect(Date.now() - start).toBeLessThan(MAX_MS_PER_INPUT);
}

const TOKENS = [
  "package", "import", "default", "else", "not", "some", "every", "in", "if", "contains", "with", "as", "true", "false", "null",
  "p", "q", "x", "y", "_", "input", "data", "f", "count", "a.b", "1", "-2", "3.5e3", '"s"', "`raw`", '$"t{x}"',
  "{", "}", "[", "]", "(", ")", ".", ",", ";", ":", ":=", "=", "==", "!=", "<", ">=", "+", "-", "*", "/", "%", "|", "&",
  "\n", " ", "\t", "# c\n", "é", "😀",
];

const UNICODE = ["é", "😀", "\u0000", "\u2028", "\ud800", "\ufeff", "$", "`", '"', "\\", "{", "}"];

type Mutation =
  | { kind: "delete"; at: number; length: number }
  | { kind: "duplicate"; at: number; length: number }
  | { kind: "swap"; a: number; b: number; length: number }
  | { kind: "truncate"; at: number }
  | { kind: "inject"; at: number; text: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant("swap" as const), a: fc.nat(), b: fc.nat(), length: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("inject" as const), at: fc.nat(), text: fc.constantFrom(...UNICODE, ...TOKENS) }),
);

function mutate(text: string, m: Mutation): string {
  const n = Math.max(text.length, 1);
  switch (m.kind) {
    case "delete": {
      const at = m.at % n;
      return text.slice(0, at) + text.slice(at + m.length);
    }
    case "duplicate": {
      const at = m.at % n;
      return text.slice(0, at) + text.slice(at, at + m.length) + text.slice(at);
    }
    case "swap": {
      const [a, b] = [m.a % n, m.b % n].sort((x, y) => x - y);
      if (b - a < m.length) return text;
      return text.slice(0, a) + text.slice(b, b + m.length) + text.slice(a + m.length, b) + text.slice(a, a + m.length) + text.slice(b + m.length);
    }
    case "truncate":
      return text.slice(0, m.at % n);
    case "inject": {
      const at = m.at % n;
      return text.slice(0, at) + m.text + text.slice(at);
    }
  }
}

describe("front-end fuzzing", () => {
  const modules = corpus();

  const withCorpus = CONFORMANCE_DIR === undefined ? it.skip : it;

  withCorpus("has a corpus to mutate", () => {
    expect(modules.length).toBeGreaterThan(1500);
  });

  withCorpus("survives mutated conformance modules", () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }), (pick, mutations) => {
        frontEnd(mutations.reduce(mutate, modules[pick % modules.length]));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it("survives token soup", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }), fc.boolean(), (tokens, withPackage) => {
        frontEnd(`${withPackage ? "package fuzz\n" : ""}${tokens.join(" ")}`);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it("survives arbitrary unicode", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (text) => {
        frontEnd(text);
        frontEnd(`package fuzz\np if { ${text} }`);
      }),
      { seed: SEED, numRuns: 600 },
    );
  });

  it("reports, rather than overflows on, deeply nested input", () => {
    for (const open of ["[", "{", "(", "f(", "[x | "]) {
      const text = `package a\np := ${open.repeat(20000)}`;
      const r = parseModule(text, "deep.rego");
      expect(r.diagnostics.length).toBeGreaterThan(0);
    }
    const ok = parseModule(`package a\np := ${"[".repeat(100)}1${"]".repeat(100)}`, "deep.rego");
    expect(ok.diagnostics).toEqual([]);
    expect(checkProgram([ok.module!]).diagnostics).toEqual([]);
  });
});
