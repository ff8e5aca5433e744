package helm

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/Masterminds/semver/v3"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/registry"
)

// ociCache holds the chart archives pulled in this process (one run), by
// reference, so that a plan and an apply of the same release pull once.
var ociCache = struct {
	mu sync.Mutex
	m  map[string][]byte
}{m: map[string][]byte{}}

// ociReference is a parsed oci:// chart reference.
type ociReference struct {
	// Repository is registry/path/name, without a tag or digest.
	Repository string
	// Tag is the chart version as an OCI tag (+ written as _); empty when
	// Constraint or Digest says what to pull.
	Tag string
	// Constraint is a semver range to pick the highest matching tag with
	// (empty with no Tag and no Digest: the highest tag).
	Constraint string
	Digest     string
}

// String returns the reference to pull, or the repository when the tag is
// still to be chosen.
func (r ociReference) String() string {
	switch {
	case r.Digest != "":
		return r.Repository + "@" + r.Digest
	case r.Tag != "":
		return r.Repository + ":" + r.Tag
	}
	return r.Repository
}

// parseOCIReference parses the chart field (oci://registry/path/name, with
// an optional :tag or @digest) together with the version field: an exact
// version becomes the tag; a range, or no version and no tag, is resolved
// against the registry's tags.
func parseOCIReference(ref, version string) (ociReference, error) {
	raw := strings.TrimPrefix(ref, "oci://")
	var r ociReference
	if i := strings.LastIndex(raw, "@"); i >= 0 {
		r.Digest, raw = raw[i+1:], raw[:i]
		if !strings.Contains(r.Digest, ":") {
			return ociReference{}, fmt.Errorf("%s: digest %q is not algorithm:hex", ref, r.Digest)
		}
	}
	slash := strings.LastIndex(raw, "/")
	if slash <= 0 || slash == len(raw)-1 {
		return ociReference{}, fmt.Errorf("%s: want oci://registry/path/chart", ref)
	}
	tag := ""
	if i := strings.LastIndex(raw, ":"); i > slash {
		tag, raw = raw[i+1:], raw[:i]
	}
	r.Repository = raw
	tag = strings.ReplaceAll(tag, "+", "_")
	want := strings.ReplaceAll(version, "+", "_")
	switch {
	case version == "":
		r.Tag = tag
	case tag != "" && tag != want:
		return ociReference{}, fmt.Errorf("%s: the reference's tag %s and version %s differ", ref, tag, version)
	case isExactVersion(version):
		r.Tag = want
	case r.Digest != "":
		return ociReference{}, fmt.Errorf("%s: a digest cannot be combined with the version range %s", ref, version)
	default:
		if _, err := semver.NewConstraint(version); err != nil {
			return ociReference{}, fmt.Errorf("%s: version %q is neither a version nor a range: %w", ref, version, err)
		}
		r.Constraint = version
	}
	return r, nil
}

func isExactVersion(v string) bool {
	_, err := semver.StrictNewVersion(strings.TrimPrefix(v, "v"))
	return err == nil
}

// pullOCI pulls the release's chart from an OCI registry. Credentials come
// from `helm registry login` or the Docker configuration, as with helm.
func (s *Stage) pullOCI(ctx context.Context) (*chart.Chart, error) {
	ref, err := parseOCIReference(s.rel.Chart, s.rel.Version)
	if err != nil {
		return nil, err
	}
	opts := []registry.ClientOption{registry.ClientOptEnableCache(true)}
	if s.opts.HTTPClient != nil {
		opts = append(opts, registry.ClientOptHTTPClient(s.opts.HTTPClient))
	}
	client, err := registry.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("registry client: %w", err)
	}
	if ref.Tag == "" && ref.Digest == "" {
		tags, err := client.Tags(ref.Repository)
		if err != nil {
			return nil, fmt.Errorf("list the tags of %s: %w", ref.Repository, err)
		}
		tag, err := registry.GetTagMatchingVersionOrConstraint(tags, ref.Constraint)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", ref.Repository, err)
		}
		ref.Tag = strings.ReplaceAll(tag, "+", "_")
	}
	key := ref.String()
	ociCache.mu.Lock()
	data, ok := ociCache.m[key]
	ociCache.mu.Unlock()
	if !ok {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		res, err := client.Pull(key)
		if err != nil {
			return nil, fmt.Errorf("pull %s: %w", key, err)
		}
		data = res.Chart.Data
		s.log.DebugContext(ctx, "chart pulled", "ref", key, "digest", res.Manifest.Digest)
		ociCache.mu.Lock()
		ociCache.m[key] = data
		ociCache.mu.Unlock()
	}
	ch, err := loader.LoadArchive(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", key, err)
	}
	return ch, nil
}
