# Every container image comes from the environment's registry: the hosts of
# the inventory's registry output (the ECR repositories), or a prefix listed
# in image_exceptions.yaml.
package helm.images

registries := {host |
	some url in input.tierdeploy.inventory.values.registry
	is_string(url)
	url != input.tierdeploy.marker
	host := split(url, "/")[0]
}

default exceptions := []

exceptions := data.image_exceptions.prefixes

# workloads are the pod specs of the rendered objects, with a name for
# messages.
workloads contains {"object": name(obj), "spec": obj.spec} if {
	some obj in input.objects
	obj.kind == "Pod"
}

workloads contains {"object": name(obj), "spec": obj.spec.template.spec} if {
	some obj in input.objects
	obj.kind in {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}
}

workloads contains {"object": name(obj), "spec": obj.spec.jobTemplate.spec.template.spec} if {
	some obj in input.objects
	obj.kind == "CronJob"
}

name(obj) := sprintf("%s/%s", [obj.kind, obj.metadata.name])

images contains {"object": w.object, "container": c.name, "image": c.image} if {
	some w in workloads
	some field in ["initContainers", "containers", "ephemeralContainers"]
	some c in w.spec[field]
}

allowed(image) if {
	some host in registries
	startswith(image, concat("", [host, "/"]))
}

allowed(image) if {
	some prefix in exceptions
	startswith(image, prefix)
}

deny contains msg if {
	count(registries) > 0
	some img in images
	not allowed(img.image)
	msg := sprintf("%s: container %s runs %s, which is not from the environment's registry (%s)", [img.object, img.container, img.image, concat(", ", sort(registries))])
}

warn contains msg if {
	count(registries) == 0
	count(images) > 0
	msg := "images not checked: the inventory has no registry output yet (apply the infrastructure tier first)"
}
