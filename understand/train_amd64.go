package understand

import "golang.org/x/sys/cpu"

// The kernels of sgd in assembly, SSE2 (which every amd64 CPU has) or
// AVX2 where the CPU and OS have it: two or four float64 lanes, four or
// eight float32 lanes per instruction, each lane the same multiply, add or
// subtract as the scalar code, rounded alike (no fused multiply-add), so
// the weights are those of dotRowsGo and updateRowsGo to the bit
// (TestKernels). Training is mostly these two loops; AVX2 takes a fifth
// off it.

// avx2 selects the AVX2 kernels; the tests turn it off to check the others.
var avx2 = cpu.X86.HasAVX2

// dotRows is dotRowsGo. Every f[i].idx must be a row of w.
func dotRows(w []float32, f []feature, z *[stride]float64) {
	if avx2 {
		dotRowsNextAVX2(w, f, nil, z)
		return
	}
	dotRowsSSE2(w, f, z)
}

// dotRowsNext is dotRows, with the rows of next prefetched meanwhile.
func dotRowsNext(w []float32, f, next []feature, z *[stride]float64) {
	if avx2 {
		dotRowsNextAVX2(w, f, next, z)
		return
	}
	prefetchRows(w, next)
	dotRowsSSE2(w, f, z)
}

//go:noescape
func dotRowsNextAVX2(w []float32, f, next []feature, z *[stride]float64)

// updateRows is updateRowsGo. Every f[i].idx must be a row of w.
func updateRows(w []float32, f []feature, g *[stride]float32, on *[stride]uint32, l2 float32) {
	if avx2 {
		updateRowsAVX2(w, f, g, on, l2)
		return
	}
	updateRowsSSE2(w, f, g, on, l2)
}

//go:noescape
func dotRowsSSE2(w []float32, f []feature, z *[stride]float64)

//go:noescape
func updateRowsSSE2(w []float32, f []feature, grad *[stride]float32, on *[stride]uint32, l2 float32)

//go:noescape
func updateRowsAVX2(w []float32, f []feature, grad *[stride]float32, on *[stride]uint32, l2 float32)

// expVec selects expFMA: math.Exp takes the FMA path of its assembly on a
// CPU with FMA, and expFMA is that path four lanes at a time.
var expVec = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// expAll sets x[k] to math.Exp(x[k]) for every k, to the bit, four at a
// time, and reports whether it did: it leaves x as it is, for math.Exp,
// on a CPU without FMA or when some x[k] is outside (-700, 0], where
// math.Exp takes a path of its own (NaN, infinities, overflow, subnormal
// results). The softmax of the SGD calls it for the eleven classes of
// every step; one call of math.Exp each was a tenth of the SGD.
func expAll(x *[stride]float64) bool {
	if !expVec {
		return false
	}
	for _, v := range x {
		if !(v > -700 && v <= 0) {
			return false
		}
	}
	expFMA(x)
	return true
}

//go:noescape
func expFMA(x *[stride]float64)

// prefetchRows asks the CPU to bring the rows of f into its cache while
// it works on others.
//
//go:noescape
func prefetchRows(w []float32, f []feature)

// prefetchFeatures asks the CPU to bring the features f into its cache:
// prefetchRows must read them to find the rows.
//
//go:noescape
func prefetchFeatures(f []feature)
