package main

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// A graceful stop returns close's own result when close finishes within
// the budget, and an error naming the budget when it does not, without
// waiting for close any longer.
func TestCloseWithinBoundsTheStop(t *testing.T) {
	stuck := make(chan struct{})
	defer close(stuck)
	closed := errors.New("store close failed")
	cases := []struct {
		label string
		close func() error
		want  string
	}{
		{"done in time", func() error { return nil }, ""},
		{"done in time, with an error", func() error { return closed }, closed.Error()},
		{"stuck (writes waiting out JetStream requests)", func() error { <-stuck; return nil }, "not done within"},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			budget := time.Hour
			if c.want == "not done within" {
				budget = 10 * time.Millisecond
			}
			err := closeWithin(c.close, budget, zerolog.Nop())
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("err = %v, want none", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("err = %v, want one with %q", err, c.want)
			}
		})
	}
}
