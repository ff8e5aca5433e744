package tfinstall

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/hashicorp/go-version"

	"github.com/tierdeploy/tierdeploy/internal/tfversion"
)

// Options configure an Installer: dependencies first, settings after.
type Options struct {
	// Client makes the HTTP requests; nil means a client with the
	// environment's proxy settings and connection timeouts.
	Client *http.Client
	// LookPath finds a program on PATH; nil means exec.LookPath.
	LookPath func(string) (string, error)
	// Probe asks a binary its version; nil means ProbeVersion.
	Probe func(ctx context.Context, path string) (string, error)
	// Keys are the trusted release keys; nil means EmbeddedKeys (tests
	// inject their own).
	Keys Keys
	// Channels are the release channels; nil means Official. Mirror, when
	// set, takes their place.
	Channels map[tfversion.Product]Channel
	// Log receives progress; nil discards it.
	Log *slog.Logger
	// Now is the clock for signature checks; nil means time.Now.
	Now func() time.Time

	// CacheDir is the tool cache (see CacheDir); required.
	CacheDir string
	// Mirror is the base URL of a mirror that serves both products in the
	// official layout (see MirrorChannels); empty means the official
	// channels.
	Mirror string
	// Offline uses only the tool cache and PATH: nothing is listed or
	// downloaded.
	Offline bool
	// Platform is the platform to install for; zero means this one.
	Platform Platform
	// Attempts is how many times a request is made before giving up on
	// network and server errors (default 3), RetryWait the wait before the
	// second (doubled each time; default 1 s).
	Attempts  int
	RetryWait time.Duration
}

// Installer resolves requests to releases and installs them, verified, into
// the tool cache. It is safe for concurrent use: parallel stacks that need
// the same release share one download, and a file lock per release keeps
// two processes from downloading it twice.
type Installer struct {
	lookPath func(string) (string, error)
	probe    func(ctx context.Context, path string) (string, error)
	keys     Keys
	channels map[tfversion.Product]Channel
	log      *slog.Logger
	now      func() time.Time
	fetch    *fetcher
	cache    cache
	platform Platform
	offline  bool

	mu       sync.Mutex
	verified map[string]string // release key -> binary checked this run
	flights  map[string]*flight
	listings map[tfversion.Product]*flight
	probes   map[string]*flight
}

// flight is one piece of work that concurrent callers share.
type flight struct {
	done     chan struct{}
	path     string // a binary, or a probed version
	fresh    bool   // the binary was downloaded by this flight
	releases []Release
	err      error
}

// New returns an Installer. A mirror URL that does not parse, or missing
// embedded keys, are errors.
func New(opts Options) (*Installer, error) {
	if opts.CacheDir == "" {
		return nil, errors.New("no tool cache directory")
	}
	in := &Installer{
		lookPath: opts.LookPath,
		probe:    opts.Probe,
		keys:     opts.Keys,
		channels: opts.Channels,
		log:      opts.Log,
		now:      opts.Now,
		cache:    cache{root: opts.CacheDir, platform: opts.Platform},
		platform: opts.Platform,
		offline:  opts.Offline,
		verified: map[string]string{},
		flights:  map[string]*flight{},
		listings: map[tfversion.Product]*flight{},
		probes:   map[string]*flight{},
	}
	if in.lookPath == nil {
		in.lookPath = exec.LookPath
	}
	if in.probe == nil {
		in.probe = ProbeVersion
	}
	if in.log == nil {
		in.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if in.now == nil {
		in.now = time.Now
	}
	if in.platform == (Platform{}) {
		in.platform = Platform{OS: runtime.GOOS, Arch: runtime.GOARCH}
		in.cache.platform = in.platform
	}
	if in.keys == nil {
		keys, err := EmbeddedKeys()
		if err != nil {
			return nil, err
		}
		in.keys = keys
	}
	if in.channels == nil {
		in.channels = Official()
	}
	if opts.Mirror != "" {
		u, err := ParseMirror(opts.Mirror)
		if err != nil {
			return nil, err
		}
		in.channels = MirrorChannels(u.String())
	}
	client := opts.Client
	if client == nil {
		client = &http.Client{Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 30 * time.Second}).DialContext,
			TLSHandshakeTimeout:   15 * time.Second,
			ResponseHeaderTimeout: 60 * time.Second,
			IdleConnTimeout:       30 * time.Second,
		}}
	}
	attempts := opts.Attempts
	if attempts <= 0 {
		attempts = 3
	}
	wait := opts.RetryWait
	if wait <= 0 {
		wait = time.Second
	}
	in.fetch = &fetcher{client: client, attempts: attempts, retryWait: wait, log: in.log}
	return in, nil
}

