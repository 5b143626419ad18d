/**
 * Takes a root's sizes and writes a Terraform plan JSON document as `terraform show -json` writes it for such a
 * root (checked against a real plan by __tests__/bench/plan-shape.test.ts): buckets that already exist (full
 * provider attributes in prior_state, drift in resource_drift, some with CORS changed out of band), buckets created
 * in a `for_each` module whose CORS configuration is `count`ed (some instances have none), buckets created in the
 * root. Written in pieces, so plans larger than V8's longest string can be generated. Used by bench/gate.ts.
 */

export interface PlanSizes {
  /** Buckets in state already, with their CORS (`aws_s3_bucket.existing`, for_each). */
  existing: number;
  /** How many of the existing buckets had their CORS changed behind Terraform's back. */
  drifted: number;
  /** Instances of `module.team` (for_each), one bucket each, CORS `count`ed. */
  module: number;
  /** Buckets created in the root (`aws_s3_bucket.root`, for_each). */
  root: number;
  /** Module instance i has no CORS configuration when i % uncoveredEvery === uncoveredEvery - 1. */
  uncoveredEvery: number;
}

/** The mix the issue describes: 30% existing (a tenth of them drifted), half in a module, the rest in the root. */
export function sizesFor(buckets: number): PlanSizes {
  const existing = Math.round(buckets * 0.3);
  const module = Math.round(buckets * 0.5);
  return { existing, drifted: Math.ceil(existing / 10), module, root: buckets - existing - module, uncoveredEvery: 50 };
}

/** Addresses of the buckets the plan leaves without CORS: the module instances with count = 0. */
export function uncoveredBuckets(sizes: PlanSizes): string[] {
  const out: string[] = [];
  for (let i = 0; i < sizes.module; i++) if (!covered(sizes, i)) out.push(`module.team["${i}"].aws_s3_bucket.images`);
  return out;
}

const covered = (sizes: PlanSizes, i: number): boolean => i % sizes.uncoveredEvery !== sizes.uncoveredEvery - 1;

const PROVIDER = "registry.terraform.io/hashicorp/aws";
const BUCKET = "aws_s3_bucket";
const CORS = "aws_s3_bucket_cors_configuration";

interface Rule {
  allowed_headers: string[];
  allowed_methods: string[];
  allowed_origins: string[];
  expose_headers: string[];
  max_age_seconds: number | null;
}

const IMAGE: Rule = { allowed_headers: [], allowed_methods: ["GET"], allowed_origins: ["*"], expose_headers: [], max_age_seconds: null };
const TEAM: Rule = { ...IMAGE, allowed_methods: ["GET", "HEAD"] };
const FRAMES: Rule = {
  allowed_headers: ["*"],
  allowed_methods: ["GET", "HEAD", "PUT"],
  allowed_origins: ["*"],
  expose_headers: ["Access-Control-Allow-Origin"],
  max_age_seconds: 3000,
};
/** What an operator put on a drifted bucket by hand. */
const BY_HAND: Rule = { allowed_headers: [], allowed_methods: ["GET", "PUT"], allowed_origins: ["https://example.com"], expose_headers: [], max_age_seconds: 0 };

const IMAGE_TAGS = { "groundtruth:bucket-role": "input", "groundtruth:job-types": "image" };
const FRAMES_TAGS = { "groundtruth:bucket-role": "input,output", "groundtruth:job-types": "video-frame" };
const TEAM_TAGS = { "groundtruth:job-types": "image" };

/** A rule as the provider reads it back from S3: no unset max age. */
const asRead = (r: Rule): Rule => ({ ...r, max_age_seconds: r.max_age_seconds ?? 0 });

/** Terraform's sensitivity mask of a rule list: one `false` per list element. */
const ruleMask = (rules: Rule[]) =>
  rules.map((r) => ({
    allowed_headers: r.allowed_headers.map(() => false),
    allowed_methods: r.allowed_methods.map(() => false),
    allowed_origins: r.allowed_origins.map(() => false),
    expose_headers: r.expose_headers.map(() => false),
  }));

