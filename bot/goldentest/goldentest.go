// Package goldentest compares what a test produced with a golden file:
// conversations written down as indented JSON that read like a
// specification, rewritten on purpose with the test's -update flag.
package goldentest

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
)

// Check compares got, as indented JSON without HTML escaping, with the file
// at path; with update set it writes the file instead.
func Check(t testing.TB, path string, got any, update bool) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(got); err != nil {
		t.Fatal(err)
	}
	if update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(want, buf.Bytes()) {
		t.Errorf("%s differs (go test -update rewrites it after a deliberate change):\n%s", path, buf.String())
	}
}
