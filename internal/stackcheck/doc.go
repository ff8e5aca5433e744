// Package stackcheck runs the checks of a planned stack: for each of its
// stages that planned, it builds the masked input (checkinput) from the
// plan's JSON or the rendered manifest, evaluates the tier's Rego policies
// (policy) and runs the tier's external checkers (checker). Plan and apply
// call it after planning a stack and before applying anything; a failed
// check fails the stack.
package stackcheck