/** Every attribute of an existing bucket as provider 5.100.0 records it. */
function bucketState(name: string, tags: Record<string, string>, rules: Rule[]) {
  return {
    acceleration_status: "",
    acl: null,
    arn: `arn:aws:s3:::${name}`,
    bucket: name,
    bucket_domain_name: `${name}.s3.amazonaws.com`,
    bucket_prefix: "",
    bucket_regional_domain_name: `${name}.s3.amazonaws.com`,
    cors_rule: rules.map(({ allowed_headers, allowed_methods, allowed_origins, expose_headers, max_age_seconds }) => ({
      allowed_headers,
      allowed_methods,
      allowed_origins,
      expose_headers,
      max_age_seconds,
    })),
    force_destroy: false,
    grant: [],
    hosted_zone_id: null,
    id: name,
    lifecycle_rule: [],
    logging: [],
    object_lock_configuration: [],
    object_lock_enabled: false,
    policy: "",
    region: "",
    replication_configuration: [],
    request_payer: "",
    server_side_encryption_configuration: [],
    tags,
    tags_all: tags,
    timeouts: null,
    versioning: [{ enabled: false, mfa_delete: false }],
    website: [],
    website_domain: null,
    website_endpoint: null,
  };
}

function bucketMask(rules: Rule[], existing: boolean) {
  const none: never[] = [];
  return {
    cors_rule: ruleMask(rules),
    grant: none,
    lifecycle_rule: none,
    logging: none,
    object_lock_configuration: none,
    replication_configuration: none,
    server_side_encryption_configuration: none,
    tags: {},
    tags_all: {},
    versioning: existing ? [{}] : none,
    website: none,
  };
}

const UNKNOWN_BUCKET = Object.fromEntries(
  Object.keys(bucketState("x", {}, [])).flatMap((k): Array<[string, unknown]> => {
    if (k === "tags" || k === "tags_all") return [[k, {}]];
    if (k === "bucket_prefix" || k === "force_destroy" || k === "timeouts") return [];
    return [[k, true]];
  }),
);

const corsState = (name: string, rule: Rule) => ({
  bucket: name,
  cors_rule: [{ ...withId(rule) }],
  expected_bucket_owner: "",
  id: name,
});

const withId = (r: Rule) => ({
  allowed_headers: r.allowed_headers,
  allowed_methods: r.allowed_methods,
  allowed_origins: r.allowed_origins,
  expose_headers: r.expose_headers,
  id: "",
  max_age_seconds: r.max_age_seconds,
});

/** One resource instance's identity, in Terraform's key order. */
function instance(module: string | null, type: string, name: string, index: string | number | null) {
  const local = `${type}.${name}${index === null ? "" : typeof index === "number" ? `[${index}]` : `[${JSON.stringify(index)}]`}`;
  return {
    address: module === null ? local : `${module}.${local}`,
    ...(module === null ? {} : { module_address: module }),
    mode: "managed",
    type,
    name,
    ...(index === null ? {} : { index }),
    provider_name: PROVIDER,
  };
}

function change(id: ReturnType<typeof instance>, actions: string[], c: Record<string, unknown>) {
  return { ...id, change: { actions, ...c } };
}

function created(id: ReturnType<typeof instance>, after: unknown, afterUnknown: unknown, afterSensitive: unknown) {
  return change(id, ["create"], { before: null, after, after_unknown: afterUnknown, before_sensitive: false, after_sensitive: afterSensitive });
}

function updated(id: ReturnType<typeof instance>, actions: string[], before: unknown, after: unknown, beforeSensitive: unknown, afterSensitive: unknown) {
  return change(id, actions, { before, after, after_unknown: {}, before_sensitive: beforeSensitive, after_sensitive: afterSensitive });
}

/** planned_values / prior_state entry: no module_address, schema_version before the values. */
function stateEntry(id: ReturnType<typeof instance>, values: unknown, sensitive: unknown, dependsOn?: string[]) {
  const { module_address: _, ...rest } = id as ReturnType<typeof instance> & { module_address?: string };
  return { ...rest, schema_version: 0, values, sensitive_values: sensitive, ...(dependsOn ? { depends_on: dependsOn } : {}) };
}

function createdBucket(id: ReturnType<typeof instance>, prefix: string, tags: Record<string, string>) {
  const after = { bucket_prefix: prefix, force_destroy: false, tags, tags_all: tags, timeouts: null };
  return { after, change: created(id, after, UNKNOWN_BUCKET, bucketMask([], false)), planned: stateEntry(id, after, bucketMask([], false)) };
}

function createdCors(id: ReturnType<typeof instance>, rule: Rule) {
  const after = { cors_rule: [withId(rule)], expected_bucket_owner: null };
  const mask = { cors_rule: ruleMask([rule]) };
  const unknown = { bucket: true, cors_rule: ruleMask([rule]), id: true };
  return { change: created(id, after, unknown, mask), planned: stateEntry(id, after, mask) };
}

