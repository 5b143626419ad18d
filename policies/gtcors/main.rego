# METADATA
# title: Ground Truth CORS gate
# description: |
#   Rejects Terraform plans (and CDKTF configurations) in which an S3 bucket that Amazon SageMaker Ground Truth
#   reads lacks the CORS its labeling jobs need. Buckets are marked with the tags `groundtruth:job-types` and
#   `groundtruth:bucket-role`, or listed in `data.groundtruth.buckets`. The entrypoint is `gtcors/report`.
package gtcors

import rego.v1

import data.gtcors.cors
import data.gtcors.locations
import data.gtcors.pack
import data.gtcors.requirements
import data.gtcors.resources
import data.gtcors.rejections
import data.gtcors.shape
import data.gtcors.source
import data.gtcors.writes

# ---------------------------------------------------------------------------------------------------------------
# Settings from data.groundtruth: origins, buckets, exceptions

settings := data.groundtruth if is_object(data.groundtruth)

else := {}

setting_list(name) := settings[name] if is_array(settings[name])

else := []

# The origins each need must be served from; any origin unless the user names the workforce's origins.
required_origins := {o | some o in setting_list("origins")} if count(setting_list("origins")) > 0

else := {"*"}

data_entries(bucket) := [entry |
	some entry in setting_list("buckets")
	entry_matches(entry, bucket)
]

# Two entries for one bucket (by address and by name, or twice by either) say different things about it: a data
# file error, as the gate reports every other one, rather than a silent merge.
data_errors contains {"path": sprintf("$.groundtruth.buckets[%d]", [j]), "message": msg} if {
	some address, bucket in resources.buckets
	matching := [i | some i, entry in setting_list("buckets"); entry_matches(entry, bucket)]
	count(matching) > 1
	j := matching[1]
	msg := sprintf("a second entry for the bucket %s (the first is $.groundtruth.buckets[%d]); merge them into one", [address, matching[0]])
}

entry_matches(entry, bucket) if entry.address == bucket.address

entry_matches(entry, bucket) if entry.address == bucket.config_address

entry_matches(entry, bucket) if {
	is_string(bucket.name)
	entry.bucket == bucket.name
}

# ---------------------------------------------------------------------------------------------------------------
# Ground Truth buckets: what the gate checks

tag_values(tags, key) := {lower(trim_space(v)) | some v in split(tags[key], ","); trim_space(v) != ""} if {
	is_string(tags[key])
} else := set()

entry_values(entries, key) := {lower(trim_space(v)) | some entry in entries; some v in resources.as_array(entry[key])}

job_types_of(bucket, entries) := tag_values(bucket.tags, "groundtruth:job-types") | entry_values(entries, "job_types")

roles_of(bucket, entries) := roles if {
	roles := tag_values(bucket.tags, "groundtruth:bucket-role") | entry_values(entries, "roles")
	count(roles) > 0
} else := requirements.roles if {
	# A role known only after apply could be either: judged as both, so unknown is never compliant.
	object.get(bucket, "roles_unknown", false)
} else := {"input"}

# A data entry that settles a bucket the plan cannot tell about: `"groundtruth": false` says it is not one.
declared_not_groundtruth(entries) if {
	some entry in entries
	entry.groundtruth == false
}

# Buckets managed by the plan, keyed by address; a bucket the plan leaves alone (in prior_state only) when the
# plan changes its CORS.
subjects[address] := subject if {
	some address, bucket in resources.buckets
	judged(bucket)
	entries := data_entries(bucket)
	job_types := job_types_of(bucket, entries)
	count(job_types) > 0
	configs := {c | some c in resources.configs_for_bucket[address]}
	subject := {
		"address": address,
		"bucket": bucket.name,
		"job_types": job_types,
		"roles": roles_of(bucket, entries),
		"configs": configs,
		"inline": bucket.inline_configured,
		"inline_put": bucket.inline_put,
		"rejected": array.concat(
			inline_rejections(bucket),
			[sprintf("%s: %s", [c, reason]) | some c in sort([c | some c in configs]); some reason in rejections.rejections(resources.cors_configs[c].raw_rules)],
		),
		"rules": array.concat(
			inline_rules(bucket),
			[rule | some c in sort([c | some c in configs]); some rule in resources.cors_configs[c].rules],
		),
	}
}

