package pace

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Little's law with headroom: rate × latency × 1.5 + 8, at most the ceiling.
func TestInFlightFollowsRateTimesLatency(t *testing.T) {
	cases := []struct {
		name    string
		rate    float64
		latency time.Duration
		ceiling int
		want    int
	}{
		{"1000 mps at 180 ms", 1000, 180 * time.Millisecond, 0, 278},
		{"1000 mps at 2 ms (a fast fake)", 1000, 2 * time.Millisecond, 0, 11},
		{"80 mps at 180 ms", 80, 180 * time.Millisecond, 0, 30},
		{"1000 mps at 3 s: held to the default ceiling", 1000, 3 * time.Second, 0, DefaultCeiling},
		{"1000 mps at 180 ms, ceiling 100", 1000, 180 * time.Millisecond, 100, 100},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := New(c.rate)
			if c.ceiling > 0 {
				p.SetCeiling(c.ceiling)
			}
			if got := p.InFlight("a"); got != spare {
				t.Fatalf("before any measurement InFlight = %d, want %d", got, spare)
			}
			p.Observe("a", c.latency)
			if got := p.InFlight("a"); got != c.want {
				t.Fatalf("InFlight = %d, want %d", got, c.want)
			}
			if got := p.InFlight("b"); got != spare {
				t.Fatalf("another number's InFlight = %d, want %d (untouched)", got, spare)
			}
		})
	}
}

// The estimate moves towards new latencies gradually, so one slow answer
// does not multiply the senders, and a lasting change is followed.
func TestLatencyIsAMovingAverage(t *testing.T) {
	p := New(1000)
	p.Observe("a", 100*time.Millisecond)
	p.Observe("a", 5*time.Second) // one outlier
	if l := p.Latency("a"); l < 100*time.Millisecond || l > 200*time.Millisecond {
		t.Fatalf("latency after one outlier = %v, want between 100 and 200 ms", l)
	}
	for range 1000 {
		p.Observe("a", 400*time.Millisecond)
	}
	if l := p.Latency("a"); l < 390*time.Millisecond || l > 400*time.Millisecond {
		t.Fatalf("latency after 1000 answers at 400 ms = %v, want about 400 ms", l)
	}
	if got, want := p.InFlight("a"), 608; got != want {
		t.Fatalf("InFlight = %d, want %d", got, want)
	}
}

// A slowed-down number (130429) needs fewer sends in flight.
func TestInFlightFollowsASlowDown(t *testing.T) {
	p := New(1000)
	p.Observe("a", 200*time.Millisecond)
	before := p.InFlight("a")
	p.SlowDown("a")
	p.Observe("a", 200*time.Millisecond)
	if after := p.InFlight("a"); after >= before {
		t.Fatalf("InFlight after a slow-down = %d, want below %d", after, before)
	}
}

func TestSetCeilingLowersTheCurrentNeed(t *testing.T) {
	p := New(1000)
	p.Observe("a", time.Second)
	p.SetCeiling(50)
	if got := p.InFlight("a"); got != 50 {
		t.Fatalf("InFlight after SetCeiling(50) = %d, want 50", got)
	}
	if p.Ceiling() != 50 {
		t.Fatalf("Ceiling = %d", p.Ceiling())
	}
}

// Workers runs as many steps at once as the number needs, grows when the
// latency rises, and returns once the work is over.
func TestWorkersGrowWithTheNeedAndStopWhenWorkEnds(t *testing.T) {
	p := New(1000)
	p.Observe("a", 20*time.Millisecond) // 1000 × 0.02 × 1.5 + 8 = 38
	var (
		mu      sync.Mutex
		cond    = sync.NewCond(&mu)
		running int
		release = make(chan struct{})
		done    atomic.Bool
	)
	waitRunning := func(n int) {
		t.Helper()
		mu.Lock()
		defer mu.Unlock()
		for running != n {
			cond.Wait()
		}
	}
	step := func() bool {
		mu.Lock()
		running++
		cond.Broadcast()
		mu.Unlock()
		<-release
		mu.Lock()
		running--
		cond.Broadcast()
		mu.Unlock()
		return !done.Load()
	}
	returned := make(chan struct{})
	go func() { p.Workers("a", 4, step); close(returned) }()
	waitRunning(38)

	p.SetCeiling(60)
	p.Observe("a", 10*time.Second) // a slower Graph API: up to the ceiling
	waitRunning(60)

	done.Store(true)
	close(release)
	<-returned
	mu.Lock()
	defer mu.Unlock()
	if running != 0 {
		t.Fatalf("%d steps still running after Workers returned", running)
	}
}

// Before any measurement the floor the caller gives holds.
func TestWorkersStartAtTheFloor(t *testing.T) {
	p := New(1000)
	var (
		mu      sync.Mutex
		cond    = sync.NewCond(&mu)
		running int
		release = make(chan struct{})
	)
	step := func() bool {
		mu.Lock()
		running++
		cond.Broadcast()
		mu.Unlock()
		<-release
		return false
	}
	returned := make(chan struct{})
	go func() { p.Workers("a", 32, step); close(returned) }()
	mu.Lock()
	for running != 32 {
		cond.Wait()
	}
	mu.Unlock()
	close(release)
	<-returned
}
