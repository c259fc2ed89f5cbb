package kb

import (
	"fmt"
	"math"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"
)

// Field names. Each language has its own question, alternate-question and
// answer fields analysed by that language's analyzer.
const (
	fieldLang     = "lang"
	fieldCategory = "category"
	fieldTags     = "tags"
)

func fieldQuestion(lang string) string { return "question_" + lang }
func fieldAlt(lang string) string      { return "alt_" + lang }
func fieldAnswer(lang string) string   { return "answer_" + lang }

// analyzers caches one analyzer per language for the ranking features; they
// are the same analyzers the index uses.
var analyzers = struct {
	sync.Mutex
	cache *registry.Cache
	m     map[string]analysis.Analyzer
}{cache: registry.NewCache(), m: map[string]analysis.Analyzer{}}

func analyzerFor(lang string) analysis.Analyzer {
	analyzers.Lock()
	defer analyzers.Unlock()
	name := analyzerName(lang)
	if a, ok := analyzers.m[name]; ok {
		return a
	}
	a, err := analyzers.cache.AnalyzerNamed(name)
	if err != nil {
		// Every name analyzerName returns is registered in init.
		panic(fmt.Sprintf("kb: analyzer %s: %v", name, err))
	}
	analyzers.m[name] = a
	return a
}

// partTerm returns the function that maps a compound part of lang to the
// term it stands for (see synonymAnalyzer.termOf).
func partTerm(lang string) func(string) string {
	if a, ok := analyzerFor(lang).(*synonymAnalyzer); ok {
		return a.termOf
	}
	return nil
}

func terms(a analysis.Analyzer, text string) []string {
	ts := a.Analyze([]byte(text))
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t.Term)
	}
	return out
}

// doc is one searchable entry in one language, with the analysed terms the
// ranking uses.
type doc struct {
	id       string
	pos      int32      // index in its language's langStats.docs
	entry    Entry      // the entry as it reads in its language
	variants [][]string // analysed question and alternate questions
	answer   []string   // analysed answer
	lead     []string   // distinct analysed terms of the answer's first sentence
	topic    []string   // analysed category and tags
	qset     map[string]struct{}
	aset     map[string]struct{}
	qtype    string // what the question asks for: where, when, how, ...
}

// posting is one document's evidence for one term: its BM25 length-
// normalised frequency in the best matching question variant and in the
// answer. The field weights are applied at query time (BM25F).
type posting struct {
	doc     int32
	q, a, c float32
}

// langStats are one language's documents and the inverted index the
// ranking reads: postings per term, document frequencies, the vocabulary
// (for typos and compound parts) and the character-gram index.
type langStats struct {
	lang       string
	n          int
	docs       []*doc
	grams      *gramIndex
	post       map[string][]posting
	df         map[string]int // documents with the term anywhere
	dfQ        map[string]int // documents with the term in a question
	vocab      []string       // every term, for typo expansion
	vocabSet   map[string]struct{}
	deletes    map[string][]int32     // a term with one letter removed -> the vocabulary terms it comes from
	assoc      map[string][]assocTerm // a term -> the question terms it is most associated with
	thes       map[string][]string    // a term -> the FAQ terms it is a thesaurus synonym of
	scratch    sync.Pool              // of *scratch sized for this language
	typeW      map[string]float64     // the share of wQType a match of each question kind earns (typeWeight)
	termOf     func(string) string    // the term a compound part stands for (partTerm)
	frame      map[string]struct{}    // analysed frame words (frame.go)
	avgQ, avgA float64
}

// scratch holds one search's per-document accumulators, reused across
// searches so that a search over 10,000 entries allocates little.
type scratch struct {
	acc     []float32
	sims    []float64
	touched []int32
}

func (s *langStats) idf(df int) float64 {
	return math.Log(1 + (float64(s.n)-float64(df)+0.5)/(float64(df)+0.5))
}

// snapshot is one immutable FAQ version with its index.
type snapshot struct {
	version int
	entries []Entry
	byID    map[string]int
	docs    map[string]*doc
	stats   map[string]*langStats
	langs   []string // languages by number of documents, most first
	index   bleve.Index
}

