package releasetest

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/hashicorp/go-version"

	"github.com/tierdeploy/tierdeploy/internal/tfinstall"
	"github.com/tierdeploy/tierdeploy/internal/tfversion"
)

// Options say what the server publishes.
type Options struct {
	// Releases lists the versions of each product; every one has an archive
	// for each of Platforms.
	Releases map[tfversion.Product][]string
	// Platforms default to linux and darwin on amd64 and arm64.
	Platforms []tfinstall.Platform
	// Binary returns the binary packed for a release and platform; nil
	// means Script.
	Binary func(p tfversion.Product, version string, pl tfinstall.Platform) []byte
}

// Script is a tiny stand-in for a Terraform or OpenTofu binary: a shell
// script that answers `version -json` with its version.
func Script(_ tfversion.Product, v string, _ tfinstall.Platform) []byte {
	return []byte(fmt.Sprintf("#!/bin/sh\necho '{\"terraform_version\":\"%s\"}'\n", v))
}

// Server is the release server.
type Server struct {
	*httptest.Server

	opts   Options
	signer *openpgp.Entity
	other  *openpgp.Entity

	mu        sync.Mutex
	hits      map[string]int
	files     map[string][]byte // "<product>/<version>/<file>" -> content
	corrupt   map[string]bool
	missing   map[string]bool
	badSig    map[string]bool
	delays    map[string]time.Duration
	failAll   int
	started   chan string
	startedOn sync.Once
}

// New starts a server; it stops when the test ends.
func New(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.Binary == nil {
		opts.Binary = Script
	}
	if len(opts.Platforms) == 0 {
		for _, os := range []string{"linux", "darwin"} {
			for _, arch := range []string{"amd64", "arm64"} {
				opts.Platforms = append(opts.Platforms, tfinstall.Platform{OS: os, Arch: arch})
			}
		}
	}
	s := &Server{
		opts: opts, hits: map[string]int{}, files: map[string][]byte{},
		corrupt: map[string]bool{}, missing: map[string]bool{}, badSig: map[string]bool{}, delays: map[string]time.Duration{},
		started: make(chan string, 1),
	}
	s.signer = NewKey(t, "tierdeploy release test key")
	s.other = NewKey(t, "someone else")
	s.Server = httptest.NewTLSServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// NewKey generates an OpenPGP signing key (Ed25519, fast) for tests.
func NewKey(t testing.TB, name string) *openpgp.Entity {
	t.Helper()
	e, err := openpgp.NewEntity(name, "", "test@example.invalid", &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	if err != nil {
		t.Fatalf("generate a test key: %v", err)
	}
	return e
}

// Keys returns the public keys that sign this server's releases, for
// tfinstall.Options.Keys.
func (s *Server) Keys() tfinstall.Keys {
	return tfinstall.Keys{tfversion.OpenTofu: {s.signer}, tfversion.Terraform: {s.signer}}
}

// ArmoredPublicKey returns the signing key's public key, ASCII-armored.
func (s *Server) ArmoredPublicKey() []byte {
	var b bytes.Buffer
	w, _ := armor.Encode(&b, openpgp.PublicKeyType, nil)
	_ = s.signer.Serialize(w)
	_ = w.Close()
	return b.Bytes()
}

// CertificatePEM returns the server's TLS certificate, for clients in
// other processes.
func (s *Server) CertificatePEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw})
}

