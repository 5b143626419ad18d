# METADATA
# title: Tests of what an input does to each bucket's CORS
# description: |
#   Plan fragments whose CORS configurations put, keep or only delete a bucket's CORS, as the gate reads them to
#   join the inputs of a run.
package gtcors.writes_test

import rego.v1

import data.gtcors

get_rule := {"allowed_methods": ["GET"], "allowed_origins": ["*"]}

rc(address, type, actions, before, after) := {
	"address": address,
	"mode": "managed",
	"type": type,
	"name": split(address, ".")[1],
	"change": {"actions": actions, "before": before, "after": after, "after_unknown": {}},
}

cors(address, actions, before_bucket, after_bucket) := rc(address, "aws_s3_bucket_cors_configuration", actions, bucket_doc(before_bucket), bucket_doc(after_bucket))

bucket_doc(null) := null

bucket_doc(name) := {"bucket": name, "cors_rule": [get_rule]} if is_string(name)

test_created_updated_and_unchanged_configurations_put_or_keep if {
	changes := [
		cors("aws_s3_bucket_cors_configuration.a", ["create"], null, "bucket-a"),
		cors("aws_s3_bucket_cors_configuration.b", ["update"], "bucket-b", "bucket-b"),
		cors("aws_s3_bucket_cors_configuration.c", ["no-op"], "bucket-c", "bucket-c"),
	]
	w := {[x.bucket, x.address, x.action] | some x in gtcors.report.cors_writes} with input as {"format_version": "1.2", "resource_changes": changes}
	w == {
		["bucket-a", "aws_s3_bucket_cors_configuration.a", "put"],
		["bucket-b", "aws_s3_bucket_cors_configuration.b", "put"],
		["bucket-c", "aws_s3_bucket_cors_configuration.c", "keep"],
	}
}

test_a_delete_counts_only_where_no_configuration_stays if {
	changes := [
		cors("aws_s3_bucket_cors_configuration.gone", ["delete"], "bucket-gone", null),
		cors("aws_s3_bucket_cors_configuration.swapped", ["delete", "create"], "bucket-swapped", "bucket-swapped"),
		cors("aws_s3_bucket_cors_configuration.old", ["delete"], "bucket-renamed", null),
		cors("aws_s3_bucket_cors_configuration.new", ["create"], null, "bucket-renamed"),
		# removed { lifecycle { destroy = false } }: S3 keeps the CORS, which this input no longer writes.
		rc("aws_s3_bucket_cors_configuration.forgotten", "aws_s3_bucket_cors_configuration", ["forget"], bucket_doc("bucket-forgotten"), null),
	]
	w := {[x.bucket, x.address, x.action] | some x in gtcors.report.cors_writes} with input as {"format_version": "1.2", "resource_changes": changes}
	w == {
		["bucket-gone", "aws_s3_bucket_cors_configuration.gone", "delete"],
		["bucket-swapped", "aws_s3_bucket_cors_configuration.swapped", "put"],
		["bucket-renamed", "aws_s3_bucket_cors_configuration.new", "put"],
	}
}

test_inline_rules_and_linked_configurations_name_their_bucket if {
	bucket := rc("aws_s3_bucket.inline", "aws_s3_bucket", ["create"], null, {"bucket": "bucket-inline", "cors_rule": [get_rule]})
	linked := rc("aws_s3_bucket.linked", "aws_s3_bucket", ["create"], null, {"bucket": "bucket-linked"})
	config := rc("aws_s3_bucket_cors_configuration.linked", "aws_s3_bucket_cors_configuration", ["create"], null, {"cors_rule": [get_rule]})
	p := {"format_version": "1.2", "resource_changes": [bucket, linked, config], "configuration": {"root_module": {"resources": [
		{"address": "aws_s3_bucket.inline", "mode": "managed", "type": "aws_s3_bucket", "expressions": {"cors_rule": [{"allowed_methods": {"constant_value": ["GET"]}}]}},
		{"address": "aws_s3_bucket.linked", "mode": "managed", "type": "aws_s3_bucket", "expressions": {}},
		{"address": "aws_s3_bucket_cors_configuration.linked", "mode": "managed", "type": "aws_s3_bucket_cors_configuration", "expressions": {"bucket": {"references": ["aws_s3_bucket.linked.id", "aws_s3_bucket.linked"]}}},
	]}}}
	w := {[x.bucket, x.address, x.action] | some x in gtcors.report.cors_writes} with input as p
	w == {
		["bucket-inline", "aws_s3_bucket.inline", "put"],
		["bucket-linked", "aws_s3_bucket_cors_configuration.linked", "put"],
	}
}
