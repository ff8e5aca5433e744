package tfversion

import (
	"path/filepath"
	"strings"
)

// Product is the Terraform-compatible CLI a stack runs. Its value is the
// name of the binary.
type Product string

// The products tierdeploy can install.
const (
	OpenTofu  Product = "tofu"
	Terraform Product = "terraform"
)

// Products lists the products in the order they are looked up on PATH.
var Products = []Product{OpenTofu, Terraform}

// ParseProduct returns the product whose binary name is s.
func ParseProduct(s string) (Product, bool) {
	switch Product(s) {
	case OpenTofu, Terraform:
		return Product(s), true
	}
	return "", false
}

// Name is the product's name for people: "OpenTofu" or "Terraform".
func (p Product) Name() string {
	switch p {
	case OpenTofu:
		return "OpenTofu"
	case Terraform:
		return "Terraform"
	}
	return string(p)
}

// Binary is the name of the product's executable.
func (p Product) Binary() string { return string(p) }

// String returns Name.
func (p Product) String() string { return p.Name() }

// productOfFile guesses the product of an executable from its file name:
// tofu for names that start with "tofu", terraform otherwise.
func productOfFile(path string) Product {
	if strings.HasPrefix(filepath.Base(path), "tofu") {
		return OpenTofu
	}
	return Terraform
}

// DefaultProduct is the product used when nothing names one: the first of
// tofu and terraform that lookPath finds, else OpenTofu (the product of
// tierdeploy's image). lookPath is exec.LookPath outside tests.
func DefaultProduct(lookPath func(string) (string, error)) Product {
	for _, p := range Products {
		if _, err := lookPath(p.Binary()); err == nil {
			return p
		}
	}
	return OpenTofu
}
