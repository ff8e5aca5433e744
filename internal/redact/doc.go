// Package redact masks secret values in text: in strings, such as a comment
// body before it is posted, and in streams, such as a tool's log.
//
// A Masker is built once from the set of secret values and then only read,
// so one Masker serves every goroutine. Besides each value as given, it
// masks the forms in which the value commonly shows up in tool output: its
// JSON-escaped form (Terraform's JSON plan, Kubernetes manifests), its
// Go-quoted form (log/slog's text handler, fmt's %q), its YAML
// single-quoted form (quotes doubled), its base64 encodings (the data of a
// Kubernetes Secret) and, for a value of several lines, each line on its own
// (a plan prints a multi-line string indented, line by line). A serializer
// that may fold a long value across lines (YAML at 80 columns) defeats any
// text masker: mask the value before serializing it (Masker.String on each
// string of the tree), as the Helm stage does.
//
// Handler masks the records of a log/slog logger the same way, and Digester
// stands a secret in for a fingerprint without revealing it.
//
// Values shorter than MinLen bytes are not masked: a value such as "1",
// "yes" or "443" occurs in ordinary text far too often for masking it to
// hide anything, and masking it would make the text unreadable. TooShort
// counts them so the caller can warn.
package redact
