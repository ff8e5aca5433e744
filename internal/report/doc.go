// Package report renders the markdown that tierdeploy posts: the plan (or
// apply) comment on a pull or merge request, the job summary, and the drift
// issues with their summary.
//
// Rendering is pure: the same Input renders the same bytes, so a comment is
// rewritten only when the plan changed. Every secret the Input names is
// masked in every piece of text that comes from outside (plan text, error
// text, output and inventory values, addresses, reasons and notes) before the
// body is laid out. Names that come from the validated configuration
// (environment, tier) and hashes are not masked.
//
// A body fits its character budget: when the whole does not fit, the plan
// and error texts are cut first, the largest first, then the resource, output
// and inventory lists, then whole stage sections, table rows and
// fingerprints. Cuts fall on line boundaries (a single overlong line is cut
// within), never inside a code fence or a <details> block, and the body says
// what was cut and where the full output is.
package report
