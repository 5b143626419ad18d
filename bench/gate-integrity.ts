/**
 * The gate's byte-level input checks (UTF-8 validity and duplicate keys, `gate/integrity.ts`) on the generated
 * 10,000-bucket plan (~57 MB), against `JSON.parse` of the same bytes, as a ratio of medians: the checks run on
 * every input, so they should cost well under one parse. Run with `npm run bench -- gate-integrity`.
 */
import { isUtf8 } from "buffer";
import { checkIntegrity, firstDuplicateKey } from "../gate/integrity";
import { planText, sizesFor } from "./lib/gate-plan";
import { medianMs } from "./lib/timing";

const BUCKETS = 10_000;

const bytes = Buffer.from(planText(sizesFor(BUCKETS)), "utf8");
console.log(`plan: ${BUCKETS} buckets, shaped like a real plan, ${(bytes.length / 1e6).toFixed(1)} MB; median of 7 runs`);
const parse = medianMs(() => JSON.parse(bytes.toString("utf8")));
const utf8 = medianMs(() => isUtf8(bytes));
const keys = medianMs(() => firstDuplicateKey(bytes));
const both = medianMs(() => {
  if (checkIntegrity(bytes) !== null) throw new Error("the generated plan has a duplicate key or invalid UTF-8");
});
console.log(`JSON.parse (with toString): ${parse.toFixed(0)} ms`);
console.log(`integrity checks: ${both.toFixed(0)} ms (UTF-8 ${utf8.toFixed(1)} ms, duplicate keys ${keys.toFixed(0)} ms)`);
console.log(`ratio integrity / JSON.parse: ${(both / parse).toFixed(2)}x (aim: well under 1x)`);
