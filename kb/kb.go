// Package kb owns Lifeline's FAQ knowledge base: the entries and their
// versions (kept in the store), an in-memory bleve index rebuilt from them,
// the search that decides whether to answer, suggest or say nothing, and
// what conversations teach the FAQ (feedback, candidate alternate questions,
// unanswered questions). It does no network I/O.
package kb

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/rs/zerolog"

	"lifeline/coord"
	"lifeline/store"
)

// Entry is one FAQ entry as admins write it.
type Entry struct {
	ID           string   `json:"id"`
	Lang         string   `json:"lang"`
	Question     string   `json:"question"`
	Answer       string   `json:"answer"`
	AltQuestions []string `json:"alt_questions,omitempty"`
	Category     string   `json:"category,omitempty"`
	Tags         []string `json:"tags,omitempty"`
	Link         string   `json:"link,omitempty"`
	// Attachment is sent right after the answer, in every language.
	Attachment *Attachment `json:"attachment,omitempty"`
	// Translations of the same entry by language; each becomes a searchable
	// entry in its language with the id ID + "/" + lang.
	Translations map[string]Translation `json:"translations,omitempty"`
}

// Translation is an entry's question and answer in another language.
type Translation struct {
	Question     string   `json:"question"`
	Answer       string   `json:"answer"`
	AltQuestions []string `json:"alt_questions,omitempty"`
}

// Decision says what the bot should do with a search result.
type Decision string

// Decisions.
const (
	DecisionAnswer  Decision = "answer"  // confident: reply with the first result
	DecisionSuggest Decision = "suggest" // unsure: offer the first results as "did you mean"
	DecisionNone    Decision = "none"    // nothing relevant: say so and offer a person
)

// Hit is one ranked search result.
type Hit struct {
	ID       string  `json:"id"`
	Question string  `json:"question"`
	Answer   string  `json:"answer"`
	Lang     string  `json:"lang"`
	Link     string  `json:"link,omitempty"`
	Score    float64 `json:"score"`
	// Incident is set when the entry is an incident's overlay entry
	// (overlay.go); its ID is then "<incident>@<entry id>".
	Incident string `json:"incident,omitempty"`
	// Attachment is the entry's, sent right after the answer.
	Attachment *Attachment `json:"attachment,omitempty"`
}

// Result is a search's ranked hits and the decision taken on them.
type Result struct {
	Decision Decision `json:"decision"`
	Lang     string   `json:"lang"`
	Results  []Hit    `json:"results"`
	// Version is the FAQ version searched (0 before any): an answer
	// records it, so that a later correction finds who got the old text.
	Version int `json:"version,omitempty"`

	features *features // what the decision was taken on (nil when nothing was ranked)
}

// Sentinel errors; the admin API maps them to HTTP statuses.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("already exists")
	ErrInvalid  = errors.New("invalid")
)

// KB is the knowledge base. Searches read an immutable snapshot through an
// atomic pointer; changes build a new snapshot beside it and swap it in, so
// a search never sees a half-loaded FAQ.
type KB struct {
	db   *store.DB
	log  zerolog.Logger
	opts Options

	live atomic.Pointer[snapshot]
	// overlay indexes the open incidents' entries with the live ones;
	// nil while no open incident has any (overlay.go).
	overlay atomic.Pointer[overlayIndex]
	mu      sync.Mutex // serialises changes (imports, edits, rollbacks, reloads)

	attachCheck atomic.Pointer[AttachmentCheck] // see SetAttachmentCheck

	unfollow func() // stops following other instances' versions (see Close)
}

// Options are the settings of a knowledge base.
type Options struct {
	// ThesaurusDir holds the MyThes thesauri (th_<lang>_<REGION>_v2.idx
	// and .dat) that widen searches with synonyms; "" searches without
	// them, and so does a directory without a thesaurus for a language.
	ThesaurusDir string
	// Bus, when set, announces every new live version (LiveTopic) and
	// brings other instances' announcements, which reload the index from
	// the store; nil for a single process that needs neither.
	Bus coord.Bus
}

// Open is OpenWith without options: no thesaurus.
func Open(db *store.DB, log zerolog.Logger) (*KB, error) { return OpenWith(db, log, Options{}) }