// CacheDir returns the tool cache the Installer uses.
func (in *Installer) CacheDir() string { return in.cache.root }

// Install returns the binary that satisfies req, downloading and verifying
// it into the tool cache when neither the cache nor PATH has it. The
// choice is the one Select makes.
//
// Errors: *NotPublishedError (no such release: bad input), *VerifyError
// (ErrVerify: a file failed verification, nothing installed), *OfflineError,
// *DownloadError, *MissingBinaryError, *UnsupportedPlatformError.
func (in *Installer) Install(ctx context.Context, req tfversion.Request) (Binary, error) {
	b, err := in.Select(ctx, req)
	if err != nil || b.Location != ToDownload {
		return b, err
	}
	v, err := version.NewSemver(b.Version)
	if err != nil {
		return Binary{}, fmt.Errorf("install %s %s: %w", req.Product.Name(), b.Version, err)
	}
	path, fresh, err := in.ensure(ctx, req, v)
	if err != nil {
		return Binary{}, err
	}
	b.Path, b.Location = path, InCache
	if fresh {
		b.Location = Downloaded
	}
	return b, nil
}

// Select decides which binary satisfies req without downloading anything:
// for a constraint, the newest release in the listing that satisfies it and
// has an archive for this platform (in offline mode, or when the listing
// cannot be read, the newest such release in the cache or on PATH). A
// release already in the cache, or the same release on PATH, is used as it
// is; otherwise the result is ToDownload.
func (in *Installer) Select(ctx context.Context, req tfversion.Request) (Binary, error) {
	b := Binary{Request: req}
	p := req.Product
	switch {
	case req.Source.Origin == tfversion.FromBinarySetting:
		path, err := in.lookPath(req.Binary)
		if err != nil {
			return Binary{}, &MissingBinaryError{Request: req, Err: err}
		}
		b.Path, b.Location = absolute(path), Configured
		b.Version, _ = in.versionOf(ctx, b.Path)
		return b, nil
	case req.Want.IsZero():
		path, err := in.lookPath(p.Binary())
		if err != nil {
			return Binary{}, &MissingBinaryError{Request: req, Err: err}
		}
		b.Path, b.Location = absolute(path), OnPath
		b.Version, _ = in.versionOf(ctx, b.Path)
		return b, nil
	}

	if v := req.Want.Exact; v != nil {
		if found, ok := in.present(ctx, p, v); ok {
			return found.with(req), nil
		}
		if err := in.canDownload(ctx, req); err != nil {
			return Binary{}, err
		}
		b.Version, b.Location = v.String(), ToDownload
		return b, nil
	}

	if in.offline {
		if found, ok := in.newestPresent(ctx, req); ok {
			return found.with(req), nil
		}
		return Binary{}, in.offlineError(ctx, req)
	}
	releases, err := in.listing(ctx, p)
	if err != nil {
		if found, ok := in.newestPresent(ctx, req); ok {
			found.Note = fmt.Sprintf("the %s release listing could not be read (%v), so the newest release at hand that satisfies %s is used", p.Name(), err, req.Want.Raw)
			in.log.Warn(found.Note)
			return found.with(req), nil
		}
		return Binary{}, fmt.Errorf("find the newest %s release that satisfies %s (asked for at %s): %w", p.Name(), req.Want.Raw, req.Where(), err)
	}
	for _, r := range releases {
		if !req.Want.Allows(r.Version) || !r.Has(in.platform) {
			continue
		}
		if found, ok := in.present(ctx, p, r.Version); ok {
			return found.with(req), nil
		}
		if err := in.canDownload(ctx, req); err != nil {
			return Binary{}, err
		}
		b.Version, b.Location = r.Version.String(), ToDownload
		return b, nil
	}
	nf := &NotPublishedError{Request: req, Where: redact(in.channels[p].Listing)}
	for _, r := range releases {
		if r.Version.Prerelease() == "" {
			nf.Newest = r.Version.String()
			break
		}
	}
	return Binary{}, nf
}

