package understand

import (
	"math"
	"math/rand/v2"
	"testing"

	"golang.org/x/sys/cpu"
)

// TestKernels checks the assembly kernels against their Go versions, on
// random rows with repeated features, zero values, negative zeros and tiny
// values, every class on or off.
func TestKernels(t *testing.T) {
	kernels := []struct {
		name   string
		ok     bool
		dot    func([]float32, []feature, *[stride]float64)
		update func([]float32, []feature, *[stride]float32, *[stride]uint32, float32)
	}{
		{"sse2", true, dotRowsSSE2, updateRowsSSE2},
		{"avx2", cpu.X86.HasAVX2, func(w []float32, f []feature, z *[stride]float64) { dotRowsNextAVX2(w, f, nil, z) }, updateRowsAVX2},
	}
	for _, k := range kernels {
		t.Run(k.name, func(t *testing.T) {
			if !k.ok {
				t.Skip("not on this CPU")
			}
			checkKernels(t, k.dot, k.update)
		})
	}
}

func checkKernels(t *testing.T, dot func([]float32, []feature, *[stride]float64), update func([]float32, []feature, *[stride]float32, *[stride]uint32, float32)) {
	rng := rand.New(rand.NewPCG(1, 2))
	const rows = 64
	value := func() float32 {
		switch rng.IntN(8) {
		case 0:
			return 0
		case 1:
			return float32(math.Copysign(0, -1))
		case 2:
			return float32(rng.NormFloat64() * 1e-38)
		default:
			return float32(rng.NormFloat64())
		}
	}
	for trial := range 200 {
		w := make([]float32, rows*stride)
		for i := range w {
			if i%stride < numClasses {
				w[i] = value()
			}
		}
		f := make([]feature, rng.IntN(40))
		for i := range f {
			f[i] = feature{idx: uint32(rng.IntN(rows)), val: value()}
		}
		var z, zGo [stride]float64
		for k := range numClasses {
			z[k] = rng.NormFloat64()
		}
		zGo = z
		dot(w, f, &z)
		dotRowsGo(w, f, &zGo)
		for k := range stride {
			if math.Float64bits(z[k]) != math.Float64bits(zGo[k]) {
				t.Fatalf("trial %d: dotRows z[%d] = %g, want %g", trial, k, z[k], zGo[k])
			}
		}
		var g [stride]float32
		var on [stride]uint32
		for k := range numClasses {
			g[k] = value()
			if rng.IntN(3) > 0 {
				on[k] = math.MaxUint32
			}
		}
		l2 := []float32{0, 1e-6, 0.5}[trial%3]
		wGo := append([]float32(nil), w...)
		update(w, f, &g, &on, l2)
		updateRowsGo(wGo, f, &g, &on, l2)
		for i := range w {
			if math.Float32bits(w[i]) != math.Float32bits(wGo[i]) {
				t.Fatalf("trial %d: updateRows w[%d] = %g, want %g", trial, i, w[i], wGo[i])
			}
		}
		prefetchRows(w, f)
		// The same sums with the rows of another list prefetched meanwhile,
		// shorter, longer or none.
		zNext := zGo
		zGo = zNext
		next := f[:rng.IntN(len(f)+1)]
		if trial%2 == 0 {
			next = append(next, f...)
		}
		dotRowsNext(w, f, next, &zNext)
		dotRowsGo(w, f, &zGo)
		if zNext != zGo {
			t.Fatalf("trial %d: dotRowsNext sums %v, want %v", trial, zNext, zGo)
		}
	}
}

// TestTrainSSE2MatchesReference is TestTrainMatchesReference on the SSE2
// kernels, which a CPU without AVX2 trains on.
func TestTrainSSE2MatchesReference(t *testing.T) {
	defer func(on bool) { avx2 = on }(avx2)
	avx2 = false
	all := TrainingExamples()
	var some []Example
	for i := 0; i < len(all); i += 3 {
		some = append(some, all[i])
	}
	checkTrainMatchesReference(t, some)
}
