package understand

// The kernels of sgd in SSE2, which every amd64 CPU has: two float64 or
// four float32 lanes per instruction, each lane the same multiply, add or
// subtract as the scalar code, rounded alike (no fused multiply-add), so
// the weights are those of dotRowsGo and updateRowsGo to the bit
// (TestKernels). Training is mostly these two loops.

// dotRows is dotRowsGo. Every f[i].idx must be a row of w.
//
//go:noescape
func dotRows(w []float32, f []feature, z *[stride]float64)

// updateRows is updateRowsGo. Every f[i].idx must be a row of w.
//
//go:noescape
func updateRows(w []float32, f []feature, grad *[stride]float32, on *[stride]uint32, l2 float32)

// prefetchRows asks the CPU to bring the rows of f into its cache while
// it works on others: what the next example needs, during the update of
// this one.
//
//go:noescape
func prefetchRows(w []float32, f []feature)
