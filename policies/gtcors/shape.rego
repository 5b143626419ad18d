# METADATA
# title: Input shape
# description: |
#   What makes a document untrustworthy for the gate: an unsupported plan format version, or a part the policy
#   reads that has the wrong type (resource_changes as an object, a cors_rule that is a string, a tag that is a
#   number...). Each error names the JSON path. The gate exits 2 on any of them, and `deny` reports them, so a
#   document the policy would misread never passes. Only the parts the policy reads are checked.
package gtcors.shape

import rego.v1

import data.gtcors.source.document
import data.gtcors.source.kind
import data.gtcors.source.wrapper

import data.gtcors.resources.config_modules

tracked_types := {"aws_s3_bucket", "aws_s3_bucket_cors_configuration"}

# `$` for the document itself, `$.plan` or `$.terraform` for a wrapped plan.
root := "$" if wrapper == "input"

else := concat("", ["$.", trim_prefix(wrapper, "input.")])

error(path, message) := {"path": path, "message": message}

# JSON's names for what was found, for messages.
found(x) := "an array" if is_array(x)

else := "an object" if is_object(x)

else := "null" if is_null(x)

else := concat(" ", ["a", type_name(x)])

key_path(path, key) := sprintf("%s.%s", [path, key]) if regex.match(`^[A-Za-z_][A-Za-z0-9_]*$`, key)

else := sprintf("%s[%s]", [path, json.marshal(key)])

# ---------------------------------------------------------------------------------------------------------------
# Plans

# Shape checks read fields with object.get (or test for them first): under OPA a negated call over a missing field,
# `not f(x.missing)`, is undefined rather than true, so a check written that way would stay silent on it.
errors contains error(concat("", [root, ".format_version"]), msg) if {
	kind == "plan"
	version := object.get(document, "format_version", null)
	not supported_version(version)
	msg := sprintf("unsupported plan format version %s (this gate reads 1.x, as Terraform 1.x writes it)", [json.marshal(version)])
}

supported_version(version) if {
	is_string(version)
	regex.match(`^1\.[0-9]+$`, version)
}

errors contains error(concat("", [root, ".resource_changes"]), msg) if {
	kind == "plan"
	changes := object.get(document, "resource_changes", null)
	changes != null
	not is_array(changes)
	msg := sprintf("expected an array, found %s", [found(changes)])
}

# A plan that lists resources in planned_values but has no resource_changes was cut short or rewritten: the gate
# reads what changes from resource_changes, so without it every bucket would go unseen.
errors contains error(concat("", [root, ".resource_changes"]), msg) if {
	kind == "plan"
	object.get(document, "resource_changes", null) == null
	listed := planned_resources
	listed > 0
	msg := sprintf("missing, while planned_values lists %d resources; write the plan with `terraform show -json` unaltered", [listed])
}

planned_resources := count([r |
	walk(object.get(document, "planned_values", {}), [path, r])
	count(path) >= 2
	path[count(path) - 2] == "resources"
])

# A plan wrapped for HCP Terraform, env0 (`plan`) or Spacelift (`terraform`) beside a plan at the top, or both
# wrappers at once: the gate cannot tell which of them Terraform applies.
errors contains error(concat("", ["$.", wrapped]), msg) if {
	some wrapped in ["plan", "terraform"]
	is_string(object.get(object.get(input, wrapped, {}), "format_version", null))
	others := [other | some other in ["$.format_version", "$.resource_changes", "$.plan", "$.terraform"]; other != concat("", ["$.", wrapped]); holds_plan(other)]
	count(others) > 0
	msg := sprintf("a wrapped plan beside another plan (%s); give the gate one plan per file", [concat(", ", others)])
}

holds_plan("$.format_version") if object.get(input, "format_version", null) != null

holds_plan("$.resource_changes") if object.get(input, "resource_changes", null) != null

holds_plan("$.plan") if is_string(object.get(object.get(input, "plan", {}), "format_version", null))

holds_plan("$.terraform") if is_string(object.get(object.get(input, "terraform", {}), "format_version", null))

