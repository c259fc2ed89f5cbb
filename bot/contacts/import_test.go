package contacts

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/cluster/jsstore/jstest"
	"lifeline/store"
)

// importCSV is a file of n contacts 9665xxxxxxxx tagged with tag, each
// opted in; the first one is the number every test also stores beforehand.
func importCSV(n int, tag string) string {
	var b strings.Builder
	b.WriteString("phone,name,tags,opted_in\n")
	for i := range n {
		fmt.Fprintf(&b, "+9665%08d,Person %d,%s,yes\n", i, i, tag)
	}
	return b.String()
}

// census counts the contacts carrying tag, staged rows and markers.
func census(t *testing.T, db *store.DB, tag string) (tagged, staged int, marker bool) {
	t.Helper()
	ctx := context.Background()
	err := db.Read(ctx, func(tx store.Reader) error {
		if err := Each(tx, "", func(c *store.Contact) error {
			for _, x := range c.Tags {
				if x == tag {
					tagged++
				}
			}
			return nil
		}); err != nil {
			return err
		}
		ids, err := store.StagedContactImports(ctx, tx)
		if err != nil {
			return err
		}
		for _, id := range ids {
			rows, err := store.StagedContactRows(ctx, tx, id, 0, 0)
			if err != nil {
				return err
			}
			staged += len(rows)
		}
		marker, err = store.HasContactImport(ctx, tx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tagged, staged, marker
}

const crashRows = 20_000

// TestImportCrashChild is the process that dies mid-import (os.Exit skips
// every deferred cleanup, like kill -9); it only runs when the crash test
// starts it.
func TestImportCrashChild(t *testing.T) {
	dir, phase := os.Getenv("LIFELINE_TEST_IMPORT_DIR"), os.Getenv("LIFELINE_TEST_IMPORT_CRASH")
	if dir == "" {
		t.Skip("run by TestImportIsAllOrNothingAcrossACrash")
	}
	after, _ := strconv.Atoi(os.Getenv("LIFELINE_TEST_IMPORT_AFTER"))
	db, err := store.Open(store.Options{Dir: dir, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewImporter(db).Import(strings.NewReader(importCSV(crashRows, "crash")), ImportOptions{Source: "test", Now: now,
		Commit: func(w store.Writer, info ImportInfo) error {
			_, err := store.AppendAuditEvent(context.Background(), w, store.ContactImportScope(), store.AuditEntry{At: now, Actor: "test", Action: "contact.import",
				Target: "import=" + info.ID, Detail: strconv.Itoa(info.Rows)})
			return err
		},
		Progress: func(p string, done int) error {
			if p == phase && done >= after {
				os.Exit(3)
			}
			return nil
		}})
	t.Fatalf("the import finished (%v) instead of dying in %s after %d rows", err, phase, after)
}

// A crash in the middle of a big import leaves all its rows or none once
// the store is opened again, and the import is audited exactly when its
// rows are there.
func TestImportIsAllOrNothingAcrossACrash(t *testing.T) {
	for _, tc := range []struct {
		label     string
		phase     string
		after     int
		wantRows  int
		completed bool
	}{
		{"killed while staging: nothing applied", PhaseStage, 10_000, 1, false},
		{"killed while applying: finished at the next start", PhaseApply, 5_000, crashRows, true},
	} {
		t.Run(tc.label, func(t *testing.T) {
			dir := t.TempDir()
			db, err := store.Open(store.Options{Dir: dir, Logger: zerolog.Nop()})
			if err != nil {
				t.Fatal(err)
			}
			// One contact of the file is already known, with another tag.
			if _, err := Import(db, strings.NewReader("phone,name,tags\n+966500000000,Known,crash\n"), "test", now); err != nil {
				t.Fatal(err)
			}
			db.Close()

			cmd := exec.Command(os.Args[0], "-test.run=^TestImportCrashChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), "LIFELINE_TEST_IMPORT_DIR="+dir, "LIFELINE_TEST_IMPORT_CRASH="+tc.phase,
				"LIFELINE_TEST_IMPORT_AFTER="+strconv.Itoa(tc.after))
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 3 {
				t.Fatalf("the importing process did not die mid-import: %v\n%s", err, out)
			}

			db, err = store.Open(store.Options{Dir: dir, Logger: zerolog.Nop()})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			rec, err := Recover(db)
			if err != nil {
				t.Fatal(err)
			}
			if rec.Completed != tc.completed || rec.RolledBack == tc.completed || rec.ID == "" {
				t.Fatalf("recovered %+v, want completed=%v", rec, tc.completed)
			}
			tagged, staged, marker := census(t, db, "crash")
			if tagged != tc.wantRows || staged != 0 || marker {
				t.Fatalf("%d contacts from the file (want %d), %d staged rows left, marker left %v", tagged, tc.wantRows, staged, marker)
			}
			audited := 0
			ctx := context.Background()
			if err := db.Read(ctx, func(r store.Reader) error {
				entries, _, err := store.ListAudit(ctx, r, store.AuditFilter{}, 100)
				audited = len(entries)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if want := map[bool]int{true: 1, false: 0}[tc.completed]; audited != want {
				t.Fatalf("%d audit entries for the import, want %d", audited, want)
			}
			if c := get(t, db, "966500000000"); tc.completed != (c.Name == "Person 0") {
				t.Fatalf("the known contact is %+v", c)
			}
			// The store takes the next import as usual.
			res, err := Import(db, strings.NewReader(importCSV(10, "after")), "test", now)
			if err != nil || res.Rows != 10 {
				t.Fatalf("import after recovery: %+v %v", res, err)
			}
		})
	}
}

// An import that fails before its commit (here: its progress callback
// gives up halfway through staging) changes nothing.
func TestImportFailingMidwayAppliesNothing(t *testing.T) {
	db := openDB(t)
	im := NewImporter(db)
	boom := errors.New("disk trouble")
	_, err := im.Import(strings.NewReader(importCSV(12_000, "half")), ImportOptions{Source: "test", Now: now,
		Progress: func(phase string, done int) error {
			if phase == PhaseStage && done >= 5000 {
				return boom
			}
			return nil
		}})
	if !errors.Is(err, boom) {
		t.Fatalf("error %v", err)
	}
	if tagged, staged, marker := census(t, db, "half"); tagged != 0 || staged != 0 || marker {
		t.Fatalf("after a failed import: %d contacts, %d staged rows, marker %v", tagged, staged, marker)
	}
	if res, err := im.Import(strings.NewReader(importCSV(10, "half")), ImportOptions{Source: "test", Now: now}); err != nil || res.Created != 10 {
		t.Fatalf("next import: %+v %v", res, err)
	}
}

// Two imports at once: the second is refused, whether it comes through the
// same importer or another one, and the files never mix.
func TestConcurrentImportsOneAtATime(t *testing.T) {
	db := openDB(t)
	im := NewImporter(db)
	staged, release := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	var first Result
	var firstErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		once := sync.Once{}
		first, firstErr = im.Import(strings.NewReader(importCSV(8000, "first")), ImportOptions{Source: "a", Now: now,
			Progress: func(phase string, done int) error {
				once.Do(func() { close(staged); <-release })
				return nil
			}})
	}()
	<-staged
	for label, other := range map[string]*Importer{"same importer": im, "another importer": NewImporter(db)} {
		if _, err := other.Import(strings.NewReader(importCSV(100, "second")), ImportOptions{Source: "b", Now: now}); !errors.Is(err, ErrImportRunning) {
			t.Fatalf("%s: a second import while one runs: %v, want ErrImportRunning", label, err)
		}
	}
	close(release)
	wg.Wait()
	if firstErr != nil || first.Created != 8000 {
		t.Fatalf("first import: %+v %v", first, firstErr)
	}
	if n, _, _ := census(t, db, "second"); n != 0 {
		t.Fatalf("%d contacts of the refused file", n)
	}
	if n, _, marker := census(t, db, "first"); n != 8000 || marker {
		t.Fatalf("%d contacts of the first file, marker %v", n, marker)
	}
	if _, err := im.Import(strings.NewReader(importCSV(100, "second")), ImportOptions{Source: "b", Now: now}); err != nil {
		t.Fatalf("an import after the first finished: %v", err)
	}
}

// A chunk of a committed import is applied in two steps: each contact in
// its person's scope, then the chunk's staged rows deleted in the
// import's. Cut short after the first (the contacts written, the rows
// still staged), the next start completes the import, and nothing is
// applied twice: one contact per row, one consent event per person.
func TestImportCutShortBetweenContactsAndStagedRowsIsCompleted(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	if _, err := Import(db, strings.NewReader("phone,name,tags\n+966500000000,Known,cut\n"), "test", now); err != nil {
		t.Fatal(err)
	}
	const rows = applyBatch + 500 // two chunks
	im := NewImporter(db)
	parsed, err := parse(strings.NewReader(importCSV(rows, "cut")))
	if err != nil {
		t.Fatal(err)
	}
	m, err := im.begin(ImportOptions{Source: "test", Now: now}, len(parsed))
	if err != nil {
		t.Fatal(err)
	}
	if err := im.stage(m.ID, parsed, nil); err != nil {
		t.Fatal(err)
	}
	if err := im.commit(m, nil); err != nil {
		t.Fatal(err)
	}
	// Step one of the first chunk, then the process dies.
	marker, chunk, staged, err := readChunk(ctx, db, m.ID)
	if err != nil || len(chunk) != applyBatch {
		t.Fatalf("first chunk: %d rows, %v", len(chunk), err)
	}
	if _, err := db.WriteEach(ctx, contactWrites(ctx, marker, chunk, staged, make([]bool, len(chunk)))); err != nil {
		t.Fatalf("contacts of the first chunk: %v", err)
	}
	if tagged, left, _ := census(t, db, "cut"); tagged != applyBatch || left != rows {
		t.Fatalf("after the cut: %d contacts from the file, %d rows staged; want %d and %d", tagged, left, applyBatch, rows)
	}

	rec, err := Recover(db)
	if err != nil || !rec.Completed {
		t.Fatalf("recover: %+v %v", rec, err)
	}
	if tagged, left, marked := census(t, db, "cut"); tagged != rows || left != 0 || marked {
		t.Fatalf("after recovery: %d contacts from the file (want %d), %d staged rows, marker %v", tagged, rows, left, marked)
	}
	for _, id := range []string{"966500000000", "966500000001", fmt.Sprintf("9665%08d", rows-1)} {
		var log []store.ConsentEvent
		if err := db.Read(ctx, func(r store.Reader) (err error) {
			log, err = store.ConsentLog(ctx, r, id)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(log) != 1 || !log[0].OptIn {
			t.Errorf("%s has %d consent events %+v, want the import's one opt-in", id, len(log), log)
		}
	}
}

// An import larger than one JetStream transaction (1,000 records) goes
// through on JetStream: each round's staged rows are deleted, with the
// marker, in one transaction of the import's scope.
func TestImportOfMoreRowsThanOneJetStreamTransaction(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an embedded NATS node")
	}
	db := jstest.OpenDB(t)
	const rows = applyBatch + 150 // one round of 1,050 deletes and the marker before
	res, err := NewImporter(db).Import(strings.NewReader(importCSV(rows, "big")), ImportOptions{Source: "test", Now: time.Now()})
	if err != nil {
		t.Fatalf("import of %d rows on JetStream: %v", rows, err)
	}
	if res.Created != rows {
		t.Fatalf("created %d contacts, want %d", res.Created, rows)
	}
	if tagged, staged, marker := census(t, db, "big"); tagged != rows || staged != 0 || marker {
		t.Fatalf("after the import: %d tagged, %d staged rows left, marker %v; want %d, 0, false", tagged, staged, marker, rows)
	}
}
