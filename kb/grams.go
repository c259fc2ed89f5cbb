package kb

import (
	"math"
)

// Character n-grams of the analysed terms catch what whole terms miss:
// compounds ("Schutzmaske" shares "mask" with "Maske"), derivations the
// stemmers leave apart ("desinfiziert", "Desinfektion") and typos. Each
// language keeps an inverted index from gram to documents with tf-idf
// weights normalised per document, so a query's cosine similarity with
// every document comes from one pass over the query's grams.

const gramLen = 4

type gramPosting struct {
	doc int32
	w   float32
}

type gramIndex struct {
	docs  []*doc
	post  map[string][]gramPosting
	idf   map[string]float64
	maxIF float64
}

func gramsOf(ts []string, into map[string]float64) {
	for _, t := range ts {
		rs := []rune("^" + t + "$")
		if len(rs) <= gramLen {
			into[string(rs)]++
			continue
		}
		for i := 0; i+gramLen <= len(rs); i++ {
			into[string(rs[i:i+gramLen])]++
		}
	}
}

func buildGramIndex(docs []*doc) *gramIndex {
	gi := &gramIndex{docs: docs, post: map[string][]gramPosting{}, idf: map[string]float64{}}
	tfs := make([]map[string]float64, len(docs))
	df := map[string]int{}
	for i, d := range docs {
		tf := map[string]float64{}
		for _, v := range d.variants {
			gramsOf(v, tf)
		}
		tfs[i] = tf
		for g := range tf {
			df[g]++
		}
	}
	n := float64(len(docs))
	gi.maxIF = math.Log(1 + n)
	for g, c := range df {
		gi.idf[g] = math.Log(1 + n/float64(c))
	}
	for i, tf := range tfs {
		var norm float64
		for g, c := range tf {
			w := (1 + math.Log(c)) * gi.idf[g]
			tf[g] = w
			norm += w * w
		}
		norm = math.Sqrt(norm)
		if norm == 0 {
			continue
		}
		for g, w := range tf {
			gi.post[g] = append(gi.post[g], gramPosting{doc: int32(i), w: float32(w / norm)})
		}
	}
	return gi
}

// query returns the cosine similarity of the query terms with every
// document, by document index (zero for documents sharing no gram).
// out is reused when it has the right length.
func (gi *gramIndex) query(qterms []string, out []float64) []float64 {
	tf := map[string]float64{}
	gramsOf(qterms, tf)
	var norm float64
	for g, c := range tf {
		idf, ok := gi.idf[g]
		if !ok {
			idf = gi.maxIF
		}
		w := (1 + math.Log(c)) * idf
		tf[g] = w
		norm += w * w
	}
	norm = math.Sqrt(norm)
	if len(out) != len(gi.docs) {
		out = make([]float64, len(gi.docs))
	}
	clear(out)
	if norm == 0 {
		return out
	}
	for g, w := range tf {
		for _, p := range gi.post[g] {
			out[p.doc] += w / norm * float64(p.w)
		}
	}
	return out
}

// top returns the n documents most similar by grams, best first.
func top(sims []float64, n int) []int32 {
	best := make([]int32, 0, n+1)
	for i, v := range sims {
		if v <= 0 || (len(best) == n && v <= sims[best[n-1]]) {
			continue
		}
		j := len(best)
		best = append(best, int32(i))
		for ; j > 0 && sims[best[j-1]] < v; j-- {
			best[j] = best[j-1]
		}
		best[j] = int32(i)
		if len(best) > n {
			best = best[:n]
		}
	}
	return best
}
