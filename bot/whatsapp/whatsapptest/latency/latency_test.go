package latency

import (
	"slices"
	"testing"
	"time"
)

// Many draws from the realistic model have its median and p99.
func TestRealisticHasItsMedianAndP99(t *testing.T) {
	s := Realistic().Sampler()
	d := make([]time.Duration, 200000)
	for i := range d {
		d[i] = s.Next()
	}
	slices.Sort(d)
	within := func(name string, got, want time.Duration) {
		t.Helper()
		if diff := float64(got-want) / float64(want); diff < -0.03 || diff > 0.03 {
			t.Errorf("%s = %v, want %v within 3%%", name, got, want)
		}
	}
	within("median", d[len(d)/2], 150*time.Millisecond)
	within("p99", d[len(d)*99/100], 600*time.Millisecond)
}

func TestSameSeedSameDraws(t *testing.T) {
	a, b := Realistic().Sampler(), Realistic().Sampler()
	for i := range 100 {
		if x, y := a.Next(), b.Next(); x != y {
			t.Fatalf("draw %d: %v and %v from the same seed", i, x, y)
		}
	}
	other := Model{Median: 150 * time.Millisecond, P99: 600 * time.Millisecond, Seed: 2}.Sampler()
	same := 0
	a = Realistic().Sampler()
	for range 100 {
		if a.Next() == other.Next() {
			same++
		}
	}
	if same == 100 {
		t.Fatal("another seed gave the same draws")
	}
}

func TestParse(t *testing.T) {
	cases := []struct {
		in      string
		want    Model
		wantErr bool
	}{
		{"realistic", Realistic(), false},
		{"none", None(), false},
		{"100ms,400ms", Model{Median: 100 * time.Millisecond, P99: 400 * time.Millisecond, Seed: 1}, false},
		{"2ms, 2ms", Model{Median: 2 * time.Millisecond, P99: 2 * time.Millisecond, Seed: 1}, false},
		{"fast", Model{}, true},
		{"100ms", Model{}, true},
		{"400ms,100ms", Model{}, true}, // p99 below the median
		{"0s,100ms", Model{}, true},
	}
	for _, c := range cases {
		got, err := Parse(c.in)
		if (err != nil) != c.wantErr || got != c.want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v, error %v", c.in, got, err, c.want, c.wantErr)
		}
	}
}

func TestNoneAndAConstant(t *testing.T) {
	if d := None().Sampler().Next(); d != 0 {
		t.Fatalf("none drew %v", d)
	}
	m, _ := Parse("2ms,2ms")
	if d := m.Sampler().Next(); d < 2*time.Millisecond-time.Microsecond || d > 2*time.Millisecond+time.Microsecond {
		t.Fatalf("median = p99 = 2ms drew %v", d)
	}
}
