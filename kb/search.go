package kb

import (
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Ranking. Every document of the query's language is scored by BM25F over
// its question and alternate questions (the best matching one counts) and
// its answer at a lower weight (the answer's first sentence counting more),
// from the language's own postings; query terms also stand for the question
// terms a translation model learned from the FAQ associates them with
// (assoc.go), and for the FAQ terms a system thesaurus lists them as
// synonyms of (thesaurus.go). The best candidates, and those most similar by character
// grams, are then reranked by a few features: BM25F normalised by the query's weight, the share of
// the query's weight the entry's questions cover, and the gram similarity.
const (
	wFieldQ = 1.0  // BM25F weight of the question field
	wFieldA = 0.25 // and of the answer field
	wFieldC = 0.3  // and of category and tags
	// A term of the answer's first sentence counts as this many more
	// occurrences in the answer.
	leadBoost = 2.0
	bQ        = 0.75
	bA        = 0.75
	k1        = 1.2

	wBM25     = 1.0
	wCoverage = 0.6
	wGram     = 0.6
	wQType    = 0.3 // the question asks for the same kind of answer (where, when, what to do...), see typeWeight

	// A query term's weight is this share its IDF among questions and the
	// rest its IDF among whole entries: a word that many answers use but
	// few questions ask about still tells questions apart.
	idfQMix = 0.5

	fuzzyFactor = 0.7 // a variant or typo-corrected term counts this much of the term
	minStem     = 5   // runes a term needs to have variants
	maxExtra    = 4   // bytes a variant may add to or drop from a term
	partFactor  = 0.5 // a compound part counts this much of the compound
	// In the compounding languages a term also stands for the FAQ's terms
	// that begin with its first stemPrefix letters, at prefixFactor:
	// truncation finds what their light stemmers leave apart
	// ("desinfiziert" and "Desinfektion", "Information" and "informiert").
	stemPrefix   = 6
	prefixFactor = 0.6
	// An Arabic word without its one-letter proclitic (لفيروس: for the
	// virus) is the same word; it counts nearly as much.
	procliticFactor = 0.9

	// A question is a sentence or two: the search reads at most this many
	// runes of a message, and cuts any run of this many letters without
	// a space (no word is that long, not even a German compound) before
	// analysis. Unbounded, a 100,000-letter "word" took minutes: the
	// work on a term (its one-letter deletions for typos among others)
	// grew with at least the square of its length.
	maxQueryRunes = 1000
	maxTokenRunes = 64

	candidates     = 50 // best documents by BM25F that are re-ranked
	gramCandidates = 20 // and the documents most similar by character grams
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
	// One snapshot answers, so the version is the one the hits came from.
	s := k.live.Load()
	r := s.rank(q, lang, limit, k.overlay.Load())
	if s != nil {
		r.Version = s.version
	}
	return r
}

// rank searches s, after the open incidents' entries of ov (nil: none).
func (s *snapshot) rank(q, lang string, limit int, ov *overlayIndex) Result {
	if limit <= 0 {
		limit = 10
	}
	q = boundQuery(q)
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
	// An open incident's entries come first (overlay.go).
	if ov != nil {
		if r, ok := ov.rank(q, order, limit); ok {
			return r
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
	if best.Decision == DecisionNone {
		// Nothing found: report the language asked or detected, not the
		// last one tried ("" when the query's language is unknown).
		best.Lang = fallback
	}
	return *best
}

// coverer computes how much of a query an entry covers, reusing its
// per-term buffers across the candidates of one search.
type coverer struct {
	qcovs, covs []float64
	assocs      []bool
}

func newCoverer(n int) *coverer {
	return &coverer{qcovs: make([]float64, n), covs: make([]float64, n), assocs: make([]bool, n)}
}

// cover returns the shares of the query's weight d covers anywhere (the
// answer at half), in its questions, and only through associations or
// synonyms.
func (c *coverer) cover(d *doc, qs []qterm, weights []float64) (cov, qcov, aonly float64) {
	clear(c.qcovs)
	clear(c.covs)
	clear(c.assocs)
	for _, t := range qs {
		switch {
		case t.assoc:
			// Associations and synonyms rank, but do not count as covering
			// the query: the decision to answer rests on the query's own
			// words. The decision sees them apart.
			c.assocs[t.group] = c.assocs[t.group] || has(d.qset, t.term) || has(d.aset, t.term)
		case has(d.qset, t.term):
			c.qcovs[t.group] = max(c.qcovs[t.group], t.factor)
			c.covs[t.group] = max(c.covs[t.group], t.factor)
		case has(d.aset, t.term):
			c.covs[t.group] = max(c.covs[t.group], 0.5*t.factor)
		}
	}
	total := 0.0
	for g, w := range weights {
		total += w
		cov += w * c.covs[g]
		qcov += w * c.qcovs[g]
		if c.assocs[g] && c.covs[g] == 0 {
			aonly += w
		}
	}
	return cov / total, qcov / total, aonly / total
}

// covered reports whether the entry last passed to cover matches query
// term g, directly or through an association or synonym.
func (c *coverer) covered(g int) bool {
	return c.covs[g] > 0 || c.assocs[g]
}

// boundQuery keeps the first maxQueryRunes runes of q and cuts every run of
// non-space runes to maxTokenRunes, so that the cost of a search is bounded
// whatever is sent.
func boundQuery(q string) string {
	var b strings.Builder
	b.Grow(min(len(q), 4*maxQueryRunes))
	runes, run := 0, 0
	for _, r := range q {
		if runes == maxQueryRunes {
			break
		}
		runes++
		if unicode.IsSpace(r) {
			run = 0
		} else if run++; run > maxTokenRunes {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

type scored struct {
	d         *doc
	id        string
	score     float64
	coverage  float64 // share of query weight matched anywhere in the entry
	qcoverage float64 // share matched in the question or an alternate question
	assocOnly float64 // share matched only through associations or the thesaurus
	gram      float64 // character-gram similarity to the query
}

// qterm is one term the search looks up: a query term or a stand-in for it
// (a typo correction, a compound part), weighted by its IDF and credited to
// the query term it stands for.
type qterm struct {
	term   string
	w      float64
	factor float64 // 1 for the query term itself
	group  int     // index of the query term
	assoc  bool    // associated by the translation model or the thesaurus
}

// expand looks the query terms up in the language's vocabulary. Terms that
// share a long stem with a query term (stemmers leave "prepared" and
// "preparedness" apart) stand in for it at a discount; in compounding
// languages a term also stands for its parts (the index splits the FAQ's
// compounds, so "Inkubationszeit" finds "Inkubation" as "Inkubation" finds
// "Inkubationszeit") and for the FAQ's terms with the same first letters; a
// term the FAQ does not have and that is no compound stands for the terms
// within one edit of it (typos).
func (st *langStats) expand(qterms []string) (qs []qterm, weights []float64) {
	weights = make([]float64, len(qterms))
	maxIDF := st.idf(0)
	for i, t := range qterms {
		_, known := st.df[t]
		if known {
			weights[i] = st.weight(t)
			qs = append(qs, qterm{term: t, w: weights[i], factor: 1, group: i})
		} else {
			weights[i] = maxIDF
		}
		var alts []string
		// A part or a longer word with the same beginning weighs at most
		// what the term weighs: "Ansteckungsgefahr" is rarer than
		// "Ansteckung" but no better evidence of it.
		if decompounds[st.lang] {
			alts = splitCompound(t, st.vocabSet, st.termOf)
			for _, p := range alts {
				qs = append(qs, qterm{term: p, w: min(st.idf(st.df[p]), weights[i]), factor: partFactor, group: i})
			}
		}
		if st.lang == "ar" {
			if v := withoutProclitic(t, st.vocabSet); v != "" {
				qs = append(qs, qterm{term: v, w: st.idf(st.df[v]), factor: procliticFactor, group: i})
				// The word weighs what the bare word weighs: "for the
				// virus" is as common as "virus", however rare its
				// written form.
				weights[i] = min(weights[i], st.weight(v))
			}
		}
		if st.lang == "de" {
			if v := st.participleStem(t); v != "" {
				qs = append(qs, qterm{term: v, w: min(st.idf(st.df[v]), weights[i]), factor: fuzzyFactor, group: i})
			}
		}
		if alts == nil || known {
			near := st.near(t, !known)
			for _, v := range near {
				qs = append(qs, qterm{term: v, w: st.idf(st.df[v]), factor: fuzzyFactor, group: i})
			}
			if decompounds[st.lang] {
				for _, v := range st.sharePrefix(t, near) {
					qs = append(qs, qterm{term: v, w: min(st.idf(st.df[v]), weights[i]), factor: prefixFactor, group: i})
				}
			}
		}
		// Question terms the term translates into (the term's own
		// weight: it is the query's evidence).
		for _, a := range st.assoc[t] {
			qs = append(qs, qterm{term: a.term, w: weights[i], factor: assocFactor * a.p, group: i, assoc: true})
		}
		// FAQ terms the term is a thesaurus synonym of.
		for _, s := range st.thes[t] {
			qs = append(qs, qterm{term: s, w: st.idf(st.df[s]), factor: thesFactor, group: i, assoc: true})
		}
	}
	return qs, weights
}

// weight is a query term's weight: its rarity among questions mixed with
// its rarity among whole entries.
func (st *langStats) weight(t string) float64 {
	return (1-idfQMix)*st.idf(st.df[t]) + idfQMix*st.idf(st.dfQ[t])
}

// participleStem returns the FAQ term a German past participle's verb
// stands for ("getestet": "test", "geimpft": "impfung", through the
// synonym groups), or "" when t is no such participle or the FAQ lacks
// the verb. The light stemmer keeps the "ge-" and "-t" of a participle,
// so "Muss ich getestet werden?" missed every "Test". The verb's stem
// must keep minPart runes and be a term of the FAQ: "Gesicht" and
// "Gewicht" are no participles of "sich" and "wich".
func (st *langStats) participleStem(t string) string {
	if !strings.HasPrefix(t, "ge") {
		return ""
	}
	for _, end := range []string{"et", "t"} {
		if !strings.HasSuffix(t, end) || len(t) < 2+len(end) {
			continue
		}
		stem := t[2 : len(t)-len(end)]
		if utf8.RuneCountInString(stem) < minPart {
			continue
		}
		v := stem
		if st.termOf != nil {
			v = st.termOf(stem)
		}
		if v != t && has(st.vocabSet, v) {
			return v
		}
	}
	return ""
}

// withoutProclitic returns t without a leading و, ف, ب, ل or ك (and, or,
// with, for, like), when what remains is a word of the FAQ of at least
// three letters. The Arabic stemmer removes these only together with the
// article (بال، لل); on their own they are too often part of the word to
// strip blindly, so the FAQ's vocabulary decides.
func withoutProclitic(t string, vocab map[string]struct{}) string {
	r, size := utf8.DecodeRuneInString(t)
	if !strings.ContainsRune("وفبلك", r) || utf8.RuneCountInString(t[size:]) < 3 || !has(vocab, t[size:]) {
		return ""
	}
	return t[size:]
}

// sharePrefix returns up to four vocabulary terms, other than t and skip,
// longer than stemPrefix runes that begin with the same stemPrefix runes as
// t, when t is longer than that itself (the first four in the sorted
// vocabulary: a bound on the work, not a preference).
func (st *langStats) sharePrefix(t string, skip []string) []string {
	n, cut := 0, -1
	for j := range t {
		if n == stemPrefix {
			cut = j
			break
		}
		n++
	}
	if cut < 0 {
		return nil
	}
	p := t[:cut]
	var out []string
	for i := sort.SearchStrings(st.vocab, p); i < len(st.vocab) && len(out) < 4 && strings.HasPrefix(st.vocab[i], p); i++ {
		v := st.vocab[i]
		if v == t || slices.Contains(skip, v) || utf8.RuneCountInString(v) < stemPrefix+1 {
			continue
		}
		out = append(out, v)
	}
	return out
}

// near returns up to four vocabulary terms that t is a long prefix of or
// that are a long prefix of t, and, when edits is set, those within one
// edit of t; only for terms long enough that this is a variant or a typo
// rather than another word.
func (st *langStats) near(t string, edits bool) []string {
	if utf8.RuneCountInString(t) < minStem {
		return nil
	}
	const most = 4
	var out []string
	// Longer terms starting with t are contiguous in the sorted vocabulary.
	i := sort.SearchStrings(st.vocab, t)
	for ; i < len(st.vocab) && len(out) < most && strings.HasPrefix(st.vocab[i], t); i++ {
		if v := st.vocab[i]; v != t && len(v) <= len(t)+maxExtra {
			out = append(out, v)
		}
	}
	// Shorter terms that t starts with.
	runes := 0
	for j := range t {
		if runes >= minStem && len(out) < most && len(t)-j <= maxExtra && has(st.vocabSet, t[:j]) {
			out = append(out, t[:j])
		}
		runes++
	}
	if !edits || len(out) > 0 {
		return out
	}
	// Two words within one edit of each other share a one-letter
	// deletion, or one is a deletion of the other, so the candidates come
	// from the deletion index instead of a scan of the vocabulary.
	seen := map[int32]bool{}
	var cand []int32
	collect := func(ids []int32) {
		for _, id := range ids {
			if !seen[id] {
				seen[id] = true
				cand = append(cand, id)
			}
		}
	}
	collect(st.deletes[t])
	for _, d := range deletions(t) {
		collect(st.deletes[d])
		if has(st.vocabSet, d) {
			i := sort.SearchStrings(st.vocab, d)
			collect([]int32{int32(i)})
		}
	}
	// Vocabulary order, as a scan would have found them.
	sort.Slice(cand, func(i, j int) bool { return cand[i] < cand[j] })
	for _, id := range cand {
		if v := st.vocab[id]; len(v) >= minStem && withinOneEdit(v, t) {
			out = append(out, v)
			if len(out) == most {
				break
			}
		}
	}
	return out
}

// search ranks the documents of one language.
func (s *snapshot) search(q, lang string, limit int) Result {
	r, _ := s.searchAmong(q, lang, limit, nil)
	return r
}

// searchAmong ranks the documents of one language and decides on those
// keep accepts (all when keep is nil), with the statistics of every
// document: the overlay's entries are ranked and decided on exactly as
// the general FAQ's are. rival is the best score of a document keep
// refused (0 for none).
func (s *snapshot) searchAmong(q, lang string, limit int, keep func(*doc) bool) (res Result, rival float64) {
	res = Result{Decision: DecisionNone, Lang: lang, Results: []Hit{}}
	st := s.stats[lang]
	if st == nil {
		return res, 0
	}
	qterms := dedupe(terms(analyzerFor(lang), q))
	if len(qterms) == 0 {
		return res, 0
	}
	qs, weights := st.expand(qterms)
	total := 0.0
	for _, w := range weights {
		total += w
	}

	// BM25F over the postings.
	sc := st.scratch.Get().(*scratch)
	defer st.scratch.Put(sc)
	acc, touched := sc.acc, sc.touched[:0]
	clear(acc)
	for _, t := range qs {
		for _, p := range st.post[t.term] {
			tf := wFieldQ*float64(p.q) + wFieldA*float64(p.a) + wFieldC*float64(p.c)
			if acc[p.doc] == 0 {
				touched = append(touched, p.doc)
			}
			acc[p.doc] += float32(t.factor * t.w * tf / (tf + k1))
		}
	}
	sc.touched = touched
	sims := st.grams.query(qterms, sc.sims)
	cands := topDocs(acc, touched, candidates)
	inList := make(map[int32]bool, len(cands)+gramCandidates)
	for _, i := range cands {
		inList[i] = true
	}
	for _, i := range top(sims, gramCandidates) {
		if !inList[i] {
			cands = append(cands, i)
			inList[i] = true
		}
	}
	if len(cands) == 0 {
		return res, 0
	}

	qtype := questionType(q)
	list := make([]scored, 0, len(cands))
	cv := newCoverer(len(qterms))
	for _, i := range cands {
		d := st.docs[i]
		cov, qcov, aonly := cv.cover(d, qs, weights)
		score := wBM25*float64(acc[i])/total + wCoverage*qcov + wGram*sims[i]
		// The kinds agreeing counts once the entry shares a word of the
		// query anywhere, its answer included: a paraphrase often shares
		// none with the question ("Who is most vulnerable?" for "Who is
		// at risk?") but one with the answer.
		if qtype != "" && qtype == d.qtype && (qcov > 0 || cov > 0) {
			score += wQType * st.typeW[qtype]
		}
		list = append(list, scored{d: d, id: d.id, score: score, coverage: cov, qcoverage: qcov, assocOnly: aonly, gram: sims[i]})
	}
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].score != list[j].score {
			return list[i].score > list[j].score
		}
		return list[i].d.pos < list[j].d.pos
	})
	if keep != nil {
		kept := list[:0:0]
		for _, c := range list {
			switch {
			case keep(c.d):
				kept = append(kept, c)
			case c.score > rival:
				rival = c.score
			}
		}
		if list = kept; len(list) == 0 {
			return res, rival
		}
	}
	// The decision weighs a query word the FAQ does not have at most as
	// much as the query's most telling word it has: absence from a small
	// FAQ says that the word is not about the FAQ, not that it is rarer
	// than any word there ("exactly" in "what exactly is a coronavirus").
	// The ranking keeps the plain weights.
	found := make([]bool, len(qterms))
	for _, t := range qs {
		found[t.group] = found[t.group] || !t.assoc
	}
	heaviest := 0.0
	for g, t := range qterms {
		if _, ok := st.df[t]; ok {
			heaviest = max(heaviest, weights[g])
		}
	}
	dw := make([]float64, len(weights))
	unknown, dtotal := 0.0, 0.0
	for g, w := range weights {
		dw[g] = w
		if _, ok := st.df[qterms[g]]; !ok && heaviest > 0 {
			dw[g] = min(w, heaviest)
		}
		dtotal += dw[g]
		if !found[g] {
			unknown += dw[g]
		}
	}
	top := list[0]
	top.coverage, top.qcoverage, top.assocOnly = cv.cover(top.d, qs, dw)
	f := featuresOf(top, list, len(qterms), unknown/dtotal)
	res.features = &f
	res.Decision = f.decide()
	if res.Decision != DecisionNone && frameOnly(qterms, cv.covered, st.frame) {
		res.Decision = DecisionNone
	}
	for i, c := range list {
		if i == limit {
			break
		}
		res.Results = append(res.Results, Hit{ID: c.id, Question: c.d.entry.Question, Answer: c.d.entry.Answer,
			Lang: c.d.entry.Lang, Link: c.d.entry.Link, Attachment: c.d.entry.Attachment, Score: math.Round(c.score*1000) / 1000})
	}
	return res, rival
}

// typeWeight is the share of wQType a match of question kinds earns when
// share of the language's entries ask for that kind: the whole when at most
// a tenth do, less as more do (the kind's IDF over that of a tenth). In an
// FAQ where half the questions are yes-or-no, sharing that kind says
// little; sharing "where" with one entry in fifty says much.
func typeWeight(share float64) float64 {
	if share <= 0 {
		return 0
	}
	return min(1, math.Log(1/share)/math.Log(10))
}

// topDocs returns the n touched documents with the highest scores, best
// first (the earlier document first among equals).
func topDocs(acc []float32, touched []int32, n int) []int32 {
	best := make([]int32, 0, n+1)
	for _, i := range touched {
		v := acc[i]
		if len(best) == n && (v < acc[best[n-1]] || (v == acc[best[n-1]] && i > best[n-1])) {
			continue
		}
		j := len(best)
		best = append(best, i)
		for ; j > 0 && (acc[best[j-1]] < v || (acc[best[j-1]] == v && best[j-1] > i)); j-- {
			best[j] = best[j-1]
		}
		best[j] = i
		if len(best) > n {
			best = best[:n]
		}
	}
	return best
}

func has(set map[string]struct{}, t string) bool {
	_, ok := set[t]
	return ok
}

// deletions returns t with each one of its letters removed.
func deletions(t string) []string {
	out := make([]string, 0, len(t))
	for i, r := range t {
		out = append(out, t[:i]+t[i+utf8.RuneLen(r):])
	}
	return out
}

// buildDeleteIndex maps every one-letter deletion of the vocabulary's
// longer terms to the terms (by position in vocab) it comes from.
func buildDeleteIndex(vocab []string) map[string][]int32 {
	idx := make(map[string][]int32, len(vocab)*4)
	for i, v := range vocab {
		if utf8.RuneCountInString(v) < minStem {
			continue
		}
		for _, d := range deletions(v) {
			if l := idx[d]; len(l) == 0 || l[len(l)-1] != int32(i) {
				idx[d] = append(l, int32(i))
			}
		}
	}
	return idx
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
