# METADATA
# title: What applying one input does to each bucket's CORS
# description: |
#   Per bucket name: the CORS configurations (and inline cors_rule) an input puts or keeps for it, and the deletes
#   it runs where it keeps none. The gate joins these across the inputs of one run: S3 keeps one configuration per
#   bucket, so when two inputs write one bucket's CORS, the order their applies run in decides what S3 holds.
package gtcors.writes

import rego.v1

import data.gtcors.resources

# {"bucket": name, "address": the resource, "action": "put" | "keep" | "delete"}
writes := kept | deleted

kept contains {"bucket": name, "address": address, "action": action(config.puts)} if {
	some address, config in resources.cors_configs
	# A forgotten configuration (removed, destroy = false) leaves S3's CORS as it is and stops managing it.
	not "forget" in resources.instances[address].actions
	some name in config_bucket_names(address, config)
}

kept contains {"bucket": bucket.name, "address": address, "action": action(bucket.inline_put)} if {
	some address, bucket in resources.buckets
	bucket.inline_configured
	is_string(bucket.name)
}

# A delete counts only where the input leaves no configuration for the bucket: a replacement's or a deposed
# object's delete is ordered within the input's own apply, which then ends with its configuration in place.
deleted contains {"bucket": name, "address": d.address, "action": "delete"} if {
	some name, deletes in resources.cors_deletes
	not kept_names[name]
	some d in deletes
}

kept_names contains w.bucket if some w in kept

# By the configuration's own bucket name, else by the names of the buckets in this input it links to.
config_bucket_names(address, config) := {config.bucket_name} if is_string(config.bucket_name)

else := {name |
	some target in resources.cors_targets[address]
	name := resources.buckets[target].name
	is_string(name)
}

action(true) := "put"

action(false) := "keep"
