/**
 * One bucket's CORS across the inputs of a run. Takes each input's report (its Ground Truth buckets and what it
 * does to each bucket's CORS, `cors_writes`) and produces the run's view: a bucket with no CORS in its own input is
 * judged where another input configures it; a bucket whose CORS two inputs write gets the finding its possible end
 * states call for. S3 keeps one configuration per bucket and nothing orders the applies of two roots or stacks, so
 * every input that writes the bucket's CORS may be the last: GTCORS-011 when one deletes it, GTCORS-004 when one
 * of them lacks what Ground Truth needs, GTCORS-014 (a warning) when each serves it.
 */
import type { InputReport, Unlocated } from "./policy";
import type { Finding } from "./report";
import type { UnnamedReference } from "./cross-stack";

/** What an input's apply does to a bucket's CORS, as the policy reports it. */
export interface CorsWrite {
  bucket: string;
  address: string;
  action: "put" | "keep" | "delete";
}

/** A bucket an input is to judge as if the data file listed it by name. */
export interface ListedBucket {
  bucket: string;
  job_types: string[];
  roles: string[];
}

/** A finding about a bucket across inputs, made in the input where the bucket is, naming the others' resources. */
export interface CrossInputFinding {
  input: number;
  finding: Unlocated<Finding>;
  related: Array<{ input: number; address: string }>;
}

export interface JoinOptions {
  /** Bucket names the data file lists: each input judges those itself. */
  listed: ReadonlySet<string>;
  /** The input's report with these buckets listed by name. */
  reevaluate: (input: number, buckets: ListedBucket[]) => InputReport;
  /** Cross-stack references to buckets without a name. */
  unnamed: readonly UnnamedReference[];
  /** A resource of an input, for people: address, file and where to open it. */
  where: (input: number, address: string) => string;
  /** An input's file. */
  file: (input: number) => string;
}

interface Home {
  input: number;
  address: string;
  job_types: string[];
  roles: string[];
}

const NO_CORS = "GTCORS-001";

/** Joins the inputs' reports (updated in place) and returns the findings only the whole run can make. */
export function joinInputs(reports: InputReport[], options: JoinOptions): CrossInputFinding[] {
  if (reports.length < 2) return [];
  const homes = homesByName(reports);
  const writes = writesByName(reports);
  const toList = new Map<number, ListedBucket[]>();
  const list = (input: number, name: string, home: Home) => {
    if (options.listed.has(name) || subjectIn(reports[input], name) !== undefined) return;
    toList.set(input, [...(toList.get(input) ?? []), { bucket: name, job_types: home.job_types, roles: home.roles }]);
  };
  const pairs: Array<{ home: Home; judge: number }> = [];
  const conflicts: Array<{ name: string; home: Home; writers: number[]; deleters: number[] }> = [];
  for (const [name, home] of homes) {
    const touching = writes.get(name) ?? new Map<number, CorsWrite[]>();
    const writers = [...touching].filter(([, ws]) => ws.some((w) => w.action !== "delete")).map(([i]) => i);
    const deleters = [...touching].filter(([, ws]) => ws.every((w) => w.action === "delete")).map(([i]) => i);
    if (writers.length === 0) continue;
    if (touching.size === 1) {
      // The only input that configures the bucket is another one: it judges the bucket, as a data entry would.
      if (writers[0] === home.input || subjectIn(reports[writers[0]], name) !== undefined || options.listed.has(name)) continue;
      list(writers[0], name, home);
      pairs.push({ home, judge: writers[0] });
      continue;
    }
    for (const w of writers) list(w, name, home);
    conflicts.push({ name, home, writers, deleters });
  }
  for (const [input, buckets] of toList) reports[input] = options.reevaluate(input, buckets);

  for (const { home } of pairs) dropNoCors(reports[home.input], home.address, true);
  const found: CrossInputFinding[] = [];
  for (const c of conflicts) found.push(...conflictFindings(c, reports, writes.get(c.name)!, options));
  found.push(...unnamedFindings(reports, options));
  return found;
}

