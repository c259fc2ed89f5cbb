package catalog

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// MaxTopic is the longest alert topic, in characters: it is read inside
// one short question.
const MaxTopic = 200

// Topics is the topic of the explicit opt-in question ("Reply YES to
// receive alerts about <topic>") by language, with a default for the
// languages not named.
type Topics struct {
	Default string
	ByLang  map[string]string
	first   string // the first language named
}

// For is the topic in lang, else the default, else (when only languages
// are named) the first one named: a person whose language has no topic
// is still asked before consent is recorded.
func (t Topics) For(lang string) string {
	if s := t.ByLang[Base(lang)]; s != "" {
		return s
	}
	if t.Default != "" {
		return t.Default
	}
	return t.ByLang[t.first]
}

// Empty reports whether no topic is set in any language.
func (t Topics) Empty() bool { return t.Default == "" && len(t.ByLang) == 0 }

// topicLang starts a per-language part: a language code and "=". A comma
// not followed by one stays inside the topic ("floods, landslides").
var topicLang = regexp.MustCompile(`(?:^|,)\s*([A-Za-z]{2,3})\s*=`)

// ParseTopics reads "floods in the east" (one topic for every language)
// or "en=floods in the east,ar=الفيضانات في الشرق" (by language; a plain
// first part before the first "xx=" is the default). Each language must
// have its own texts in the catalog, each topic be non-empty and at most
// MaxTopic characters; a language may be named once.
func ParseTopics(s string) (Topics, error) {
	s = strings.TrimSpace(s)
	var t Topics
	locs := topicLang.FindAllStringSubmatchIndex(s, -1)
	if len(locs) == 0 {
		t.Default = s
		return t, checkTopic("", t.Default, s == "")
	}
	if head := strings.TrimSpace(s[:locs[0][0]]); head != "" {
		t.Default = head
		if err := checkTopic("", head, false); err != nil {
			return t, err
		}
	}
	t.ByLang = map[string]string{}
	for i, loc := range locs {
		lang := strings.ToLower(s[loc[2]:loc[3]])
		end := len(s)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		topic := strings.TrimSpace(s[loc[1]:end])
		switch {
		case !Has(lang):
			return t, fmt.Errorf("language %q has no texts (languages: %s)", lang, strings.Join(Languages(), ", "))
		case t.ByLang[lang] != "":
			return t, fmt.Errorf("language %s is given twice", lang)
		}
		if err := checkTopic(lang, topic, true); err != nil {
			return t, err
		}
		t.ByLang[lang] = topic
		if t.first == "" {
			t.first = lang
		}
	}
	return t, nil
}

func checkTopic(lang, topic string, required bool) error {
	what := "the topic"
	if lang != "" {
		what = "the " + lang + " topic"
	}
	switch n := utf8.RuneCountInString(topic); {
	case required && n == 0 && lang != "":
		return fmt.Errorf("%s is empty", what)
	case n > MaxTopic:
		return fmt.Errorf("%s is over %d characters (%d)", what, MaxTopic, n)
	}
	return nil
}
