package understand

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The reading of a message must not change with the speed of its
// mechanics: the tests here run every message of the evaluation sets and
// the examples, as sent and as long pastes, through the fast paths and
// through the plain code they replace (kept below as the reference), and
// compare the results byte for byte.

// speedTexts returns every message of the evaluation sets and the
// examples, each also repeated into a paste
// longer than what is read, and texts that test the edges of the fast
// paths: invalid UTF-8, a combining mark or an emoji at the cut,
// compatibility forms.
func speedTexts(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob("*/*.tsv")
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		exs, err := ReadTSV(fh, f)
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range exs {
			texts = append(texts, e.Text)
		}
	}
	if len(texts) < 1000 {
		t.Fatalf("%d evaluation messages: sets not found", len(texts))
	}
	for _, e := range EmbeddedExamples() {
		texts = append(texts, e.Text)
	}
	n := len(texts)
	for i := 0; i < n; i += 5 {
		texts = append(texts, strings.Repeat(texts[i]+" ", 1+2*maxRunes/max(1, utf8.RuneCountInString(texts[i]))))
	}
	texts = append(texts, benchMix...)
	a := strings.Repeat("a", maxRunes)
	ar := strings.Repeat("ب", maxRunes)
	for _, tail := range []string{"\u0301", "\u0653", "\u0654x", "́ b", "🆘", " 🆘", "👍🏽", "❓", "!!", "\xff", "\xd8", "\xe0\xa4",
		"ﷺ", "ﻻ", "½", "\u00a0x", "ｆｉｒｅ", "e\u0301\u0301", "ᄀ\u1161", "क\u093c", "?!?", "’s"} {
		for _, pre := range []string{a, a[1:], a[2:], ar, ar[2:], strings.Repeat("ب ", maxRunes/2)} {
			for _, s := range []string{pre + tail, pre + tail + " help", tail + pre, pre[:len(pre)-1] + tail + " x"} {
				texts = append(texts, s, strings.Repeat(s, 3))
			}
		}
	}
	// Marks across the cut that canonical ordering moves, and a run of
	// them long enough for NFKC to break it up.
	x := strings.Repeat("x", maxRunes)
	texts = append(texts, x[:275]+strings.Repeat("\u0301", 5)+strings.Repeat("\u0316", 5)+" x",
		x[:260]+strings.Repeat("\u0301", 40)+" x", ar[:2*270]+strings.Repeat("\u0654\u0653", 10)+" x")
	texts = append(texts, "البيت اور السيارة", "البيت\u00a0اور", "البيت\tاور\n", "اور", "البيت\u2003اور", "البيت\u0085اور\u3000x",
		"البيت\u1680اور\xe2", "\xe2\x80اور", "اور\xc2", "\u00a0\u00a0اور\u00a0")
	texts = append(texts, "", " ", "\xff\xfe", "a\u0301", "ا\u0653", "ﻻ يوجد", "HELP!!! ??", "helppp", "ساعدونييي", "aaa", "٣ أطفال")
	return texts
}

// BenchmarkUnderstandPastes measures the two pastes of benchMix alone: they
// set its p99. cpu-µs/op is the work without the neighbours' share.
func BenchmarkUnderstandPastes(b *testing.B) {
	m := Default()
	pastes := benchMix[len(benchMix)-2:]
	b.ReportAllocs()
	cpu := cpuTime()
	i := 0
	for b.Loop() {
		m.Understand(pastes[i%len(pastes)])
		i++
	}
	b.ReportMetric(float64(cpuTime()-cpu)/float64(i)/1e3, "cpu-µs/op")
}

