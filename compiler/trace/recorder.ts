/**
 * The host side of tracing: a trace-instrumented module reports each event through the internal builtin
 * `TRACE_BUILTIN` (a site index and query ids); the recorder, given to the SDK among the custom builtins, turns
 * the reports into plain event records as OPA's `topdown.Event` has them (op, node, location, query and parent
 * ids, message). `trace(note)` notes become `Note` events where the module said the call stands.
 */
import type { TraceLocation, TraceNodeKind, TraceOp, TraceSite } from "./sites";
import type { Json } from "../builtins/host/rego-module";

/** The builtin a trace-instrumented module calls; a name no Rego source can call. */
export const TRACE_BUILTIN = "regoc.trace_event";

export interface TraceEvent {
  op: TraceOp;
  kind: TraceNodeKind;
  node: string;
  nodeJson: Json;
  location: TraceLocation;
  queryId: number;
  parentId: number;
  message?: string;
}

export class TraceRecorder {
  /** Each query's parent, from its `Enter` (ids restart with each evaluation, and each query is entered first). */
  private readonly parents = new Map<number, number>();
  private noteAt?: { site: TraceSite; queryId: number };
  private last?: TraceEvent;

  /** `sink` receives each event as it happens. */
  constructor(
    private readonly sites: readonly TraceSite[],
    private readonly sink: (event: TraceEvent) => void,
  ) {}

  /** The builtins to hand the SDK (`loadPolicySync(wasm, memory, { ...builtins })`). */
  get builtins(): Record<string, (...args: unknown[]) => unknown> {
    return { [TRACE_BUILTIN]: (site: unknown, query: unknown, parent: unknown) => this.report(Number(site), Number(query), Number(parent)) };
  }

  private report(index: number, queryId: number, parent: number): undefined {
    const site = this.sites[index];
    if (!site) throw new Error(`trace: no site ${index}`);
    if (site.op === "Note") {
      this.noteAt = { site, queryId };
      return undefined;
    }
    if (site.op === "Enter") this.parents.set(queryId, parent);
    this.emit({ ...siteEvent(site), queryId, parentId: this.parents.get(queryId) ?? 0 });
    // Returning nothing spares the SDK turning a result into a module value that would only be dropped.
    return undefined;
  }

  /** A `trace(note)` call's note, placed where the module last said a `trace` call stands. */
  note(message: string): void {
    const at = this.noteAt;
    const last = this.last;
    const queryId = at?.queryId ?? last?.queryId ?? 0;
    this.emit({
      op: "Note",
      kind: "expr",
      node: "",
      nodeJson: null,
      location: at?.site.location ?? last?.location ?? { file: "", row: 0, col: 0 },
      queryId,
      parentId: this.parents.get(queryId) ?? 0,
      message,
    });
    this.noteAt = undefined;
  }

  private emit(event: TraceEvent): void {
    this.last = event;
    this.sink(event);
  }
}

function siteEvent(site: TraceSite): Omit<TraceEvent, "queryId" | "parentId"> {
  return {
    op: site.op,
    kind: site.kind,
    node: site.node,
    nodeJson: site.nodeJson,
    location: site.location,
    ...(site.message ? { message: site.message } : {}),
  };
}
