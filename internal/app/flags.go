package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"strconv"
	"strings"
)

// globals are the flags every command accepts, before or after its name.
type globals struct {
	config    string
	chdir     string
	platform  string
	logFormat string
	verbose   bool
	// toolMirror and offline say where Terraform and OpenTofu releases come
	// from; each wins over its environment variable and the configuration.
	toolMirror string
	offline    optionalBool
}

// register adds the global flags to fs. The defaults shown in help are the
// built-in ones, never the values given before the command name: those are
// kept, but a mirror URL may carry credentials, and help goes to the log.
func (g *globals) register(fs *flag.FlagSet) {
	given := *g
	defer func() { *g = given }()
	*g = globals{platform: "auto", logFormat: "text"}
	fs.StringVar(&g.config, "config", g.config, "configuration `file` (default: tierdeploy.yaml in the working directory or the closest parent up to the repository root)")
	fs.StringVar(&g.chdir, "chdir", g.chdir, "run in `dir` first")
	fs.StringVar(&g.platform, "platform", g.platform, "`platform`: auto (github when GITHUB_ACTIONS=true, gitlab when GITLAB_CI=true, else local), local, github or gitlab")
	fs.StringVar(&g.logFormat, "log-format", g.logFormat, "log `format`: text or json")
	fs.BoolVar(&g.verbose, "verbose", g.verbose, "show every stack's tool output on a terminal")
	fs.StringVar(&g.toolMirror, "tool-mirror", g.toolMirror, "install Terraform and OpenTofu releases from the mirror at `URL` (empty: TIERDEPLOY_TOOL_MIRROR, else terraform.mirror)")
	fs.Var(&g.offline, "offline", "install nothing: Terraform and OpenTofu come from the tool cache or PATH (default: TIERDEPLOY_OFFLINE, else terraform.offline)")
}

func (g *globals) check() error {
	switch g.platform {
	case "auto", "local", "github", "gitlab":
	default:
		return usagef("--platform must be auto, local, github or gitlab, not %q", g.platform)
	}
	switch g.logFormat {
	case "text", "json":
	default:
		return usagef("--log-format must be text or json, not %q", g.logFormat)
	}
	return nil
}

// parseGlobals parses the global flags before the command name.
func parseGlobals(args []string, stderr io.Writer) (*globals, []string, error) {
	g := &globals{platform: "auto", logFormat: "text"}
	fs := flag.NewFlagSet("tierdeploy", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	g.register(fs)
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			printUsage(stderr)
			return nil, nil, errHelp
		}
		return nil, nil, usagef("%v", err)
	}
	return g, fs.Args(), g.check()
}

// invocation is one run of a command.
type invocation struct {
	deps    Deps
	globals *globals
	name    string
	args    []string
	log     *slog.Logger
	// sess is the platform session, once the command asked for it.
	sess *session
	// kubeContext is --kube-context (plan, apply, drift).
	kubeContext string
}

// parse parses the command's flags (and the global ones again, so they may
// follow the command name). Positional arguments are refused.
func (a *invocation) parse(fs *flag.FlagSet, usage string) error {
	a.globals.register(fs)
	fs.SetOutput(io.Discard)
	if err := fs.Parse(a.args); err != nil {
		if err == flag.ErrHelp {
			fmt.Fprintf(a.deps.Stdout, "Usage: tierdeploy %s\n\nFlags:\n", usage)
			fs.SetOutput(a.deps.Stdout)
			fs.PrintDefaults()
			return errHelp
		}
		return usagef("%s: %v (see tierdeploy %s -h)", a.name, err, a.name)
	}
	if fs.NArg() > 0 {
		return usagef("%s: unexpected argument %q (see tierdeploy %s -h)", a.name, fs.Arg(0), a.name)
	}
	a.log = newLogger(a.deps.Stderr, a.globals.logFormat)
	if err := a.checkKubeContext(); err != nil {
		return err
	}
	return a.globals.check()
}

// optionalBool is a boolean flag that knows whether it was given, so that
// --offline=false overrides the environment and the configuration.
type optionalBool struct {
	set, value bool
}

func (b *optionalBool) String() string {
	if b == nil || !b.set {
		return ""
	}
	return strconv.FormatBool(b.value)
}

func (b *optionalBool) Set(v string) error {
	x, err := strconv.ParseBool(v)
	if err != nil {
		return errors.New("must be true or false")
	}
	b.set, b.value = true, x
	return nil
}

// IsBoolFlag lets --offline stand alone.
func (b *optionalBool) IsBoolFlag() bool { return true }

// listFlag collects a repeatable flag; commas also separate values.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

// countFlag is a positive whole number flag whose empty value keeps the
// default (an action input left empty passes --parallelism=).
type countFlag struct{ n *int }

func (c countFlag) String() string {
	if c.n == nil {
		return ""
	}
	return strconv.Itoa(*c.n)
}

func (c countFlag) Set(v string) error {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return fmt.Errorf("must be a whole number of at least 1, not %q", v)
	}
	*c.n = n
	return nil
}

// registerParallelism adds --parallelism, defaulting to the number of CPUs.
// Its default is described in words: the flag package would add this
// machine's count, which is not the default on another.
func registerParallelism(fs *flag.FlagSet, n *int, usage string) {
	*n = runtime.NumCPU()
	fs.Var(countFlag{n}, "parallelism", usage+" (default: the number of CPUs)")
	fs.Lookup("parallelism").DefValue = ""
}
