package prod.rds_test

import data.prod.rds

instance(protection) := {
	"resource_changes": [{
		"address": "aws_db_instance.main", "mode": "managed", "type": "aws_db_instance",
		"change": {"actions": ["update"], "after": {"deletion_protection": protection}},
	}],
	"tierdeploy": {"environment": "prod"},
}

test_protection_on_passes if {
	count(rds.deny) == 0 with input as instance(true)
}

test_protection_off_is_denied if {
	rds.deny == {"aws_db_instance.main: deletion_protection must stay on in prod"} with input as instance(false)
}