func buildMapping(langs []string) mapping.IndexMapping {
	im := bleve.NewIndexMapping()
	im.DefaultAnalyzer = analyzerName("xx")
	dm := bleve.NewDocumentStaticMapping()
	kw := bleve.NewKeywordFieldMapping()
	kw.Analyzer = keyword.Name
	kw.Store, kw.IncludeInAll, kw.IncludeTermVectors, kw.DocValues = false, false, false, false
	dm.AddFieldMappingsAt(fieldLang, kw)
	for _, l := range langs {
		text := func(vectors bool) *mapping.FieldMapping {
			f := bleve.NewTextFieldMapping()
			f.Analyzer = analyzerName(l)
			f.Store, f.IncludeInAll, f.DocValues = false, false, false
			f.IncludeTermVectors = vectors // phrase queries need positions
			return f
		}
		dm.AddFieldMappingsAt(fieldQuestion(l), text(true))
		dm.AddFieldMappingsAt(fieldAlt(l), text(true))
		dm.AddFieldMappingsAt(fieldAnswer(l), text(false))
	}
	cat := bleve.NewTextFieldMapping()
	cat.Analyzer = analyzerName("xx")
	cat.Store, cat.IncludeInAll, cat.IncludeTermVectors, cat.DocValues = false, false, false, false
	dm.AddFieldMappingsAt(fieldCategory, cat)
	dm.AddFieldMappingsAt(fieldTags, cat)
	im.DefaultMapping = dm
	return im
}

// buildSnapshot indexes entries into a new in-memory index, with the
// MyThes thesauri in thesDir ("" for none). It does not touch the live
// snapshot.
func buildSnapshot(version int, entries []Entry, thesDir string) (*snapshot, error) {
	s := &snapshot{version: version, entries: entries, byID: make(map[string]int, len(entries)),
		docs: make(map[string]*doc, len(entries)), stats: map[string]*langStats{}}
	counts := map[string]int{}
	type view struct {
		e    *Entry
		lang string
	}
	var views []view
	for i := range entries {
		e := &entries[i]
		s.byID[e.ID] = i
		counts[e.Lang]++
		views = append(views, view{e, e.Lang})
		for _, l := range sortedKeys(e.Translations) {
			counts[l]++
			views = append(views, view{e, l})
		}
	}
	for l := range counts {
		s.langs = append(s.langs, l)
	}
	sortLangs(s.langs, counts)

	// Analysis is most of the work: spread it over the CPUs.
	docs := make([]*doc, len(views))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(views)/64))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(views); i += workers {
				docs[i] = analyseDoc(*views[i].e, views[i].lang)
			}
		}(w)
	}
	wg.Wait()

	idx, err := newMemIndex(buildMapping(s.langs))
	if err != nil {
		return nil, fmt.Errorf("new index: %w", err)
	}
	batch := idx.NewBatch()
	for i, d := range docs {
		if _, dup := s.docs[d.id]; dup {
			return nil, fmt.Errorf("index %s: duplicate id", d.id)
		}
		s.docs[d.id] = d
		lang := views[i].lang
		st := s.stats[lang]
		if st == nil {
			st = &langStats{post: map[string][]posting{}, df: map[string]int{}, dfQ: map[string]int{}}
			s.stats[lang] = st
		}
		d.pos = int32(len(st.docs))
		st.docs = append(st.docs, d)
		st.n++
		v := d.entry
		// The bleve index holds what people search by: questions,
		// alternate questions, category and tags. Answers are ranked
		// from the postings below, which saves analysing them twice.
		fields := map[string]any{
			fieldLang:           lang,
			fieldQuestion(lang): v.Question,
		}
		if len(v.AltQuestions) > 0 {
			fields[fieldAlt(lang)] = v.AltQuestions
		}
		if v.Category != "" {
			fields[fieldCategory] = v.Category
		}
		if len(v.Tags) > 0 {
			fields[fieldTags] = v.Tags
		}
		if err := batch.Index(d.id, fields); err != nil {
			return nil, fmt.Errorf("index %s: %w", d.id, err)
		}
	}
	// bleve analyses and indexes its batch while the postings are built.
	berr := make(chan error, 1)
	go func() { berr <- idx.Batch(batch) }()
	for lang, st := range s.stats {
		st.build(lang, thesDir)
	}
	if err := <-berr; err != nil {
		return nil, fmt.Errorf("index batch: %w", err)
	}
	s.index = idx
	return s, nil
}

// analyseDoc analyses one entry as it reads in lang.
func analyseDoc(e Entry, lang string) *doc {
	id, v := e.view(lang)
	a := analyzerFor(lang)
	d := &doc{id: id, entry: v}
	for _, q := range append([]string{v.Question}, v.AltQuestions...) {
		d.variants = append(d.variants, terms(a, q))
	}
	d.answer = terms(a, v.Answer)
	d.lead = dedupe(terms(a, firstSentence(v.Answer)))
	if v.Category != "" || len(v.Tags) > 0 {
		d.topic = terms(a, v.Category+" . "+strings.Join(v.Tags, " . "))
	}
	return d
}

