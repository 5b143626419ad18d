/**
 * Loads the compiled Ground Truth CORS policy (`policies/gtcors.wasm`, built from `policies/` by the project's
 * own compiler) with the unmodified `@open-policy-agent/opa-wasm` SDK and evaluates its `gtcors/report`
 * entrypoint on one input. Any evaluation error, or a report of an unexpected shape, is an error — never a pass.
 */
import * as fs from "fs";
import * as path from "path";
import { loadPolicySync } from "@open-policy-agent/opa-wasm";
import type { BucketStatus, ExceptedFinding, Finding, RuleInfo } from "./report";
import type { GateInput } from "./inputs";
import type { CorsWrite } from "./cross-input";

export const REPORT_ENTRYPOINT = "gtcors/report";
export const PACK_ENTRYPOINT = "gtcors/pack/rules";

export class EvaluationError extends Error {}

/** The policy's own evaluation ran out of Wasm stack: the input is nested too deeply for it. */
export class StackExhaustedError extends EvaluationError {}

/** The evaluation needed more Wasm memory than the module may use (2 GiB, the most the SDK can address). */
export class OutOfMemoryError extends EvaluationError {}

type LoadedPolicy = ReturnType<typeof loadPolicySync>;

/** A part of the input the policy cannot trust, by JSON path. */
export interface ShapeError {
  path: string;
  message: string;
}

/** What the policy knows about where a finding is: nothing of files, which only the gate sees. */
export type Unlocated<T> = Omit<T, "file" | "root" | "declaration" | "construct">;

export interface InputReport {
  errors: ShapeError[];
  /** Errors in the data document found against this input (two entries for one bucket), by their data path. */
  data_errors?: ShapeError[];
  findings: Array<Unlocated<Finding>>;
  exceptions: Array<Unlocated<ExceptedFinding>>;
  buckets: Array<Omit<BucketStatus, "file">>;
  input: { kind: string | null; location: string };
  /** What applying the input does to each named bucket's CORS (the run joins these across inputs). */
  cors_writes?: CorsWrite[];
  /** CDKTF construct paths of the configuration's buckets and CORS configurations, by address. */
  constructs?: Record<string, string>;
}

/** The shipped module: next to the sources in a checkout, or in the package root when installed. */
export function defaultPolicyPath(): string {
  const candidates = [path.join(__dirname, "..", "policies", "gtcors.wasm"), path.join(__dirname, "..", "..", "policies", "gtcors.wasm")];
  return candidates.find((c) => fs.existsSync(c)) ?? candidates[0];
}

export class GatePolicy {
  private constructor(private readonly policy: LoadedPolicy) {}

  static load(file: string = defaultPolicyPath()): GatePolicy {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (e) {
      throw new EvaluationError(`cannot read the compiled policy ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (run \`npm run build:policy\`)`);
    }
    try {
      return new GatePolicy(loadPolicySync(bytes));
    } catch (e) {
      throw new EvaluationError(`cannot load the compiled policy ${file}: ${errorText(e)}`);
    }
  }

  setData(data: unknown): void {
    this.policy.setData(data as object);
  }

  rules(): Record<string, RuleInfo> {
    const rs = this.run(undefined, PACK_ENTRYPOINT) as Array<{ result: Record<string, RuleInfo> }>;
    if (rs.length !== 1) throw new EvaluationError("the policy has no rule pack");
    return rs[0].result;
  }

  /** The policy's report on one input; `input.kind` is null when the policy found no plan or configuration. */
  evaluate(input: GateInput): InputReport {
    const { bytes } = input;
    // A large file's Buffer owns its whole ArrayBuffer: hand that over as it is rather than copy hundreds of MB.
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    const buffer = (whole ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) as ArrayBuffer;
    let rs: Array<{ result: InputReport }>;
    try {
      rs = this.run(buffer, REPORT_ENTRYPOINT) as Array<{ result: InputReport }>;
    } catch (e) {
      if (!(e instanceof OutOfMemoryError)) throw e;
      const mb = (bytes.byteLength / 1e6).toFixed(0);
      throw new OutOfMemoryError(
        `${input.file}: the plan (${mb} MB) needs more memory than the policy module can use (2 GiB of Wasm memory); ` +
          "split the root into smaller roots (for example one per module or team) and check each plan",
      );
    }
    if (rs.length !== 1) throw new EvaluationError(`${input.file}: the policy produced no report`);
    const report = rs[0].result;
    if (
      !report ||
      !Array.isArray(report.errors) ||
      !Array.isArray(report.findings) ||
      !Array.isArray(report.exceptions) ||
      !Array.isArray(report.buckets) ||
      typeof report.input !== "object"
    ) {
      throw new EvaluationError(`${input.file}: the policy's report has an unexpected shape`);
    }
    return report;
  }

  private run(input: ArrayBuffer | undefined, entrypoint: string): unknown {
    try {
      return this.policy.evaluate(input, entrypoint);
    } catch (e) {
      if (e instanceof RangeError && /call stack/i.test(e.message)) throw new StackExhaustedError(`policy evaluation ran out of stack: ${e.message}`);
      if (errorText(e).startsWith(UNPARSEABLE_INPUT)) throw new UnparseableInputError(errorText(e));
      if (errorText(e).startsWith(OUT_OF_MEMORY)) throw new OutOfMemoryError(errorText(e));
      throw new EvaluationError(`policy evaluation failed: ${errorText(e)}`);
    }
  }
}

/** How compiled modules refuse input that is not JSON (rather than evaluating it as "no input"). */
const UNPARSEABLE_INPUT = "opa_eval: input is not valid JSON";

/** How compiled modules say their heap would pass 2 GiB. */
const OUT_OF_MEMORY = "out of memory";

/** The module could not parse the input; the caller explains where the JSON breaks. */
export class UnparseableInputError extends EvaluationError {}

function errorText(e: unknown): string {
  if (typeof e === "string") return e;
  if (e instanceof Error) return e.message;
  if (e && typeof e === "object" && "message" in e) return String((e as { message: unknown }).message);
  return String(e);
}
