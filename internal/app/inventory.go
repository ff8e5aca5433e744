package app

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/deploy"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/termtext"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

const inventoryUsage = `Usage: tierdeploy inventory <get|put|diff|history> --environment E [flags]

  get      print the environment's inventory (--version N for an older one)
  put      store a document read from --file (validated; takes the lease)
  diff     compare two versions (--from N --to M), or the stored inventory with
           the infrastructure's current Terraform outputs (--outputs)
  history  list the stored versions with their labels, commits and dates

Secret values are masked unless --show-secrets is given.
Run "tierdeploy inventory <subcommand> -h" for the flags of each.
`

// inventoryUsages are the usage lines of the subcommands.
var inventoryUsages = map[string]string{
	"get":     "inventory get --environment E [--version N] [--show-secrets] [--format text|json]",
	"put":     "inventory put --environment E --file DOC.json",
	"diff":    "inventory diff --environment E [--from N] [--to M] [--outputs] [--show-secrets] [--format text|json]",
	"history": "inventory history --environment E [--format text|json]",
}

func runInventory(ctx context.Context, a *invocation) error {
	if len(a.args) == 0 || strings.HasPrefix(a.args[0], "-") {
		if len(a.args) > 0 && (a.args[0] == "-h" || a.args[0] == "--help") {
			fmt.Fprint(a.deps.Stdout, inventoryUsage)
			return errHelp
		}
		fmt.Fprint(a.deps.Stderr, inventoryUsage)
		return usagef("inventory: name a subcommand: get, put, diff or history")
	}
	verb := a.args[0]
	a.args = a.args[1:]
	a.name = "inventory " + verb
	fs := flag.NewFlagSet(a.name, flag.ContinueOnError)
	env := fs.String("environment", "", "the `environment` (required when more than one is configured)")
	show, format := new(bool), new(string)
	*format = "text"
	if verb == "get" || verb == "diff" {
		fs.BoolVar(show, "show-secrets", false, "show sensitive values in clear")
	}
	if verb != "put" {
		fs.StringVar(format, "format", "text", "output `format`: text or json")
	}
	var run func(context.Context, *config.Config, InventoryStore, string, inventory.RenderOptions, string) error
	switch verb {
	case "get":
		version := fs.Int64("version", 0, "show this `version` instead of the current one")
		run = func(ctx context.Context, cfg *config.Config, st InventoryStore, e string, ro inventory.RenderOptions, f string) error {
			return a.inventoryGet(ctx, st, e, *version, ro, f)
		}
	case "put":
		file := fs.String("file", "", "the document to store (`path`; - for standard input)")
		run = func(ctx context.Context, cfg *config.Config, st InventoryStore, e string, _ inventory.RenderOptions, _ string) error {
			return a.inventoryPut(ctx, cfg, st, e, *file)
		}
	case "diff":
		from := fs.Int64("from", 0, "compare from this `version` (default: the one before --to)")
		to := fs.Int64("to", 0, "compare to this `version` (default: the current one)")
		outputs := fs.Bool("outputs", false, "compare the stored inventory with the infrastructure's current Terraform outputs")
		run = func(ctx context.Context, cfg *config.Config, st InventoryStore, e string, ro inventory.RenderOptions, f string) error {
			if *outputs {
				return a.inventoryDiffOutputs(ctx, cfg, st, e, ro, f)
			}
			return a.inventoryDiff(ctx, st, e, *from, *to, ro, f)
		}
	case "history":
		run = func(ctx context.Context, cfg *config.Config, st InventoryStore, e string, _ inventory.RenderOptions, f string) error {
			return a.inventoryHistory(ctx, st, e, f)
		}
	default:
		return usagef("inventory: unknown subcommand %q (get, put, diff or history)", verb)
	}
	if err := a.parse(fs, inventoryUsages[verb]); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usagef("--format must be text or json, not %q", *format)
	}
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	e, err := chooseEnvironment(cfg, *env)
	if err != nil {
		return err
	}
	if a.deps.NewStore == nil {
		return errors.New("no inventory store configured")
	}
	st, err := a.deps.NewStore(ctx, cfg)
	if err != nil {
		return err
	}
	return run(ctx, cfg, st, e, inventory.RenderOptions{ShowSecrets: *show}, *format)
}

// chooseEnvironment returns the --environment value, checked, or the only
// environment.
func chooseEnvironment(cfg *config.Config, env string) (string, error) {
	if env == "" {
		if len(cfg.Environments) == 1 {
			return cfg.Environments[0].Name, nil
		}
		return "", usagef("--environment is required: configured environments are %s", strings.Join(cfg.EnvironmentNames(), ", "))
	}
	if cfg.Environment(env) == nil {
		return "", &tier.UnknownError{What: "environment", Name: env, Known: cfg.EnvironmentNames()}
	}
	return env, nil
}

