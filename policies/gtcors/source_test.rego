# METADATA
# title: Tests of input shapes
# description: Raw plans, plans wrapped as HCP Terraform/env0 (input.plan) and Spacelift (input.terraform) pass them, and cdk.tf.json.
package gtcors.source_test

import rego.v1

import data.gtcors.source

plan := {"format_version": "1.2", "resource_changes": []}

test_raw_plan if {
	source.kind == "plan" with input as plan
	source.wrapper == "input" with input as plan
}

test_hcp_terraform_and_env0_wrapping if {
	source.kind == "plan" with input as {"plan": plan}
	source.wrapper == "input.plan" with input as {"plan": plan}
	source.document == plan with input as {"plan": plan}
}

test_spacelift_wrapping if {
	source.wrapper == "input.terraform" with input as {"terraform": plan, "spacelift": {}}
	source.document == plan with input as {"terraform": plan, "spacelift": {}}
}

test_cdktf_configuration if {
	source.kind == "config" with input as {"resource": {}, "terraform": {"backend": {}}}
}

test_terraform_block_alone_is_not_a_wrapped_plan if {
	source.wrapper == "input" with input as {"terraform": {"required_providers": {}}}
	source.kind == "config" with input as {"terraform": {"required_providers": {}}}
}

test_anything_else_has_no_kind if {
	not source.kind with input as {"hello": "world"}
	not source.kind with input as [1, 2]
}
