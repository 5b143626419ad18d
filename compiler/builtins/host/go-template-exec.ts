/**
 * Executes a parsed Go `text/template` (see `go-template.ts`) over JSON data (values and functions in
 * `go-template-funcs.ts`): actions print their value, `if`/`with`/`range` branch and loop with Go's scoping of
 * variables, and errors carry Go's `template: name:line:col: executing …` prefix. A missing map key renders as
 * `<undefined>` and is reported, so that strict mode can fail on it.
 */
import {
  parseTemplate,
  TemplateError,
  type ControlNode,
  type Operand,
  type Pipe,
  type TemplateNode,
} from "./go-template";
import { FUNCS, fromJson, isMap, printValue, truth, typeName, type Value } from "./go-template-funcs";

export interface RenderResult {
  text: string;
  /** Go's error for the first missing map key, which `missingkey=error` would have stopped at. */
  missingKey?: string;
}

class BreakSignal {}
class ContinueSignal {}

class Executor {
  private out = "";
  missingKey?: string;
  private vars: Array<[string, Value]>;

  constructor(private readonly src: string, root: Value) {
    this.vars = [["$", root]];
  }

  private location(pos: number): string {
    const before = this.src.slice(0, pos);
    const line = before.split("\n").length;
    const column = before.includes("\n") ? pos - before.lastIndexOf("\n") - 1 : pos;
    return `template: template:${line}:${column}`;
  }

  private fail(pos: number, context: string, msg: string): never {
    throw new TemplateError(`${this.location(pos)}: executing "template" at <${context}>: ${msg}`);
  }

  run(nodes: TemplateNode[], dot: Value): string {
    this.walk(nodes, dot);
    return this.out;
  }

  private walk(nodes: TemplateNode[], dot: Value): void {
    for (const node of nodes) {
      const mark = this.vars.length;
      switch (node.kind) {
        case "text":
          this.out += node.text;
          break;
        case "action": {
          const v = this.pipe(node.pipe, dot);
          if (node.pipe.decl.length === 0) this.out += printValue(v);
          break;
        }
        case "if":
        case "with": {
          const v = this.pipe(node.pipe, dot);
          if (truth(v)) this.walk(node.list, node.kind === "with" ? v : dot);
          else this.walk(node.elseList, dot);
          this.vars.length = mark;
          break;
        }
        case "range":
          this.range(node, dot);
          this.vars.length = mark;
          break;
        case "break":
          throw new BreakSignal();
        case "continue":
          throw new ContinueSignal();
      }
    }
  }

  private range(node: ControlNode, dot: Value): void {
    const v = this.pipe({ ...node.pipe, decl: [] }, dot);
    let entries: Array<[Value, Value]>;
    if (Array.isArray(v)) entries = v.map((x, i) => [BigInt(i), x]);
    else if (isMap(v))
      entries = Object.keys(v)
        .sort()
        .map((k) => [k, v[k]]);
    else if (typeof v === "bigint") entries = Array.from({ length: Number(v) }, (_, i) => [BigInt(i), BigInt(i)]);
    else if (v === null) entries = [];
    else this.fail(node.pipe.pos, "range", `range can't iterate over ${printValue(v)}`);
    if (entries.length === 0) return this.walk(node.elseList, dot);
    const mark = this.vars.length;
    for (const [key, item] of entries) {
      const decl = node.pipe.decl;
      if (decl.length === 1) this.vars.push([decl[0], item]);
      if (decl.length === 2) this.vars.push([decl[0], key], [decl[1], item]);
      try {
        this.walk(node.list, item);
      } catch (e) {
        if (e instanceof BreakSignal) break;
        if (!(e instanceof ContinueSignal)) throw e;
      } finally {
        this.vars.length = mark;
      }
    }
  }

  private pipe(pipe: Pipe, dot: Value): Value {
    let value: Value | undefined;
    for (const command of pipe.commands) value = this.command(command, dot, value);
    const result = value ?? null;
    for (const name of pipe.decl) {
      if (pipe.assign) {
        const slot = [...this.vars].reverse().find(([n]) => n === name);
        if (!slot) this.fail(pipe.pos, name, `undefined variable: ${name}`);
        slot[1] = result;
      } else {
        this.vars.push([name, result]);
      }
    }
    return result;
  }

