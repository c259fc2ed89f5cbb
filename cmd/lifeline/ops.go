package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"lifeline/store"
)

// serveStarting answers every request with 503 (and /healthz with 200)
// while the server starts, so that a load balancer's readiness probe sees
// "not ready" rather than a refused connection. The returned function
// stops it and frees the address for the real server. If the address
// cannot be taken, it does nothing: the real server will report that.
func serveStarting(addr string, log zerolog.Logger) func() {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return func() {}
	}
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After", "5")
		if r.URL.Path == "/healthz" {
			fmt.Fprint(w, `{"status":"ok","ready":false}`)
			return
		}
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, `{"status":"not ready","reason":"starting: the store is opening and the FAQ index is building"}`)
	})}
	go func() { _ = srv.Serve(ln) }()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			log.Warn().Err(err).Msg("stop start-up responder")
		}
	}
}

// checkWritable fails early, and clearly, when the data directory cannot
// be written: badger's own error would come later and say less.
func checkWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".write-check-*")
	if err != nil {
		return fmt.Errorf("data directory %s is not writable (%v): Lifeline must be able to write there to acknowledge any message; check its permissions, that the disk is mounted read-write and not full", dir, err)
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// explainOpen adds what an operator can do about the usual open failures.
func explainOpen(err error, cfg Config) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "Cannot acquire directory lock"):
		return fmt.Errorf("%w\n(another lifeline process is using %s; stop it first)", err, cfg.DataDir)
	case strings.Contains(msg, "Encryption key mismatch") || strings.Contains(msg, "encryption key") && len(cfg.EncryptionKey) > 0:
		return fmt.Errorf("%w\n(the data directory was encrypted with a different LIFELINE_ENCRYPTION_KEY; see README, Backup and restore, to change keys)", err)
	case errors.Is(err, store.ErrDamaged):
		return fmt.Errorf("%w\nThe server will not start on a damaged store: it would run without the records that are lost or unreadable.\n"+
			"Keep this directory for analysis and restore the latest backup into a new one:\n"+
			"    lifeline restore FILE.backup --data NEW_DIR\n"+
			"then start with LIFELINE_DATA_DIR=NEW_DIR. `lifeline verify --data DIR` checks a directory, `lifeline verify FILE.backup` a backup", err)
	case strings.Contains(msg, "no space left"):
		return fmt.Errorf("%w\n(the disk holding %s is full)", err, cfg.DataDir)
	}
	return err
}

// runBackup asks a running server for its online backup and writes it to a file.
func runBackup(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "file to write the backup to (required)")
	defServer, defToken := clientDefaults(getenv)
	server := fs.String("server", defServer, "base URL of the running server (LIFELINE_SERVER)")
	token := fs.String("token", defToken, "admin API token (LIFELINE_TOKEN)")
	since := fs.Uint64("since", 0, "only what changed after this version (incremental)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *out == "" || *token == "" {
		fmt.Fprintln(stderr, "lifeline backup: --out and --token (or LIFELINE_TOKEN) are required")
		return 2
	}
	if err := backupTo(*server, *token, *out, *since); err != nil {
		fmt.Fprintf(stderr, "lifeline backup: %v\n", err)
		return 1
	}
	fi, _ := os.Stat(*out)
	fmt.Fprintf(stdout, "backup written to %s (%d bytes)\n", *out, fi.Size())
	return 0
}

func backupTo(server, token, out string, since uint64) error {
	req, err := http.NewRequest("GET", strings.TrimRight(server, "/")+fmt.Sprintf("/admin/backup?since=%d", since), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("reach %s: %w", server, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
		return fmt.Errorf("server answered %s: %s", resp.Status, strings.TrimSpace(string(b)))
	}
	// Write beside the target and rename, so a failed backup never leaves
	// a truncated file under the name an operator will restore from.
	tmp, err := os.CreateTemp(filepath.Dir(out), ".lifeline-backup-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, resp.Body); err != nil {
		tmp.Close()
		return fmt.Errorf("download backup: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := verifyBackup(tmp.Name()); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), out)
}

// verifyBackup loads the file into a throwaway in-memory store: a stream
// cut short by a dropped connection fails here, not on the day of a restore.
func verifyBackup(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := store.VerifyBackup(f); err != nil {
		return fmt.Errorf("the downloaded backup is incomplete or damaged: %w", err)
	}
	return nil
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