errors contains err if {
	kind == "plan"
	is_array(document.resource_changes)
	some i, rc in document.resource_changes
	some err in resource_change_errors(sprintf("%s.resource_changes[%d]", [root, i]), rc)
}

resource_change_errors(at, rc) := {error(at, sprintf("expected an object, found %s", [found(rc)]))} if {
	not is_object(rc)
} else := {error(key_path(at, key), sprintf("expected a string, found %s", [found(object.get(rc, key, null))])) |
	some key in ["address", "mode", "type", "name"]
	not is_string(object.get(rc, key, null))
} if {
	some key in ["address", "mode", "type", "name"]
	not is_string(object.get(rc, key, null))
} else := {error(concat("", [at, ".change"]), sprintf("expected an object, found %s", [found(object.get(rc, "change", null))]))} if {
	not is_object(object.get(rc, "change", null))
} else := change_errors(concat("", [at, ".change"]), rc.change, rc.type)

change_errors(at, change, type) := {error(concat("", [at, ".actions"]), "expected an array of strings")} if {
	not string_array(object.get(change, "actions", null))
} else := {error(key_path(at, side), sprintf("expected an object or null, found %s", [found(change[side])])) |
	some side in ["before", "after"]
	not object_or_null(object.get(change, side, null))
} if {
	some side in ["before", "after"]
	not object_or_null(object.get(change, side, null))
} else := {error(concat("", [at, ".after"]), "a create with no after: Terraform writes the planned object of every create")} if {
	"create" in change.actions
	object.get(change, "after", null) == null
} else := attribute_errors(concat("", [at, ".after"]), change.after) if {
	type in tracked_types
	is_object(change.after)
} else := set()

object_or_null(x) if is_object(x)

object_or_null(null) := true

string_array(x) if {
	is_array(x)
	every v in x {
		is_string(v)
	}
}

# ---------------------------------------------------------------------------------------------------------------
# The attributes the policy reads from buckets and CORS configurations (plan `after` values and cdk.tf.json bodies)

# S3 bucket names have 3 to 63 characters; tag values at most 256; a CORS configuration at most 64 KB.
max_bucket_name := 63

max_tag_value := 256

max_cors_text := 65536

attribute_errors(at, body) := {err |
	some check in [bucket_errors(at, body), tag_errors(at, body, "tags"), tag_errors(at, body, "tags_all"), rule_errors(at, body)]
	some err in check
}

bucket_errors(at, body) := {error(concat("", [at, ".bucket"]), sprintf("expected a string, found %s", [found(body.bucket)]))} if {
	object.get(body, "bucket", null) != null
	not is_string(body.bucket)
} else := {error(concat("", [at, ".bucket"]), sprintf("a bucket name has at most %d characters, found %d", [max_bucket_name, count(body.bucket)]))} if {
	is_string(body.bucket)
	not contains(body.bucket, "${")
	count(body.bucket) > max_bucket_name
} else := set()

tag_errors(at, body, key) := {error(key_path(at, key), sprintf("expected an object, found %s", [found(body[key])]))} if {
	not object_or_null(object.get(body, key, null))
	not is_string(body[key])
} else := {error(key_path(key_path(at, key), tag), message) |
	is_object(body[key])
	some tag, value in body[key]
	message := tag_value_error(value)
} if {
	is_object(body[key])
} else := set()

tag_value_error(value) := sprintf("expected a string, found %s", [found(value)]) if {
	not is_string(value)
} else := sprintf("a tag value has at most %d characters, found %d", [max_tag_value, count(value)]) if {
	count(value) > max_tag_value
}

list_fields := ["allowed_methods", "allowed_origins", "allowed_headers", "expose_headers"]

