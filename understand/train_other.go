//go:build !amd64

package understand

func dotRows(w []float32, f []feature, z *[stride]float64) { dotRowsGo(w, f, z) }

func dotRowsNext(w []float32, f, next []feature, z *[stride]float64) { dotRowsGo(w, f, z) }

func updateRows(w []float32, f []feature, g *[stride]float32, on *[stride]uint32, l2 float32) {
	updateRowsGo(w, f, g, on, l2)
}

func prefetchRows(w []float32, f []feature) {}
func prefetchFeatures(f []feature)          {}

func expAll(x *[stride]float64) bool { return false }
