package coord_test

import (
	"testing"
	"time"

	"lifeline/coord"
	"lifeline/coord/coordtest"
)

// The single-process seams pass the conformance suite every backend runs.
func TestMemoryLeasesConformance(t *testing.T) {
	coordtest.Leases(t, func(t *testing.T) coordtest.LeaseBackend {
		clock := coordtest.NewClock()
		ls := coord.NewMemoryLeases(clock.Now)
		return coordtest.LeaseBackend{
			Instance: func(int) coord.Leases { return ls },
			Advance:  func(d time.Duration) { clock.Advance(d) },
		}
	})
}

func TestMemoryBusConformance(t *testing.T) {
	coordtest.Bus(t, func(t *testing.T) coordtest.ClosableBus { return coord.NewMemoryBus() })
}
