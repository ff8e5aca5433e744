package reference

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) { os.Exit(controlPlane.Run(m)) }