// build computes the language's statistics and postings once its documents
// are analysed: compound parts first (they need the whole vocabulary), then
// frequencies and BM25-normalised term frequencies per field.
func (st *langStats) build(lang, thesDir string) {
	st.lang = lang
	st.frame = frameSet(lang)
	vocab := map[string]struct{}{}
	if decompounds[lang] {
		st.termOf = partTerm(lang)
		for _, d := range st.docs {
			for _, v := range d.variants {
				for _, t := range v {
					vocab[t] = struct{}{}
				}
			}
			for _, t := range d.answer {
				vocab[t] = struct{}{}
			}
		}
		// The FAQ's own compounds split into the parts it writes, not
		// into synonym group terms: "Coronaviren" would add "coronavirus"
		// to every entry that names the virus, and the group's term would
		// weigh nothing. A query's compound parts do stand for their
		// group (expand).
		for _, d := range st.docs {
			for i, v := range d.variants {
				d.variants[i] = withParts(v, vocab, nil)
			}
			d.answer = withParts(d.answer, vocab, nil)
		}
	}
	var sumQ, sumA float64
	for _, d := range st.docs {
		sumQ += float64(len(d.variants[0]))
		sumA += float64(len(d.answer))
	}
	st.avgQ = max(1, sumQ/float64(max(1, st.n)))
	st.avgA = max(1, sumA/float64(max(1, st.n)))
	tf := map[string]float64{}
	qf := map[string]float64{}
	cf := map[string]float64{}
	for _, d := range st.docs {
		d.qset = map[string]struct{}{}
		d.aset = make(map[string]struct{}, len(d.answer))
		d.qtype = questionType(d.entry.Question)
		if st.typeW == nil {
			st.typeW = map[string]float64{}
		}
		st.typeW[d.qtype]++
		clear(qf)
		for _, v := range d.variants {
			clear(tf)
			for _, t := range v {
				tf[t]++
			}
			norm := 1 - bQ + bQ*float64(len(v))/st.avgQ
			for t, f := range tf {
				d.qset[t] = struct{}{}
				qf[t] = max(qf[t], f/norm)
			}
		}
		clear(tf)
		for _, t := range d.answer {
			tf[t]++
			d.aset[t] = struct{}{}
		}
		// The answer's first sentence often restates the question
		// in other words: its terms count more.
		for _, t := range d.lead {
			if tf[t] > 0 {
				tf[t] += leadBoost
			}
		}
		norm := 1 - bA + bA*float64(len(d.answer))/st.avgA
		clear(cf)
		for _, t := range d.topic {
			cf[t] = 1
		}
		for t, f := range qf {
			st.post[t] = append(st.post[t], posting{doc: d.pos, q: float32(f), a: float32(tf[t] / norm), c: float32(cf[t])})
			st.dfQ[t]++
			st.df[t]++
		}
		for t, f := range tf {
			if _, ok := qf[t]; !ok {
				st.post[t] = append(st.post[t], posting{doc: d.pos, a: float32(f / norm), c: float32(cf[t])})
				st.df[t]++
			}
		}
		for t := range cf {
			if _, ok := qf[t]; !ok {
				if _, ok := tf[t]; !ok {
					st.post[t] = append(st.post[t], posting{doc: d.pos, c: 1})
					st.df[t]++
				}
			}
		}
	}
	for k, c := range st.typeW {
		st.typeW[k] = typeWeight(c / float64(st.n))
	}
	st.vocab = make([]string, 0, len(st.df))
	for t := range st.df {
		st.vocab = append(st.vocab, t)
		vocab[t] = struct{}{}
	}
	st.vocabSet = vocab
	sort.Strings(st.vocab)
	st.deletes = buildDeleteIndex(st.vocab)
	st.grams = buildGramIndex(st.docs)
	st.assoc = buildAssoc(st.docs)
	st.thes = buildThesaurus(thesDir, lang, st.docs, st.df)
	n := st.n
	st.scratch.New = func() any {
		return &scratch{acc: make([]float32, n), sims: make([]float64, n)}
	}
}

// newMemIndex makes an in-memory index. It is scorch without a path (no
// persister, nothing on disk) rather than bleve.NewMemOnly's upsidedown
// index on a treap: scorch's compressed postings make the language filter
// and fuzzy term expansion several times faster, which is what keeps search
// under a millisecond.
func newMemIndex(m mapping.IndexMapping) (bleve.Index, error) {
	return bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
}

func sortLangs(langs []string, counts map[string]int) {
	for i := 1; i < len(langs); i++ {
		for j := i; j > 0; j-- {
			a, b := langs[j-1], langs[j]
			if counts[b] > counts[a] || (counts[b] == counts[a] && b < a) {
				langs[j-1], langs[j] = b, a
			}
		}
	}
}

func (s *snapshot) close() {
	if s != nil && s.index != nil {
		_ = s.index.Close()
	}
}

// firstSentence returns the answer's opening sentence, which often
// restates the question in other words.
func firstSentence(s string) string {
	for i, r := range s {
		if (r == '.' || r == '?' || r == '!' || r == '\n') && i >= 20 {
			return s[:i]
		}
	}
	return s
}