# Buckets managed elsewhere, listed in data by name, whose CORS configuration this plan manages.
subjects[address] := subject if {
	some entry in setting_list("buckets")
	name := entry.bucket
	is_string(name)
	not resources.bucket_by_name[name]
	configs := {address | some address, c in resources.cors_configs; c.bucket_name == name}
	count(configs) > 0
	address := sort([c | some c in configs])[0]
	job_types := entry_values([entry], "job_types")
	count(job_types) > 0
	roles := roles_of({"tags": {}}, [entry])
	subject := {
		"address": address,
		"bucket": name,
		"job_types": job_types,
		"roles": roles,
		"configs": configs,
		"inline": false,
		"inline_put": false,
		"rejected": [sprintf("%s: %s", [c, reason]) | some c in sort([c | some c in configs]); some reason in rejections.rejections(resources.cors_configs[c].raw_rules)],
		"rules": [rule | some c in sort([c | some c in configs]); some rule in resources.cors_configs[c].rules],
	}
}

# A bucket managed elsewhere, listed in data, whose only CORS configuration this plan deletes.
subjects[address] := subject if {
	some entry in setting_list("buckets")
	name := entry.bucket
	is_string(name)
	not resources.bucket_by_name[name]
	not external_configs[name]
	some _ in resources.cors_deletes[name]
	address := sort([d.address | some d in resources.cors_deletes[name]])[0]
	job_types := entry_values([entry], "job_types")
	count(job_types) > 0
	subject := {
		"address": address,
		"bucket": name,
		"job_types": job_types,
		"roles": roles_of({"tags": {}}, [entry]),
		"configs": set(),
		"inline": false,
		"inline_put": false,
		"rejected": [],
		"rules": [],
	}
}

external_configs[name] if {
	some c in resources.cors_configs
	name := c.bucket_name
	is_string(name)
}

judged(bucket) if not bucket.prior_only

judged(bucket) if resources.cors_touched[bucket.name]

inline_rejections(bucket) := [sprintf("inline cors_rule of %s: %s", [bucket.address, reason]) |
	bucket.inline_configured
	some reason in rejections.rejections(bucket.inline_raw)
]

inline_rules(bucket) := bucket.inline_rules if bucket.inline_configured

else := []

needs_of(subject) := {n |
	some job_type in subject.job_types
	some role in subject.roles
	n := requirements.need(job_type, role)
}

# ---------------------------------------------------------------------------------------------------------------
# Findings

finding(rule_id, subject, message, missing, fix) := {
	"rule": rule_id,
	"severity": pack.rules[rule_id].severity,
	"address": subject.address,
	"bucket": subject.bucket,
	"job_types": sort([t | some t in subject.job_types]),
	"roles": sort([r | some r in subject.roles]),
	"message": message,
	"missing": missing,
	"fix": fix,
}

describe(subject) := sprintf("bucket %s (%s; %s)", [
	bucket_label(subject),
	concat(", ", sort([t | some t in subject.job_types])),
	concat(" and ", sort([r | some r in subject.roles])),
])

bucket_label(subject) := sprintf("%q", [subject.bucket]) if is_string(subject.bucket)

else := "with a name known only after apply"

origins_text(origins) := "any origin" if origins == {"*"}

else := concat(", ", sort([o | some o in origins]))

strongest_fix(subject) := requirements.fix_rule(requirements.strong, required_origins) if {
	requirements.strong in needs_of(subject)
} else := requirements.fix_rule(requirements.basic, required_origins)

