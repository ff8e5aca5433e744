package tfversion

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
)

// maxFile bounds the size of every file read to decide a version.
const maxFile = 4 << 20

// Input is what the configuration says about one stack.
type Input struct {
	// Dir is the stage directory, relative to the repository root
	// (slash-separated, the {environment} placeholder replaced).
	Dir string
	// Version is the tier's terraform.version, "" when not set.
	Version string
	// VersionAt is where terraform.version was written (File and Line; the
	// Origin is set by Resolve).
	VersionAt Source
	// Binary is terraform.binary: "", "tofu", "terraform" or a path.
	Binary string
	// BinaryAt is where terraform.binary was written.
	BinaryAt Source
	// DefaultProduct is the product when nothing names one; see
	// DefaultProduct. Empty means OpenTofu.
	DefaultProduct Product
}

// Resolve returns what the stack asks for, by the first rule that applies
// (see the package documentation). fsys holds the repository root; every
// file is read through it, so a filesystem that refuses to leave the root
// (os.Root.FS) keeps a symbolic link from reading outside the repository.
//
// A version file, .tool-versions entry or required_version that cannot be
// read or does not parse is a *FileError naming the file and line: it is
// never skipped for the next rule.
func Resolve(fsys fs.FS, in Input) (Request, error) {
	dir := path.Clean(in.Dir)
	if !fs.ValidPath(dir) {
		return Request{}, fmt.Errorf("stage directory %s is not a path inside the repository", Quote(in.Dir))
	}
	product, fixed := ParseProduct(in.Binary)
	if in.Binary != "" && !fixed {
		at := in.BinaryAt
		at.Origin = FromBinarySetting
		if in.Version != "" {
			return Request{}, &FileError{File: in.VersionAt.File, Line: in.VersionAt.Line, Msg: "terraform.version is set, but terraform.binary names a file to run as it is: remove one of them"}
		}
		return Request{Product: productOfFile(in.Binary), Binary: in.Binary, Source: at}, nil
	}
	if !fixed {
		product = in.DefaultProduct
		if product == "" {
			product = OpenTofu
		}
	}

	if in.Version != "" {
		at := in.VersionAt
		at.Origin = FromConfig
		w, err := ParseWant(in.Version)
		if err != nil {
			return Request{}, &FileError{File: at.File, Line: at.Line, Msg: "terraform.version " + err.Error()}
		}
		return Request{Product: product, Want: w, Source: at}, nil
	}

	dirs := ancestors(dir)
	if r, ok, err := versionFile(fsys, dirs, product, fixed); err != nil || ok {
		return r, err
	}
	if r, ok, err := toolVersions(fsys, dirs, product, fixed); err != nil || ok {
		return r, err
	}
	if r, ok, err := requiredVersion(fsys, dir, product); err != nil || ok {
		return r, err
	}
	return Request{Product: product, Source: Source{Origin: FromPath}}, nil
}

// ancestors returns dir and its parents up to the root ".", nearest first.
func ancestors(dir string) []string {
	out := []string{dir}
	for dir != "." {
		dir = path.Dir(dir)
		out = append(out, dir)
	}
	return out
}

// candidates returns the products whose files may decide, in the order
// they are looked for.
func candidates(product Product, fixed bool) []Product {
	if fixed {
		return []Product{product}
	}
	return Products
}

func versionFileName(p Product) string {
	if p == OpenTofu {
		return OpenTofuVersionFile
	}
	return TerraformVersionFile
}

func versionFile(fsys fs.FS, dirs []string, product Product, fixed bool) (Request, bool, error) {
	for _, d := range dirs {
		for _, p := range candidates(product, fixed) {
			name := path.Join(d, versionFileName(p))
			data, ok, err := readFile(fsys, name)
			if err != nil || !ok {
				if err != nil {
					return Request{}, false, err
				}
				continue
			}
			value, line, err := ParseVersionFile(data)
			if err != nil {
				return Request{}, false, &FileError{File: name, Msg: err.Error()}
			}
			w, err := ParseWant(value)
			if err != nil {
				return Request{}, false, &FileError{File: name, Line: line, Msg: err.Error()}
			}
			return Request{Product: p, Want: w, Source: Source{Origin: FromVersionFile, File: name, Line: line}}, true, nil
		}
	}
	return Request{}, false, nil
}

