package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// This file holds the records of the FAQ (package kb): its versions, the
// pointer to the live one, feedback, candidate alternate questions and
// unanswered queries.
//
// A version is kept as a header ("0000000007") and its entries in chunks
// ("0000000007/000000", ...), because badger caps the size of one value.
// The header and the entries are kb's types (kb.Entry carries the FAQ's
// rules and is built by packages that import store), so the version
// operations are generic in them; kb is their only caller.

func faqVersionID(n int) string    { return fmt.Sprintf("%010d", n) }
func faqChunkID(n, i int) string   { return fmt.Sprintf("%010d/%06d", n, i) }
func faqLiveKey() Key              { return docKey(DocFAQCurrent, "live") }
func faqVersionKey(n int) Key      { return docKey(DocFAQVersion, faqVersionID(n)) }
func faqChunkKey(n, i int) Key     { return docKey(DocFAQVersion, faqChunkID(n, i)) }
func faqFeedbackKey(id string) Key { return docKey(DocFAQFeedback, id) }

type faqLive struct {
	Version int `json:"version"`
}

// PutFAQVersion stores version n: its chunks of entries in a write batch,
// then, in one transaction, the header and the live pointer. Until that
// transaction commits the new chunks are unreferenced and the old version
// stays live. The header must say how many chunks there are.
func PutFAQVersion[H, C any](ctx context.Context, db *DB, n int, header H, chunks []C) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if n <= 0 {
		return fmt.Errorf("store faq version %d: versions start at 1", n)
	}
	batch := db.newBatch()
	for i, c := range chunks {
		if err := batch.SetJSON(faqChunkKey(n, i), c); err != nil {
			batch.Cancel()
			return fmt.Errorf("store faq version %d chunk %d: %w", n, i, err)
		}
	}
	if err := batch.Flush(); err != nil {
		return fmt.Errorf("store faq version %d entries: %w", n, err)
	}
	err := db.Write(ctx, FAQScope(), func(w Writer) error {
		if err := putJSON(w, faqVersionKey(n), header, 0); err != nil {
			return err
		}
		return putJSON(w, faqLiveKey(), faqLive{Version: n}, 0)
	})
	if err != nil {
		return fmt.Errorf("store faq version %d: %w", n, err)
	}
	return nil
}

// FAQLive returns the number of the live version, or ErrNotFound before
// the first import.
func FAQLive(ctx context.Context, r Reader) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	p, err := getJSON[faqLive](r, faqLiveKey())
	if err != nil {
		return 0, fmt.Errorf("load live faq pointer: %w", err)
	}
	return p.Version, nil
}

// GetFAQVersion loads the header of version n, or ErrNotFound.
func GetFAQVersion[H any](ctx context.Context, r Reader, n int) (H, error) {
	if err := ctx.Err(); err != nil {
		var zero H
		return zero, err
	}
	h, err := getJSON[H](r, faqVersionKey(n))
	if err != nil {
		return h, fmt.Errorf("load faq version %d: %w", n, err)
	}
	return h, nil
}

// GetFAQChunk loads chunk i of the entries of version n.
func GetFAQChunk[C any](ctx context.Context, r Reader, n, i int) (C, error) {
	if err := ctx.Err(); err != nil {
		var zero C
		return zero, err
	}
	c, err := getJSON[C](r, faqChunkKey(n, i))
	if err != nil {
		return c, fmt.Errorf("load faq version %d chunk %d: %w", n, i, err)
	}
	return c, nil
}

// EachFAQVersion calls fn with the number and header of every stored
// version, newest first.
func EachFAQVersion[H any](ctx context.Context, r Reader, fn func(n int, h H) error) error {
	prefix := docPrefix(DocFAQVersion)
	err := r.ScanReverse(prefix, func(k Key, b []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		id := idOf(k, prefix)
		if strings.Contains(id, "/") {
			return nil // a chunk of entries
		}
		n, err := strconv.Atoi(id)
		if err != nil {
			return fmt.Errorf("faq version key %s: %w", printable(k), err)
		}
		var h H
		if err := jsonUnmarshal(b, &h); err != nil {
			return fmt.Errorf("decode faq version %d: %w", n, err)
		}
		return fn(n, h)
	})
	if err != nil {
		return fmt.Errorf("list faq versions: %w", err)
	}
	return nil
}

// LastFAQVersion returns the highest version number stored, chunks
// included (a version whose header was never written still used its
// number), or 0 when there is none.
func LastFAQVersion(ctx context.Context, r Reader) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	prefix := docPrefix(DocFAQVersion)
	n := 0
	err := r.ScanReverse(prefix, func(k Key, _ []byte) error {
		id, _, _ := strings.Cut(idOf(k, prefix), "/")
		v, err := strconv.Atoi(id)
		if err != nil {
			return fmt.Errorf("faq version key %s: %w", printable(k), err)
		}
		n = v
		return ErrStop
	})
	if err != nil {
		return 0, fmt.Errorf("find last faq version: %w", err)
	}
	return n, nil
}