all_findings contains finding("GTCORS-001", subject, msg, ["a CORS configuration"], strongest_fix(subject)) if {
	some subject in subjects
	count(needs_of(subject)) > 0
	count(subject.rules) == 0
	msg := sprintf("%s has no CORS configuration; Ground Truth cannot load its objects in the worker's browser", [describe(subject)])
}

all_findings contains finding(need.rule, subject, msg, gaps, requirements.fix_rule(need, required_origins)) if {
	some subject in subjects
	count(subject.rules) > 0
	some need in needs_of(subject)
	failing := {origin |
		some origin in required_origins
		not any_satisfies(subject.rules, need, origin)
	}
	count(failing) > 0
	gaps := sort({gap | some origin in failing; some gap in cors.missing(subject.rules, need, origin)})
	msg := sprintf("%s: no CORS rule allows %s from %s%s%s (missing: %s)", [
		describe(subject),
		concat(", ", sort([m | some m in need.methods])),
		origins_text(failing),
		headers_text(need),
		expose_text(need),
		concat("; ", gaps),
	])
}

any_satisfies(rules, need, origin) if {
	some rule in rules
	cors.satisfies(rule, need, origin)
}

headers_text(need) := " with AllowedHeaders *" if "*" in need.headers

else := ""

expose_text(need) := " exposing Access-Control-Allow-Origin" if "access-control-allow-origin" in need.expose

else := ""

all_findings contains finding("GTCORS-004", subject, msg, [], strongest_fix(subject)) if {
	some subject in subjects
	sources := count(subject.configs) + to_number(subject.inline)
	sources > 1
	msg := sprintf("%s gets CORS from %d places (%s); S3 keeps one configuration, so each apply overwrites the other", [
		describe(subject),
		sources,
		concat(", ", array.concat(sort([c | some c in subject.configs]), inline_source(subject))),
	])
}

inline_source(subject) := ["inline cors_rule"] if subject.inline

else := []

all_findings contains finding("GTCORS-005", subject, msg, [], requirements.fix_rule(need, required_origins)) if {
	some subject in subjects
	some need in needs_of(subject)
	some origin in required_origins
	any_satisfies(subject.rules, need, origin)
	some rule in subject.rules
	cors.shadows(rule, need, origin)
	msg := sprintf("%s: the rule %s also answers %s from %s without what Ground Truth needs; S3 may meet it first", [
		describe(subject),
		rule_label(rule),
		concat("/", sort([m | some m in need.methods; m in rule.allowed_methods])),
		origins_text({origin}),
	])
}

rule_label(rule) := sprintf("%q", [rule.id]) if is_string(rule.id)

else := sprintf("allowing %s from %s", [
	concat(", ", sort([m | some m in rule.allowed_methods])),
	concat(", ", sort([o | some o in rule.allowed_origins])),
])

all_findings contains finding("GTCORS-006", subject, msg, [], null) if {
	some subject in subjects
	unknown := {t | some t in subject.job_types; not t in requirements.job_types} | {r | some r in subject.roles; not r in requirements.roles}
	count(unknown) > 0
	msg := sprintf("%s is marked with unknown job types or roles: %s (job types: image, text, video-frame, point-cloud; roles: input, output)", [
		describe(subject),
		concat(", ", sort([u | some u in unknown])),
	])
}

all_findings contains finding("GTCORS-008", subject, msg, [], strongest_fix(subject)) if {
	some subject in subjects
	subject.inline
	msg := sprintf("%s sets CORS with the deprecated inline cors_rule; move it to aws_s3_bucket_cors_configuration", [describe(subject)])
}

all_findings contains finding("GTCORS-009", config_subject(config), msg, [], null) if {
	some address, config in resources.cors_configs
	not resources.cors_targets[address]
	not is_string(config.bucket_name)
	not resources.ambiguous_targets[address]
	msg := sprintf("CORS configuration %s: its bucket is known only after apply and no bucket in the plan is referenced", [address])
}

