package kubetest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNamespacePrefix(t *testing.T) {
	tests := map[string]string{
		"TestInstall":                      "testinstall-",
		"TestUpgrade/rolls_back_on_FAIL":   "testupgrade-rolls-back-on-fail-",
		"///":                              "test-",
		strings.Repeat("TestVeryLong", 10): "testverylongtestverylongtestverylongtest-",
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			require.Equal(t, want, namespacePrefix(in))
		})
	}
}
