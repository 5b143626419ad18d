# METADATA
# title: Tests of judging the end state of an apply
# description: |
#   Plan fragments shaped as `terraform show -json` writes them: create_before_destroy replacements, deposed
#   objects, renames, deletes beside inline rules, `forget`, prior_state-only buckets, unknown tags, conditional
#   links, module instance keys and rules S3 rejects; and CDKTF configurations with tokens, default tags and modules.
package gtcors.end_state_test

import rego.v1

import data.gtcors
import data.gtcors.resources

get_rule := {"allowed_methods": ["GET"], "allowed_origins": ["*"]}

tags := {"groundtruth:job-types": "image"}

rc(address, actions, before, after) := {
	"address": address,
	"mode": "managed",
	"type": split(address, ".")[0],
	"name": split(split(address, ".")[1], "[")[0],
	"change": {"actions": actions, "before": before, "after": after},
}

bucket(actions) := rc("aws_s3_bucket.b", actions, {"bucket": "b", "tags": tags}, {"bucket": "b", "tags": tags})

cors(name, actions) := rc(concat(".", ["aws_s3_bucket_cors_configuration", name]), actions, {"bucket": "b", "cors_rule": [get_rule]}, {"bucket": "b", "cors_rule": [get_rule]})

plan(changes) := {"format_version": "1.2", "resource_changes": changes, "configuration": {"root_module": {}}}


report_findings(p) := {sprintf("%s %s", [f.rule, f.address]) | some f in r.findings} if r := gtcors.report with input as p

test_create_before_destroy_replacement_wipes_the_bucket if {
	report_findings(plan([bucket(["no-op"]), cors("c", ["create", "delete"])])) == {"GTCORS-011 aws_s3_bucket.b"}
}

test_destroy_before_create_replacement_passes if {
	report_findings(plan([bucket(["no-op"]), cors("c", ["delete", "create"])])) == set()
}

test_deposed_object_does_not_conflict_and_wipes if {
	deposed := object.union(cors("c", ["delete"]), {"deposed": "00000001", "change": {"actions": ["delete"], "before": {"bucket": "b", "cors_rule": [get_rule]}, "after": null}})
	report_findings(plan([bucket(["no-op"]), cors("c", ["no-op"]), deposed])) == {"GTCORS-011 aws_s3_bucket.b"}
}

test_rename_without_moved_is_unordered if {
	old := object.union(cors("old", ["delete"]), {"change": {"actions": ["delete"], "before": {"bucket": "b"}, "after": null}})
	r := gtcors.report with input as plan([bucket(["no-op"]), old, cors("new", ["create"])])
	[f] := r.findings
	f.rule == "GTCORS-011"
	contains(f.message, "does not order the two")
}