// OpenWith loads the live FAQ version from db and indexes it. When the
// store has no FAQ yet, the embedded sample FAQ becomes version 1.
func OpenWith(db *store.DB, log zerolog.Logger, o Options) (*KB, error) {
	k := &KB{db: db, log: log.With().Str("comp", "kb").Logger(), opts: o}
	// Following starts before the load, so that a version another
	// instance makes live meanwhile is not missed.
	if err := k.startFollowing(); err != nil {
		return nil, err
	}
	if err := k.load(); err != nil {
		k.Close()
		return nil, err
	}
	return k, nil
}

// load indexes the live version, or imports the sample FAQ as version 1
// into an empty store.
func (k *KB) load() error {
	err := k.loadStored()
	if !errors.Is(err, ErrNotFound) {
		return err
	}
	entries, err := SampleEntries()
	if err != nil {
		return fmt.Errorf("parse sample faq: %w", err)
	}
	if _, err := k.Import(entries, ModeReplace, "sample"); err != nil {
		return fmt.Errorf("import sample faq: %w", err)
	}
	k.log.Info().Int("entries", len(entries)).Msg("imported sample faq as version 1")
	return nil
}

// loadStored indexes the live version under k.mu, so that a reload
// announced meanwhile cannot be overwritten by an older version.
func (k *KB) loadStored() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, err := k.loadLive()
	if err != nil {
		return err
	}
	snap, err := buildSnapshot(v.N, v.Entries, k.opts.ThesaurusDir)
	if err != nil {
		return fmt.Errorf("index faq version %d: %w", v.N, err)
	}
	k.live.Store(snap)
	k.refreshOverlay()
	k.log.Info().Int("version", v.N).Int("entries", len(v.Entries)).Msg("faq loaded")
	return nil
}

// Ready reports whether an FAQ is indexed and searchable.
func (k *KB) Ready() bool { return k.live.Load() != nil }

// Version is the live version number, 0 before any.
func (k *KB) Version() int {
	if s := k.live.Load(); s != nil {
		return s.version
	}
	return 0
}

// Entries returns the live entries in their stored order.
func (k *KB) Entries() []Entry {
	s := k.live.Load()
	if s == nil {
		return nil
	}
	return cloneEntries(s.entries)
}

// Entry returns an entry by id. A translation id ("id/ar") returns the entry
// as it reads in that language.
func (k *KB) Entry(id string) (Entry, bool) {
	s := k.live.Load()
	if s == nil {
		return Entry{}, false
	}
	if i, ok := s.byID[id]; ok {
		return cloneEntries(s.entries[i : i+1])[0], true
	}
	if d, ok := s.docs[id]; ok {
		return d.entry, true
	}
	return Entry{}, false
}

// Languages counts the searchable entries per language.
func (k *KB) Languages() map[string]int {
	s := k.live.Load()
	if s == nil {
		return map[string]int{}
	}
	return languagesOf(s.entries)
}

func languagesOf(entries []Entry) map[string]int {
	m := map[string]int{}
	for _, e := range entries {
		m[e.Lang]++
		for l := range e.Translations {
			m[l]++
		}
	}
	return m
}

// view is the entry as a searchable document in one language.
func (e Entry) view(lang string) (id string, v Entry) {
	if lang == e.Lang {
		v = e
		v.Translations = nil
		return e.ID, v
	}
	t := e.Translations[lang]
	v = Entry{ID: e.ID + "/" + lang, Lang: lang, Question: t.Question, Answer: t.Answer,
		AltQuestions: t.AltQuestions, Category: e.Category, Tags: e.Tags, Link: e.Link, Attachment: e.Attachment}
	return v.ID, v
}

func cloneEntries(in []Entry) []Entry {
	out := make([]Entry, len(in))
	for i, e := range in {
		e.AltQuestions = append([]string(nil), e.AltQuestions...)
		e.Tags = append([]string(nil), e.Tags...)
		if e.Translations != nil {
			tr := make(map[string]Translation, len(e.Translations))
			for l, t := range e.Translations {
				t.AltQuestions = append([]string(nil), t.AltQuestions...)
				tr[l] = t
			}
			e.Translations = tr
		}
		out[i] = e
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func normSpace(s string) string { return strings.Join(strings.Fields(s), " ") }
