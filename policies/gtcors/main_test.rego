# METADATA
# title: Tests of the gate's findings, exceptions and report
# description: |
#   One small CDKTF configuration per case (the plan shapes are covered in resources_test.rego): a compliant
#   bucket and numbered non-compliant ones per rule, data-listed buckets, restricted origins and exceptions.
package gtcors_test

import rego.v1

import data.gtcors

basic := {"allowed_methods": ["GET"], "allowed_origins": ["*"]}

strong := {
	"allowed_headers": ["*"],
	"allowed_methods": ["GET", "HEAD", "PUT"],
	"allowed_origins": ["*"],
	"expose_headers": ["Access-Control-Allow-Origin"],
	"max_age_seconds": 3000,
}

# A CDKTF configuration with one bucket tagged with job types and roles, and a CORS resource with the given rules.
stack(job_types, roles, rules) := {"resource": object.union(
	{"aws_s3_bucket": {"b": {"bucket": "labeling", "tags": {"groundtruth:job-types": job_types, "groundtruth:bucket-role": roles}}}},
	cors_resource(rules),
)}

cors_resource(rules) := {} if {
	count(rules) == 0
} else := {"aws_s3_bucket_cors_configuration": {"c": {"bucket": "${aws_s3_bucket.b.id}", "cors_rule": rules}}}

rule_ids(report) := {f.rule | some f in report.findings}

test_compliance_image_input if {
	r := gtcors.report with input as stack("image", "input", [basic])
	r.findings == []
	r.buckets[0].compliant == true
}

test_compliance_video_frame_output if {
	r := gtcors.report with input as stack("video-frame", "output", [strong])
	r.findings == []
}

test_image_output_needs_no_cors if {
	r := gtcors.report with input as stack("image", "output", [])
	r.findings == []
}

test_noncompliance_1_no_cors_configuration if {
	r := gtcors.report with input as stack("image", "input", [])
	[f] := r.findings
	f.rule == "GTCORS-001"
	f.address == "aws_s3_bucket.b"
	f.bucket == "labeling"
	f.fix.allowed_methods == ["GET"]
	r.buckets[0].compliant == false
}

test_noncompliance_2_image_without_get if {
	r := gtcors.report with input as stack("text", "input", [{"allowed_methods": ["HEAD"], "allowed_origins": ["*"]}])
	[f] := r.findings
	f.rule == "GTCORS-002"
	f.missing == ["method GET"]
}

test_noncompliance_3_point_cloud_with_basic_rule if {
	r := gtcors.report with input as stack("point-cloud", "input,output", [basic])
	[f] := r.findings
	f.rule == "GTCORS-003"
	f.fix == {
		"allowed_headers": ["*"],
		"allowed_methods": ["GET", "HEAD", "PUT"],
		"allowed_origins": ["*"],
		"expose_headers": ["Access-Control-Allow-Origin"],
		"max_age_seconds": 3000,
	}
}

test_noncompliance_4_inline_and_separate_resource if {
	config := {"resource": {
		"aws_s3_bucket": {"b": {"bucket": "labeling", "tags": {"groundtruth:job-types": "image"}, "cors_rule": [basic]}},
		"aws_s3_bucket_cors_configuration": {"c": {"bucket": "${aws_s3_bucket.b.id}", "cors_rule": [basic]}},
	}}
	rule_ids(gtcors.report) == {"GTCORS-004", "GTCORS-008"} with input as config
}

test_noncompliance_5_shadowing_rule_is_a_warning if {
	r := gtcors.report with input as stack("video-frame", "input", [strong, basic])
	[f] := r.findings
	f.rule == "GTCORS-005"
	f.severity == "warning"
	r.buckets[0].compliant == true
}

test_noncompliance_6_unknown_job_type if {
	r := gtcors.report with input as stack("image,vidoe", "input", [basic])
	rule_ids(r) == {"GTCORS-006"}
}

test_noncompliance_9_unlinked_unknown_bucket if {
	config := {"resource": {"aws_s3_bucket_cors_configuration": {"c": {"bucket": "${data.external.name.result}", "cors_rule": [basic]}}}}
	rule_ids(gtcors.report) == {"GTCORS-009"} with input as config
}

test_unmarked_bucket_is_not_checked if {
	config := {"resource": {"aws_s3_bucket": {"logs": {"bucket": "logs"}}}}
	r := gtcors.report with input as config
	r.buckets == []
	r.findings == []
}

test_bucket_listed_in_data_by_name if {
	config := {"resource": {"aws_s3_bucket": {"b": {"bucket": "listed"}}}}
	r := gtcors.report with input as config with data.groundtruth as {"buckets": [{"bucket": "listed", "job_types": ["image"]}]}
	rule_ids(r) == {"GTCORS-001"}
}

