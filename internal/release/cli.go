package release

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Exit codes of the command line, as tierdeploy's own.
const (
	ExitOK     = 0
	ExitFailed = 1
	ExitInput  = 3
)

const usage = `Usage:
  release env [--component FILE] [--action FILE] TAG [RELEASED_TAG...]
      Print, as NAME=value lines for a dotenv report or GITHUB_OUTPUT, the
      release of TAG (v1.2.3): RELEASE_TAG, RELEASE_VERSION (1.2.3) and
      RELEASE_ALIASES, the floating tags that move to it given the tags
      released so far (only forward: "1.2 1 latest" for the newest release,
      "1.1" for a backport). --component checks that the component's default
      image is this release's; --action that action.yml is in its
      development form.
  release pin-action --image IMAGE --digest sha256:... FILE
      Set runs.image of the action metadata FILE to docker://IMAGE@DIGEST,
      changing nothing else.
  release prepare VERSION [FILE]
      Set the default image-version of the component FILE (default
      templates/tierdeploy.yml) to VERSION, before tagging vVERSION.
`

// usageError is a bad command line.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func (e *usageError) Unwrap() error { return ErrInput }

// Main runs the release command line and returns its exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	err := run(args, stdout)
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, usage)
		return ExitOK
	}
	fmt.Fprintf(stderr, "release: %v\n", err)
	var u *usageError
	if errors.As(err, &u) {
		fmt.Fprint(stderr, usage)
	}
	if errors.Is(err, ErrInput) {
		return ExitInput
	}
	return ExitFailed
}

func run(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return &usageError{msg: "no command"}
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	switch args[0] {
	case "env":
		component := fs.String("component", "", "the component file to check")
		action := fs.String("action", "", "the action metadata file to check")
		if err := parse(fs, args[1:], 1, -1); err != nil {
			return err
		}
		return env(stdout, *component, *action, fs.Arg(0), fs.Args()[1:])
	case "pin-action":
		image := fs.String("image", "", "the image repository")
		digest := fs.String("digest", "", "the image digest")
		if err := parse(fs, args[1:], 1, 1); err != nil {
			return err
		}
		return editFile(fs.Arg(0), func(src []byte) ([]byte, error) {
			return PinAction(fs.Arg(0), src, *image, *digest)
		})
	case "prepare":
		if err := parse(fs, args[1:], 1, 2); err != nil {
			return err
		}
		v, err := ParseVersion(fs.Arg(0))
		if err != nil {
			return err
		}
		file := "templates/tierdeploy.yml"
		if fs.NArg() == 2 {
			file = fs.Arg(1)
		}
		return editFile(file, func(src []byte) ([]byte, error) {
			return SetComponentVersion(file, src, v)
		})
	case "help", "-h", "--help":
		return flag.ErrHelp
	}
	return &usageError{msg: fmt.Sprintf("unknown command %q", args[0])}
}

// parse parses the flags and checks the number of arguments (max -1: any).
func parse(fs *flag.FlagSet, args []string, minArgs, maxArgs int) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &usageError{msg: fmt.Sprintf("%s: %v", fs.Name(), err)}
	}
	if fs.NArg() < minArgs || (maxArgs >= 0 && fs.NArg() > maxArgs) {
		return &usageError{msg: fmt.Sprintf("%s: wrong number of arguments", fs.Name())}
	}
	return nil
}

func env(stdout io.Writer, component, action, tag string, released []string) error {
	v, err := ParseTag(tag)
	if err != nil {
		return err
	}
	if component != "" {
		src, err := os.ReadFile(component)
		if err != nil {
			return fmt.Errorf("read the component: %w", err)
		}
		if err := CheckComponentVersion(component, src, v); err != nil {
			return err
		}
	}
	if action != "" {
		src, err := os.ReadFile(action)
		if err != nil {
			return fmt.Errorf("read the action metadata: %w", err)
		}
		if err := CheckDevelopmentAction(action, src); err != nil {
			return err
		}
	}
	aliases := Aliases(v, ReleaseVersions(released))
	_, err = fmt.Fprintf(stdout, "RELEASE_TAG=%s\nRELEASE_VERSION=%s\nRELEASE_ALIASES=%s\n", v.Tag(), v, strings.Join(aliases, " "))
	return err
}

// editFile replaces file with edit's result, atomically and with its mode
// kept; an edit that changes nothing leaves the file alone.
func editFile(file string, edit func([]byte) ([]byte, error)) error {
	src, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	out, err := edit(src)
	if err != nil {
		return err
	}
	if string(out) == string(src) {
		return nil
	}
	info, err := os.Stat(file)
	if err != nil {
		return fmt.Errorf("write %s: %w", file, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", file, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(out); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", file, err)
	}
	if err := tmp.Chmod(info.Mode().Perm()); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", file, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", file, err)
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		return fmt.Errorf("write %s: %w", file, err)
	}
	return nil
}
