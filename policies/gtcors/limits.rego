# METADATA
# title: What S3 accepts in a CORS configuration
# description: |
#   Generated from constructs/s3-cors-limits.json by scripts/s3-limits-rego.ts (`npm run build:policy`); the
#   constructs validate rules against the same file. Do not edit by hand.
package gtcors.limits

import rego.v1

limits := {
	"allowed_methods": [
		"GET",
		"PUT",
		"HEAD",
		"POST",
		"DELETE"
	],
	"max_rules": 100,
	"max_wildcards_per_origin": 1,
	"max_wildcards_per_allowed_header": 1,
	"max_id_length": 255
}
