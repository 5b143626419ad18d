# METADATA
# title: Tests of S3's CORS matching
# description: Origin and header wildcards, whole-need satisfaction, what is missing, and shadowing rules.
package gtcors.cors_test

import rego.v1

import data.gtcors.cors
import data.gtcors.requirements

rule(methods, origins, headers, expose) := {
	"id": null,
	"allowed_methods": methods,
	"allowed_origins": origins,
	"allowed_headers": headers,
	"expose_headers": expose,
	"max_age_seconds": null,
}

strong_rule := rule({"GET", "HEAD", "PUT"}, {"*"}, {"*"}, {"access-control-allow-origin"})

test_star_origin_is_covered_only_by_star if {
	cors.covers_origin(rule({"GET"}, {"*"}, set(), set()), "*")
	not cors.covers_origin(rule({"GET"}, {"https://*.example.com"}, set(), set()), "*")
}

test_one_wildcard_origin_matches_a_subdomain if {
	cors.covers_origin(rule({"GET"}, {"https://*.example.com"}, set(), set()), "https://portal.example.com")
	not cors.covers_origin(rule({"GET"}, {"https://*.example.com"}, set(), set()), "https://example.org")
}

test_wildcard_needs_room_for_both_ends if {
	not cors.wildcard_match("ab*ba", "aba")
	cors.wildcard_match("ab*ba", "abba")
}

test_star_header_needs_an_allowed_star if {
	cors.allows_header(rule({"GET"}, {"*"}, {"*"}, set()), "*")
	not cors.allows_header(rule({"GET"}, {"*"}, {"x-amz-*"}, set()), "*")
	cors.allows_header(rule({"GET"}, {"*"}, {"x-amz-*"}, set()), "x-amz-date")
}

test_strong_rule_satisfies_both_needs if {
	cors.satisfies(strong_rule, requirements.strong, "*")
	cors.satisfies(strong_rule, requirements.basic, "https://any.example.com")
}

test_basic_rule_does_not_satisfy_video_frames if {
	not cors.satisfies(rule({"GET"}, {"*"}, set(), set()), requirements.strong, "*")
}

test_missing_names_each_gap if {
	gaps := cors.missing([rule({"GET", "HEAD"}, {"*"}, set(), set())], requirements.strong, "*")
	gaps == ["method PUT", "allowed header *", "exposed header Access-Control-Allow-Origin"]
}

test_missing_origin_is_reported_first if {
	cors.missing([rule({"GET"}, {"https://a.example.com"}, set(), set())], requirements.basic, "*") == ["a rule allowing the origin"]
}

test_parts_spread_over_rules_are_not_enough if {
	rules := [
		rule({"GET", "HEAD", "PUT"}, {"*"}, set(), set()),
		rule({"GET"}, {"*"}, {"*"}, {"access-control-allow-origin"}),
	]
	cors.missing(rules, requirements.strong, "*") == ["all of it in one rule (each part is in some rule, none has all)"]
}

test_rule_for_same_method_without_the_need_shadows if {
	cors.shadows(rule({"GET"}, {"*"}, set(), set()), requirements.strong, "*")
	not cors.shadows(strong_rule, requirements.strong, "*")
	not cors.shadows(rule({"POST"}, {"*"}, set(), set()), requirements.strong, "*")
}
