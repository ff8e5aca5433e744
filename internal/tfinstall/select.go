package tfinstall

import (
	"bytes"
	"context"
	"fmt"

	"github.com/hashicorp/go-version"

	"github.com/tierdeploy/tierdeploy/internal/redact"
	"github.com/tierdeploy/tierdeploy/internal/tfversion"
)

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

	if err := in.cache.trustProduct(p); err != nil {
		return Binary{}, err
	}
	if v := req.Want.Exact; v != nil {
		found, ok, err := in.present(ctx, p, v)
		if err != nil {
			return Binary{}, err
		}
		if ok {
			return found.with(req), nil
		}
		if err := in.canDownload(ctx, req); err != nil {
			return Binary{}, err
		}
		b.Version, b.Location = v.String(), ToDownload
		return b, nil
	}

	if in.offline {
		found, ok, err := in.newestPresent(ctx, req)
		if err != nil {
			return Binary{}, err
		}
		if ok {
			return found.with(req), nil
		}
		return Binary{}, in.offlineError(ctx, req)
	}
	releases, err := in.listing(ctx, p)
	if err != nil {
		found, ok, cacheErr := in.newestPresent(ctx, req)
		if cacheErr != nil {
			return Binary{}, cacheErr
		}
		if ok {
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
		found, ok, err := in.present(ctx, p, r.Version)
		if err != nil {
			return Binary{}, err
		}
		if ok {
			return found.with(req), nil
		}
		if err := in.canDownload(ctx, req); err != nil {
			return Binary{}, err
		}
		b.Version, b.Location = r.Version.String(), ToDownload
		return b, nil
	}
	nf := &NotPublishedError{Request: req, Where: redact.URL(in.channels[p].Listing)}
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
// of p on PATH is that release. An entry that others can change is an
// *UnsafeCacheError.
func (in *Installer) present(ctx context.Context, p tfversion.Product, v *version.Version) (found, bool, error) {
	path, ok, err := in.cached(p, v)
	if err != nil {
		return found{}, false, err
	}
	if ok {
		return found{version: v.String(), path: path, location: InCache}, true, nil
	}
	if path, pv, ok := in.onPath(ctx, p); ok && pv.Equal(v) {
		return found{version: v.String(), path: path, location: OnPath}, true, nil
	}
	return found{}, false, nil
}

// newestPresent returns the newest release at hand (cache or PATH) that
// satisfies req.
func (in *Installer) newestPresent(ctx context.Context, req tfversion.Request) (found, bool, error) {
	p := req.Product
	var best found
	var bestV *version.Version
	for _, v := range in.cache.versions(p) {
		if !req.Want.Allows(v) {
			continue
		}
		path, ok, err := in.cached(p, v)
		if err != nil {
			return found{}, false, err
		}
		if ok {
			best, bestV = found{version: v.String(), path: path, location: InCache}, v
			break
		}
	}
	if path, pv, ok := in.onPath(ctx, p); ok && req.Want.Allows(pv) && (bestV == nil || pv.GreaterThan(bestV)) {
		best, bestV = found{version: pv.String(), path: path, location: OnPath}, pv
	}
	return best, bestV != nil, nil
}

// cached returns the binary of release v in the cache, checking an entry
// once per Installer. A damaged entry is logged and treated as missing
// (Install replaces it); one that others can change is an error.
func (in *Installer) cached(p tfversion.Product, v *version.Version) (string, bool, error) {
	key := p.Binary() + "@" + v.String()
	in.mu.Lock()
	path, ok := in.verified[key]
	in.mu.Unlock()
	if ok {
		return path, true, nil
	}
	path, ok, damaged, err := in.cache.lookup(p, v)
	if err != nil {
		return "", false, err
	}
	if damaged != "" {
		in.log.Warn("ignoring a damaged tool cache entry", "dir", in.cache.dir(p, v), "reason", damaged)
	}
	if ok {
		in.remember(p, v, path)
	}
	return path, ok, nil
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
		return nil, fmt.Errorf("the release listing %s %w", redact.URL(url), err)
	}
	return releases, nil
}