function conflictFindings(
  c: { name: string; home: Home; writers: number[]; deleters: number[] },
  reports: InputReport[],
  touching: Map<number, CorsWrite[]>,
  { where, file }: Pick<JoinOptions, "where" | "file">,
): CrossInputFinding[] {
  const { name, home, writers, deleters } = c;
  const sources = (inputs: number[]) =>
    inputs.flatMap((i) => touching.get(i)!.map((w) => where(i, w.address))).join(" and ");
  const related = [...touching].flatMap(([input, ws]) => ws.map((w) => ({ input, address: w.address })));
  const failing = writers.filter((w) => !serves(reports[w], name));
  const subject = { address: home.address, bucket: name, job_types: home.job_types, roles: home.roles };
  const label = describe(subject);
  const out: CrossInputFinding[] = [];
  const make = (rule: string, severity: "error" | "warning", message: string, missing: string[]) =>
    out.push({ input: home.input, finding: { rule, severity, ...subject, message, missing, fix: null }, related });
  if (deleters.length > 0) {
    make(
      "GTCORS-011",
      "error",
      `${label} can end the run without CORS: ${sources(deleters)} deletes its CORS configuration while ${sources(writers)} puts one, ` +
        "and nothing orders the applies of two inputs: applied last, the delete leaves the bucket without CORS " +
        "(apply the deleting input first, or give it removed { lifecycle { destroy = false } } so S3 keeps the CORS)",
      ["CORS that survives the apply"],
    );
  }
  if (writers.length > 1 && failing.length > 0) {
    make(
      "GTCORS-004",
      "error",
      `${label} gets CORS from ${writers.length} inputs of this run (${sources(writers)}); S3 keeps the configuration applied last, ` +
        `and ${failing.length === 1 ? "the one in" : "those in"} ${failing.map(file).join(" and ")} ${failing.length === 1 ? "lacks" : "lack"} what Ground Truth needs: keep the bucket's CORS in one input`,
      [],
    );
  } else if (writers.length > 1) {
    make(
      "GTCORS-014",
      "warning",
      `${label} gets CORS from ${writers.length} inputs of this run (${sources(writers)}); each serves Ground Truth, so S3 ends with ` +
        "a working configuration whichever is applied last, but every apply overwrites the other's rules: keep them in one input",
      [],
    );
  }
  // The bucket is counted once, where it is, with the run's verdict; its own input's "no CORS" no longer holds.
  const error = deleters.length > 0 || failing.length > 0;
  for (const w of writers) if (w !== home.input) dropBucket(reports[w], name);
  if (!writers.includes(home.input)) dropNoCors(reports[home.input], home.address, false);
  const report = reports[home.input];
  const entry = report.buckets.find((b) => b.address === home.address);
  if (entry !== undefined) entry.compliant = !error && !report.findings.some((f) => f.address === home.address && f.severity === "error");
  return out;
}

/** A cross-stack reference to a bucket without a name: paired with nothing. Where the bucket has CORS in its own
 * stack too, the gate cannot judge which configuration S3 keeps, so it fails closed. */
function unnamedFindings(reports: InputReport[], options: JoinOptions): CrossInputFinding[] {
  const out: CrossInputFinding[] = [];
  for (const u of options.unnamed) {
    const home = reports[u.home];
    const entry = home.buckets.find((b) => b.address === u.bucket);
    if (entry === undefined || home.findings.some((f) => f.rule === NO_CORS && f.address === u.bucket)) continue;
    entry.compliant = false;
    out.push({
      input: u.home,
      related: [{ input: u.input, address: u.address }],
      finding: {
        rule: "GTCORS-004",
        severity: "error",
        address: entry.address,
        bucket: null,
        job_types: entry.job_types,
        roles: entry.roles,
        message:
          `${describe(entry)} gets CORS from its own stack and from ${options.where(u.input, u.address)} through a cross-stack reference; ` +
          "its name is known only after apply, so the gate cannot judge the configuration S3 may keep: keep the bucket's CORS in one stack",
        missing: [],
        fix: null,
      },
    });
  }
  return out;
}

/** The Ground Truth bucket each known name is: its resource's input where one has it, else the first input that
 * judges it (a bucket only listed in the data file). */
function homesByName(reports: readonly InputReport[]): Map<string, Home> {
  const homes = new Map<string, Home>();
  reports.forEach((report, input) => {
    for (const b of report.buckets) {
      if (typeof b.bucket !== "string") continue;
      const current = homes.get(b.bucket);
      if (current === undefined || (!isBucketAddress(current.address) && isBucketAddress(b.address))) {
        homes.set(b.bucket, { input, address: b.address, job_types: b.job_types, roles: b.roles });
      }
    }
  });
  return homes;
}

function writesByName(reports: readonly InputReport[]): Map<string, Map<number, CorsWrite[]>> {
  const byName = new Map<string, Map<number, CorsWrite[]>>();
  reports.forEach((report, input) => {
    for (const w of report.cors_writes ?? []) {
      const inputs = byName.get(w.bucket) ?? new Map<number, CorsWrite[]>();
      inputs.set(input, [...(inputs.get(input) ?? []), w]);
      byName.set(w.bucket, inputs);
    }
  });
  return byName;
}

function isBucketAddress(address: string): boolean {
  return !/(^|\.)aws_s3_bucket_cors_configuration\./.test(address);
}

function subjectIn(report: InputReport, name: string): InputReport["buckets"][number] | undefined {
  return report.buckets.find((b) => b.bucket === name);
}

/**
 * Whether what an input leaves in the bucket serves Ground Truth: it judged the bucket and found no error, excepted
 * ones included (an exception accepts a finding in that input; it does not make the rules serve Ground Truth).
 */
function serves(report: InputReport, name: string): boolean {
  const subject = subjectIn(report, name);
  if (subject === undefined) return false;
  return ![...report.findings, ...report.exceptions].some((f) => f.severity === "error" && (f.address === subject.address || f.bucket === name));
}

/** Removes the bucket's "no CORS configuration" finding (and, when another input now judges it, its entry). */
function dropNoCors(report: InputReport, address: string, judgedElsewhere: boolean): void {
  report.findings = report.findings.filter((f) => !(f.rule === NO_CORS && f.address === address));
  if (judgedElsewhere) report.buckets = report.buckets.filter((b) => b.address !== address);
}

function dropBucket(report: InputReport, name: string): void {
  report.buckets = report.buckets.filter((b) => b.bucket !== name);
}

/** As the policy words a bucket: `bucket "name" (image; input)`. */
function describe(s: { bucket: string | null; job_types: string[]; roles: string[] }): string {
  const name = s.bucket === null ? "with a name known only after apply" : JSON.stringify(s.bucket);
  return `bucket ${name} (${[...s.job_types].sort().join(", ")}; ${[...s.roles].sort().join(" and ")})`;
}
