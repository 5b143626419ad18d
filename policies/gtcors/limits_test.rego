# METADATA
# title: Tests of S3's CORS limits as the policy reads them
# description: |
#   The generated module carries the limits file's values (a jest test keeps it equal to the file): the five
#   methods S3 names, upper-case only, and one wildcard per origin and header.
package gtcors.limits_test

import rego.v1

import data.gtcors.limits

test_methods_are_the_five_s3_takes_in_upper_case if {
	{m | some m in limits.limits.allowed_methods} == {"GET", "PUT", "HEAD", "POST", "DELETE"}
	every m in limits.limits.allowed_methods {
		upper(m) == m
	}
}

test_one_wildcard_and_a_hundred_rules if {
	limits.limits.max_wildcards_per_origin == 1
	limits.limits.max_wildcards_per_allowed_header == 1
	limits.limits.max_rules == 100
}
