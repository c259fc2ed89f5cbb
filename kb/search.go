package kb

import (
	"math"
	"sort"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Ranking weights and decision thresholds. The final score of an entry mixes
// BM25 over its question and alternate questions (the best one counts), BM25
// over its answer, how much of the query it covers, and bleve's own score
// for the phrase, match and fuzzy disjunction. Scores are normalised by the
// query's weight so that the thresholds mean the same for every query.
const (
	k1 = 1.2
	b  = 0.75

	wQuestion = 1.0
	wAnswer   = 0.35
	wCoverage = 0.5
	wBleve    = 0.25

	candidates = 40 // bleve hits that are re-ranked

	// A query is answered when the best entry covers most of its content
	// terms in its question, scores well, and leads the second clearly.
	answerQCoverage = 0.75
	answerScore     = 0.9
	answerMargin    = 0.12
	// Below this coverage nothing is relevant enough even to suggest.
	suggestCoverage = 0.5
	suggestQCover   = 0.34
)

// Search finds the entries that answer query. lang is the user's language
// ("" to detect it from the query); that language is searched first and the
// others only when it has no good match. Safe for concurrent use.
func (k *KB) Search(q, lang string, limit int) Result {
	r := k.Rank(q, lang, limit)
	if r.Decision == DecisionNone {
		r.Results = []Hit{}
	}
	return r
}

// Rank is Search that keeps the ranked hits even when the decision is none,
// for evaluation and for admins looking at why nothing was answered.
func (k *KB) Rank(q, lang string, limit int) Result {
	if limit <= 0 {
		limit = 10
	}
	s := k.live.Load()
	detected := DetectLang(q)
	fallback := lang
	if fallback == "" {
		fallback = detected
	}
	if s == nil {
		return Result{Decision: DecisionNone, Lang: fallback, Results: []Hit{}}
	}
	var order []string
	seen := map[string]bool{}
	for _, l := range append([]string{lang, detected}, s.langs...) {
		if l != "" && !seen[l] && s.stats[l] != nil {
			seen[l] = true
			order = append(order, l)
		}
	}
	var best *Result
	for _, l := range order {
		r := s.search(q, l, limit)
		if r.Decision == DecisionAnswer {
			return r
		}
		if best == nil || (best.Decision == DecisionNone && r.Decision == DecisionSuggest) ||
			(best.Decision == DecisionNone && len(best.Results) == 0 && len(r.Results) > 0) {
			rr := r
			best = &rr
		}
	}
	if best == nil {
		return Result{Decision: DecisionNone, Lang: fallback, Results: []Hit{}}
	}
	if best.Decision == DecisionNone && fallback != "" {
		best.Lang = fallback
	}
	return *best
}

type scored struct {
	d         *doc
	id        string
	score     float64
	coverage  float64 // share of query weight matched anywhere in the entry
	qcoverage float64 // share matched in the question or an alternate question
}

// search ranks the documents of one language.
func (s *snapshot) search(q, lang string, limit int) Result {
	res := Result{Decision: DecisionNone, Lang: lang, Results: []Hit{}}
	st := s.stats[lang]
	a := analyzerFor(lang)
	qterms := dedupe(terms(a, q))
	if len(qterms) == 0 || st == nil {
		return res
	}
	req := bleve.NewSearchRequestOptions(s.query(q, lang, qterms), candidates, 0, false)
	sr, err := s.index.Search(req)
	if err != nil || len(sr.Hits) == 0 {
		return res
	}
	maxIDF := st.idf(0)
	weights := make([]float64, len(qterms))
	total := 0.0
	for i, t := range qterms {
		df, ok := st.dfQ[t]
		if !ok {
			df = st.dfA[t] * 2 // seen only in answers: still fairly specific
		}
		weights[i] = st.idf(df)
		if df == 0 {
			weights[i] = maxIDF
		}
		total += weights[i]
	}
	topBleve := sr.Hits[0].Score
	list := make([]scored, 0, len(sr.Hits))
	for _, h := range sr.Hits {
		d := s.docs[h.ID]
		if d == nil {
			continue
		}
		var qs, as, cov, qcov float64
		for _, v := range d.variants {
			qs = max(qs, bm25(qterms, weights, v, st.avgQ))
		}
		as = bm25(qterms, weights, d.answer, st.avgA)
		for i, t := range qterms {
			switch {
			case has(d.qset, t):
				cov += weights[i]
				qcov += weights[i]
			case fuzzyHas(d.qset, t):
				cov += 0.7 * weights[i]
				qcov += 0.7 * weights[i]
			case has(d.aset, t):
				cov += 0.5 * weights[i]
			}
		}
		norm := total * (k1 + 1)
		sc := wQuestion*qs/norm + wAnswer*as/norm + wCoverage*cov/total + wBleve*h.Score/topBleve
		list = append(list, scored{d: d, id: h.ID, score: sc, coverage: cov / total, qcoverage: qcov / total})
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].score > list[j].score })
	if len(list) == 0 {
		return res
	}
	res.Decision = decide(list)
	for i, c := range list {
		if i == limit {
			break
		}
		res.Results = append(res.Results, Hit{ID: c.id, Question: c.d.entry.Question, Answer: c.d.entry.Answer,
			Lang: c.d.entry.Lang, Link: c.d.entry.Link, Score: math.Round(c.score*1000) / 1000})
	}
	return res
}

