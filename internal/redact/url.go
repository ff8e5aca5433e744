package redact

import "net/url"

// URL returns raw as it may be shown in a message or log: its credentials,
// the user name included, are replaced by xxxxx (many hosts take a token as
// the user name, https://TOKEN@host/, which url.URL.Redacted shows), and its
// query, which may carry a token too, by "?…". Text that does not parse as
// a URL is not shown at all: url.Parse's own error repeats it whole.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(a URL that does not parse)"
	}
	if u.User != nil {
		u.User = url.User("xxxxx")
	}
	if u.RawQuery != "" || u.ForceQuery {
		u.RawQuery, u.ForceQuery = "", false
		return u.String() + "?…"
	}
	return u.String()
}
