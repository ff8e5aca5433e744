package ssmstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

// Size limits of a parameter value, in bytes (SSM counts characters; the
// canonical document is mostly ASCII, so bytes are the safe measure).
const (
	StandardLimit = 4096
	AdvancedLimit = 8192
)

// largestKeys is how many keys a TooLargeError names.
const largestKeys = 5

// Put stores doc as the inventory of the claim's environment, as a write
// fenced by the claim (see Acquire): nothing is written unless the lock
// holds the claim's token right before, and the lock is read again right
// after; a loss is an error matching inventory.ErrLeaseLost that names the
// run holding the lock. When the stored document has the same content
// (ignoring commit and creation time) nothing is written and the result has
// Written false. Otherwise it writes a new version in the smallest tier that
// fits, labels it with the commit, reads it back and compares the bytes: a
// difference is an error matching inventory.ErrReadBack. A document over
// 8192 bytes is a *TooLargeError.
func (s *Store) Put(ctx context.Context, c *inventory.Claim, doc *inventory.Document) (inventory.PutResult, error) {
	env, err := s.claimed(c, "put inventory")
	if err != nil {
		return inventory.PutResult{}, err
	}
	name := s.Name(env)
	if doc == nil {
		return inventory.PutResult{}, fmt.Errorf("put inventory to ssm parameter %s: the document is nil", name)
	}
	if doc.Environment != env {
		return inventory.PutResult{}, fmt.Errorf("put inventory to ssm parameter %s: the document is for environment %q, not %q",
			name, doc.Environment, env)
	}
	body, err := doc.Marshal()
	if err != nil {
		return inventory.PutResult{}, fmt.Errorf("put inventory to ssm parameter %s: %w", name, err)
	}
	tier, err := tierFor(name, doc, len(body))
	if err != nil {
		return inventory.PutResult{}, err
	}
	var res inventory.PutResult
	err = c.Write(ctx, func(ctx context.Context) error {
		var err error
		res, err = s.put(ctx, env, doc, body, tier)
		return err
	})
	if err != nil {
		return inventory.PutResult{}, err
	}
	return res, nil
}

// put writes doc (encoded as body, for tier) unless the same content is
// stored; the caller holds the lease.
func (s *Store) put(ctx context.Context, env string, doc *inventory.Document, body []byte, tier types.ParameterTier) (inventory.PutResult, error) {
	name := s.Name(env)
	cur, ver, err := s.Get(ctx, env)
	switch {
	case err == nil && cur.SameContent(doc):
		return inventory.PutResult{Version: ver}, nil
	case err != nil && !errors.Is(err, inventory.ErrNotFound):
		return inventory.PutResult{}, fmt.Errorf("put inventory: read the current one first: %w", err)
	}

	in := &ssm.PutParameterInput{
		Name:        aws.String(name),
		Value:       aws.String(string(body)),
		Type:        types.ParameterTypeSecureString,
		Overwrite:   aws.Bool(true),
		Tier:        tier,
		Description: aws.String("tierdeploy inventory (" + inventory.SchemaV1 + ")"),
	}
	if s.opts.KMSKeyID != "" {
		in.KeyId = aws.String(s.opts.KMSKeyID)
	}
	number, err := s.write(ctx, in)
	if err != nil {
		return inventory.PutResult{}, err
	}
	v := inventory.Version{Number: number, Commit: doc.Commit}
	if label := inventory.CommitLabel(doc.Commit); label != "" {
		out, err := s.api.LabelParameterVersion(ctx, &ssm.LabelParameterVersionInput{Name: aws.String(name),
			ParameterVersion: aws.Int64(number), Labels: []string{label}})
		if err != nil {
			return inventory.PutResult{}, fmt.Errorf("label ssm parameter %s version %d with %s: %w", name, number, label, err)
		}
		if len(out.InvalidLabels) > 0 {
			return inventory.PutResult{}, fmt.Errorf("label ssm parameter %s version %d: ssm rejected the label %s",
				name, number, strings.Join(out.InvalidLabels, ", "))
		}
		v.Labels = []string{label}
	}
	back, err := s.api.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(fmt.Sprintf("%s:%d", name, number)),
		WithDecryption: aws.Bool(true)})
	if err != nil {
		return inventory.PutResult{}, fmt.Errorf("read back ssm parameter %s version %d: %w", name, number, err)
	}
	if !bytes.Equal([]byte(aws.ToString(back.Parameter.Value)), body) {
		return inventory.PutResult{}, fmt.Errorf("ssm parameter %s version %d: %w", name, number, inventory.ErrReadBack)
	}
	v.Modified = aws.ToTime(back.Parameter.LastModifiedDate)
	return inventory.PutResult{Version: v, Written: true}, nil
}

// tierFor returns the smallest tier that holds size bytes.
func tierFor(name string, doc *inventory.Document, size int) (types.ParameterTier, error) {
	switch {
	case size <= StandardLimit:
		return types.ParameterTierStandard, nil
	case size <= AdvancedLimit:
		return types.ParameterTierAdvanced, nil
	}
	largest := doc.Sizes()
	return "", &TooLargeError{Parameter: name, Size: size, Limit: AdvancedLimit,
		Largest: largest[:min(len(largest), largestKeys)]}
}

// write puts a new version and returns its number. A parameter that is
// already Advanced stays so (SSM refuses to downgrade). When SSM refuses a
// 101st version because the oldest one has a label, the oldest version's
// labels are removed so that SSM can drop it. in may be changed.
func (s *Store) write(ctx context.Context, in *ssm.PutParameterInput) (int64, error) {
	name := aws.ToString(in.Name)
	for range 3 {
		out, err := s.api.PutParameter(ctx, in)
		switch {
		case err == nil:
			return out.Version, nil
		case isDowngrade(err) && in.Tier == types.ParameterTierStandard:
			in.Tier = types.ParameterTierAdvanced
		case errorCode(err) == "ParameterMaxVersionLimitExceeded":
			if err := s.unlabelOldest(ctx, name); err != nil {
				return 0, err
			}
		default:
			return 0, fmt.Errorf("put ssm parameter %s: %w", name, err)
		}
	}
	return 0, fmt.Errorf("put ssm parameter %s: gave up after 3 attempts", name)
}

func isDowngrade(err error) bool {
	var ae interface{ ErrorMessage() string }
	return errorCode(err) == "ValidationException" && errors.As(err, &ae) &&
		strings.Contains(ae.ErrorMessage(), "downgrade")
}

// unlabelOldest removes the labels of the oldest version SSM keeps.
func (s *Store) unlabelOldest(ctx context.Context, name string) error {
	out, err := s.api.GetParameterHistory(ctx, &ssm.GetParameterHistoryInput{Name: aws.String(name),
		MaxResults: aws.Int32(1)})
	if err != nil {
		return fmt.Errorf("find the oldest version of ssm parameter %s: %w", name, err)
	}
	if len(out.Parameters) == 0 || len(out.Parameters[0].Labels) == 0 {
		return fmt.Errorf("put ssm parameter %s: ssm keeps 100 versions and refuses to drop the oldest one", name)
	}
	oldest := out.Parameters[0]
	if _, err := s.api.UnlabelParameterVersion(ctx, &ssm.UnlabelParameterVersionInput{Name: aws.String(name),
		ParameterVersion: aws.Int64(oldest.Version), Labels: oldest.Labels}); err != nil {
		return fmt.Errorf("unlabel the oldest version (%d) of ssm parameter %s: %w", oldest.Version, name, err)
	}
	return nil
}
