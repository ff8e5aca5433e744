# No S3 bucket may be public: not through its public access block, its ACL
# or its bucket policy.
package terraform.s3

import data.terraform.lib

public_acls := {"public-read", "public-read-write", "authenticated-read"}

deny contains msg if {
	some rc in lib.changed("aws_s3_bucket_public_access_block")
	some setting in ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]
	rc.change.after[setting] == false
	msg := sprintf("%s: %s must be true: it lets the bucket be made public", [rc.address, setting])
}

deny contains msg if {
	some type in ["aws_s3_bucket_acl", "aws_s3_bucket"]
	some rc in lib.changed(type)
	rc.change.after.acl in public_acls
	msg := sprintf("%s: the ACL %q makes the bucket public", [rc.address, rc.change.after.acl])
}

deny contains msg if {
	some rc in lib.changed("aws_s3_bucket_policy")
	lib.public_policy(rc.change.after.policy)
	msg := sprintf("%s: the bucket policy allows everyone (Principal \"*\" without a condition)", [rc.address])
}
