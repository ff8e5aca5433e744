package terraform.s3_test

import data.terraform.s3

change(type, after) := {"resource_changes": [{
	"address": sprintf("%s.this", [type]), "mode": "managed", "type": type,
	"change": {"actions": ["create"], "after": after},
}]}

test_private_bucket_passes if {
	count(s3.deny) == 0 with input as change("aws_s3_bucket_public_access_block", {
		"block_public_acls": true, "block_public_policy": true,
		"ignore_public_acls": true, "restrict_public_buckets": true,
	})
}

test_public_access_block_off_is_denied if {
	msgs := s3.deny with input as change("aws_s3_bucket_public_access_block", {
		"block_public_acls": false, "block_public_policy": true,
		"ignore_public_acls": true, "restrict_public_buckets": true,
	})
	msgs == {"aws_s3_bucket_public_access_block.this: block_public_acls must be true: it lets the bucket be made public"}
}

test_public_acl_is_denied if {
	count(s3.deny) == 1 with input as change("aws_s3_bucket_acl", {"acl": "public-read"})
}

test_public_bucket_policy_is_denied if {
	policy := json.marshal({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]})
	count(s3.deny) == 1 with input as change("aws_s3_bucket_policy", {"policy": policy})
}

test_bucket_policy_with_condition_passes if {
	policy := json.marshal({"Statement": {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject",
		"Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-123"}}}})
	count(s3.deny) == 0 with input as change("aws_s3_bucket_policy", {"policy": policy})
}

# A real plan (testdata/public_bucket.json, made by tofu with the AWS
# provider and masked by tierdeploy) with a bucket whose access block is
# off.
test_real_plan_public_bucket_is_denied if {
	some msg in s3.deny with input as data.testdata.public_bucket
	contains(msg, "block_public_policy must be true")
}

test_real_plan_private_bucket_passes if {
	count(s3.deny) == 0 with input as data.testdata.private_bucket
}
