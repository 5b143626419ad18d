# METADATA
# title: Resources after apply
# description: |
#   The S3 buckets and CORS configurations a plan (or a CDKTF configuration) leaves behind, and which bucket each
#   CORS configuration applies to: by bucket name where the name is known, otherwise through the reference in
#   the configuration (`bucket = aws_s3_bucket.x.id`), including module variables one level up. Resources in
#   child modules at any depth and `count`/`for_each` instances are covered; deleted ones are not there.
package gtcors.resources

import rego.v1

import data.gtcors.source.document
import data.gtcors.source.kind

tracked_types := {"aws_s3_bucket", "aws_s3_bucket_cors_configuration"}

# ---------------------------------------------------------------------------------------------------------------
# Instances, keyed by address

# Plan JSON: every managed instance, with whether it exists once the plan is applied.
instances[rc.address] := instance if {
	kind == "plan"
	some rc in document.resource_changes
	rc.mode == "managed"
	rc.type in tracked_types
	instance := {
		"address": rc.address,
		"type": rc.type,
		"module": module_prefix(object.get(rc, "module_address", "")),
		"config_address": concat("", [module_prefix(object.get(rc, "module_address", "")), rc.type, ".", rc.name]),
		"index": object.get(rc, "index", null),
		"exists": exists_after(rc.change),
		"after": object_or_empty(object.get(rc.change, "after", null)),
		"after_unknown": object_or_empty(object.get(rc.change, "after_unknown", null)),
		"actions": rc.change.actions,
	}
}

# Terraform JSON configuration (cdktf synth): every declared resource exists.
instances[address] := instance if {
	kind == "config"
	some type in tracked_types
	some name, body in document.resource[type]
	address := concat(".", [type, name])
	instance := {
		"address": address,
		"type": type,
		"module": "",
		"config_address": address,
		"index": null,
		"exists": true,
		"after": object_or_empty(body),
		"after_unknown": {},
		"actions": ["create"],
	}
}

# A resource is gone after apply when it is deleted and not re-created, or when nothing remains (`after: null`).
exists_after(change) := false if {
	"delete" in change.actions
	not "create" in change.actions
} else := false if {
	change.after == null
} else := true

# `module.a["x"].module.b` → `module.a.module.b.`; the root module → "".
module_prefix(module_address) := concat("", [concat("", ["module.", m[1], "."]) |
	some m in regex.find_all_string_submatch_n(`module\.([A-Za-z0-9_-]+)`, module_address, -1)
])

object_or_empty(x) := x if is_object(x)

else := {}

as_array(x) := x if is_array(x)

else := [x] if is_string(x)

else := []

# A string attribute known at plan time; null when unknown or an unresolved CDKTF token (`${…}`).
known_string(instance, attribute) := value if {
	value := instance.after[attribute]
	is_string(value)
	not contains(value, "${")
} else := null

# ---------------------------------------------------------------------------------------------------------------
# Buckets and CORS configurations that exist after apply

buckets[address] := bucket if {
	some address, instance in instances
	instance.type == "aws_s3_bucket"
	instance.exists
	bucket := {
		"address": address,
		"config_address": instance.config_address,
		"index": instance.index,
		"name": known_string(instance, "bucket"),
		"tags": object.union(
			object_or_empty(object.get(instance.after, "tags_all", null)),
			object_or_empty(object.get(instance.after, "tags", null)),
		),
		"inline_rules": [normalize_rule(r) | some r in as_array(object.get(instance.after, "cors_rule", []))],
		"inline_configured": inline_configured(instance),
	}
}

cors_configs[address] := config if {
	some address, instance in instances
	instance.type == "aws_s3_bucket_cors_configuration"
	instance.exists
	config := {
		"address": address,
		"config_address": instance.config_address,
		"index": instance.index,
		"bucket_name": known_string(instance, "bucket"),
		"rules": [normalize_rule(r) | some r in as_array(object.get(instance.after, "cors_rule", []))],
	}
}

# Terraform's attribute names; methods upper-case, header names lower-case (S3 compares them so).
normalize_rule(r) := {
	"id": object.get(r, "id", null),
	"allowed_methods": {upper(m) | some m in as_array(object.get(r, "allowed_methods", []))},
	"allowed_origins": {o | some o in as_array(object.get(r, "allowed_origins", []))},
	"allowed_headers": {lower(h) | some h in as_array(object.get(r, "allowed_headers", []))},
	"expose_headers": {lower(h) | some h in as_array(object.get(r, "expose_headers", []))},
	"max_age_seconds": object.get(r, "max_age_seconds", null),
}

