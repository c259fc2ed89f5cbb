package kb

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/coord"
	"lifeline/store"
)

// openIncidents is the test's incident gate: the ids it holds are open.
type openIncidents map[string]bool

func (o openIncidents) admit(_ context.Context, _ store.Reader, id string) error {
	if !o[id] {
		return fmt.Errorf("incident %s is closed: %w", id, ErrConflict)
	}
	return nil
}

// Two instances on one store and one bus: an entry added on one answers
// on the other, and a close on one ends it on both, without a restart.
func TestOverlayAcrossInstances(t *testing.T) {
	db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	bus := coord.NewMemoryBus()
	defer bus.Close()
	a, err := OpenWith(db, zerolog.Nop(), Options{Bus: bus})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := OpenWith(db, zerolog.Nop(), Options{Bus: bus})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	gate := openIncidents{"inc000001": true}
	ctx := context.Background()
	q := "Is the Dammam plant open tomorrow?"
	firstIncident := func(k *KB) string {
		r := k.Search(q, "", 3)
		if r.Decision != DecisionAnswer {
			return ""
		}
		return r.Results[0].Incident
	}
	waitFor := func(label string, k *KB, want string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for firstIncident(k) != want {
			if time.Now().After(deadline) {
				t.Fatalf("%s: first answer's incident %q, want %q", label, firstIncident(k), want)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	if _, err := a.AddOverlay(ctx, "inc000001", Entry{ID: "plant-open", Question: q, Answer: "No, until Thursday."}, "admin", gate.admit); err != nil {
		t.Fatal(err)
	}
	if got := firstIncident(a); got != "inc000001" {
		t.Fatalf("the instance that added it answers from %q", got)
	}
	waitFor("the other instance", b, "inc000001")

	// A new FAQ version keeps the overlay.
	if _, err := b.CreateEntry(Entry{ID: "plant-hours", Question: "What are the plant's opening hours?", Answer: "8 to 5."}); err != nil {
		t.Fatal(err)
	}
	if got := firstIncident(b); got != "inc000001" {
		t.Fatalf("after an FAQ edit the overlay answers from %q", got)
	}

	gate["inc000001"] = false
	if err := db.WriteAny(ctx, func(w store.Writer) error { return CloseOverlay(ctx, w, "inc000001", time.Now()) }); err != nil {
		t.Fatal(err)
	}
	OverlayCloser{KB: a}.Closed("inc000001")
	if got := firstIncident(a); got != "" {
		t.Fatalf("after the close the overlay still answers (%q)", got)
	}
	waitFor("the other instance after the close", b, "")
	if _, err := a.AddOverlay(ctx, "inc000001", Entry{Question: q, Answer: "x"}, "admin", gate.admit); !errors.Is(err, ErrConflict) {
		t.Fatalf("add to a closed incident: %v", err)
	}
	es, err := a.Overlay(ctx, "inc000001")
	if err != nil || len(es) != 1 || es[0].ClosedAt.IsZero() {
		t.Fatalf("the closed incident's entries: %+v %v, want one with closed_at", es, err)
	}
}
