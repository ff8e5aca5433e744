// Package plan holds the value types that stages return and the report,
// inventory and apply steps read: what one stage of one stack would change.
// It has no behaviour beyond summing and fingerprinting those values.
package plan