/** Lexicographically sorted for_each keys "0".."n-1", as Terraform orders instances. */
const keys = (n: number): string[] => Array.from({ length: n }, (_, i) => String(i)).sort();

/** Writes the plan to `write` in pieces of a few hundred kilobytes at most. */
export function writePlan(sizes: PlanSizes, write: (chunk: string) => void): void {
  let pending = "";
  const put = (s: string): void => {
    pending += s;
    if (pending.length > 1 << 18) {
      write(pending);
      pending = "";
    }
  };
  const list = (items: Iterable<unknown>): void => {
    put("[");
    let first = true;
    for (const item of items) {
      put((first ? "" : ",") + JSON.stringify(item));
      first = false;
    }
    put("]");
  };

  const existing = keys(sizes.existing);
  const roots = keys(sizes.root);
  const teams = keys(sizes.module);
  const drifted = (k: string): boolean => Number(k) < sizes.drifted;
  const existingName = (k: string) => `gt-existing-${k}`;
  const actual = (k: string): Rule => (drifted(k) ? BY_HAND : asRead(IMAGE));

  function* existingBuckets(part: "drift" | "change" | "state") {
    for (const k of existing) {
      const id = instance(null, BUCKET, "existing", k);
      const now = bucketState(existingName(k), IMAGE_TAGS, [actual(k)]);
      const mask = bucketMask([actual(k)], true);
      if (part === "drift") yield updated(id, ["update"], bucketState(existingName(k), IMAGE_TAGS, []), now, bucketMask([], true), mask);
      else if (part === "change") yield updated(id, ["no-op"], now, now, mask, mask);
      else yield stateEntry(id, now, mask);
    }
  }
  function* existingCors(part: "drift" | "change" | "planned" | "state") {
    for (const k of existing) {
      const id = instance(null, CORS, "existing", k);
      const applied = corsState(existingName(k), IMAGE);
      const now = corsState(existingName(k), actual(k));
      const planned = drifted(k) ? applied : now;
      const mask = (r: Rule) => ({ cors_rule: ruleMask([r]) });
      if (part === "drift") yield updated(id, ["update"], applied, now, mask(IMAGE), mask(actual(k)));
      else if (part === "change") yield updated(id, [drifted(k) ? "update" : "no-op"], now, planned, mask(actual(k)), mask(IMAGE));
      else if (part === "planned") yield stateEntry(id, planned, mask(IMAGE));
      else yield stateEntry(id, now, mask(actual(k)), [`${BUCKET}.existing`]);
    }
  }
  function* rootBuckets(part: "change" | "planned") {
    for (const k of roots) {
      const b = createdBucket(instance(null, BUCKET, "root", k), `gt-root-${k}-`, FRAMES_TAGS);
      yield part === "change" ? b.change : b.planned;
    }
  }
  function* rootCors(part: "change" | "planned") {
    for (const k of roots) {
      const c = createdCors(instance(null, CORS, "root", k), FRAMES);
      yield part === "change" ? c.change : c.planned;
    }
  }
  function* team(k: string, part: "change" | "planned") {
    const module = `module.team[${JSON.stringify(k)}]`;
    const b = createdBucket(instance(module, BUCKET, "images", null), `gt-team-${k}-`, TEAM_TAGS);
    yield part === "change" ? b.change : b.planned;
    if (covered(sizes, Number(k))) {
      const c = createdCors(instance(module, CORS, "images", 0), TEAM);
      yield part === "change" ? c.change : c.planned;
    }
  }
  function* teams_(part: "change" | "planned") {
    for (const k of teams) yield* team(k, part);
  }
  function* childModules() {
    for (const k of teams) yield { resources: [...team(k, "planned")], address: `module.team[${JSON.stringify(k)}]` };
  }
  function* concat<T>(...parts: Iterable<T>[]) {
    for (const p of parts) yield* p;
  }

  put(`{"format_version":"1.2","terraform_version":"1.11.4","planned_values":{"root_module":{"resources":`);
  list(concat(existingBuckets("state"), rootBuckets("planned"), existingCors("planned"), rootCors("planned")));
  if (teams.length > 0) {
    put(`,"child_modules":`);
    list(childModules());
  }
  put(`}},"resource_drift":`);
  list(concat(existingBuckets("drift"), existingCors("drift")));
  put(`,"resource_changes":`);
  list(concat(existingBuckets("change"), rootBuckets("change"), existingCors("change"), rootCors("change"), teams_("change")));
  put(`,"prior_state":{"format_version":"1.0","terraform_version":"1.11.4","values":{"root_module":{"resources":`);
  list(concat(existingBuckets("state"), existingCors("state")));
  put(`}}},"configuration":`);
  put(JSON.stringify(configuration(sizes)));
  put(`,"relevant_attributes":`);
  list(
    concat(
      [
        { resource: `${BUCKET}.existing`, attribute: [] },
        { resource: `${BUCKET}.root`, attribute: [] },
      ],
      (function* () {
        for (const k of teams) if (covered(sizes, Number(k))) yield { resource: `module.team[${JSON.stringify(k)}].${BUCKET}.images`, attribute: ["id"] };
      })(),
    ),
  );
  put(`,"timestamp":"2026-01-01T00:00:00Z","applyable":true,"complete":true,"errored":false}`);
  write(pending);
}

