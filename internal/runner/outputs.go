package runner

// Names of the outputs tierdeploy sets for later steps and jobs. On GitLab
// SetOutput turns them into dotenv variables (has-changes becomes
// TIERDEPLOY_HAS_CHANGES).
const (
	// OutputStacks lists the affected stacks as a compact JSON list of
	// "tier/environment" names, in dependency order (the reasons are in the
	// report and in detect --format json).
	OutputStacks = "stacks"
	// OutputMatrix is the fan-out matrix as compact JSON:
	// {"include":[{"tier":"infrastructure","environment":"prod"}]}.
	OutputMatrix = "matrix"
	// OutputHasChanges is "true" or "false".
	OutputHasChanges = "has-changes"
	// OutputReportPath is the path of the markdown report file.
	OutputReportPath = "report-path"
	// OutputExitCode is the exit code the step ends with.
	OutputExitCode = "exit-code"
	// OutputDrift is "true" when a drift check found drift.
	OutputDrift = "drift"
)
