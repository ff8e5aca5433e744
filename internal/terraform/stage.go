package terraform

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/redact"
)

// Options configure a Stage: one Terraform root module of one stack.
type Options struct {
	// Binary is the absolute path of tofu or terraform.
	Binary string
	// Log receives the stage's progress: each command started and finished
	// with its duration, and each line or message Terraform prints, with
	// the attributes stack and dir. Nil discards it.
	Log *slog.Logger
	// Env is the environment of every command, as KEY=VALUE; nil means this
	// process's environment. It passes through unchanged (TF_VAR_*,
	// TF_CLI_CONFIG_FILE, cloud credentials) except for the variables the
	// stage sets: TF_IN_AUTOMATION=1, TF_INPUT=0, CHECKPOINT_DISABLE=1 when
	// unset, TF_PLUGIN_CACHE_DIR when PluginCacheDir is set, TF_DATA_DIR
	// (see Stage) and no TF_WORKSPACE when Workspace is set; the CI
	// platform's tokens (childenv.PlatformTokens) are always left out.
	Env []string
	// PluginCacheDir, when set, is the provider plugin cache shared by every
	// stage of the run (TF_PLUGIN_CACHE_DIR); it is created if missing.
	PluginCacheDir string
	// GracePeriod is how long a command may run on after the context ended
	// and it got SIGINT, before it is killed; zero means
	// DefaultGracePeriod.
	GracePeriod time.Duration

	// Stack is stamped on every Result.
	Stack plan.Stack
	// Name is the stage's name in results and logs, such as the configured
	// directory; empty means Dir's base name.
	Name string
	// Dir is the absolute path of the root module.
	Dir string
	// WorkDir is where plan files, their JSON and the stage's data
	// directory go: a per-run directory outside the repository, created if
	// missing. Stages of different stacks may share it: names start with
	// the stack, and a stage of the same stack later in the run (to apply)
	// finds the plan file and data directory of the earlier one. Plan files
	// and their JSON hold sensitive values in clear text, so it should not
	// be published as a whole.
	WorkDir string
	// VarFiles are passed to plan as -var-file, relative to Dir or absolute.
	VarFiles []string
	// Workspace, when set, is selected after init; it must exist.
	Workspace string
	// BackendConfig items are passed to init as -backend-config: key=value
	// pairs or files.
	BackendConfig []string
	// LockTimeout is how long plan and apply wait for the state lock
	// (-lock-timeout); zero fails at once when it is held.
	LockTimeout time.Duration

	// Secrets are values to treat as sensitive besides those Terraform
	// marks: the sensitive leaves of the inventory the stage receives
	// (inventory.SensitiveLeaves), which Terraform does not mark, since
	// the variable that carries them is of type any. They are masked in
	// the log from the start, in the plan text, and in the fingerprint, and
	// returned in every Result's Secrets, so that every other output masks
	// them too.
	Secrets []string
	// FingerprintKey, when set, keys the tokens that stand for sensitive
	// values in the fingerprint (see fingerprint.go and
	// redact.Digester); it must be at least redact.MinKeyLen bytes.
	// Without it a sensitive value contributes only its presence.
	FingerprintKey []byte

	// runner replaces the binary in tests.
	runner runner
}

// Stage runs Terraform in one root module for one stack. Its methods run
// one at a time; different stages run in parallel, also in one directory.
//
// Each stage has its own data directory (TF_DATA_DIR) in WorkDir, where
// init installs modules and providers and records the backend
// configuration and the selected workspace. So stages that share a
// directory (one configuration deployed to several environments, through
// workspaces or backend configurations) do not disturb each other, and a
// run leaves the .terraform/ directory of the checkout, with the workspace
// and backend its user selected, as it was. Init still writes the
// dependency lock file .terraform.lock.hcl into the directory when it is
// missing or out of date, as any init does.
type Stage struct {
	opts  Options
	name  string
	run   runner
	log   *slog.Logger
	env   []string
	cache string

	// fp turns plans into fingerprint lines without revealing secrets.
	fp fingerprinter

	// mu makes the stage's methods run one at a time.
	mu sync.Mutex
	// initialized is set once init and workspace select succeeded.
	initialized bool
	// planFile is the plan file the last successful Plan wrote.
	planFile string
}

