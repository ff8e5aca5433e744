// Package filestore keeps each environment's inventory document in a
// directory, for local runs: no cloud account is needed.
//
// Layout of the directory (by default .tierdeploy/inventory):
//
//	<environment>.json              the current document, indented
//	<environment>.versions/<n>.json every version written, from 1
//	<environment>.lock              the lease while a writer holds it
//	<environment>.applied.json      the apply record, indented
//
// An environment name may not end in ".applied": its inventory file would be
// another environment's apply record.
//
// Files are written atomically (a temporary file in the same directory,
// synced, then renamed over the target, and the directory synced) with mode
// 0600, as documents may hold secrets. The store has the same behaviour as
// the SSM store: a document whose content is already stored is not written
// again, every write is read back and compared, versions are numbered and
// carry the commit label, and writers serialize through a lease.
//
// The apply record (inventory.Applied) says, per stack, which commit was last
// applied successfully and which apply is in progress. GetApplied returns an
// empty record when there is none; PutApplied replaces it atomically and
// reads it back, keeping no versions. The store does not lock the record
// itself: callers hold the environment's lease (Acquire) while they
// read-modify-write it, from GetApplied until PutApplied returns, so that
// concurrent runs do not lose each other's marks.
//
// Put and PutApplied take the claim Acquire returned and write only while
// the lock file holds its token, under the lock's breaker file, so a run
// whose lease was taken over writes nothing (see Acquire).
package filestore
