package pace

import (
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// How many sends a number keeps in flight follows from Little's law: to
// send rate messages per second when each takes latency to be answered,
// rate × latency of them are under way at any moment. The Graph API's
// latency is measured (an average over the last sends of the number), the
// product is given headroom for the spread of latencies and for the
// senders that wait for the number's budget rather than for an answer,
// and bounded by a ceiling so that a Graph API that slows to seconds does
// not pile up thousands of open requests.
const (
	// DefaultCeiling bounds the sends in flight per number unless
	// SetCeiling says otherwise: 1,000 mps at a full second each.
	DefaultCeiling = 1024
	// headroom multiplies rate × latency: the latencies of a number's
	// sends spread widely (a p99 four times the median is usual), and
	// a sender waiting for a token must be ready when it comes.
	headroom = 1.5
	// spare senders beyond the product, so that a slow number still
	// has a few ready.
	spare = 8
	// latencyWeight is the weight of each new measurement in the
	// moving average: about the last hundred sends count.
	latencyWeight = 1.0 / 64
)

// gauge is one number's latency estimate and the concurrency it asks for.
type gauge struct {
	mu       sync.Mutex
	mean     float64 // seconds; 0 before the first measurement
	inFlight atomic.Int64
}

// SetCeiling bounds the sends in flight per number (at least 1). Call it
// before sending starts.
func (p *Numbers) SetCeiling(n int) {
	p.ceiling.Store(int64(max(1, n)))
	p.mu.Lock()
	gs := make([]*gauge, 0, len(p.gauges))
	for _, g := range p.gauges {
		gs = append(gs, g)
	}
	p.mu.Unlock()
	for _, g := range gs {
		g.inFlight.Store(min(g.inFlight.Load(), int64(max(1, n))))
	}
}

// Ceiling is the most sends in flight per number.
func (p *Numbers) Ceiling() int { return int(p.ceiling.Load()) }

func (p *Numbers) gauge(num string) *gauge {
	p.mu.Lock()
	defer p.mu.Unlock()
	g, ok := p.gauges[num]
	if !ok {
		g = &gauge{}
		p.gauges[num] = g
	}
	return g
}

// Observe records how long one Graph API call from num took to be
// answered, successful or not.
func (p *Numbers) Observe(num string, latency time.Duration) {
	g := p.gauge(num)
	rate := p.Rate(num)
	sec := max(0, latency.Seconds())
	g.mu.Lock()
	if g.mean == 0 {
		g.mean = sec
	} else {
		g.mean += (sec - g.mean) * latencyWeight
	}
	mean := g.mean
	g.mu.Unlock()
	g.inFlight.Store(int64(p.inFlightFor(rate, mean)))
}

// inFlightFor is the concurrency that sends rate messages per second
// when each takes latency seconds, bounded by the ceiling.
func (p *Numbers) inFlightFor(rate, latency float64) int {
	n := math.Ceil(rate*latency*headroom) + spare
	return int(min(n, float64(p.ceiling.Load())))
}

// Latency is the number's measured Graph API latency (a moving average);
// zero before its first send.
func (p *Numbers) Latency(num string) time.Duration {
	g := p.gauge(num)
	g.mu.Lock()
	defer g.mu.Unlock()
	return time.Duration(g.mean * float64(time.Second))
}

// InFlight is how many sends num should keep under way to reach its rate
// at the latency measured so far; before any measurement it is small and
// grows as the first answers come back. It never exceeds the ceiling.
func (p *Numbers) InFlight(num string) int {
	n := int(p.gauge(num).inFlight.Load())
	if n == 0 {
		return min(spare, p.Ceiling())
	}
	return n
}

// Workers runs step on as many goroutines as num needs in flight
// (InFlight, and at least least), re-reading the need as the latency
// changes: more are started when it rises, and the ones above it stop
// after their current step when it falls. Once any step returns false
// (its work is over) no more are started; Workers returns when every
// goroutine has returned.
func (p *Numbers) Workers(num string, least int, step func() bool) {
	var (
		wg      sync.WaitGroup
		running atomic.Int64
		once    sync.Once
		over    = make(chan struct{})
	)
	target := func() int64 { return int64(max(least, p.InFlight(num))) }
	stop := func() { once.Do(func() { close(over) }) }
	stopped := func() bool {
		select {
		case <-over:
			return true
		default:
			return false
		}
	}
	worker := func() {
		defer wg.Done()
		for !stopped() {
			if !step() {
				stop()
				break
			}
			// Above the need: this one stops (only one at a time
			// gives way for each excess sender).
			if n := running.Load(); n > target() && running.CompareAndSwap(n, n-1) {
				return
			}
		}
		running.Add(-1)
	}
	topUp := func() {
		for n := running.Load(); n < target() && !stopped(); n = running.Load() {
			if running.CompareAndSwap(n, n+1) {
				wg.Add(1)
				go worker()
			}
		}
	}
	tick := time.NewTicker(workersRecheck)
	defer tick.Stop()
	for topUp(); !stopped(); topUp() {
		select {
		case <-over:
		case <-tick.C:
		}
	}
	wg.Wait()
}

// workersRecheck is how often Workers compares its goroutines with the
// need: a tenth of a second is a few hundred sends at most.
const workersRecheck = 100 * time.Millisecond
