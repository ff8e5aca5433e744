package inventory

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"
)

// Output is one Terraform output, as `terraform output -json` prints it.
type Output struct {
	Sensitive bool
	// Value is the output's value as JSON.
	Value json.RawMessage
}

// BuildInput is what a document is built from.
type BuildInput struct {
	Environment string
	Tier        string
	Commit      string
	// Created is the build time; it is stored in UTC to the second.
	Created time.Time
	Outputs map[string]Output
	// IncludeSensitive names the sensitive outputs that go into the document
	// (the tier's sensitive_outputs); other sensitive outputs are left out.
	IncludeSensitive []string
}

// Build returns the document of a tier's outputs. Sensitive outputs are left
// out unless listed in IncludeSensitive; those listed go in and are recorded
// as sensitive. Listing an output that does not exist is an error, so that a
// renamed output does not silently disappear from the inventory.
func Build(in BuildInput) (*Document, error) {
	switch {
	case in.Environment == "":
		return nil, errors.New("build inventory: environment is empty")
	case in.Tier == "":
		return nil, errors.New("build inventory: tier is empty")
	case in.Created.IsZero():
		return nil, errors.New("build inventory: created time is zero")
	}
	for _, name := range in.IncludeSensitive {
		if _, ok := in.Outputs[name]; !ok {
			return nil, fmt.Errorf("build inventory: sensitive output %q is listed for the inventory but tier %s has no such output",
				name, in.Tier)
		}
	}
	d := &Document{
		Schema:      SchemaV1,
		Environment: in.Environment,
		Tier:        in.Tier,
		Commit:      in.Commit,
		Created:     in.Created.UTC().Truncate(time.Second),
		Values:      make(map[string]json.RawMessage, len(in.Outputs)),
	}
	for name, out := range in.Outputs {
		if name == "" {
			return nil, errors.New("build inventory: an output has an empty name")
		}
		if out.Sensitive {
			if !slices.Contains(in.IncludeSensitive, name) {
				continue
			}
			d.Sensitive = append(d.Sensitive, name)
		}
		v, err := canonical(out.Value)
		if err != nil {
			return nil, fmt.Errorf("build inventory: output %q is not valid JSON: %w", name, err)
		}
		d.Values[name] = v
	}
	sort.Strings(d.Sensitive)
	return d, nil
}
