package tfinstall

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/hashicorp/go-version"

	"github.com/tierdeploy/tierdeploy/internal/tfversion"
)

// markerFile records, in a cache entry, what was verified; an entry without
// it is incomplete and is never used.
const markerFile = ".tierdeploy-verified.json"

// CacheDir returns the default tool cache: $TIERDEPLOY_TOOL_CACHE, else
// tierdeploy/ under $RUNNER_TOOL_CACHE (GitHub runners keep it between the
// jobs of a self-hosted runner, and images can fill it), else tierdeploy/tools
// under the user cache directory.
func CacheDir(getenv func(string) string) (string, error) {
	if d := getenv("TIERDEPLOY_TOOL_CACHE"); d != "" {
		return filepath.Abs(d)
	}
	if d := getenv("RUNNER_TOOL_CACHE"); d != "" {
		return filepath.Abs(filepath.Join(d, "tierdeploy"))
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find a directory for the tool cache (set TIERDEPLOY_TOOL_CACHE): %w", err)
	}
	return filepath.Join(d, "tierdeploy", "tools"), nil
}

// marker is the content of markerFile.
type marker struct {
	Product       string `json:"product"`
	Version       string `json:"version"`
	Platform      string `json:"platform"`
	Archive       string `json:"archive"`
	ArchiveSHA256 string `json:"archive_sha256"`
	BinarySHA256  string `json:"binary_sha256"`
	SignedBy      string `json:"signed_by"`
}

// cache is the on-disk tool cache: <root>/<product>/<version>/<os_arch>/
// holds the binary and the marker.
type cache struct {
	root     string
	platform Platform
}

func (c cache) versionDir(p tfversion.Product, v *version.Version) string {
	return filepath.Join(c.root, p.Binary(), v.String())
}

func (c cache) dir(p tfversion.Product, v *version.Version) string {
	return filepath.Join(c.versionDir(p, v), c.platform.String())
}

func (c cache) binary(p tfversion.Product, v *version.Version) string {
	return filepath.Join(c.dir(p, v), p.Binary())
}

func (c cache) lockFile(p tfversion.Product, v *version.Version) string {
	return c.dir(p, v) + ".lock"
}

// trustProduct checks that nobody but this user (or root) can change the
// cache root or the product's directory in it (see private); the root may
// be a symbolic link.
func (c cache) trustProduct(p tfversion.Product) error {
	if err := private(c.root, true); err != nil {
		return err
	}
	return private(filepath.Join(c.root, p.Binary()), false)
}

// trustEntry checks the directories of release v of p, and what its
// entry holds, as trustProduct does.
func (c cache) trustEntry(p tfversion.Product, v *version.Version) error {
	if err := c.trustProduct(p); err != nil {
		return err
	}
	for _, path := range []string{c.versionDir(p, v), c.dir(p, v), c.binary(p, v), filepath.Join(c.dir(p, v), markerFile), c.lockFile(p, v)} {
		if err := private(path, false); err != nil {
			return err
		}
	}
	return nil
}

// lookup returns the binary of a complete cache entry. ok is false when
// there is none; damaged explains an entry that exists but does not check
// out (marker missing or wrong, binary changed since it was verified). An
// entry that others can change is an *UnsafeCacheError.
func (c cache) lookup(p tfversion.Product, v *version.Version) (path string, ok bool, damaged string, err error) {
	if err := c.trustEntry(p, v); err != nil {
		return "", false, "", err
	}
	path, ok, damaged = c.check(p, v)
	return path, ok, damaged, nil
}

// check is lookup on an entry that only this user can change.
func (c cache) check(p tfversion.Product, v *version.Version) (path string, ok bool, damaged string) {
	dir := c.dir(p, v)
	data, err := readSmall(filepath.Join(dir, markerFile), 64<<10)
	if errors.Is(err, fs.ErrNotExist) {
		if _, statErr := os.Stat(dir); statErr == nil {
			return "", false, "it has no record of its verification"
		}
		return "", false, ""
	}
	if err != nil {
		return "", false, "its record cannot be read: " + err.Error()
	}
	var m marker
	if json.Unmarshal(data, &m) != nil || m.Product != p.Binary() || m.Version != v.String() || m.Platform != c.platform.String() {
		return "", false, "its record is not of this release"
	}
	bin := c.binary(p, v)
	info, err := os.Lstat(bin)
	if err != nil || !info.Mode().IsRegular() {
		return "", false, "its binary is missing or not a regular file"
	}
	sum, err := fileSHA256(bin)
	if err != nil || sum != m.BinarySHA256 {
		return "", false, "its binary changed after it was verified"
	}
	return bin, true, ""
}

// versions lists the versions of p with a directory for this platform in
// the cache, newest first (lookup tells whether each is complete).
func (c cache) versions(p tfversion.Product) []*version.Version {
	entries, err := os.ReadDir(filepath.Join(c.root, p.Binary()))
	if err != nil {
		return nil
	}
	var out []*version.Version
	for _, e := range entries {
		v, err := version.NewSemver(e.Name())
		if err != nil || v.String() != e.Name() {
			continue
		}
		if _, err := os.Stat(filepath.Join(c.dir(p, v), markerFile)); err == nil {
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].GreaterThan(out[j]) })
	return out
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func readSmall(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("larger than %d bytes", limit)
	}
	return data, nil
}