// canDownload reports why the request cannot be downloaded: offline mode or
// an unsupported platform.
func (in *Installer) canDownload(ctx context.Context, req tfversion.Request) error {
	if in.offline {
		return in.offlineError(ctx, req)
	}
	if !in.platform.Supported() {
		return &UnsupportedPlatformError{Request: req, Platform: in.platform}
	}
	return nil
}

// found is a binary at hand: in the cache or on PATH.
type found struct {
	version  string
	path     string
	location Location
	Note     string
}

func (f found) with(req tfversion.Request) Binary {
	return Binary{Request: req, Version: f.version, Path: f.path, Location: f.location, Note: f.Note}
}

// present returns release v of p if the cache holds it, or if the binary
// of p on PATH is that release.
func (in *Installer) present(ctx context.Context, p tfversion.Product, v *version.Version) (found, bool) {
	if path, ok := in.cached(p, v); ok {
		return found{version: v.String(), path: path, location: InCache}, true
	}
	if path, pv, ok := in.onPath(ctx, p); ok && pv.Equal(v) {
		return found{version: v.String(), path: path, location: OnPath}, true
	}
	return found{}, false
}

// newestPresent returns the newest release at hand (cache or PATH) that
// satisfies req.
func (in *Installer) newestPresent(ctx context.Context, req tfversion.Request) (found, bool) {
	p := req.Product
	var best found
	var bestV *version.Version
	for _, v := range in.cache.versions(p) {
		if !req.Want.Allows(v) {
			continue
		}
		if path, ok := in.cached(p, v); ok {
			best, bestV = found{version: v.String(), path: path, location: InCache}, v
			break
		}
	}
	if path, pv, ok := in.onPath(ctx, p); ok && req.Want.Allows(pv) && (bestV == nil || pv.GreaterThan(bestV)) {
		best, bestV = found{version: pv.String(), path: path, location: OnPath}, pv
	}
	return best, bestV != nil
}

// cached returns the binary of release v in the cache, checking an entry
// once per Installer. A damaged entry is logged and treated as missing
// (Install replaces it).
func (in *Installer) cached(p tfversion.Product, v *version.Version) (string, bool) {
	key := p.Binary() + "@" + v.String()
	in.mu.Lock()
	path, ok := in.verified[key]
	in.mu.Unlock()
	if ok {
		return path, true
	}
	path, ok, damaged := in.cache.lookup(p, v)
	if damaged != "" {
		in.log.Warn("ignoring a damaged tool cache entry", "dir", in.cache.dir(p, v), "reason", damaged)
	}
	if ok {
		in.remember(p, v, path)
	}
	return path, ok
}

func (in *Installer) remember(p tfversion.Product, v *version.Version, path string) {
	in.mu.Lock()
	in.verified[p.Binary()+"@"+v.String()] = path
	in.mu.Unlock()
}

// onPath returns the product's binary on PATH and its version.
func (in *Installer) onPath(ctx context.Context, p tfversion.Product) (string, *version.Version, bool) {
	path, err := in.lookPath(p.Binary())
	if err != nil {
		return "", nil, false
	}
	path = absolute(path)
	s, err := in.versionOf(ctx, path)
	if err != nil {
		return "", nil, false
	}
	v, err := version.NewVersion(s)
	if err != nil {
		return "", nil, false
	}
	return path, v, true
}

// versionOf asks the binary at path its version, once per Installer.
func (in *Installer) versionOf(ctx context.Context, path string) (string, error) {
	f, leader := in.join(in.probes, path)
	if leader {
		f.path, f.err = in.probe(ctx, path)
		close(f.done)
	}
	<-f.done
	return f.path, f.err
}

