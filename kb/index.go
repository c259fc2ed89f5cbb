package kb

import (
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
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
	entry    Entry      // the entry as it reads in its language
	variants [][]string // analysed question and alternate questions
	answer   []string   // analysed answer
	qset     map[string]struct{}
	aset     map[string]struct{}
}

// langStats are the document frequencies of one language's documents.
type langStats struct {
	n          int
	dfQ, dfA   map[string]int
	avgQ, avgA float64
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

// buildSnapshot indexes entries into a new in-memory index. It does not
// touch the live snapshot.
func buildSnapshot(version int, entries []Entry) (*snapshot, error) {
	s := &snapshot{version: version, entries: entries, byID: make(map[string]int, len(entries)),
		docs: make(map[string]*doc, len(entries)), stats: map[string]*langStats{}}
	counts := map[string]int{}
	for i, e := range entries {
		s.byID[e.ID] = i
		counts[e.Lang]++
		for l := range e.Translations {
			counts[l]++
		}
	}
	for l := range counts {
		s.langs = append(s.langs, l)
	}
	sortLangs(s.langs, counts)

	idx, err := bleve.NewMemOnly(buildMapping(s.langs))
	if err != nil {
		return nil, fmt.Errorf("new index: %w", err)
	}
	batch := idx.NewBatch()
	add := func(e Entry, lang string) error {
		id, v := e.view(lang)
		a := analyzerFor(lang)
		d := &doc{entry: v, qset: map[string]struct{}{}, aset: map[string]struct{}{}}
		for _, q := range append([]string{v.Question}, v.AltQuestions...) {
			ts := terms(a, q)
			d.variants = append(d.variants, ts)
			for _, t := range ts {
				d.qset[t] = struct{}{}
			}
		}
		d.answer = terms(a, v.Answer)
		for _, t := range d.answer {
			d.aset[t] = struct{}{}
		}
		s.docs[id] = d
		st := s.stats[lang]
		if st == nil {
			st = &langStats{dfQ: map[string]int{}, dfA: map[string]int{}}
			s.stats[lang] = st
		}
		st.n++
		for t := range d.qset {
			st.dfQ[t]++
		}
		for t := range d.aset {
			st.dfA[t]++
		}
		st.avgQ += float64(len(d.variants[0]))
		st.avgA += float64(len(d.answer))
		fields := map[string]any{
			fieldLang:           lang,
			fieldQuestion(lang): v.Question,
			fieldAnswer(lang):   v.Answer,
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
		return batch.Index(id, fields)
	}
	for _, e := range entries {
		if err := add(e, e.Lang); err != nil {
			return nil, fmt.Errorf("index %s: %w", e.ID, err)
		}
		for _, l := range sortedKeys(e.Translations) {
			if err := add(e, l); err != nil {
				return nil, fmt.Errorf("index %s/%s: %w", e.ID, l, err)
			}
		}
	}
	if err := idx.Batch(batch); err != nil {
		return nil, fmt.Errorf("index batch: %w", err)
	}
	for _, st := range s.stats {
		st.avgQ /= float64(st.n)
		st.avgA /= float64(st.n)
		if st.avgQ == 0 {
			st.avgQ = 1
		}
		if st.avgA == 0 {
			st.avgA = 1
		}
	}
	s.index = idx
	return s, nil
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

func joinTerms(ts []string) string { return strings.Join(ts, " ") }
