package places

import "unicode"

// A district kept only in Latin letters ("Al Khobar") must still be
// found by a person who types it in Arabic ("الخبر"), and the other way
// round. Arabic writes few vowels and each Arabic consonant has several
// usual Latin spellings, so both sides are reduced to a skeleton of
// consonant classes: vowels (and the semi-vowels w/y, و/ي, which both
// scripts write or drop at will) go, letters that Latin spellings
// confuse share a class (d, dh, ض, ذ, ظ), doubled consonants count once
// (Dammam, دمام) and a final h (ة, Jeddah) does not count. Only words of
// the other script than the name are compared this way: within one
// script the names' own letters say more.

// arabicClass is the skeleton class of each Arabic consonant; letters
// not listed (vowels, ع, hamza) leave no trace.
var arabicClass = map[rune]byte{
	'ب': 'b', 'ت': 't', 'ط': 't', 'ث': 'T', 'ج': 'j', 'ح': 'h', 'ه': 'h',
	'خ': 'x', 'د': 'd', 'ذ': 'd', 'ض': 'd', 'ظ': 'd', 'ر': 'r', 'ز': 'z',
	'س': 's', 'ص': 's', 'ش': 'c', 'غ': 'g', 'ف': 'f', 'ق': 'k', 'ك': 'k',
	'ل': 'l', 'م': 'm', 'ن': 'n', 'پ': 'b', 'چ': 'c', 'ڤ': 'f', 'گ': 'k',
}

// latinDigraph is the class of two Latin letters that spell one Arabic
// consonant.
var latinDigraph = map[string]byte{
	"kh": 'x', "gh": 'g', "sh": 'c', "ch": 'c', "th": 'T', "dh": 'd', "ph": 'f', "zh": 'd',
}

// latinClass is the class of one Latin letter; vowels and w, y are not
// listed.
var latinClass = map[rune]byte{
	'b': 'b', 'p': 'b', 't': 't', 'd': 'd', 'j': 'j', 'g': 'j', 'k': 'k', 'q': 'k', 'c': 'k',
	'h': 'h', 'f': 'f', 'v': 'f', 'r': 'r', 'l': 'l', 'm': 'm', 'n': 'n', 's': 's', 'z': 'z',
}

// script says whether a folded word is written in Arabic letters, Latin
// letters, or neither wholly.
type script uint8

const (
	scriptOther script = iota
	scriptLatin
	scriptArabic
)

func scriptOf(w string) script {
	s := scriptOther
	for _, r := range w {
		var rs script
		switch {
		case unicode.Is(unicode.Arabic, r):
			rs = scriptArabic
		case r < unicode.MaxASCII && unicode.IsLetter(r):
			rs = scriptLatin
		default:
			return scriptOther
		}
		if s != scriptOther && s != rs {
			return scriptOther
		}
		s = rs
	}
	return s
}

// skeleton is the consonant classes of a folded word (see foldWords),
// in either script, for matching across scripts.
func skeleton(w string) string {
	var b []byte
	add := func(c byte) {
		if n := len(b); n == 0 || b[n-1] != c {
			b = append(b, c)
		}
	}
	rs := []rune(w)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if c, ok := arabicClass[r]; ok {
			add(c)
			continue
		}
		if i+1 < len(rs) {
			if c, ok := latinDigraph[string(rs[i:i+2])]; ok {
				add(c)
				i++
				continue
			}
		}
		if c, ok := latinClass[r]; ok {
			add(c)
		} else if r == 'x' {
			add('k')
			add('s')
		}
	}
	if n := len(b); n > 2 && b[n-1] == 'h' {
		b = b[:n-1]
	}
	return string(b)
}

// crossKey is a district's folded name as it is matched from the other
// script: its skeleton, and which script the name is written in.
type crossKey struct {
	skel   string
	script script
}

// newCrossKey returns the cross-script key of a folded name, or false
// when the name is not wholly in one script or too short a skeleton to
// tell districts apart. An Arabic name needs three consonant classes:
// Latin words typed by a person drop to two classes far too often
// ("house" and الاحساء are both h-s), while Arabic words, which write
// no short vowels anyway, are told apart by length (see crossScore).
func newCrossKey(key string) (crossKey, bool) {
	sc := scriptOf(key)
	sk := skeleton(key)
	if sc == scriptOther || len(sk) < 2 || (sc == scriptArabic && len(sk) < 3) {
		return crossKey{}, false
	}
	return crossKey{skel: sk, script: sc}, true
}

// crossScore says how well words of the other script than k's name the
// district: the fewest edits between k's skeleton and the skeleton of
// some run of the words, or -1. Skeletons are lossy, so a short one must
// match exactly and a long one forgives one edit.
func crossScore(words []string, k crossKey) int {
	tol := 0
	if len(k.skel) >= 5 {
		tol = 1
	}
	best := -1
	for i := range words {
		var run string
		for j := i; j < len(words) && j < i+4; j++ {
			run = stripLatinArticle(run + words[j])
			sc := scriptOf(run)
			if sc == scriptOther || sc == k.script {
				break
			}
			sk := skeleton(run)
			if len(sk) > len(k.skel)+tol {
				break
			}
			if len(k.skel) <= 2 && len([]rune(run)) < 4 {
				// Two consonants are too common a skeleton for a short
				// word to name a district by ("his", دم).
				continue
			}
			if d := editDistance(sk, k.skel, tol); d <= tol && (best < 0 || d < best) {
				best = d
			}
		}
	}
	return best
}
