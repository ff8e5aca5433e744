package staging.rds_test

import data.staging.rds

test_protection_off_warns if {
	inp := {
		"resource_changes": [{
			"address": "aws_db_instance.main", "mode": "managed", "type": "aws_db_instance",
			"change": {"actions": ["create"], "after": {"deletion_protection": false}},
		}],
		"tierdeploy": {"environment": "staging"},
	}
	rds.warn == {"aws_db_instance.main: deletion_protection is off in staging"} with input as inp
}
