# METADATA
# title: Tests of resources after apply and their linking
# description: |
#   Hand-made plan fragments with the shapes `terraform show -json` writes: deletes, replacements, no-ops after an
#   out-of-band delete, inline rules written or only echoed, and CORS configurations linked by name, by reference,
#   through module variables and outputs, and per count/for_each instance.
package gtcors.resources_test

import rego.v1

import data.gtcors.resources

change(address, type, actions, after) := {
	"address": address,
	"mode": "managed",
	"type": type,
	"name": split(split(address, ".")[count(split(address, ".")) - 1], "[")[0],
	"change": {"actions": actions, "after": after},
}

plan(changes, root_module) := {
	"format_version": "1.2",
	"resource_changes": changes,
	"configuration": {"root_module": root_module},
}

get_rule := {"allowed_methods": ["GET"], "allowed_origins": ["*"]}

test_deleted_bucket_is_gone if {
	p := plan([change("aws_s3_bucket.a", "aws_s3_bucket", ["delete"], null)], {})
	count(resources.buckets) == 0 with input as p
}

test_replaced_bucket_exists if {
	p := plan([change("aws_s3_bucket.a", "aws_s3_bucket", ["delete", "create"], {"bucket": "a"})], {})
	resources.buckets["aws_s3_bucket.a"].name == "a" with input as p
}

test_noop_with_null_after_is_gone if {
	p := plan([change("aws_s3_bucket.a", "aws_s3_bucket", ["no-op"], null)], {})
	not resources.buckets["aws_s3_bucket.a"] with input as p
}

test_data_sources_are_ignored if {
	c := object.union(change("aws_s3_bucket.a", "aws_s3_bucket", ["read"], {"bucket": "a"}), {"mode": "data"})
	count(resources.buckets) == 0 with input as plan([c], {})
}

test_echoed_cors_rule_is_not_inline if {
	p := plan(
		[change("aws_s3_bucket.a", "aws_s3_bucket", ["no-op"], {"bucket": "a", "cors_rule": [get_rule]})],
		{"resources": [{"address": "aws_s3_bucket.a", "type": "aws_s3_bucket", "expressions": {"bucket": {"constant_value": "a"}}}]},
	)
	resources.buckets["aws_s3_bucket.a"].inline_configured == false with input as p
}

test_written_cors_rule_is_inline if {
	p := plan(
		[change("aws_s3_bucket.a", "aws_s3_bucket", ["create"], {"bucket": "a", "cors_rule": [get_rule]})],
		{"resources": [{"address": "aws_s3_bucket.a", "type": "aws_s3_bucket", "expressions": {"cors_rule": [{}]}}]},
	)
	resources.buckets["aws_s3_bucket.a"].inline_configured == true with input as p
}

test_without_configuration_rules_count_unless_a_cors_resource_names_the_bucket if {
	lone := {"format_version": "1.2", "resource_changes": [change("aws_s3_bucket.a", "aws_s3_bucket", ["no-op"], {"bucket": "a", "cors_rule": [get_rule]})]}
	resources.buckets["aws_s3_bucket.a"].inline_configured == true with input as lone
	echoed := {"format_version": "1.2", "resource_changes": [
		change("aws_s3_bucket.a", "aws_s3_bucket", ["no-op"], {"bucket": "a", "cors_rule": [get_rule]}),
		change("aws_s3_bucket_cors_configuration.a", "aws_s3_bucket_cors_configuration", ["no-op"], {"bucket": "a", "cors_rule": [get_rule]}),
	]}
	resources.buckets["aws_s3_bucket.a"].inline_configured == false with input as echoed
}

test_rules_are_normalised if {
	p := plan([change("aws_s3_bucket_cors_configuration.c", "aws_s3_bucket_cors_configuration", ["create"], {"bucket": "a", "cors_rule": [{
		"allowed_methods": ["get"],
		"allowed_origins": ["*"],
		"allowed_headers": null,
		"expose_headers": ["ETag"],
	}]})], {})
	[r] := resources.cors_configs["aws_s3_bucket_cors_configuration.c"].rules with input as p
	r.allowed_methods == {"GET"}
	r.allowed_headers == set()
	r.expose_headers == {"etag"}
}

