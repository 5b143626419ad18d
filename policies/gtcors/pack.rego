# METADATA
# title: The GTCORS rule pack
# description: |
#   Every rule the gate reports, as data: a stable id, the compliant state it checks for (its name), severity
#   and the explanation shown in SARIF and JUnit reports. Ids never change meaning; retired ids are not reused.
package gtcors.pack

import rego.v1

rules := {
	"GTCORS-001": {
		"name": "GroundTruthBucketHasCors",
		"severity": "error",
		"summary": "A Ground Truth bucket has no CORS configuration",
		"explanation": "Ground Truth's labeling UI fetches objects from the bucket in the worker's browser with CORS; without a CORS configuration the images do not load (Chrome 89+) and labeling tasks fail.",
	},
	"GTCORS-002": {
		"name": "ImageTextInputAllowsGet",
		"severity": "error",
		"summary": "An image or text input bucket does not allow GET from the required origins",
		"explanation": "Buckets holding input data for image and text labeling jobs need a CORS rule allowing GET from any origin (or from the origins your workforce uses).",
	},
	"GTCORS-003": {
		"name": "VideoPointCloudRule",
		"severity": "error",
		"summary": "A video-frame or 3D point-cloud bucket lacks the rule those jobs need",
		"explanation": "Input and output buckets of video-frame and 3D point-cloud jobs need one CORS rule allowing GET, HEAD and PUT with any header (AllowedHeaders *) and exposing Access-Control-Allow-Origin.",
	},
	"GTCORS-004": {
		"name": "SingleCorsConfiguration",
		"severity": "error",
		"summary": "A bucket gets CORS from more than one place",
		"explanation": "S3 keeps one CORS configuration per bucket: two aws_s3_bucket_cors_configuration resources, or inline cors_rule blocks beside one, overwrite each other on every apply. Across the inputs of one run (stacks, roots), whichever input is applied last decides what the bucket holds: an error when one of them lacks what Ground Truth needs.",
	},
	"GTCORS-005": {
		"name": "NoShadowingRule",
		"severity": "warning",
		"summary": "Another CORS rule may answer Ground Truth's requests first",
		"explanation": "S3 uses the first rule matching a request's origin and method, and Terraform does not keep rule order. A rule for the same origin and method that lacks what Ground Truth needs can answer instead of the compliant one.",
	},
	"GTCORS-006": {
		"name": "ValidGroundTruthMarking",
		"severity": "error",
		"summary": "A bucket's Ground Truth marking names an unknown job type or role",
		"explanation": "groundtruth:job-types takes image, text, video-frame and point-cloud; groundtruth:bucket-role takes input, output or both (comma-separated).",
	},
	"GTCORS-007": {
		"name": "ExceptionHasReason",
		"severity": "error",
		"summary": "An exception has no reason",
		"explanation": "Every exception must say why the finding is accepted; an exception without a reason suppresses nothing.",
	},
	"GTCORS-008": {
		"name": "CorsResourceNotInline",
		"severity": "warning",
		"summary": "A Ground Truth bucket's CORS is set with the deprecated inline cors_rule",
		"explanation": "The inline cors_rule block on aws_s3_bucket is deprecated in provider 5.x; use aws_s3_bucket_cors_configuration.",
	},
	"GTCORS-009": {
		"name": "CorsConfigurationLinked",
		"severity": "warning",
		"summary": "A CORS configuration's bucket cannot be determined from the plan",
		"explanation": "The bucket name is unknown at plan time and the configuration reference does not lead to a bucket in this plan, so the gate cannot tell which bucket the rules protect.",
	},
	"GTCORS-010": {
		"name": "ExceptionScopedToItsInput",
		"severity": "warning",
		"summary": "An exception without a scope suppresses findings in more than one input",
		"explanation": "An exception without input or root applies to every plan of a run; suppressing findings in several of them, it may hide a finding its author never saw. Scope it with input (a path glob of the plan file) or root (of the Terraform root directory).",
	},
	"GTCORS-011": {
		"name": "CorsSurvivesApply",
		"severity": "error",
		"summary": "The apply can end with a Ground Truth bucket's CORS removed",
		"explanation": "S3 keeps one CORS configuration per bucket and deleting any aws_s3_bucket_cors_configuration removes it. A create_before_destroy replacement, a deposed object, a configuration renamed without a moved block, or one deleted while inline or other rules stay unchanged leaves the bucket without CORS once the delete has run; so does a configuration deleted in one input of a run while another input puts the bucket's CORS, when the delete is applied last.",
	},
	"GTCORS-012": {
		"name": "GroundTruthStatusKnown",
		"severity": "error",
		"summary": "The plan cannot tell whether a bucket needs Ground Truth CORS, or which bucket a CORS configuration is for",
		"explanation": "A marking tag known only after apply, a CORS configuration whose bucket depends on a value the plan does not record, or a module whose resources cdk.tf.json does not show. Unknown is never compliant: list the bucket in the data file (job_types, or \"groundtruth\": false), or gate the plan where the values are known.",
	},
	"GTCORS-013": {
		"name": "S3AcceptsCorsRules",
		"severity": "error",
		"summary": "S3 rejects a Ground Truth bucket's CORS configuration",
		"explanation": "PutBucketCors takes only GET, PUT, HEAD, POST and DELETE (upper-case), at most one * per origin and per allowed header, at least one method and origin per rule and at most 100 rules; otherwise the apply fails and the bucket is left without that CORS.",
	},
	"GTCORS-014": {
		"name": "CorsConfiguredInOneInput",
		"severity": "warning",
		"summary": "Two inputs of one run configure a Ground Truth bucket's CORS, each serving Ground Truth",
		"explanation": "S3 keeps one CORS configuration per bucket, so the input applied last decides what the bucket holds and each apply overwrites the other's rules. Every one of them serves what Ground Truth needs, so the bucket keeps working in either order; keep its CORS in one input (remove it from the other with removed { lifecycle { destroy = false } } so S3 keeps it meanwhile).",
	},
}
