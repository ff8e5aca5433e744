// Package valueschema checks Helm chart values against a chart's JSON
// schema (values.schema.json) with the location of every violation, and
// finds stand-in values that satisfy a schema: values of the type it asks
// for, in its ranges and enumerations, and strings matching its patterns.
//
// tierdeploy plans a release against a predicted inventory, in which some
// values are known only after the infrastructure is applied. A placeholder
// string in their place would break a schema that asks for an integer or a
// pattern; a stand-in that satisfies the schema keeps the rest of the
// values checked. Stand-in strings carry the words "known after apply"
// wherever the schema allows, so a reader recognises them in a diff.
//
// Schemas are read as JSON Schema (any draft the validator knows); only
// references inside the document are followed: a schema that refers to
// another URL does not compile ([ErrExternalRef]), so nothing is fetched.
package valueschema
