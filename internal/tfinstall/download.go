package tfinstall

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"

	"github.com/hashicorp/go-version"

	"github.com/tierdeploy/tierdeploy/internal/tfversion"
)

// download fetches release v of the request's product, verifies it and
// moves it into the cache; the caller holds the entry's lock. The order
// keeps a bad release cheap to refuse: the checksum file and its signature
// first, the archive only once they check out.
func (in *Installer) download(ctx context.Context, req tfversion.Request, v *version.Version) (string, error) {
	p := req.Product
	ch := in.channels[p]
	files := ReleaseFiles(p, v, in.platform)
	log := in.log.With("product", p.Binary(), "version", v.String(), "platform", in.platform.String())

	sumsData, err := in.checksumFile(ctx, req, v)
	if err != nil {
		return "", err
	}
	sums := bytes.NewBuffer(sumsData)
	var sig bytes.Buffer
	var de *DownloadError
	if err := in.fetch.get(ctx, fileURL(ch, p, v, files.Signature), maxSignature, reset(&sig)); err != nil {
		if errors.As(err, &de) && de.NotFound() {
			return "", &VerifyError{File: files.Signature, Reason: "is missing, so " + files.Sums + " cannot be verified"}
		}
		return "", fmt.Errorf("install %s %s: %w", p.Name(), v, err)
	}
	signer, err := checkSignature(in.keys[p], sums.Bytes(), sig.Bytes(), in.now)
	if se := (*signatureError)(nil); errors.As(err, &se) {
		reason := fmt.Sprintf("is not a valid signature of %s (%v)", files.Sums, se.Err)
		if se.Unknown {
			reason = fmt.Sprintf("is not a signature of %s by the %s release key", files.Sums, p.Name())
		}
		return "", &VerifyError{File: files.Signature, Reason: reason}
	}
	if err != nil {
		return "", err
	}
	log.Info("checksum file signature verified", "file", files.Sums, "key", signer)
	table, err := ParseSums(sums.Bytes())
	if err != nil {
		return "", &VerifyError{File: files.Sums, Reason: err.Error()}
	}
	want, ok := table[files.Archive]
	if !ok {
		return "", &NotPublishedError{Request: req, Platform: in.platform.String()}
	}

	if err := os.MkdirAll(in.cache.versionDir(p, v), 0o755); err != nil {
		return "", fmt.Errorf("create the tool cache: %w", err)
	}
	tmp, err := os.MkdirTemp(in.cache.versionDir(p, v), ".partial-")
	if err != nil {
		return "", fmt.Errorf("create the tool cache: %w", err)
	}
	defer os.RemoveAll(tmp) // gone after the rename; removes what a failure left

	archive := filepath.Join(tmp, files.Archive)
	f, err := os.Create(archive)
	if err != nil {
		return "", fmt.Errorf("write the tool cache: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	log.Info("downloading", "file", files.Archive, "from", redact(ch.Files))
	err = in.fetch.get(ctx, fileURL(ch, p, v, files.Archive), maxArchive, rewind(f, h))
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("write the tool cache: %w", cerr)
	}
	if err != nil {
		if errors.As(err, &de) && de.NotFound() {
			return "", &NotPublishedError{Request: req, Platform: in.platform.String()}
		}
		return "", fmt.Errorf("install %s %s: %w", p.Name(), v, err)
	}
	var got [32]byte
	copy(got[:], h.Sum(nil))
	if got != want {
		return "", &VerifyError{File: files.Archive, Reason: "does not match its SHA-256 in " + files.Sums}
	}
	entry := filepath.Join(tmp, "entry")
	if err := os.Mkdir(entry, 0o755); err != nil {
		return "", fmt.Errorf("create the tool cache: %w", err)
	}
	binSum, err := extract(archive, p.Binary(), filepath.Join(entry, p.Binary()))
	if err != nil {
		return "", &VerifyError{File: files.Archive, Reason: err.Error()}
	}
	m, _ := json.MarshalIndent(marker{
		Product: p.Binary(), Version: v.String(), Platform: in.platform.String(),
		Archive: files.Archive, ArchiveSHA256: fmt.Sprintf("%x", got), BinarySHA256: binSum, SignedBy: signer,
	}, "", "  ")
	if err := os.WriteFile(filepath.Join(entry, markerFile), append(m, '\n'), 0o644); err != nil {
		return "", fmt.Errorf("write the tool cache: %w", err)
	}
	dst := in.cache.dir(p, v)
	if err := os.RemoveAll(dst); err != nil {
		return "", fmt.Errorf("replace the damaged cache entry %s: %w", dst, err)
	}
	if err := os.Rename(entry, dst); err != nil {
		return "", fmt.Errorf("write the tool cache: %w", err)
	}
	log.Info("installed", "binary", filepath.Join(dst, p.Binary()))
	return filepath.Join(dst, p.Binary()), nil
}

// reset returns an open function for fetcher.get that empties b.
func reset(b *bytes.Buffer) func() (io.Writer, error) {
	return func() (io.Writer, error) {
		b.Reset()
		return b, nil
	}
}

// rewind returns an open function for fetcher.get that empties f and
// resets h: each attempt writes the file, and hashes it, from the start.
func rewind(f *os.File, h hash.Hash) func() (io.Writer, error) {
	return func() (io.Writer, error) {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		if err := f.Truncate(0); err != nil {
			return nil, err
		}
		h.Reset()
		return io.MultiWriter(f, h), nil
	}
}
