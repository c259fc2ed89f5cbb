package kb

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// SplitAnswer splits text into parts of at most max characters for
// WhatsApp's 4,096-character message limit. It splits after sentences (or
// lines), then between words when one sentence is too long, and cuts inside
// a word only when a single word is longer than max. Links are never cut
// unless a link alone is longer than max.
func SplitAnswer(text string, max int) []string {
	text = strings.TrimSpace(text)
	if max <= 0 || utf8.RuneCountInString(text) <= max {
		if text == "" {
			return []string{}
		}
		return []string{text}
	}
	var parts []string
	var cur strings.Builder
	curLen := 0
	flush := func() {
		if s := strings.TrimSpace(cur.String()); s != "" {
			parts = append(parts, s)
		}
		cur.Reset()
		curLen = 0
	}
	add := func(piece string) {
		n := utf8.RuneCountInString(piece)
		if curLen+n > max {
			flush()
			piece = strings.TrimLeftFunc(piece, unicode.IsSpace)
			n = utf8.RuneCountInString(piece)
		}
		cur.WriteString(piece)
		curLen += n
	}
	for _, sentence := range splitKeep(text, sentenceEnd) {
		if utf8.RuneCountInString(strings.TrimSpace(sentence)) <= max {
			add(sentence)
			continue
		}
		for _, word := range splitKeep(sentence, func(rs []rune, i int) bool {
			return unicode.IsSpace(rs[i]) && (i+1 == len(rs) || !unicode.IsSpace(rs[i+1]))
		}) {
			for utf8.RuneCountInString(strings.TrimSpace(word)) > max {
				flush()
				rs := []rune(strings.TrimSpace(word))
				parts = append(parts, string(rs[:max]))
				word = string(rs[max:])
			}
			add(word)
		}
	}
	flush()
	return parts
}

// sentenceEnd reports whether rs[i] is the last whitespace after a
// sentence-ending mark or a newline; a mark inside a link ("a.b") is not
// followed by whitespace and so never ends a sentence.
func sentenceEnd(rs []rune, i int) bool {
	if !unicode.IsSpace(rs[i]) || (i+1 < len(rs) && unicode.IsSpace(rs[i+1])) {
		return false
	}
	j := i
	for j >= 0 && unicode.IsSpace(rs[j]) {
		if rs[j] == '\n' {
			return true
		}
		j--
	}
	return j >= 0 && strings.ContainsRune(".!?؟…۔।", rs[j])
}

// splitKeep cuts s after every position where end is true, keeping all text.
func splitKeep(s string, end func(rs []rune, i int) bool) []string {
	rs := []rune(s)
	var out []string
	start := 0
	for i := range rs {
		if end(rs, i) {
			out = append(out, string(rs[start:i+1]))
			start = i + 1
		}
	}
	if start < len(rs) {
		out = append(out, string(rs[start:]))
	}
	return out
}