test_delete_beside_changed_inline_rules_passes if {
	b := rc("aws_s3_bucket.b", ["update"], {"bucket": "b", "tags": tags, "cors_rule": []}, {"bucket": "b", "tags": tags, "cors_rule": [get_rule]})
	old := object.union(cors("c", ["delete"]), {"change": {"actions": ["delete"], "before": {"bucket": "b"}, "after": null}})
	p := {"format_version": "1.2", "resource_changes": [b, old], "configuration": {"root_module": {"resources": [{"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "expressions": {"cors_rule": [{}]}}]}}}
	report_findings(p) == {"GTCORS-008 aws_s3_bucket.b"}
}

test_delete_beside_unchanged_inline_rules_wipes if {
	b := rc("aws_s3_bucket.b", ["no-op"], {"bucket": "b", "tags": tags, "cors_rule": [get_rule]}, {"bucket": "b", "tags": tags, "cors_rule": [get_rule]})
	old := object.union(cors("c", ["delete"]), {"change": {"actions": ["delete"], "before": {"bucket": "b"}, "after": null}})
	p := {"format_version": "1.2", "resource_changes": [b, old], "configuration": {"root_module": {"resources": [{"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "expressions": {"cors_rule": [{}]}}]}}}
	report_findings(p) == {"GTCORS-008 aws_s3_bucket.b", "GTCORS-011 aws_s3_bucket.b"}
}

test_forget_keeps_the_configuration if {
	forgotten := object.union(cors("c", ["forget"]), {"change": {"actions": ["forget"], "before": {"bucket": "b", "cors_rule": [get_rule]}, "after": null}})
	r := gtcors.report with input as plan([bucket(["no-op"]), forgotten])
	r.findings == []
	r.buckets[0].compliant == true
}

prior(resources_list) := {"values": {"root_module": {"resources": resources_list}}}

state_bucket := {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b", "values": {"bucket": "b", "tags": tags}}

state_cors := {"address": "aws_s3_bucket_cors_configuration.c", "mode": "managed", "type": "aws_s3_bucket_cors_configuration", "name": "c", "values": {"bucket": "b", "cors_rule": [get_rule]}}

test_destroy_target_judges_the_bucket_from_prior_state if {
	old := object.union(cors("c", ["delete"]), {"change": {"actions": ["delete"], "before": {"bucket": "b"}, "after": null}})
	p := object.union(plan([old]), {"prior_state": prior([state_bucket, state_cors])})
	report_findings(p) == {"GTCORS-001 aws_s3_bucket.b"}
}

test_target_leaving_cors_in_prior_state_passes if {
	p := object.union(plan([bucket(["no-op"])]), {"prior_state": prior([state_bucket, state_cors])})
	r := gtcors.report with input as p
	r.findings == []
	r.buckets[0].compliant == true
}

test_untouched_prior_state_bucket_is_not_judged if {
	other := rc("aws_s3_bucket.x", ["create"], null, {"bucket": "x"})
	p := object.union(plan([other]), {"prior_state": prior([state_bucket])})
	r := gtcors.report with input as p
	r.buckets == []
}

test_prior_state_in_child_modules_is_read if {
	child := {"address": "module.m", "resources": [object.union(state_cors, {"address": "module.m.aws_s3_bucket_cors_configuration.c"})]}
	p := object.union(plan([bucket(["no-op"])]), {"prior_state": {"values": {"root_module": {"child_modules": [child]}}}})
	resources.cors_configs["module.m.aws_s3_bucket_cors_configuration.c"].bucket_name == "b" with input as p
}

unknown_bucket(address, after_unknown) := object.union(rc(address, ["create"], null, {"bucket": split(address, ".")[1]}), {"change": {"actions": ["create"], "before": null, "after": {"bucket": split(address, ".")[1]}, "after_unknown": after_unknown}})

test_unknown_tags_cannot_be_told if {
	report_findings(plan([unknown_bucket("aws_s3_bucket.u", {"tags": true, "tags_all": true})])) == {"GTCORS-012 aws_s3_bucket.u"}
}

test_unknown_marking_value_cannot_be_told if {
	b := object.union(unknown_bucket("aws_s3_bucket.u", {"tags": {"groundtruth:job-types": true}}), {"change": {"after": {"bucket": "u", "tags": {"groundtruth:job-types": null}}}})
	report_findings(plan([b])) == {"GTCORS-012 aws_s3_bucket.u"}
}

test_data_file_settles_unknown_tags if {
	p := plan([unknown_bucket("aws_s3_bucket.u", {"tags": true, "tags_all": true})])
	r1 := gtcors.report with input as p with data.groundtruth as {"buckets": [{"address": "aws_s3_bucket.u", "groundtruth": false}]}
	r1.findings == []
	r2 := gtcors.report with input as p with data.groundtruth as {"buckets": [{"bucket": "u", "job_types": ["image"]}]}
	{f.rule | some f in r2.findings} == {"GTCORS-001"}
}

test_default_tags_in_configuration_mark_a_bucket_with_unknown_tags if {
	p := {
		"format_version": "1.2",
		"resource_changes": [unknown_bucket("aws_s3_bucket.u", {"tags": true, "tags_all": true})],
		"configuration": {
			"provider_config": {"aws": {"expressions": {"default_tags": [{"tags": {"constant_value": {"groundtruth:job-types": "video-frame"}}}]}}},
			"root_module": {"resources": [{"address": "aws_s3_bucket.u", "mode": "managed", "type": "aws_s3_bucket", "provider_config_key": "aws", "expressions": {"tags": {}}}]},
		},
	}
	r := gtcors.report with input as p
	[b] := r.buckets
	b.job_types == ["video-frame"]
	b.roles == ["input", "output"]
	{f.rule | some f in r.findings} == {"GTCORS-001"}
}

test_conditional_between_two_buckets_links_to_neither if {
	b1 := rc("aws_s3_bucket.x", ["create"], null, {"tags": tags})
	b2 := rc("aws_s3_bucket.y", ["create"], null, {"tags": tags})
	c := rc("aws_s3_bucket_cors_configuration.c", ["create"], null, {"cors_rule": [get_rule]})
	p := {"format_version": "1.2", "resource_changes": [b1, b2, c], "configuration": {"root_module": {"resources": [{
		"address": "aws_s3_bucket_cors_configuration.c", "mode": "managed", "type": "aws_s3_bucket_cors_configuration",
		"expressions": {"bucket": {"references": ["var.a", "aws_s3_bucket.x.id", "aws_s3_bucket.x", "aws_s3_bucket.y.id", "aws_s3_bucket.y"]}},
	}]}}}
	report_findings(p) == {"GTCORS-001 aws_s3_bucket.x", "GTCORS-001 aws_s3_bucket.y", "GTCORS-012 aws_s3_bucket_cors_configuration.c"}
}

test_named_module_instance_pairs_only_with_its_buckets if {
	red := object.union(rc("module.t[\"red\"].aws_s3_bucket.this", ["create"], null, {"tags": tags}), {"module_address": "module.t[\"red\"]", "type": "aws_s3_bucket", "name": "this"})
	blue := object.union(rc("module.t[\"blue\"].aws_s3_bucket.this", ["create"], null, {"tags": tags}), {"module_address": "module.t[\"blue\"]", "type": "aws_s3_bucket", "name": "this"})
	c := rc("aws_s3_bucket_cors_configuration.c", ["create"], null, {"cors_rule": [get_rule]})
	p := {"format_version": "1.2", "resource_changes": [red, blue, c], "configuration": {"root_module": {
		"resources": [{"address": "aws_s3_bucket_cors_configuration.c", "mode": "managed", "type": "aws_s3_bucket_cors_configuration", "expressions": {"bucket": {"references": ["module.t[\"red\"].id", "module.t[\"red\"]"]}}}],
		"module_calls": {"t": {"module": {"outputs": {"id": {"expression": {"references": ["aws_s3_bucket.this.id", "aws_s3_bucket.this"]}}}}}},
	}}}
	report_findings(p) == {"GTCORS-001 module.t[\"blue\"].aws_s3_bucket.this"}
}

test_data_source_lookup_links_by_name if {
	b := rc("aws_s3_bucket.b", ["create"], null, {"bucket": "shared", "tags": tags})
	c := rc("aws_s3_bucket_cors_configuration.c", ["create"], null, {"cors_rule": [get_rule]})
	p := {"format_version": "1.2", "resource_changes": [b, c], "configuration": {"root_module": {"resources": [
		{"address": "data.aws_s3_bucket.s", "mode": "data", "type": "aws_s3_bucket", "expressions": {"bucket": {"constant_value": "shared"}}},
		{"address": "aws_s3_bucket_cors_configuration.c", "mode": "managed", "type": "aws_s3_bucket_cors_configuration", "expressions": {"bucket": {"references": ["data.aws_s3_bucket.s.id", "data.aws_s3_bucket.s"]}}},
	]}}}
	r := gtcors.report with input as p
	r.findings == []
	r.buckets[0].compliant == true
}

test_rejected_rules_fail_the_bucket if {
	p := plan([bucket(["no-op"]), rc("aws_s3_bucket_cors_configuration.c", ["update"], null, {"bucket": "b", "cors_rule": [{"allowed_methods": ["GET", "PATCH"], "allowed_origins": ["*"]}]})])
	report_findings(p) == {"GTCORS-013 aws_s3_bucket.b"}
}

test_cdktf_token_tags_cannot_be_told if {
	config := {"resource": {"aws_s3_bucket": {"b": {"bucket": "b", "tags": "${merge(var.base, {\"team\" = \"x\"})}"}}}}
	{f.rule | some f in gtcors.report.findings} == {"GTCORS-012"} with input as config
	value := {"resource": {"aws_s3_bucket": {"b": {"bucket": "b", "tags": {"groundtruth:job-types": "${lower(var.kind)}"}}}}}
	{f.rule | some f in gtcors.report.findings} == {"GTCORS-012"} with input as value
}

test_cdktf_default_tags_mark_buckets if {
	config := {
		"provider": {"aws": [{"region": "us-east-1", "default_tags": [{"tags": {"groundtruth:job-types": "image"}}]}]},
		"resource": {"aws_s3_bucket": {"b": {"bucket": "b"}}},
	}
	{f.rule | some f in gtcors.report.findings} == {"GTCORS-001"} with input as config
}

test_cdktf_module_cannot_be_seen_into if {
	config := {"module": {"buckets": {"source": "./modules/buckets"}}, "resource": {}}
	r := gtcors.report with input as config
	[f] := r.findings
	f.rule == "GTCORS-012"
	f.address == "module.buckets"
}

test_cdktf_data_source_lookup_links_by_name if {
	config := {
		"data": {"aws_s3_bucket": {"s": {"bucket": "shared"}}},
		"resource": {
			"aws_s3_bucket": {"b": {"bucket": "shared", "tags": tags}},
			"aws_s3_bucket_cors_configuration": {"c": {"bucket": "${data.aws_s3_bucket.s.id}", "cors_rule": [get_rule]}},
		},
	}
	r := gtcors.report with input as config
	r.findings == []
}
