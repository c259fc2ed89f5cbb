package kb

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

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
		if d := derivations[lang]; d != nil {
			a = &derivedAnalyzer{base: a, derive: d}
		}
		return &synonymAnalyzer{base: a, syn: newSynonymMap(a, synonymGroups[lang]), stop: newStopSet(a, stopWords(lang)),
			pre: preAnalysis[lang]}, nil
	})
}

// synonymAnalyzer runs a language analyzer and then replaces every member of
// a synonym group by the group's first member, at index and at query time,
// so "face covering" and "mask" become the same term.
type synonymAnalyzer struct {
	base analysis.Analyzer
	syn  *synonymMap
	stop map[string]struct{}
	pre  func(string) string // rewrites the text first, when the language needs it
}

// termOf returns the term a compound part stands for: the part itself,
// or its synonym group's term when the part is a member ("info" in
// "Infozentrale" is "information", "infektion" in "Infektionsrisiko" is
// "ansteckung"). Parts are cut out of analysed terms, so they are compared
// with the analysed members of the groups, after the language's
// derivation rule.
func (a *synonymAnalyzer) termOf(part string) string {
	if d, ok := a.base.(*derivedAnalyzer); ok {
		part = d.derive(part)
	}
	if r, ok := a.syn.seqs[part]; ok {
		return r
	}
	return part
}

// preAnalysis rewrites a language's text before analysis.
var preAnalysis = map[string]func(string) string{"de": joinSeparable}

func (a *synonymAnalyzer) Analyze(input []byte) analysis.TokenStream {
	text := usAsCountry(string(input))
	if a.pre != nil {
		text = a.pre(text)
	}
	input = []byte(foldText(text))
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

// stopWords are the words removed after analysis in lang: its extra stop
// words and, in German, every stop word that has an umlaut or ß (bleve's
// and Lifeline's) also spelt without it. bleve removes its stop words
// before it folds "ue" into "u", so "über" was dropped and "ueber", as
// people type it on a keyboard without umlauts, was a term.
func stopWords(lang string) []string {
	words := extraStops[lang]
	if lang != "de" {
		return words
	}
	var base []string
	for _, line := range strings.Split(string(de.GermanStopWords), "\n") {
		if w, _, _ := strings.Cut(line, "|"); strings.TrimSpace(w) != "" {
			base = append(base, strings.Fields(w)...)
		}
	}
	out := slices.Clone(words)
	for _, w := range append(base, words...) {
		if t := umlautSpelling.Replace(w); t != w {
			out = append(out, t)
		}
	}
	return out
}

// umlautSpelling writes German umlauts and ß as people do without them.
var umlautSpelling = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "Ae", "Ö", "Oe", "Ü", "Ue", "ß", "ss")

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

// usWord is "US" or "U.S." (with or without a final A) as a word of its own.
var usWord = regexp.MustCompile(`\bU\.?S\.?(A\.?)?\b`)

// usAsCountry writes the United States' abbreviations as "USA", which the
// synonym lists know; lower-cased, "US" would be the pronoun. Among words in
// capitals ("PLEASE HELP US") it is the pronoun and is left alone.
func usAsCountry(s string) string {
	if !strings.Contains(s, "US") && !strings.Contains(s, "U.S") {
		return s
	}
	ms := usWord.FindAllStringIndex(s, -1)
	if ms == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range ms {
		if shouted(s[:m[0]], true) || shouted(s[m[1]:], false) {
			continue
		}
		b.WriteString(s[last:m[0]])
		b.WriteString("USA")
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

// shouted reports whether the word next to a position (the last word of
// s when before, else the first) is in capitals, two letters or more, and
// is not itself the abbreviation.
func shouted(s string, before bool) bool {
	f := strings.Fields(s)
	if len(f) == 0 {
		return false
	}
	w := f[0]
	if before {
		w = f[len(f)-1]
	}
	letters := 0
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= 2 && !usWord.MatchString(w)
}

// foldText removes what the language analyzers leave alone but people type
// inconsistently: Arabic tatweel and diacritics, hyphens inside words
// ("covid-19" and "covid 19"), and a full stop between letters: the
// tokenizer keeps "Coronavirus.Das" (a sentence that lost its space, common
// in FAQs copied from web pages) and "rki.de" as one term that no question
// asks for.
func foldText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	prevLetter := false
	for i, r := range s {
		letter := unicode.IsLetter(r)
		switch {
		case r == 'ـ' || (r >= 0x064B && r <= 0x065F) || r == 0x0670:
			continue
		case r == '-' || r == '_' || r == '/':
			b.WriteByte(' ')
		case r == '.' && prevLetter && i+1 < len(s) && nextIsLetter(s[i+1:]):
			b.WriteByte(' ')
		case unicode.Is(unicode.Mn, r) && r < 0x0900:
			continue
		default:
			b.WriteRune(r)
		}
		prevLetter = letter
	}
	return b.String()
}

func nextIsLetter(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r)
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
