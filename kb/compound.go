package kb

import "unicode/utf8"

// decompounds are the languages that write compounds as one word
// ("Inkubationszeit", "Schutzmaske"). Their long terms are split into parts
// that are themselves terms of the FAQ, so a question about "Masken" finds
// an entry about "Schutzmasken" and the other way round.
var decompounds = map[string]bool{"de": true, "sv": true, "nl": true}

// linkers are the joints between compound parts ("Ansteckung-s-gefahr").
var linkers = []string{"", "s", "es", "n", "en", "er", "e"}

const minPart = 4 // runes; shorter parts are more often accidents than words

// splitCompound splits t into a head and a tail that both stand for terms
// in vocab, allowing a linking morpheme after the head. It prefers the
// longest tail and tries the tail's own split when the tail is not a term
// (three parts). termOf maps a part to the term it stands for (a synonym's
// group term); nil keeps parts as they are.
func splitCompound(t string, vocab map[string]struct{}, termOf func(string) string) []string {
	if termOf == nil {
		termOf = func(s string) string { return s }
	}
	return splitParts(t, vocab, termOf)
}

func splitParts(t string, vocab map[string]struct{}, termOf func(string) string) []string {
	n := utf8.RuneCountInString(t)
	if n < 2*minPart {
		return nil
	}
	// byte offsets of rune starts
	offs := make([]int, 0, n+1)
	for i := range t {
		offs = append(offs, i)
	}
	offs = append(offs, len(t))
	for i := minPart; i <= n-minPart; i++ {
		head, tail := t[:offs[i]], t[offs[i]:]
		var tailParts []string
		if tt := termOf(tail); has(vocab, tt) {
			tailParts = []string{tt}
		} else if utf8.RuneCountInString(tail) >= 2*minPart {
			tailParts = splitParts(tail, vocab, termOf)
		}
		if tailParts == nil {
			continue
		}
		for _, l := range linkers {
			if len(head)-len(l) < minPart || head[len(head)-len(l):] != l {
				continue
			}
			h := head[:len(head)-len(l)]
			if utf8.RuneCountInString(h) < minPart {
				continue
			}
			if ht := termOf(h); has(vocab, ht) {
				return append([]string{ht}, tailParts...)
			}
		}
	}
	return nil
}

// withParts returns ts followed by the compound parts of its terms.
func withParts(ts []string, vocab map[string]struct{}, termOf func(string) string) []string {
	out := ts
	for _, t := range ts {
		if parts := splitCompound(t, vocab, termOf); parts != nil {
			if len(out) == len(ts) {
				out = append(make([]string, 0, len(ts)+4), ts...)
			}
			out = append(out, parts...)
		}
	}
	return out
}
