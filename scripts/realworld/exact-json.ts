/**
 * A builtin result as JSON text in an ArrayBuffer, which the SDK loads into the module as it is (it
 * `JSON.stringify`s any other value, turning numbers into doubles). `ExactNumber` marks a number to be written
 * with its own text: 18446744073709551615 or 1e1000 reach Rego exactly.
 */
export class ExactNumber {
  constructor(readonly text: string) {}
}

export function exactJson(value: unknown): ArrayBuffer {
  const texts: string[] = [];
  const json = JSON.stringify(value, (_key, v: unknown) => {
    if (!(v instanceof ExactNumber)) return v;
    texts.push(v.text);
    return `\u0000exact:${texts.length - 1}`;
  });
  const raw = json.replace(/"\\u0000exact:(\d+)"/g, (_m, i: string) => texts[Number(i)]);
  const bytes = Buffer.from(raw, "utf8");
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
