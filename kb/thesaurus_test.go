package kb

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/rs/zerolog"

	"lifeline/store"
)

// writeMyThes writes a thesaurus in MyThes format (an .idx of head words
// and offsets and a .dat of senses) to dir, in UTF-8 or ISO 8859-1.
func writeMyThes(t *testing.T, dir, name string, latin1 bool, words map[string][]string) {
	t.Helper()
	enc := func(s string) []byte {
		if !latin1 {
			return []byte(s)
		}
		var b []byte
		for _, r := range s {
			if r > 0xff {
				t.Fatalf("%q is not ISO 8859-1", s)
			}
			b = append(b, byte(r))
		}
		return b
	}
	encName := "UTF-8"
	if latin1 {
		encName = "ISO8859-1"
	}
	heads := make([]string, 0, len(words))
	for w := range words {
		heads = append(heads, w)
	}
	sort.Strings(heads)
	var dat, idx bytes.Buffer
	dat.WriteString(encName + "\n")
	fmt.Fprintf(&idx, "%s\n%d\n", encName, len(heads))
	for _, w := range heads {
		idx.Write(enc(w))
		fmt.Fprintf(&idx, "|%d\n", dat.Len())
		dat.Write(enc(w))
		fmt.Fprintf(&dat, "|%d\n", len(words[w]))
		for _, sense := range words[w] {
			dat.Write(enc(sense))
			dat.WriteByte('\n')
		}
	}
	if err := os.WriteFile(filepath.Join(dir, name+".dat"), dat.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".idx"), idx.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// openKBWithThesauri opens a knowledge base that reads the thesauri in dir.
func openKBWithThesauri(t *testing.T, dir string) *KB {
	t.Helper()
	db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	k, err := OpenWith(db, zerolog.Nop(), Options{ThesaurusDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestThesaurusSynonymsFindEntries(t *testing.T) {
	dir := t.TempDir()
	writeMyThes(t, dir, "th_en_US_v2", false, map[string][]string{
		"repair": {
			"(verb)|fix|mend|break (antonym)|maintain (generic term)",
			"(noun)|fixing|restoration (similar term)",
		},
		"shelter": {"(noun)|refuge|protection (generic term)"},
	})
	writeMyThes(t, dir, "th_de_DE_v2", true, map[string][]string{
		"gefährlich": {"-|riskant|bedrohlich (ugs.)|Gefahr (Oberbegriff)"},
	})
	entries := []Entry{
		{ID: "roof", Lang: "en", Question: "Who can repair my roof?", Answer: "Call the council's builders."},
		{ID: "water", Lang: "en", Question: "How do I boil water?", Answer: "Boil it for one minute."},
		{ID: "baden", Lang: "de", Question: "Ist Baden im Fluss gefährlich?", Answer: "Ja, bei Hochwasser."},
		{ID: "strom", Lang: "de", Question: "Wann kommt der Strom zurück?", Answer: "Bald."},
	}
	search := func(dir, q, lang string) []Hit {
		k := openKBWithThesauri(t, dir)
		if _, err := k.Import(entries, ModeReplace, "test"); err != nil {
			t.Fatal(err)
		}
		return k.Rank(q, lang, 3).Results
	}
	cases := []struct{ query, lang, want string }{
		{"mend roof tiles", "en", "roof"},
		{"who does fixing", "en", "roof"},
		{"ist das riskant", "de", "baden"},
		{"ist das bedrohlich", "de", "baden"},
	}
	scoreOf := func(hits []Hit, id string) float64 {
		for _, h := range hits {
			if h.ID == id {
				return h.Score
			}
		}
		return 0
	}
	for _, c := range cases {
		without := scoreOf(search("", c.query, c.lang), c.want)
		hits := search(dir, c.query, c.lang)
		if len(hits) == 0 || hits[0].ID != c.want {
			t.Errorf("%q: got %+v, want %s first", c.query, hits, c.want)
		} else if hits[0].Score <= without {
			t.Errorf("%q: %s scores %.3f with the thesaurus, %.3f without", c.query, c.want, hits[0].Score, without)
		}
	}
	// Antonyms and broader terms are not synonyms.
	for _, q := range []string{"break", "maintain"} {
		if hits := search(dir, q, "en"); len(hits) > 0 && hits[0].ID == "roof" {
			t.Errorf("%q found the repair entry", q)
		}
	}
}

func TestThesaurusMissingOrUnreadable(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "th_en_US_v2.idx"), []byte("KOI8-R\n1\nx|0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "th_en_US_v2.dat"), []byte("KOI8-R\nx|1\n-|y\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"", filepath.Join(dir, "absent"), dir} {
		if th := openThesaurus(d, "en"); th != nil {
			th.close()
			t.Errorf("dir %q: opened a thesaurus", d)
		}
	}
}

func TestThesaurusFilePrefersMainRegion(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"th_en_AU_v2", "th_en_US_v2", "th_de_AT_v2", "th_de_DE_v2", "th_ar_SA_v2"} {
		writeMyThes(t, dir, n, false, map[string][]string{"a": {"-|b"}})
	}
	for lang, want := range map[string]string{"en": "th_en_US_v2.idx", "de": "th_de_DE_v2.idx", "ar": "th_ar_SA_v2.idx", "fr": ""} {
		got := thesaurusFile(dir, lang)
		if got != "" {
			got = filepath.Base(got)
		}
		if got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
}