// decide turns the ranked list into a decision: nothing when the best entry
// shares too little with the query (off-topic questions share at most a
// word or two), an answer when it covers the query in its question and
// clearly leads, and a suggestion otherwise.
func decide(list []scored) Decision {
	top := list[0]
	if top.coverage < suggestCoverage || top.qcoverage < suggestQCover {
		return DecisionNone
	}
	margin := 1.0
	if len(list) > 1 {
		margin = (top.score - list[1].score) / top.score
	}
	if top.qcoverage >= answerQCoverage && top.score >= answerScore && margin >= answerMargin {
		return DecisionAnswer
	}
	return DecisionSuggest
}

// query is the bleve query for one language: the lang keyword as a filter
// and a disjunction of phrase, match and fuzzy queries on that language's
// fields, questions boosted over answers.
func (s *snapshot) query(q, lang string, qterms []string) query.Query {
	field := func(qq interface {
		query.Query
		SetField(string)
		SetBoost(float64)
	}, f string, boost float64) query.Query {
		qq.SetField(f)
		qq.SetBoost(boost)
		return qq
	}
	parts := []query.Query{
		field(query.NewMatchPhraseQuery(q), fieldQuestion(lang), 4),
		field(query.NewMatchPhraseQuery(q), fieldAlt(lang), 4),
		field(query.NewMatchQuery(q), fieldQuestion(lang), 2),
		field(query.NewMatchQuery(q), fieldAlt(lang), 2),
		field(query.NewMatchQuery(q), fieldAnswer(lang), 0.6),
		field(query.NewMatchQuery(q), fieldCategory, 0.3),
		field(query.NewMatchQuery(q), fieldTags, 0.5),
	}
	for _, t := range qterms {
		n := utf8.RuneCountInString(t)
		if n < 5 {
			continue
		}
		fq := query.NewFuzzyQuery(t)
		fq.SetFuzziness(1)
		if n >= 9 {
			fq.SetFuzziness(2)
		}
		parts = append(parts, field(fq, fieldQuestion(lang), 0.5))
		fa := query.NewFuzzyQuery(t)
		fa.SetFuzziness(fq.Fuzziness)
		parts = append(parts, field(fa, fieldAlt(lang), 0.5))
	}
	dis := query.NewDisjunctionQuery(parts)
	filter := query.NewTermQuery(lang)
	filter.SetField(fieldLang)
	filter.SetBoost(0)
	return query.NewConjunctionQuery([]query.Query{filter, dis})
}

func bm25(qterms []string, weights []float64, doc []string, avg float64) float64 {
	if len(doc) == 0 {
		return 0
	}
	var sum float64
	dl := float64(len(doc))
	for i, t := range qterms {
		tf := 0
		for _, d := range doc {
			if d == t {
				tf++
			}
		}
		if tf == 0 {
			continue
		}
		f := float64(tf)
		sum += weights[i] * f * (k1 + 1) / (f + k1*(1-b+b*dl/avg))
	}
	return sum
}

func has(set map[string]struct{}, t string) bool {
	_, ok := set[t]
	return ok
}

// fuzzyHas reports whether set has a term within one edit of t, for terms
// long enough that one edit is a typo rather than another word.
func fuzzyHas(set map[string]struct{}, t string) bool {
	if utf8.RuneCountInString(t) < 5 {
		return false
	}
	for s := range set {
		if withinOneEdit(s, t) {
			return true
		}
	}
	return false
}

func withinOneEdit(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > len(rb) {
		ra, rb = rb, ra
	}
	if len(rb)-len(ra) > 1 || len(ra) < 4 {
		return false
	}
	i := 0
	for i < len(ra) && ra[i] == rb[i] {
		i++
	}
	if i == len(ra) {
		return true
	}
	if len(ra) == len(rb) {
		// substitution or adjacent transposition
		if string(ra[i+1:]) == string(rb[i+1:]) {
			return true
		}
		return i+1 < len(ra) && ra[i] == rb[i+1] && ra[i+1] == rb[i] && string(ra[i+2:]) == string(rb[i+2:])
	}
	return string(ra[i:]) == string(rb[i+1:])
}

func dedupe(ts []string) []string {
	seen := make(map[string]struct{}, len(ts))
	out := ts[:0]
	for _, t := range ts {
		if _, ok := seen[t]; ok {
			continue
		}
		seen[t] = struct{}{}
		out = append(out, t)
	}
	return out
}
