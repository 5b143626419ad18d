/**
 * Reads what the gate is given — plan JSON files, `cdk.tf.json` files, `cdktf.out` directories — as raw bytes
 * for the policy, which parses and shape-checks them itself (one parse, in Wasm). When the policy cannot read a
 * document, `describeUnreadable` says why, naming the file and the line and column (JSON syntax) or the JSON path.
 * The gate fails closed: an input the policy did not read and check is never reported as passing.
 */
import * as fs from "fs";
import * as path from "path";
import { constants } from "buffer";

export interface GateInput {
  /** The file the document came from, as given (or relative to the working directory for expanded directories). */
  file: string;
  /** The file's bytes, handed to the policy as they are. */
  bytes: Buffer;
}

export class InputError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}

/** The name standard input goes by on the command line (`gt-cors check -`) and in messages. */
export const STDIN = "-";
export const STDIN_LABEL = "<stdin>";

/**
 * Expands directories (cdktf.out, or a stack folder) into their `cdk.tf.json` files. Anything that is not a
 * regular file or directory (a FIFO, a device, a socket) is refused: reading it could block or never end, and
 * standard input is read only when asked for by `-`.
 */
export function expandPaths(paths: readonly string[], cwd: string): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (p === STDIN) {
      if (out.includes(STDIN)) throw new InputError(STDIN_LABEL, "standard input (-) given twice");
      out.push(p);
      continue;
    }
    const full = path.resolve(cwd, p);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(full);
    } catch {
      throw new InputError(p, "no such file or directory");
    }
    if (stat.isFile()) {
      out.push(p);
      continue;
    }
    if (!stat.isDirectory()) throw new InputError(p, `is ${specialFileKind(stat)}, not a regular file; give a file, or - to read standard input`);
    const found = findSynthOutputs(full);
    if (found.length === 0) throw new InputError(p, "directory holds no cdk.tf.json (expected a cdktf.out directory or a stack folder)");
    out.push(...found.map((f) => path.relative(cwd, f) || f));
  }
  return out;
}

/** A cdktf.out's `stacks/` wins over a `cdk.tf.json` beside it (left by an older single-stack cdktf), which would
 * otherwise hide every current stack. */
function findSynthOutputs(dir: string): string[] {
  const stacks = path.join(dir, "stacks");
  const direct = path.join(dir, "cdk.tf.json");
  if (!isDirectory(stacks) && fs.existsSync(direct)) return [direct];
  const base = isDirectory(stacks) ? stacks : dir;
  const out: string[] = [];
  for (const entry of fs.readdirSync(base, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const candidate = path.join(base, entry.name, "cdk.tf.json");
    if (entry.isDirectory() && fs.existsSync(candidate)) out.push(candidate);
  }
  return out;
}

function specialFileKind(stat: fs.Stats): string {
  if (stat.isFIFO()) return "a FIFO (named pipe)";
  if (stat.isCharacterDevice()) return "a character device";
  if (stat.isBlockDevice()) return "a block device";
  if (stat.isSocket()) return "a socket";
  return "neither a regular file nor a directory";
}

/** Reads an input's bytes; `-` reads standard input through `readStdin` and is named `<stdin>` from then on. */
export function readInput(given: string, cwd: string, readStdin: () => Buffer = () => fs.readFileSync(0)): GateInput {
  const file = given === STDIN ? STDIN_LABEL : given;
  let bytes: Buffer;
  try {
    bytes = given === STDIN ? readStdin() : fs.readFileSync(path.resolve(cwd, file));
  } catch (e) {
    throw new InputError(file, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (onlyWhitespace(bytes)) throw new InputError(file, "empty file (expected Terraform plan JSON or cdk.tf.json)");
  const depth = nestingDepth(bytes, MAX_DEPTH);
  if (depth > MAX_DEPTH) throw new InputError(file, `$: JSON nested more than ${MAX_DEPTH} levels deep (Terraform's documents stay far below; the gate reads at most ${MAX_DEPTH})`);
  return { file, bytes };
}

function onlyWhitespace(bytes: Buffer): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return false;
  return true;
}

/** Past this many bytes a document cannot become one JS string (V8's limit): only the policy, in Wasm, reads it. */
const MAX_STRING_LENGTH = constants.MAX_STRING_LENGTH;

/** Nesting the gate accepts: Terraform's deepest documents (module trees, nested blocks) stay far below it, and
 * a limit keeps hostile nesting from exhausting the policy's stack. */
export const MAX_DEPTH = 512;

/**
 * Why the policy could not read a document (it found no plan and no configuration in it): JSON syntax with line
 * and column, a byte order mark, nesting too deep, or JSON that is neither kind of document.
 */
export function describeUnreadable(input: GateInput): InputError {
  const { file, bytes } = input;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return new InputError(file, "starts with a UTF-8 byte order mark; write the JSON without one (e.g. `terraform show -json plan > plan.json` in a POSIX shell)");
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return new InputError(file, "is UTF-16 text (as PowerShell's `>` writes it); write it as UTF-8, e.g. `terraform show -json plan | Out-File -Encoding utf8NoBOM plan.json`");
  }
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    // `terraform plan -out` writes a zip archive; only `terraform show -json` turns it into the JSON the gate reads.
    return new InputError(file, "is a binary Terraform plan file (`terraform plan -out`); convert it first: `terraform show -json " + file + " > plan.json`");
  }
  if (bytes.length > MAX_STRING_LENGTH) {
    const mb = (bytes.length / 1e6).toFixed(0);
    return new InputError(
      file,
      `$: the policy could not read it (not JSON, or neither a Terraform plan nor Terraform JSON configuration); at ${mb} MB it is too long for the gate to say where (\`jq empty\` shows where JSON breaks)`,
    );
  }
  const text = bytes.toString("utf8");
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return new InputError(file, describeJsonError(text, e as Error));
  }
  if (!isObject(doc)) return new InputError(file, `$: expected a JSON object, found ${typeName(doc)}`);
  for (const location of ["plan", "terraform"] as const) {
    const wrapped = doc[location];
    if (isObject(wrapped) && "format_version" in wrapped && typeof wrapped.format_version !== "string") {
      return new InputError(file, `$.${location}.format_version: expected a string, found ${typeName(wrapped.format_version)}`);
    }
  }
  if ("format_version" in doc && typeof doc.format_version !== "string") {
    return new InputError(file, `$.format_version: expected a string, found ${typeName(doc.format_version)}`);
  }
  return new InputError(
    file,
    "$: neither a Terraform plan (no format_version, also not under plan or terraform) nor Terraform JSON configuration (no resource, terraform or provider block)",
  );
}

