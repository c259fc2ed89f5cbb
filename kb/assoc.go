package kb

import (
	"math"
	"sort"
)

// A translation model learned from the FAQ itself (Jeon, Croft & Lee 2005;
// Xue, Jeon & Croft 2008): every entry's question and answer are a parallel
// pair, and IBM Model 1 estimates how likely each answer-side term is to
// "translate" a question-side term. People paraphrasing a question often
// use the words the answer uses ("new" for "novel", "origin" where the FAQ
// says "source"), so a query term that no question holds stands in for the
// question terms it is most associated with, at a discount.

type assocTerm struct {
	term string
	p    float64 // P(query term | question term), relative to the best
}

var (
	assocIters  = 5.0
	assocTop    = 4.0   // associated question terms kept per term
	assocMin    = 0.1   // minimum translation probability kept
	assocFactor = 0.3   // an associated term counts this much of the term
	assocMaxA   = 400.0 // answer terms per entry used for training
)

// buildAssoc trains IBM Model 1 with the question terms (plus an empty
// word) as source and the answer terms as target, and keeps for every
// target term the question terms that translate into it best.
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
		src []int32
		tgt []int32
	}
	pds := make([]pairDoc, 0, len(docs))
	for _, d := range docs {
		seen := map[string]bool{}
		var pd pairDoc
		var qs, as []int32
		for _, v := range d.variants {
			for _, t := range v {
				if !seen[t] {
					seen[t] = true
					qs = append(qs, id(t))
				}
			}
		}
		ans := d.answer
		if len(ans) > int(assocMaxA) {
			ans = ans[:int(assocMaxA)]
		}
		tseen := map[string]bool{}
		for _, t := range ans {
			if !tseen[t] {
				tseen[t] = true
				as = append(as, id(t))
			}
		}
		if assocRev == 0 {
			if assocSelf != 0 {
				as = append(as, qs...)
			}
			pd.src, pd.tgt = append([]int32{null}, as...), qs
		} else {
			pd.src, pd.tgt = append([]int32{null}, qs...), as
		}
		if len(pd.src) > 1 && len(pd.tgt) > 0 {
			pds = append(pds, pd)
		}
	}
	key := func(s, t int32) uint64 { return uint64(uint32(s))<<32 | uint64(uint32(t)) }
	prob := map[uint64]float64{}
	for _, pd := range pds {
		for _, s := range pd.src {
			for _, t := range pd.tgt {
				prob[key(s, t)] = 1
			}
		}
	}
	count := make(map[uint64]float64, len(prob))
	total := map[int32]float64{}
	for it := 0; it < int(assocIters); it++ {
		clear(count)
		clear(total)
		for _, pd := range pds {
			for _, t := range pd.tgt {
				z := 0.0
				for _, s := range pd.src {
					z += prob[key(s, t)]
				}
				for _, s := range pd.src {
					c := prob[key(s, t)] / z
					count[key(s, t)] += c
					total[s] += c
				}
			}
		}
		for k, c := range count {
			prob[k] = c / total[int32(uint32(k>>32))]
		}
	}
	// For every source term, the target terms it translates into best.
	byTgt := map[int32][]assocTerm{}
	for k, p := range prob {
		s, t := int32(uint32(k>>32)), int32(uint32(k))
		if s == null || s == t || p < assocMin {
			continue
		}
		if assocRev == 0 {
			byTgt[s] = append(byTgt[s], assocTerm{term: names[t], p: p})
		} else {
			byTgt[t] = append(byTgt[t], assocTerm{term: names[s], p: p})
		}
	}
	out := make(map[string][]assocTerm, len(byTgt))
	for t, l := range byTgt {
		sort.Slice(l, func(i, j int) bool {
			if l[i].p != l[j].p {
				return l[i].p > l[j].p
			}
			return l[i].term < l[j].term
		})
		if len(l) > int(assocTop) {
			l = l[:int(assocTop)]
		}
		out[names[t]] = l
	}
	_ = math.Log
	return out
}
