package ssmtest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Documented limits of Parameter Store.
const (
	maxVersions       = 100
	maxLabels         = 10
	maxLabelLength    = 100
	maxNameLength     = 2048
	maxHierarchy      = 15
	standardMaxValue  = 4096
	advancedMaxValue  = 8192
	maxHistoryResults = 50
	defaultKMSKey     = "alias/aws/ssm"
)

// Parameter types and tiers.
const (
	typeString       = "String"
	typeStringList   = "StringList"
	typeSecureString = "SecureString"

	tierStandard    = "Standard"
	tierAdvanced    = "Advanced"
	tierIntelligent = "Intelligent-Tiering"
	dataTypeText    = "text"
)

var (
	nameChars  = regexp.MustCompile(`^[a-zA-Z0-9_./-]+$`)
	labelChars = regexp.MustCompile(`^[a-zA-Z0-9._-]+$`)
)

type parameter struct {
	name     string
	latest   int64
	versions []*version // oldest first
}

type version struct {
	number      int64
	value       string
	typ         string
	keyID       string
	tier        string
	description string
	dataType    string
	labels      []string
	modified    time.Time
	user        string
}

func (p *parameter) current() *version { return p.versions[len(p.versions)-1] }

func (p *parameter) find(selector string) *version {
	if n, err := strconv.ParseInt(selector, 10, 64); err == nil {
		for _, v := range p.versions {
			if v.number == n {
				return v
			}
		}
		return nil
	}
	for _, v := range p.versions {
		if slices.Contains(v.labels, selector) {
			return v
		}
	}
	return nil
}

// epoch is a timestamp as awsJson1.1 writes it: seconds since the epoch.
type epoch time.Time

