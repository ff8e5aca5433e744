package tfinstall

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/go-version"

	"github.com/tierdeploy/tierdeploy/internal/tfversion"
)

// Check is Select, and for a release still to be downloaded, a look at its
// checksum file: a release that is not published, or has no archive for
// this platform, is a *NotPublishedError before anything is downloaded (an
// exact version needs no listing, so Select alone cannot tell). The
// checksum file is read once; only Install verifies it, before it trusts a
// byte of it. Other errors are Select's, and a checksum file that cannot be
// fetched for another reason (the server is down) is left for Install to
// report.
func (in *Installer) Check(ctx context.Context, req tfversion.Request) (Binary, error) {
	b, err := in.Select(ctx, req)
	if err != nil || b.Location != ToDownload {
		return b, err
	}
	v, err := version.NewSemver(b.Version)
	if err != nil {
		return Binary{}, fmt.Errorf("check %s %s: %w", req.Product.Name(), b.Version, err)
	}
	data, err := in.checksumFile(ctx, req, v)
	var nf *NotPublishedError
	switch {
	case errors.As(err, &nf):
		return Binary{}, err
	case err != nil:
		in.log.Warn("the checksum file could not be read to check the release is published", "product", req.Product.Binary(), "version", v.String(), "error", err)
		return b, nil
	}
	// Unverified: read only to tell whether this platform's archive is
	// listed. A file that does not parse is Install's to refuse.
	if table, err := ParseSums(data); err == nil {
		if _, ok := table[ReleaseFiles(req.Product, v, in.platform).Archive]; !ok {
			return Binary{}, &NotPublishedError{Request: req, Platform: in.platform.String()}
		}
	}
	return b, nil
}

// checksumFile fetches the checksum file of release v, once per Installer
// (a failure other than "not published" is tried again by the next call).
// A file the server does not have is a *NotPublishedError.
func (in *Installer) checksumFile(ctx context.Context, req tfversion.Request, v *version.Version) ([]byte, error) {
	p := req.Product
	f, leader := in.join(in.sums, p.Binary()+"@"+v.String())
	if leader {
		f.data, f.err = in.fetchSums(ctx, req, v)
		var nf *NotPublishedError
		if f.err != nil && !errors.As(f.err, &nf) {
			in.mu.Lock()
			delete(in.sums, p.Binary()+"@"+v.String())
			in.mu.Unlock()
		}
		close(f.done)
	}
	select {
	case <-f.done:
		return f.data, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (in *Installer) fetchSums(ctx context.Context, req tfversion.Request, v *version.Version) ([]byte, error) {
	p := req.Product
	url := fileURL(in.channels[p], p, v, ReleaseFiles(p, v, in.platform).Sums)
	var sums bytes.Buffer
	err := in.fetch.get(ctx, url, maxSums, reset(&sums))
	var de *DownloadError
	if errors.As(err, &de) && de.NotFound() {
		return nil, &NotPublishedError{Request: req, Where: redact(url)}
	}
	if err != nil {
		return nil, fmt.Errorf("install %s %s: %w", p.Name(), v, err)
	}
	return sums.Bytes(), nil
}
