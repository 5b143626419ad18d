# METADATA
# title: Resources after apply
# description: |
#   The S3 buckets and CORS configurations a plan (or a CDKTF configuration) leaves behind, and which bucket each
#   CORS configuration applies to: by bucket name where the name is known, otherwise through the references in
#   the configuration (`bucket = aws_s3_bucket.x.id`), followed through module variables, module outputs and
#   `for_each = aws_s3_bucket.x` at any depth. `count`/`for_each` instances are paired by instance key; deleted
#   resources are not there. Everything is keyed (`p[k]`), so each look-up is an index, not a scan.
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
	module_address := object.get(rc, "module_address", "")
	instance := {
		"address": rc.address,
		"type": rc.type,
		"module_address": module_address,
		"config_address": concat("", [module_prefix(module_address), rc.type, ".", rc.name]),
		"index": object.get(rc, "index", null),
		"exists": exists_after(rc.change),
		"after": object_or_empty(object.get(rc.change, "after", null)),
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
		"module_address": "",
		"config_address": address,
		"index": null,
		"exists": true,
		"after": object_or_empty(body),
	}
}

# A resource is gone after apply when it is deleted and not re-created, or when nothing remains (`after: null`,
# as in a no-op for a resource deleted out of band).
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
		"module_address": instance.module_address,
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
		"module_address": instance.module_address,
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
# configuration, as Spacelift passes it, where no CORS resource in the plan names the bucket).
inline_configured(instance) := true if {
	kind == "config"
	count(as_array(object.get(instance.after, "cors_rule", []))) > 0
} else := true if {
	kind == "plan"
	inline_in_configuration[instance.config_address]
} else := true if {
	kind == "plan"
	not document.configuration
	count(as_array(object.get(instance.after, "cors_rule", []))) > 0
	not config_names[known_string(instance, "bucket")]
} else := false

# Configuration addresses of buckets whose configuration writes `cors_rule` blocks.
inline_in_configuration contains address if {
	some prefix, mod in config_modules
	some res in mod.resources
	res.type == "aws_s3_bucket"
	res.expressions.cors_rule
	address := concat("", [prefix, res.address])
}

config_names contains config.bucket_name if {
	some config in cors_configs
	is_string(config.bucket_name)
}

# ---------------------------------------------------------------------------------------------------------------
# The configuration's modules and how references lead to buckets

# Configuration modules of a plan, keyed by the address prefix of their resources ("" for the root module).
config_modules[prefix] := mod if {
	kind == "plan"
	walk(document.configuration.root_module, [path, mod])
	count(path) % 3 == 0
	module_path(path)
	prefix := concat("", [concat("", ["module.", path[i + 1], "."]) | some i, _ in path; i % 3 == 0])
}

module_path(path) if {
	every i, segment in path {
		expected_segment(i, segment)
	}
}

expected_segment(i, "module_calls") if i % 3 == 0

expected_segment(i, _) if i % 3 == 1

expected_segment(i, "module") if i % 3 == 2

# Reference nodes: `<module prefix>|<what>`, where what is a resource (`aws_s3_bucket.x`), a module variable
# (`var.x`) or a module output reached from its caller (`module.m.out`). Edges lead from a node to the nodes its
# expression references (`each.value` standing for the for_each expression's); buckets are where paths end.
ref_node(prefix, ref) := concat("|", [prefix, resource_ref(ref)]) if {
	parts := split(ref, ".")
	count(parts) >= 2
	not reference_keywords[parts[0]]
} else := concat("|", [prefix, concat(".", ["var", split(ref, ".")[1]])]) if {
	startswith(ref, "var.")
} else := concat("|", [prefix, concat(".", ["module", split(parts[1], "[")[0], parts[2]])]) if {
	parts := split(ref, ".")
	parts[0] == "module"
	count(parts) >= 3
}

reference_keywords := {"var", "module", "each", "count", "local", "path", "terraform", "data", "self"}

# `aws_s3_bucket.x["k"].id` → `aws_s3_bucket.x`.
resource_ref(ref) := concat(".", [parts[0], split(parts[1], "[")[0]]) if parts := split(ref, ".")

# The references of an expression, where `each.value`/`each.key` stand for the for_each expression's.
expression_refs(res, expression) := refs if {
	direct := {r | some r in expression.references}
	each_refs := {r | some r in direct; startswith(r, "each.")}
	count(each_refs) > 0
	refs := (direct - each_refs) | {r | some r in res.for_each_expression.references}
} else := {r | some r in expression.references}

ref_edges[ref_node(prefix, concat(".", ["var", name]))] contains target if {
	some prefix, _ in config_modules
	prefix != ""
	parent := parent_prefix(prefix)
	call := call_name(prefix)
	some name, expression in config_modules[parent].module_calls[call].expressions
	some ref in expression_refs(config_modules[parent].module_calls[call], expression)
	target := ref_node(parent, ref)
}

ref_edges[concat("|", [prefix, concat(".", ["module", call, name])])] contains target if {
	some prefix, mod in config_modules
	some call, c in mod.module_calls
	child := concat("", [prefix, "module.", call, "."])
	some name, output in c.module.outputs
	some ref in output.expression.references
	target := ref_node(child, ref)
}

