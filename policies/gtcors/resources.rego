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

# Plan JSON: every managed instance, with whether it exists once the plan is applied. A deposed object shares
# its address with the current one and is only ever deleted: it is kept apart (see `deposed_deletes`).
instances[rc.address] := instance if {
	kind == "plan"
	some rc in document.resource_changes
	rc.mode == "managed"
	rc.type in tracked_types
	object.get(rc, "deposed", null) == null
	instance := change_instance(rc)
}

# Instances the plan leaves alone (`-target`, or `-destroy -target=` of another resource): in prior_state only,
# they stay as they are.
instances[r.address] := instance if {
	kind == "plan"
	some [r, module_address] in prior_resources
	not changed_addresses[r.address]
	values := object_or_empty(object.get(r, "values", null))
	instance := {
		"address": r.address,
		"type": r.type,
		"module_address": module_address,
		"config_address": concat("", [module_prefix(module_address), r.type, ".", r.name]),
		"index": object.get(r, "index", null),
		"exists": true,
		"actions": ["no-op"],
		"before": values,
		"after": values,
		"after_unknown": {},
		"prior_only": true,
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
		"actions": ["create"],
		"before": {},
		"after": object_or_empty(body),
		"after_unknown": {},
		"prior_only": false,
	}
}

change_instance(rc) := {
	"address": rc.address,
	"type": rc.type,
	"module_address": module_address,
	"config_address": concat("", [module_prefix(module_address), rc.type, ".", rc.name]),
	"index": object.get(rc, "index", null),
	"exists": exists_after(rc.change),
	"actions": as_array(object.get(rc.change, "actions", [])),
	"before": object_or_empty(object.get(rc.change, "before", null)),
	"after": after_apply(rc.change),
	"after_unknown": object_or_empty(object.get(rc.change, "after_unknown", null)),
	"prior_only": false,
} if {
	module_address := object.get(rc, "module_address", "")
}

changed_addresses contains rc.address if {
	some rc in document.resource_changes
	rc.type in tracked_types
}

# prior_state's module tree: address → (resource, module address), six modules deep (Rego has no recursion; deeper
# trees are rare, and their resources are then judged from resource_changes only).
prior_resources[r.address] := [r, ""] if {
	some r in prior_root.resources
	prior_tracked(r)
}

prior_resources[r.address] := [r, m.address] if {
	some m in prior_children(prior_root)
	some r in object.get(m, "resources", [])
	prior_tracked(r)
}

prior_resources[r.address] := [r, m.address] if {
	some m1 in prior_children(prior_root)
	some m in prior_children(m1)
	some r in object.get(m, "resources", [])
	prior_tracked(r)
}

prior_resources[r.address] := [r, m.address] if {
	some m1 in prior_children(prior_root)
	some m2 in prior_children(m1)
	some m in prior_children(m2)
	some r in object.get(m, "resources", [])
	prior_tracked(r)
}

prior_resources[r.address] := [r, m.address] if {
	some m1 in prior_children(prior_root)
	some m2 in prior_children(m1)
	some m3 in prior_children(m2)
	some m in prior_children(m3)
	some r in object.get(m, "resources", [])
	prior_tracked(r)
}

prior_resources[r.address] := [r, m.address] if {
	some m1 in prior_children(prior_root)
	some m2 in prior_children(m1)
	some m3 in prior_children(m2)
	some m4 in prior_children(m3)
	some m in prior_children(m4)
	some r in object.get(m, "resources", [])
	prior_tracked(r)
}

# Managed buckets and CORS configurations, current objects only (a deposed one shares the address).
prior_tracked(r) if {
	r.mode == "managed"
	r.type in tracked_types
	object.get(r, "deposed_key", null) == null
}

prior_root := object_or_empty(object.get(object_or_empty(object.get(object_or_empty(object.get(document, "prior_state", null)), "values", null)), "root_module", null))

prior_children(m) := [c | some c in as_list(object.get(m, "child_modules", []))]

as_list(x) := x if is_array(x)

