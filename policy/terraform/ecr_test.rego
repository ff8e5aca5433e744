package terraform.ecr_test

import data.terraform.ecr

repository(after) := {"resource_changes": [{
	"address": "aws_ecr_repository.main[\"meltano\"]", "mode": "managed", "type": "aws_ecr_repository",
	"change": {"actions": ["create"], "after": after},
}]}

test_reference_repository_passes if {
	inp := repository({"image_tag_mutability": "IMMUTABLE", "image_scanning_configuration": [{"scan_on_push": true}]})
	count(ecr.deny) == 0 with input as inp
	count(ecr.warn) == 0 with input as inp
}

test_mutable_unscanned_repository_warns if {
	inp := repository({"image_tag_mutability": "MUTABLE", "image_scanning_configuration": [{"scan_on_push": false}]})
	count(ecr.warn) == 2 with input as inp
	count(ecr.deny) == 0 with input as inp
}

test_public_repository_policy_is_denied if {
	inp := {"resource_changes": [{
		"address": "aws_ecr_repository_policy.open", "mode": "managed", "type": "aws_ecr_repository_policy",
		"change": {"actions": ["update"], "after": {"policy": json.marshal({"Statement": [{"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "ecr:BatchGetImage"}]})}},
	}]}
	count(ecr.deny) == 1 with input as inp
}

test_public_gallery_repository_is_denied if {
	inp := {"resource_changes": [{
		"address": "aws_ecrpublic_repository.x", "mode": "managed", "type": "aws_ecrpublic_repository",
		"change": {"actions": ["create"], "after": {}},
	}]}
	count(ecr.deny) == 1 with input as inp
}
