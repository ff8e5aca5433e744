// Package yamlbound bounds what decoding an untrusted YAML document may
// cost. A YAML alias repeats the node its anchor names, so a file of a few
// kilobytes whose anchors nest can stand for billions of nodes (an "alias
// bomb"); decoders that follow aliases then spend minutes and gigabytes
// before any error. Check parses the document once without expanding
// anything, measures how many nodes its aliases add, and refuses the
// document when that, or its size in bytes, is over the limits.
package yamlbound
