# METADATA
# title: Input shapes
# description: |
#   Finds the Terraform document however it arrives: a raw `terraform show -json` plan, a plan wrapped as
#   HCP Terraform and env0 pass it (`input.plan`) or as Spacelift does (`input.terraform`), or the Terraform
#   JSON configuration `cdktf synth` writes (`cdk.tf.json`), which is checked before any plan exists.
package gtcors.source

import rego.v1

# The plan or configuration document itself.
document := input.plan if {
	is_object(input.plan)
	is_string(input.plan.format_version)
} else := input.terraform if {
	is_object(input.terraform)
	is_string(input.terraform.format_version)
} else := input

# "plan" for plan JSON, "config" for Terraform JSON configuration (cdktf synth output).
kind := "plan" if {
	is_string(document.format_version)
} else := "config" if {
	is_object(document)
	some key in {"resource", "terraform", "provider", "//"}
	is_object(document[key])
}

# Where the document sits in the input, for messages.
wrapper := "input.plan" if {
	is_object(input.plan)
	is_string(input.plan.format_version)
} else := "input.terraform" if {
	is_object(input.terraform)
	is_string(input.terraform.format_version)
} else := "input"
