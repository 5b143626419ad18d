# METADATA
# title: Tests of what Ground Truth needs
# description: The need of each job type and role, and the fix rules in Terraform's attribute names.
package gtcors.requirements_test

import rego.v1

import data.gtcors.requirements

test_image_and_text_need_get_on_input_buckets_only if {
	requirements.need("image", "input") == requirements.basic
	requirements.need("text", "input") == requirements.basic
	not requirements.need("image", "output")
	not requirements.need("text", "output")
}

test_video_frame_and_point_cloud_need_the_strong_rule_on_both_roles if {
	every job_type in ["video-frame", "point-cloud"] {
		every role in ["input", "output"] {
			requirements.need(job_type, role) == requirements.strong
		}
	}
}

test_fix_rule_for_video_frames_is_the_documented_one if {
	requirements.fix_rule(requirements.strong, {"*"}) == {
		"allowed_headers": ["*"],
		"allowed_methods": ["GET", "HEAD", "PUT"],
		"allowed_origins": ["*"],
		"expose_headers": ["Access-Control-Allow-Origin"],
		"max_age_seconds": 3000,
	}
}

test_fix_rule_allows_the_required_origins if {
	fix := requirements.fix_rule(requirements.basic, {"https://b.example.com", "https://a.example.com"})
	fix.allowed_origins == ["https://a.example.com", "https://b.example.com"]
	not fix.max_age_seconds
}