# The apply can end with the bucket's CORS removed: S3 keeps one configuration per bucket, and the delete of any
# CORS configuration object naming it removes whatever the bucket holds when the delete runs.
all_findings contains finding("GTCORS-011", subject, msg, ["CORS that survives the apply"], strongest_fix(subject)) if {
	some subject in subjects
	count(subject.rules) > 0
	is_string(subject.bucket)
	some d in resources.cors_deletes[subject.bucket]
	why := wipe_reason(d, subject)
	msg := sprintf("%s can end the apply without CORS: %s", [describe(subject), why])
}

wipe_reason(d, subject) := sprintf("%s is replaced create_before_destroy, so the old object's delete runs after the new one is put and removes the bucket's CORS", [d.address]) if {
	d.order == "after-create"
} else := sprintf("a deposed object of %s is deleted after the current one is in place, and that delete removes the bucket's CORS", [d.address]) if {
	d.order == "deposed"
} else := sprintf("%s is deleted while %s puts the bucket's CORS, and Terraform does not order the two (a rename without a moved block, or a second configuration): the delete may run last", [d.address, concat(", ", writers)]) if {
	d.order == "unordered"
	not subject.inline_put
	writers := sort([c | some c in subject.configs; resources.cors_configs[c].puts])
	count(writers) > 0
} else := sprintf("%s is deleted, which removes the bucket's CORS, and nothing in this apply puts it again (%s)", [d.address, concat(", ", still)]) if {
	d.order == "unordered"
	not subject.inline_put
	still := array.concat(sort([c | some c in subject.configs]), inline_source(subject))
}

# What the plan cannot tell: whether a bucket is a Ground Truth bucket, or which bucket a CORS configuration is for.
all_findings contains finding("GTCORS-012", unknown_subject(address, bucket.name), msg, ["a marking known at plan time"], null) if {
	some address, bucket in resources.buckets
	judged(bucket)
	bucket.job_types_unknown
	entries := data_entries(bucket)
	count(job_types_of(bucket, entries)) == 0
	not declared_not_groundtruth(entries)
	msg := sprintf("cannot tell whether bucket %s is a Ground Truth bucket: its groundtruth:job-types tag is known only after apply; list it in the data file's buckets with its job_types, or with \"groundtruth\": false if it is not one", [bucket_text(address, bucket.name)])
}

all_findings contains finding("GTCORS-012", config_subject(resources.cors_configs[address]), msg, [], null) if {
	some address, targets in resources.ambiguous_targets
	msg := sprintf("cannot tell which bucket CORS configuration %s is for: its bucket expression leads to %s, chosen by a value the plan does not record; give each bucket its own configuration", [address, concat(" and ", sort([t | some t in targets]))])
}

all_findings contains finding("GTCORS-012", unknown_subject(concat(".", ["module", name]), null), msg, [], null) if {
	source.kind == "config"
	some name, _ in object.get(source.document, "module", {})
	msg := sprintf("cannot tell what module.%s creates: cdk.tf.json does not show a module's resources, which may include Ground Truth buckets; gate the stack's plan (terraform plan, then terraform show -json), where they are visible", [name])
}

unknown_subject(address, name) := {"address": address, "bucket": name, "job_types": set(), "roles": set()}

bucket_text(address, name) := sprintf("%s (%q)", [address, name]) if is_string(name)

else := address

# A rule S3 rejects fails the apply, and the bucket does not get that configuration.
all_findings contains finding("GTCORS-013", subject, msg, subject.rejected, strongest_fix(subject)) if {
	some subject in subjects
	count(subject.rejected) > 0
	msg := sprintf("%s: S3 rejects its CORS configuration, so the apply fails and the bucket is left without it (%s)", [describe(subject), concat("; ", subject.rejected)])
}

