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
// (ssmstore, filestore): Version, PutResult, Lease and their errors.
package inventory