rule_errors(at, body) := {error(concat("", [at, ".cors_rule"]), sprintf("expected an array, found %s", [found(body.cors_rule)]))} if {
	object.get(body, "cors_rule", null) != null
	not is_array(body.cors_rule)
	not is_string(body.cors_rule)
} else := {err |
	is_array(body.cors_rule)
	some i, rule in body.cors_rule
	some err in one_rule_errors(sprintf("%s.cors_rule[%d]", [at, i]), rule)
} if {
	is_array(body.cors_rule)
} else := set()

one_rule_errors(at, rule) := {error(at, sprintf("expected an object, found %s", [found(rule)]))} if {
	not is_object(rule)
} else := {error(concat("", [at, ".", field]), message) |
	some field in list_fields
	message := list_error(rule[field])
} | max_age_errors(at, rule)

list_error(value) := sprintf("expected an array of strings, found %s", [found(value)]) if {
	not is_null(value)
	not is_string(value)
	not string_array(value)
} else := sprintf("longer than S3's %d-byte limit for a whole CORS configuration", [max_cors_text]) if {
	string_array(value)
	some v in value
	count(v) > max_cors_text
}

max_age_errors(at, rule) := {error(concat("", [at, ".max_age_seconds"]), sprintf("expected a number, found %s", [found(rule.max_age_seconds)]))} if {
	object.get(rule, "max_age_seconds", null) != null
	not is_number(rule.max_age_seconds)
	not is_string(rule.max_age_seconds)
} else := set()

# ---------------------------------------------------------------------------------------------------------------
# Plan configuration: the modules the policy walks

errors contains error(concat("", [root, ".configuration"]), sprintf("expected an object, found %s", [found(document.configuration)])) if {
	kind == "plan"
	not object_or_null(object.get(document, "configuration", null))
}

errors contains err if {
	kind == "plan"
	is_object(document.configuration)
	some prefix, mod in config_modules
	some err in module_shape_errors(module_json_path(prefix), mod)
}

# `module.a.module.b.` → `$.configuration.root_module.module_calls.a.module.module_calls.b.module`.
module_json_path(prefix) := concat("", [root, ".configuration.root_module", concat("", [sprintf("%s.module", [key_path(".module_calls", name)]) |
	some i, name in split(prefix, ".")
	i % 2 == 1
])])

module_shape_errors(at, mod) := {error(at, sprintf("expected an object, found %s", [found(mod)]))} if {
	not is_object(mod)
} else := {error(key_path(at, key), sprintf("expected %s, found %s", [want, found(mod[key])])) |
	some key, want in {"resources": "an array", "module_calls": "an object", "outputs": "an object"}
	object.get(mod, key, null) != null
	not expected_type(want, mod[key])
} | {error(sprintf("%s.resources[%d]", [at, i]), sprintf("expected an object with string address and type, found %s", [found(r)])) |
	is_array(mod.resources)
	some i, r in mod.resources
	not resource_shape(r)
} | {error(sprintf("%s.module_calls%s", [at, key_path("", name)]), sprintf("expected an object, found %s", [found(call)])) |
	is_object(mod.module_calls)
	some name, call in mod.module_calls
	not is_object(call)
}

expected_type("an array", x) if is_array(x)

expected_type("an object", x) if is_object(x)

resource_shape(r) if {
	is_string(r.address)
	is_string(r.type)
	object_or_null(object.get(r, "expressions", null))
}

# ---------------------------------------------------------------------------------------------------------------
# Terraform JSON configuration (cdk.tf.json)

errors contains error("$.resource", sprintf("expected an object, found %s", [found(document.resource)])) if {
	kind == "config"
	not object_or_null(object.get(document, "resource", null))
}

errors contains error(key_path("$.resource", type), sprintf("expected an object, found %s", [found(by_name)])) if {
	kind == "config"
	some type, by_name in document.resource
	not is_object(by_name)
}

errors contains err if {
	kind == "config"
	some type in tracked_types
	some name, body in document.resource[type]
	at := key_path(key_path("$.resource", type), name)
	some err in config_body_errors(at, body)
}

config_body_errors(at, body) := {error(at, sprintf("expected an object, found %s", [found(body)]))} if {
	not is_object(body)
} else := attribute_errors(at, body)
