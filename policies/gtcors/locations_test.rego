# METADATA
# title: Tests of construct paths
# description: CDKTF's `//` metadata gives each tracked resource's construct path; plans and resources without it give none.
package gtcors.locations_test

import rego.v1

import data.gtcors.locations

test_construct_paths_of_buckets_and_cors if {
	doc := {"resource": {
		"aws_s3_bucket": {"b": {"//": {"metadata": {"path": "app/labeling/bucket"}}, "bucket": "x"}},
		"aws_s3_bucket_cors_configuration": {"c": {"//": {"metadata": {"path": "app/labeling/cors"}}}},
		"aws_iam_role": {"r": {"//": {"metadata": {"path": "app/role"}}}},
	}}
	locations.constructs == {"aws_s3_bucket.b": "app/labeling/bucket", "aws_s3_bucket_cors_configuration.c": "app/labeling/cors"} with input as doc
}

test_no_metadata_no_path if {
	locations.constructs == {} with input as {"resource": {"aws_s3_bucket": {"b": {"bucket": "x"}}}}
}

test_plans_have_no_construct_paths if {
	locations.constructs == {} with input as {"format_version": "1.2", "resource_changes": []}
}