test_linked_by_known_name if {
	p := plan([
		change("aws_s3_bucket.a", "aws_s3_bucket", ["no-op"], {"bucket": "bucket-a"}),
		change("aws_s3_bucket_cors_configuration.c", "aws_s3_bucket_cors_configuration", ["update"], {"bucket": "bucket-a"}),
	], {})
	resources.configs_for_bucket["aws_s3_bucket.a"] == {"aws_s3_bucket_cors_configuration.c"} with input as p
}

test_linked_by_reference_when_name_is_unknown if {
	p := plan(
		[
			change("aws_s3_bucket.a", "aws_s3_bucket", ["create"], {}),
			change("aws_s3_bucket_cors_configuration.c", "aws_s3_bucket_cors_configuration", ["create"], {}),
		],
		{"resources": [{
			"address": "aws_s3_bucket_cors_configuration.c",
			"type": "aws_s3_bucket_cors_configuration",
			"expressions": {"bucket": {"references": ["aws_s3_bucket.a.id", "aws_s3_bucket.a"]}},
		}]},
	)
	resources.configs_for_bucket["aws_s3_bucket.a"] == {"aws_s3_bucket_cors_configuration.c"} with input as p
}

# root bucket → module.outer (var.bucket) → module.outer.module.inner (var.bucket) → the CORS configuration.
test_linked_through_module_variables_two_levels_down if {
	inner := {"resources": [{
		"address": "aws_s3_bucket_cors_configuration.this",
		"type": "aws_s3_bucket_cors_configuration",
		"expressions": {"bucket": {"references": ["var.bucket"]}},
	}]}
	outer := {"module_calls": {"inner": {"expressions": {"bucket": {"references": ["var.bucket"]}}, "module": inner}}}
	root := {"module_calls": {"outer": {"expressions": {"bucket": {"references": ["aws_s3_bucket.a.id", "aws_s3_bucket.a"]}}, "module": outer}}}
	cors := object.union(
		change("module.outer.module.inner.aws_s3_bucket_cors_configuration.this", "aws_s3_bucket_cors_configuration", ["create"], {}),
		{"module_address": "module.outer.module.inner"},
	)
	p := plan([change("aws_s3_bucket.a", "aws_s3_bucket", ["create"], {}), cors], root)
	resources.cors_targets["module.outer.module.inner.aws_s3_bucket_cors_configuration.this"] == {"aws_s3_bucket.a"} with input as p
}

test_linked_through_a_module_output if {
	child := {
		"resources": [{"address": "aws_s3_bucket.this", "type": "aws_s3_bucket", "expressions": {}}],
		"outputs": {"id": {"expression": {"references": ["aws_s3_bucket.this.id", "aws_s3_bucket.this"]}}},
	}
	root := {
		"module_calls": {"store": {"module": child}},
		"resources": [{
			"address": "aws_s3_bucket_cors_configuration.c",
			"type": "aws_s3_bucket_cors_configuration",
			"expressions": {"bucket": {"references": ["module.store.id", "module.store"]}},
		}],
	}
	bucket := object.union(change("module.store.aws_s3_bucket.this", "aws_s3_bucket", ["create"], {}), {"module_address": "module.store"})
	p := plan([bucket, change("aws_s3_bucket_cors_configuration.c", "aws_s3_bucket_cors_configuration", ["create"], {})], root)
	resources.cors_targets["aws_s3_bucket_cors_configuration.c"] == {"module.store.aws_s3_bucket.this"} with input as p
}

indexed(address, type, index) := object.union(change(address, type, ["create"], {}), {"index": index})

test_for_each_instances_pair_by_key if {
	root := {"resources": [{
		"address": "aws_s3_bucket_cors_configuration.c",
		"type": "aws_s3_bucket_cors_configuration",
		"expressions": {"bucket": {"references": ["each.value.id", "each.value"]}},
		"for_each_expression": {"references": ["aws_s3_bucket.b"]},
	}]}
	p := plan([
		indexed(`aws_s3_bucket.b["x"]`, "aws_s3_bucket", "x"),
		indexed(`aws_s3_bucket.b["y"]`, "aws_s3_bucket", "y"),
		indexed(`aws_s3_bucket_cors_configuration.c["x"]`, "aws_s3_bucket_cors_configuration", "x"),
	], root)
	resources.configs_for_bucket == {`aws_s3_bucket.b["x"]`: {`aws_s3_bucket_cors_configuration.c["x"]`}} with input as p
}

