package inventory_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

// FuzzParse checks that Parse either rejects a document with an error that
// matches ErrInvalid, or accepts it and its canonical encoding is a fixed
// point: parsing it again gives the same document and the same bytes.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"schema":"tierdeploy.inventory/v1","environment":"prod","tier":"infra","commit":"abc",` +
		`"created":"2026-03-04T05:06:07Z","sensitive":["p"],"values":{"p":"x","a":{"b":[1,2.5e3,null,true]}}}`))
	f.Add([]byte(`{"schema":"tierdeploy.inventory/v1","environment":"e","tier":"t","commit":"",` +
		`"created":"2026-03-04T05:06:07.123+02:00","values":{}}`))
	f.Add([]byte(`{"schema":"tierdeploy.inventory/v2"}`))
	f.Add([]byte(`{"schema":"tierdeploy.inventory/v1","schema":"x"}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"values":{"a":"\u003c\ud800"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := inventory.Parse(data)
		if err != nil {
			if !errors.Is(err, inventory.ErrInvalid) {
				t.Fatalf("error does not match ErrInvalid: %v", err)
			}
			if d != nil {
				t.Fatal("document returned with an error")
			}
			return
		}
		b1, err := d.Marshal()
		if err != nil {
			t.Fatalf("marshal a parsed document: %v", err)
		}
		d2, err := inventory.Parse(b1)
		if err != nil {
			t.Fatalf("parse the canonical encoding %s: %v", b1, err)
		}
		b2, err := d2.Marshal()
		if err != nil {
			t.Fatalf("marshal again: %v", err)
		}
		if !bytes.Equal(b1, b2) {
			t.Fatalf("canonical encoding is not stable:\n%s\n%s", b1, b2)
		}
		if !d.SameContent(d2) {
			t.Fatal("round trip changed the content")
		}
		indented, err := d.MarshalIndent()
		if err != nil {
			t.Fatalf("marshal indented: %v", err)
		}
		if _, err := inventory.Parse(indented); err != nil {
			t.Fatalf("parse the indented encoding: %v", err)
		}
	})
}
