package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEvalUnderstand(t *testing.T) {
	dir := t.TempDir()
	data := "# labelled\ndanger\ten\twe are trapped on the roof\nsafe\tar\tالحمد لله تمام\nsafe\tar-latn\tana b5air\n"
	if err := os.WriteFile(filepath.Join(dir, "a.tsv"), []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"eval", "understand", "--data", dir}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, s := range []string{"messages 3", "danger missed: 0 of 1", "danger false alarms: 0 of 2", "ar-latn", "p99"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("output lacks %q:\n%s", s, out.String())
		}
	}
}

func TestEvalUnderstandErrors(t *testing.T) {
	empty := t.TempDir()
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "b.tsv"), []byte("unsure\ten\thello\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"eval"}, 2, "usage"},
		{[]string{"eval", "nonsense"}, 2, `unknown command "nonsense"`},
		{[]string{"eval", "understand", "--data", empty}, 1, "no *.tsv files"},
		{[]string{"eval", "understand", "--data", bad}, 1, `line 1: unknown class "unsure"`},
		{[]string{"eval", "understand", "--bogus"}, 2, "flag provided but not defined"},
	}
	for _, c := range cases {
		var out, errOut bytes.Buffer
		if code := run(c.args, &out, &errOut); code != c.code || !strings.Contains(errOut.String(), c.want) {
			t.Errorf("%v: exit %d stderr %q, want %d and %q", c.args, code, errOut.String(), c.code, c.want)
		}
	}
}