test_explicit_instance_key_in_a_reference if {
	root := {"resources": [{
		"address": "aws_s3_bucket_cors_configuration.c",
		"type": "aws_s3_bucket_cors_configuration",
		"expressions": {"bucket": {"references": [`aws_s3_bucket.b[1].id`, `aws_s3_bucket.b[1]`, "aws_s3_bucket.b"]}},
	}]}
	p := plan([
		indexed(`aws_s3_bucket.b[0]`, "aws_s3_bucket", 0),
		indexed(`aws_s3_bucket.b[1]`, "aws_s3_bucket", 1),
		change("aws_s3_bucket_cors_configuration.c", "aws_s3_bucket_cors_configuration", ["create"], {}),
	], root)
	resources.configs_for_bucket == {`aws_s3_bucket.b[1]`: {"aws_s3_bucket_cors_configuration.c"}} with input as p
}

# A conditional reference to a resource with no instances (count = 0) leaves one target; the key the reference
# names for the other resource must not pick an instance of this one.
test_explicit_key_of_another_resource_is_ignored if {
	refs := [`aws_s3_bucket.b[1].id`, `aws_s3_bucket.b[1]`, "aws_s3_bucket.b", `aws_s3_bucket.old[0].id`, `aws_s3_bucket.old[0]`, "aws_s3_bucket.old", "var.legacy"]
	root := {"resources": [{
		"address": "aws_s3_bucket_cors_configuration.c",
		"type": "aws_s3_bucket_cors_configuration",
		"expressions": {"bucket": {"references": refs}},
	}]}
	p := plan([
		indexed(`aws_s3_bucket.b[0]`, "aws_s3_bucket", 0),
		indexed(`aws_s3_bucket.b[1]`, "aws_s3_bucket", 1),
		change("aws_s3_bucket_cors_configuration.c", "aws_s3_bucket_cors_configuration", ["create"], {}),
	], root)
	resources.configs_for_bucket == {`aws_s3_bucket.b[1]`: {"aws_s3_bucket_cors_configuration.c"}} with input as p
}

in_team(address, type, team_key) := object.union(
	change(sprintf(`module.team["%s"].%s`, [team_key, address]), type, ["create"], {}),
	{"module_address": sprintf(`module.team["%s"]`, [team_key])},
)

test_module_instances_pair_only_with_their_own if {
	team := {"resources": [{
		"address": "aws_s3_bucket_cors_configuration.c",
		"type": "aws_s3_bucket_cors_configuration",
		"expressions": {"bucket": {"references": ["aws_s3_bucket.b.id", "aws_s3_bucket.b"]}},
	}]}
	p := plan(
		[
			in_team("aws_s3_bucket.b", "aws_s3_bucket", "red"),
			in_team("aws_s3_bucket.b", "aws_s3_bucket", "blue"),
			in_team("aws_s3_bucket_cors_configuration.c", "aws_s3_bucket_cors_configuration", "red"),
		],
		{"module_calls": {"team": {"module": team}}},
	)
	resources.configs_for_bucket == {`module.team["red"].aws_s3_bucket.b`: {`module.team["red"].aws_s3_bucket_cors_configuration.c`}} with input as p
}

test_cdktf_configuration_links_by_token if {
	config := {"resource": {
		"aws_s3_bucket": {"frames": {"bucket_prefix": "f-"}},
		"aws_s3_bucket_cors_configuration": {"frames_cors": {"bucket": "${aws_s3_bucket.frames.id}", "cors_rule": [get_rule]}},
	}}
	resources.configs_for_bucket == {"aws_s3_bucket.frames": {"aws_s3_bucket_cors_configuration.frames_cors"}} with input as config
	resources.cors_configs["aws_s3_bucket_cors_configuration.frames_cors"].bucket_name == null with input as config
}

test_module_prefix_drops_instance_keys if {
	resources.module_prefix(`module.a["x"].module.b[0]`) == "module.a.module.b."
	resources.module_prefix("") == ""
}