# `cors_rule` on aws_s3_bucket is optional and computed in provider 5.x: after refresh it echoes what a separate
# CORS resource set. It counts as inline rules only where the configuration writes it (or, in a plan without
# configuration, where no separate CORS resource points at the bucket).
inline_configured(instance) := true if {
	kind == "config"
	count(as_array(object.get(instance.after, "cors_rule", []))) > 0
} else := true if {
	kind == "plan"
	some [prefix, mod] in config_modules
	some res in mod.resources
	concat("", [prefix, res.address]) == instance.config_address
	res.expressions.cors_rule
} else := true if {
	kind == "plan"
	not document.configuration
	count(as_array(object.get(instance.after, "cors_rule", []))) > 0
	not referenced_by_name_or_config(instance)
} else := false

referenced_by_name_or_config(instance) if {
	some config in cors_configs
	config.bucket_name == known_string(instance, "bucket")
}

# ---------------------------------------------------------------------------------------------------------------
# Which bucket each CORS configuration applies to

bucket_by_name[bucket.name] contains address if {
	some address, bucket in buckets
	is_string(bucket.name)
}

bucket_by_config[bucket.config_address] contains address if {
	some address, bucket in buckets
}

# Configuration modules of a plan, with the address prefix of their resources.
config_modules contains [prefix, mod] if {
	kind == "plan"
	walk(document.configuration.root_module, [path, mod])
	count(path) % 3 == 0
	module_path(path)
	prefix := concat("", [concat("", ["module.", path[i + 1], "."]) | some i, segment in path; i % 3 == 0])
}

module_path(path) if {
	every i, segment in path {
		expected_segment(i, segment)
	}
}

expected_segment(i, "module_calls") if i % 3 == 0

expected_segment(i, _) if i % 3 == 1

expected_segment(i, "module") if i % 3 == 2

# CORS configuration (configuration address) → configuration addresses of the buckets it references.
cors_refs[concat("", [prefix, res.address])] contains target if {
	some [prefix, mod] in config_modules
	some res in mod.resources
	res.type == "aws_s3_bucket_cors_configuration"
	some ref in res.expressions.bucket.references
	target := bucket_reference(prefix, ref)
}

cors_refs[address] contains concat(".", ["aws_s3_bucket", match[1]]) if {
	kind == "config"
	some address, instance in instances
	instance.type == "aws_s3_bucket_cors_configuration"
	raw := instance.after.bucket
	is_string(raw)
	some match in regex.find_all_string_submatch_n(`\$\{aws_s3_bucket\.([A-Za-z0-9_-]+)\.(?:id|bucket)\}`, raw, 1)
}

# `aws_s3_bucket.x.id`, `aws_s3_bucket.x[0]`, `aws_s3_bucket.x` → the bucket's configuration address.
bucket_reference(prefix, ref) := concat("", [prefix, "aws_s3_bucket.", resource_name(ref)]) if {
	startswith(ref, "aws_s3_bucket.")
}

# `var.bucket` inside a child module: the argument the parent module passes, if it references a bucket there.
bucket_reference(prefix, ref) := concat("", [parent, "aws_s3_bucket.", resource_name(parent_ref)]) if {
	startswith(ref, "var.")
	variable := split(ref, ".")[1]
	parts := split(prefix, ".")
	count(parts) >= 3
	call := parts[count(parts) - 2]
	parent := concat("", [concat(".", array.slice(parts, 0, count(parts) - 3)), dot_if(count(parts) > 3)])
	some [parent_prefix, parent_module] in config_modules
	parent_prefix == parent
	some parent_ref in parent_module.module_calls[call].expressions[variable].references
	startswith(parent_ref, "aws_s3_bucket.")
}

resource_name(ref) := split(split(ref, ".")[1], "[")[0]

dot_if(true) := "."

dot_if(false) := ""

# CORS configuration address → addresses of the buckets it applies to.
cors_targets[address] contains bucket if {
	some address, config in cors_configs
	is_string(config.bucket_name)
	some bucket in bucket_by_name[config.bucket_name]
}

cors_targets[address] contains bucket if {
	some address, config in cors_configs
	not is_string(config.bucket_name)
	some target in cors_refs[config.config_address]
	some bucket in bucket_by_config[target]
	same_instance(config.index, buckets[bucket].index)
}

# With count/for_each, references drop the instance key: pair instances with equal keys, or any instance with a
# single (unindexed) bucket.
same_instance(index, index) := true

same_instance(_, null) := true

# Bucket address → addresses of the CORS configurations that apply to it.
configs_for_bucket[bucket] contains address if {
	some address, targets in cors_targets
	some bucket in targets
}
