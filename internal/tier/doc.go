// Package tier maps changed paths to the affected stacks (tier ×
// environment), with the reasons, in dependency order.
//
// It is pure: the changed paths come from the changes package and the local
// module and chart dependencies from a locator (the deps package).
package tier
