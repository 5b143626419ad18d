/**
 * METADATA annotations, last step of `parseModule`: takes the comments and attaches each `# METADATA` block
 * (comments on consecutive rows from column 1, parsed as YAML) to the first package or rule below it. Scope
 * defaults to `package` / `rule` (`document` for `entrypoint: true`); an explicit scope must fit its target.
 */
import { parseDocument } from "yaml";
import { diagnostic, type Diagnostic } from "../diagnostics";
import type { Annotation, Comment, Location, Module, Package, Rule } from "./ast";

interface Block {
  loc: Location;
  comments: Comment[];
}

export function attachAnnotations(module: Module, file: string): Diagnostic[] {
  const blocks = findBlocks(module.comments);
  if (blocks.length === 0) return [];
  const diagnostics: Diagnostic[] = [];
  const statements: Array<Package | Rule | { loc: Location; kind: "import" }> = [
    module.package,
    ...module.imports.map((i) => ({ loc: i.loc, kind: "import" as const })),
    ...module.rules,
  ].sort((a, b) => a.loc.offset - b.loc.offset);
  for (const block of blocks) {
    const fields = parseBlock(block, diagnostics, file);
    if (!fields) continue;
    const node = statements.find((s) => s.loc.row > block.loc.row);
    const explicit = typeof fields.scope === "string" ? fields.scope : undefined;
    delete fields.scope;
    const isRule = node !== undefined && "head" in node;
    const isPackage = node === module.package;
    const scope = explicit ?? (isRule ? (fields.entrypoint === true ? "document" : "rule") : isPackage ? "package" : "import");
    const annotation = (s: Annotation["scope"]): Annotation => ({ scope: s, fields, loc: block.loc });
    const have = node === undefined ? "" : isRule ? " (have rule)" : isPackage ? " (have package)" : " (have import)";
    switch (scope) {
      case "rule":
      case "document":
        if (isRule) (node as Rule).annotations.push(annotation(scope));
        else diagnostics.push(diagnostic("rego_parse_error", `annotation scope '${scope}' must be applied to rule${have}`, block.loc));
        break;
      case "package":
      case "subpackages":
        if (isPackage) module.package.annotations.push(annotation(scope));
        else diagnostics.push(diagnostic("rego_parse_error", `annotation scope '${scope}' must be applied to package${have}`, block.loc));
        break;
      default:
        diagnostics.push(
          diagnostic(
            "rego_parse_error",
            `invalid annotation scope '${scope}'. Use one of 'rule', 'document', 'package', or 'subpackages'`,
            block.loc,
          ),
        );
    }
  }
  return diagnostics;
}

function findBlocks(comments: Comment[]): Block[] {
  const blocks: Block[] = [];
  let current: Block | null = null;
  for (let i = 0; i < comments.length; i++) {
    const c = comments[i];
    if (current) {
      const prev = comments[i - 1];
      if (c.loc.row === prev.loc.row + 1 && c.loc.col === 1) {
        current.comments.push(c);
        continue;
      }
      current = null;
    }
    if (c.text.trim().startsWith("METADATA")) {
      current = { loc: c.loc, comments: [] };
      blocks.push(current);
    }
  }
  return blocks;
}

function parseBlock(block: Block, diagnostics: Diagnostic[], file: string): Record<string, unknown> | null {
  const source = block.comments.map((c) => (c.text.startsWith(" ") ? c.text.slice(1) : c.text)).join("\n");
  if (source.trim() === "") {
    diagnostics.push(diagnostic("rego_parse_error", "expected METADATA block, found whitespace", block.loc));
    return null;
  }
  const doc = parseDocument(source, { uniqueKeys: false });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const line = err.linePos?.[0]?.line ?? 1;
    const at = block.comments[Math.min(line - 1, block.comments.length - 1)]?.loc ?? block.loc;
    const reason = err.message.split("\n")[0].replace(/:$/, "");
    diagnostics.push(diagnostic("rego_parse_error", `yaml: line ${line}: ${reason}`, { ...at, file }));
    return null;
  }
  const value: unknown = doc.toJS();
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    diagnostics.push(diagnostic("rego_parse_error", "yaml: METADATA block must be a mapping", block.loc));
    return null;
  }
  return { ...(value as Record<string, unknown>) };
}
