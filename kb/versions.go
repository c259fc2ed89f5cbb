package kb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"lifeline/csvtext"
	"lifeline/store"
)

// ImportMode says what an import does with the entries already live.
type ImportMode string

// Import modes.
const (
	ModeReplace ImportMode = "replace" // the file becomes the whole FAQ
	ModeMerge   ImportMode = "merge"   // entries with the file's ids are replaced, others kept
)

// Version is one stored FAQ version. Every change (import, edit, rollback)
// makes a new one; old versions stay for diff and rollback.
type Version struct {
	N         int            `json:"version"`
	At        time.Time      `json:"at"`
	Source    string         `json:"source"` // import, merge, create, update, delete, rollback, sample
	Note      string         `json:"note,omitempty"`
	Count     int            `json:"count"`
	Languages map[string]int `json:"languages"`
	Entries   []Entry        `json:"entries,omitempty"`
}

// Diff summarises how a version differs from the one before it.
type Diff struct {
	From    int      `json:"from"`
	To      int      `json:"to"`
	Added   []string `json:"added"`
	Removed []string `json:"removed"`
	Changed []string `json:"changed"`
}

// ImportReport is what an import did.
type ImportReport struct {
	Imported  int            `json:"imported"`
	Languages map[string]int `json:"languages"`
	Version   int            `json:"version"`
}

// A version is stored as a header and its entries in chunks of at most
// chunkBytes each, because badger caps the size of one value (see
// store.PutFAQVersion). The header and the chunks are this package's
// types; the store keeps them.
const chunkBytes = 256 << 10

type versionHeader struct {
	Version
	Chunks int `json:"chunks"`
}

// now is the clock of stored versions; a field would be overkill for one
// timestamp, and tests do not depend on it.
func now() time.Time { return time.Now().UTC() }

func (k *KB) loadLive() (Version, error) {
	ctx := context.Background()
	var live int
	err := k.db.Read(ctx, func(r store.Reader) error {
		var err error
		live, err = store.FAQLive(ctx, r)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return Version{}, ErrNotFound
	}
	if err != nil {
		return Version{}, err
	}
	return k.GetVersion(live)
}

// Import applies parsed entries (see Parse) as a new version.
func (k *KB) Import(entries []Entry, mode ImportMode, source string) (ImportReport, error) {
	return k.ImportRows(entries, nil, mode, source)
}

// ImportRows is Import whose errors name each entry's row as rows does
// (see ParseRows; nil numbers them from 1).
func (k *KB) ImportRows(entries []Entry, rows []int, mode ImportMode, source string) (ImportReport, error) {
	entries = cloneEntries(entries)
	if errs := validate(entries, rows); len(errs) > 0 {
		return ImportReport{}, &ImportError{Rows: errs}
	}
	if errs := k.checkAttachments(entries, rows); len(errs) > 0 {
		return ImportReport{}, &ImportError{Rows: errs}
	}
	AssignIDs(entries)
	k.mu.Lock()
	defer k.mu.Unlock()
	next := entries
	switch mode {
	case ModeReplace, "":
		if source == "" {
			source = "import"
		}
	case ModeMerge:
		if source == "" {
			source = "merge"
		}
		next = k.merged(entries)
	default:
		return ImportReport{}, fmt.Errorf("import mode %q: %w", mode, ErrInvalid)
	}
	v, err := k.commit(next, source, "")
	if err != nil {
		return ImportReport{}, err
	}
	return ImportReport{Imported: len(entries), Languages: languagesOf(entries), Version: v.N}, nil
}

func (k *KB) merged(entries []Entry) []Entry {
	var cur []Entry
	if s := k.live.Load(); s != nil {
		cur = cloneEntries(s.entries)
	}
	pos := map[string]int{}
	for i, e := range cur {
		pos[e.ID] = i
	}
	for _, e := range entries {
		if i, ok := pos[e.ID]; ok {
			cur[i] = e
			continue
		}
		pos[e.ID] = len(cur)
		cur = append(cur, e)
	}
	return cur
}

// commit indexes entries, stores them as the next version, points the live
// pointer at it and swaps the index in, in that order, so that a failure at
// any step leaves the previous version live in the store and in memory.
// The caller holds k.mu.
func (k *KB) commit(entries []Entry, source, note string) (Version, error) {
	last, err := k.lastVersion()
	if err != nil {
		return Version{}, err
	}
	v := Version{N: last + 1, At: now(), Source: source, Note: note, Count: len(entries),
		Languages: languagesOf(entries), Entries: entries}
	snap, err := buildSnapshot(v.N, entries, k.opts.ThesaurusDir)
	if err != nil {
		return Version{}, fmt.Errorf("index faq version %d: %w", v.N, err)
	}
	if err := k.storeVersion(v); err != nil {
		return Version{}, err // the store's error names the version
	}
	// The old snapshot is not closed: searches that loaded it may still be
	// running, and an in-memory index is reclaimed by the garbage collector.
	k.live.Store(snap)
	k.refreshOverlay()
	k.log.Info().Int("version", v.N).Int("entries", len(entries)).Str("source", source).Msg("faq version live")
	k.announce(v.N)
	return v, nil
}

// storeVersion writes the entry chunks in a write batch and then, in one
// transaction, the header and the live pointer: until that transaction
// commits the new chunks are unreferenced and the old version stays live.
func (k *KB) storeVersion(v Version) error {
	var chunks [][]Entry
	size := 0
	for i, e := range v.Entries {
		b, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("encode entry %s: %w", e.ID, err)
		}
		if len(chunks) == 0 || size+len(b) > chunkBytes {
			chunks = append(chunks, nil)
			size = 0
		}
		chunks[len(chunks)-1] = append(chunks[len(chunks)-1], v.Entries[i])
		size += len(b) + 1
	}
	h := versionHeader{Version: v, Chunks: len(chunks)}
	h.Entries = nil
	return store.PutFAQVersion(context.Background(), k.db, v.N, h, chunks)
}

