# In prod, databases keep deletion protection on.
package prod.rds

deny contains msg if {
	some rc in input.resource_changes
	rc.mode == "managed"
	rc.type in {"aws_db_instance", "aws_rds_cluster"}
	some action in rc.change.actions
	action in {"create", "update"}
	not rc.change.after.deletion_protection == true
	msg := sprintf("%s: deletion_protection must stay on in %s", [rc.address, input.tierdeploy.environment])
}