/** `line 3, column 7: unexpected character "}"`, from the first offset that is not JSON. */
function describeJsonError(text: string, e: Error): string {
  const position = firstJsonError(text);
  if (position < 0) return `malformed JSON: ${e.message}`;
  const before = text.slice(0, position);
  const line = before.split("\n").length;
  const column = position - before.lastIndexOf("\n");
  const found = position >= text.length ? "unexpected end of input" : `unexpected ${describeCharacter(text.codePointAt(position)!)}`;
  return `malformed JSON at line ${line}, column ${column}: ${found}`;
}

function describeCharacter(code: number): string {
  if (code < 0x20 || code === 0x7f || code === 0xfffd) return `byte 0x${code.toString(16).padStart(2, "0")}`;
  return `character ${JSON.stringify(String.fromCodePoint(code))}`;
}

const NUMBER_OR_LITERAL = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null/y;

/**
 * The offset of the first character that makes `text` invalid JSON (its length when the text ends too early), or
 * -1 when it is valid. V8's JSON.parse messages do not always give a position, and their wording varies by version.
 */
export function firstJsonError(text: string): number {
  const n = text.length;
  const closers: string[] = [];
  let state: "value" | "first-value" | "key" | "first-key" | "colon" | "after" = "value";
  let i = 0;
  for (;;) {
    while (i < n && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
    if (i >= n) return state === "after" && closers.length === 0 ? -1 : n;
    const c = text[i];
    if (state === "first-value" && c === "]") {
      closers.pop();
      i++;
      state = "after";
    } else if (state === "value" || state === "first-value") {
      if (c === "{" || c === "[") {
        closers.push(c === "{" ? "}" : "]");
        state = c === "{" ? "first-key" : "first-value";
        i++;
      } else if (c === '"') {
        i = stringEnd(text, i);
        if (i < 0) return -i - 1;
        state = "after";
      } else {
        NUMBER_OR_LITERAL.lastIndex = i;
        if (!NUMBER_OR_LITERAL.exec(text)) return c === "-" ? i + 1 : i;
        i = NUMBER_OR_LITERAL.lastIndex;
        state = "after";
      }
    } else if (state === "first-key" && c === "}") {
      closers.pop();
      i++;
      state = "after";
    } else if (state === "key" || state === "first-key") {
      if (c !== '"') return i;
      i = stringEnd(text, i);
      if (i < 0) return -i - 1;
      state = "colon";
    } else if (state === "colon") {
      if (c !== ":") return i;
      i++;
      state = "value";
    } else {
      const closer = closers[closers.length - 1];
      if (closer === undefined) return i;
      if (c === ",") state = closer === "}" ? "key" : "value";
      else if (c === closer) closers.pop();
      else return i;
      i++;
    }
  }
}

/** The offset just past the string starting at `start`, or -(offset of the error) - 1. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20) return -i - 1;
    if (c === 0x5c) {
      const e = text[i + 1];
      if (e === "u") {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return -(i + 1) - 1;
        i += 5;
      } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i++;
      else return -(i + 1) - 1;
    }
  }
  return -text.length - 1;
}

/** The deepest nesting of arrays and objects outside strings, counted on the bytes; stops once past `limit`. */
export function nestingDepth(bytes: Uint8Array, limit: number): number {
  const n = bytes.length;
  let depth = 0;
  let deepest = 0;
  let i = 0;
  while (i < n) {
    const c = bytes[i++];
    if (c === 0x22) {
      let d = bytes[i++];
      while (d !== 0x22 && i <= n) {
        if (d === 0x5c) i++;
        d = bytes[i++];
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

function isDirectory(p: string): boolean {
  return fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}
