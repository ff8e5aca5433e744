# The database and the file system are not destroyed, nor replaced, unless
# the pull or merge request carries the label allow-destroy.
package terraform.destroy

import data.terraform.lib

protected := {"aws_db_instance", "aws_rds_cluster", "aws_efs_file_system"}

label := "allow-destroy"

deny contains msg if {
	some rc in lib.deleted(protected)
	not label in input.tierdeploy.labels
	msg := sprintf("%s would be destroyed (%s): if that is intended, add the label %q to the pull or merge request", [rc.address, concat(" then ", rc.change.actions), label])
}

warn contains msg if {
	some rc in lib.deleted(protected)
	label in input.tierdeploy.labels
	msg := sprintf("%s will be destroyed, as the label %q allows", [rc.address, label])
}
