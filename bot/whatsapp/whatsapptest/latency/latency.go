// Package latency models how long the Graph API takes to answer a send,
// for the fakes that stand in for it (package whatsapptest in tests, the
// fake of `lifeline bench`). A fake that answers in microseconds hides
// what a real latency costs: with 32 sends in flight and 200 ms each, a
// number sends 160 messages per second, not its 1,000.
//
// Latencies are log-normal, the usual shape of a remote service's
// response times: most answers near the median, a long tail of slow ones.
// The model is given by its median and 99th percentile and draws from a
// seeded generator, so a run can be repeated.
package latency

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"time"
)

// Model is a latency distribution. The zero Model answers at once.
type Model struct {
	Median time.Duration
	P99    time.Duration
	Seed   uint64
}

// Realistic is the Graph API as measured from a server near it: median
// 150 ms, p99 600 ms.
func Realistic() Model {
	return Model{Median: 150 * time.Millisecond, P99: 600 * time.Millisecond, Seed: 1}
}

// None answers at once.
func None() Model { return Model{} }

// IsZero reports whether the model adds no latency.
func (m Model) IsZero() bool { return m.Median <= 0 && m.P99 <= 0 }

func (m Model) String() string {
	if m.IsZero() {
		return "none"
	}
	return fmt.Sprintf("log-normal, median %v, p99 %v", m.Median, m.P99)
}

// Parse reads "realistic", "none", or "MEDIAN,P99" such as "150ms,600ms".
func Parse(s string) (Model, error) {
	switch strings.TrimSpace(s) {
	case "realistic":
		return Realistic(), nil
	case "none", "0", "":
		return None(), nil
	}
	med, p99, ok := strings.Cut(s, ",")
	if !ok {
		return Model{}, fmt.Errorf("latency %q: want realistic, none, or a median and a p99 such as 150ms,600ms", s)
	}
	m := Model{Seed: 1}
	var err error
	if m.Median, err = time.ParseDuration(strings.TrimSpace(med)); err != nil {
		return Model{}, fmt.Errorf("latency %q: median: %w", s, err)
	}
	if m.P99, err = time.ParseDuration(strings.TrimSpace(p99)); err != nil {
		return Model{}, fmt.Errorf("latency %q: p99: %w", s, err)
	}
	if err := m.Validate(); err != nil {
		return Model{}, err
	}
	return m, nil
}

// Validate checks that the median is positive and the p99 not below it.
func (m Model) Validate() error {
	if m.IsZero() {
		return nil
	}
	if m.Median <= 0 || m.P99 < m.Median {
		return fmt.Errorf("latency median %v, p99 %v: want a positive median and a p99 at least as long", m.Median, m.P99)
	}
	return nil
}

// z99 is the standard normal's 99th percentile.
const z99 = 2.3263478740408408

// Sampler draws latencies from a model. Safe for concurrent use; the
// sequence of draws is the same for the same seed.
type Sampler struct {
	mu         sync.Mutex
	rng        *rand.Rand
	mu0, sigma float64
	zero       bool
}

// Sampler starts a sequence of draws from m.
func (m Model) Sampler() *Sampler {
	s := &Sampler{zero: m.IsZero(), rng: rand.New(rand.NewPCG(m.Seed, m.Seed^0x9e3779b97f4a7c15))}
	if s.zero {
		return s
	}
	s.mu0 = math.Log(m.Median.Seconds())
	s.sigma = math.Log(m.P99.Seconds()/m.Median.Seconds()) / z99
	return s
}

// Next is the next latency.
func (s *Sampler) Next() time.Duration {
	if s.zero {
		return 0
	}
	s.mu.Lock()
	z := s.rng.NormFloat64()
	s.mu.Unlock()
	return time.Duration(math.Exp(s.mu0+s.sigma*z) * float64(time.Second))
}
