# In staging, a database without deletion protection is allowed, and
# reported.
package staging.rds

warn contains msg if {
	some rc in input.resource_changes
	rc.mode == "managed"
	rc.type in {"aws_db_instance", "aws_rds_cluster"}
	some action in rc.change.actions
	action in {"create", "update"}
	not rc.change.after.deletion_protection == true
	msg := sprintf("%s: deletion_protection is off in %s", [rc.address, input.tierdeploy.environment])
}
