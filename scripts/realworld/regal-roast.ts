/**
 * Regal's RoAST: the JSON form of a parsed module that Regal's linter rules read (regal pkg/roast), made from the
 * project's parser's AST.
 */
export function parseRegalModule(_filename: string, _source: string): unknown {
  throw new Error("regal.parse_module: not implemented");
}
