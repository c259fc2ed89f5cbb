package cluster

import (
	"context"
	"errors"
	"testing"
	"time"

	"lifeline/coord"
)

// Each run of an instance from a data directory gets a new incarnation
// and learns the previous one, only once that run has let go of the
// directory, and only for the same instance id.
func TestClaimIncarnation(t *testing.T) {
	dir := t.TempDir()
	first, err := ClaimIncarnation(dir, "i1")
	if err != nil {
		t.Fatal(err)
	}
	if first.Previous != "" || first.ID == "" {
		t.Fatalf("first run: %+v, want a new id and no previous", first)
	}
	if _, err := ClaimIncarnation(dir, "i1"); !errors.Is(err, ErrDirInUse) {
		t.Fatalf("a second process on a held directory: %v, want ErrDirInUse", err)
	}
	first.Close() // the kernel does this when the process dies
	second, err := ClaimIncarnation(dir, "i1")
	if err != nil {
		t.Fatal(err)
	}
	if second.Previous != first.ID || second.ID == first.ID {
		t.Fatalf("second run: %+v, want previous %s and a new id", second, first.ID)
	}
	second.Close()
	other, err := ClaimIncarnation(dir, "i2")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if other.Previous != "" {
		t.Fatalf("another instance id from the same directory learnt previous %q, want none", other.Previous)
	}
}

// A restarted instance takes the leases its previous, ended run held at
// once, under a new token that fences that run's writes; a lease of the
// same holder name from any other run is waited out as usual.
func TestRestartTakesItsOwnLeasesAtOnce(t *testing.T) {
	node := ensuredSingle(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	open := func(inc, prev string) *Leases {
		ls, err := NewLeases(ctx, node.JetStream(), LeaseOptions{Incarnation: inc, Previous: prev})
		if err != nil {
			t.Fatal(err)
		}
		return ls
	}
	cases := []struct {
		name     string
		holder   string // the restarted run's instance id
		previous string // what its data directory says ran before
		wantHeld bool
	}{
		{name: "same instance, previous run known dead", holder: "i1", previous: "run-1"},
		{name: "same instance id, another run (a second machine)", holder: "i1", previous: "run-x", wantHeld: true},
		{name: "same instance id, no previous run known", holder: "i1", previous: "", wantHeld: true},
		{name: "another instance", holder: "i2", previous: "run-1", wantHeld: true},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			name := "partition." + string(rune('a'+i))
			crashed := open("run-1", "")
			old, err := crashed.Acquire(ctx, name, "i1", time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			restarted := open("run-2", tc.previous)
			got, err := restarted.Acquire(ctx, name, tc.holder, time.Hour)
			if tc.wantHeld {
				if !errors.Is(err, coord.ErrHeld) {
					t.Fatalf("acquire: %v, want ErrHeld", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("acquire of the previous run's lease: %v", err)
			}
			if got.Token <= old.Token {
				t.Fatalf("token %d after %d: the previous run is not fenced", got.Token, old.Token)
			}
			if _, err := crashed.Renew(ctx, old); !errors.Is(err, coord.ErrLost) {
				t.Fatalf("the previous run's renewal: %v, want ErrLost", err)
			}
		})
	}
}
