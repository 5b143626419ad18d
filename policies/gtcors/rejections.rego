# METADATA
# title: Rules S3 rejects
# description: |
#   PutBucketCors rejects a whole configuration when one rule breaks S3's limits (limits.rego, generated from
#   the file the constructs validate against): the apply fails and the bucket is left without that CORS.
#   Rules are read as Terraform writes them, before the gate's own normalising (methods are case-sensitive).
package gtcors.rejections

import rego.v1

import data.gtcors.resources
import data.gtcors.limits.limits

# Why S3 rejects a list of `cors_rule` blocks; empty when it accepts them.
rejections(rules) := sort(array.concat(too_many(rules), [reason |
	some i, rule in rules
	some reason in rule_rejections(i + 1, object_or_empty(rule))
]))

too_many(rules) := [sprintf("%d rules (S3 takes at most %d)", [count(rules), limits.max_rules])] if {
	count(rules) > limits.max_rules
} else := []

rule_rejections(n, rule) := array.concat(
	array.concat(
		[sprintf("rule %d has no %s", [n, name]) |
			some attribute, name in {"allowed_methods": "method", "allowed_origins": "origin"}
			count(resources.as_array(object.get(rule, attribute, []))) == 0
		],
		[sprintf("rule %d: method %q (S3 takes %s, upper-case)", [n, method, concat(", ", limits.allowed_methods)]) |
			some method in values(rule, "allowed_methods")
			not method in limits.allowed_methods
		],
	),
	array.concat(
		array.concat(
			[sprintf("rule %d: origin %q has more than %d \"*\"", [n, origin, limits.max_wildcards_per_origin]) |
				some origin in values(rule, "allowed_origins")
				wildcards(origin) > limits.max_wildcards_per_origin
			],
			[sprintf("rule %d: allowed header %q has more than %d \"*\"", [n, header, limits.max_wildcards_per_allowed_header]) |
				some header in values(rule, "allowed_headers")
				wildcards(header) > limits.max_wildcards_per_allowed_header
			],
		),
		[sprintf("rule %d: id of %d characters (S3 takes at most %d)", [n, count(rule.id), limits.max_id_length]) |
			is_string(rule.id)
			count(rule.id) > limits.max_id_length
		],
	),
)

# A rule's string values, without CDKTF tokens (`${…}`), which are not values yet.
values(rule, attribute) := [v |
	some v in resources.as_array(object.get(rule, attribute, []))
	is_string(v)
	not contains(v, "${")
]

wildcards(s) := count(split(s, "*")) - 1

object_or_empty(x) := x if is_object(x)

else := {}
