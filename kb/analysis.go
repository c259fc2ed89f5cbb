package kb

import (
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"
	"github.com/blevesearch/bleve/v2/analysis/lang/ar"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/es"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/lang/hi"
	"github.com/blevesearch/bleve/v2/analysis/lang/it"
	"github.com/blevesearch/bleve/v2/analysis/lang/pl"
	"github.com/blevesearch/bleve/v2/analysis/lang/pt"
	"github.com/blevesearch/bleve/v2/analysis/lang/sv"
	"github.com/blevesearch/bleve/v2/registry"
)

// baseAnalyzers names bleve's analyzer for each language Lifeline indexes
// with stemming and normalisation; any other language gets the standard one.
var baseAnalyzers = map[string]string{
	"en": en.AnalyzerName,
	"ar": ar.AnalyzerName,
	"de": de.AnalyzerName,
	"fr": fr.AnalyzerName,
	"es": es.AnalyzerName,
	"pt": pt.AnalyzerName,
	"hi": hi.AnalyzerName,
	"it": it.AnalyzerName,
	"pl": pl.AnalyzerName,
	"sv": sv.AnalyzerName,
}

// analyzerName is the name of Lifeline's analyzer for lang: bleve's language
// analyzer followed by the synonym filter of that language.
func analyzerName(lang string) string {
	if _, ok := baseAnalyzers[lang]; ok {
		return "lifeline_" + lang
	}
	return "lifeline_xx"
}

func init() {
	// bleve resolves analyzers through its registry, so Lifeline's analyzers
	// are registered once, like bleve's own.
	for lang, base := range baseAnalyzers {
		registerAnalyzer(lang, base)
	}
	registerAnalyzer("xx", standard.Name)
}

func registerAnalyzer(lang, base string) {
	name := "lifeline_" + lang
	registry.RegisterAnalyzer(name, func(_ map[string]any, cache *registry.Cache) (analysis.Analyzer, error) {
		a, err := cache.AnalyzerNamed(base)
		if err != nil {
			return nil, err
		}
		return &synonymAnalyzer{base: a, syn: newSynonymMap(a, synonymGroups[lang]), stop: newStopSet(a, extraStops[lang])}, nil
	})
}

// synonymAnalyzer runs a language analyzer and then replaces every member of
// a synonym group by the group's first member, at index and at query time,
// so "face covering" and "mask" become the same term.
type synonymAnalyzer struct {
	base analysis.Analyzer
	syn  *synonymMap
	stop map[string]struct{}
}

func (a *synonymAnalyzer) Analyze(input []byte) analysis.TokenStream {
	input = []byte(foldText(string(input)))
	ts := a.syn.apply(a.base.Analyze(input))
	if len(a.stop) == 0 {
		return ts
	}
	out := ts[:0]
	for _, t := range ts {
		if _, ok := a.stop[string(t.Term)]; !ok {
			out = append(out, t)
		}
	}
	return out
}

// newStopSet analyses stop words like any text, so that they are compared
// with analysed terms; a word the base analyzer already drops adds nothing.
func newStopSet(a analysis.Analyzer, words []string) map[string]struct{} {
	set := map[string]struct{}{}
	for _, w := range words {
		toks := a.Analyze([]byte(foldText(w)))
		if len(toks) == 1 {
			set[string(toks[0].Term)] = struct{}{}
		}
	}
	return set
}

// foldText removes what the language analyzers leave alone but people type
// inconsistently: Arabic tatweel and diacritics, and hyphens inside words
// ("covid-19" and "covid 19").
func foldText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == 'ـ' || (r >= 0x064B && r <= 0x065F) || r == 0x0670:
			continue
		case r == '-' || r == '_' || r == '/':
			b.WriteByte(' ')
		case unicode.Is(unicode.Mn, r) && r < 0x0900:
			continue
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// synonymMap maps analysed token sequences (up to three tokens) to one term.
type synonymMap struct {
	seqs   map[string]string   // tokens joined by a space -> replacement term
	starts map[string]struct{} // first tokens of sequences longer than one
	maxLen int
}

func newSynonymMap(a analysis.Analyzer, groups [][]string) *synonymMap {
	m := &synonymMap{seqs: map[string]string{}, starts: map[string]struct{}{}}
	for _, g := range groups {
		canon := ""
		for i, member := range g {
			toks := a.Analyze([]byte(foldText(member)))
			// A member that loses a word to the stop list ("help out"
			// becomes "help") would turn every use of the remaining
			// word into the group's term.
			if len(toks) == 0 || len(toks) != len(strings.Fields(foldText(member))) {
				continue
			}
			parts := make([]string, len(toks))
			for j, t := range toks {
				parts[j] = string(t.Term)
			}
			if i == 0 || canon == "" {
				canon = strings.Join(parts, "_")
			}
			key := strings.Join(parts, " ")
			if _, dup := m.seqs[key]; !dup {
				m.seqs[key] = canon
			}
			if len(parts) > 1 {
				m.starts[parts[0]] = struct{}{}
			}
			if len(parts) > m.maxLen {
				m.maxLen = len(parts)
			}
		}
	}
	return m
}

func (m *synonymMap) apply(ts analysis.TokenStream) analysis.TokenStream {
	if len(m.seqs) == 0 {
		return ts
	}
	out := ts[:0:0]
	for i := 0; i < len(ts); {
		matched := 0
		var repl string
		longest := 1
		if _, ok := m.starts[string(ts[i].Term)]; ok {
			longest = min(m.maxLen, len(ts)-i)
		}
		for n := longest; n >= 1; n-- {
			var key string
			if n == 1 {
				key = string(ts[i].Term)
			} else {
				parts := make([]string, n)
				for j := 0; j < n; j++ {
					parts[j] = string(ts[i+j].Term)
				}
				key = strings.Join(parts, " ")
			}
			if r, ok := m.seqs[key]; ok {
				matched, repl = n, r
				break
			}
		}
		if matched == 0 {
			out = append(out, ts[i])
			i++
			continue
		}
		t := *ts[i]
		t.Term = []byte(repl)
		t.End = ts[i+matched-1].End
		out = append(out, &t)
		i += matched
	}
	return out
}