/** The whole plan as one string (small sizes only: V8 strings end near 512 MB). */
export function planText(sizes: PlanSizes): string {
  const chunks: string[] = [];
  writePlan(sizes, (c) => chunks.push(c));
  return chunks.join("");
}

/** The root's configuration: the same whatever the sizes, as for_each keeps it one block per resource. */
function configuration(sizes: PlanSizes) {
  const rule = (r: Rule) =>
    Object.fromEntries(
      Object.entries({
        allowed_headers: r.allowed_headers.length > 0 ? r.allowed_headers : undefined,
        allowed_methods: r.allowed_methods,
        allowed_origins: r.allowed_origins,
        expose_headers: r.expose_headers.length > 0 ? r.expose_headers : undefined,
        max_age_seconds: r.max_age_seconds ?? undefined,
      })
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, { constant_value: v }]),
    );
  const bucket = (name: string, nameAttribute: string, references: string[], tags: Record<string, string>) => ({
    address: `${BUCKET}.${name}`,
    mode: "managed",
    type: BUCKET,
    name,
    provider_config_key: "aws",
    expressions: { [nameAttribute]: { references }, tags: { constant_value: tags } },
    schema_version: 0,
  });
  const cors = (name: string, references: string[], r: Rule, extra: Record<string, unknown>) => ({
    address: `${CORS}.${name}`,
    mode: "managed",
    type: CORS,
    name,
    provider_config_key: "aws",
    expressions: { bucket: { references }, cors_rule: [rule(r)] },
    schema_version: 0,
    ...extra,
  });
  const each = ["each.value.id", "each.value"];
  return {
    provider_config: {
      aws: {
        name: "aws",
        full_name: PROVIDER,
        version_constraint: "5.100.0",
        expressions: {
          access_key: { constant_value: "S3RVER" },
          endpoints: [{ s3: { constant_value: "http://127.0.0.1:4566" } }],
          region: { constant_value: "us-east-1" },
          s3_use_path_style: { constant_value: true },
          secret_key: { constant_value: "S3RVER" },
          skip_credentials_validation: { constant_value: true },
          skip_metadata_api_check: { constant_value: true },
          skip_region_validation: { constant_value: true },
          skip_requesting_account_id: { constant_value: true },
        },
      },
    },
    root_module: {
      resources: [
        ...(sizes.existing > 0 ? [bucket("existing", "bucket", ["each.key"], IMAGE_TAGS)] : []),
        ...(sizes.root > 0 ? [bucket("root", "bucket_prefix", ["each.key"], FRAMES_TAGS)] : []),
        ...(sizes.existing > 0 ? [cors("existing", each, IMAGE, { for_each_expression: { references: [`${BUCKET}.existing`] } })] : []),
        ...(sizes.root > 0 ? [cors("root", each, FRAMES, { for_each_expression: { references: [`${BUCKET}.root`] } })] : []),
      ],
      module_calls: {
        team: {
          source: "./modules/team",
          expressions: { cors: { references: ["each.key"] }, name: { references: ["each.key"] } },
          module: {
            resources: [
              bucket("images", "bucket_prefix", ["var.name"], TEAM_TAGS),
              cors("images", ["aws_s3_bucket.images.id", "aws_s3_bucket.images"], TEAM, { count_expression: { references: ["var.cors"] } }),
            ],
            variables: { cors: { default: true }, name: {} },
          },
        },
      },
    },
  };
}
