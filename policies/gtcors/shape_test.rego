# METADATA
# title: Tests of input shape errors
# description: Wrong types where the policy reads objects, unsupported versions and oversized values, each with its JSON path.
package gtcors.shape_test

import rego.v1

import data.gtcors.shape

plan(changes) := {"format_version": "1.2", "resource_changes": changes}

bucket_change(after) := {
	"address": "aws_s3_bucket.a",
	"mode": "managed",
	"type": "aws_s3_bucket",
	"name": "a",
	"change": {"actions": ["create"], "after": after},
}

test_real_shapes_have_no_errors if {
	count(shape.errors) == 0 with input as plan([bucket_change({"bucket": "a", "tags": {"k": "v"}, "cors_rule": [{"allowed_methods": ["GET"], "allowed_origins": ["*"], "allowed_headers": null}]})])
}

test_unknown_format_version if {
	[e] := [e | some e in shape.errors] with input as {"format_version": "2.0"}
	e.path == "$.format_version"
	contains(e.message, `"2.0"`)
}

test_resource_changes_as_an_object if {
	shape.errors == {{"path": "$.resource_changes", "message": "expected an array, found an object"}} with input as {"format_version": "1.2", "resource_changes": {}}
}

test_resource_change_without_address if {
	errors := shape.errors with input as plan([{"mode": "managed", "type": "aws_s3_bucket", "name": "a", "change": {"actions": []}}])
	{e.path | some e in errors} == {"$.resource_changes[0].address"}
}

test_after_as_a_string if {
	c := object.union(bucket_change(null), {"change": {"actions": ["create"], "after": "x"}})
	{e.path | some e in shape.errors} == {"$.resource_changes[0].change.after"} with input as plan([c])
}

test_cors_rule_methods_as_a_number if {
	p := plan([bucket_change({"cors_rule": [{"allowed_methods": 7}]})])
	{e.path | some e in shape.errors} == {"$.resource_changes[0].change.after.cors_rule[0].allowed_methods"} with input as p
}

test_tag_value_as_an_object_is_named_by_its_key if {
	p := plan([bucket_change({"tags": {"groundtruth:job-types": {"image": true}}})])
	{e.path | some e in shape.errors} == {`$.resource_changes[0].change.after.tags["groundtruth:job-types"]`} with input as p
}

test_bucket_name_longer_than_s3_allows if {
	p := plan([bucket_change({"bucket": concat("", [x | some _ in numbers.range(1, 64); x := "b"])})])
	[e] := [e | some e in shape.errors] with input as p
	e.message == "a bucket name has at most 63 characters, found 64"
}

test_wrapped_plan_paths_start_at_the_wrapper if {
	{e.path | some e in shape.errors} == {"$.plan.resource_changes"} with input as {"plan": {"format_version": "1.2", "resource_changes": "none"}}
}

test_child_module_resources_as_an_object if {
	doc := {"format_version": "1.2", "configuration": {"root_module": {"module_calls": {"video": {"module": {"resources": {}}}}}}}
	{e.path | some e in shape.errors} == {"$.configuration.root_module.module_calls.video.module.resources"} with input as doc
}

test_cdktf_resource_body_as_an_array if {
	{e.path | some e in shape.errors} == {"$.resource.aws_s3_bucket.b"} with input as {"resource": {"aws_s3_bucket": {"b": []}}}
}

# Missing fields fail closed the same way under OPA and under regoc: the checks read them with object.get, so none
# depends on how a negated call over an undefined argument is evaluated.
test_resource_change_without_change_fails_closed if {
	rc := {"address": "aws_s3_bucket.a", "mode": "managed", "type": "aws_s3_bucket", "name": "a"}
	[e] := [e | some e in shape.errors] with input as plan([rc])
	e == {"path": "$.resource_changes[0].change", "message": "expected an object, found null"}
}

test_change_without_actions_fails_closed if {
	rc := {"address": "aws_s3_bucket.a", "mode": "managed", "type": "aws_s3_bucket", "name": "a", "change": {"after": {}}}
	{e.path | some e in shape.errors} == {"$.resource_changes[0].change.actions"} with input as plan([rc])
}

test_supported_version_needs_a_string if {
	not shape.supported_version(null)
	not shape.supported_version(1.2)
	shape.supported_version("1.2")
}

test_a_create_without_after if {
	[e] := [e | some e in shape.errors] with input as plan([bucket_change(null)])
	e.path == "$.resource_changes[0].change.after"
	startswith(e.message, "a create with no after")
}

test_a_replacement_without_after if {
	c := object.union(bucket_change(null), {"change": {"actions": ["delete", "create"], "before": {}}})
	{e.path | some e in shape.errors} == {"$.resource_changes[0].change.after"} with input as plan([c])
}

test_a_delete_has_no_after if {
	c := object.union(bucket_change(null), {"change": {"actions": ["delete"], "before": {}, "after": null}})
	count(shape.errors) == 0 with input as plan([c])
}

test_resource_changes_missing_while_planned_values_lists_resources if {
	doc := {"format_version": "1.2", "planned_values": {"root_module": {
		"resources": [{"address": "aws_s3_bucket.a"}],
		"child_modules": [{"resources": [{"address": "module.m.aws_s3_bucket.b"}]}],
	}}}
	[e] := [e | some e in shape.errors] with input as doc
	e.path == "$.resource_changes"
	startswith(e.message, "missing, while planned_values lists 2 resources")
}

test_a_plan_without_changes_or_resources_is_fine if {
	count(shape.errors) == 0 with input as {"format_version": "1.2", "planned_values": {"root_module": {}}}
}

test_a_wrapped_plan_beside_a_top_level_plan if {
	doc := {"format_version": "1.2", "resource_changes": [], "plan": {"format_version": "1.2", "resource_changes": []}}
	[e] := [e | some e in shape.errors] with input as doc
	e.path == "$.plan"
	contains(e.message, "$.format_version, $.resource_changes")
}

test_both_wrappers_at_once if {
	doc := {"plan": {"format_version": "1.2"}, "terraform": {"format_version": "1.2"}}
	{e.path | some e in shape.errors} == {"$.plan", "$.terraform"} with input as doc
}

test_a_configuration_with_a_terraform_block_is_not_a_wrapper if {
	count(shape.errors) == 0 with input as {"terraform": {"required_providers": {}}, "resource": {}}
}