ref_edges[concat("|", [prefix, res.address])] contains target if {
	some prefix, mod in config_modules
	some res in mod.resources
	res.type == "aws_s3_bucket_cors_configuration"
	indirect(res)
	some ref in expression_refs(res, res.expressions.bucket)
	target := ref_node(prefix, ref)
}

# A CORS configuration whose bucket reference goes through a module variable, a module output or `each`.
indirect(res) if {
	some ref in res.expressions.bucket.references
	indirect_keywords[split(ref, ".")[0]]
}

indirect_keywords := {"var", "module", "each"}

# `module.a.module.b.` → `module.a.`; `module.a.` → "".
parent_prefix(prefix) := concat("", [concat(".", array.slice(parts, 0, count(parts) - 3)), dot_if(count(parts) > 3)]) if {
	parts := split(prefix, ".")
}

call_name(prefix) := parts[count(parts) - 2] if parts := split(prefix, ".")

dot_if(true) := "."

dot_if(false) := ""

# Every node is a key, so that graph.reachable walks through nodes without edges of their own.
ref_graph := object.union(
	{node: set() | some edges in ref_edges; some node in edges},
	{node: edges | some node, edges in ref_edges},
)

# CORS configuration (configuration address) → configuration addresses of the buckets its reference leads to:
# a bucket of its own module directly (the common case, without the graph), or wherever the graph leads.
cors_refs[concat("", [prefix, res.address])] contains concat("", [prefix, resource_ref(ref)]) if {
	some prefix, mod in config_modules
	some res in mod.resources
	res.type == "aws_s3_bucket_cors_configuration"
	some ref in res.expressions.bucket.references
	startswith(ref, "aws_s3_bucket.")
}

cors_refs[config_address] contains concat("", [prefix, name]) if {
	some mod_prefix, mod in config_modules
	some res in mod.resources
	res.type == "aws_s3_bucket_cors_configuration"
	indirect(res)
	config_address := concat("", [mod_prefix, res.address])
	some node in graph.reachable(ref_graph, {concat("|", [mod_prefix, res.address])})
	[prefix, name] := split(node, "|")
	startswith(name, "aws_s3_bucket.")
}

cors_refs[address] contains concat(".", ["aws_s3_bucket", match[1]]) if {
	kind == "config"
	some address, instance in instances
	instance.type == "aws_s3_bucket_cors_configuration"
	raw := instance.after.bucket
	is_string(raw)
	some match in regex.find_all_string_submatch_n(`\$\{aws_s3_bucket\.([A-Za-z0-9_-]+)\.(?:id|bucket)\}`, raw, 1)
}

# Instance keys a CORS configuration's own references name (`aws_s3_bucket.x["k"].id` → x: "k").
explicit_keys[config_address] contains [concat("", [prefix, "aws_s3_bucket.", m[1]]), key] if {
	some prefix, mod in config_modules
	some res in mod.resources
	res.type == "aws_s3_bucket_cors_configuration"
	config_address := concat("", [prefix, res.address])
	some ref in res.expressions.bucket.references
	some m in regex.find_all_string_submatch_n(`^aws_s3_bucket\.([A-Za-z0-9_-]+)\[("[^"]*"|[0-9]+)\]$`, ref, 1)
	key := json.unmarshal(m[2])
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
	same_module_instance(config.module_address, buckets[bucket].module_address)
	same_instance(config, target, buckets[bucket].index)
}

# Under a `for_each`/`count` module, a configuration and a bucket pair only within one module instance (or with
# a bucket of an enclosing or enclosed module).
same_module_instance(a, b) if a == b

same_module_instance(a, b) if startswith(b, concat("", [a, "."]))

same_module_instance(a, b) if startswith(a, concat("", [b, "."]))

same_module_instance("", _) := true

same_module_instance(_, "") := true

# References drop the instance key under count/for_each: an explicit key in the reference pairs with that instance;
# otherwise instances pair by equal keys (the configuration's own, or its module instance's), and an unindexed
# bucket pairs with any configuration.
same_instance(config, target, bucket_index) if {
	some [keyed, key] in explicit_keys[config.config_address]
	keyed == target
	key == bucket_index
}

same_instance(config, target, null) if {
	not has_explicit_key(config.config_address, target)
}

same_instance(config, target, bucket_index) if {
	bucket_index != null
	not has_explicit_key(config.config_address, target)
	instance_key(config) == bucket_index
}

has_explicit_key(config_address, target) if {
	some [keyed, _] in explicit_keys[config_address]
	keyed == target
}

instance_key(config) := config.index if {
	config.index != null
} else := json.unmarshal(keys[count(keys) - 1][1]) if {
	keys := regex.find_all_string_submatch_n(`\[("[^"]*"|[0-9]+)\]`, config.module_address, -1)
	count(keys) > 0
}

# Bucket address → addresses of the CORS configurations that apply to it.
configs_for_bucket[bucket] contains address if {
	some address, targets in cors_targets
	some bucket in targets
}
