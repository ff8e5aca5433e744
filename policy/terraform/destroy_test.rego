package terraform.destroy_test

import data.terraform.destroy

plan(actions, labels) := {
	"resource_changes": [{
		"address": "module.infrastructure.aws_db_instance.main", "mode": "managed", "type": "aws_db_instance",
		"change": {"actions": actions, "before": {"identifier": "meltano-prod"}, "after": null},
	}],
	"tierdeploy": {"labels": labels},
}

test_destroying_the_database_is_denied if {
	msgs := destroy.deny with input as plan(["delete"], [])
	msgs == {"module.infrastructure.aws_db_instance.main would be destroyed (delete): if that is intended, add the label \"allow-destroy\" to the pull or merge request"}
}

test_replacing_the_database_is_denied if {
	count(destroy.deny) == 1 with input as plan(["delete", "create"], ["documentation"])
}

test_the_label_allows_it_with_a_warning if {
	count(destroy.deny) == 0 with input as plan(["delete"], ["allow-destroy"])
	count(destroy.warn) == 1 with input as plan(["delete"], ["allow-destroy"])
}

test_updates_pass if {
	count(destroy.deny) == 0 with input as plan(["update"], [])
}

# A real plan: tofu planning the removal of the database and the file
# system from a state that holds them.
test_real_plan_destroy_is_denied if {
	count(destroy.deny) == 2 with input as data.testdata.destroy_database
}
