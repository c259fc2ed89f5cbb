package kb

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// People ask with other words than the FAQ's ("mend" for "repair",
// "refuge" for "shelter"). A general-purpose thesaurus knows many such
// pairs. The system's MyThes thesauri (the ones LibreOffice uses; Debian
// packages them as mythes-en-us, mythes-de, mythes-ar, ...) are read when
// an index is built, if they are installed: every word of the FAQ is looked
// up, and its single-word synonyms become query terms that stand for it at
// a discount. Only the FAQ's own words are looked up, so the table is small,
// and a machine without a thesaurus simply searches without it. The
// directory is a setting of each knowledge base (Options.ThesaurusDir).
const (
	thesSenses   = 2   // senses of a word whose synonyms are used; thesauri list the commonest first
	thesPerSense = 8   // synonyms used per sense
	thesFactor   = 0.4 // a thesaurus synonym counts this much of the query term
	thesMaxTerms = 6   // FAQ terms a query term may stand for
	// Analysed terms shorter than this are left out: stemmers cut some
	// words down to two letters that stand for many unrelated words.
	minThesTerm = 3
)

// DefaultThesaurusDir is where Debian and most Linux distributions
// install MyThes thesauri. A knowledge base reads only the directory its
// Options name.
const DefaultThesaurusDir = "/usr/share/mythes"

// thesaurus is one open MyThes thesaurus: the index of head words in
// memory and the data file read entry by entry.
type thesaurus struct {
	f      *os.File
	idx    map[string]int64
	latin1 bool
}

// thesaurusFile finds lang's thesaurus in dir: the main region's
// (th_en_US, th_de_DE) when there are several, else the first by name.
func thesaurusFile(dir, lang string) string {
	if dir == "" || lang == "" {
		return ""
	}
	m, _ := filepath.Glob(filepath.Join(dir, "th_"+lang+"_*.idx"))
	if len(m) == 0 {
		return ""
	}
	sort.Strings(m)
	prefer := map[string]string{"en": "US", "pt": "PT", "ar": "EG", "sv": "SE"}
	region, ok := prefer[lang]
	if !ok {
		region = strings.ToUpper(lang)
	}
	for _, p := range m {
		if strings.HasPrefix(filepath.Base(p), "th_"+lang+"_"+region+"_") {
			return p
		}
	}
	return m[0]
}

// openThesaurus opens lang's thesaurus in dir, or returns nil when there
// is none or it is in an encoding other than UTF-8 or ISO 8859-1.
func openThesaurus(dir, lang string) *thesaurus {
	idxPath := thesaurusFile(dir, lang)
	if idxPath == "" {
		return nil
	}
	ix := loadThesaurusIndex(idxPath)
	if ix == nil {
		return nil
	}
	f, err := os.Open(strings.TrimSuffix(idxPath, ".idx") + ".dat")
	if err != nil {
		return nil
	}
	return &thesaurus{f: f, idx: ix.idx, latin1: ix.latin1}
}

// thesaurusIndex is a parsed .idx file. Parsed indexes are kept for the
// process's life (a few MB each), so that re-imports do not parse them
// again; a changed file (size or time) is parsed anew.
type thesaurusIndex struct {
	size   int64
	mod    time.Time
	idx    map[string]int64
	latin1 bool
}

var thesaurusIndexes = struct {
	sync.Mutex
	m map[string]*thesaurusIndex
}{m: map[string]*thesaurusIndex{}}

func loadThesaurusIndex(path string) *thesaurusIndex {
	fi, err := os.Stat(path)
	if err != nil {
		return nil
	}
	thesaurusIndexes.Lock()
	defer thesaurusIndexes.Unlock()
	if ix := thesaurusIndexes.m[path]; ix != nil && ix.size == fi.Size() && ix.mod.Equal(fi.ModTime()) {
		return ix
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	lines := bytes.Split(data, []byte("\n"))
	if len(lines) < 2 {
		return nil
	}
	ix := &thesaurusIndex{size: fi.Size(), mod: fi.ModTime(), idx: make(map[string]int64, len(lines))}
	switch enc := strings.ToUpper(strings.TrimSpace(string(lines[0]))); enc {
	case "UTF-8", "UTF8":
	case "ISO8859-1", "ISO-8859-1", "ISO8859-15", "ISO-8859-15":
		ix.latin1 = true
	default:
		return nil
	}
	for _, l := range lines[2:] {
		i := bytes.LastIndexByte(l, '|')
		if i <= 0 {
			continue
		}
		off, err := strconv.ParseInt(string(bytes.TrimSpace(l[i+1:])), 10, 64)
		if err != nil {
			continue
		}
		w := decodeThesaurus(l[:i], ix.latin1)
		// Only single words are looked up; the key is folded like the
		// text the analyzers see (Arabic diacritics removed).
		if strings.ContainsAny(w, " -") {
			continue
		}
		ix.idx[foldText(strings.ToLower(w))] = off
	}
	thesaurusIndexes.m[path] = ix
	return ix
}

func (th *thesaurus) close() { th.f.Close() }

func (th *thesaurus) decode(b []byte) string { return decodeThesaurus(b, th.latin1) }

func decodeThesaurus(b []byte, latin1 bool) string {
	if !latin1 {
		return string(b)
	}
	rs := make([]rune, len(b))
	for i, c := range b {
		rs[i] = rune(c)
	}
	return string(rs)
}

// synonyms returns the single-word synonyms of word in its first senses,
// leaving out antonyms and broader terms, which are not the same meaning.
func (th *thesaurus) synonyms(word string) []string {
	off, ok := th.idx[word]
	if !ok {
		return nil
	}
	r := bufio.NewReaderSize(&offsetReader{f: th.f, off: off}, 4096)
	head, err := r.ReadString('\n')
	if err != nil {
		return nil
	}
	i := strings.LastIndexByte(head, '|')
	if i < 0 {
		return nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(head[i+1:]))
	if err != nil {
		return nil
	}
	var out []string
	for s := 0; s < n && s < thesSenses; s++ {
		line, err := r.ReadString('\n')
		if err != nil && line == "" {
			break
		}
		fields := strings.Split(strings.TrimRight(th.decode([]byte(line)), "\r\n"), "|")
		kept := 0
		for _, f := range fields[1:] { // the first field is the part of speech
			if kept == thesPerSense {
				break
			}
			lf := strings.ToLower(f)
			if strings.Contains(lf, "antonym") || strings.Contains(lf, "generic term") || strings.Contains(lf, "oberbegriff") ||
				strings.Contains(lf, "unterbegriff") || strings.Contains(lf, "gegenwort") {
				continue
			}
			w := strings.TrimSpace(stripNotes(f))
			if w == "" || strings.ContainsFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) }) {
				continue
			}
			out = append(out, foldText(strings.ToLower(w)))
			kept++
		}
	}
	return out
}

