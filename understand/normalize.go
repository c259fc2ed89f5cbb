package understand

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxRunes bounds the work done on one message: a frightened person says
// what matters first, and a 4,096-character paste must not cost more than a
// short message by more than a constant.
const maxRunes = 280

// emojiWords maps the emoji people use in a crisis to words, so that
// "🆘" and "sos" are the same feature and an emoji-only message still means something.
var emojiWords = map[rune]string{
	'🆘': "sos", '🚨': "emergency", '⚠': "warning", '🔥': "fire", '🌊': "flood", '💧': "water",
	'🚑': "ambulance", '🚒': "firetruck", '🩸': "blood", '🤕': "hurt", '🤒': "sick", '💀': "dying",
	'👍': "ok", '👌': "ok", '✅': "ok", '🆗': "ok", '✔': "ok", '💪': "strong",
	'🙏': "thanks", '❤': "love", '💙': "love", '💚': "love", '🌹': "rose", '🤍': "love",
	'😭': "crying", '😢': "sad", '😰': "scared", '😱': "scared", '😨': "scared", '💔': "sad",
	'👋': "hi", '🙋': "human", '👤': "human", '🧑': "human",
	'☎': "call", '📞': "call", '📱': "phone",
	'⏳': "waiting", '⌛': "waiting", '⏰': "waiting", '🕐': "waiting",
	'🛑': "stop", '❌': "no", '🚫': "no", '🔕': "mute", '🔔': "notify",
	'🏠': "home", '🏥': "hospital", '🙂': "smile", '😊': "smile", '😀': "smile", '☺': "smile",
	'❓': "?", '❔': "?", '❗': "!!", '‼': "!!",
}

// Normalize folds text for matching: Unicode NFKC, lower case, invisible and
// bidi control characters removed, Arabic diacritics and tatweel removed,
// Arabic letter variants folded (Urdu/Persian ک and ی folded to the Arabic
// letters), Arabic-Indic digits mapped to 0-9 (digits inside Latin words stay:
// Arabizi "b5air"), key emoji mapped to words, letters repeated three or more
// times collapsed ("helppp" -> "help"), punctuation turned into spaces except
// "?" (kept as a token, "??" for repeated) and "!!".
func Normalize(text string) string {
	out, _ := normalize(text)
	return out
}

// normalize is Normalize that also reports whether the text was cut at maxRunes.
func normalize(text string) (string, bool) { return normalizeText(text, true) }

// normalizeBoth is Normalize, and the same with emoji dropped for language
// detection ("shukran 🙏" is Arabic, not English for "thanks"), from one
// NFKC pass: a message without a mapped emoji in what is read folds the
// same both ways.
func normalizeBoth(text string) (withEmoji, noEmoji string) {
	text, _ = clip(text)
	text = nfkcHead(text)
	withEmoji, _, saw := foldText(text, true)
	if !saw {
		return withEmoji, withEmoji
	}
	noEmoji, _, _ = foldText(text, false)
	return withEmoji, noEmoji
}

// clip cuts text to the bytes maxRunes runes can take at most, at a rune
// start, so that every pass over a message (normalising, the safety
// phrases, language detection) is bounded however long the paste.
func clip(text string) (string, bool) {
	if len(text) <= maxRunes*4 {
		return text, false
	}
	end := maxRunes * 4
	for end > 0 && !utf8RuneStart(text[end]) {
		end--
	}
	return text[:end], true
}

func normalizeText(text string, emoji bool) (string, bool) {
	// Cut before NFKC so the work is bounded.
	text, cut := clip(text)
	out, cutRunes, _ := foldText(nfkcHead(text), emoji)
	return out, cut || cutRunes
}

// nfkcHead returns NFKC(text), or a prefix of it long enough for foldText,
// which reads at most maxRunes+1 runes: a paste of 1,120 bytes is mostly
// never read, and NFKC of all of it cost more than the rest of the folding.
// The prefix ends before an ASCII character, where NFKC may be split (no
// ASCII character composes with what precedes it or is changed by NFKC),
// and is used only when it yields enough runes (composition can shorten a
// text) and is valid UTF-8; otherwise all of text is normalised.
func nfkcHead(text string) string {
	end, n := 0, 0
	for end < len(text) && n <= maxRunes {
		if text[end] < utf8.RuneSelf {
			end++
		} else {
			_, size := utf8.DecodeRuneInString(text[end:])
			end += size
		}
		n++
	}
	for end < len(text) && text[end] >= utf8.RuneSelf {
		end++
	}
	if end >= len(text) {
		return nfkc(text)
	}
	head := text[:end]
	if !utf8.ValidString(head) {
		return norm.NFKC.String(text)
	}
	if out := nfkc(head); utf8.RuneCountInString(out) > maxRunes {
		return out
	}
	return norm.NFKC.String(text)
}

// nfkc is norm.NFKC.String, without its work when every rune of s is one
// NFKC leaves as it is whatever surrounds it (see nfkcStable): ASCII,
// Arabic letters, most Latin and Devanagari.
func nfkc(s string) string {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r >= nfkcStableSize || nfkcStable[r>>6]&(1<<(r&63)) == 0 {
			return norm.NFKC.String(s)
		}
		i += size
	}
	return s
}

