package ssmstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

// Options configure a Store.
type Options struct {
	// Now is the clock for lease times; nil means time.Now.
	Now func() time.Time

	// Name is the parameter name; the {environment} placeholder is replaced
	// by the environment.
	Name string
	// KMSKeyID encrypts the document; empty means the account's default key
	// for SSM (alias/aws/ssm).
	KMSKeyID string
	// LockWait is how long Acquire waits for a held lock before it returns
	// the *inventory.HeldError; zero means it does not wait.
	LockWait time.Duration
	// LockPoll is the interval between attempts while waiting; zero means 5
	// seconds.
	LockPoll time.Duration
}

// Store keeps inventories in SSM Parameter Store.
type Store struct {
	api  ssmAPI
	opts Options
}

// New returns a store that uses client.
func New(client *ssm.Client, opts Options) (*Store, error) {
	return newStore(client, opts)
}

func newStore(api ssmAPI, opts Options) (*Store, error) {
	if opts.Name == "" {
		return nil, errors.New("new ssm inventory store: parameter name is empty")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.LockPoll <= 0 {
		opts.LockPoll = 5 * time.Second
	}
	return &Store{api: guardedAPI{api}, opts: opts}, nil
}

// NewFromEnv returns a store whose client is configured the standard AWS
// way: environment variables, shared config and credentials files, web
// identity, container and instance roles. region overrides the configured
// region when not empty. AWS_ENDPOINT_URL_SSM (or AWS_ENDPOINT_URL) points
// the client at another endpoint.
func NewFromEnv(ctx context.Context, region string, opts Options) (*Store, error) {
	var loadOpts []func(*awsconfig.LoadOptions) error
	if region != "" {
		loadOpts = append(loadOpts, awsconfig.WithRegion(region))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		return nil, fmt.Errorf("load aws configuration: %w", err)
	}
	if cfg.Region == "" {
		return nil, errors.New("load aws configuration: no region: set inventory.ssm.region or AWS_REGION")
	}
	return New(ssm.NewFromConfig(cfg), opts)
}

// Name returns the parameter name of the environment's inventory.
func (s *Store) Name(env string) string { return config.Expand(s.opts.Name, env) }

// LockName returns the parameter name of the environment's lock: the
// document's name followed by ".lock".
func (s *Store) LockName(env string) string { return s.Name(env) + ".lock" }

// Get returns the environment's current inventory and its version. It
// returns an error matching inventory.ErrNotFound when there is none, and one
// matching inventory.ErrInvalid when the stored document is not valid or
// belongs to another environment. The version's labels are not filled.
func (s *Store) Get(ctx context.Context, env string) (*inventory.Document, inventory.Version, error) {
	return s.get(ctx, env, "")
}

// GetVersion returns one version of the environment's inventory; an error
// matches inventory.ErrVersionNotFound when SSM does not hold it (it keeps the
// latest 100).
func (s *Store) GetVersion(ctx context.Context, env string, version int64) (*inventory.Document, inventory.Version, error) {
	return s.get(ctx, env, fmt.Sprintf(":%d", version))
}

func (s *Store) get(ctx context.Context, env, selector string) (*inventory.Document, inventory.Version, error) {
	name := s.Name(env)
	out, err := s.api.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name + selector),
		WithDecryption: aws.Bool(true)})
	switch errorCode(err) {
	case "":
	case "ParameterNotFound":
		return nil, inventory.Version{}, fmt.Errorf("get inventory of %s: ssm parameter %s: %w", env, name, inventory.ErrNotFound)
	case "ParameterVersionNotFound":
		return nil, inventory.Version{}, fmt.Errorf("get inventory of %s: ssm parameter %s%s: %w",
			env, name, selector, inventory.ErrVersionNotFound)
	}
	if err != nil {
		return nil, inventory.Version{}, fmt.Errorf("get ssm parameter %s%s: %w", name, selector, err)
	}
	p := out.Parameter
	doc, err := parse(env, aws.ToString(p.Value))
	if err != nil {
		return nil, inventory.Version{}, fmt.Errorf("ssm parameter %s version %d: %w", name, p.Version, err)
	}
	return doc, inventory.Version{Number: p.Version, Commit: doc.Commit, Modified: aws.ToTime(p.LastModifiedDate)}, nil
}

// parse decodes a stored document and checks that it is env's.
func parse(env, value string) (*inventory.Document, error) {
	doc, err := inventory.Parse([]byte(value))
	if err != nil {
		return nil, err
	}
	if doc.Environment != env {
		return nil, &inventory.InvalidError{Field: "environment",
			Problem: fmt.Sprintf("holds the inventory of environment %q, not %q (does the parameter name lack %s?)",
				doc.Environment, env, config.Placeholder)}
	}
	return doc, nil
}

// History returns every version SSM keeps of the environment's inventory,
// oldest first, with labels, commit (empty when a version cannot be parsed),
// time and author. It reads values decrypted, to learn the commits.
func (s *Store) History(ctx context.Context, env string) ([]inventory.Version, error) {
	name := s.Name(env)
	p := ssm.NewGetParameterHistoryPaginator(s.api, &ssm.GetParameterHistoryInput{Name: aws.String(name),
		WithDecryption: aws.Bool(true), MaxResults: aws.Int32(50)})
	var versions []inventory.Version
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if errorCode(err) == "ParameterNotFound" {
			return nil, fmt.Errorf("inventory history of %s: ssm parameter %s: %w", env, name, inventory.ErrNotFound)
		}
		if err != nil {
			return nil, fmt.Errorf("get history of ssm parameter %s: %w", name, err)
		}
		for _, h := range out.Parameters {
			v := inventory.Version{Number: h.Version, Labels: h.Labels, Modified: aws.ToTime(h.LastModifiedDate),
				ModifiedBy: aws.ToString(h.LastModifiedUser)}
			if doc, err := inventory.Parse([]byte(aws.ToString(h.Value))); err == nil {
				v.Commit = doc.Commit
			}
			versions = append(versions, v)
		}
	}
	return versions, nil
}