else := []

# What S3 holds for a resource after apply: `forget` (a `removed` block with `destroy = false`) leaves the
# object, and so the bucket's CORS, as it was.
after_apply(change) := object_or_empty(object.get(change, "before", null)) if {
	"forget" in change.actions
} else := object_or_empty(object.get(change, "after", null))

# A resource is gone after apply when it is deleted and not re-created, or when nothing remains (`after: null`,
# as in a no-op for a resource deleted out of band).
exists_after(change) := true if {
	"forget" in change.actions
} else := false if {
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
		"tags": known_tags(instance),
		"job_types_unknown": unknown_marking(instance, "groundtruth:job-types"),
		"roles_unknown": unknown_marking(instance, "groundtruth:bucket-role"),
		"inline_rules": [normalize_rule(r) | some r in as_array(object.get(instance.after, "cors_rule", []))],
		"inline_raw": as_array(object.get(instance.after, "cors_rule", [])),
		"inline_configured": inline_configured(instance),
		"inline_put": writes_inline(instance),
		"prior_only": instance.prior_only,
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
		"bucket_name": config_bucket_name(instance),
		"rules": [normalize_rule(r) | some r in as_array(object.get(instance.after, "cors_rule", []))],
		"raw_rules": as_array(object.get(instance.after, "cors_rule", [])),
		"puts": writes_cors(instance.actions),
		"prior_only": instance.prior_only,
	}
}

writes_cors(actions) := true if puts(actions)

else := false

writes_inline(instance) := true if inline_put(instance)

else := false

# Whether applying the change writes the configuration to S3 (PutBucketCors).
puts(actions) if "create" in actions

puts(actions) if "update" in actions

# A CORS configuration's bucket name: known at plan time, or the name a `data "aws_s3_bucket"` lookup it references
# is given in the configuration.
config_bucket_name(instance) := name if {
	name := known_string(instance, "bucket")
	name != null
} else := name if {
	res := config_resources[instance.config_address]
	names := {n |
		some ref in object.get(object.get(res.expressions, "bucket", {}), "references", [])
		startswith(ref, "data.aws_s3_bucket.")
		n := data_bucket_names[concat("", [module_prefix(instance.module_address), data_ref(ref)])]
	}
	count(names) == 1
	some name in names
} else := name if {
	kind == "config"
	raw := instance.after.bucket
	is_string(raw)
	some m in regex.find_all_string_submatch_n(`^\$\{data\.aws_s3_bucket\.([A-Za-z0-9_-]+)\.(?:id|bucket)\}$`, raw, 1)
	name := data_bucket_names[concat(".", ["data.aws_s3_bucket", m[1]])]
} else := null

# `data.aws_s3_bucket.x["k"].id` → `data.aws_s3_bucket.x`.
data_ref(ref) := concat(".", [parts[0], parts[1], split(parts[2], "[")[0]]) if {
	parts := split(ref, ".")
	count(parts) >= 3
}

# ---------------------------------------------------------------------------------------------------------------
# The Ground Truth marking: tags known at plan time, provider default tags, and what cannot be known yet

marking_keys := {"groundtruth:job-types", "groundtruth:bucket-role"}

# Tags whose values are known: `tags_all` and `tags` from the plan, the provider's `default_tags` as the
# configuration writes them; CDKTF tokens (`${…}`) are not values yet.
known_tags(instance) := {k: v |
	some k, v in object.union_n([
		object_or_empty(object.get(instance.after, "tags_all", null)),
		default_tags(instance),
		object_or_empty(object.get(instance.after, "tags", null)),
	])
	is_string(v)
	not contains(v, "${")
}

# Provider default tags from a plan's configuration (constant expressions only) or a CDKTF configuration.
default_tags(instance) := tags if {
	kind == "plan"
	res := config_resources[instance.config_address]
	provider := document.configuration.provider_config[res.provider_config_key]
	some block in as_list(object.get(provider.expressions, "default_tags", []))
	tags := object_or_empty(block.tags.constant_value)
} else := tags if {
	kind == "config"
	some provider in config_providers(instance)
	some block in blocks(object.get(provider, "default_tags", []))
	tags := object_or_empty(object.get(block, "tags", null))
} else := {}

