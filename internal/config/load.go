package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"

	"go.yaml.in/yaml/v3"

	"github.com/tierdeploy/tierdeploy/internal/yamlbound"
)

// Decoding limits: a configuration is a few kilobytes, and anchors in it
// repeat a few small blocks. Past these limits the file is refused before
// it is decoded, so a hostile file costs milliseconds and kilobytes.
const (
	// MaxFileSize is the largest configuration file read.
	MaxFileSize = 1 << 20
	// MaxAliasNodes is the most YAML nodes aliases may add when expanded.
	MaxAliasNodes = 10_000
)

// Load reads, decodes and validates the configuration file at path (relative
// paths are taken from the working directory). Paths inside the file are
// relative to the file's directory, which becomes Root; stage directories,
// var files, values files and local charts must exist there.
//
// A missing file returns an error wrapping ErrNotFound; a bad file returns
// *Errors listing every problem with its line.
func Load(path string) (*Config, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("locate configuration %s: %w", path, err)
	}
	if err := checkConfigLink(abs); err != nil {
		return nil, err
	}
	data, err := readLimited(abs, MaxFileSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w (create it, or pass --config or --chdir)", path, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read configuration: %w", err)
	}
	root := filepath.Dir(abs)
	cfg, err := Parse(filepath.Base(abs), data)
	if err != nil {
		return nil, err
	}
	cfg.Root = root
	if err := cfg.checkFiles(os.DirFS(root)); err != nil {
		return nil, err
	}
	if err := cfg.checkContained(root); err != nil {
		return nil, err
	}
	return cfg, nil
}

// Parse decodes and validates a configuration without looking at the file
// system: name is used in error messages. Defaults are applied: one
// environment named "default" when none is listed.
func Parse(name string, data []byte) (*Config, error) {
	errs := &Errors{File: name}
	cfg := &Config{File: name, Source: data, pos: positions{}}
	if len(data) > MaxFileSize {
		errs.add(Pos{}, "", fmt.Sprintf("is larger than %d bytes: a configuration is a few kilobytes", MaxFileSize))
		return nil, errs.err()
	}

	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			errs.add(Pos{}, "", "is empty: it needs at least version: 1 and one tier")
			return nil, errs.err()
		}
		pos := yamlErrorPos(err)
		errs.add(pos, "", "is not valid YAML: "+yamlErrorText(err)+placeholderHint(data, pos.Line))
		return nil, errs.err()
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		errs.add(Pos{Line: extra.Line}, "", "holds more than one YAML document: keep only one")
		return nil, errs.err()
	}
	if err := yamlbound.CheckNode(&doc, MaxAliasNodes); err != nil {
		var ae *yamlbound.AliasError
		pos := Pos{}
		if errors.As(err, &ae) {
			pos = Pos{Line: ae.Line, Column: ae.Column}
		}
		errs.add(pos, "", err.Error())
		return nil, errs.err()
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	d := &decoder{pos: cfg.pos, errs: errs}
	d.decode(root, reflect.ValueOf(cfg).Elem(), "")
	if len(errs.Problems) > 0 {
		return nil, errs.err()
	}
	cfg.validate(errs)
	if err := errs.err(); err != nil {
		return nil, err
	}
	if len(cfg.Environments) == 0 {
		cfg.Environments = []Environment{{Name: DefaultEnvironment}}
	}
	return cfg, nil
}

// Check validates the file references of an already parsed configuration
// against fsys, which holds the repository root.
func (c *Config) Check(fsys fs.FS) error {
	return c.checkFiles(fsys)
}

// readLimited reads the file at path, or its first limit+1 bytes when it is
// larger, so that Parse refuses it without reading the rest.
func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit+1))
}

// checkConfigLink refuses a configuration file that is a symbolic link to a
// file outside its own directory: its directory is the repository root
// that every other path is checked against, and an error about a file
// outside it could quote that file.
func checkConfigLink(abs string) error {
	info, err := os.Lstat(abs)
	if err != nil || info.Mode()&fs.ModeSymlink == 0 {
		return nil
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil
	}
	dir, err := filepath.EvalSymlinks(filepath.Dir(abs))
	if err != nil || inside(dir, real) {
		return nil
	}
	errs := &Errors{File: filepath.Base(abs)}
	errs.add(Pos{}, "", fmt.Sprintf("is a symbolic link to %s, outside its directory %s: keep the configuration in the repository", real, dir))
	return errs.err()
}
