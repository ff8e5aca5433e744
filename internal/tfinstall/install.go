package tfinstall

import (
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
	sums     map[string]*flight
}

// flight is one piece of work that concurrent callers share.
type flight struct {
	done     chan struct{}
	path     string // a binary, or a probed version
	fresh    bool   // the binary was downloaded by this flight
	releases []Release
	data     []byte // a checksum file
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
		sums:     map[string]*flight{},
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