// WriteTrust writes the public key and the certificate into dir and returns
// their paths.
func (s *Server) WriteTrust(t testing.TB, dir string) (keyFile, certFile string) {
	t.Helper()
	keyFile, certFile = filepath.Join(dir, "release-key.asc"), filepath.Join(dir, "server.pem")
	if err := os.WriteFile(keyFile, s.ArmoredPublicKey(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certFile, s.CertificatePEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	return keyFile, certFile
}

// OfficialURL is the base of the files standing for the official channels,
// MirrorURL the base of the mirror.
func (s *Server) OfficialURL() string { return s.URL + "/official" }

// MirrorURL is the base URL to use as a mirror.
func (s *Server) MirrorURL() string { return s.URL + "/mirror" }

// Options returns installer options that trust this server (client, keys)
// and use it as the official channels; the caller sets CacheDir.
func (s *Server) Options() tfinstall.Options {
	return tfinstall.Options{
		Client:    s.Client(),
		Keys:      s.Keys(),
		Channels:  tfinstall.MirrorChannels(s.OfficialURL()),
		RetryWait: time.Millisecond,
	}
}

// Hits returns how many requests were made for paths that end in suffix
// (such as "tofu_1.10.7_linux_amd64.zip" or "/mirror/tofu/api.json").
func (s *Server) Hits(suffix string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for p, c := range s.hits {
		if strings.HasSuffix(p, suffix) {
			n += c
		}
	}
	return n
}

// Requests returns the number of requests made, and the paths asked.
func (s *Server) Requests() (int, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	var paths []string
	for p, c := range s.hits {
		n += c
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return n, paths
}

// Corrupt makes the server answer file (a release file name) with bytes
// other than the ones its checksum was computed from.
func (s *Server) Corrupt(file string) { s.set(s.corrupt, file) }

// Drop makes the server answer 404 for file.
func (s *Server) Drop(file string) { s.set(s.missing, file) }

// SignWithOtherKey makes the signature of the checksum file named sums
// come from a key the installer does not trust.
func (s *Server) SignWithOtherKey(sums string) { s.set(s.badSig, sums) }

// Delay holds the answer for file for d.
func (s *Server) Delay(file string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delays[file] = d
}

// FailNext makes the next n requests fail with 503.
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failAll = n
}

// FirstArchiveRequest receives the path of the first archive request
// (before its delay, if any), once.
func (s *Server) FirstArchiveRequest() <-chan string { return s.started }

func (s *Server) set(m map[string]bool, file string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m[file] = true
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits[r.URL.Path]++
	fail := s.failAll > 0
	if fail {
		s.failAll--
	}
	s.mu.Unlock()
	if fail {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/official/")
	if !ok {
		if rest, ok = strings.CutPrefix(r.URL.Path, "/mirror/"); !ok {
			http.NotFound(w, r)
			return
		}
	}
	parts := strings.Split(rest, "/")
	switch {
	case len(parts) == 2 && parts[0] == "terraform" && parts[1] == "index.json":
		s.json(w, s.hashicorpIndex())
	case len(parts) == 2 && parts[0] == "tofu" && parts[1] == "api.json":
		s.json(w, s.opentofuIndex())
	case len(parts) == 3 && (parts[0] == "terraform" || parts[0] == "tofu"):
		p := tfversion.Product(parts[0])
		v := parts[1]
		if p == tfversion.OpenTofu {
			v, ok = strings.CutPrefix(v, "v")
			if !ok {
				http.NotFound(w, r)
				return
			}
		}
		s.file(w, r, p, v, parts[2])
	default:
		http.NotFound(w, r)
	}
}

func (s *Server) json(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) published(p tfversion.Product, v string) bool {
	for _, have := range s.opts.Releases[p] {
		if have == v {
			return true
		}
	}
	return false
}

func (s *Server) file(w http.ResponseWriter, r *http.Request, p tfversion.Product, v, name string) {
	s.mu.Lock()
	missing, corrupt, delay := s.missing[name], s.corrupt[name], s.delays[name]
	s.mu.Unlock()
	if strings.HasSuffix(name, ".zip") {
		s.startedOn.Do(func() { s.started <- r.URL.Path })
	}
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	if missing || !s.published(p, v) {
		http.NotFound(w, r)
		return
	}
	files, err := s.release(p, v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	body, ok := files[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if corrupt {
		body = append([]byte("corrupted "), body...)
	}
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	_, _ = w.Write(body)
}

// release returns every file of release v of p, made once.
func (s *Server) release(p tfversion.Product, v string) (map[string][]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := string(p) + "/" + v + "/"
	if _, ok := s.files[key]; ok {
		out := map[string][]byte{}
		for k, b := range s.files {
			if name, ok := strings.CutPrefix(k, key); ok && name != "" {
				out[name] = b
			}
		}
		return out, nil
	}
	ver, err := version.NewSemver(v)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	var sums bytes.Buffer
	for _, pl := range s.opts.Platforms {
		f := tfinstall.ReleaseFiles(p, ver, pl)
		archive, err := zipOf(p.Binary(), s.opts.Binary(p, v, pl))
		if err != nil {
			return nil, err
		}
		out[f.Archive] = archive
		fmt.Fprintf(&sums, "%x  %s\n", sha256.Sum256(archive), f.Archive)
	}
	f := tfinstall.ReleaseFiles(p, ver, tfinstall.Platform{})
	out[f.Sums] = sums.Bytes()
	signer := s.signer
	if s.badSig[f.Sums] {
		signer = s.other
	}
	var sig bytes.Buffer
	if p == tfversion.OpenTofu {
		err = openpgp.ArmoredDetachSign(&sig, signer, bytes.NewReader(sums.Bytes()), nil)
	} else {
		err = openpgp.DetachSign(&sig, signer, bytes.NewReader(sums.Bytes()), nil)
	}
	if err != nil {
		return nil, err
	}
	out[f.Signature] = sig.Bytes()
	s.files[key] = nil
	for name, b := range out {
		s.files[key+name] = b
	}
	return out, nil
}

// zipOf returns a zip archive holding the binary (stored, not compressed:
// the archives of a real binary stay quick to make) and a LICENSE, as
// release archives do.
func zipOf(name string, binary []byte) ([]byte, error) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range []struct {
		name string
		data []byte
		mode os.FileMode
	}{{"LICENSE", []byte("license text\n"), 0o644}, {name, binary, 0o755}} {
		h := &zip.FileHeader{Name: f.name, Method: zip.Store}
		h.SetMode(f.mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (s *Server) hashicorpIndex() any {
	type build struct {
		Name     string `json:"name"`
		Version  string `json:"version"`
		OS       string `json:"os"`
		Arch     string `json:"arch"`
		Filename string `json:"filename"`
		URL      string `json:"url"`
	}
	type entry struct {
		Name       string   `json:"name"`
		Version    string   `json:"version"`
		Shasums    string   `json:"shasums"`
		ShasumsSig string   `json:"shasums_signature"`
		ShasumsSgs []string `json:"shasums_signatures"`
		Builds     []build  `json:"builds"`
	}
	versions := map[string]entry{}
	for _, v := range s.opts.Releases[tfversion.Terraform] {
		ver := version.Must(version.NewSemver(v))
		f := tfinstall.ReleaseFiles(tfversion.Terraform, ver, tfinstall.Platform{})
		e := entry{Name: "terraform", Version: v, Shasums: f.Sums, ShasumsSig: f.Signature, ShasumsSgs: []string{f.Signature}}
		for _, pl := range s.opts.Platforms {
			a := tfinstall.ReleaseFiles(tfversion.Terraform, ver, pl).Archive
			e.Builds = append(e.Builds, build{Name: "terraform", Version: v, OS: pl.OS, Arch: pl.Arch, Filename: a, URL: "https://example.invalid/" + a})
		}
		versions[v] = e
	}
	return map[string]any{"name": "terraform", "versions": versions}
}

func (s *Server) opentofuIndex() any {
	type entry struct {
		ID    string   `json:"id"`
		Files []string `json:"files"`
	}
	var out []entry
	for _, v := range s.opts.Releases[tfversion.OpenTofu] {
		ver := version.Must(version.NewSemver(v))
		f := tfinstall.ReleaseFiles(tfversion.OpenTofu, ver, tfinstall.Platform{})
		e := entry{ID: v, Files: []string{f.Sums, f.Signature, f.Sums + ".pem", f.Sums + ".sig"}}
		for _, pl := range s.opts.Platforms {
			a := tfinstall.ReleaseFiles(tfversion.OpenTofu, ver, pl).Archive
			e.Files = append(e.Files, a, a+".gpgsig", strings.TrimSuffix(a, ".zip")+".tar.gz")
		}
		out = append(out, e)
	}
	return map[string]any{"versions": out}
}
