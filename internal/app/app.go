package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/tierdeploy/tierdeploy/internal/console"
	"github.com/tierdeploy/tierdeploy/internal/deploy"
	"github.com/tierdeploy/tierdeploy/internal/event"
	"github.com/tierdeploy/tierdeploy/internal/termtext"
)

// Deps is what the commands need from the outside world. cmd/action fills it
// with the real process environment and adapters; tests fill it with fakes.
type Deps struct {
	Args   []string // without the program name
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// LookupEnv reads the environment variables that set values name
	// ({env.NAME}), telling an empty one from an unset one; nil means
	// Getenv, where empty counts as unset.
	LookupEnv func(string) (string, bool)
	// Git returns a git runner for the repository at dir.
	Git func(dir string) GitRunner
	// Tools finds the terraform binary and builds the stages.
	Tools deploy.Toolchain
	// NewStore opens the inventory store the configuration names.
	NewStore storeFactory
	// ReadFile reads the CI event payload; nil means os.ReadFile.
	ReadFile func(string) ([]byte, error)
	// NewRunner returns the CI runner protocol of the event's platform.
	NewRunner func(ev event.Event) CIRunner
	// NewCodeHost returns the platform's API for the event's repository.
	NewCodeHost func(ctx context.Context, ev event.Event) (CodeHost, error)
	// Terminal reports whether w is a terminal, and its width; nil means
	// never.
	Terminal func(w io.Writer) (ok bool, width int)
	// Policies runs the checks of planned stacks and the policy tests; nil
	// refuses a configuration that has policies or checks.
	Policies Policies
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, a *invocation) (result, error)
}

func commands() []command {
	return []command{
		{"validate", "check tierdeploy.yaml and compile its policies", simple(runValidate)},
		{"detect", "list the stacks a change affects, and why", simple(runDetect)},
		{"plan", "plan the affected stacks and print the report", runPlan},
		{"apply", "apply the stacks changed since their last apply, in order", runApply},
		{"drift", "look for drift in every stack and keep one issue per drifting stack", runDrift},
		{"inventory", "get, put, diff or list the versions of an environment's inventory", simple(runInventory)},
		{"tools", "install the Terraform and OpenTofu releases the stacks ask for (tools install)", simple(runTools)},
		{"test-policies", "run the policies' tests (*_test.rego), as opa test does", runTestPolicies},
		{"version", "print the version and the Terraform or OpenTofu release of each stack", simple(runVersion)},
	}
}

// Main runs the command line in deps.Args and returns the exit code.
func Main(ctx context.Context, deps Deps) int {
	deps = guardOutput(deps)
	res, err := run(ctx, deps)
	if errors.Is(err, errHelp) {
		return ExitOK
	}
	if msg := errors.Join(res.err(), err); msg != nil {
		// The message quotes file names, tool output and configuration
		// values: made safe for a terminal or a CI log viewer first.
		text := strings.TrimRight(termtext.Block(msg.Error()), "\n")
		fmt.Fprintf(deps.Stderr, "tierdeploy: %s\n", strings.ReplaceAll(text, "\n", "\ntierdeploy: "))
	}
	return exitCode(res, err)
}

// run dispatches to the command.
func run(ctx context.Context, deps Deps) (result, error) {
	args := deps.Args
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version") {
		fmt.Fprintf(deps.Stdout, "tierdeploy %s\n", Version())
		return result{}, nil
	}
	g, rest, err := parseGlobals(args, deps.Stderr)
	if err != nil {
		return result{}, err
	}
	if len(rest) == 0 {
		printUsage(deps.Stderr)
		return result{}, usagef("no command given")
	}
	name := rest[0]
	if name == "help" || name == "-h" || name == "--help" {
		printUsage(deps.Stdout)
		return result{}, nil
	}
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		a := &invocation{deps: deps, globals: g, name: name, args: rest[1:]}
		a.log = newLogger(deps.Stderr, g.logFormat)
		return c.run(ctx, a)
	}
	return result{}, usagef("unknown command %q (commands: %s)", name, commandNames())
}

// simple adapts a command that has no outcome.
func simple(fn func(ctx context.Context, a *invocation) error) func(ctx context.Context, a *invocation) (result, error) {
	return func(ctx context.Context, a *invocation) (result, error) { return result{}, fn(ctx, a) }
}

func commandNames() string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	return strings.Join(names, ", ")
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, `tierdeploy plans and applies two-tier infrastructure repositories
(Terraform/OpenTofu + Helm, joined by an inventory in SSM Parameter Store).

Usage: tierdeploy [global flags] <command> [flags]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-14s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Global flags:
  --config FILE        configuration file (default: tierdeploy.yaml in the working
                       directory or the closest parent up to the repository root)
  --chdir DIR          run in DIR first
  --platform NAME      auto, local, github or gitlab (default auto: GITHUB_ACTIONS
                       or GITLAB_CI, else local)
  --log-format FORMAT  text or json (default text)
  --verbose            show every stack's tool output on a terminal (default false)
  --tool-mirror URL    install Terraform and OpenTofu from this mirror (default:
                       TIERDEPLOY_TOOL_MIRROR, else terraform.mirror)
  --offline            install nothing: use the tool cache and PATH (default:
                       TIERDEPLOY_OFFLINE, else terraform.offline)

Run "tierdeploy <command> -h" for the flags of a command.
Exit codes: 0 success, 1 an operation failed, 2 changes or drift present,
3 bad input or a refused setup (flags, configuration, policy, version pin,
inventory document, fork code where the job holds secrets).
`)
}

// newLogger returns the log of a command before (or without) a console:
// text or JSON records made safe for a terminal as the console's are.
func newLogger(w io.Writer, format string) *slog.Logger {
	return console.NewLogger(w, format == "json", slog.LevelInfo)
}
