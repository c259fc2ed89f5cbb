package kb

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"lifeline/store"
)

// Feedback counts the answers to "was this helpful?" for one entry. The
// store owns the record, as it does the candidates and unanswered queries
// below; this package decides what they mean.
//
// The methods of KB take no context yet: their callers in package bot
// move to context-taking calls with the rest of the engine, so the store
// operations get context.Background() until then.
type Feedback = store.FAQFeedback

// RecordFeedback counts one "helpful" or "not helpful" for an entry.
func (k *KB) RecordFeedback(entryID string, helpful bool, at time.Time) error {
	if entryID == "" {
		return fmt.Errorf("record feedback: entry id is empty: %w", ErrInvalid)
	}
	ctx := context.Background()
	err := k.db.Write(ctx, store.DocScope(store.DocFAQFeedback, entryID), func(w store.Writer) error {
		_, err := store.AddFAQFeedback(ctx, w, entryID, helpful, at)
		return err
	})
	if err != nil {
		return fmt.Errorf("record feedback for %s: %w", entryID, err)
	}
	return nil
}

// Feedback lists the feedback of every entry, most "not helpful" first.
func (k *KB) Feedback() ([]Feedback, error) {
	ctx := context.Background()
	var out []Feedback
	err := k.db.Read(ctx, func(r store.Reader) error {
		out = []Feedback{}
		return store.EachFAQFeedback(ctx, r, func(f Feedback) error {
			out = append(out, f)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list feedback: %w", err)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].NotHelpful != out[j].NotHelpful {
			return out[i].NotHelpful > out[j].NotHelpful
		}
		return out[i].EntryID < out[j].EntryID
	})
	return out, nil
}

// Candidate statuses.
const (
	CandidatePending  = "pending"
	CandidateApproved = "approved"
	CandidateRejected = "rejected"
)

// Candidate is a query a user matched to an entry by picking it from a "did
// you mean" list: a possible alternate question, applied only when an admin
// approves it.
type Candidate = store.FAQCandidate

func candidateID(entryID, lang, q string) string {
	sum := sha1.Sum([]byte(entryID + "\x00" + lang + "\x00" + strings.ToLower(normSpace(q))))
	return "c" + hex.EncodeToString(sum[:])[:12]
}

// RecordChoice records that query (in lang) was answered by the user picking
// entryID. The same choice again only raises the count.
func (k *KB) RecordChoice(query, lang, entryID string, at time.Time) error {
	query = normSpace(query)
	if query == "" || entryID == "" {
		return fmt.Errorf("record choice: query and entry id are required: %w", ErrInvalid)
	}
	id := candidateID(entryID, lang, query)
	ctx := context.Background()
	err := k.db.Write(ctx, store.DocScope(store.DocFAQCandidate, id), func(w store.Writer) error {
		c, err := store.GetFAQCandidate(ctx, w, id)
		if errors.Is(err, store.ErrNotFound) {
			c, err = Candidate{ID: id, EntryID: entryID, Lang: lang, Query: query, First: at.UTC(), Status: CandidatePending}, nil
		}
		if err != nil {
			return err
		}
		c.Count++
		if at.After(c.Last) {
			c.Last = at.UTC()
		}
		return store.PutFAQCandidate(ctx, w, c)
	})
	if err != nil {
		return fmt.Errorf("record choice for %s: %w", entryID, err)
	}
	return nil
}

// Candidates lists candidate alternate questions with the given status ("" for
// all), most frequent first.
func (k *KB) Candidates(status string) ([]Candidate, error) {
	ctx := context.Background()
	var out []Candidate
	err := k.db.Read(ctx, func(r store.Reader) error {
		out = []Candidate{}
		return store.EachFAQCandidate(ctx, r, func(c Candidate) error {
			if status == "" || c.Status == status {
				out = append(out, c)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list candidates: %w", err)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Last.After(out[j].Last)
	})
	return out, nil
}

// ApproveCandidate adds the candidate's query to its entry's alternate
// questions (in the candidate's language) as a new version.
func (k *KB) ApproveCandidate(id string) (Candidate, error) {
	c, err := k.candidate(id)
	if err != nil {
		return c, err
	}
	base, lang, _ := strings.Cut(c.EntryID, "/")
	e, ok := k.Entry(base)
	if !ok {
		return c, fmt.Errorf("entry %s of candidate %s: %w", base, id, ErrNotFound)
	}
	if lang == "" || lang == e.Lang {
		if !containsFold(e.AltQuestions, c.Query) && !strings.EqualFold(e.Question, c.Query) {
			e.AltQuestions = append(e.AltQuestions, c.Query)
		}
	} else {
		t, ok := e.Translations[lang]
		if !ok {
			return c, fmt.Errorf("entry %s has no %s translation: %w", base, lang, ErrNotFound)
		}
		if !containsFold(t.AltQuestions, c.Query) && !strings.EqualFold(t.Question, c.Query) {
			t.AltQuestions = append(t.AltQuestions, c.Query)
		}
		e.Translations[lang] = t
	}
	if _, err := k.UpdateEntry(base, e); err != nil {
		return c, err
	}
	c.Status = CandidateApproved
	return c, k.putCandidate(c)
}

// RejectCandidate marks a candidate rejected; it stays so that it is not
// proposed again.
func (k *KB) RejectCandidate(id string) (Candidate, error) {
	c, err := k.candidate(id)
	if err != nil {
		return c, err
	}
	c.Status = CandidateRejected
	return c, k.putCandidate(c)
}

func (k *KB) candidate(id string) (Candidate, error) {
	ctx := context.Background()
	var c Candidate
	err := k.db.Read(ctx, func(r store.Reader) error {
		var err error
		c, err = store.GetFAQCandidate(ctx, r, id)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return c, fmt.Errorf("candidate %s: %w", id, ErrNotFound)
	}
	return c, err // the store's error names the candidate
}

func (k *KB) putCandidate(c Candidate) error {
	ctx := context.Background()
	return k.db.Write(ctx, store.DocScope(store.DocFAQCandidate, c.ID), func(w store.Writer) error { return store.PutFAQCandidate(ctx, w, c) })
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(normSpace(x), s) {
			return true
		}
	}
	return false
}

// unanswered is one stored query that the FAQ did not answer.
type unanswered = store.UnansweredQuery

// RecordUnanswered stores a query that ended without an answer: reason is
// "none" (nothing relevant) or "not_helpful" (the answer did not help).
func (k *KB) RecordUnanswered(query, lang, reason string, at time.Time) error {
	query = normSpace(query)
	if query == "" {
		return nil
	}
	if reason != "none" && reason != "not_helpful" {
		return fmt.Errorf("record unanswered: reason %q: %w", reason, ErrInvalid)
	}
	ctx := context.Background()
	return k.db.Write(ctx, store.UnansweredScope(), func(w store.Writer) error {
		return store.AddUnanswered(ctx, w, unanswered{Query: query, Lang: lang, Reason: reason, At: at})
	})
}

// ExpireQueries deletes what people typed that the knowledge base keeps
// for admins, once it is older than before: unanswered queries, and
// candidate alternate questions last chosen before then (an approved one
// lives on in its entry). It returns how many records it deleted.
func (k *KB) ExpireQueries(before time.Time) (int, error) {
	return store.ExpireFAQQueries(context.Background(), k.db, before)
}

// HourCount is how often a group was asked in one hour.
type HourCount struct {
	Hour  time.Time `json:"hour"`
	Count int       `json:"count"`
}

// UnansweredGroup is a set of similar unanswered queries.
type UnansweredGroup struct {
	Query    string         `json:"query"`    // the most frequent wording
	Lang     string         `json:"lang"`     // its language
	Count    int            `json:"count"`    // queries in the group
	Examples []string       `json:"examples"` // distinct wordings, most frequent first (at most 5)
	Reasons  map[string]int `json:"reasons"`  // none / not_helpful
	Hours    []HourCount    `json:"hours"`    // counts per hour, oldest first, hours without queries left out
	Spike    float64        `json:"spike"`    // last hour's count over the average hourly count before it
	First    time.Time      `json:"first"`
	Last     time.Time      `json:"last"`
}

// Unanswered groups the unanswered queries since a time by similarity, the
// spiking groups first.
func (k *KB) Unanswered(since time.Time) []UnansweredGroup {
	return k.UnansweredAt(since, time.Now())
}

// UnansweredAt is Unanswered with the current time given.
func (k *KB) UnansweredAt(since, now time.Time) []UnansweredGroup {
	ctx := context.Background()
	var qs []unanswered
	err := k.db.Read(ctx, func(r store.Reader) error {
		qs = nil
		return store.EachUnanswered(ctx, r, func(u unanswered) error {
			if !u.At.Before(since) && !u.At.After(now) {
				qs = append(qs, u)
			}
			return nil
		})
	})
	if err != nil {
		k.log.Error().Err(err).Msg("list unanswered")
		return []UnansweredGroup{}
	}
	return groupUnanswered(qs, since, now)
}

type group struct {
	UnansweredGroup
	terms   map[string]struct{}
	wording map[string]int
	hours   map[int64]int // by Unix hour: an instant, whatever zone the time came in
}

func groupUnanswered(qs []unanswered, since, now time.Time) []UnansweredGroup {
	var groups []*group
	for _, u := range qs {
		lang := u.Lang
		if lang == "" {
			lang = DetectLang(u.Query)
		}
		ts := map[string]struct{}{}
		for _, t := range terms(analyzerFor(lang), u.Query) {
			ts[t] = struct{}{}
		}
		if len(ts) == 0 {
			ts[strings.ToLower(u.Query)] = struct{}{}
		}
		var g *group
		bestSim := 0.0
		for _, c := range groups {
			if sim := similarity(ts, c.terms); sim >= 0.5 && sim > bestSim {
				g, bestSim = c, sim
			}
		}
		if g == nil {
			g = &group{terms: ts, wording: map[string]int{}, hours: map[int64]int{},
				UnansweredGroup: UnansweredGroup{Lang: lang, Reasons: map[string]int{}, First: u.At}}
			groups = append(groups, g)
		}
		g.Count++
		g.wording[u.Query]++
		g.Reasons[u.Reason]++
		g.hours[unixHour(u.At)]++
		if u.At.Before(g.First) {
			g.First = u.At
		}
		if u.At.After(g.Last) {
			g.Last = u.At
		}
	}
	out := make([]UnansweredGroup, 0, len(groups))
	// Stored times come back in UTC while now may carry the local zone:
	// hours are compared as instants (Unix hours), never as time.Time
	// values, which differ by zone.
	lastHour := unixHour(now)
	nHours := max(1, int(lastHour-unixHour(since)))
	for _, g := range groups {
		words := sortedKeys(g.wording)
		sort.SliceStable(words, func(i, j int) bool { return g.wording[words[i]] > g.wording[words[j]] })
		g.Query = words[0]
		g.Examples = words[:min(5, len(words))]
		for h, n := range g.hours {
			g.Hours = append(g.Hours, HourCount{Hour: time.Unix(h*3600, 0).UTC(), Count: n})
		}
		sort.Slice(g.Hours, func(i, j int) bool { return g.Hours[i].Hour.Before(g.Hours[j].Hour) })
		recent := g.hours[lastHour]
		before := float64(g.Count-recent) / float64(nHours)
		g.Spike = float64(recent) / max(before, 1/float64(nHours))
		if recent == 0 {
			g.Spike = 0
		}
		g.Spike = float64(int(g.Spike*100)) / 100
		out = append(out, g.UnansweredGroup)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Spike != out[j].Spike {
			return out[i].Spike > out[j].Spike
		}
		return out[i].Count > out[j].Count
	})
	return out
}

// unixHour is the number of whole hours from the Unix epoch to t.
func unixHour(t time.Time) int64 {
	s := t.Unix()
	h := s / 3600
	if s < 0 && s%3600 != 0 {
		h--
	}
	return h
}

// similarity is the overlap of two term sets relative to the smaller one,
// so "shelter open" joins "where is the nearest shelter open now".
func similarity(a, b map[string]struct{}) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	common := 0
	for t := range a {
		if _, ok := b[t]; ok {
			common++
		}
	}
	small, large := min(len(a), len(b)), max(len(a), len(b))
	// Containment alone would merge every query with a one-word group.
	return float64(common) / (0.7*float64(small) + 0.3*float64(large))
}
