package inventory_test

import (
	"bytes"
	"errors"
	"reflect"
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

// FuzzParseApplied checks that ParseApplied either rejects a record with an
// error that matches ErrInvalid, or accepts it and its canonical encoding is a
// fixed point: parsing it again gives the same record and the same bytes.
func FuzzParseApplied(f *testing.F) {
	f.Add([]byte(`{"schema":"tierdeploy.applied/v1","environment":"prod","stacks":{"infrastructure":` +
		`{"last":{"commit":"0123abc","at":"2026-03-04T05:06:07Z","run":"https://ci.example.test/1","inventory_version":3},` +
		`"started":{"commit":"4567def","at":"2026-03-04T06:06:07.5+02:00","run":"https://ci.example.test/2"}}}}`))
	f.Add([]byte(`{"schema":"tierdeploy.applied/v1","environment":"e","stacks":{}}`))
	f.Add([]byte(`{"schema":"tierdeploy.applied/v1","environment":"e","stacks":{"a":{"started":{"commit":"c","at":"0001-01-01T00:00:01Z"}}}}`))
	f.Add([]byte(`{"schema":"tierdeploy.applied/v1","environment":"e","stacks":{"a":{}}}`))
	f.Add([]byte(`{"schema":"tierdeploy.applied/v1","stacks":{"a":{"last":{"inventory_version":1e3}}}}`))
	f.Add([]byte(`{"schema":"tierdeploy.inventory/v1"}`))
	f.Add([]byte(`{"stacks":{"\ud800":null}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := inventory.ParseApplied(data)
		if err != nil {
			if !errors.Is(err, inventory.ErrInvalid) {
				t.Fatalf("error does not match ErrInvalid: %v", err)
			}
			if a != nil {
				t.Fatal("record returned with an error")
			}
			return
		}
		b1, err := a.Marshal()
		if err != nil {
			t.Fatalf("marshal a parsed record: %v", err)
		}
		a2, err := inventory.ParseApplied(b1)
		if err != nil {
			t.Fatalf("parse the canonical encoding %s: %v", b1, err)
		}
		b2, err := a2.Marshal()
		if err != nil {
			t.Fatalf("marshal again: %v", err)
		}
		if !bytes.Equal(b1, b2) {
			t.Fatalf("canonical encoding is not stable:\n%s\n%s", b1, b2)
		}
		if !reflect.DeepEqual(a, a2) {
			t.Fatalf("round trip changed the record:\n%+v\n%+v", a, a2)
		}
		indented, err := a.MarshalIndent()
		if err != nil {
			t.Fatalf("marshal indented: %v", err)
		}
		if _, err := inventory.ParseApplied(indented); err != nil {
			t.Fatalf("parse the indented encoding: %v", err)
		}
	})
}
