package kb

import (
	"hash/fnv"
	"math"
)

// A topic space learned from the FAQ's own text by random indexing
// (Kanerva, Kristoferson & Holst 2000; Sahlgren 2005): every entry gets a
// fixed sparse random index vector, a term's context vector is the sum of
// the index vectors of the entries that use it (question or answer), and an
// entry's topic vector is the IDF-weighted sum of its terms' context
// vectors. Two terms that the FAQ uses in the same entries ("Maske" and
// "Mund-Nasen-Schutz" in the answers about masks) get close context
// vectors, so a query and an entry are close in this space when their words
// are used together in the FAQ even if they share none. It is a random
// projection of the term-entry matrix, so the work and the memory grow with
// the FAQ linearly: semDim floats per entry, and no vector per term is kept
// (a query term's context vector is summed from its postings).
const (
	semDim     = 128 // dimensions of the space
	semNonZero = 4   // non-zero elements (±1) of an entry's index vector
)

// indexVector returns the positions and signs of entry i's index vector:
// a hash of its position, the same on every machine.
func indexVector(i int32) (pos [semNonZero]int, sign [semNonZero]float32) {
	h := fnv.New64a()
	var b [4]byte
	b[0], b[1], b[2], b[3] = byte(i), byte(i>>8), byte(i>>16), byte(i>>24)
	h.Write(b[:])
	x := h.Sum64()
	for k := 0; k < semNonZero; k++ {
		// splitmix64 steps from the hash
		x += 0x9e3779b97f4a7c15
		z := x
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		z ^= z >> 31
		pos[k] = int(z % semDim)
		sign[k] = 1
		if z&(1<<40) != 0 {
			sign[k] = -1
		}
	}
	return pos, sign
}

// contextVector adds to v the context vector of term t (the index vectors
// of the entries that use it, over the square root of their number, so
// that a common term does not outweigh a rare one by its frequency), times
// w.
func (st *langStats) contextVector(t string, w float32, v []float32) {
	ps := st.post[t]
	if len(ps) == 0 {
		return
	}
	w /= float32(math.Sqrt(float64(len(ps))))
	for _, p := range ps {
		pos, sign := st.index[p.doc].pos, st.index[p.doc].sign
		for k := range pos {
			v[pos[k]] += w * sign[k]
		}
	}
}

type semIndex struct {
	pos  [semNonZero]int
	sign [semNonZero]float32
}

// buildSemantic computes every entry's index vector and topic vector: the
// sum of the context vectors of its distinct terms, each weighted by the
// term's IDF (a question term twice), normalised to unit length.
func (st *langStats) buildSemantic() {
	st.index = make([]semIndex, len(st.docs))
	for i := range st.docs {
		p, s := indexVector(int32(i))
		st.index[i] = semIndex{pos: p, sign: s}
	}
	// Context vectors of the whole vocabulary, only while building.
	ctx := make(map[string][]float32, len(st.post))
	for t := range st.post {
		v := make([]float32, semDim)
		st.contextVector(t, 1, v)
		ctx[t] = v
	}
	st.sem = make([]float32, len(st.docs)*semDim)
	w := map[string]float32{}
	for i, d := range st.docs {
		clear(w)
		for _, t := range d.answer {
			w[t] = float32(st.idf(st.df[t]))
		}
		for t := range d.qset {
			w[t] = 2 * float32(st.idf(st.df[t]))
		}
		v := st.sem[i*semDim : (i+1)*semDim]
		for t, x := range w {
			for k, c := range ctx[t] {
				v[k] += x * c
			}
		}
		normalise(v)
	}
}

func normalise(v []float32) {
	var n float64
	for _, x := range v {
		n += float64(x) * float64(x)
	}
	if n == 0 {
		return
	}
	s := float32(1 / math.Sqrt(n))
	for k := range v {
		v[k] *= s
	}
}

// semQuery returns the query's unit vector in the topic space: the
// weighted context vectors of its terms and their stand-ins.
func (st *langStats) semQuery(qs []qterm) []float32 {
	v := make([]float32, semDim)
	for _, t := range qs {
		st.contextVector(t.term, float32(t.w*t.factor), v)
	}
	normalise(v)
	return v
}

// semSim is the cosine of the query's vector with entry i's.
func (st *langStats) semSim(q []float32, i int32) float64 {
	d := st.sem[int(i)*semDim : int(i+1)*semDim]
	var s float32
	for k, x := range q {
		s += x * d[k]
	}
	return float64(s)
}