func (in *Installer) offlineError(ctx context.Context, req tfversion.Request) error {
	e := &OfflineError{Request: req, CacheDir: in.cache.root}
	for _, v := range in.cache.versions(req.Product) {
		e.Cached = append(e.Cached, v.String())
	}
	if path, v, ok := in.onPath(ctx, req.Product); ok {
		e.OnPath = fmt.Sprintf("%s %s at %s", req.Product.Binary(), v, path)
	}
	return e
}

// listing returns the product's releases, fetched once per Installer (a
// failure too: parallel stacks do not each retry a server that is down).
func (in *Installer) listing(ctx context.Context, p tfversion.Product) ([]Release, error) {
	in.mu.Lock()
	f, ok := in.listings[p]
	if !ok {
		f = &flight{done: make(chan struct{})}
		in.listings[p] = f
	}
	in.mu.Unlock()
	if !ok {
		f.releases, f.err = in.fetchListing(ctx, p)
		close(f.done)
	}
	select {
	case <-f.done:
		return f.releases, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (in *Installer) fetchListing(ctx context.Context, p tfversion.Product) ([]Release, error) {
	url := in.channels[p].Listing
	var buf bytes.Buffer
	if err := in.fetch.get(ctx, url, maxListing, reset(&buf)); err != nil {
		return nil, err
	}
	releases, err := ParseListing(p, buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("the release listing %s %w", redact(url), err)
	}
	return releases, nil
}

// ensure installs release v into the cache unless it is there, and returns
// the binary; fresh says this call downloaded it. Callers in this process
// share one flight per release (and its failure; a later call tries
// again); other processes wait on the file lock.
func (in *Installer) ensure(ctx context.Context, req tfversion.Request, v *version.Version) (path string, fresh bool, err error) {
	p := req.Product
	key := p.Binary() + "@" + v.String()
	f, leader := in.join(in.flights, key)
	if leader {
		f.path, f.fresh, f.err = in.install(ctx, req, v)
		in.mu.Lock()
		if f.err == nil {
			in.verified[key] = f.path
		} else {
			delete(in.flights, key)
		}
		in.mu.Unlock()
		close(f.done)
		return f.path, f.fresh, f.err
	}
	select {
	case <-f.done:
		return f.path, false, f.err
	case <-ctx.Done():
		return "", false, ctx.Err()
	}
}

// install takes the release's file lock, looks in the cache again (another
// process may have installed it meanwhile) and downloads it if not.
func (in *Installer) install(ctx context.Context, req tfversion.Request, v *version.Version) (path string, fresh bool, err error) {
	p := req.Product
	if path, ok, _ := in.cache.lookup(p, v); ok {
		return path, false, nil
	}
	lockPath := in.cache.lockFile(p, v)
	if err := os.MkdirAll(filepath.Dir(lockPath), 0o755); err != nil {
		return "", false, fmt.Errorf("create the tool cache %s: %w", in.cache.root, err)
	}
	unlock, err := lock(ctx, lockPath, func() {
		in.log.Info("waiting for another tierdeploy to install this release", "product", p.Binary(), "version", v.String())
	})
	if err != nil {
		return "", false, fmt.Errorf("lock %s: %w", lockPath, err)
	}
	defer unlock()
	if path, ok, _ := in.cache.lookup(p, v); ok {
		in.log.Info("another tierdeploy installed this release", "product", p.Binary(), "version", v.String())
		return path, false, nil
	}
	removePartials(in.cache.versionDir(p, v))
	path, err = in.download(ctx, req, v)
	return path, err == nil, err
}

// removePartials removes what interrupted downloads left in dir; the
// caller holds the release's lock, so no download is in progress there.
func removePartials(dir string) {
	matches, _ := filepath.Glob(filepath.Join(dir, ".partial-*"))
	for _, m := range matches {
		_ = os.RemoveAll(m)
	}
}

// absolute makes a path found on PATH absolute: a relative one would be
// resolved against each command's directory.
func absolute(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// join returns the flight for key in m, and whether the caller leads it
// (must do the work and close done).
func (in *Installer) join(m map[string]*flight, key string) (*flight, bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if f, ok := m[key]; ok {
		return f, false
	}
	f := &flight{done: make(chan struct{})}
	m[key] = f
	return f, true
}
