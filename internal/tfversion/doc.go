// Package tfversion decides which product (OpenTofu or Terraform) and which
// version each stack runs, and records where that choice came from.
//
// For one stack the first of these rules that asks for a version wins:
//
//  1. the tier's terraform.version in tierdeploy.yaml (one release or a
//     constraint);
//  2. a .opentofu-version or .terraform-version file in the stage directory
//     or a parent, up to the repository root (the nearest wins);
//  3. a .tool-versions file (asdf: the opentofu and terraform entries),
//     looked up the same way;
//  4. the required_version constraints of the root module (.tf, .tf.json,
//     and for OpenTofu .tofu and .tofu.json files), all of which must hold;
//  5. else no version is asked for, and the binary on PATH is used.
//
// terraform.binary (tofu or terraform) fixes the product; when it is not set
// the file that asks for a version names it, else the first of tofu and
// terraform on PATH does. A terraform.binary that is a path is used as it
// is, and no rule applies.
//
// The result is a Request: product, the version asked for (Want) and its
// Source (file and line) for logs, `tierdeploy version` and the report.
// Picking a release that satisfies the request and installing it is the job
// of package tfinstall.
//
// Every file read here comes from the repository, which may be a fork's pull
// request: reads stay inside the repository root, are bounded in size, and
// errors quote at most a short, escaped part of what was read.
package tfversion
