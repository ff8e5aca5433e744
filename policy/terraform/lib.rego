# Helpers of the Terraform policies: a package without deny or warn rules is
# not a policy set of its own.
package terraform.lib

# changed returns the managed resources of a type that the plan creates or
# updates (a replacement creates too), with their planned values in
# change.after.
changed(type) := {rc |
	some rc in input.resource_changes
	rc.mode == "managed"
	rc.type == type
	some action in rc.change.actions
	action in {"create", "update"}
}

# deleted returns the managed resources of the given types that the plan
# destroys, alone or to replace them.
deleted(types) := {rc |
	some rc in input.resource_changes
	rc.mode == "managed"
	rc.type in types
	"delete" in rc.change.actions
}

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
