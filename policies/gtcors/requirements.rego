# METADATA
# title: What Ground Truth needs
# description: |
#   The CORS each labeling job type needs on a bucket in each role, from AWS's SageMaker Ground Truth guide:
#   image and text jobs need GET from any origin on buckets holding input data; video-frame and 3D point-cloud
#   jobs need GET, HEAD and PUT with any header and `Access-Control-Allow-Origin` exposed, on the input and the
#   output bucket.
package gtcors.requirements

import rego.v1

job_types := {"image", "text", "video-frame", "point-cloud"}

roles := {"input", "output"}

basic := {
	"rule": "GTCORS-002",
	"methods": {"GET"},
	"headers": set(),
	"expose": set(),
	"max_age_seconds": null,
}

strong := {
	"rule": "GTCORS-003",
	"methods": {"GET", "HEAD", "PUT"},
	"headers": {"*"},
	"expose": {"access-control-allow-origin"},
	"max_age_seconds": 3000,
}

# The need of a job type on a bucket in a role; undefined where the pair needs no CORS (image output buckets).
need("image", "input") := basic

need("text", "input") := basic

need("video-frame", _) := strong

need("point-cloud", _) := strong

# The rule AWS documents for a need, as Terraform's `cors_rule` block, allowing the given origins.
fix_rule(n, origins) := {
	"allowed_headers": sort([h | some h in n.headers]),
	"allowed_methods": sort([m | some m in n.methods]),
	"allowed_origins": sort([o | some o in origins]),
	"expose_headers": [canonical_header(h) | some h in sort([h | some h in n.expose])],
	"max_age_seconds": n.max_age_seconds,
} if {
	n.max_age_seconds != null
} else := {
	"allowed_headers": sort([h | some h in n.headers]),
	"allowed_methods": sort([m | some m in n.methods]),
	"allowed_origins": sort([o | some o in origins]),
	"expose_headers": [canonical_header(h) | some h in sort([h | some h in n.expose])],
}

canonical_header("access-control-allow-origin") := "Access-Control-Allow-Origin"

canonical_header(h) := h if h != "access-control-allow-origin"
