/**
 * Test support: takes the roots in ./fixtures/semantics and a running local S3 endpoint, and produces real plans
 * of the ways an apply can end without CORS, applying the plans whose outcome S3 decides and reading each bucket's
 * CORS back after every apply. One lane walks the ordering root through its states (v1 applied, then targeted,
 * renamed, v2, destroy-target and deposed plans); the other plans the unknown-marking and linking roots and
 * applies the rejected-rules root.
 */
import { promises as fs } from "fs";
import * as path from "path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { LocalS3, localS3Client } from "../../local-s3";
import { runTerraform } from "../../scripts/terraform-cli";
import { TerraformEnvironment } from "../../scripts/terraform-env";
import { copyRoot, FIXTURES, plan } from "./fixture-plans";
import { corsOf, CorsState } from "./s3-cors-state";

export const SEMANTICS = path.join(FIXTURES, "semantics");

/** A bucket's CORS as S3 holds it after an apply: its rules, or null when it has none. */
export type { CorsState };

export interface SemanticsPlans {
  /** v1 state, `-target` of one bucket whose CORS the plan does not touch. */
  readonly untouched: string;
  /** v1 state, v2 plus a CORS configuration renamed without `moved` (planned only). */
  readonly renamed: string;
  /** v1 state, v2 with `-replace` of the create_before_destroy and the ordinary CORS configuration; applied. */
  readonly v2: string;
  readonly afterV2: Record<string, CorsState>;
  /** v2 state, `-destroy -target` of one CORS configuration; applied. */
  readonly destroyTarget: string;
  readonly afterDestroyTarget: Record<string, CorsState>;
  /** After destroy-target, the state given a deposed object of one CORS configuration; applied. */
  readonly deposed: string;
  readonly afterDeposed: Record<string, CorsState>;
  readonly unknownMarking: string;
  readonly linking: string;
  /** Rules S3 rejects; applied (the apply fails for those the endpoint rejects). */
  readonly rejected: string;
  readonly rejectedApplyCode: number;
  readonly afterRejected: Record<string, CorsState>;
}

export const ORDERING_BUCKETS = [
  "cbd",
  "replaced",
  "renamed",
  "moved",
  "forgotten",
  "deposed",
  "targeted",
  "untouched",
  "to-inline-same",
  "to-inline-new",
  "to-separate",
  "external",
].map((b) => `gt-ord-${b}`);

export const REJECTED_BUCKETS = ["accepted", "patch", "lower-case", "no-method", "two-wildcard", "header"].map((b) => `gt-rej-${b}`);

const apply = (terraform: TerraformEnvironment, dir: string, planFile: string, okCodes: number[] = [0]) =>
  runTerraform(terraform, dir, ["apply", "-input=false", "-no-color", "-lock=false", planFile], okCodes);

/** Adds a deposed copy of a CORS configuration's current object to the state, as an interrupted
 * create_before_destroy replacement leaves one. */
async function depose(terraform: TerraformEnvironment, dir: string, name: string): Promise<void> {
  const state = JSON.parse((await runTerraform(terraform, dir, ["state", "pull"])).stdout) as {
    serial: number;
    resources: Array<{ type: string; name: string; instances: Array<Record<string, unknown>> }>;
  };
  const resource = state.resources.find((r) => r.type === "aws_s3_bucket_cors_configuration" && r.name === name)!;
  resource.instances.push({ ...resource.instances[0], deposed: "0d5e9c1a" });
  state.serial += 1;
  const file = path.join(dir, "deposed.tfstate");
  await fs.writeFile(file, JSON.stringify(state));
  await runTerraform(terraform, dir, ["state", "push", "-lock=false", file]);
}

async function orderingLane(terraform: TerraformEnvironment, work: string, s3: LocalS3, client: S3Client) {
  const dir = path.join(work, "ordering");
  const version = (v: string) => fs.copyFile(path.join(SEMANTICS, "ordering", v, "main.tf"), path.join(dir, "main.tf"));
  await client.send(new CreateBucketCommand({ Bucket: "gt-ord-external" }));
  await copyRoot(path.join(SEMANTICS, "ordering", "v1"), dir, s3.endpoint);
  await runTerraform(terraform, dir, ["init", "-input=false", "-no-color"]);
  await runTerraform(terraform, dir, ["apply", "-input=false", "-no-color", "-auto-approve", "-lock=false"]);
  // Plans that are only judged skip the refresh: the state was just written by the apply.
  const untouched = await plan(terraform, dir, "untouched", ["-refresh=false", '-target=aws_s3_bucket.b["untouched"]']);
  // v2 with one more change, planned only: renamed_old renamed to renamed_new without a moved block. Its delete
  // and the new create are unordered; on the local endpoint the provider's delete waiter then times out, so it
  // is not applied.
  const v2 = await fs.readFile(path.join(SEMANTICS, "ordering", "v2", "main.tf"), "utf8");
  await fs.writeFile(path.join(dir, "main.tf"), v2.replace('"renamed_old"', '"renamed_new"'));
  const renamed = await plan(terraform, dir, "renamed", ["-refresh=false"]);
  await version("v2");
  const v2Plan = await plan(terraform, dir, "v2", [
    "-replace=aws_s3_bucket_cors_configuration.cbd",
    "-replace=aws_s3_bucket_cors_configuration.replaced",
  ]);
  await apply(terraform, dir, "v2.tfplan");
  const afterV2 = await corsOf(client, ORDERING_BUCKETS);
  const destroyTarget = await plan(terraform, dir, "destroy-target", ["-refresh=false", "-destroy", "-target=aws_s3_bucket_cors_configuration.targeted"]);
  await apply(terraform, dir, "destroy-target.tfplan");
  const afterDestroyTarget = await corsOf(client, ORDERING_BUCKETS);
  await depose(terraform, dir, "deposed");
  const deposed = await plan(terraform, dir, "deposed", ["-refresh=false"]);
  await apply(terraform, dir, "deposed.tfplan");
  const afterDeposed = await corsOf(client, ORDERING_BUCKETS);
  return { untouched, renamed, v2: v2Plan, afterV2, destroyTarget, afterDestroyTarget, deposed, afterDeposed };
}

async function otherLane(terraform: TerraformEnvironment, work: string, s3: LocalS3, client: S3Client) {
  const planned = async (root: string, endpoint: string) => {
    const dir = path.join(work, root);
    await copyRoot(path.join(SEMANTICS, root), dir, endpoint);
    await runTerraform(terraform, dir, ["init", "-input=false", "-no-color"]);
    return { dir, file: await plan(terraform, dir, "plan") };
  };
  const unused = "http://127.0.0.1:9";
  const unknownMarking = (await planned("unknown-marking", unused)).file;
  const linking = (await planned("linking", unused)).file;
  const rejectedRoot = await planned("rejected-rules", s3.endpoint);
  const rejectedApplyCode = (await apply(terraform, rejectedRoot.dir, "plan.tfplan", [0, 1])).code;
  const afterRejected = await corsOf(client, REJECTED_BUCKETS);
  return { unknownMarking, linking, rejected: rejectedRoot.file, rejectedApplyCode, afterRejected };
}

export async function planSemantics(terraform: TerraformEnvironment, work: string, s3: LocalS3): Promise<SemanticsPlans> {
  const client = localS3Client(s3);
  const [ordering, other] = await Promise.all([orderingLane(terraform, work, s3, client), otherLane(terraform, work, s3, client)]);
  return { ...ordering, ...other };
}