// New returns a Stage for opts. It checks the options and creates WorkDir
// and PluginCacheDir; it runs nothing.
func New(opts Options) (*Stage, error) {
	switch {
	case opts.Binary == "" && opts.runner == nil:
		return nil, errors.New("terraform stage: no binary")
	case !filepath.IsAbs(opts.Dir):
		return nil, fmt.Errorf("terraform stage: directory %q is not absolute", opts.Dir)
	case opts.WorkDir == "":
		return nil, errors.New("terraform stage: no work directory for plan files")
	}
	if fi, err := os.Stat(opts.Dir); err != nil {
		return nil, fmt.Errorf("terraform stage: %w", err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("terraform stage: %s is not a directory", opts.Dir)
	}
	if err := os.MkdirAll(opts.WorkDir, 0o700); err != nil {
		return nil, fmt.Errorf("terraform stage: create work directory: %w", err)
	}
	if opts.PluginCacheDir != "" {
		if err := os.MkdirAll(opts.PluginCacheDir, 0o755); err != nil {
			return nil, fmt.Errorf("terraform stage: create plugin cache directory: %w", err)
		}
	}
	digest, err := redact.NewDigester(opts.FingerprintKey)
	if err != nil {
		return nil, fmt.Errorf("terraform stage: %w", err)
	}
	s := &Stage{opts: opts, name: opts.Name, run: opts.runner}
	s.fp = fingerprinter{digest: digest, seal: digest.Sealer(opts.Secrets...)}
	if s.name == "" {
		s.name = filepath.Base(opts.Dir)
	}
	if s.run == nil {
		grace := opts.GracePeriod
		if grace <= 0 {
			grace = DefaultGracePeriod
		}
		s.run = execRunner{binary: opts.Binary, grace: grace}
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// Terraform prints what it is given (a diagnostic quotes a value, a
	// resource's ID may be one): the inventory's secrets never reach the
	// log. The values Terraform marks are known only once a plan is read;
	// the caller masks them with the Result's Secrets.
	log = slog.New(redact.NewHandler(log.Handler(), redact.New(opts.Secrets...)))
	s.log = log.With("stack", opts.Stack.String(), "dir", s.name)
	s.env = buildEnv(opts.Env, opts.PluginCacheDir, opts.Workspace != "")
	s.env = append(s.env, envDataDir+"="+filepath.Join(opts.WorkDir, s.fileBase()+".terraform"))
	s.cache = lookupEnv(s.env, envPluginCache)
	return s, nil
}

// String names the stage in logs.
func (s *Stage) String() string { return "running terraform in " + s.name }

// PlanFile returns the plan file written by the last successful Plan that
// was not refresh-only, or "" when there is none. Apply takes it.
func (s *Stage) PlanFile() string { return s.planFile }

// ready initializes the stage's data directory and selects the workspace,
// once per Stage. Inits of one configuration directory or one plugin cache
// run one at a time across the process.
func (s *Stage) ready(ctx context.Context) error {
	if s.initialized {
		return nil
	}
	for _, sl := range s.initSlots() {
		if err := sl.acquire(ctx); err != nil {
			return fmt.Errorf("init: wait for another init: %w", err)
		}
		defer sl.release()
	}
	if err := s.command(ctx, "init", initArgs(s.opts.BackendConfig), nil); err != nil {
		return err
	}
	if ws := s.opts.Workspace; ws != "" {
		if err := s.command(ctx, "workspace select", workspaceSelectArgs(ws), nil); err != nil {
			return err
		}
	}
	s.initialized = true
	return nil
}

// initSlots returns the locks an init takes, always in the same order.
func (s *Stage) initSlots() []slot {
	sl := []slot{shared.get("dir", s.opts.Dir)}
	if s.cache != "" {
		sl = append(sl, shared.get("cache", s.cache))
	}
	return sl
}

// command runs one command and turns any exit status but 0 into an error.
// The standard output goes to stdout when it is set (it is not logged:
// show -json and output -json print sensitive values), else to the log.
func (s *Stage) command(ctx context.Context, name string, args []string, stdout io.Writer) error {
	code, out, err := s.exec(ctx, name, args, stdout, false)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if code != 0 {
		return fmt.Errorf("%s: %w", name, out.failure(name, code, s.opts.LockTimeout))
	}
	return nil
}

// exec runs one command in the stage's directory and logs its output: each
// line, or with jsonUI each message of Terraform's -json UI. It returns the
// exit status and what the command said; err is set when the command could
// not run or was interrupted.
func (s *Stage) exec(ctx context.Context, name string, args []string, stdout io.Writer, jsonUI bool) (int, *output, error) {
	log := s.log.With("cmd", name)
	out := newOutput(ctx, log)
	errs := &lineWriter{fn: out.errText}
	lines := out.text
	if jsonUI {
		lines = out.jsonUI
	}
	var lw *lineWriter
	if stdout == nil {
		lw = &lineWriter{fn: lines}
		stdout = lw
	}
	start := time.Now()
	log.DebugContext(ctx, "terraform "+name+" started", "args", loggable(args))
	code, err := s.run.run(ctx, invocation{dir: s.opts.Dir, env: s.env, args: args, stdout: stdout, stderr: errs})
	errs.Close()
	if lw != nil {
		lw.Close()
	}
	took := time.Since(start).Round(time.Millisecond)
	if err != nil {
		log.WarnContext(ctx, "terraform "+name+" stopped", "duration", took, "error", err)
		return code, out, err
	}
	log.InfoContext(ctx, "terraform "+name+" finished", "duration", took, "exit", code)
	return code, out, nil
}

// fileBase is the start of the names of the stage's files in WorkDir.
func (s *Stage) fileBase() string {
	base := s.opts.Stack.Tier + "-" + s.opts.Stack.Environment
	if s.opts.Stack == (plan.Stack{}) {
		base = s.name
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '.':
			return r
		}
		return '_'
	}, base)
}

// loggable returns args for the log, with the values of key=value backend
// settings hidden: they may be credentials.
func loggable(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if v, ok := strings.CutPrefix(a, "-backend-config="); ok {
			if k, _, isPair := strings.Cut(v, "="); isPair {
				a = "-backend-config=" + k + "=***"
			}
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}