func toolVersions(fsys fs.FS, dirs []string, product Product, fixed bool) (Request, bool, error) {
	for _, d := range dirs {
		name := path.Join(d, ToolVersionsFile)
		data, ok, err := readFile(fsys, name)
		if err != nil {
			return Request{}, false, err
		}
		if !ok {
			continue
		}
		tools, err := ParseToolVersions(data)
		if err != nil {
			return Request{}, false, &FileError{File: name, Msg: err.Error()}
		}
		for _, p := range candidates(product, fixed) {
			for _, t := range tools {
				if t.Tool != asdfName(p) {
					continue
				}
				at := Source{Origin: FromToolVersions, File: name, Line: t.Line}
				if len(t.Versions) == 0 {
					return Request{}, false, &FileError{File: name, Line: t.Line, Msg: t.Tool + " has no version: write one such as " + t.Tool + " 1.10.7"}
				}
				v := t.Versions[0]
				if v == System {
					return Request{Product: p, Source: at}, true, nil
				}
				if strings.HasPrefix(v, "ref:") || strings.HasPrefix(v, "path:") {
					return Request{}, false, &FileError{File: name, Line: t.Line, Msg: fmt.Sprintf("%s %s: tierdeploy installs released versions only; write a version such as 1.10.7", t.Tool, Quote(v))}
				}
				w, err := ParseWant(v)
				if err != nil {
					return Request{}, false, &FileError{File: name, Line: t.Line, Msg: t.Tool + " version " + err.Error()}
				}
				return Request{Product: p, Want: w, Source: at}, true, nil
			}
		}
	}
	return Request{}, false, nil
}

func requiredVersion(fsys fs.FS, dir string, product Product) (Request, bool, error) {
	files, err := moduleFiles(fsys, dir, product)
	if errors.Is(err, fs.ErrNotExist) {
		return Request{}, false, nil
	}
	if err != nil {
		return Request{}, false, &FileError{File: dir, Msg: "cannot be listed: " + fsErrText(err)}
	}
	var (
		wants   []Want
		sources []Source
	)
	for _, name := range files {
		data, ok, err := readFile(fsys, name)
		if err != nil {
			return Request{}, false, err
		}
		if !ok {
			continue
		}
		// Only a file that names the setting can hold it: a root module of
		// thousands of resources is not parsed for a line it lacks (a
		// syntax error there is OpenTofu's or Terraform's to report).
		if !bytes.Contains(data, []byte("required_version")) {
			continue
		}
		cs, err := ParseRequiredVersion(name, data)
		if err != nil {
			return Request{}, false, &FileError{Msg: err.Error()}
		}
		for _, c := range cs {
			w, err := ParseWant(c.Value)
			if err != nil {
				return Request{}, false, &FileError{File: name, Line: c.Line, Msg: "required_version " + err.Error()}
			}
			wants = append(wants, w)
			sources = append(sources, Source{Origin: FromRequiredVersion, File: name, Line: c.Line})
		}
	}
	if len(wants) == 0 {
		return Request{}, false, nil
	}
	r := Request{Product: product, Want: join(wants), Source: sources[0]}
	if len(sources) > 1 {
		r.Also = sources[1:]
	}
	return r, true, nil
}

// readFile reads a file of at most maxFile bytes; ok is false when it does
// not exist. Anything else that stops the read is a *FileError.
func readFile(fsys fs.FS, name string) (data []byte, ok bool, err error) {
	f, err := fsys.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, &FileError{File: name, Msg: "cannot be read: " + fsErrText(err)}
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, false, &FileError{File: name, Msg: "cannot be read: " + fsErrText(err)}
	}
	if info.IsDir() {
		return nil, false, &FileError{File: name, Msg: "is a directory, not a file"}
	}
	data, err = io.ReadAll(io.LimitReader(f, maxFile+1))
	if err != nil {
		return nil, false, &FileError{File: name, Msg: "cannot be read: " + fsErrText(err)}
	}
	if len(data) > maxFile {
		return nil, false, &FileError{File: name, Msg: fmt.Sprintf("is larger than %d MiB", maxFile>>20)}
	}
	return data, true, nil
}

// fsErrText is the reason of a file system error without the path, which
// the caller names itself.
func fsErrText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
