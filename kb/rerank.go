package kb

import (
	"math"
	"slices"
	"sort"
)

// The second stage. The first rerankDepth entries of the first ranking are
// scored again by a linear model over features of the query and each
// entry: the first ranking's own parts, and what it does not weigh (how
// close query and entry are in the FAQ's topic space, semantic.go; how much
// of the query's rarest words the entry has; how much of the entry's
// question the query accounts for). The weights are fitted pairwise (the
// labelled entry against every other candidate of its query, logistic
// loss, an L2 penalty towards the first ranking's own weights) on labelled
// paraphrases:
//
//	go test ./kb -run TestFitRerank -rerank-data DUMP[,DUMP...]
//
// where each DUMP is written by `lifeline kb eval ... --dump FILE`
// (rerank_model.go says which). The model is fixed at run time.
const rerankDepth = 20

// Rerank features, in the order of rerankModel's weights.
const (
	rfBM25      = iota // BM25F over the query's weight
	rfQCoverage        // share of the query's weight the questions cover
	rfCoverage         // share covered anywhere (answer at half)
	rfGram             // character-gram similarity
	rfQType            // the question kinds agree (typeWeight), 0 otherwise
	rfSemantic         // cosine in the FAQ's topic space
	rfRare             // share of the weight of the query's two heaviest terms covered
	rfEntryCov         // share of the entry's question weight the query has
	rfQLen             // log of the question's length in terms
	rfBMQ              // BM25 of the questions alone over the query's weight
	rfBMA              // BM25 of the answer alone over the query's weight
	rfBMAShort         // rfBMA over the query's number of terms
	rfGramShort        // rfGram over the query's number of terms
	rfLead             // share of the query's weight in the answer's first sentence
	rfCount
)

var rerankFeatureNames = [rfCount]string{"BM25", "QCoverage", "Coverage", "Gram", "QType", "Semantic", "Rare", "EntryCov", "QLen", "BMQ", "BMA", "BMAShort", "GramShort", "Lead"}

// firstStage are the weights of the first ranking on the same features: the
// point the fit is drawn towards.
var firstStage = [rfCount]float64{rfBM25: wBM25, rfQCoverage: wCoverage, rfGram: wGram, rfQType: wQType}

// rerankScore is the model's score of a candidate's features.
func rerankScore(x *[rfCount]float64) float64 {
	s := 0.0
	for i, v := range x {
		s += rerankModel[i] * v
	}
	return s
}

// heaviest returns the groups of the two heaviest query terms the FAQ
// knows (-1 for none).
func heaviestTwo(qterms []string, weights []float64, df map[string]int) [2]int {
	h := [2]int{-1, -1}
	for g, t := range qterms {
		if _, ok := df[t]; !ok {
			continue
		}
		switch {
		case h[0] < 0 || weights[g] > weights[h[0]]:
			h[1] = h[0]
			h[0] = g
		case h[1] < 0 || weights[g] > weights[h[1]]:
			h[1] = g
		}
	}
	return h
}

// entryCoverage is the largest share of one of d's questions' weight whose
// terms the query has (a stand-in at its factor).
func (st *langStats) entryCoverage(d *doc, have map[string]float64) float64 {
	best := 0.0
	for _, v := range d.variants {
		var got, all float64
		for i, t := range v {
			if slices.Contains(v[:i], t) {
				continue
			}
			w := st.weight(t)
			all += w
			got += w * min(1, have[t])
		}
		if all > 0 {
			best = max(best, got/all)
		}
	}
	return best
}

// rerankRow is one candidate of the second stage as evaluation sees it.
type rerankRow struct {
	question string
	x        [rfCount]float64
}

// RerankCandidate is a candidate of the second stage with its features,
// for fitting the model (kb eval --dump).
type RerankCandidate struct {
	Question string
	Features []float64
}

// RerankFeatureNames names the features of RerankCandidate.
func RerankFeatureNames() []string { return rerankFeatureNames[:] }

// RerankCandidates returns the candidates the second stage reordered, in
// the first ranking's order, with their features (none when the decision
// came from an incident's entries or nothing was ranked).
func (r Result) RerankCandidates() []RerankCandidate {
	out := make([]RerankCandidate, len(r.rerank))
	for i, c := range r.rerank {
		out[i] = RerankCandidate{Question: c.question, Features: append([]float64(nil), c.x[:]...)}
	}
	return out
}

// rerank reorders the first rerankDepth entries of list (sorted by the
// first ranking) by the model; the rest keeps its order below them.
func rerank(list []scored) {
	n := min(len(list), rerankDepth)
	for i := 0; i < n; i++ {
		list[i].score = rerankScore(&list[i].rf)
	}
	head := list[:n]
	sort.SliceStable(head, func(i, j int) bool {
		if head[i].score != head[j].score {
			return head[i].score > head[j].score
		}
		return head[i].d.pos < head[j].d.pos
	})
	if n > 0 {
		low := head[n-1].score
		for i := n; i < len(list); i++ {
			list[i].score = math.Min(list[i].score, low)
		}
	}
}

// fieldBM25 is the BM25 of d's questions and of its answer apart, over
// the query's weight.
func (st *langStats) fieldBM25(d *doc, qs []qterm, total float64) (bq, ba float64) {
	for _, t := range qs {
		ps := st.post[t.term]
		i := sort.Search(len(ps), func(i int) bool { return ps[i].doc >= d.pos })
		if i == len(ps) || ps[i].doc != d.pos {
			continue
		}
		if tf := float64(ps[i].q); tf > 0 {
			bq += t.factor * t.w * tf / (tf + k1)
		}
		if tf := wFieldA * float64(ps[i].a); tf > 0 {
			ba += t.factor * t.w * tf / (tf + k1)
		}
	}
	return bq / total, ba / total
}