func (k *KB) lastVersion() (int, error) {
	ctx := context.Background()
	n := 0
	err := k.db.Read(ctx, func(r store.Reader) error {
		var err error
		n, err = store.LastFAQVersion(ctx, r)
		return err
	})
	return n, err
}

// Versions lists stored versions, newest first, without their entries.
func (k *KB) Versions() ([]Version, error) {
	ctx := context.Background()
	var out []Version
	err := k.db.Read(ctx, func(r store.Reader) error {
		out = nil
		return store.EachFAQVersion(ctx, r, func(_ int, h versionHeader) error {
			h.Entries = nil
			out = append(out, h.Version)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetVersion loads one stored version with its entries.
func (k *KB) GetVersion(n int) (Version, error) {
	ctx := context.Background()
	var h versionHeader
	err := k.db.Read(ctx, func(r store.Reader) error {
		var err error
		if h, err = store.GetFAQVersion[versionHeader](ctx, r, n); err != nil {
			return err
		}
		h.Entries = make([]Entry, 0, h.Count)
		for i := 0; i < h.Chunks; i++ {
			c, err := store.GetFAQChunk[[]Entry](ctx, r, n, i)
			if err != nil {
				return err
			}
			h.Entries = append(h.Entries, c...)
		}
		return nil
	})
	v := h.Version
	if errors.Is(err, store.ErrNotFound) {
		return v, fmt.Errorf("faq version %d: %w", n, ErrNotFound)
	}
	return v, err // the store's error names the version and chunk
}

// DiffVersion compares version n with version n-1 (an empty FAQ for 1).
func (k *KB) DiffVersion(n int) (Diff, error) {
	to, err := k.GetVersion(n)
	if err != nil {
		return Diff{}, err
	}
	var from Version
	if n > 1 {
		if from, err = k.GetVersion(n - 1); err != nil && !errors.Is(err, ErrNotFound) {
			return Diff{}, err
		}
	}
	d := Diff{From: n - 1, To: n, Added: []string{}, Removed: []string{}, Changed: []string{}}
	old := map[string]Entry{}
	for _, e := range from.Entries {
		old[e.ID] = e
	}
	seen := map[string]bool{}
	for _, e := range to.Entries {
		seen[e.ID] = true
		o, ok := old[e.ID]
		switch {
		case !ok:
			d.Added = append(d.Added, e.ID)
		case !reflect.DeepEqual(o, e):
			d.Changed = append(d.Changed, e.ID)
		}
	}
	for _, e := range from.Entries {
		if !seen[e.ID] {
			d.Removed = append(d.Removed, e.ID)
		}
	}
	return d, nil
}

// Rollback makes the entries of version n live again, as a new version.
func (k *KB) Rollback(n int) (Version, error) {
	old, err := k.GetVersion(n)
	if err != nil {
		return Version{}, err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	v, err := k.commit(old.Entries, "rollback", fmt.Sprintf("rollback to version %d", n))
	v.Entries = nil
	return v, err
}

// CreateEntry adds one entry as a new version.
func (k *KB) CreateEntry(e Entry) (Entry, error) {
	return k.edit(e, "create")
}

// UpdateEntry replaces entry id as a new version.
func (k *KB) UpdateEntry(id string, e Entry) (Entry, error) {
	e.ID = id
	return k.edit(e, "update")
}

func (k *KB) edit(e Entry, source string) (Entry, error) {
	es := []Entry{e}
	if errs := validate(es, nil); len(errs) > 0 {
		return Entry{}, fmt.Errorf("%s: %w", errs[0].Error, ErrInvalid)
	}
	if errs := k.checkAttachments(es, nil); len(errs) > 0 {
		return Entry{}, fmt.Errorf("%s: %w", errs[0].Error, ErrInvalid)
	}
	AssignIDs(es)
	e = es[0]
	k.mu.Lock()
	defer k.mu.Unlock()
	var cur []Entry
	if s := k.live.Load(); s != nil {
		cur = cloneEntries(s.entries)
	}
	i := indexOf(cur, e.ID)
	switch {
	case source == "create" && i >= 0:
		return Entry{}, fmt.Errorf("entry %s: %w", e.ID, ErrConflict)
	case source == "update" && i < 0:
		return Entry{}, fmt.Errorf("entry %s: %w", e.ID, ErrNotFound)
	case i >= 0:
		cur[i] = e
	default:
		cur = append(cur, e)
	}
	_, err := k.commit(cur, source, e.ID)
	return e, err
}

// DeleteEntry removes entry id as a new version.
func (k *KB) DeleteEntry(id string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	var cur []Entry
	if s := k.live.Load(); s != nil {
		cur = cloneEntries(s.entries)
	}
	i := indexOf(cur, id)
	if i < 0 {
		return fmt.Errorf("entry %s: %w", id, ErrNotFound)
	}
	cur = append(cur[:i], cur[i+1:]...)
	_, err := k.commit(cur, "delete", id)
	return err
}

func indexOf(es []Entry, id string) int {
	for i, e := range es {
		if e.ID == id {
			return i
		}
	}
	return -1
}

// ExportCSV writes the live entries as CSV that Parse reads back: one column
// per field and a question_XX, answer_XX, alt_questions_XX triple per
// translation language.
func (k *KB) ExportCSV() ([]byte, error) { return encodeCSV(k.Entries()) }

func encodeCSV(entries []Entry) ([]byte, error) {
	trLangs := map[string]bool{}
	for _, e := range entries {
		for l := range e.Translations {
			trLangs[l] = true
		}
	}
	langs := sortedKeys(trLangs)
	attached := slices.ContainsFunc(entries, func(e Entry) bool { return e.Attachment != nil })
	header := []string{"id", "lang", "question", "answer", "alt_questions", "category", "tags", "link"}
	if attached {
		// Only an FAQ with attachments has their columns: other exports
		// stay as they were.
		header = append(header, "attachment_sha256", "attachment_place")
	}
	for _, l := range langs {
		header = append(header, "question_"+l, "answer_"+l, "alt_questions_"+l)
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff") // spreadsheets need it to read UTF-8
	w := csvtext.NewWriter(&buf)
	if err := w.Write(header); err != nil {
		return nil, err
	}
	for _, e := range entries {
		rec := []string{e.ID, e.Lang, e.Question, e.Answer, strings.Join(e.AltQuestions, "|"),
			e.Category, strings.Join(e.Tags, ","), e.Link}
		if attached {
			var a Attachment
			if e.Attachment != nil {
				a = *e.Attachment
			}
			rec = append(rec, a.SHA256, a.Place)
		}
		for _, l := range langs {
			t := e.Translations[l]
			rec = append(rec, t.Question, t.Answer, strings.Join(t.AltQuestions, "|"))
		}
		if err := w.Write(rec); err != nil {
			return nil, err
		}
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