// FAQFeedback counts the answers to "was this helpful?" for one entry.
type FAQFeedback struct {
	EntryID    string    `json:"entry_id"`
	Helpful    int       `json:"helpful"`
	NotHelpful int       `json:"not_helpful"`
	Last       time.Time `json:"last"`
}

// AddFAQFeedback counts one "helpful" or "not helpful" for an entry.
func AddFAQFeedback(ctx context.Context, w Writer, entryID string, helpful bool, at time.Time) (FAQFeedback, error) {
	if err := ctx.Err(); err != nil {
		return FAQFeedback{}, err
	}
	if entryID == "" {
		return FAQFeedback{}, fmt.Errorf("record feedback: empty entry id")
	}
	f, err := getJSON[FAQFeedback](w, faqFeedbackKey(entryID))
	if err != nil && !notFound(err) {
		return FAQFeedback{}, fmt.Errorf("load feedback: %w", err)
	}
	f.EntryID = entryID
	if helpful {
		f.Helpful++
	} else {
		f.NotHelpful++
	}
	if at.After(f.Last) {
		f.Last = at.UTC()
	}
	if err := putJSON(w, faqFeedbackKey(entryID), f, 0); err != nil {
		return FAQFeedback{}, fmt.Errorf("save feedback: %w", err)
	}
	return f, nil
}

// EachFAQFeedback calls fn with the feedback of every entry, in order of entry id.
func EachFAQFeedback(ctx context.Context, r Reader, fn func(FAQFeedback) error) error {
	err := scanJSON(ctx, r, docPrefix(DocFAQFeedback), false, func(_ Key, f FAQFeedback) error { return fn(f) })
	if err != nil {
		return fmt.Errorf("scan feedback: %w", err)
	}
	return nil
}

// FAQCandidate is a query a user matched to an entry by picking it from a
// "did you mean" list: a possible alternate question, applied only when
// an admin approves it.
type FAQCandidate struct {
	ID      string    `json:"id"`
	EntryID string    `json:"entry_id"`
	Lang    string    `json:"lang"`
	Query   string    `json:"query"`
	Count   int       `json:"count"`
	First   time.Time `json:"first"`
	Last    time.Time `json:"last"`
	Status  string    `json:"status"`
}

// GetFAQCandidate loads a candidate, or ErrNotFound.
func GetFAQCandidate(ctx context.Context, r Reader, id string) (FAQCandidate, error) {
	if err := ctx.Err(); err != nil {
		return FAQCandidate{}, err
	}
	c, err := getJSON[FAQCandidate](r, docKey(DocFAQCandidate, id))
	if err != nil {
		return FAQCandidate{}, fmt.Errorf("load candidate %s: %w", id, err)
	}
	return c, nil
}

// PutFAQCandidate stores c under its id.
func PutFAQCandidate(ctx context.Context, w Writer, c FAQCandidate) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if c.ID == "" {
		return fmt.Errorf("save candidate: empty id")
	}
	if err := putJSON(w, docKey(DocFAQCandidate, c.ID), c, 0); err != nil {
		return fmt.Errorf("save candidate %s: %w", c.ID, err)
	}
	return nil
}

// EachFAQCandidate calls fn with every candidate, in order of id.
func EachFAQCandidate(ctx context.Context, r Reader, fn func(FAQCandidate) error) error {
	err := scanJSON(ctx, r, docPrefix(DocFAQCandidate), false, func(_ Key, c FAQCandidate) error { return fn(c) })
	if err != nil {
		return fmt.Errorf("scan candidates: %w", err)
	}
	return nil
}

