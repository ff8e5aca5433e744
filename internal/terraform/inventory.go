package terraform

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// InventoryVarsFile is the variables file through which a Terraform stage
// of the project tier receives the inventory: Terraform loads every
// *.auto.tfvars.json file of the root module's directory, so the file is
// written there, into the stage's directory in the repository checkout, for
// as long as the stage runs, and removed afterwards. It sets one variable,
// "inventory", which the configuration declares (an undeclared one only
// draws a warning).
const InventoryVarsFile = "inventory.auto.tfvars.json"

// WriteInventoryVars writes {"inventory": values} to InventoryVarsFile in
// dir, atomically (a temporary file renamed into place) and readable by the
// owner only, since the inventory may hold sensitive values. cleanup removes
// the file; call it when the stage is done, also on failure: the file must
// never be left behind in the repository. A file of that name that already
// exists is an error rather than overwritten: it belongs to the user, or to
// a run that was killed.
func WriteInventoryVars(dir string, values json.RawMessage) (cleanup func(), err error) {
	if !json.Valid(values) {
		return nil, errors.New("write inventory variables: the inventory is not valid JSON")
	}
	path := filepath.Join(dir, InventoryVarsFile)
	if _, err := os.Lstat(path); err == nil {
		return nil, fmt.Errorf("write inventory variables: %s already exists: tierdeploy writes it during a run "+
			"from the inventory; remove it (and keep it out of version control)", path)
	}
	var body bytes.Buffer
	body.WriteString(`{"inventory":`)
	if err := json.Compact(&body, values); err != nil {
		return nil, fmt.Errorf("write inventory variables: %w", err)
	}
	body.WriteString("}\n")

	// The temporary name does not end in .auto.tfvars.json, so Terraform
	// never loads a half-written file.
	tmp, err := os.CreateTemp(dir, "."+InventoryVarsFile+".*")
	if err != nil {
		return nil, fmt.Errorf("write inventory variables: %w", err)
	}
	_, err = tmp.Write(body.Bytes())
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("write inventory variables: %w", err)
	}
	var once sync.Once
	return func() { once.Do(func() { os.Remove(path) }) }, nil
}
