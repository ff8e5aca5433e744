// Package reference checks the reference deployment of Meltano and Apache
// Airflow on AWS that ships with tierdeploy: the Terraform module and its
// environment roots (terraform/), the Meltano chart (charts/meltano), and the
// tierdeploy configuration and values that join them (tierdeploy.reference.yaml,
// deploy/).
//
// The checks work offline: the Terraform code is read with
// terraform-config-inspect and HCL (no provider is downloaded), and the chart
// is linted and rendered with the Helm SDK on the client side, then every
// rendered object is decoded strictly into the Kubernetes API types.
package reference