// UnansweredQuery is one query that the FAQ did not answer.
type UnansweredQuery struct {
	Query  string    `json:"query"`
	Lang   string    `json:"lang,omitempty"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// AddUnanswered stores q. Keys start with the time so that they sort by
// it; a sequence number keeps two queries of the same instant apart.
func AddUnanswered(ctx context.Context, w Writer, q UnansweredQuery) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if q.At.IsZero() {
		return fmt.Errorf("record unanswered: no time")
	}
	seq, err := w.NextSeq(string(DocUnanswered))
	if err != nil {
		return fmt.Errorf("record unanswered: %w", err)
	}
	id := fmt.Sprintf("%016x%016x", uint64(q.At.UnixNano()), seq)
	q.At = q.At.UTC()
	if err := putJSON(w, docKey(DocUnanswered, id), q, 0); err != nil {
		return fmt.Errorf("record unanswered: %w", err)
	}
	return nil
}

// EachUnanswered calls fn with every unanswered query, oldest first.
func EachUnanswered(ctx context.Context, r Reader, fn func(UnansweredQuery) error) error {
	err := scanJSON(ctx, r, docPrefix(DocUnanswered), false, func(_ Key, q UnansweredQuery) error { return fn(q) })
	if err != nil {
		return fmt.Errorf("scan unanswered queries: %w", err)
	}
	return nil
}

// ExpireFAQQueries deletes what people typed that the FAQ keeps for
// admins, once it is older than before: unanswered queries, and candidate
// alternate questions last chosen before then. It deletes in
// transactions of at most rewriteChunk records and returns how many it
// deleted.
func ExpireFAQQueries(ctx context.Context, db *DB, before time.Time) (int, error) {
	n := 0
	for _, kind := range []DocKind{DocUnanswered, DocFAQCandidate} {
		for {
			var old []Key
			err := db.Read(ctx, func(r Reader) error {
				return scanJSON(ctx, r, docPrefix(kind), false, func(k Key, v struct{ At, Last time.Time }) error {
					at := v.At // an unanswered query's time, a candidate's last choice
					if kind == DocFAQCandidate {
						at = v.Last
					}
					if at.Before(before) {
						old = append(old, k)
					}
					if len(old) >= rewriteChunk {
						return ErrStop
					}
					return nil
				})
			})
			if err == nil && len(old) > 0 {
				// Each record is its own document (a candidate) or an
				// entry of one log (the unanswered queries) and each
				// deletion stands alone: one write per owner, and a
				// sweep cut short leaves the rest to the next.
				var writes []ScopedWrite
				groups, unowned := byOwner(old, KeyOwner)
				if len(unowned) > 0 {
					return n, fmt.Errorf("expire %s records: a key with no owner", kind)
				}
				for _, g := range groups {
					writes = append(writes, ScopedWrite{Scope: g.scope, Fn: func(w Writer) error { return deleteKeys(w, g.keys) }})
				}
				_, err = db.WriteEach(ctx, writes)
			}
			if err != nil {
				return n, fmt.Errorf("expire %s records: %w", kind, err)
			}
			n += len(old)
			if len(old) < rewriteChunk {
				break
			}
		}
	}
	return n, nil
}

// FAQ overlay: entries that belong to one incident, searched before the
// general FAQ while the incident is open. They are kb's type (kb.Entry and
// its incident fields) and are kept under <incident>/<entry id>, so that
// an incident's entries are one key range.

func faqOverlayKey(incident, id string) Key { return docKey(DocFAQOverlay, incident+"/"+id) }

// GetFAQOverlay loads entry id of incident, or ErrNotFound.
func GetFAQOverlay[E any](ctx context.Context, r Reader, incident, id string) (E, error) {
	if err := ctx.Err(); err != nil {
		var zero E
		return zero, err
	}
	e, err := getJSON[E](r, faqOverlayKey(incident, id))
	if err != nil {
		return e, fmt.Errorf("load faq overlay entry %s of incident %s: %w", id, incident, err)
	}
	return e, nil
}

// PutFAQOverlay writes entry id of incident.
func PutFAQOverlay(ctx context.Context, w Writer, incident, id string, e any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if incident == "" || id == "" || strings.Contains(incident, "/") {
		return fmt.Errorf("store faq overlay entry %q of incident %q: want an incident and an entry id", id, incident)
	}
	if err := putJSON(w, faqOverlayKey(incident, id), e, 0); err != nil {
		return fmt.Errorf("store faq overlay entry %s of incident %s: %w", id, incident, err)
	}
	return nil
}

// DeleteFAQOverlay removes entry id of incident; ErrNotFound when absent.
func DeleteFAQOverlay(ctx context.Context, w Writer, incident, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	k := faqOverlayKey(incident, id)
	if _, err := w.Get(k); err != nil {
		return fmt.Errorf("delete faq overlay entry %s of incident %s: %w", id, incident, err)
	}
	if err := w.Delete(k); err != nil {
		return fmt.Errorf("delete faq overlay entry %s of incident %s: %w", id, incident, err)
	}
	return nil
}

// EachFAQOverlay calls fn with every overlay entry of incident in id
// order, or of every incident when incident is "".
func EachFAQOverlay[E any](ctx context.Context, r Reader, incident string, fn func(E) error) error {
	prefix := docPrefix(DocFAQOverlay)
	if incident != "" {
		prefix = faqOverlayKey(incident, "")
	}
	err := scanJSON(ctx, r, prefix, false, func(_ Key, e E) error { return fn(e) })
	if err != nil {
		return fmt.Errorf("scan faq overlay %q: %w", incident, err)
	}
	return nil
}
