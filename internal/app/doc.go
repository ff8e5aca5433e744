// Package app runs tierdeploy's commands: it parses the command line, loads
// the configuration, runs the pipeline through the adapters it is given, and
// maps the outcome to an exit code in one place.
//
// It sees only pure packages and the small interfaces it declares; the
// SDK-backed adapters are built and injected by cmd/action.
package app
