/**
 * What `opa test --explain <mode>` keeps of a trace (OPA's topdown/lineage): `full` and `debug` everything,
 * `fails` each `Fail` event preceded by the `Enter`/`Redo` events of the rules and queries that lead to it.
 * (`--explain notes` needs no trace: the notes come from the `trace` builtin's listener.)
 */
import type { TraceEvent } from "./recorder";

export type ExplainMode = "fails" | "full" | "debug";

export function explainTrace(mode: ExplainMode, trace: readonly TraceEvent[]): TraceEvent[] {
  switch (mode) {
    case "full":
    case "debug":
      return [...trace];
    case "fails":
      return lineage(trace, (e) => e.op === "Fail");
  }
}

/**
 * The kept events with their context: for each, the latest `Enter`/`Redo` of its query and of each parent query
 * since the previous kept event, outermost first (as lineage.Filter).
 */
function lineage(trace: readonly TraceEvent[], keep: (e: TraceEvent) => boolean): TraceEvent[] {
  const out: TraceEvent[] = [];
  let entered = new Map<number, TraceEvent>();
  for (const event of trace) {
    if (keep(event)) {
      const path = [event];
      let current = entered.get(event.queryId);
      let previous: TraceEvent | undefined;
      while (current && current !== previous) {
        path.push(current);
        previous = current;
        current = entered.get(current.parentId);
      }
      out.push(...path.reverse());
      entered = new Map();
    }
    if ((event.op === "Enter" || event.op === "Redo") && event.kind !== "expr") entered.set(event.queryId, event);
  }
  return out;
}