  private command(args: Operand[], dot: Value, piped: Value | undefined): Value {
    const [head, ...rest] = args;
    if (head.kind === "identifier") {
      const fn = head.name === "and" || head.name === "or" ? null : FUNCS[head.name];
      const operands = rest.map((a) => () => this.operand(a, dot));
      if (piped !== undefined) operands.push(() => piped);
      if (head.name === "and" || head.name === "or") {
        if (operands.length === 0)
          this.fail(head.pos, head.name, `wrong number of args for ${head.name}: want at least 1 got 0`);
        let v: Value = null;
        for (const get of operands) {
          v = get();
          if (truth(v) !== (head.name === "and")) return v;
        }
        return v;
      }
      if (!fn) this.fail(head.pos, head.name, `function "${head.name}" not defined`);
      try {
        return fn(operands.map((get) => get()));
      } catch (e) {
        if (e instanceof TemplateError && !e.message.startsWith("template:")) {
          this.fail(head.pos, head.name, `error calling ${head.name}: ${e.message}`);
        }
        throw e;
      }
    }
    if (rest.length > 0 || piped !== undefined)
      this.fail(head.pos, describe(head), `can't give argument to non-function ${describe(head)}`);
    return this.operand(head, dot);
  }

  private operand(op: Operand, dot: Value): Value {
    switch (op.kind) {
      case "dot":
        return dot;
      case "field":
        return this.fields(dot, op.names, op);
      case "variable": {
        const found = [...this.vars].reverse().find(([n]) => n === op.name);
        if (!found) this.fail(op.pos, op.name, `undefined variable: ${op.name}`);
        return this.fields(found[1], op.fields, op);
      }
      case "chain":
        return this.fields(this.operand(op.node, dot), op.fields, op);
      case "pipe":
        return this.pipe(op.pipe, dot);
      case "identifier":
        return this.command([op], dot, undefined);
      case "nil":
        this.fail(op.pos, "nil", "nil is not a command");
      // eslint-disable-next-line no-fallthrough
      default:
        return op.value;
    }
  }

  private fields(receiver: Value, names: string[], op: Operand): Value {
    let v = receiver;
    for (const name of names) {
      if (isMap(v)) {
        if (!Object.prototype.hasOwnProperty.call(v, name)) {
          this.missingKey ??= `${this.location(op.pos)}: executing "template" at <${describe(
            op,
          )}>: map has no entry for key "${name}"`;
          return "<undefined>";
        }
        v = v[name];
      } else if (v === null) {
        this.fail(op.pos, describe(op), `nil pointer evaluating interface {}.${name}`);
      } else {
        this.fail(op.pos, describe(op), `can't evaluate field ${name} in type ${typeName(v)}`);
      }
    }
    return v;
  }
}

/** How Go's error messages show an operand. */
function describe(op: Operand): string {
  switch (op.kind) {
    case "dot":
      return ".";
    case "field":
      return `.${op.names.join(".")}`;
    case "variable":
      return [op.name, ...op.fields].join(".");
    case "chain":
      return `${describe(op.node)}.${op.fields.join(".")}`;
    case "identifier":
      return op.name;
    case "pipe":
      return "(...)";
    case "string":
      return JSON.stringify(op.value);
    case "nil":
      return "nil";
    default:
      return String(op.value);
  }
}

/** Renders `template` over JSON `data`; syntax and execution errors throw `TemplateError`. */
export function renderTemplate(template: string, data: unknown): RenderResult {
  const nodes = parseTemplate(template);
  const executor = new Executor(template, fromJson(data));
  try {
    return { text: executor.run(nodes, fromJson(data)), missingKey: executor.missingKey };
  } catch (e) {
    if (e instanceof BreakSignal || e instanceof ContinueSignal) {
      throw new TemplateError("template: template:1: {{break}} or {{continue}} outside {{range}}");
    }
    throw e;
  }
}
