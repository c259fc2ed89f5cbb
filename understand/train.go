package understand

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
)

// trainSet is the features of the training examples with their buckets
// renumbered densely, the most used first. Each step of the SGD reads and
// writes the weight rows of ~150 features, scattered by hashing over a
// 5.8 MB table, more than the CPU's cache holds. Renumbered, the ~20,000
// most used rows (83% of the reads) lie together in under a megabyte and
// stay in cache. The features keep their order within each example, so
// every sum is taken in the same order and the weights are those of
// training on the buckets.
type trainSet struct {
	rows    [][]feature // per example, idx a dense index
	buckets []uint32    // dense index -> bucket
}

// stride is the length of a weight row in training: the numClasses
// weights and one of padding, always zero, so that a row is three groups
// of four the kernels (dotRows, updateRows) take at once.
const stride = 12

// slabSize is the number of features in one allocation of compact.
const slabSize = 1 << 16

// compact extracts the features of texts over the CPUs and renumbers them.
func (m *Model) compact(texts [][]string) trainSet {
	rows := make([][]feature, len(texts))
	var mu sync.Mutex
	count := make([]int32, dim)
	inParallel(len(texts), func(lo, hi int) {
		n := make([]int32, dim)
		// The rows are extracted straight into slabs, a few large
		// allocations: copying each row from a scratch buffer was 8% of
		// training, most of it the first touch of the slab's fresh pages.
		// A row that does not fit in what is left of the slab is extracted
		// by append into a new array and copied into a new slab.
		var slab []feature
		for i := lo; i < hi; i++ {
			row := m.extract(texts[i], slab[len(slab):])
			if len(row) > cap(slab)-len(slab) {
				slab = append(make([]feature, 0, max(slabSize, len(row))), row...)
			} else {
				slab = slab[:len(slab)+len(row)]
			}
			rows[i] = slab[len(slab)-len(row) : len(slab) : len(slab)]
			for _, f := range row {
				n[f.idx]++
			}
		}
		mu.Lock()
		for b, c := range n {
			count[b] += c
		}
		mu.Unlock()
	})
	// Renumbered by count, most first, ties by bucket (the order only
	// changes the speed, but it is fixed): a counting sort, since the
	// buckets come in order.
	at := make([]int32, slices.Max(count)+1)
	for _, c := range count {
		at[c]++
	}
	used := 0
	for c := len(at) - 1; c > 0; c-- {
		at[c], used = int32(used), used+int(at[c])
	}
	buckets := make([]uint32, used)
	dense := make([]uint32, dim)
	for b, c := range count {
		if c > 0 {
			buckets[at[c]], dense[b] = uint32(b), uint32(at[c])
			at[c]++
		}
	}
	inParallel(len(rows), func(lo, hi int) {
		for _, r := range rows[lo:hi] {
			for j := range r {
				r[j].idx = dense[r[j].idx]
			}
		}
	})
	return trainSet{rows: rows, buckets: buckets}
}

// inParallel calls work on contiguous parts [lo, hi) covering [0, n), one
// part per CPU at most, and waits for them all.
func inParallel(n int, work func(lo, hi int)) {
	parts := min(runtime.GOMAXPROCS(0), n)
	if parts <= 1 {
		work(0, n)
		return
	}
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() { work(p*n/parts, (p+1)*n/parts) })
	}
	wg.Wait()
}

// sgd trains the weights w (a row of stride per feature index of rows)
// and bias on rows, of classes ys: epochs over the examples in an order
// shuffled from the seed, the rate decayed linearly to zero. Each class's
// sums and updates are those of Model.probs and a loop over the classes,
// in the same order, so the result is the same to the bit.
func sgd(w []float32, bias *[numClasses]float32, rows [][]feature, ys []int) {
	// The kernels read and write the rows without bounds checks.
	for _, f := range rows {
		for _, ft := range f {
			if int(ft.idx) >= len(w)/stride {
				panic(fmt.Sprintf("train: feature %d outside %d weight rows", ft.idx, len(w)/stride))
			}
		}
	}
	weight := classWeights(ys)
	rng := rand.New(rand.NewPCG(hyper.seed, hyper.seed^0x9e3779b97f4a7c15))
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	total := float64(hyper.epochs * len(rows))
	step := 0
	var (
		z  [stride]float64
		p  [numClasses]float64
		g  [stride]float32
		on [stride]uint32
	)
	// The examples of an epoch are laid out in their shuffled order before
	// it starts: in one tight loop the CPU fetches many of the scattered
	// slice headers and classes at once, where inside the SGD each one
	// was a wait of its own (a tenth of the SGD, on the line that read
	// them).
	type ex struct {
		f []feature
		y int
	}
	seq := make([]ex, len(rows))
	for range hyper.epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for n, i := range order {
			seq[n] = ex{rows[i], ys[i]}
		}
		for n := range seq {
			f, y := seq[n].f, seq[n].y
			lr := hyper.rate * (1 - float64(step)/total) * weight[y]
			step++
			// The rows of the next example come into the cache while this
			// one is worked on; without this the SGD took 40% longer.
			// The features of the one after that come in meanwhile:
			// prefetchRows, reading them, waited on memory for most of its
			// time, a fifth of the SGD.
			if n+2 < len(seq) {
				prefetchFeatures(seq[n+2].f)
			}
			if n+1 < len(seq) {
				prefetchRows(w, seq[n+1].f)
			}
			for k := range numClasses {
				z[k] = float64(bias[k])
			}
			dotRows(w, f, &z)
			softmax((*[numClasses]float64)(z[:numClasses]), &p)
			// Classes the example is already sure about get no update: after
			// the first epochs most gradients are negligible.
			na := 0
			for k := range numClasses {
				gk := p[k]
				if k == y {
					gk--
				}
				if gk > -minGrad && gk < minGrad {
					g[k], on[k] = 0, 0
					continue
				}
				g[k], on[k] = float32(gk*lr), math.MaxUint32
				na++
				bias[k] -= float32(gk*lr) * 0.1
			}
			if na > 0 {
				updateRows(w, f, &g, &on, hyper.l2)
			}
		}
	}
}

// dotRowsGo adds to z[k] the value of each feature of f times weight k of
// its row, feature after feature.
func dotRowsGo(w []float32, f []feature, z *[stride]float64) {
	for _, ft := range f {
		row := (*[stride]float32)(w[int(ft.idx)*stride:])
		v := float64(ft.val)
		for k := range stride {
			z[k] += v * float64(row[k])
		}
	}
}

// updateRowsGo moves weight k of the row of each feature of f, for each k
// that is on, by its gradient g[k] times the feature's value and the decay
// l2, feature after feature.
func updateRowsGo(w []float32, f []feature, g *[stride]float32, on *[stride]uint32, l2 float32) {
	for _, ft := range f {
		row := (*[stride]float32)(w[int(ft.idx)*stride:])
		for k := range stride {
			if on[k] != 0 {
				row[k] -= g[k]*ft.val + l2*row[k]
			}
		}
	}
}

// classWeights returns the weight of an example of each class, from the
// classes ys of the examples (see hyper.balance).
func classWeights(ys []int) [numClasses]float64 {
	var count [numClasses]int
	for _, y := range ys {
		count[y]++
	}
	var weight [numClasses]float64
	mean := float64(len(ys)) / numClasses
	for k := range numClasses {
		weight[k] = 1
		if count[k] > 0 {
			weight[k] = math.Pow(mean/float64(count[k]), hyper.balance)
		}
	}
	return weight
}
