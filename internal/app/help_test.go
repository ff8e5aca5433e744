package app

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// globalFlags are the flags every command accepts; a command's usage line
// leaves them out.
var globalFlags = []string{"config", "chdir", "platform", "log-format", "verbose", "tool-mirror", "offline"}

// helpFlag is one flag of a command's -h output.
type helpFlag struct{ name, text string }

// helpFlags reads the flags of a command's -h output, as flag.PrintDefaults
// prints them: "  -name arg" then the description indented by a tab.
func helpFlags(t *testing.T, out string) []helpFlag {
	t.Helper()
	var flags []helpFlag
	head := regexp.MustCompile(`^  -([a-z-]+)(?: [A-Za-z]+)?(?:\t(.*))?$`)
	for line := range strings.Lines(out) {
		line = strings.TrimRight(line, "\n")
		if m := head.FindStringSubmatch(line); m != nil {
			flags = append(flags, helpFlag{name: m[1], text: m[2]})
			continue
		}
		if strings.HasPrefix(line, "    \t") && len(flags) > 0 {
			flags[len(flags)-1].text += strings.TrimPrefix(line, "    \t")
		}
	}
	return flags
}

// TestEveryCommandExplainsItsFlags: `tierdeploy help` lists every command,
// and each command's -h names every flag of its own in the usage line and
// describes every flag, with a default that does not depend on the machine.
func TestEveryCommandExplainsItsFlags(t *testing.T) {
	code, out, _ := runCLI(t, "help")
	require.Equal(t, ExitOK, code)
	for _, c := range commands() {
		require.Regexp(t, `(?m)^  `+regexp.QuoteMeta(c.name)+` +\S`, out, "tierdeploy help does not list %s", c.name)
	}
	for _, g := range globalFlags {
		require.Contains(t, out, "--"+g+" ", "tierdeploy help does not list the global flag --%s", g)
	}
	require.Contains(t, out, "3 bad input or a refused setup")

	var invocations [][]string
	for _, c := range commands() {
		switch c.name {
		case "inventory":
			for verb := range inventoryUsages {
				invocations = append(invocations, []string{"inventory", verb})
			}
		case "tools":
			invocations = append(invocations, []string{"tools", "install"})
		default:
			invocations = append(invocations, []string{c.name})
		}
	}
	for _, args := range invocations {
		name := strings.Join(args, " ")
		t.Run(name, func(t *testing.T) {
			code, out, stderr := runCLI(t, append(args, "-h")...)
			require.Equal(t, ExitOK, code, stderr)
			usage, _, _ := strings.Cut(out, "\n")
			require.True(t, strings.HasPrefix(usage, "Usage: tierdeploy "+name), usage)
			flags := helpFlags(t, out)
			var names []string
			for _, f := range flags {
				names = append(names, f.name)
				require.NotEmpty(t, strings.TrimSpace(f.text), "--%s has no description", f.name)
				require.NotContains(t, f.text, ") (default", "--%s states its default twice", f.name)
				require.NotRegexp(t, `\(default \d+\)`, f.text, "--%s shows this machine's default", f.name)
				if !slices.Contains(globalFlags, f.name) && f.name != "v" {
					require.Contains(t, usage, "--"+f.name, "the usage line of %s leaves out --%s", name, f.name)
				}
			}
			for _, g := range globalFlags {
				require.Contains(t, names, g, "%s -h does not list the global flag --%s", name, g)
			}
		})
	}
}

// TestHelpOfCommandsWithSubcommands: inventory and tools list their
// subcommands on -h (exit 0) and when none is named (exit 3).
func TestHelpOfCommandsWithSubcommands(t *testing.T) {
	for _, name := range []string{"inventory", "tools"} {
		t.Run(name, func(t *testing.T) {
			code, out, _ := runCLI(t, name, "-h")
			require.Equal(t, ExitOK, code)
			require.Contains(t, out, "Usage: tierdeploy "+name)
			require.Contains(t, out, `"tierdeploy `+name+` `)

			code, _, stderr := runCLI(t, name)
			require.Equal(t, ExitInput, code)
			require.Contains(t, stderr, "Usage: tierdeploy "+name)
		})
	}
}