# The `aws` provider blocks of a CDKTF configuration that serve the bucket (by alias, or the default one).
config_providers(instance) := [p |
	some p in blocks(object.get(object_or_empty(document.provider), "aws", []))
	provider_alias(p) == object.get(instance.after, "provider", "aws")
]

provider_alias(p) := concat(".", ["aws", p.alias]) if is_string(p.alias)

else := "aws"

blocks(x) := x if is_array(x)

else := [x] if is_object(x)

else := []

# Whether the plan cannot tell a marking tag's value: the tag map or that tag is unknown until apply, or the
# provider's default tags (part of tags_all) are not constant in the configuration.
marking_unknown(instance, key) if {
	kind == "plan"
	some attribute in ["tags", "tags_all"]
	unknown_entry(object.get(instance.after_unknown, attribute, false), key)
	not settled_by_configuration(instance, attribute)
}

marking_unknown(instance, key) if {
	kind == "config"
	tags := object.get(instance.after, "tags", {})
	token_entry(tags, key)
}

marking_unknown(instance, key) if {
	kind == "config"
	some provider in config_providers(instance)
	some block in blocks(object.get(provider, "default_tags", []))
	token_entry(object.get(block, "tags", {}), key)
}

unknown_marking(instance, key) := true if {
	marking_unknown(instance, key)
} else := false

unknown_entry(true, _) := true

unknown_entry(u, key) if u[key] == true

token_entry(tags, _) if is_string(tags)

token_entry(tags, key) if {
	is_string(tags[key])
	contains(tags[key], "${")
}

# tags_all is unknown whenever any tag is; it says nothing more than `tags` when the provider's default tags are
# absent or constant in the configuration.
settled_by_configuration(instance, "tags_all") if {
	res := config_resources[instance.config_address]
	provider := object.get(object_or_empty(document.configuration.provider_config), res.provider_config_key, {})
	every block in as_list(object.get(object.get(provider, "expressions", {}), "default_tags", [])) {
		is_object(block.tags.constant_value)
	}
}

