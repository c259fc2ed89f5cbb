package places

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"lifeline/store"
)

// importFile has a row with an id and two without: the second run of it
// must find the places the first wrote, whoever chose their ids.
const importFile = "id,name,kind,lat,lon,state\n" +
	"hall,Town hall,shelter,26.42,50.08,open\n" +
	",Corniche school,shelter,26.30,50.20,full\n" +
	",Clinic 4,clinic,26.28,50.21,open\n"

// importAudits counts the place.import entries in the audit log.
func importAudits(t *testing.T, db *store.DB) int {
	t.Helper()
	ctx := context.Background()
	var n int
	err := db.Read(ctx, func(r store.Reader) error {
		es, _, err := store.ListAudit(ctx, r, store.AuditFilter{}, 0)
		for _, e := range es {
			if e.Action == "place.import" {
				n++
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func storedPlaces(t *testing.T, svc *Service) []string {
	t.Helper()
	ps, err := svc.List(context.Background(), Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range ps {
		names = append(names, p.Name[DefaultLang]+"="+string(p.State))
	}
	return names
}

// TestImportCutShortIsCompletedByTheNextImport: an import stopped after
// some of its places are written (as by a crash) leaves those places and
// no audit entry; importing the same file again writes every place once
// and records the import.
func TestImportCutShortIsCompletedByTheNextImport(t *testing.T) {
	for _, stopAfter := range []int{0, 1, 2} {
		ctx := context.Background()
		db := openDB(t)
		svc := NewService(Options{DB: db, Logger: zerolog.Nop()})
		crash := errors.New("power cut")
		svc.importStep = func(i int) error {
			if i == stopAfter {
				return crash
			}
			return nil
		}
		_, err := svc.Import(ctx, strings.NewReader(importFile), admin)
		if !errors.Is(err, crash) || !strings.Contains(err.Error(), "import the same file again") {
			t.Fatalf("stop after row %d: %v, want the cut and how to complete it", stopAfter, err)
		}
		if got := len(storedPlaces(t, svc)); got != stopAfter+1 {
			t.Errorf("stop after row %d: %d places stored, want %d", stopAfter, got, stopAfter+1)
		}
		if n := importAudits(t, db); n != 0 {
			t.Errorf("stop after row %d: %d import audit entries before completion, want 0", stopAfter, n)
		}

		// A restart: a fresh service over the same store imports again.
		again := NewService(Options{DB: db, Logger: zerolog.Nop()})
		if err := again.Load(ctx); err != nil {
			t.Fatal(err)
		}
		res, err := again.Import(ctx, strings.NewReader(importFile), admin)
		if err != nil {
			t.Fatalf("stop after row %d: import again: %v", stopAfter, err)
		}
		if want := (ImportResult{Rows: 3, Created: 3 - (stopAfter + 1), Updated: stopAfter + 1}); res != want {
			t.Errorf("stop after row %d: import again %+v, want %+v", stopAfter, res, want)
		}
		got := strings.Join(storedPlaces(t, again), ", ")
		if want := "Town hall=open, Clinic 4=open, Corniche school=full"; !sameSet(got, want) {
			t.Errorf("stop after row %d: stored %s, want %s", stopAfter, got, want)
		}
		if n := importAudits(t, db); n != 1 {
			t.Errorf("stop after row %d: %d import audit entries, want 1", stopAfter, n)
		}
		if n := again.Index().Len(KindShelter); n != 2 {
			t.Errorf("stop after row %d: %d shelters indexed, want 2", stopAfter, n)
		}
	}
}

func sameSet(a, b string) bool {
	as, bs := strings.Split(a, ", "), strings.Split(b, ", ")
	if len(as) != len(bs) {
		return false
	}
	seen := map[string]int{}
	for _, s := range as {
		seen[s]++
	}
	for _, s := range bs {
		if seen[s]--; seen[s] < 0 {
			return false
		}
	}
	return true
}

// TestImportTwiceAddsNothing: the same file imported twice replaces
// what it added, and two rows that are one place are refused.
func TestImportTwiceAddsNothing(t *testing.T) {
	ctx := context.Background()
	svc := NewService(Options{DB: openDB(t), Logger: zerolog.Nop()})
	for i, want := range []ImportResult{{Rows: 3, Created: 3}, {Rows: 3, Updated: 3}} {
		res, err := svc.Import(ctx, strings.NewReader(importFile), admin)
		if err != nil || res != want {
			t.Errorf("import %d: %+v %v, want %+v", i+1, res, err, want)
		}
	}
	if n := len(storedPlaces(t, svc)); n != 3 {
		t.Errorf("%d places after two imports of one file, want 3", n)
	}
	_, err := svc.Import(ctx, strings.NewReader("name,kind,lat,lon\nWell,water,2,2\nwell ,water,2.0,2\n"), admin)
	var ie *ImportError
	if !errors.As(err, &ie) || len(ie.Rows) != 1 || ie.Rows[0].Row != 3 || !strings.Contains(ie.Rows[0].Message, "row 2") {
		t.Errorf("one place on two rows: %v", err)
	}
}
