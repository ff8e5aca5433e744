# Image repositories stay private and scan what is pushed.
package terraform.ecr

import data.terraform.lib

deny contains msg if {
	some rc in lib.changed("aws_ecr_repository_policy")
	lib.public_policy(rc.change.after.policy)
	msg := sprintf("%s: the repository policy allows everyone (Principal \"*\" without a condition)", [rc.address])
}

deny contains msg if {
	some rc in lib.changed("aws_ecrpublic_repository")
	msg := sprintf("%s: a public ECR repository shows its images to everyone: use aws_ecr_repository", [rc.address])
}

warn contains msg if {
	some rc in lib.changed("aws_ecr_repository")
	some scanning in rc.change.after.image_scanning_configuration
	scanning.scan_on_push == false
	msg := sprintf("%s: images are not scanned on push", [rc.address])
}

warn contains msg if {
	some rc in lib.changed("aws_ecr_repository")
	rc.change.after.image_tag_mutability == "MUTABLE"
	msg := sprintf("%s: image tags can be overwritten (image_tag_mutability = MUTABLE)", [rc.address])
}
