package broadcast

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// DrillWords is the word that tells a recipient, in their language, that
// a message is an exercise: a drill broadcast must carry it (or use a
// template whose name says "drill") in every language it sends, so that a
// drill that reaches a real person cannot be taken for a real alert.
var DrillWords = map[string]string{
	"en": "DRILL",
	"ar": "تمرين",
	"fr": "EXERCICE",
	"es": "SIMULACRO",
	"de": "ÜBUNG",
	"pt": "SIMULADO",
	"hi": "अभ्यास",
	"ur": "مشق",
}

// drillWord is the word for the template's approved language ("en_US" is
// English); a language without one in DrillWords takes the English word.
func drillWord(key string, t Template) (lang, word string) {
	for _, l := range []string{t.Language, key} {
		base, _, _ := strings.Cut(strings.ToLower(l), "_")
		if w, ok := DrillWords[base]; ok {
			return base, w
		}
	}
	return strings.ToLower(key), DrillWords["en"]
}

// saysDrill reports whether t tells its reader it is a drill: its name
// contains "drill", or one of its parameters contains the drill word of
// its language, in any case.
func saysDrill(key string, t Template) bool {
	if strings.Contains(strings.ToLower(t.Name), "drill") {
		return true
	}
	_, word := drillWord(key, t)
	word = strings.ToLower(word)
	for _, p := range append(slices.Clone(t.Header), t.Body...) {
		if strings.Contains(strings.ToLower(p.Value), word) {
			return true
		}
	}
	return false
}

// checkDrill refuses a drill that could be read as a real alert: a
// critical one, or one with a template (first message or reminder) that
// does not say DRILL in its language. The error names the language and
// the fix.
func checkDrill(sp *Spec) error {
	if sp.Critical {
		return errors.New(`critical: a drill is never critical (it must respect the frequency cap and consent); drop "critical"`)
	}
	check := func(what string, ts map[string]Template) error {
		for _, key := range slices.Sorted(maps.Keys(ts)) {
			t := ts[key]
			if saysDrill(key, t) {
				continue
			}
			lang, word := drillWord(key, t)
			return fmt.Errorf("%s[%s]: a drill must say so in language %s: use a template whose name contains \"drill\" "+
				"or add a parameter with %q (for example {\"value\": %q})", what, key, lang, word, word)
		}
		return nil
	}
	if err := check("templates", sp.Templates); err != nil {
		return err
	}
	if r := sp.Reminders; r != nil {
		return check("reminders.templates", r.Templates)
	}
	return nil
}
