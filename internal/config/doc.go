// Package config loads and validates tierdeploy.yaml (schema version 1).
//
// Decoding is strict: an unknown key, a value of the wrong type, a duplicate
// key, a bad glob, a needs cycle or a missing stage directory is reported with
// the file, line and key path, and every problem in the file is reported at
// once.
package config
