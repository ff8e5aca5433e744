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
// and an expiry. See Store.Acquire.
//
// IAM permissions: ssm:GetParameter, ssm:PutParameter,
// ssm:GetParameterHistory, ssm:LabelParameterVersion and
// ssm:DeleteParameter on the document and its lock;
// ssm:UnlabelParameterVersion on the document once it reaches 100 versions;
// kms:Encrypt and kms:Decrypt on the KMS key.
package ssmstore
