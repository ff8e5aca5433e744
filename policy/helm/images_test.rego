package helm.images_test

import data.helm.images

registry := "123456789012.dkr.ecr.eu-west-1.amazonaws.com"

release(image) := {
	"objects": [
		{"kind": "Deployment", "metadata": {"name": "meltano"}, "spec": {"template": {"spec": {"containers": [{"name": "web", "image": image}]}}}},
		{"kind": "CronJob", "metadata": {"name": "cleanup"}, "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "job", "image": sprintf("%s/meltano:1.0.0", [registry])}]}}}}}},
	],
	"tierdeploy": {
		"marker": "(sensitive)",
		"inventory": {"values": {"registry": {"meltano": sprintf("%s/meltano-prod/meltano", [registry]), "airflow": sprintf("%s/meltano-prod/airflow", [registry])}}},
	},
}

test_registry_images_pass if {
	count(images.deny) == 0 with input as release(sprintf("%s/meltano-prod/meltano:2.1.0", [registry]))
}

test_other_registry_is_denied if {
	images.deny == {"Deployment/meltano: container web runs meltano/meltano:latest, which is not from the environment's registry (123456789012.dkr.ecr.eu-west-1.amazonaws.com)"} with input as release("meltano/meltano:latest")
}

test_a_lookalike_host_is_denied if {
	count(images.deny) == 1 with input as release(sprintf("%s.evil.example/meltano:1", [registry]))
}

test_exceptions_pass if {
	count(images.deny) == 0 with input as release("quay.io/prometheus/statsd-exporter:v0.28.0")
}

test_without_registry_warns if {
	inp := json.patch(release("meltano/meltano:latest"), [{"op": "remove", "path": "/tierdeploy/inventory"}])
	count(images.deny) == 0 with input as inp
	count(images.warn) == 1 with input as inp
}

# The Meltano chart of this repository, rendered by tierdeploy with the
# reference values and an inventory: every image from the registry.
test_real_release_passes if {
	count(images.deny) == 0 with input as data.testdata.meltano
}
