# METADATA
# title: The rule pack's ids are pinned
# description: |
#   Ids are a public contract (exceptions and CI filters name them): adding, removing or renumbering one is a
#   deliberate change here.
package gtcors.pack_test

import rego.v1

import data.gtcors.pack

test_rule_ids_are_pinned if {
	object.keys(pack.rules) == {
		"GTCORS-001", "GTCORS-002", "GTCORS-003", "GTCORS-004", "GTCORS-005",
		"GTCORS-006", "GTCORS-007", "GTCORS-008", "GTCORS-009", "GTCORS-010",
		"GTCORS-011", "GTCORS-012", "GTCORS-013", "GTCORS-014",
	}
}

test_every_rule_is_documented if {
	every id, r in pack.rules {
		r.severity in {"error", "warning"}
		count(r.name) > 0
		count(r.summary) > 0
		count(r.explanation) > 0
		startswith(id, "GTCORS-")
	}
}
