package cluster

import "fmt"

// KeyError means an inventory key of a cluster block is not in the
// inventory. Err is the inventory's *inventory.KeyError (naming the keys
// that exist, the environment and the commit), or wraps
// inventory.ErrNotFound when the environment has no inventory at all.
type KeyError struct {
	// Field is the configuration key, such as
	// "environments[0].cluster.endpoint".
	Field string
	// Key is the inventory key it names.
	Key string
	Err error
}

func (e *KeyError) Error() string {
	return fmt.Sprintf("%s: %v", e.Field, e.Err)
}

// Unwrap returns the inventory's error.
func (e *KeyError) Unwrap() error { return e.Err }

// ValueError means an inventory value of a cluster block is not what the
// field needs. Its message never repeats the value of a CA or a sensitive
// key.
type ValueError struct {
	// Field is the configuration key; Key the inventory key; Environment
	// the inventory's environment.
	Field, Key, Environment string
	// Problem says what is wrong, such as "is not an https URL".
	Problem string
}

func (e *ValueError) Error() string {
	return fmt.Sprintf("%s: inventory key %s of environment %s %s", e.Field, e.Key, e.Environment, e.Problem)
}