// stripNotes removes parenthesised notes: "(similar term)", "(ugs.)".
func stripNotes(s string) string {
	for {
		i := strings.IndexByte(s, '(')
		if i < 0 {
			return s
		}
		j := strings.IndexByte(s[i:], ')')
		if j < 0 {
			return s[:i]
		}
		s = s[:i] + s[i+j+1:]
	}
}

type offsetReader struct {
	f   *os.File
	off int64
}

func (r *offsetReader) Read(p []byte) (int, error) {
	n, err := r.f.ReadAt(p, r.off)
	r.off += int64(n)
	if n > 0 {
		err = nil
	}
	return n, err
}

// buildThesaurus maps analysed terms to the FAQ terms they are thesaurus
// synonyms of. Every distinct word of the FAQ's text is looked up; each of
// its synonyms, analysed like a query word, is a key for the word's own
// analysed term. Nil when lang has no thesaurus in dir.
func buildThesaurus(dir, lang string, docs []*doc, df map[string]int) map[string][]string {
	th := openThesaurus(dir, lang)
	if th == nil {
		return nil
	}
	defer th.close()
	a := analyzerFor(lang)
	words := map[string]struct{}{}
	var buf []byte
	add := func(w []byte) {
		if utf8.RuneCount(w) < 3 {
			return
		}
		if _, ok := words[string(w)]; !ok {
			words[string(w)] = struct{}{}
		}
	}
	split := func(s string) { buf = scanWords(s, buf, add) }
	for _, d := range docs {
		split(d.entry.Question)
		for _, q := range d.entry.AltQuestions {
			split(q)
		}
		split(d.entry.Answer)
	}
	stems := map[string]string{}
	stem := func(w string) string {
		if s, ok := stems[w]; ok {
			return s
		}
		s := ""
		if ts := a.Analyze([]byte(w)); len(ts) == 1 {
			s = string(ts[0].Term)
		}
		stems[w] = s
		return s
	}
	sorted := make([]string, 0, len(words))
	for w := range words {
		sorted = append(sorted, w)
	}
	sort.Strings(sorted)
	out := map[string][]string{}
	for _, w := range sorted {
		syns := th.synonyms(w)
		if len(syns) == 0 {
			continue
		}
		t := stem(w)
		if _, ok := df[t]; !ok || utf8.RuneCountInString(t) < minThesTerm {
			continue
		}
		for _, y := range syns {
			k := stem(y)
			if k == t || utf8.RuneCountInString(k) < minThesTerm {
				continue
			}
			l := out[k]
			if len(l) < thesMaxTerms && !slices.Contains(l, t) {
				out[k] = append(l, t)
			}
		}
	}
	return out
}

// scanWords calls fn with every word of s, lower-cased and without the
// marks foldText removes; buf is reused for the word and returned. It
// allocates nothing, because it runs over every answer of the FAQ.
func scanWords(s string, buf []byte, fn func([]byte)) []byte {
	buf = buf[:0]
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf && ('a' <= r && r <= 'z'):
			buf = append(buf, byte(r))
		case r < utf8.RuneSelf && ('A' <= r && r <= 'Z'):
			buf = append(buf, byte(r+'a'-'A'))
		case r < utf8.RuneSelf:
			if len(buf) > 0 {
				fn(buf)
				buf = buf[:0]
			}
		case r == 'ـ' || (r >= 0x064B && r <= 0x065F) || r == 0x0670 || (unicode.Is(unicode.Mn, r) && r < 0x0900):
			// dropped, as foldText does
		case unicode.IsLetter(r) || unicode.Is(unicode.Mn, r):
			buf = utf8.AppendRune(buf, unicode.ToLower(r))
		default:
			if len(buf) > 0 {
				fn(buf)
				buf = buf[:0]
			}
		}
	}
	if len(buf) > 0 {
		fn(buf)
	}
	return buf
}
