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
	free    func()      // gives back the rows' memory (hugeAlloc)
}

// stride is the length of a weight row in training: the numClasses
// weights and one of padding, always zero, so that a row is three groups
// of four the kernels (dotRows, updateRows) take at once.
const stride = 12

// compact extracts the features of the texts of c over the CPUs and
// renumbers them; lang are the texts' languages, indices of n. It also
// returns how often each Latin word occurs in each language, by word id *
// n + language (for latinVocab).
func (m *Model) compact(c *corpus, lang []int32, n int) (trainSet, []int32) {
	lx := newLexicon(c, m.common)
	texts := make([]examplesPart, partsOf(len(lang)))
	inParallel(len(texts), len(lang), func(p, lo, hi int) { texts[p].countFeatures(c, lx, lang, n, lo, hi) })
	// The words' own and n-gram features, counted once per word.
	uses := texts[0].uses
	for _, p := range texts[1:] {
		for id, u := range p.uses {
			uses[id] += u
		}
	}
	words := make([][]int32, partsOf(len(c.words)))
	inParallel(len(words), len(c.words), func(p, lo, hi int) {
		words[p] = make([]int32, dim)
		lx.countWords(words[p], uses, lo, hi)
	})
	count := texts[0].count
	add := func(more []int32) {
		for b, k := range more {
			count[b] += k
		}
	}
	for _, p := range texts[1:] {
		add(p.count)
	}
	for _, w := range words {
		add(w)
	}
	// Renumbered by count, most first, ties by bucket (the order only
	// changes the speed, but it is fixed): a counting sort, since the
	// buckets come in order.
	at := make([]int32, slices.Max(count)+1)
	for _, k := range count {
		at[k]++
	}
	used := 0
	for k := len(at) - 1; k > 0; k-- {
		at[k], used = int32(used), used+int(at[k])
	}
	buckets := make([]uint32, used)
	dense := make([]uint32, dim)
	for b, k := range count {
		if k > 0 {
			buckets[at[k]], dense[b] = uint32(b), uint32(at[k])
			at[k]++
		}
	}
	inParallel(len(words), len(c.words), func(_, lo, hi int) { lx.renumber(dense, lo, hi) })
	rows := make([][]feature, len(lang))
	frees := make([]func(), len(texts))
	inParallel(len(texts), len(lang), func(p, lo, hi int) { frees[p] = texts[p].fillRows(rows[lo:hi], lx, dense) })
	langs := texts[0].langs
	for _, p := range texts[1:] {
		for i, k := range p.langs {
			langs[i] += k
		}
	}
	return trainSet{rows: rows, buckets: buckets, free: func() {
		for _, f := range frees {
			f()
		}
	}}, langs
}

// partsOf is the number of parts inParallel splits n things into: one
// per CPU, at most n, at least 1.
func partsOf(n int) int { return max(1, min(runtime.GOMAXPROCS(0), n)) }

// inParallel calls work(p, lo, hi) for each of parts contiguous parts
// [lo, hi) covering [0, n), each on a goroutine of its own, and waits for
// them all. Part p is [p*n/parts, (p+1)*n/parts).
func inParallel(parts, n int, work func(p, lo, hi int)) {
	if parts <= 1 {
		work(0, 0, n)
		return
	}
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() { work(p, p*n/parts, (p+1)*n/parts) })
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
			// one is worked on (dotRowsNext); without this the SGD took 40%
			// longer. The features of the one after that come in
			// meanwhile: reading them to find the rows waited on memory for
			// most of its time, a fifth of the SGD.
			if n+2 < len(seq) {
				prefetchFeatures(seq[n+2].f)
			}
			var next []feature
			if n+1 < len(seq) {
				next = seq[n+1].f
			}
			for k := range numClasses {
				z[k] = float64(bias[k])
			}
			dotRowsNext(w, f, next, &z)
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
