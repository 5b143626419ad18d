# METADATA
# title: Where a resource is written
# description: |
#   For Terraform JSON configuration that CDKTF synthesizes, the construct path of each bucket and CORS
#   configuration (`"//": {"metadata": {"path": "app/labeling/cors"}}`), keyed by address, so a finding can name
#   the construct to open. Plan JSON keeps no such path; the gate locates plan resources in the root's files.
package gtcors.locations

import rego.v1

import data.gtcors.source.document
import data.gtcors.source.kind

constructs[address] := path if {
	kind == "config"
	some type in {"aws_s3_bucket", "aws_s3_bucket_cors_configuration"}
	some name, body in object.get(document, "resource", {})[type]
	path := object.get(object.get(object.get(body, "//", {}), "metadata", {}), "path", null)
	is_string(path)
	address := concat(".", [type, name])
}
