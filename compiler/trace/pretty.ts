/**
 * Prints a trace as OPA's `topdown.PrettyTraceWithLocation` does: a location column (`file.rego:12`, `query:1`
 * for the test's query) padded to the longest location plus four, then the event indented by `| ` per query
 * depth, e.g. `| | Eval x = data.a[_]`, `Note "text"`. Also OPA's JSON shape of a trace event (`--format json`).
 */
import type { TraceEvent } from "./recorder";

const COLUMN_PADDING = 4;

/** The trace, one line per event, each line after `indent` (the test report indents it under the test). */
export function prettyTrace(trace: readonly TraceEvent[], indent = ""): string {
  const depths = new Map<number, number>();
  const depthOf = (e: TraceEvent): number => {
    let depth = depths.get(e.queryId);
    if (depth === undefined) {
      depth = (depths.get(e.parentId) ?? 0) + 1;
      depths.set(e.queryId, depth);
    }
    return depth;
  };
  const rows = trace.map((e) => [locationText(e), eventText(e, depthOf(e))] as const);
  const width = Math.max(0, ...rows.map(([location]) => location.length)) + COLUMN_PADDING;
  return rows.map(([location, text]) => `${indent}${location.padEnd(width)} ${text}\n`).join("");
}

function locationText(e: TraceEvent): string {
  return e.location.file === "" ? `query:${e.location.row}` : `${e.location.file}:${e.location.row}`;
}

/** Enter (and a Redo of a rule or query) sits at its query's depth; events about expressions one deeper. */
function eventText(e: TraceEvent, depth: number): string {
  const level = e.op === "Enter" || (e.op === "Redo" && e.kind !== "expr") ? depth : depth + 1;
  const padding = level > 1 ? "| ".repeat(level - 1) : "";
  if (e.op === "Note") return `${padding}Note ${JSON.stringify(e.message ?? "")}`;
  return `${padding}${e.op} ${e.node}${e.message ? ` ${e.message}` : ""}`;
}

/** An event as OPA's JSON encoding of `topdown.Event` has it (locals are not recorded). */
export function traceEventJson(e: TraceEvent): Record<string, unknown> {
  return {
    Op: e.op,
    Node: e.nodeJson,
    Location: e.location,
    QueryID: e.queryId,
    ParentID: e.parentId,
    Locals: null,
    LocalMetadata: null,
    Message: e.message ?? "",
    Ref: null,
  };
}
