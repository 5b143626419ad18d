# METADATA
# title: Tests of the rules S3 rejects
# description: |
#   Each limit of PutBucketCors on a rule as Terraform writes it, at and past the limit; CDKTF tokens are not judged.
package gtcors.rejections_test

import rego.v1

import data.gtcors.rejections

get_rule := {"allowed_methods": ["GET"], "allowed_origins": ["*"]}

test_s3_rejects_what_its_limits_exclude if {
	rejections.rejections([get_rule]) == []
	count(rejections.rejections([{"allowed_methods": ["PATCH"], "allowed_origins": ["*"]}])) == 1
	count(rejections.rejections([{"allowed_methods": ["get"], "allowed_origins": ["*"]}])) == 1
	count(rejections.rejections([{"allowed_methods": [], "allowed_origins": []}])) == 2
	count(rejections.rejections([{"allowed_methods": ["GET"], "allowed_origins": ["https://*.*.example.com"]}])) == 1
	count(rejections.rejections([{"allowed_methods": ["GET"], "allowed_origins": ["*"], "allowed_headers": ["a*b*"]}])) == 1
	rejections.rejections([get_rule | some _ in numbers.range(1, 101)]) == ["101 rules (S3 takes at most 100)"]
	rejections.rejections([get_rule | some _ in numbers.range(1, 100)]) == []
}

test_cdktf_tokens_are_not_values if {
	rejections.rejections([{"allowed_methods": ["${var.m}"], "allowed_origins": "${var.o}"}]) == []
}

