/**
 * Takes a bucket count and produces a Terraform plan JSON document shaped as `terraform show -json` writes it:
 * that many Ground Truth buckets (names unknown, as with bucket_prefix), each with its CORS configuration linked
 * through configuration references, half image input and half video-frame. Used by bench/gate.ts.
 */

export function generatePlan(buckets: number): string {
  const changes: unknown[] = [];
  const configured: unknown[] = [];
  const planned: unknown[] = [];
  const basic = { allowed_headers: [], allowed_methods: ["GET"], allowed_origins: ["*"], expose_headers: [], id: "", max_age_seconds: null };
  const strong = {
    allowed_headers: ["*"],
    allowed_methods: ["GET", "HEAD", "PUT"],
    allowed_origins: ["*"],
    expose_headers: ["Access-Control-Allow-Origin"],
    id: "",
    max_age_seconds: 3000,
  };
  for (let i = 0; i < buckets; i++) {
    const name = `labeling_${i}`;
    const frames = i % 2 === 1;
    const tags = { "groundtruth:job-types": frames ? "video-frame" : "image", "groundtruth:bucket-role": frames ? "input,output" : "input" };
    const bucketAfter = { bucket_prefix: `gt-${i}-`, force_destroy: false, tags, timeouts: null };
    const corsAfter = { cors_rule: [frames ? strong : basic], expected_bucket_owner: null };
    changes.push(
      {
        address: `aws_s3_bucket.${name}`,
        mode: "managed",
        type: "aws_s3_bucket",
        name,
        provider_name: "registry.terraform.io/hashicorp/aws",
        change: {
          actions: ["create"],
          before: null,
          after: bucketAfter,
          after_unknown: { arn: true, bucket: true, id: true, tags_all: true, cors_rule: true },
          before_sensitive: false,
          after_sensitive: { tags: {}, tags_all: {} },
        },
      },
      {
        address: `aws_s3_bucket_cors_configuration.${name}`,
        mode: "managed",
        type: "aws_s3_bucket_cors_configuration",
        name,
        provider_name: "registry.terraform.io/hashicorp/aws",
        change: {
          actions: ["create"],
          before: null,
          after: corsAfter,
          after_unknown: { bucket: true, id: true, cors_rule: [{ allowed_headers: [false], allowed_methods: [false] }] },
          before_sensitive: false,
          after_sensitive: { cors_rule: [{}] },
        },
      },
    );
    planned.push(
      { address: `aws_s3_bucket.${name}`, mode: "managed", type: "aws_s3_bucket", name, values: bucketAfter },
      { address: `aws_s3_bucket_cors_configuration.${name}`, mode: "managed", type: "aws_s3_bucket_cors_configuration", name, values: corsAfter },
    );
    configured.push(
      {
        address: `aws_s3_bucket.${name}`,
        mode: "managed",
        type: "aws_s3_bucket",
        name,
        provider_config_key: "aws",
        expressions: { bucket_prefix: { constant_value: `gt-${i}-` }, tags: { constant_value: tags } },
        schema_version: 0,
      },
      {
        address: `aws_s3_bucket_cors_configuration.${name}`,
        mode: "managed",
        type: "aws_s3_bucket_cors_configuration",
        name,
        provider_config_key: "aws",
        expressions: {
          bucket: { references: [`aws_s3_bucket.${name}.id`, `aws_s3_bucket.${name}`] },
          cors_rule: [{ allowed_methods: { constant_value: (frames ? strong : basic).allowed_methods }, allowed_origins: { constant_value: ["*"] } }],
        },
        schema_version: 0,
      },
    );
  }
  return JSON.stringify({
    format_version: "1.2",
    terraform_version: "1.11.4",
    planned_values: { root_module: { resources: planned } },
    resource_changes: changes,
    configuration: {
      provider_config: { aws: { name: "aws", full_name: "registry.terraform.io/hashicorp/aws" } },
      root_module: { resources: configured },
    },
    timestamp: "2026-01-01T00:00:00Z",
    applyable: true,
    complete: true,
    errored: false,
  });
}