test_bucket_managed_elsewhere_listed_in_data if {
	config := {"resource": {"aws_s3_bucket_cors_configuration": {"c": {"bucket": "elsewhere", "cors_rule": [basic]}}}}
	settings := {"buckets": [{"bucket": "elsewhere", "job_types": ["video-frame"], "roles": ["output"]}]}
	r := gtcors.report with input as config with data.groundtruth as settings
	[f] := r.findings
	f.rule == "GTCORS-003"
	f.address == "aws_s3_bucket_cors_configuration.c"
	f.bucket == "elsewhere"
}

test_restricted_origins_from_data if {
	portal := {"allowed_methods": ["GET"], "allowed_origins": ["https://*.portal.example.com"]}
	rule_ids(gtcors.report) == {"GTCORS-002"} with input as stack("image", "input", [portal])
	r := gtcors.report with input as stack("image", "input", [portal])
		with data.groundtruth as {"origins": ["https://eu.portal.example.com"]}
	r.findings == []
}

test_exception_with_reason_is_reported_not_dropped if {
	settings := {"exceptions": [{"address": "aws_s3_bucket.b", "rule": "GTCORS-001", "reason": "images served by CloudFront"}]}
	r := gtcors.report with input as stack("image", "input", []) with data.groundtruth as settings
	r.findings == []
	[e] := r.exceptions
	e.rule == "GTCORS-001"
	e.reason == "images served by CloudFront"
}

test_exception_by_bucket_name if {
	settings := {"exceptions": [{"bucket": "labeling", "rule": "GTCORS-001", "reason": "migrating"}]}
	r := gtcors.report with input as stack("image", "input", []) with data.groundtruth as settings
	count(r.exceptions) == 1
}

test_exception_without_reason_suppresses_nothing if {
	settings := {"exceptions": [{"address": "aws_s3_bucket.b", "rule": "GTCORS-001", "reason": "  "}]}
	r := gtcors.report with input as stack("image", "input", []) with data.groundtruth as settings
	rule_ids(r) == {"GTCORS-001", "GTCORS-007"}
	r.exceptions == []
}

test_excepted_finding_names_its_exception if {
	settings := {"exceptions": [
		{"address": "aws_s3_bucket.other", "rule": "GTCORS-001", "reason": "another bucket"},
		{"bucket": "labeling", "rule": "GTCORS-001", "reason": "migrating"},
	]}
	r := gtcors.report with input as stack("image", "input", []) with data.groundtruth as settings
	[e] := r.exceptions
	e.exception == 1
}

# The policy sees no file paths: an exception scoped to an input or root suppresses nothing unless the gate has
# matched its scope and passed it on without one.
test_scoped_exception_suppresses_nothing_in_the_policy_alone if {
	settings := {"exceptions": [{"address": "aws_s3_bucket.b", "rule": "GTCORS-001", "reason": "r", "input": "infra/a/*.json"}]}
	r := gtcors.report with input as stack("image", "input", []) with data.groundtruth as settings
	rule_ids(r) == {"GTCORS-001"}
	r.exceptions == []
	count(gtcors.deny) == 1 with input as stack("image", "input", []) with data.groundtruth as settings
}

test_root_scoped_exception_suppresses_nothing_in_the_policy_alone if {
	settings := {"exceptions": [{"address": "aws_s3_bucket.b", "rule": "GTCORS-001", "reason": "r", "root": "infra/a"}]}
	r := gtcors.report with input as stack("image", "input", []) with data.groundtruth as settings
	rule_ids(r) == {"GTCORS-001"}
}

test_two_data_entries_for_one_bucket if {
	settings := {"buckets": [
		{"address": "aws_s3_bucket.b", "job_types": ["image"]},
		{"bucket": "labeling", "job_types": ["video-frame"]},
	]}
	r := gtcors.report with input as stack("", "", []) with data.groundtruth as settings
	[e] := r.data_errors
	e.path == "$.groundtruth.buckets[1]"
	contains(e.message, "the first is $.groundtruth.buckets[0]")
}

test_two_data_entries_for_one_bucket_deny_under_conftest if {
	settings := {"buckets": [
		{"address": "aws_s3_bucket.b", "job_types": ["image"]},
		{"bucket": "labeling", "job_types": ["video-frame"]},
	]}
	some msg in gtcors.deny with input as stack("", "", []) with data.groundtruth as settings
	startswith(msg, "data error at $.groundtruth.buckets[1]: a second entry for the bucket aws_s3_bucket.b")
}

test_one_data_entry_per_bucket_is_no_error if {
	settings := {"buckets": [{"address": "aws_s3_bucket.b", "job_types": ["image"]}]}
	r := gtcors.report with input as stack("", "", []) with data.groundtruth as settings
	r.data_errors == []
}

test_exception_for_another_rule_changes_nothing if {
	settings := {"exceptions": [{"address": "aws_s3_bucket.b", "rule": "GTCORS-003", "reason": "not this one"}]}
	r := gtcors.report with input as stack("image", "input", []) with data.groundtruth as settings
	rule_ids(r) == {"GTCORS-001"}
}

test_report_names_the_input_kind if {
	r := gtcors.report with input as stack("image", "input", [basic])
	r.input == {"kind": "config", "location": "input"}
}
