# METADATA
# title: S3's CORS matching
# description: |
#   How S3 decides whether a CORS rule answers a request: the origin must match an allowed origin (which may
#   hold one `*` wildcard), the method must be allowed, and every requested header must match an allowed
#   header. Rule order is not kept by Terraform (`cors_rule` is a set), so any rule may be the one S3 meets first.
package gtcors.cors

import rego.v1

import data.gtcors.requirements

# "*" as a required origin means any origin: only a rule allowing "*" answers every origin.
covers_origin(rule, "*") if "*" in rule.allowed_origins

covers_origin(rule, origin) if {
	origin != "*"
	some pattern in rule.allowed_origins
	wildcard_match(pattern, origin)
}

wildcard_match(pattern, value) if pattern == value

wildcard_match(pattern, value) if {
	parts := split(pattern, "*")
	count(parts) == 2
	startswith(value, parts[0])
	endswith(value, parts[1])
	count(value) >= count(parts[0]) + count(parts[1])
}

# A required header "*" means arbitrary headers: only an allowed header "*" answers them.
allows_header(rule, "*") if "*" in rule.allowed_headers

allows_header(rule, header) if {
	header != "*"
	some pattern in rule.allowed_headers
	wildcard_match(pattern, header)
}

# Whether one rule gives a need everything from one origin.
satisfies(rule, need, origin) if {
	covers_origin(rule, origin)
	every method in need.methods {
		method in rule.allowed_methods
	}
	every header in need.headers {
		allows_header(rule, header)
	}
	every header in need.expose {
		header in rule.expose_headers
	}
}

# What no rule for the origin provides, in words, for the finding's message.
missing(rules, need, origin) := ["a rule allowing the origin"] if {
	not any_covers(rules, origin)
} else := gaps if {
	gaps := array.concat(
		array.concat(
			[sprintf("method %s", [m]) | some m in sort([m | some m in need.methods]); not method_offered(rules, origin, m)],
			[sprintf("allowed header %s", [h]) | some h in sort([h | some h in need.headers]); not header_offered(rules, origin, h)],
		),
		[sprintf("exposed header %s", [requirements.canonical_header(h)]) | some h in sort([h | some h in need.expose]); not expose_offered(rules, origin, h)],
	)
	count(gaps) > 0
} else := ["all of it in one rule (each part is in some rule, none has all)"]

any_covers(rules, origin) if {
	some rule in rules
	covers_origin(rule, origin)
}

method_offered(rules, origin, method) if {
	some rule in rules
	covers_origin(rule, origin)
	method in rule.allowed_methods
}

header_offered(rules, origin, header) if {
	some rule in rules
	covers_origin(rule, origin)
	allows_header(rule, header)
}

expose_offered(rules, origin, header) if {
	some rule in rules
	covers_origin(rule, origin)
	header in rule.expose_headers
}

# A rule that answers the same origin and one of the need's methods without giving the need what it wants:
# since rule order is not kept, S3 may meet it first and answer the request without it.
shadows(rule, need, origin) if {
	covers_origin(rule, origin)
	some method in need.methods
	method in rule.allowed_methods
	not satisfies(rule, need, origin)
}
