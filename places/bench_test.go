package places

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// benchPlaces are n places of every kind in and around one city (a
// degree square around Dammam): the dense case, where most places are
// close in latitude to whoever asks.
func benchPlaces(n int) []Place {
	r := rand.New(rand.NewPCG(7, 7))
	ps := make([]Place, n)
	for i := range ps {
		st := StateOpen
		if i%10 == 0 {
			st = StateFull
		}
		ps[i] = Place{ID: itoa(i), Kind: Kinds[i%len(Kinds)], Lat: 26 + r.Float64(), Lon: 49.6 + r.Float64(), State: st}
	}
	return ps
}

// BenchmarkNearest is the search a shared location runs: the 3 nearest
// open places of one kind among 10,000 places. All 10,000 are shelters
// in the worst case (one kind) and spread over seven kinds in the mixed
// one. It reports the 99th percentile of single searches as p99-ns.
func BenchmarkNearest(b *testing.B) {
	for _, tc := range []struct {
		name string
		all  Kind // set: every place is of this kind
	}{{"10000_shelters", KindShelter}, {"10000_mixed_kinds", ""}} {
		b.Run(tc.name, func(b *testing.B) {
			ps := benchPlaces(10_000)
			if tc.all != "" {
				for i := range ps {
					ps[i].Kind = tc.all
				}
			}
			ix := NewIndex(ps)
			r := rand.New(rand.NewPCG(3, 4))
			open := func(p *Place) bool { return p.State == StateOpen }
			lats, lons := make([]float64, 1024), make([]float64, 1024)
			for i := range lats {
				lats[i], lons[i] = 25.8+r.Float64()*1.4, 49.4+r.Float64()*1.4
			}
			durs := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := range b.N {
				start := time.Now()
				hits := ix.Nearest(KindShelter, lats[i%1024], lons[i%1024], 3, DefaultRadiusKm, open)
				durs = append(durs, time.Since(start))
				if len(hits) == 0 {
					b.Fatal("no hits")
				}
			}
			b.StopTimer()
			slices.Sort(durs)
			b.ReportMetric(float64(durs[len(durs)*99/100].Nanoseconds()), "p99-ns")
		})
	}
}