config_subject(config) := {
	"address": config.address,
	"bucket": null,
	"job_types": set(),
	"roles": set(),
}

# ---------------------------------------------------------------------------------------------------------------
# Exceptions: a reason is required, and excepted findings are reported, not dropped

exception_entries := setting_list("exceptions")

exception_applies(entry, f) if {
	not scoped(entry)
	entry.rule == f.rule
	entry.address == f.address
}

exception_applies(entry, f) if {
	not scoped(entry)
	entry.rule == f.rule
	is_string(f.bucket)
	entry.bucket == f.bucket
}

# An exception scoped to an input file or root (`input`, `root`: path globs) applies only where the gate has matched
# that scope and passed the entry on without it. The policy alone (opa eval, conftest) sees no file paths, so there
# a scoped exception suppresses nothing.
scoped(entry) if {
	some key in ["input", "root"]
	object.get(entry, key, null) != null
}

has_reason(entry) if {
	is_string(entry.reason)
	trim_space(entry.reason) != ""
}

all_findings contains {
	"rule": "GTCORS-007",
	"severity": pack.rules["GTCORS-007"].severity,
	"address": object.get(entry, "address", null),
	"bucket": object.get(entry, "bucket", null),
	"job_types": [],
	"roles": [],
	"message": sprintf("exception %d (%s for %s) has no reason; it suppresses nothing", [
		i,
		object.get(entry, "rule", "no rule"),
		object.get(entry, "address", object.get(entry, "bucket", "nothing")),
	]),
	"missing": ["reason"],
	"fix": null,
} if {
	some i, entry in exception_entries
	not has_reason(entry)
}

# Each excepted finding names the exception (its index in data.groundtruth.exceptions) that suppressed it.
excepted contains object.union(f, {"reason": exception_entries[i].reason, "exception": i}) if {
	some f in all_findings
	i := [i | some i, e in exception_entries; has_reason(e); exception_applies(e, f)][0]
}

reported contains f if {
	some f in all_findings
	not exception_for(f)
}

exception_for(f) if {
	some e in exception_entries
	has_reason(e)
	exception_applies(e, f)
}

# ---------------------------------------------------------------------------------------------------------------
# The report the gate reads

report := {
	"input": {"kind": input_kind, "location": source.wrapper},
	"errors": sort([e | some e in shape.errors]),
	"data_errors": sort([e | some e in data_errors]),
	"constructs": locations.constructs,
	"cors_writes": sort([w | some w in writes.writes]),
	"findings": sort([f | some f in reported]),
	"exceptions": sort([f | some f in excepted]),
	"buckets": sort([{
		"address": s.address,
		"bucket": s.bucket,
		"job_types": sort([t | some t in s.job_types]),
		"roles": sort([r | some r in s.roles]),
		"compliant": not_failing(s.address),
	} |
		some s in subjects
	]),
}

input_kind := kind if {
	kind := source.kind
} else := null

not_failing(address) := false if {
	failing_addresses[address]
} else := true

failing_addresses contains f.address if {
	some f in reported
	f.severity == "error"
}

# ---------------------------------------------------------------------------------------------------------------
# For conftest (`conftest test --namespace gtcors plan.json`) and `opa eval`: errors deny, warnings warn, and a
# document the policy cannot read is denied rather than passed.

deny contains sprintf("%s %s: %s", [f.rule, object.get(f, "address", "-"), f.message]) if {
	some f in reported
	f.severity == "error"
}

deny contains sprintf("unreadable input at %s: %s", [e.path, e.message]) if {
	some e in shape.errors
}

deny contains sprintf("data error at %s: %s", [e.path, e.message]) if {
	some e in data_errors
}

deny contains "input is neither a Terraform plan nor Terraform JSON configuration" if {
	not source.kind
}

warn contains sprintf("%s %s: %s", [f.rule, object.get(f, "address", "-"), f.message]) if {
	some f in reported
	f.severity == "warning"
}
