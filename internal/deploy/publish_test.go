package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/runner"
	"github.com/tierdeploy/tierdeploy/internal/scm"
)

// fakeRunner records what is published, in order, into a shared log.
type fakeRunner struct {
	log           *[]string
	appendSummary func(string) (bool, error)
	setOutput     func(name, value string) error
}

func (r *fakeRunner) AddMask(s string) error {
	*r.log = append(*r.log, "mask "+s)
	return nil
}

func (r *fakeRunner) AppendSummary(md string) (bool, error) {
	*r.log = append(*r.log, "summary "+firstLine(md))
	if r.appendSummary != nil {
		return r.appendSummary(md)
	}
	return false, nil
}

func (r *fakeRunner) SetOutput(name, value string) error {
	*r.log = append(*r.log, "output "+name+"="+value)
	if r.setOutput != nil {
		return r.setOutput(name, value)
	}
	return nil
}

// gitlabRunner also writes Terraform reports.
type gitlabRunner struct {
	fakeRunner
	fail bool
}

func (r *gitlabRunner) WriteTerraformReport(stack string, rep runner.TerraformReport) (string, error) {
	*r.log = append(*r.log, fmt.Sprintf("terraform report %s %+v", stack, rep))
	if r.fail {
		return "", errors.New("disk full")
	}
	return "", nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// loggingHost records its calls into the shared log too.
func loggingHost(log *[]string, h *fakeHost) *fakeHost {
	wrap := &fakeHost{}
	wrap.mergedChange = func(ctx context.Context, sha string) (int, bool, error) {
		*log = append(*log, "merged "+sha)
		if h.mergedChange == nil {
			return 0, false, nil
		}
		return h.mergedChange(ctx, sha)
	}
	wrap.findComment = func(ctx context.Context, n int, marker string) (scm.Comment, bool, error) {
		*log = append(*log, fmt.Sprintf("find #%d %s", n, marker))
		if h.findComment == nil {
			return scm.Comment{}, false, nil
		}
		return h.findComment(ctx, n, marker)
	}
	wrap.upsertComment = func(ctx context.Context, n int, marker, body string) (scm.Result, error) {
		*log = append(*log, fmt.Sprintf("upsert #%d %s", n, marker))
		if h.upsertComment == nil {
			return scm.Result{Outcome: scm.Created}, nil
		}
		return h.upsertComment(ctx, n, marker, body)
	}
	wrap.syncIssues = func(ctx context.Context, s scm.IssueSync) ([]scm.Result, error) {
		*log = append(*log, fmt.Sprintf("issues open=%d resolved=%d", len(s.Open), len(s.Resolved)))
		if h.syncIssues == nil {
			return []scm.Result{{Outcome: scm.Created, URL: "https://issue"}}, nil
		}
		return h.syncIssues(ctx, s)
	}
	return wrap
}

func TestPublishInOneSequence(t *testing.T) {
	var log []string
	var stdout bytes.Buffer
	r := &gitlabRunner{fakeRunner: fakeRunner{log: &log}}
	p := &Publisher{
		Runner: r, Host: loggingHost(&log, &fakeHost{}), Stdout: &stdout, Print: true, ReportFile: "/ws/.tierdeploy/report.md",
		WriteFile: func(path string, data []byte) error {
			log = append(log, "file "+path+" "+firstLine(string(data)))
			return nil
		},
		Log: slog.New(slog.DiscardHandler),
	}
	pub := Publication{
		Secrets: []string{"hunter2hunter2"}, Report: "# report\nbody\n", Summary: "### summary\n",
		Terraform: []TerraformReport{{Stack: key("infrastructure/prod"), Counts: runner.TerraformReport{Create: 1}}},
		Outputs:   []Output{{"has-changes", "true"}, {"exit-code", "0"}},
		Comments: []Comment{
			{Number: 7, Marker: "<!-- m1 -->", Body: "one", Environment: "staging", OnlyUpdate: true},
			{Number: 7, Marker: "<!-- m2 -->", Body: "two", Environment: "prod"},
		},
	}
	require.NoError(t, p.Publish(t.Context(), pub))
	assert.Equal(t, "# report\nbody\n", stdout.String())
	assert.Equal(t, []string{
		"mask hunter2hunter2",
		"file /ws/.tierdeploy/report.md # report",
		"summary ### summary",
		"terraform report infrastructure.prod {Create:1 Update:0 Delete:0}",
		"output has-changes=true",
		"output exit-code=0",
		"find #7 <!-- m1 -->", // no comment of staging yet: none is created
		"upsert #7 <!-- m2 -->",
	}, log)
}

func TestPublishApplyCommentOnTheMergedChange(t *testing.T) {
	var log []string
	host := loggingHost(&log, &fakeHost{mergedChange: func(context.Context, string) (int, bool, error) { return 12, true, nil }})
	p := &Publisher{Runner: &fakeRunner{log: &log}, Host: host}
	pub := Publication{Comments: []Comment{
		{MergedAs: headCommit, Marker: "<!-- a1 -->", Body: "x", Environment: "staging"},
		{MergedAs: headCommit, Marker: "<!-- a2 -->", Body: "y", Environment: "prod"},
	}}
	require.NoError(t, p.Publish(t.Context(), pub))
	assert.Equal(t, []string{"merged " + headCommit, "upsert #12 <!-- a1 -->", "upsert #12 <!-- a2 -->"}, log, "one lookup for both")

	log = nil
	p.Host = loggingHost(&log, &fakeHost{})
	require.NoError(t, p.Publish(t.Context(), pub))
	assert.Equal(t, []string{"merged " + headCommit}, log, "no merged change: no comment")
}

func TestPublishFailures(t *testing.T) {
	apiDown := errors.New("502 Bad Gateway")
	tests := []struct {
		name  string
		setup func(p *Publisher, pub *Publication, log *[]string)
		want  string
		is    func(error) bool
	}{
		{name: "comment fails, the other is still kept", setup: func(p *Publisher, pub *Publication, log *[]string) {
			p.Host = loggingHost(log, &fakeHost{upsertComment: func(_ context.Context, _ int, marker, _ string) (scm.Result, error) {
				if marker == "<!-- m1 -->" {
					return scm.Result{}, apiDown
				}
				return scm.Result{Outcome: scm.Updated}, nil
			}})
			pub.Comments = []Comment{{Number: 7, Marker: "<!-- m1 -->", Environment: "staging"}, {Number: 7, Marker: "<!-- m2 -->", Environment: "prod"}}
		}, want: "the report was not posted on the pull or merge request (it is in the job summary and log): staging: 502 Bad Gateway", is: isComment},
		{name: "find fails", setup: func(p *Publisher, pub *Publication, log *[]string) {
			p.Host = loggingHost(log, &fakeHost{findComment: func(context.Context, int, string) (scm.Comment, bool, error) {
				return scm.Comment{}, false, &scm.PermissionError{}
			}})
			pub.Comments = []Comment{{Number: 7, Marker: "<!-- m1 -->", Environment: "staging", OnlyUpdate: true}}
		}, is: isComment},
		{name: "merged change lookup fails", setup: func(p *Publisher, pub *Publication, log *[]string) {
			p.Host = loggingHost(log, &fakeHost{mergedChange: func(context.Context, string) (int, bool, error) { return 0, false, apiDown }})
			pub.Comments = []Comment{{MergedAs: headCommit, Marker: "<!-- a -->"}}
		}, want: "the report was not posted on the pull or merge request (it is in the job summary and log): 502 Bad Gateway", is: isComment},
		{name: "issues fail", setup: func(p *Publisher, pub *Publication, log *[]string) {
			p.Host = loggingHost(log, &fakeHost{syncIssues: func(context.Context, scm.IssueSync) ([]scm.Result, error) { return nil, apiDown }})
			pub.Issues = &scm.IssueSync{}
		}, want: "the drift issues were not updated (the report is in the job summary and log): 502 Bad Gateway", is: isIssue},
		{name: "output fails", setup: func(p *Publisher, pub *Publication, log *[]string) {
			p.Runner = &fakeRunner{log: log, setOutput: func(string, string) error { return errors.New("GITHUB_OUTPUT is not writable") }}
			pub.Outputs = []Output{{"exit-code", "1"}}
			pub.Comments = []Comment{{Number: 7, Marker: "<!-- m1 -->"}}
		}, want: "set output exit-code: GITHUB_OUTPUT is not writable"},
		{name: "report file fails", setup: func(p *Publisher, pub *Publication, log *[]string) {
			p.ReportFile = "/ro/report.md"
			p.WriteFile = func(string, []byte) error { return errors.New("read-only file system") }
		}, want: "write the report: read-only file system"},
		{name: "terraform report fails", setup: func(p *Publisher, pub *Publication, log *[]string) {
			p.Runner = &gitlabRunner{fakeRunner: fakeRunner{log: log}, fail: true}
			pub.Terraform = []TerraformReport{{Stack: key("infrastructure/prod")}}
		}, want: "write the terraform report of infrastructure/prod: disk full"},
		{name: "stdout fails", setup: func(p *Publisher, pub *Publication, log *[]string) {
			p.Print, p.Stdout = true, failingWriter{}
		}, want: "broken pipe"},
		{name: "summary fails, only a warning", setup: func(p *Publisher, pub *Publication, log *[]string) {
			p.Runner = &fakeRunner{log: log, appendSummary: func(string) (bool, error) { return false, errors.New("too big") }}
			pub.Summary = "x"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log []string
			p := &Publisher{Runner: &fakeRunner{log: &log}, Host: loggingHost(&log, &fakeHost{})}
			pub := Publication{Report: "r", NoComment: &Skip{Reason: Fork}}
			tt.setup(p, &pub, &log)
			err := p.Publish(t.Context(), pub)
			if tt.want == "" && tt.is == nil {
				require.NoError(t, err)
				return
			}
			if tt.want != "" {
				require.EqualError(t, err, tt.want)
			}
			if tt.is != nil {
				require.True(t, tt.is(err), "%T", err)
			}
		})
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func isComment(err error) bool {
	var ce *CommentError
	return errors.As(err, &ce)
}

func isIssue(err error) bool {
	var ie *IssueError
	return errors.As(err, &ie)
}
