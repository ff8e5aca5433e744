package event

import (
	"strconv"
	"strings"
)

var gitlabSources = []string{"merge_request_event", "push", "schedule", "web", "api", "trigger", "pipeline", "parent_pipeline", "chat", "webide"}

// gitlabKind maps CI_PIPELINE_SOURCE to a kind. Runs started by hand or by
// another pipeline count as manual.
func gitlabKind(source string) (Kind, bool) {
	switch source {
	case "merge_request_event":
		return KindPullRequest, true
	case "push":
		return KindPush, true
	case "schedule":
		return KindSchedule, true
	case "web", "api", "trigger", "pipeline", "parent_pipeline", "chat", "webide":
		return KindManual, true
	}
	return "", false
}

func fromGitLab(getenv func(string) string) (Event, error) {
	source := getenv("CI_PIPELINE_SOURCE")
	if source == "" {
		return Event{}, &EnvError{Var: "CI_PIPELINE_SOURCE", Reason: "GitLab CI sets it in every job; pass --platform local outside CI"}
	}
	kind, ok := gitlabKind(source)
	if !ok {
		return Event{}, &UnsupportedEventError{Platform: GitLab, Name: source, Supported: gitlabSources}
	}
	server := strings.TrimRight(getenv("CI_SERVER_URL"), "/")
	api := strings.TrimRight(getenv("CI_API_V4_URL"), "/")
	if api == "" && server != "" {
		api = server + "/api/v4"
	}
	e := Event{
		Platform:      GitLab,
		Kind:          kind,
		Name:          source,
		Repository:    getenv("CI_PROJECT_PATH"),
		ProjectID:     getenv("CI_PROJECT_ID"),
		HeadSHA:       getenv("CI_COMMIT_SHA"),
		HeadRef:       getenv("CI_COMMIT_REF_NAME"),
		DefaultBranch: getenv("CI_DEFAULT_BRANCH"),
		RunURL:        orDefault(getenv("CI_JOB_URL"), getenv("CI_PIPELINE_URL")),
		ServerURL:     server,
		APIURL:        api,
		Actor:         getenv("GITLAB_USER_LOGIN"),
	}
	if b := getenv("CI_COMMIT_BRANCH"); b != "" {
		e.Ref = "refs/heads/" + b
	} else if t := getenv("CI_COMMIT_TAG"); t != "" {
		e.Ref = "refs/tags/" + t
	}
	if kind == KindPullRequest {
		if err := gitlabMergeRequest(&e, getenv); err != nil {
			return Event{}, err
		}
	}
	if e.ProjectID == "" {
		return Event{}, &EnvError{Var: "CI_PROJECT_ID", Reason: "GitLab CI sets it in every job"}
	}
	if id, err := strconv.ParseInt(e.ProjectID, 10, 64); err != nil || id <= 0 {
		return Event{}, &EnvError{Var: "CI_PROJECT_ID", Value: e.ProjectID, Reason: "expected a positive number"}
	}
	if !validSHA(e.HeadSHA) {
		return Event{}, &EnvError{Var: "CI_COMMIT_SHA", Value: e.HeadSHA, Reason: "expected a full commit SHA"}
	}
	if kind == KindPush {
		switch before := getenv("CI_COMMIT_BEFORE_SHA"); {
		case before == "" || isZeroSHA(before):
			// A new branch or tag, or the first pipeline of the project.
			e.NewBranch = true
		case validSHA(before):
			e.BaseSHA = before
		default:
			return Event{}, &EnvError{Var: "CI_COMMIT_BEFORE_SHA", Value: before, Reason: "expected a full commit SHA"}
		}
	}
	return e, nil
}

// gitlabMergeRequest fills in the merge request fields of a
// merge_request_event pipeline.
func gitlabMergeRequest(e *Event, getenv func(string) string) error {
	iid := getenv("CI_MERGE_REQUEST_IID")
	n, err := strconv.Atoi(iid)
	if err != nil || n <= 0 {
		return &EnvError{Var: "CI_MERGE_REQUEST_IID", Value: iid, Reason: "expected the merge request's positive IID"}
	}
	e.Number = n
	// Notes belong to the project that holds the merge request, which is
	// the target project also when the pipeline runs in a fork.
	if id := getenv("CI_MERGE_REQUEST_PROJECT_ID"); id != "" {
		e.ProjectID = id
	}
	if p := getenv("CI_MERGE_REQUEST_PROJECT_PATH"); p != "" {
		e.Repository = p
	}
	src := getenv("CI_MERGE_REQUEST_SOURCE_PROJECT_ID")
	e.Fork = src != "" && src != e.ProjectID
	// A fork's merge request pipeline runs in the fork, with the fork's
	// variables, unless a member of the target project runs it there
	// (CI_PROJECT_ID is then the target's), with the target's variables.
	e.ForkWithSecrets = e.Fork && getenv("CI_PROJECT_ID") == e.ProjectID
	e.BaseRef = getenv("CI_MERGE_REQUEST_TARGET_BRANCH_NAME")
	if ref := getenv("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME"); ref != "" {
		e.HeadRef = ref
	}
	// In merged results pipelines CI_COMMIT_SHA is the temporary merge
	// commit; the source branch's own head is this one.
	if sha := getenv("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA"); sha != "" {
		if !validSHA(sha) {
			return &EnvError{Var: "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA", Value: sha, Reason: "expected a full commit SHA"}
		}
		e.HeadSHA = sha
	}
	for _, v := range []string{"CI_MERGE_REQUEST_DIFF_BASE_SHA", "CI_MERGE_REQUEST_TARGET_BRANCH_SHA"} {
		sha := getenv(v)
		if sha == "" {
			continue
		}
		if !validSHA(sha) {
			return &EnvError{Var: v, Value: sha, Reason: "expected a full commit SHA"}
		}
		e.BaseSHA = sha
		break
	}
	return nil
}