func (a *invocation) inventoryGet(ctx context.Context, st InventoryStore, env string, version int64, ro inventory.RenderOptions, format string) error {
	var doc *inventory.Document
	var v inventory.Version
	var err error
	if version > 0 {
		doc, v, err = st.GetVersion(ctx, env, version)
	} else {
		doc, v, err = st.Get(ctx, env)
	}
	if errors.Is(err, inventory.ErrNotFound) {
		return fmt.Errorf("no inventory is published for %s yet: apply the tier that publishes it", env)
	}
	if err != nil {
		return err
	}
	if !ro.ShowSecrets {
		doc = inventory.Mask(doc)
	}
	if format == "json" {
		b, err := doc.MarshalIndent()
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(a.deps.Stdout, "%s\n", termtext.JSON(bytes.TrimSuffix(b, []byte("\n"))))
		return err
	}
	fmt.Fprintf(a.deps.Stdout, "# inventory of %s, version %d (commit %s)\n", env, v.Number, termtext.Line(orNone(doc.Commit)))
	_, err = fmt.Fprint(a.deps.Stdout, doc.Text(ro))
	return err
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// inventoryPut stores the document in file. A file in the repository that
// leads outside it through a symbolic link is refused (repofs.ErrEscape),
// unread: a workflow names a document of the repository, and a change must
// not turn it into a file of the runner; a path outside the repository is
// read as named.
func (a *invocation) inventoryPut(ctx context.Context, cfg *config.Config, st InventoryStore, env, file string) error {
	if file == "" {
		return usagef("inventory put: --file is required")
	}
	var data []byte
	var err error
	if file == "-" {
		data, err = readAll(a.deps.Stdin)
	} else {
		dir, derr := a.workDir()
		if derr != nil {
			return derr
		}
		if !filepath.IsAbs(file) {
			file = filepath.Join(dir, file)
		}
		if err := containedFile(file, cfg.Root, repositoryTop(cfg.Root)); err != nil {
			return fmt.Errorf("read the document: %w", err)
		}
		data, err = os.ReadFile(file)
	}
	if err != nil {
		return fmt.Errorf("read the document: %w", err)
	}
	doc, err := inventory.Parse(data)
	if err != nil {
		return err
	}
	if doc.Environment != env {
		return fmt.Errorf("the document is for environment %q, not %q: %w", doc.Environment, env, inventory.ErrInvalid)
	}
	claim, err := st.Acquire(ctx, env, holder(a.deps.Getenv), leaseTTL)
	if err != nil {
		return err
	}
	defer claim.Release(context.WithoutCancel(ctx))
	res, err := st.Put(ctx, claim, doc)
	if err != nil {
		return err
	}
	if !res.Written {
		fmt.Fprintf(a.deps.Stdout, "inventory of %s unchanged (version %d)\n", env, res.Version.Number)
		return nil
	}
	fmt.Fprintf(a.deps.Stdout, "inventory of %s stored as version %d\n", env, res.Version.Number)
	return nil
}

func (a *invocation) inventoryDiff(ctx context.Context, st InventoryStore, env string, from, to int64, ro inventory.RenderOptions, format string) error {
	var newDoc *inventory.Document
	var newV inventory.Version
	var err error
	if to > 0 {
		newDoc, newV, err = st.GetVersion(ctx, env, to)
	} else {
		newDoc, newV, err = st.Get(ctx, env)
	}
	if err != nil {
		return err
	}
	if from == 0 {
		from = newV.Number - 1
	}
	var oldDoc *inventory.Document
	if from > 0 {
		if oldDoc, _, err = st.GetVersion(ctx, env, from); err != nil {
			return err
		}
	}
	return a.printChange(inventory.Diff(oldDoc, newDoc), fmt.Sprintf("version %d -> %d", from, newV.Number), ro, format)
}

// inventoryDiffOutputs compares the stored inventory with what the
// publishing tier's current Terraform outputs would publish.
func (a *invocation) inventoryDiffOutputs(ctx context.Context, cfg *config.Config, st InventoryStore, env string, ro inventory.RenderOptions, format string) error {
	current, _, err := st.Get(ctx, env)
	if err != nil && !errors.Is(err, inventory.ErrNotFound) {
		return err
	}
	fresh, err := a.currentOutputsDocument(ctx, cfg, env)
	if err != nil {
		return err
	}
	return a.printChange(inventory.Diff(current, fresh), "stored -> current outputs", ro, format)
}

// currentOutputsDocument builds the inventory the publishing tier's current
// outputs (from its state) would publish.
func (a *invocation) currentOutputsDocument(ctx context.Context, cfg *config.Config, env string) (*inventory.Document, error) {
	pub := cfg.Publisher()
	if pub == nil {
		return nil, usagef("no tier publishes the inventory (publishes_inventory: true)")
	}
	if _, err := a.stageSession(ctx); err != nil {
		return nil, err
	}
	work, err := newWorkDir()
	if err != nil {
		return nil, err
	}
	defer work.remove()
	flow, err := a.flowDeps(cfg, nil)
	if err != nil {
		return nil, err
	}
	return deploy.CurrentInventory(ctx, flow, env, work.dir, a.pluginCache(work))
}

func (a *invocation) printChange(c inventory.Change, what string, ro inventory.RenderOptions, format string) error {
	if format == "json" {
		b, err := c.JSON(ro)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(a.deps.Stdout, "%s\n", termtext.JSON(b))
		return err
	}
	if c.Empty() {
		_, err := fmt.Fprintf(a.deps.Stdout, "no difference (%s)\n", what)
		return err
	}
	fmt.Fprintf(a.deps.Stdout, "# %s: %s\n", what, c.Summary())
	_, err := fmt.Fprint(a.deps.Stdout, c.Text(ro))
	return err
}

func (a *invocation) inventoryHistory(ctx context.Context, st InventoryStore, env, format string) error {
	versions, err := st.History(ctx, env)
	if err != nil {
		return err
	}
	if format == "json" {
		return writeJSON(a.deps.Stdout, versions)
	}
	tw := tabwriter.NewWriter(a.deps.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tDATE\tCOMMIT\tLABELS\tBY")
	for _, v := range versions {
		date := ""
		if !v.Modified.IsZero() {
			date = v.Modified.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", v.Number, date,
			termtext.Line(orNone(v.Commit)), termtext.Line(strings.Join(v.Labels, ",")), termtext.Line(v.ModifiedBy))
	}
	return tw.Flush()
}
