package helm

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	repo "helm.sh/helm/v4/pkg/repo/v1"
	"sigs.k8s.io/yaml"

	"github.com/tierdeploy/tierdeploy/internal/redact"
)

// maxDownload bounds a chart repository index or a chart archive.
const maxDownload = 256 << 20

// indexCache holds the chart repository indexes read in this process (one
// run), so that releases from the same repository fetch its index once.
var indexCache = struct {
	mu sync.Mutex
	m  map[string]*indexEntry
}{m: map[string]*indexEntry{}}

type indexEntry struct {
	mu  sync.Mutex
	idx *repo.IndexFile
}

// fetchFromRepo finds the release's chart in its https chart repository
// and loads it.
func (s *Stage) fetchFromRepo(ctx context.Context) (*chart.Chart, error) {
	idx, err := s.repoIndex(ctx, s.rel.Repo)
	if err != nil {
		return nil, err
	}
	cv, err := idx.Get(s.rel.Chart, s.rel.Version)
	if err != nil {
		if s.rel.Version == "" {
			return nil, fmt.Errorf("not found in the repository index: %w", err)
		}
		return nil, fmt.Errorf("version %s not found in the repository index: %w", s.rel.Version, err)
	}
	if len(cv.URLs) == 0 {
		return nil, fmt.Errorf("version %s has no download URL in the repository index", cv.Version)
	}
	u, err := repo.ResolveReferenceURL(s.rel.Repo, cv.URLs[0])
	if err != nil {
		return nil, err
	}
	data, err := s.cachedDownload(ctx, u, cv.Digest)
	if err != nil {
		return nil, err
	}
	ch, err := loader.LoadArchive(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", redactURL(u), err)
	}
	return ch, nil
}

// repoIndex returns the repository's index, fetching it on first use in
// the process. A failed fetch is not remembered.
func (s *Stage) repoIndex(ctx context.Context, repoURL string) (*repo.IndexFile, error) {
	key := strings.TrimSuffix(repoURL, "/")
	indexCache.mu.Lock()
	e, ok := indexCache.m[key]
	if !ok {
		e = &indexEntry{}
		indexCache.m[key] = e
	}
	indexCache.mu.Unlock()

	e.mu.Lock()
	defer e.mu.Unlock()
	if e.idx != nil {
		return e.idx, nil
	}
	u, err := indexURL(repoURL)
	if err != nil {
		return nil, err
	}
	data, err := s.download(ctx, u)
	if err != nil {
		return nil, err
	}
	idx, err := parseIndex(data)
	if err != nil {
		return nil, fmt.Errorf("repository index %s: %w", redactURL(u), err)
	}
	s.log.DebugContext(ctx, "chart repository index fetched", "repo", redactURL(repoURL), "charts", len(idx.Entries))
	e.idx = idx
	return idx, nil
}

// indexURL returns the URL of a repository's index.yaml.
func indexURL(repoURL string) (string, error) {
	u, err := url.Parse(repoURL)
	if err != nil {
		return "", fmt.Errorf("repository URL: %w", err)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return "", fmt.Errorf("repository URL %s: only https:// (or http://) chart repositories are supported; use oci:// in chart for registries", redactURL(repoURL))
	}
	u.Path = path.Join(u.Path, "index.yaml")
	return u.String(), nil
}

// parseIndex decodes a repository index (YAML or JSON) and sorts each
// chart's versions, newest first, as Helm expects.
func parseIndex(data []byte) (*repo.IndexFile, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, repo.ErrEmptyIndexYaml
	}
	idx := repo.NewIndexFile()
	if err := yaml.Unmarshal(data, idx); err != nil {
		return nil, err
	}
	if idx.APIVersion == "" {
		return nil, repo.ErrNoAPIVersion
	}
	for name, vs := range idx.Entries {
		kept := vs[:0]
		for _, v := range vs {
			if v != nil && v.Metadata != nil {
				kept = append(kept, v)
			}
		}
		idx.Entries[name] = kept
	}
	idx.SortEntries()
	return idx, nil
}

// archiveCache holds the chart archives downloaded in this process, by URL.
var archiveCache = struct {
	mu sync.Mutex
	m  map[string][]byte
}{m: map[string][]byte{}}

// cachedDownload downloads a chart archive, or takes it from this process's
// memory or from RepoCacheDir when an earlier stage downloaded it. When the
// index gives a digest, the archive must match it.
func (s *Stage) cachedDownload(ctx context.Context, u, digest string) ([]byte, error) {
	archiveCache.mu.Lock()
	data, ok := archiveCache.m[u]
	archiveCache.mu.Unlock()
	if ok && checkDigest(data, digest) == nil {
		return data, nil
	}
	data, err := s.downloadOrRead(ctx, u, digest)
	if err != nil {
		return nil, err
	}
	archiveCache.mu.Lock()
	archiveCache.m[u] = data
	archiveCache.mu.Unlock()
	return data, nil
}

func (s *Stage) downloadOrRead(ctx context.Context, u, digest string) ([]byte, error) {
	var file string
	if s.opts.RepoCacheDir != "" {
		sum := sha256.Sum256([]byte(u))
		file = filepath.Join(s.opts.RepoCacheDir, "charts", hex.EncodeToString(sum[:8])+"-"+path.Base(u))
		if data, err := os.ReadFile(file); err == nil && checkDigest(data, digest) == nil {
			return data, nil
		}
	}
	data, err := s.download(ctx, u)
	if err != nil {
		return nil, err
	}
	if err := checkDigest(data, digest); err != nil {
		return nil, fmt.Errorf("%s: %w", redactURL(u), err)
	}
	if file != "" {
		if err := writeFileAtomic(file, data); err != nil {
			s.log.WarnContext(ctx, "chart archive not cached", "error", err)
		}
	}
	return data, nil
}

func checkDigest(data []byte, digest string) error {
	if digest == "" {
		return nil
	}
	sum := sha256.Sum256(data)
	if got := hex.EncodeToString(sum[:]); !strings.EqualFold(got, strings.TrimPrefix(digest, "sha256:")) {
		return fmt.Errorf("digest sha256:%s does not match the index's %s", got, digest)
	}
	return nil
}

// download GETs u.
func (s *Stage) download(ctx context.Context, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", redactURL(u), err)
	}
	resp, err := s.httpClient().Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("download %s: %w", redactURL(u), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download %s: %s", redactURL(u), resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxDownload+1))
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", redactURL(u), err)
	}
	if len(data) > maxDownload {
		return nil, fmt.Errorf("download %s: larger than %d bytes", redactURL(u), maxDownload)
	}
	return data, nil
}

func (s *Stage) httpClient() *http.Client {
	if s.opts.HTTPClient != nil {
		return s.opts.HTTPClient
	}
	return http.DefaultClient
}

// redactURL hides the credentials of a URL (user name included) and its
// query; see redact.URL.
func redactURL(u string) string { return redact.URL(u) }

// writeFileAtomic writes data to file through a temporary file, so that a
// parallel stage never reads half of it.
func writeFileAtomic(file string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), ".download-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), file)
}