func TestNormalizeMatchesReference(t *testing.T) {
	for _, s := range speedTexts(t) {
		got, gotCut := normalize(s)
		want, wantCut := normalizeTextRef(s, true)
		if got != want || gotCut != wantCut {
			t.Errorf("normalize(%q) = %q, %v; reference %q, %v", s, got, gotCut, want, wantCut)
		}
		gotE, gotN := normalizeBoth(s)
		wantE, wantN := normalizeBothRef(s)
		if gotE != wantE || gotN != wantN {
			t.Errorf("normalizeBoth(%q) = %q, %q; reference %q, %q", s, gotE, gotN, wantE, wantN)
		}
		if got, want := nfkc(s), norm.NFKC.String(s); got != want {
			t.Errorf("nfkc(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestNFKCStable checks the runes nfkc leaves alone: each is its own NFKC
// before and after any other of them and after the marks that combine.
func TestNFKCStable(t *testing.T) {
	var stable []rune
	for r := range rune(nfkcStableSize) {
		if nfkcStable[r>>6]&(1<<(r&63)) != 0 {
			stable = append(stable, r)
		}
	}
	if len(stable) < 1000 {
		t.Fatalf("%d stable runes", len(stable))
	}
	for _, r := range []rune{'a', 'ب', 'क', 'é', 'ا', ' ', 'ك'} {
		for _, q := range stable {
			s := string(r) + string(q)
			if norm.NFKC.String(s) != s {
				t.Errorf("NFKC(%q) changes it, %U stable", s, q)
			}
		}
	}
	for _, r := range []rune{'\u0301', '\u0653', '\u093c', 'ﻻ', '½', '\u00a0'} {
		if r < nfkcStableSize && nfkcStable[r>>6]&(1<<(r&63)) != 0 {
			t.Errorf("%U counted stable", r)
		}
	}
}

func TestDetectLangMatchesReference(t *testing.T) {
	m := Default()
	for _, s := range speedTexts(t) {
		text, _ := clip(s)
		_, noEmoji := normalizeBoth(text)
		words := strings.Fields(noEmoji)
		gotL, gotLatin := detectLang(text, words, m.vocab)
		wantL, wantLatin := detectLangRef(text, words, m.vocab)
		if gotL != wantL || gotLatin != wantLatin {
			t.Errorf("detectLang(%q) = %q, %v; reference %q, %v", s, gotL, gotLatin, wantL, wantLatin)
		}
		// Whatever the length: the ordinary callers clip first.
		if gotL, _ := detectLang(s, words, m.vocab); gotL != func() string { l, _ := detectLangRef(s, words, m.vocab); return l }() {
			t.Errorf("detectLang(%q) unclipped = %q, reference differs", s, gotL)
		}
	}
}

// TestKeyIndexAtMatchesKeyAt: keyIndex.at yields the positions and
// phrases the loop over keyAt it replaced finds, in the same order, on
// normalised messages and on raw ones (invalid UTF-8 included).
func TestKeyIndexAtMatchesKeyAt(t *testing.T) {
	for _, s := range speedTexts(t) {
		norm, _ := normalize(s)
		for _, text := range []string{s, " " + norm + " "} {
			checkAt(t, "danger", &dangerSet.byKey, text)
			checkAt(t, "notHazard", &notHazardSet.byKey, text)
			checkAt(t, "cues", &cueSets.byKey, text)
			checkAt(t, "concepts", &conceptByKey, text)
		}
	}
}

func TestCapRepeatsMatchesMap(t *testing.T) {
	texts := speedTexts(t)
	texts = append(texts, strings.Repeat("a ", 300), strings.Repeat("a b c d ", 40), strings.Repeat("x ", 4), "")
	for i := range 300 {
		texts = append(texts, strings.Repeat(string(rune('a'+i%26))+" "+strings.Repeat("b", i%7)+" ", i))
	}
	for _, s := range texts {
		words := strings.Fields(s) // raw too: more words than a normalised message has
		norm, _ := normalize(s)
		for _, w := range [][]string{words, strings.Fields(norm)} {
			got, want := capRepeats(w), capRepeatsMap(w)
			if !slices.Equal(got, want) {
				t.Errorf("capRepeats(%q) = %q, map %q", w, got, want)
			}
		}
	}
}

// TestKeyIndexLookup: the table finds every key's phrases as the map has
// them, and nothing for keys not filed, as phrases are added.
func TestKeyIndexLookup(t *testing.T) {
	checkLookup(t, "danger", &dangerSet.byKey)
	checkLookup(t, "concepts", &conceptByKey)
	var ix keyIndex[int]
	for i := range 5000 {
		k := uint64(i%1700) << 42 // keys that differ in their high bits only
		ix.add(k, i)
		if i%97 == 0 {
			checkLookup(t, "grown", &ix)
		}
	}
	checkLookup(t, "grown", &ix)
}

func checkLookup[T any](t *testing.T, name string, ix *keyIndex[T]) {
	t.Helper()
	for k, want := range ix.byKey {
		if got := ix.lookup(k); len(got) != len(want) || &got[0] != &want[0] {
			t.Fatalf("%s: lookup(%x) = %d phrases, map %d", name, k, len(got), len(want))
		}
	}
	for k := range uint64(20000) {
		k = k*0x1234567 + 1
		if _, ok := ix.byKey[k]; !ok && ix.get(k) != nil {
			t.Fatalf("%s: get(%x) found phrases not filed", name, k)
		}
	}
}

func checkAt[T any](t *testing.T, name string, ix *keyIndex[T], s string) {
	t.Helper()
	type hit struct{ at, n int }
	var want, got []hit
	for i := 0; ; {
		k, w, ok := keyAt(s, i)
		if !ok {
			break
		}
		if ps := ix.get(k); ps != nil {
			want = append(want, hit{i, len(ps)})
		}
		i += w
	}
	for i, ps := range ix.at(s) {
		got = append(got, hit{i, len(ps)})
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s: at(%q) = %v, loop over keyAt %v", name, s, got, want)
	}
}

func TestFields(t *testing.T) {
	texts := speedTexts(t)
	texts = append(texts, "a\u2003b\u3000c\u1680d\u0085e\u00a0f", " \t\n ", "\xc2", "a\xe2\x80", "x\xe3\x80\x80y", "\u200bz")
	for _, s := range texts {
		norm, _ := normalize(s)
		for _, s := range []string{s, norm} {
			got, want := fields(s), strings.Fields(s)
			if !slices.Equal(got, want) || cap(got) != len(want) {
				t.Errorf("fields(%q) = %q (cap %d), strings.Fields %q", s, got, cap(got), want)
			}
		}
	}
}

func TestContainsAny(t *testing.T) {
	texts := speedTexts(t)
	texts = append(texts, "\xff", "a\xf0\x9f\x98", "\xf0\x9f\x98\x82", "ok 😂", "🤣", "x😆", "😅")
	for _, s := range texts {
		for _, chars := range []string{"😂🤣😅😆", "?؟", "\ufffd", "", "a😂"} {
			if got, want := containsAny(s, chars), strings.ContainsAny(s, chars); got != want {
				t.Errorf("containsAny(%q, %q) = %v, strings.ContainsAny %v", s, chars, got, want)
			}
		}
	}
}

// detectLangRef is detectLang as it was before its tables.
func detectLangRef(raw string, words []string, vocab map[string]string) (string, bool) {
	var arabic, urdu, deva, latin, n int
	for _, r := range raw {
		if n++; n > maxRunes {
			break
		}
		switch {
		case r >= 0x0900 && r <= 0x097F:
			deva++
		case urduLetters[r]:
			urdu++
			arabic++
		case unicode.Is(unicode.Arabic, r) && unicode.IsLetter(r):
			arabic++
		case r < 0x250 && unicode.IsLetter(r):
			latin++
		}
	}
	switch {
	case deva > 0 && deva >= arabic && deva >= latin/2:
		return "hi", false
	case arabic > 0 && arabic >= latin/2:
		if urdu > 0 {
			return "ur", false
		}
		if len(raw) > maxRunes*4 {
			raw = raw[:maxRunes*4]
		}
		for _, w := range strings.Fields(raw) {
			if urduWords[w] {
				return "ur", false
			}
		}
		return "ar", false
	case latin == 0:
		return "", false
	}
	return detectLatin(words, vocab)
}

// capRepeatsMap is capRepeats as it was, counting in a map.
func capRepeatsMap(words []string) []string {
	seen := make(map[string]int, len(words))
	var out []string
	for i, w := range words {
		seen[w]++
		if seen[w] <= maxRepeats {
			if out != nil {
				out = append(out, w)
			}
			continue
		}
		if out == nil {
			out = append(make([]string, 0, len(words)), words[:i]...)
		}
	}
	if out == nil {
		return words
	}
	return out
}

// The normalisation as it was before its fast paths.

func normalizeBothRef(text string) (withEmoji, noEmoji string) {
	text, _ = clip(text)
	text = norm.NFKC.String(text)
	withEmoji, _ = foldTextRef(text, true)
	if !strings.ContainsFunc(text, func(r rune) bool { _, ok := emojiWords[r]; return ok }) {
		return withEmoji, withEmoji
	}
	noEmoji, _ = foldTextRef(text, false)
	return withEmoji, noEmoji
}

func normalizeTextRef(text string, emoji bool) (string, bool) {
	// Cut before NFKC so the work is bounded.
	text, cut := clip(text)
	out, cutRunes := foldTextRef(norm.NFKC.String(text), emoji)
	return out, cut || cutRunes
}

func foldTextRef(text string, emoji bool) (string, bool) {
	cut := false
	var b strings.Builder
	b.Grow(len(text) + 8)
	space := true // at the start or after a space
	n := 0
	// pending punctuation token: '?' or '!' with a count
	var punct rune
	punctN := 0
	flushPunct := func() {
		if punctN == 0 {
			return
		}
		tok := ""
		switch {
		case punct == '?' && punctN == 1:
			tok = "?"
		case punct == '?':
			tok = "??"
		case punct == '!' && punctN > 1:
			tok = "!!"
		}
		punctN = 0
		if tok == "" {
			return
		}
		if !space {
			b.WriteByte(' ')
		}
		b.WriteString(tok)
		b.WriteByte(' ')
		space = true
	}
	writeSpace := func() {
		if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	for _, r := range text {
		n++
		if n > maxRunes {
			cut = true
			break
		}
		if w, ok := emojiWords[r]; ok {
			flushPunct()
			if !emoji {
				writeSpace()
				continue
			}
			if w == "?" || w == "!!" {
				punct, punctN = rune(w[0]), 2
				if w == "?" {
					punctN = 1
				}
				flushPunct()
				continue
			}
			writeSpace()
			b.WriteString(w)
			b.WriteByte(' ')
			continue
		}
		switch {
		case r == '?' || r == '؟' || r == '¿':
			if r == '¿' { // Spanish opening mark says nothing the closing one does not
				writeSpace()
				continue
			}
			if punct != '?' {
				flushPunct()
			}
			punct = '?'
			punctN++
			continue
		case r == '!' || r == '¡':
			if punct != '!' {
				flushPunct()
			}
			punct = '!'
			punctN++
			continue
		}
		flushPunct()
		r = fold(r)
		if r == 0 {
			continue
		}
		if r == '\'' {
			// An apostrophe inside a word belongs to it ("can't", "j'ai").
			if !space {
				b.WriteRune(r)
			}
			continue
		}
		// Marks stay in the word: Devanagari vowel signs (ा, ी) are
		// spacing marks (Mc), and cutting at them split every Hindi word.
		if !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.M, r) {
			writeSpace()
			continue
		}
		b.WriteRune(r)
		space = false
	}
	flushPunct()
	s := strings.TrimSpace(b.String())
	return collapseRunsRef(s), cut
}

func collapseRunsRef(s string) string {
	rs := []rune(s)
	out := rs[:0]
	for i := 0; i < len(rs); {
		j := i + 1
		for j < len(rs) && rs[j] == rs[i] {
			j++
		}
		if j-i >= 3 && unicode.IsLetter(rs[i]) {
			out = append(out, rs[i])
		} else {
			out = append(out, rs[i:j]...)
		}
		i = j
	}
	return string(out)
}
