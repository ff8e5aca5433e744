// Package checkinput builds what policies and checkers see of a planned
// stage: for a Terraform stage, the plan's JSON (`show -json`); for a Helm
// release, its rendered objects; both with the stack's tier, environment,
// the reasons it was selected, the command (plan or apply), the inventory
// and its predicted change.
//
// Nothing sensitive reaches them. Every value the plan marks sensitive
// (before_sensitive and after_sensitive of changes and drift, sensitive
// outputs, the sensitive_values of planned and prior state, sensitive
// variables and their defaults), the values written in the configuration for
// provider arguments named like credentials (secret_key, token, password),
// every value of a Kubernetes Secret (data
// and stringData), every sensitive inventory value and every secret the
// caller names is replaced by Marker. A mark that does not fit the shape of
// its value masks the whole value. Then every string anywhere in the
// document that still holds one of those values, in clear or in a common
// encoding, is replaced by Marker as a whole, and so is every number equal
// to one. So a value Terraform marks in one place and prints in another
// (a variable, generated configuration, an address) is masked everywhere.
//
// The builders are pure functions of their arguments; they read hostile
// input (a plan JSON or a manifest from a pull request) within bounds:
// MaxSize bytes, and the nesting depth the JSON and YAML decoders allow.
package checkinput
