package tfinstall

import (
	"bytes"
	"embed"
	"fmt"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/tierdeploy/tierdeploy/internal/tfversion"
)

// Primary key fingerprints of the release signing keys, as the products
// publish them (keys/README.md).
const (
	HashiCorpFingerprint = "C874011F0AB405110D02105534365D9472D7468F"
	OpenTofuFingerprint  = "E3E6E43D84CB852EADB0051D0C0AF313E5FD9F80"
)

//go:embed keys/*.asc
var keyFiles embed.FS

// Keys are the OpenPGP public keys trusted to sign each product's checksum
// files.
type Keys map[tfversion.Product]openpgp.EntityList

// EmbeddedKeys returns the release signing keys built into tierdeploy. It
// fails if an embedded file does not hold the key whose fingerprint is
// pinned above.
func EmbeddedKeys() (Keys, error) {
	out := Keys{}
	for _, k := range []struct {
		product     tfversion.Product
		file        string
		fingerprint string
	}{
		{tfversion.Terraform, "keys/hashicorp.asc", HashiCorpFingerprint},
		{tfversion.OpenTofu, "keys/opentofu.asc", OpenTofuFingerprint},
	} {
		data, err := keyFiles.ReadFile(k.file)
		if err != nil {
			return nil, fmt.Errorf("read embedded key %s: %w", k.file, err)
		}
		list, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("read embedded key %s: %w", k.file, err)
		}
		if len(list) != 1 || Fingerprint(list[0]) != k.fingerprint {
			return nil, fmt.Errorf("embedded key %s is not the %s release key %s", k.file, k.product.Name(), k.fingerprint)
		}
		out[k.product] = list
	}
	return out, nil
}

// Fingerprint returns the primary key fingerprint of e in upper-case hex.
func Fingerprint(e *openpgp.Entity) string {
	return strings.ToUpper(fmt.Sprintf("%x", e.PrimaryKey.Fingerprint))
}
