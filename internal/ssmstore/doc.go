// Package ssmstore keeps each environment's inventory document in AWS
// Systems Manager Parameter Store.
//
// The document is a SecureString parameter whose name comes from the
// configuration (inventory.ssm.name, with {environment} replaced), encrypted
// with the configured KMS key or the account's default key. Documents up to
// 4096 bytes use the Standard tier; larger ones, up to 8192 bytes, the
// Advanced tier (a parameter stays Advanced once it is). Every write that
// changes the content is a new parameter version, labelled "commit-<sha>"
// with the commit that produced it, and is read back and compared before Put
// reports success. Writing a document whose content is already stored does
// nothing.
//
// Writers serialize through a lease: a String parameter next to the
// document, named "<name>.lock", that holds the holder's name, a random token
// and an expiry, renewed while the writer lives. Put and PutApplied take the
// claim Acquire returned and write only while the lock holds its token. SSM
// has no conditional write; Store.Acquire says what the lease relies on
// instead, and the window that remains.
//
// The apply record (inventory.Applied: per stack, the commit of the last
// successful apply and the apply in progress) is another parameter next to
// the document, "<name>.applied". It is a String, not a SecureString: it
// holds commits, times, run addresses and inventory version numbers, nothing
// secret, so it needs no KMS key. Like the document, it uses the Standard
// tier while it fits in 4096 bytes and the Advanced tier up to 8192 bytes. A
// stack takes about 200 bytes with a CI run address, and 160 more while an
// apply is in progress, so some 18 stacks fit the Standard tier and 40 the
// Advanced one. Each write is a new version, read back and compared. A
// missing parameter reads as an empty record. The store does not lock the
// record itself: callers hold the environment's lease (Acquire) while they
// read-modify-write it, from GetApplied until PutApplied returns.
//
// IAM permissions: ssm:GetParameter, ssm:PutParameter,
// ssm:GetParameterHistory, ssm:LabelParameterVersion and
// ssm:DeleteParameter on the document and its lock;
// ssm:UnlabelParameterVersion on the document once it reaches 100 versions;
// ssm:GetParameter and ssm:PutParameter on "<name>.applied" (a policy whose
// resource is "<name>*" covers all three parameters); kms:Encrypt and
// kms:Decrypt on the KMS key, for the document only.
package ssmstore
