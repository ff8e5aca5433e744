package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/tierdeploy/tierdeploy/internal/app"
	"github.com/tierdeploy/tierdeploy/internal/deploy"
	"github.com/tierdeploy/tierdeploy/internal/tfinstall"
	"github.com/tierdeploy/tierdeploy/internal/tfversion"
)

// toolchain gives each stack the Terraform or OpenTofu release it asks for
// (internal/tfversion decides, internal/tfinstall verifies, caches and
// installs) and builds the stages with internal/terraform and
// internal/helm; key keys the stages' fingerprints, and tokens are the EKS
// token sources of the Helm stages.
type toolchain struct {
	key    []byte
	tokens *eksTokens
	// install are the installer's options; the run's tool source
	// (WithSource) sets Mirror, Offline and Log, the environment the cache
	// directory. Tests point Client, Keys and Channels at a local release
	// server.
	install  tfinstall.Options
	getenv   func(string) string
	lookPath func(string) (string, error)

	once sync.Once
	inst *tfinstall.Installer
	err  error

	// asked memoizes request: the flows resolve a stack's request before
	// it runs and again when it installs.
	mu    sync.Mutex
	asked map[deploy.BinaryRequest]resolved
}

type resolved struct {
	req tfversion.Request
	err error
}

var (
	_ deploy.Toolchain = (*toolchain)(nil)
	_ interface {
		WithSource(app.ToolSource) (deploy.Toolchain, error)
	} = (*toolchain)(nil)
)

// newToolchain returns a toolchain that installs with opts (the official
// release channels when they name none) into the tool cache getenv names
// (tfinstall.CacheDir).
func newToolchain(key []byte, tokens *eksTokens, opts tfinstall.Options, getenv func(string) string) *toolchain {
	lookPath := opts.LookPath
	if lookPath == nil {
		lookPath = exec.LookPath
	}
	return &toolchain{key: key, tokens: tokens, install: opts, getenv: getenv, lookPath: lookPath, asked: map[deploy.BinaryRequest]resolved{}}
}

// WithSource returns the toolchain of a run whose releases come from src;
// a mirror URL that cannot be used is an error.
func (t *toolchain) WithSource(src app.ToolSource) (deploy.Toolchain, error) {
	if src.Mirror != "" {
		if _, err := tfinstall.ParseMirror(src.Mirror); err != nil {
			return nil, err
		}
	}
	opts := t.install
	opts.Mirror, opts.Offline, opts.Log = src.Mirror, src.Offline, src.Log
	return newToolchain(t.key, t.tokens, opts, t.getenv), nil
}

// installer returns the run's installer, made once.
func (t *toolchain) installer() (*tfinstall.Installer, error) {
	t.once.Do(func() {
		opts := t.install
		if opts.CacheDir == "" {
			if opts.CacheDir, t.err = tfinstall.CacheDir(t.getenv); t.err != nil {
				return
			}
		}
		t.inst, t.err = tfinstall.New(opts)
	})
	return t.inst, t.err
}

// SelectTerraform decides which release a stack runs, and checks that a
// release to download is published, without downloading it.
func (t *toolchain) SelectTerraform(ctx context.Context, req deploy.BinaryRequest) (deploy.Binary, error) {
	return t.resolve(ctx, req, (*tfinstall.Installer).Check)
}

// FindTerraform returns the binary a stack runs, installed and verified.
func (t *toolchain) FindTerraform(ctx context.Context, req deploy.BinaryRequest) (deploy.Binary, error) {
	return t.resolve(ctx, req, (*tfinstall.Installer).Install)
}

func (t *toolchain) resolve(ctx context.Context, req deploy.BinaryRequest,
	do func(*tfinstall.Installer, context.Context, tfversion.Request) (tfinstall.Binary, error)) (deploy.Binary, error) {
	r, err := t.request(req)
	if err != nil {
		return deploy.Binary{}, err
	}
	in, err := t.installer()
	if err != nil {
		return deploy.Binary{}, err
	}
	b, err := do(in, ctx, r)
	if err != nil {
		return deploy.Binary{}, classify(err)
	}
	return binaryOf(b), nil
}

// request says what a stack asks for, once per distinct request.
func (t *toolchain) request(req deploy.BinaryRequest) (tfversion.Request, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	r, ok := t.asked[req]
	if !ok {
		r.req, r.err = t.resolveRequest(req)
		t.asked[req] = r
	}
	return r.req, r.err
}

// resolveRequest says what a stack asks for (tfversion.Resolve), reading
// the repository's files through the repository root: a symbolic link
// cannot lead outside it. Without a configuration (Root empty) it asks for
// the binary on PATH.
func (t *toolchain) resolveRequest(req deploy.BinaryRequest) (tfversion.Request, error) {
	product := tfversion.DefaultProduct(t.lookPath)
	if req.Root == "" {
		return tfversion.Request{Product: product, Source: tfversion.Source{Origin: tfversion.FromPath}}, nil
	}
	repo := repositoryRoot(req.Root)
	root, err := os.OpenRoot(repo)
	if err != nil {
		return tfversion.Request{}, fmt.Errorf("open the repository %s: %w", repo, err)
	}
	defer root.Close()
	cfgFile := relativeTo(repo, filepath.Join(req.Root, req.ConfigFile))
	r, err := tfversion.Resolve(root.FS(), tfversion.Input{
		Dir:            relativeTo(repo, filepath.Join(req.Root, filepath.FromSlash(req.Dir))),
		Version:        req.Version,
		VersionAt:      tfversion.Source{File: cfgFile, Line: req.VersionLine},
		Binary:         req.Configured,
		BinaryAt:       tfversion.Source{File: cfgFile, Line: req.ConfiguredLine},
		DefaultProduct: product,
	})
	if err != nil {
		return tfversion.Request{}, &deploy.RequestError{Err: err}
	}
	return r, nil
}

// repositoryRoot returns the closest directory from dir up that holds .git
// (a directory, or a file in a worktree), else dir.
func repositoryRoot(dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}

// relativeTo returns path relative to base, slash-separated.
func relativeTo(base, path string) string {
	rel, err := filepath.Rel(base, path)
	if err != nil {
		return filepath.ToSlash(path)
	}
	return filepath.ToSlash(rel)
}

// classify marks the errors that mean the request cannot be had as
// written (bad input, exit 3): a version that is not published, or a
// platform no release is made for.
func classify(err error) error {
	var (
		np *tfinstall.NotPublishedError
		up *tfinstall.UnsupportedPlatformError
	)
	if errors.As(err, &np) || errors.As(err, &up) {
		return &deploy.RequestError{Err: err}
	}
	return err
}

// maxChoice bounds the description of a choice: a root module's
// constraints and their places come from the repository.
const maxChoice = 300

// binaryOf converts an installed or selected binary for the flows.
func binaryOf(b tfinstall.Binary) deploy.Binary {
	v := b.Version
	if v == "" {
		v = "(version unknown)"
	}
	choice := b.Summary()
	if r := []rune(choice); len(r) > maxChoice {
		choice = string(r[:maxChoice-1]) + "…"
	}
	return deploy.Binary{
		Path:     b.Path,
		Version:  strings.TrimSpace(b.Request.Product.Name() + " " + v),
		Choice:   choice,
		Location: b.Location.String(),
	}
}
