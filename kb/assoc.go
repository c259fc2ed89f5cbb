package kb

import (
	"math"
	"sort"
)

// A translation model learned from the FAQ itself (Jeon, Croft & Lee 2005;
// Xue, Jeon & Croft 2008): every entry's answer and question are a parallel
// pair, and IBM Model 1 estimates how likely each answer-side term is to
// "translate" into each question-side term. People paraphrasing a question
// often use the words its answer uses rather than the question's, so a
// query term stands in, at a discount, for the question terms it
// translates into best. The model is trained when the index is built; at
// query time it is a lookup of a few terms per query term.
const (
	assocIters  = 5   // EM iterations
	assocTop    = 4   // question terms kept per term
	assocMin    = 0.1 // least weighted translation probability kept
	assocFactor = 1.0 // an associated term counts this much times its probability
)

// assocTerm is a question term a term translates into, with the
// translation probability weighted by the question term's specificity.
type assocTerm struct {
	term string
	p    float64
}

// buildAssoc trains IBM Model 1 with the distinct answer terms of each
// entry (plus an empty word) as source and its distinct question terms as
// target, and keeps for every source term the question terms it translates
// into best. Probabilities are weighted by the question term's normalised
// IDF, so that a word is not associated with what nearly every question
// says ("covid", "risk").
func buildAssoc(docs []*doc) map[string][]assocTerm {
	ids := map[string]int32{}
	var names []string
	id := func(t string) int32 {
		if i, ok := ids[t]; ok {
			return i
		}
		i := int32(len(names))
		ids[t] = i
		names = append(names, t)
		return i
	}
	const null = -1
	type pairDoc struct {
		src, tgt []int32
		cells    []int32 // cells[i*len(src)+j]: the (src[j], tgt[i]) probability
	}
	pds := make([]pairDoc, 0, len(docs))
	seen := map[int32]bool{}
	for _, d := range docs {
		var pd pairDoc
		clear(seen)
		for _, v := range d.variants {
			for _, t := range v {
				if i := id(t); !seen[i] {
					seen[i] = true
					pd.tgt = append(pd.tgt, i)
				}
			}
		}
		clear(seen)
		pd.src = append(pd.src, null)
		for _, t := range d.answer {
			if i := id(t); !seen[i] {
				seen[i] = true
				pd.src = append(pd.src, i)
			}
		}
		if len(pd.src) > 1 && len(pd.tgt) > 0 {
			pds = append(pds, pd)
		}
	}
	// Number the (source, target) pairs that occur, so that EM runs over
	// slices.
	cellOf := map[uint64]int32{}
	var cellSrc, cellTgt []int32
	for k := range pds {
		pd := &pds[k]
		pd.cells = make([]int32, 0, len(pd.src)*len(pd.tgt))
		for _, t := range pd.tgt {
			for _, s := range pd.src {
				key := uint64(uint32(s))<<32 | uint64(uint32(t))
				c, ok := cellOf[key]
				if !ok {
					c = int32(len(cellSrc))
					cellOf[key] = c
					cellSrc = append(cellSrc, s)
					cellTgt = append(cellTgt, t)
				}
				pd.cells = append(pd.cells, c)
			}
		}
	}
	prob := make([]float64, len(cellSrc))
	for i := range prob {
		prob[i] = 1
	}
	count := make([]float64, len(cellSrc))
	total := make([]float64, len(names)+1) // by source id + 1 (the empty word is 0)
	for it := 0; it < assocIters; it++ {
		clear(count)
		clear(total)
		for _, pd := range pds {
			n := len(pd.src)
			for i := range pd.tgt {
				row := pd.cells[i*n : (i+1)*n]
				z := 0.0
				for _, c := range row {
					z += prob[c]
				}
				for _, c := range row {
					count[c] += prob[c] / z
				}
			}
		}
		for c, v := range count {
			total[cellSrc[c]+1] += v
		}
		for c, v := range count {
			prob[c] = v / total[cellSrc[c]+1]
		}
	}

	dfq := make([]float64, len(names))
	for _, pd := range pds {
		for _, t := range pd.tgt {
			dfq[t]++
		}
	}
	nd := float64(len(pds))
	bySrc := map[int32][]assocTerm{}
	for c, p := range prob {
		s, t := cellSrc[c], cellTgt[c]
		if s == null || s == t {
			continue
		}
		p *= math.Log(1+nd/dfq[t]) / math.Log(1+nd)
		if p >= assocMin {
			bySrc[s] = append(bySrc[s], assocTerm{term: names[t], p: p})
		}
	}
	out := make(map[string][]assocTerm, len(bySrc))
	for s, l := range bySrc {
		sort.Slice(l, func(i, j int) bool {
			if l[i].p != l[j].p {
				return l[i].p > l[j].p
			}
			return l[i].term < l[j].term
		})
		out[names[s]] = l[:min(len(l), assocTop)]
	}
	return out
}
