package kb

import (
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// German names an action with a noun in -ation or -ierung beside its verb
// in -ieren ("Isolation", "Isolierung", "isolieren", "isoliert";
// "Information", "informieren"; "Mutation", "mutieren"), and the light
// stemmer leaves the four forms apart ("isolation", "isolierung", "isoli",
// "isoliert"). A question asks with the verb what the FAQ says with the
// noun, so every form becomes the verb's stem with "ier" ("isolier"). The
// stem must keep minDerivedStem runes, so that short words that happen to
// end alike ("Station", "Nation", "Ration") stay as they are.
const minDerivedStem = 4

// derivations rewrite an analysed term of a language into the term its
// word family shares.
var derivations = map[string]func(string) string{"de": germanDerivation}

// germanDerivedEndings are the analysed endings of the family, longest
// first; "i" is what the stemmer leaves of "-ieren" and "-iere".
var germanDerivedEndings = []string{"ierung", "ation", "iert", "ier", "i"}

func germanDerivation(t string) string {
	for _, e := range germanDerivedEndings {
		if !strings.HasSuffix(t, e) {
			continue
		}
		stem := t[:len(t)-len(e)]
		if utf8.RuneCountInString(stem) < minDerivedStem || e == "ier" {
			return t
		}
		// "-ei" ("Polizei", "Bäckerei") is no verb ending.
		if e == "i" && strings.HasSuffix(stem, "e") {
			return t
		}
		return stem + "ier"
	}
	return t
}

// derivedAnalyzer runs a language analyzer and rewrites each term by the
// language's derivation rule.
type derivedAnalyzer struct {
	base   analysis.Analyzer
	derive func(string) string
}

func (a *derivedAnalyzer) Analyze(input []byte) analysis.TokenStream {
	ts := a.base.Analyze(input)
	for _, t := range ts {
		if d := a.derive(string(t.Term)); d != string(t.Term) {
			t.Term = []byte(d)
		}
	}
	return ts
}
