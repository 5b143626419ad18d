# METADATA
# title: Tests of instance keys given through a module variable
# description: |
#   A plan fragment with a module whose CORS configuration's bucket is `var.bucket_id`, given a keyed bucket.
package gtcors.keys_test

import rego.v1

import data.gtcors

tags := {"groundtruth:job-types": "image"}

get_rule := {"allowed_methods": ["GET"], "allowed_origins": ["*"]}

rc(address, type, name, module_address, index, after) := {
	"address": address,
	"mode": "managed",
	"type": type,
	"name": name,
	"module_address": module_address,
	"index": index,
	"change": {"actions": ["create"], "before": null, "after": after, "after_unknown": {}},
}

test_key_given_through_module_variable_pairs_only_that_instance if {
	one := rc("aws_s3_bucket.b[\"one\"]", "aws_s3_bucket", "b", "", "one", {"tags": tags})
	two := rc("aws_s3_bucket.b[\"two\"]", "aws_s3_bucket", "b", "", "two", {"tags": tags})
	c := rc("module.m.aws_s3_bucket_cors_configuration.this", "aws_s3_bucket_cors_configuration", "this", "module.m", null, {"cors_rule": [get_rule]})
	p := {"format_version": "1.2", "resource_changes": [one, two, c], "configuration": {"root_module": {
		"resources": [{"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "expressions": {}}],
		"module_calls": {"m": {
			"expressions": {"bucket_id": {"references": ["aws_s3_bucket.b[\"one\"].id", "aws_s3_bucket.b[\"one\"]", "aws_s3_bucket.b"]}},
			"module": {"resources": [{"address": "aws_s3_bucket_cors_configuration.this", "mode": "managed", "type": "aws_s3_bucket_cors_configuration", "expressions": {"bucket": {"references": ["var.bucket_id"]}}}]},
		}},
	}}}
	r := gtcors.report with input as p
	{sprintf("%s %s", [f.rule, f.address]) | some f in r.findings} == {"GTCORS-001 aws_s3_bucket.b[\"two\"]"}
	{b.address | some b in r.buckets; b.compliant} == {"aws_s3_bucket.b[\"one\"]"}
}
