# METADATA
# title: Instance keys given through a module variable
# description: |
#   `module "m" { bucket_id = aws_s3_bucket.x["k"].id }` with `bucket = var.bucket_id` inside: the configuration
#   is for instance "k" only, as if it had named the key itself. One module level: a key passed on through a
#   second variable is not followed (the instances then pair by equal keys, or not at all).
package gtcors.resources

import rego.v1

explicit_keys[config_address] contains [concat("", [parent, "aws_s3_bucket.", m[1]]), key] if {
	some prefix, mod in config_modules
	prefix != ""
	some res in mod.resources
	res.type == "aws_s3_bucket_cors_configuration"
	config_address := concat("", [prefix, res.address])
	some ref in res.expressions.bucket.references
	[keyword, name] := array.slice(split(ref, "."), 0, 2)
	keyword == "var"
	parent := parent_prefix(prefix)
	some given in config_modules[parent].module_calls[call_name(prefix)].expressions[name].references
	some m in regex.find_all_string_submatch_n(`^aws_s3_bucket\.([A-Za-z0-9_-]+)\[("[^"]*"|[0-9]+)\]$`, given, 1)
	key := json.unmarshal(m[2])
}