# Whether applying the bucket's change writes its inline cors_rule to S3 (the provider puts them only when they
# differ from what the bucket had).
inline_put(instance) if {
	inline_configured(instance)
	some action in instance.actions
	action in {"create", "update"}
	object.get(instance.before, "cors_rule", []) != object.get(instance.after, "cors_rule", [])
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

# Each configured resource (and data source) of a plan, by configuration address.
config_resources[concat("", [prefix, res.address])] := res if {
	some prefix, mod in config_modules
	some res in mod.resources
}

# The bucket name a `data "aws_s3_bucket"` lookup is given in the configuration, by its configuration address.
data_bucket_names[address] := name if {
	kind == "plan"
	some address, res in config_resources
	res.mode == "data"
	res.type == "aws_s3_bucket"
	name := res.expressions.bucket.constant_value
	is_string(name)
}

data_bucket_names[concat(".", ["data.aws_s3_bucket", name])] := body.bucket if {
	kind == "config"
	some name, body in document.data.aws_s3_bucket
	is_string(body.bucket)
	not contains(body.bucket, "${")
}

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

# CDKTF iterators: `for_each = "${aws_s3_bucket.x}"` with `bucket = "${each.value.id}"` covers x's instances.
cors_refs[address] contains concat(".", ["aws_s3_bucket", match[1]]) if {
	kind == "config"
	some address, instance in instances
	instance.type == "aws_s3_bucket_cors_configuration"
	regex.match(`^\$\{each\.value\.(?:id|bucket)\}$`, object.get(instance.after, "bucket", ""))
	for_each := object.get(instance.after, "for_each", "")
	is_string(for_each)
	some match in regex.find_all_string_submatch_n(`^\$\{aws_s3_bucket\.([A-Za-z0-9_-]+)\}$`, for_each, 1)
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
	not ambiguous_targets[address]
	some target in cors_refs[config.config_address]
	some bucket in bucket_by_config_module[target][config.module_address]
	same_instance(config, target, buckets[bucket].index)
	named_module_instance(config, buckets[bucket].module_address)
}

cors_targets[address] contains bucket if {
	some address, config in cors_configs
	not is_string(config.bucket_name)
	not ambiguous_targets[address]
	some target in cors_refs[config.config_address]
	count(split(target, ".")) != count(split(config.config_address, "."))
	some module_address, in_module in bucket_by_config_module[target]
	module_address != config.module_address
	some bucket in in_module
	same_module_instance(config.module_address, module_address)
	same_instance(config, target, buckets[bucket].index)
	named_module_instance(config, module_address)
}

bucket_by_config_module[bucket.config_address][bucket.module_address] contains address if {
	some address, bucket in buckets
}

# Module instances a CORS configuration's reference names (`module.team["red"].bucket_id` from the root →
# `module.team["red"]`), as absolute module addresses.
module_instance_refs[config_address] contains instance if {
	some prefix, mod in config_modules
	some res in mod.resources
	res.type == "aws_s3_bucket_cors_configuration"
	config_address := concat("", [prefix, res.address])
	some ref in res.expressions.bucket.references
	some m in regex.find_all_string_submatch_n(`^(module\.[A-Za-z0-9_-]+\[(?:"[^"]*"|[0-9]+)\])`, ref, 1)
	instance := m[1]
}

# A configuration whose reference names a module instance pairs only with buckets inside that instance.
named_module_instance(config, _) if not module_instance_refs[config.config_address]

named_module_instance(config, bucket_module) if {
	some relative in module_instance_refs[config.config_address]
	instance := concat("", [config.module_address, dot_if(config.module_address != ""), relative])
	within_module(bucket_module, instance)
}

within_module(address, instance) if address == instance

within_module(address, instance) if startswith(address, concat("", [instance, "."]))

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

# ---------------------------------------------------------------------------------------------------------------
# CORS that the apply removes: S3 keeps one configuration per bucket, and deleting any
# aws_s3_bucket_cors_configuration object (DeleteBucketCors) wipes whatever the bucket holds at that moment.

# Bucket name → the deletes of CORS configuration objects naming it, with what orders them.
cors_deletes[name] contains {"address": rc.address, "order": order} if {
	kind == "plan"
	some rc in document.resource_changes
	rc.mode == "managed"
	rc.type == "aws_s3_bucket_cors_configuration"
	"delete" in rc.change.actions
	name := object.get(object_or_empty(object.get(rc.change, "before", null)), "bucket", null)
	is_string(name)
	order := delete_order(rc)
}

# "after-create": a create_before_destroy replacement, whose old object is deleted after the new one is put;
# "deposed": a deposed object (left by an interrupted create_before_destroy), deleted after the current one;
# "unordered": a delete that nothing orders against other writes of the bucket's CORS.
delete_order(rc) := "deposed" if {
	object.get(rc, "deposed", null) != null
} else := "after-create" if {
	rc.change.actions == ["create", "delete"]
} else := "before-create" if {
	rc.change.actions == ["delete", "create"]
} else := "unordered"

# Names of buckets whose CORS the plan changes in any way (for buckets the plan otherwise leaves alone).
cors_touched contains name if {
	some name, _ in cors_deletes
}

cors_touched contains config.bucket_name if {
	some config in cors_configs
	config.puts
	is_string(config.bucket_name)
}

# A configuration whose reference leads to more than one bucket (`var.a ? aws_s3_bucket.x.id : aws_s3_bucket.y.id`)
# belongs to neither with certainty.
ambiguous_targets[address] := targets if {
	some address, config in cors_configs
	not is_string(config.bucket_name)
	targets := {t | some t in cors_refs[config.config_address]; bucket_by_config[t]}
	count(targets) > 1
}
