package catalog

import (
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// verb matches a fmt verb, with an optional explicit argument index
// (%[1]s), which a translation may need to reorder arguments.
var verb = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

// verbs returns the verbs of s without their argument indexes, sorted, so
// that a translation may place them in another order.
func verbs(s string) []string {
	var out []string
	for _, v := range verb.FindAllString(s, -1) {
		out = append(out, regexp.MustCompile(`\[\d+\]`).ReplaceAllString(v, ""))
	}
	slices.Sort(out)
	return out
}

// limits are WhatsApp's lengths for titles, by field-name prefix.
func limit(field string) int {
	switch {
	case strings.HasPrefix(field, "Btn"), field == "ListButton":
		return 20
	case field == "RowHumanDesc":
		return 72
	case strings.HasPrefix(field, "Row"):
		return 24
	}
	return 1024 // the body of an interactive message
}

func TestEveryLanguageIsComplete(t *testing.T) {
	ref := reflect.ValueOf(en)
	typ := ref.Type()
	for _, lang := range Languages() {
		v := reflect.ValueOf(*byLang[lang])
		for i := range typ.NumField() {
			name := typ.Field(i).Name
			got := v.Field(i).String()
			if strings.TrimSpace(got) == "" {
				t.Errorf("%s: %s is empty", lang, name)
				continue
			}
			if want := verbs(ref.Field(i).String()); !slices.Equal(verbs(got), want) {
				t.Errorf("%s: %s has verbs %v, English has %v: %q", lang, name, verbs(got), want, got)
			}
			if n := utf8.RuneCountInString(got); n > limit(name) {
				t.Errorf("%s: %s is %d characters, WhatsApp allows %d: %q", lang, name, n, limit(name), got)
			}
		}
	}
}

func TestVerbsCatchesABrokenPlaceholder(t *testing.T) {
	cases := []struct {
		a, b string
		same bool
	}{
		{"number %d in the queue", "ترتيبك: %d", true},
		{"call %s now", "call %d now", false},
		{"call %s now", "call % s now", false},
		{"call %s now", "call now", false},
		{"%s and %d", "%[2]d then %[1]s", true},
	}
	for _, c := range cases {
		if got := slices.Equal(verbs(c.a), verbs(c.b)); got != c.same {
			t.Errorf("verbs(%q) vs verbs(%q): same=%v, want %v", c.a, c.b, got, c.same)
		}
	}
}

func TestFor(t *testing.T) {
	cases := []struct {
		lang, want string
	}{
		{"en", en.BtnAsk},
		{"ar", ar.BtnAsk},
		{"en_GB", en.BtnAsk},
		{"ar-EG", ar.BtnAsk},
		{"fr_FR", fr.BtnAsk},
		{"es-MX", es.BtnAsk},
		{"de", de.BtnAsk},
		{"pt_BR", pt.BtnAsk},
		{"hi", hi.BtnAsk},
		{"ur_PK", ur.BtnAsk},
		{"AR", ar.BtnAsk},
		{"", en.BtnAsk},
		{"xx", en.BtnAsk},
	}
	for _, c := range cases {
		if got := For(c.lang).BtnAsk; got != c.want {
			t.Errorf("For(%q).BtnAsk = %q, want %q", c.lang, got, c.want)
		}
	}
}

func TestRTL(t *testing.T) {
	for lang, want := range map[string]bool{"ar": true, "ur": true, "ur_PK": true, "fa": true, "he": true, "en": false, "fr": false, "hi": false, "": false} {
		if got := RTL(lang); got != want {
			t.Errorf("RTL(%q) = %v, want %v", lang, got, want)
		}
	}
}

func TestWaitRangesInOrder(t *testing.T) {
	r := For("en").WaitRanges()
	if len(r) != 5 || r[0] != en.WaitFewMinutes || r[4] != en.WaitOverHour {
		t.Fatalf("WaitRanges = %q", r)
	}
}

// The bot speaks these eight languages: a language dropped from byLang
// would pass TestEveryLanguageIsComplete by no longer being checked.
func TestTheEightLanguagesAreSpoken(t *testing.T) {
	want := []string{"ar", "de", "en", "es", "fr", "hi", "pt", "ur"}
	if got := Languages(); !slices.Equal(got, want) {
		t.Errorf("Languages() = %v, want %v", got, want)
	}
}

// A text left in English in another language's file is a gap as much as
// an empty one. sameAsEnglish lists the texts that are rightly spelled
// the same.
var sameAsEnglish = map[string]bool{"es.BtnNo": true}

func TestNoTextIsLeftInEnglish(t *testing.T) {
	ref := reflect.ValueOf(en)
	typ := ref.Type()
	for _, lang := range Languages() {
		if lang == "en" {
			continue
		}
		v := reflect.ValueOf(*byLang[lang])
		for i := range typ.NumField() {
			if got := v.Field(i).String(); got == ref.Field(i).String() && !sameAsEnglish[lang+"."+typ.Field(i).Name] {
				t.Errorf("%s: %s is the English text %q", lang, typ.Field(i).Name, got)
			}
		}
	}
}

// firstWords are the ways each language says "first" or "before
// everyone else".
var firstWords = map[string][]string{
	"en": {"first", "before anyone", "before everyone"},
	"ar": {"أولا", "أولاً", "أولًا", "قبل غيرك", "قبل الجميع"},
	"fr": {"d'abord", "en premier", "avant tout le monde"},
	"es": {"primero", "antes que nadie"},
	"de": {"zuerst", "als erstes", "vor allen"},
	"pt": {"primeiro", "antes de todos"},
	"hi": {"सबसे पहले", "पहले"},
	"ur": {"سب سے پہلے", "پہلے"},
}

// The emergency texts do not promise to be answered first: with several
// people in danger, the person may be third in the queue, and the notice
// that follows says so.
func TestEmergencyTextsDoNotPromiseFirst(t *testing.T) {
	for _, lang := range Languages() {
		words, ok := firstWords[lang]
		if !ok {
			t.Errorf("%s: no words for \"first\" to check", lang)
			continue
		}
		c := For(lang)
		for name, text := range map[string]string{"Emergency": c.Emergency, "EmergencyWaiting": c.EmergencyWaiting, "EmergencySelfHarm": c.EmergencySelfHarm} {
			for _, w := range words {
				if strings.Contains(strings.ToLower(text), w) {
					t.Errorf("%s: %s promises %q: %q", lang, name, w, text)
				}
			}
		}
	}
}
