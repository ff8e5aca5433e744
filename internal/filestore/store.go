package filestore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

// Options configure a Store.
type Options struct {
	// Now is the clock for lease times and versions; nil means time.Now.
	Now func() time.Time

	// Dir holds the documents; it is created on first write.
	Dir string
	// LockWait is how long Acquire waits for a held lock before it returns
	// the *inventory.HeldError; zero means it does not wait.
	LockWait time.Duration
	// LockPoll is the interval between attempts while waiting; zero means 1
	// second.
	LockPoll time.Duration
}

// Store keeps inventories as files in a directory.
type Store struct {
	opts Options
}

// New returns a store over opts.Dir.
func New(opts Options) (*Store, error) {
	if opts.Dir == "" {
		return nil, errors.New("new file inventory store: directory is empty")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.LockPoll <= 0 {
		opts.LockPoll = time.Second
	}
	return &Store{opts: opts}, nil
}

// Path returns the file of the environment's current inventory.
func (s *Store) Path(env string) string { return filepath.Join(s.opts.Dir, env+".json") }

func (s *Store) versionsDir(env string) string { return filepath.Join(s.opts.Dir, env+".versions") }

func (s *Store) versionPath(env string, n int64) string {
	return filepath.Join(s.versionsDir(env), strconv.FormatInt(n, 10)+".json")
}

// LockPath returns the lock file of the environment.
func (s *Store) LockPath(env string) string { return filepath.Join(s.opts.Dir, env+".lock") }

// checkEnv rejects environment names that are not plain file names, and
// those whose inventory file would be another environment's apply record.
func checkEnv(env string) error {
	if env == "" || env == "." || env == ".." || strings.ContainsAny(env, `/\`) || strings.HasPrefix(env, ".") {
		return fmt.Errorf("file inventory store: environment name %q cannot be used as a file name", env)
	}
	if strings.HasSuffix(env, appliedSuffix) {
		return fmt.Errorf("file inventory store: environment name %q ends in %s, which names apply records", env, appliedSuffix)
	}
	return nil
}

// Get returns the environment's current inventory and its version. It
// returns an error matching inventory.ErrNotFound when there is none, and one
// matching inventory.ErrInvalid when the file is not a valid document for
// env.
func (s *Store) Get(ctx context.Context, env string) (*inventory.Document, inventory.Version, error) {
	if err := checkEnv(env); err != nil {
		return nil, inventory.Version{}, err
	}
	if err := ctx.Err(); err != nil {
		return nil, inventory.Version{}, err
	}
	doc, modified, err := s.read(env, s.Path(env))
	if err != nil {
		return nil, inventory.Version{}, err
	}
	numbers, err := s.numbers(env)
	if err != nil {
		return nil, inventory.Version{}, err
	}
	n := int64(1)
	if len(numbers) > 0 {
		n = numbers[len(numbers)-1]
	}
	return doc, version(n, doc.Commit, modified), nil
}

// GetVersion returns one version of the environment's inventory; an error
// matches inventory.ErrVersionNotFound when there is no such version.
func (s *Store) GetVersion(ctx context.Context, env string, n int64) (*inventory.Document, inventory.Version, error) {
	if err := checkEnv(env); err != nil {
		return nil, inventory.Version{}, err
	}
	if err := ctx.Err(); err != nil {
		return nil, inventory.Version{}, err
	}
	doc, modified, err := s.read(env, s.versionPath(env, n))
	if errors.Is(err, inventory.ErrNotFound) {
		if cur, v, cerr := s.Get(ctx, env); cerr == nil && v.Number == n {
			return cur, v, nil // a current file without versions is version 1
		}
		return nil, inventory.Version{}, fmt.Errorf("get inventory of %s version %d: %w", env, n, inventory.ErrVersionNotFound)
	}
	if err != nil {
		return nil, inventory.Version{}, err
	}
	return doc, version(n, doc.Commit, modified), nil
}

// History returns every stored version of the environment's inventory,
// oldest first.
func (s *Store) History(ctx context.Context, env string) ([]inventory.Version, error) {
	if err := checkEnv(env); err != nil {
		return nil, err
	}
	numbers, err := s.numbers(env)
	if err != nil {
		return nil, err
	}
	if len(numbers) == 0 {
		_, v, err := s.Get(ctx, env)
		if err != nil {
			return nil, err
		}
		return []inventory.Version{v}, nil
	}
	versions := make([]inventory.Version, 0, len(numbers))
	for _, n := range numbers {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		v := version(n, "", time.Time{})
		if doc, modified, err := s.read(env, s.versionPath(env, n)); err == nil {
			v = version(n, doc.Commit, modified)
		}
		versions = append(versions, v)
	}
	return versions, nil
}

func version(n int64, commit string, modified time.Time) inventory.Version {
	v := inventory.Version{Number: n, Commit: commit, Modified: modified}
	if l := inventory.CommitLabel(commit); l != "" {
		v.Labels = []string{l}
	}
	return v
}

// read parses the document in path and checks that it is env's.
func (s *Store) read(env, path string) (*inventory.Document, time.Time, error) {
	b, err := readDocument(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, time.Time{}, fmt.Errorf("get inventory of %s: %s: %w", env, path, inventory.ErrNotFound)
	}
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("get inventory of %s: %w", env, err)
	}
	var modified time.Time
	if fi, err := os.Stat(path); err == nil {
		modified = fi.ModTime()
	}
	doc, err := inventory.Parse(b)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("%s: %w", path, err)
	}
	if doc.Environment != env {
		return nil, time.Time{}, fmt.Errorf("%s: %w", path, &inventory.InvalidError{Field: "environment",
			Problem: fmt.Sprintf("holds the inventory of environment %q, not %q", doc.Environment, env)})
	}
	return doc, modified, nil
}

// numbers returns the stored version numbers, ascending.
func (s *Store) numbers(env string) ([]int64, error) {
	entries, err := os.ReadDir(s.versionsDir(env))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list inventory versions of %s: %w", env, err)
	}
	var ns []int64
	for _, e := range entries {
		base, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || e.IsDir() {
			continue
		}
		if n, err := strconv.ParseInt(base, 10, 64); err == nil && n > 0 {
			ns = append(ns, n)
		}
	}
	sort.Slice(ns, func(i, j int) bool { return ns[i] < ns[j] })
	return ns, nil
}

// Put stores doc as the inventory of the claim's environment, as a write
// fenced by the claim (see Acquire): nothing is written unless the lock file
// holds the claim's token, and an error matching inventory.ErrLeaseLost names
// the run that holds it instead. When the stored document has the same
// content (ignoring commit and creation time) nothing is written and the
// result has Written false. Otherwise it writes the next version and the
// current file, reads the current file back and compares the bytes: a
// difference is an error matching inventory.ErrReadBack.
func (s *Store) Put(ctx context.Context, c *inventory.Claim, doc *inventory.Document) (inventory.PutResult, error) {
	env, err := s.claimed(c, "put inventory")
	if err != nil {
		return inventory.PutResult{}, err
	}
	path := s.Path(env)
	if doc == nil {
		return inventory.PutResult{}, fmt.Errorf("put inventory to %s: the document is nil", path)
	}
	if doc.Environment != env {
		return inventory.PutResult{}, fmt.Errorf("put inventory to %s: the document is for environment %q, not %q",
			path, doc.Environment, env)
	}
	body, err := doc.MarshalIndent()
	if err != nil {
		return inventory.PutResult{}, fmt.Errorf("put inventory to %s: %w", path, err)
	}
	var res inventory.PutResult
	err = c.Write(ctx, func(ctx context.Context) error {
		var err error
		res, err = s.put(ctx, env, doc, body)
		return err
	})
	if err != nil {
		return inventory.PutResult{}, err
	}
	return res, nil
}

// put writes doc (encoded as body) unless the same content is stored; the
// caller holds the lease and the breaker.
func (s *Store) put(ctx context.Context, env string, doc *inventory.Document, body []byte) (inventory.PutResult, error) {
	path := s.Path(env)
	cur, ver, err := s.Get(ctx, env)
	switch {
	case err == nil && cur.SameContent(doc):
		return inventory.PutResult{Version: ver}, nil
	case err != nil && !errors.Is(err, inventory.ErrNotFound):
		return inventory.PutResult{}, fmt.Errorf("put inventory: read the current one first: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return inventory.PutResult{}, err
	}
	if err := os.MkdirAll(s.versionsDir(env), 0o700); err != nil {
		return inventory.PutResult{}, fmt.Errorf("put inventory: %w", err)
	}
	numbers, err := s.numbers(env)
	if err != nil {
		return inventory.PutResult{}, err
	}
	next := int64(1)
	if len(numbers) > 0 {
		next = numbers[len(numbers)-1] + 1
	} else if cur != nil {
		// Keep a current file written before versions were kept as version 1.
		old, err := os.ReadFile(path)
		if err != nil {
			return inventory.PutResult{}, fmt.Errorf("put inventory: %w", err)
		}
		if err := writeFile(s.versionPath(env, 1), old); err != nil {
			return inventory.PutResult{}, err
		}
		next = 2
	}
	if err := writeFile(s.versionPath(env, next), body); err != nil {
		return inventory.PutResult{}, err
	}
	if err := writeFile(path, body); err != nil {
		return inventory.PutResult{}, err
	}
	back, err := os.ReadFile(path)
	if err != nil {
		return inventory.PutResult{}, fmt.Errorf("read back %s: %w", path, err)
	}
	if !bytes.Equal(back, body) {
		return inventory.PutResult{}, fmt.Errorf("%s: %w", path, inventory.ErrReadBack)
	}
	return inventory.PutResult{Version: version(next, doc.Commit, s.opts.Now()), Written: true}, nil
}

// rename is os.Rename; tests replace it to make a write fail at its last
// step.
var rename = os.Rename

// writeFile replaces path atomically: a synced temporary file in the same
// directory is renamed over it, then the directory is synced.
func writeFile(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return fmt.Errorf("write %s: sync: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// readDocument reads a document or apply record, at most one byte past
// inventory.MaxDocumentSize, which the parsers then refuse: a file grown
// by hand or by another program is never held in memory whole.
func readDocument(path string) ([]byte, error) { return readAtMost(path, inventory.MaxDocumentSize) }

// readAtMost reads path up to one byte more than limit, so that a file over
// the limit is told from one at it without being read whole.
func readAtMost(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit+1))
}
