/**
 * The host side of tracing: reads the records a trace-instrumented module appends to a buffer in its memory (site
 * index, query id, parent query id; codegen/trace.ts) when the module hands the buffer over through the internal
 * builtin `TRACE_BUILTIN`, and once an evaluation is over (`drain`), into plain event records as OPA's
 * `topdown.Event` has them (op, node, location, query and parent ids, message); `trace()` notes become `Note`s.
 */
import type { TraceLocation, TraceNodeKind, TraceOp, TraceSite } from "./sites";
import type { Json } from "../builtins/host/rego-module";

/** The builtin a trace-instrumented module calls; a name no Rego source can call. */
export const TRACE_BUILTIN = "regoc.trace_event";
/** The buffer's layout: the record count (i32) at 0, records from `RECORDS_AT`, three i32 each. */
export const RECORDS_AT = 8;
export const RECORD_BYTES = 12;
/** Records a buffer holds before the module hands it over to be emptied. */
export const TRACE_BUFFER_RECORDS = 4096;

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
  private memory?: WebAssembly.Memory;
  /** The address of the current evaluation's buffer, once the module has handed it over. */
  private buffer?: number;

  /** `sink` receives each event, in evaluation order. */
  constructor(
    private readonly sites: readonly TraceSite[],
    private readonly sink: (event: TraceEvent) => void,
  ) {}

  /** The builtins to hand the SDK (`loadPolicySync(wasm, undefined, { ...recorder.builtins })`). */
  get builtins(): Record<string, (...args: unknown[]) => unknown> {
    return {
      [TRACE_BUILTIN]: (address: unknown) => {
        this.buffer = Number(address);
        this.drain(false);
        // Returning nothing spares the SDK turning a result into a module value that would only be dropped.
        return undefined;
      },
    };
  }

  /** The loaded module's memory (`policy.mem`), where the buffers are. */
  attach(memory: WebAssembly.Memory): void {
    this.memory = memory;
  }

  /** Reads the records the module has not handed over; `done` once the evaluation is over (a new one starts afresh). */
  drain(done = true): void {
    if (this.buffer !== undefined && this.memory) {
      const view = new DataView(this.memory.buffer);
      const count = view.getUint32(this.buffer, true);
      for (let i = 0; i < count; i++) {
        const at = this.buffer + RECORDS_AT + i * RECORD_BYTES;
        this.record(view.getUint32(at, true), view.getUint32(at + 4, true), view.getUint32(at + 8, true));
      }
      view.setUint32(this.buffer, 0, true);
    }
    if (done) {
      this.buffer = undefined;
      this.noteAt = undefined;
    }
  }

  private record(index: number, queryId: number, parent: number): void {
    const site = this.sites[index];
    if (!site) throw new Error(`trace: the module reported an unknown site ${index}`);
    if (site.op === "Note") {
      this.noteAt = { site, queryId };
      return;
    }
    if (site.op === "Enter") this.parents.set(queryId, parent);
    this.emit({ ...siteEvent(site), queryId, parentId: this.parents.get(queryId) ?? 0 });
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