// nfkcStable has the bit of each rune below nfkcStableSize that NFKC
// maps to itself and that begins a segment combining with nothing before
// it: a text of such runes is cut into one-rune segments, each its own
// NFKC, so the text is its own NFKC.
var nfkcStable = func() (t [nfkcStableSize / 64]uint64) {
	for r := range rune(nfkcStableSize) {
		s := string(r)
		p := norm.NFKC.PropertiesString(s)
		if r != utf8.RuneError && p.BoundaryBefore() && p.Decomposition() == nil && norm.NFKC.String(s) == s {
			t[r>>6] |= 1 << (r & 63)
		}
	}
	return t
}()

const nfkcStableSize = 0x1000

// foldText is the folding of normalizeText on text already in NFKC; it
// reports whether it stopped at maxRunes and whether it met a mapped emoji.
func foldText(text string, emoji bool) (out string, cut, sawEmoji bool) {
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
		if r < foldTabSize {
			// The runes of most messages (Latin, Arabic), folded as
			// the general path below folds them; none is an emoji.
			switch f := foldTab[r]; f {
			case foldOther: // below
			case 0:
				flushPunct()
				continue
			case foldSpace:
				flushPunct()
				writeSpace()
				continue
			case '\'':
				flushPunct()
				if !space {
					b.WriteByte('\'')
				}
				continue
			default:
				flushPunct()
				b.WriteRune(f)
				space = false
				continue
			}
		}
		if w, ok := emojiWord(r); ok {
			sawEmoji = true
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
	return collapseRuns(s), cut, sawEmoji
}

// emojiMin is the smallest rune emojiWords maps: below it no lookup is needed.
var emojiMin = func() rune {
	m := utf8.MaxRune
	for r := range emojiWords {
		m = min(m, r)
	}
	return m
}()

// foldTab holds what foldText makes of each rune below foldTabSize (the
// one- and two-byte runes: Latin, Arabic), looked up instead of fold and
// the Unicode tables: the folded rune, 0 to drop it, foldSpace when it
// separates words and foldOther for the question and exclamation marks
// and any emoji, left to the general path.
var foldTab = func() (t [foldTabSize]rune) {
	for r := range rune(foldTabSize) {
		f := fold(r)
		switch {
		case r == '?' || r == '؟' || r == '¿' || r == '!' || r == '¡' || emojiWords[r] != "":
			f = foldOther
		case f == 0 || f == '\'':
		case !unicode.IsLetter(f) && !unicode.IsNumber(f) && !unicode.Is(unicode.M, f):
			f = foldSpace
		}
		t[r] = f
	}
	return t
}()

const (
	foldTabSize = 0x800
	foldSpace   = -1
	foldOther   = -2
)

// emojiWord returns the word emojiWords maps r to.
func emojiWord(r rune) (string, bool) {
	if r < emojiMin {
		return "", false
	}
	w, ok := emojiWords[r]
	return w, ok
}

// collapseRuns turns a letter written three or more times in a row into one
// ("helppp" -> "help", "plzzz" -> "plz", "ساعدونييي" -> "ساعدوني"); doubled
// letters stay ("good", "need").
func collapseRuns(s string) string {
	if !hasRun(s) {
		return s
	}
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

// hasRun reports whether s holds a letter three or more times in a row,
// which collapseRuns would change: nearly no text does, and it is looked
// for without converting s to runes.
func hasRun(s string) bool {
	var prev rune = -1
	n := 0
	for _, r := range s {
		if r != prev {
			prev, n = r, 1
			continue
		}
		if n++; n == 3 && unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// fold maps one rune to its matching form, 0 to drop it.
func fold(r rune) rune {
	switch {
	case r >= 0x064B && r <= 0x065F, r == 0x0670, r == 0x0640: // harakat, superscript alef, tatweel
		return 0
	case r >= 0x200B && r <= 0x200F, r == 0x2060, r == 0xFEFF, r == 0x00AD: // zero width, LRM/RLM, word joiner, BOM, soft hyphen
		return 0
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069: // bidi embeddings, overrides, isolates
		return 0
	case r >= 0xFE00 && r <= 0xFE0F, r >= 0x1F3FB && r <= 0x1F3FF: // variation selectors, skin tones
		return 0
	case r >= '٠' && r <= '٩':
		return '0' + (r - '٠')
	case r >= '۰' && r <= '۹':
		return '0' + (r - '۰')
	}
	switch r {
	case 'أ', 'إ', 'آ', 'ٱ':
		return 'ا'
	case 'ى', 'ی', 'ئ', 'ې':
		return 'ي'
	case 'ة', 'ۃ':
		return 'ه'
	case 'ؤ':
		return 'و'
	case 'ک':
		return 'ك'
	case '’', '‘', 'ʼ', '`', '´':
		return '\''
	case '\'':
		return '\''
	}
	return unicode.ToLower(r)
}
