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

// TestExpAll checks expAll against math.Exp to the bit on the arguments
// softmax gives it, and that it leaves the others to math.Exp.
func TestExpAll(t *testing.T) {
	if !expVec {
		t.Skip("no FMA on this CPU")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	edges := []float64{0, math.Copysign(0, -1), -5e-324, -1e-300, -1e-17, -0.5, -1, -math.Ln2, -math.Ln2 / 2, -10.397207708399179, -38, -699.999, -699.9999999999999}
	for trial := range 200000 {
		var x [stride]float64
		for k := range x {
			switch {
			case trial < len(edges):
				x[k] = edges[(trial+k)%len(edges)]
			case k%3 == 0:
				x[k] = -rng.Float64() * 700
			case k%3 == 1:
				x[k] = -rng.ExpFloat64() * 4
			default: // near the halfway points of the range reduction
				x[k] = -(float64(rng.IntN(1000)) + 0.5) * math.Ln2 * (1 + (rng.Float64()-0.5)*1e-15)
			}
			x[k] = max(x[k], -699.9999999999999)
		}
		want := x
		for k := range want {
			want[k] = math.Exp(want[k])
		}
		in := x
		if !expAll(&x) {
			t.Fatalf("expAll(%v) refused", in)
		}
		for k := range x {
			if math.Float64bits(x[k]) != math.Float64bits(want[k]) {
				t.Fatalf("expAll: exp(%v) = %v, math.Exp %v", in[k], x[k], want[k])
			}
		}
	}
	for _, v := range []float64{-700, -700.5, -746, math.Inf(-1), math.NaN(), 1e-300, 1} {
		var x [stride]float64
		x[5] = v
		if expAll(&x) {
			t.Errorf("expAll took %v, outside what it computes as math.Exp", v)
		}
	}
}