// MarshalJSON writes the time as seconds since the epoch, to the millisecond.
func (e epoch) MarshalJSON() ([]byte, error) {
	t := time.Time(e)
	return []byte(strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', 3, 64)), nil
}

func decode(c call, v any) *apiError {
	if err := json.Unmarshal(c.body, v); err != nil {
		return badRequest("SerializationException", "cannot decode the request body: %v", err)
	}
	return nil
}

func checkName(name string) *apiError {
	switch {
	case name == "":
		return validation("1 validation error detected: Value at 'name' failed to satisfy constraint: " +
			"Member must have length greater than or equal to 1")
	case len(name) > maxNameLength:
		return validation("1 validation error detected: Value at 'name' failed to satisfy constraint: "+
			"Member must have length less than or equal to %d", maxNameLength)
	case !nameChars.MatchString(name):
		return validation("Parameter name: can only include letters, numbers and the symbols _.-/")
	case strings.Contains(name, "/") && !strings.HasPrefix(name, "/"):
		return validation("Parameter name must be a fully qualified name.")
	}
	first := strings.ToLower(strings.TrimPrefix(name, "/"))
	if strings.HasPrefix(first, "aws") || strings.HasPrefix(first, "ssm") {
		return validation(`Parameter name: can't be prefixed with "aws" or "ssm" (case-insensitive).`)
	}
	if strings.Count(name, "/") > maxHierarchy {
		return badRequest("HierarchyLevelLimitExceededException",
			"A hierarchy can have a maximum of %d levels.", maxHierarchy)
	}
	return nil
}

// checkLabel applies the label rules; invalid labels are reported, not
// errors (a label's length is checked with the request, as the API model
// constrains it).
func checkLabel(l string) bool {
	if !labelChars.MatchString(l) {
		return false
	}
	low := strings.ToLower(l)
	return !(l[0] >= '0' && l[0] <= '9') && !strings.HasPrefix(low, "aws") && !strings.HasPrefix(low, "ssm")
}

func arn(name string) string {
	if !strings.HasPrefix(name, "/") {
		name = "/" + name
	}
	return fmt.Sprintf("arn:aws:ssm:%s:%s:parameter%s", Region, Account, name)
}

// ciphertext stands in for a SecureString value read without decryption.
func ciphertext(v *version) string {
	return base64.StdEncoding.EncodeToString([]byte("ssmtest-kms:" + v.keyID + ":" + strconv.FormatInt(v.number, 10)))
}

// shown is the value a read returns: encrypted, decrypted or tampered with.
func (s *Server) shown(p *parameter, v *version, decrypt bool) string {
	if v.typ == typeSecureString && !decrypt {
		return ciphertext(v)
	}
	if s.tamper != nil {
		return s.tamper(p.name, v.number, v.value)
	}
	return v.value
}

type putRequest struct {
	Name           string
	Value          *string
	Type           string
	KeyID          string `json:"KeyId"`
	Overwrite      bool
	Tier           string
	Description    string
	AllowedPattern string
	DataType       string
	Tags           []json.RawMessage
}

func (s *Server) putParameter(c call) (any, *apiError) {
	var in putRequest
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	if err := checkName(in.Name); err != nil {
		return nil, err
	}
	if in.Value == nil || *in.Value == "" {
		return nil, validation("1 validation error detected: Value at 'value' failed to satisfy constraint: " +
			"Member must have length greater than or equal to 1")
	}
	size := utf8.RuneCountInString(*in.Value)
	if size > advancedMaxValue {
		return nil, validation("1 validation error detected: Value at 'value' failed to satisfy constraint: "+
			"Member must have length less than or equal to %d", advancedMaxValue)
	}
	switch in.Type {
	case "", typeString, typeStringList, typeSecureString:
	default:
		return nil, validation("1 validation error detected: Value '%s' at 'type' failed to satisfy constraint: "+
			"Member must satisfy enum value set: [SecureString, StringList, String]", in.Type)
	}
	switch in.Tier {
	case "", tierStandard, tierAdvanced, tierIntelligent:
	default:
		return nil, validation("1 validation error detected: Value '%s' at 'tier' failed to satisfy constraint: "+
			"Member must satisfy enum value set: [Advanced, Intelligent-Tiering, Standard]", in.Tier)
	}
	if len(in.Tags) > 0 && in.Overwrite {
		return nil, validation("Invalid request: tags and overwrite can't be used together. To create a parameter " +
			"with tags, don't set overwrite. To update tags on an existing parameter, use AddTagsToResource.")
	}
	if in.AllowedPattern != "" {
		re, err := regexp.Compile(in.AllowedPattern)
		if err != nil {
			return nil, badRequest("InvalidAllowedPatternException", "The allowed pattern is not valid: %v", err)
		}
		if !re.MatchString(*in.Value) {
			return nil, badRequest("ParameterPatternMismatchException",
				"Parameter value, cannot be validated against allowedPattern: %s", in.AllowedPattern)
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	p, exists := s.params[in.Name]
	if exists && !in.Overwrite {
		return nil, badRequest("ParameterAlreadyExists",
			"The parameter already exists. To overwrite this value, set the overwrite option in the request to true.")
	}
	if !exists && in.Type == "" {
		return nil, validation("A parameter type is required when you create a parameter.")
	}
	var prev *version
	if exists {
		prev = p.current()
	}
	tier, aerr := effectiveTier(in.Tier, prev, size)
	if aerr != nil {
		return nil, aerr
	}
	v := &version{value: *in.Value, typ: in.Type, tier: tier, description: in.Description,
		dataType: in.DataType, modified: c.now, user: c.user}
	if v.typ == "" {
		v.typ = prev.typ
	}
	if v.dataType == "" {
		v.dataType = dataTypeText
	}
	if v.typ == typeSecureString {
		v.keyID = in.KeyID
		if v.keyID == "" {
			v.keyID = defaultKMSKey
		}
	}
	if !exists {
		p = &parameter{name: in.Name}
	}
	if len(p.versions) == maxVersions {
		oldest := p.versions[0]
		if len(oldest.labels) > 0 {
			return nil, badRequest("ParameterMaxVersionLimitExceeded",
				"You attempted to create a new version of %s by calling the PutParameter API with the overwrite flag. "+
					"Version %d, the oldest version, can't be deleted because it has a label associated with it. "+
					"Move the label to another version of the parameter, and try again.", in.Name, oldest.number)
		}
		p.versions = p.versions[1:]
	}
	p.latest++
	v.number = p.latest
	p.versions = append(p.versions, v)
	s.params[in.Name] = p
	return map[string]any{"Version": v.number, "Tier": v.tier}, nil
}

// effectiveTier resolves the requested tier against the value's size and
// the parameter's current tier.
func effectiveTier(requested string, prev *version, size int) (string, *apiError) {
	wasAdvanced := prev != nil && prev.tier == tierAdvanced
	tier := requested
	switch requested {
	case "":
		tier = tierStandard
		if wasAdvanced {
			tier = tierAdvanced
		}
	case tierIntelligent:
		tier = tierStandard
		if wasAdvanced || size > standardMaxValue {
			tier = tierAdvanced
		}
	}
	if tier == tierStandard && wasAdvanced {
		return "", validation("This parameter uses the advanced-parameter tier. You can't downgrade a parameter " +
			"from the advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the " +
			"advanced parameter and recreate it as a standard parameter.")
	}
	if tier == tierStandard && size > standardMaxValue {
		return "", validation("Standard tier parameters support a maximum parameter value of %d characters. "+
			"To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier.",
			standardMaxValue)
	}
	return tier, nil
}

func (s *Server) getParameter(c call) (any, *apiError) {
	var in struct {
		Name           string
		WithDecryption bool
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	name, selector, hasSelector := strings.Cut(in.Name, ":")
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.params[name]
	if !ok {
		return nil, notFound(name)
	}
	v := p.current()
	if hasSelector {
		if v = p.find(selector); v == nil {
			return nil, versionNotFound(name, selector)
		}
	}
	out := map[string]any{
		"Name":             name,
		"Type":             v.typ,
		"Value":            s.shown(p, v, in.WithDecryption),
		"Version":          v.number,
		"LastModifiedDate": epoch(v.modified),
		"ARN":              arn(name),
		"DataType":         v.dataType,
	}
	if hasSelector {
		out["Selector"] = ":" + selector
	}
	return map[string]any{"Parameter": out}, nil
}

func (s *Server) getParameterHistory(c call) (any, *apiError) {
	var in struct {
		Name           string
		WithDecryption bool
		MaxResults     *int
		NextToken      string
	}
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	limit := maxHistoryResults
	if in.MaxResults != nil {
		limit = *in.MaxResults
		if limit < 1 || limit > maxHistoryResults {
			return nil, validation("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy "+
				"constraint: Member must have value between 1 and %d", limit, maxHistoryResults)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.params[in.Name]
	if !ok {
		return nil, notFound(in.Name)
	}
	start := 0
	if in.NextToken != "" {
		n, ok := parseToken(in.NextToken, p.name)
		if !ok {
			return nil, badRequest("InvalidNextToken", "The specified token isn't valid.")
		}
		// The token holds the first version number of the next page, which
		// may have been deleted since.
		start = len(p.versions)
		for i, v := range p.versions {
			if v.number >= n {
				start = i
				break
			}
		}
	}
	end := min(start+limit, len(p.versions))
	items := make([]map[string]any, 0, end-start)
	for _, v := range p.versions[start:end] {
		item := map[string]any{
			"Name":             p.name,
			"Type":             v.typ,
			"LastModifiedDate": epoch(v.modified),
			"LastModifiedUser": v.user,
			"Value":            s.shown(p, v, in.WithDecryption),
			"Version":          v.number,
			"Labels":           append([]string{}, v.labels...),
			"Tier":             v.tier,
			"Policies":         []any{},
			"DataType":         v.dataType,
		}
		if v.keyID != "" {
			item["KeyId"] = v.keyID
		}
		if v.description != "" {
			item["Description"] = v.description
		}
		items = append(items, item)
	}
	out := map[string]any{"Parameters": items}
	if end < len(p.versions) {
		out["NextToken"] = makeToken(p.name, p.versions[end].number)
	}
	return out, nil
}

func makeToken(name string, next int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(name + "\x00" + strconv.FormatInt(next, 10)))
}

func parseToken(token, name string) (int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return 0, false
	}
	tname, num, ok := strings.Cut(string(b), "\x00")
	if !ok || tname != name {
		return 0, false
	}
	n, err := strconv.ParseInt(num, 10, 64)
	return n, err == nil
}

type labelRequest struct {
	Name             string
	ParameterVersion *int64
	Labels           []string
}

func (s *Server) labelParameterVersion(c call) (any, *apiError) {
	var in labelRequest
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	if len(in.Labels) < 1 || len(in.Labels) > maxLabels {
		return nil, validation("1 validation error detected: Value at 'labels' failed to satisfy constraint: "+
			"Member must have length between 1 and %d", maxLabels)
	}
	for _, l := range in.Labels {
		if l == "" || len(l) > maxLabelLength {
			return nil, validation("1 validation error detected: Value at 'labels' failed to satisfy constraint: "+
				"Member must satisfy constraint: [Member must have length less than or equal to %d, "+
				"Member must have length greater than or equal to 1]", maxLabelLength)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.params[in.Name]
	if !ok {
		return nil, notFound(in.Name)
	}
	v := p.current()
	if in.ParameterVersion != nil {
		if v = p.find(strconv.FormatInt(*in.ParameterVersion, 10)); v == nil {
			return nil, versionNotFound(in.Name, strconv.FormatInt(*in.ParameterVersion, 10))
		}
	}
	invalid := []string{}
	var valid []string
	for _, l := range in.Labels {
		if !checkLabel(l) {
			invalid = append(invalid, l)
			continue
		}
		if !slices.Contains(valid, l) {
			valid = append(valid, l)
		}
	}
	labels := slices.Clone(v.labels)
	for _, l := range valid {
		if !slices.Contains(labels, l) {
			labels = append(labels, l)
		}
	}
	if len(labels) > maxLabels {
		return nil, badRequest("ParameterVersionLabelLimitExceeded",
			"A parameter version can have a maximum of %d labels. Move one or more labels to another version and try again.",
			maxLabels)
	}
	for _, other := range p.versions {
		if other != v {
			other.labels = slices.DeleteFunc(other.labels, func(l string) bool { return slices.Contains(valid, l) })
		}
	}
	v.labels = labels
	return map[string]any{"InvalidLabels": invalid, "ParameterVersion": v.number}, nil
}

func (s *Server) unlabelParameterVersion(c call) (any, *apiError) {
	var in labelRequest
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	if in.ParameterVersion == nil {
		return nil, validation("1 validation error detected: Value null at 'parameterVersion' failed to satisfy " +
			"constraint: Member must not be null")
	}
	if len(in.Labels) < 1 || len(in.Labels) > maxLabels {
		return nil, validation("1 validation error detected: Value at 'labels' failed to satisfy constraint: "+
			"Member must have length between 1 and %d", maxLabels)
	}
	for _, l := range in.Labels {
		if l == "" || len(l) > maxLabelLength {
			return nil, validation("1 validation error detected: Value at 'labels' failed to satisfy constraint: "+
				"Member must satisfy constraint: [Member must have length less than or equal to %d, "+
				"Member must have length greater than or equal to 1]", maxLabelLength)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.params[in.Name]
	if !ok {
		return nil, notFound(in.Name)
	}
	v := p.find(strconv.FormatInt(*in.ParameterVersion, 10))
	if v == nil {
		return nil, versionNotFound(in.Name, strconv.FormatInt(*in.ParameterVersion, 10))
	}
	removed, invalid := []string{}, []string{}
	for _, l := range in.Labels {
		if i := slices.Index(v.labels, l); i >= 0 {
			v.labels = slices.Delete(v.labels, i, i+1)
			removed = append(removed, l)
		} else {
			invalid = append(invalid, l)
		}
	}
	return map[string]any{"RemovedLabels": removed, "InvalidLabels": invalid}, nil
}

func (s *Server) deleteParameter(c call) (any, *apiError) {
	var in struct{ Name string }
	if err := decode(c, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.params[in.Name]; !ok {
		return nil, notFound(in.Name)
	}
	delete(s.params, in.Name)
	return struct{}{}, nil
}
