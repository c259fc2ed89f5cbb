package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"lifeline/store"
	"lifeline/store/storetest"
)

const backupKeys = 3000

// writeBackup makes a backup file of a store holding backupKeys contacts.
func writeBackup(t *testing.T, dir string) string {
	t.Helper()
	db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for first := 0; first < backupKeys; first += 500 { // transactions well under badger's size limit
		storetest.Write(t, db, func(ctx context.Context, w store.Writer) error {
			for i := first; i < min(first+500, backupKeys); i++ {
				if err := store.PutContact(ctx, w, store.Contact{WaID: fmt.Sprintf("1555%07d", i), Name: "Contact"}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	var buf bytes.Buffer
	if _, err := db.Backup(&buf, 0); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(dir, "good.backup")
	if err := os.WriteFile(name, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

// A restore that fails at any point leaves the target as it was (absent),
// nothing that a server would open, and a rerun succeeds.
func TestInterruptedRestoreLeavesNothingAndARerunWorks(t *testing.T) {
	cases := []struct {
		name      string
		interrupt func(t *testing.T, good, target string) error // the failed attempt
	}{
		{"backup cut short", func(t *testing.T, good, target string) error {
			b, err := os.ReadFile(good)
			if err != nil {
				t.Fatal(err)
			}
			cut := filepath.Join(filepath.Dir(good), "cut.backup")
			if err := os.WriteFile(cut, b[:len(b)*2/3], 0o600); err != nil {
				t.Fatal(err)
			}
			_, err = restorer{}.restore(cut, target, nil)
			return err
		}},
		{"failure just before the rename", func(t *testing.T, good, target string) error {
			_, err := restorer{beforeRename: func(string) error { return errors.New("injected: power lost") }}.restore(good, target, nil)
			return err
		}},
		{"process killed: staging directory left behind", func(t *testing.T, good, target string) error {
			// A kill skips the clean-up: keep the staging directory as it was.
			var staged string
			_, err := restorer{beforeRename: func(staging string) error {
				staged = staging + ".kept"
				return os.Rename(staging, staged)
			}}.restore(good, target, nil)
			if err := os.Rename(staged, strings.TrimSuffix(staged, ".kept")); err != nil {
				t.Fatal(err)
			}
			left, _ := filepath.Glob(target + ".restore-*")
			if len(left) != 1 {
				t.Fatalf("staging directories left: %v", left)
			}
			// Pointed at by mistake, the server refuses it.
			cfg := defaultConfig()
			cfg.DataDir = left[0]
			if inst, err := start(cfg, zerolog.Nop(), &bytes.Buffer{}); err == nil {
				inst.close()
				t.Error("the server started on a half-restored directory")
			} else if !strings.Contains(err.Error(), "unfinished restore") {
				t.Errorf("start error = %v, want it to name the unfinished restore", err)
			}
			return err
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			good := writeBackup(t, dir)
			target := filepath.Join(dir, "data")
			if err := c.interrupt(t, good, target); err == nil {
				t.Fatal("the interrupted restore reported success")
			}
			if entries, err := os.ReadDir(target); err == nil && len(entries) > 0 || err != nil && !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("the failed restore left %d entries in the target (%v)", len(entries), err)
			}

			var out bytes.Buffer
			rep, err := restorer{out: &out}.restore(good, target, nil)
			if err != nil {
				t.Fatalf("rerun: %v", err)
			}
			if rep.Keys < backupKeys {
				t.Errorf("rerun verified %d keys, want %d", rep.Keys, backupKeys)
			}
			if left, _ := filepath.Glob(target + ".restore-*"); len(left) > 0 {
				t.Errorf("staging directories left after the rerun: %v", left)
			}
			db, err := store.Open(store.Options{Dir: filepath.Join(target, "store"), Logger: zerolog.Nop()})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			n := 0
			if err := db.Read(context.Background(), func(r store.Reader) error {
				return store.EachContact(context.Background(), r, "", func(*store.Contact) error { n++; return nil })
			}); err != nil || n != backupKeys {
				t.Errorf("restored store holds %d contacts (%v), want %d", n, err, backupKeys)
			}
		})
	}
}

// The verify command names damage and exits 1; a good directory or backup
// exits 0 with a summary.
func TestVerifyCommand(t *testing.T) {
	dir := t.TempDir()
	good := writeBackup(t, dir)
	data := filepath.Join(dir, "data")
	if _, err := (restorer{}).restore(good, data, nil); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(good)
	cut := filepath.Join(dir, "cut.backup")
	if err := os.WriteFile(cut, b[:len(b)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	noManifest := filepath.Join(dir, "broken")
	if _, err := (restorer{}).restore(good, noManifest, nil); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(noManifest, "store", "MANIFEST")); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		code int
		says string
	}{
		{[]string{"verify", "--data", data}, 0, fmt.Sprintf("%d keys", backupKeys)},
		{[]string{"verify", good}, 0, fmt.Sprintf("OK: backup %s: %d keys", good, backupKeys)},
		{[]string{"verify", cut}, 1, "DAMAGED: backup"},
		{[]string{"verify", "--data", noManifest}, 1, "MANIFEST file is missing"},
		{[]string{"verify", "--data", data, good}, 2, "usage"},
	}
	for _, c := range cases {
		var o, e bytes.Buffer
		code := run(c.args, &o, &e)
		if code != c.code || !strings.Contains(o.String()+e.String(), c.says) {
			t.Errorf("%v: exit %d, %s%s; want exit %d saying %q", c.args, code, o.String(), e.String(), c.code, c.says)
		}
	}
}

// A server pointed at a damaged store refuses to start and says how to restore.
func TestServeRefusesADamagedStore(t *testing.T) {
	dir := t.TempDir()
	good := writeBackup(t, dir)
	cfg := defaultConfig()
	cfg.DataDir = filepath.Join(dir, "data")
	if _, err := (restorer{}).restore(good, cfg.DataDir, nil); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(cfg.DataDir, "store", "MANIFEST")); err != nil {
		t.Fatal(err)
	}
	inst, err := start(cfg, zerolog.Nop(), &bytes.Buffer{})
	if err == nil {
		inst.close()
		t.Fatal("the server started on a store without its MANIFEST")
	}
	for _, want := range []string{"MANIFEST file is missing", "lifeline restore FILE.backup --data NEW_DIR"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("start error does not say %q:\n%v", want, err)
		}
	}
	if ssts, _ := filepath.Glob(filepath.Join(cfg.DataDir, "store", "*.sst")); len(ssts) == 0 {
		t.Error("the table files were deleted")
	}
}
