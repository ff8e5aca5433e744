# Helpers of the Terraform policies: a package without deny or warn rules is
# not a policy set of its own.
package terraform.lib

# changes are the positions in input.resource_changes of the managed
# resources that the plan creates or updates (a replacement creates too),
# by type. A rule is computed once per check and shared by every policy,
# where a function would walk the plan at each call; positions are cheaper
# to collect than whole resources.
changes[type] contains i if {
	some i, rc in input.resource_changes
	rc.mode == "managed"
	some action in rc.change.actions
	action in {"create", "update"}
	type := rc.type
}

# deletions are the positions of the managed resources that the plan
# destroys, alone or to replace them, by type.
deletions[type] contains i if {
	some i, rc in input.resource_changes
	rc.mode == "managed"
	"delete" in rc.change.actions
	type := rc.type
}

# changed returns the resources of a type that the plan creates or
# updates, with their planned values in change.after.
changed(type) := [input.resource_changes[i] | some i in object.get(changes, type, set())]

# deleted returns the resources of the given types that the plan destroys.
deleted(types) := [input.resource_changes[i] |
	some type in types
	some i in object.get(deletions, type, set())
]

# public_policy holds when an IAM policy document (JSON text) allows
# everyone without a condition.
public_policy(text) if {
	is_string(text)
	doc := json.unmarshal(text)
	some statement in statements(doc)
	statement.Effect == "Allow"
	everyone(statement.Principal)
	not statement.Condition
}

statements(doc) := doc.Statement if is_array(doc.Statement)

statements(doc) := [doc.Statement] if is_object(doc.Statement)

everyone(principal) if principal == "*"

everyone(principal) if principal.AWS == "*"

everyone(principal) if "*" in principal.AWS
