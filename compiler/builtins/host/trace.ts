/**
 * `trace(note)`: OPA's explanation note. It is always true; the note goes to whoever listens (`regoc test
 * --explain notes` prints them), and is dropped otherwise, as OPA drops notes when no tracer is enabled.
 */
import { typeError, type HostFamily } from "./errors";

export function traceBuiltins(onNote?: (note: string) => void): HostFamily {
  return {
    trace: (note: unknown) => {
      if (typeof note !== "string") throw typeError(1, "string", note);
      onNote?.(note);
      return true;
    },
  };
}
