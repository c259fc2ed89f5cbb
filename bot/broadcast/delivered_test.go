package broadcast

import (
	"testing"
	"time"
)

// TestFirstSeen: the delivered and read times are the earliest WhatsApp
// reported, whatever order the statuses came in; a read is a delivery too.
func TestFirstSeen(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	type status struct {
		s string
		m int
	}
	cases := []struct {
		name                    string
		statuses                []status
		wantDelivered, wantRead int // minutes; -1 for none
	}{
		{"sent only", []status{{"sent", 0}}, -1, -1},
		{"delivered then read", []status{{"sent", 0}, {"delivered", 1}, {"read", 5}}, 1, 5},
		{"read before its delivery arrives", []status{{"read", 5}, {"delivered", 1}}, 1, 5},
		{"read alone is a delivery", []status{{"read", 7}}, 7, 7},
		{"a later repeat does not move it", []status{{"delivered", 2}, {"delivered", 9}, {"read", 10}, {"read", 12}}, 2, 10},
		{"failed records nothing", []status{{"failed", 3}}, -1, -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var e Engagement
			for _, st := range tc.statuses {
				e.firstSeen(st.s, at(st.m))
			}
			check := func(what string, got time.Time, want int) {
				if (want < 0 && !got.IsZero()) || (want >= 0 && !got.Equal(at(want))) {
					t.Errorf("%s at %v, want minute %d", what, got, want)
				}
			}
			check("delivered", e.DeliveredAt, tc.wantDelivered)
			check("read", e.ReadAt, tc.wantRead)
		})
	}
}
