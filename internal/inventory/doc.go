// Package inventory builds, reads, compares and masks the inventory document
// (schema tierdeploy.inventory/v1): the outputs of the infrastructure tier,
// captured after apply and read back by the project tier.
//
// The document is plain data. Its encoding is canonical (fixed field order,
// object keys sorted at every depth, no insignificant space), so the same
// content always gives the same bytes and stores can skip writing a document
// that did not change. Sensitive outputs go in only when the configuration
// lists them, and the document records which keys are sensitive so that every
// reader masks them.
//
// The package also holds the value types shared by the inventory stores
// (ssmstore, filestore): Version, PutResult, Lease and their errors, and the
// apply record (schema tierdeploy.applied/v1), which the stores keep next to
// each environment's inventory: per stack, the commit of its last successful
// apply and the apply in progress, so that apply selects the stacks changed
// since their last success and notices an apply that was interrupted.
package inventory
