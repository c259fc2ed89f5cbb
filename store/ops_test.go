package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// This file is the specification of the typed operations: each record
// kind is written, read back, listed and removed through them alone.

func memDB(t *testing.T) *DB {
	t.Helper()
	db, err := Open(Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func write(t *testing.T, db *DB, fn func(ctx context.Context, w Writer) error) {
	t.Helper()
	ctx := context.Background()
	if err := db.WriteAny(ctx, func(w Writer) error { return fn(ctx, w) }); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, db *DB, fn func(ctx context.Context, r Reader) error) {
	t.Helper()
	ctx := context.Background()
	if err := db.Read(ctx, func(r Reader) error { return fn(ctx, r) }); err != nil {
		t.Fatal(err)
	}
}

func TestAuditAppendFillsSeqAndRefusesIncompleteEntries(t *testing.T) {
	db := memDB(t)
	cases := []struct {
		name    string
		e       AuditEntry
		wantErr string
	}{
		{"complete", AuditEntry{At: t0, Actor: "token:abc", Action: "token.create"}, ""},
		{"no action", AuditEntry{At: t0, Actor: "token:abc"}, "no action"},
		{"no actor", AuditEntry{At: t0, Action: "kb.import"}, "no actor"},
		{"no time", AuditEntry{Actor: "token:abc", Action: "kb.import"}, "no time"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			var got AuditEntry
			err := db.WriteAny(ctx, func(w Writer) error {
				var err error
				got, err = AppendAudit(ctx, w, tc.e)
				return err
			})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got.Seq == 0 || got.Action != tc.e.Action {
				t.Fatalf("appended %+v, %v", got, err)
			}
		})
	}
}

func TestAuditListsNewestFirstByFilterAndPage(t *testing.T) {
	db := memDB(t)
	actions := []struct{ actor, action, target string }{
		{"token:a", "kb.import", ""},
		{"agent:amira", "handoff.claim", "id=1555"},
		{"token:a", "kb.entries.delete", "id=faq-1"},
		{"token:b", "broadcast.create", "bc000001"},
		{"agent:amira", "handoff.close", "id=1555"},
	}
	for i, a := range actions {
		write(t, db, func(ctx context.Context, w Writer) error {
			_, err := AppendAudit(ctx, w, AuditEntry{At: t0.Add(time.Duration(i) * time.Minute), Actor: a.actor, Action: a.action, Target: a.target})
			return err
		})
	}
	cases := []struct {
		name      string
		f         AuditFilter
		limit     int
		want      []string // actions, newest first
		wantPaged bool
	}{
		{"everything", AuditFilter{}, 0, []string{"handoff.close", "broadcast.create", "kb.entries.delete", "handoff.claim", "kb.import"}, false},
		{"an action prefix", AuditFilter{Action: "kb."}, 0, []string{"kb.entries.delete", "kb.import"}, false},
		{"an exact action", AuditFilter{Action: "kb.import"}, 0, []string{"kb.import"}, false},
		{"an actor", AuditFilter{Actor: "agent:amira"}, 0, []string{"handoff.close", "handoff.claim"}, false},
		{"a page", AuditFilter{}, 2, []string{"handoff.close", "broadcast.create"}, true},
		{"the next page", AuditFilter{Before: 4}, 2, []string{"kb.entries.delete", "handoff.claim"}, true},
		{"the last page", AuditFilter{Before: 2}, 2, []string{"kb.import"}, false},
		{"a time window", AuditFilter{Since: t0.Add(time.Minute), Until: t0.Add(3 * time.Minute)}, 0, []string{"kb.entries.delete", "handoff.claim"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			read(t, db, func(ctx context.Context, r Reader) error {
				got, next, err := ListAudit(ctx, r, tc.f, tc.limit)
				if err != nil {
					return err
				}
				var acts []string
				for _, e := range got {
					acts = append(acts, e.Action)
				}
				if !slices.Equal(acts, tc.want) || (next != 0) != tc.wantPaged {
					t.Errorf("got %v next %d, want %v (more pages: %v)", acts, next, tc.want, tc.wantPaged)
				}
				return nil
			})
		})
	}
	read(t, db, func(ctx context.Context, r Reader) error {
		got, err := AuditOf(ctx, r, "id=1555", 0)
		if err != nil || len(got) != 2 || got[0].Action != "handoff.close" {
			t.Errorf("entries about id=1555: %+v %v", got, err)
		}
		return nil
	})
}

func TestTokensAgentsAndConsoleSessions(t *testing.T) {
	db := memDB(t)
	write(t, db, func(ctx context.Context, w Writer) error {
		for _, tok := range []AdminToken{{ID: "t1", Name: "ops", Role: "admin"}, {ID: "t2", Name: "crm", Role: "integration", Revoked: true}} {
			if err := PutAdminToken(ctx, w, tok); err != nil {
				return err
			}
		}
		if err := PutAgent(ctx, w, Agent{ID: "amira", Role: "agent", Hash: []byte("h")}); err != nil {
			return err
		}
		for id, agent := range map[string]string{"s1": "amira", "s2": "amira", "s3": "bob"} {
			if err := PutAgentSession(ctx, w, id, AgentSession{Agent: agent, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}, time.Hour); err != nil {
				return err
			}
		}
		return nil
	})
	read(t, db, func(ctx context.Context, r Reader) error {
		if tok, err := GetAdminToken(ctx, r, "t2"); err != nil || tok.Name != "crm" || !tok.Revoked {
			t.Errorf("token t2 = %+v, %v", tok, err)
		}
		if _, err := GetAdminToken(ctx, r, "t9"); !errors.Is(err, ErrNotFound) {
			t.Errorf("missing token: %v, want ErrNotFound", err)
		}
		n := 0
		if err := EachAdminToken(ctx, r, func(AdminToken) error { n++; return nil }); err != nil || n != 2 {
			t.Errorf("listed %d tokens, %v", n, err)
		}
		if ok, err := HasAgent(ctx, r, "amira"); !ok || err != nil {
			t.Errorf("HasAgent(amira) = %v %v", ok, err)
		}
		if ok, _ := HasAgent(ctx, r, "amir"); ok {
			t.Error("an id that is a prefix of another is not that account")
		}
		return nil
	})
	cases := []struct {
		name, agent, except string
		wantEnded           int
		wantLeft            []string
	}{
		{"all but the current one", "amira", "s1", 1, []string{"s1", "s3"}},
		{"every one", "amira", "", 1, []string{"s3"}},
		{"an account without sessions", "carla", "", 0, []string{"s3"}},
	}
	for _, tc := range cases {
		var ended int
		write(t, db, func(ctx context.Context, w Writer) error {
			var err error
			ended, err = DeleteAgentSessions(ctx, w, tc.agent, tc.except)
			return err
		})
		var left []string
		read(t, db, func(ctx context.Context, r Reader) error {
			return EachAgentSession(ctx, r, func(id string, _ AgentSession) error { left = append(left, id); return nil })
		})
		if ended != tc.wantEnded || !slices.Equal(left, tc.wantLeft) {
			t.Errorf("%s: ended %d, left %v; want %d, %v", tc.name, ended, left, tc.wantEnded, tc.wantLeft)
		}
	}
}

func TestContactsPutGetEachDelete(t *testing.T) {
	db := memDB(t)
	write(t, db, func(ctx context.Context, w Writer) error {
		for _, id := range []string{"1555", "15550001", "1666"} {
			if err := PutContact(ctx, w, Contact{WaID: id, Name: "n" + id}); err != nil {
				return err
			}
		}
		if err := PutContact(ctx, w, Contact{}); err == nil {
			t.Error("a contact without wa_id was stored")
		}
		return nil
	})
	cases := []struct {
		after string
		want  []string
	}{
		{"", []string{"1555", "15550001", "1666"}},
		{"1555", []string{"15550001", "1666"}}, // after, not from
		{"1666", nil},
	}
	for _, tc := range cases {
		var got []string
		read(t, db, func(ctx context.Context, r Reader) error {
			return EachContact(ctx, r, tc.after, func(c *Contact) error { got = append(got, c.WaID); return nil })
		})
		if !slices.Equal(got, tc.want) {
			t.Errorf("after %q: %v, want %v", tc.after, got, tc.want)
		}
	}
	write(t, db, func(ctx context.Context, w Writer) error {
		if ok, err := DeleteContact(ctx, w, "1555"); !ok || err != nil {
			t.Errorf("delete 1555 = %v %v", ok, err)
		}
		if ok, _ := DeleteContact(ctx, w, "1555"); ok {
			t.Error("deleted 1555 twice")
		}
		return nil
	})
	read(t, db, func(ctx context.Context, r Reader) error {
		if _, err := GetContact(ctx, r, "1555"); !errors.Is(err, ErrNotFound) {
			t.Errorf("deleted contact: %v", err)
		}
		if c, err := GetContact(ctx, r, "15550001"); err != nil || c.Name != "n15550001" {
			t.Errorf("neighbour of the deleted contact: %+v %v", c, err)
		}
		return nil
	})
}

func TestFAQVersionsLivePointerAndLearning(t *testing.T) {
	db := memDB(t)
	ctx := context.Background()
	type header struct {
		N      int `json:"version"`
		Chunks int `json:"chunks"`
	}
	for n := 1; n <= 2; n++ {
		chunks := [][]string{{fmt.Sprintf("v%d-a", n), "b"}, {"c"}}
		if err := PutFAQVersion(ctx, db, n, header{N: n, Chunks: len(chunks)}, chunks); err != nil {
			t.Fatal(err)
		}
	}
	if err := PutFAQVersion(ctx, db, 0, header{}, [][]string{}); err == nil {
		t.Error("version 0 was stored")
	}
	read(t, db, func(ctx context.Context, r Reader) error {
		if live, err := FAQLive(ctx, r); err != nil || live != 2 {
			t.Errorf("live = %d %v, want 2", live, err)
		}
		if last, err := LastFAQVersion(ctx, r); err != nil || last != 2 {
			t.Errorf("last = %d %v, want 2", last, err)
		}
		var seen []int
		if err := EachFAQVersion(ctx, r, func(n int, h header) error { seen = append(seen, n, h.Chunks); return nil }); err != nil {
			return err
		}
		if !slices.Equal(seen, []int{2, 2, 1, 2}) {
			t.Errorf("versions (n, chunks) newest first = %v", seen)
		}
		c, err := GetFAQChunk[[]string](ctx, r, 1, 0)
		if err != nil || !slices.Equal(c, []string{"v1-a", "b"}) {
			t.Errorf("chunk 0 of version 1 = %v %v", c, err)
		}
		if _, err := GetFAQVersion[header](ctx, r, 3); !errors.Is(err, ErrNotFound) {
			t.Errorf("missing version: %v", err)
		}
		return nil
	})

	write(t, db, func(ctx context.Context, w Writer) error {
		for _, helpful := range []bool{true, false, false} {
			if _, err := AddFAQFeedback(ctx, w, "faq-1", helpful, t0); err != nil {
				return err
			}
		}
		for i, q := range []UnansweredQuery{{Query: "old", At: t0.Add(-48 * time.Hour)}, {Query: "new", At: t0}, {Query: "same instant", At: t0}} {
			if err := AddUnanswered(ctx, w, q); err != nil {
				return fmt.Errorf("query %d: %w", i, err)
			}
		}
		if err := PutFAQCandidate(ctx, w, FAQCandidate{ID: "c1", Query: "stale", Last: t0.Add(-72 * time.Hour)}); err != nil {
			return err
		}
		return PutFAQCandidate(ctx, w, FAQCandidate{ID: "c2", Query: "fresh", Last: t0})
	})
	read(t, db, func(ctx context.Context, r Reader) error {
		var f []FAQFeedback
		if err := EachFAQFeedback(ctx, r, func(x FAQFeedback) error { f = append(f, x); return nil }); err != nil {
			return err
		}
		if len(f) != 1 || f[0].Helpful != 1 || f[0].NotHelpful != 2 || f[0].EntryID != "faq-1" {
			t.Errorf("feedback %+v", f)
		}
		return nil
	})
	n, err := ExpireFAQQueries(ctx, db, t0.Add(-24*time.Hour))
	if err != nil || n != 2 {
		t.Fatalf("expired %d, %v; want the old query and the stale candidate", n, err)
	}
	read(t, db, func(ctx context.Context, r Reader) error {
		var qs, cs []string
		if err := EachUnanswered(ctx, r, func(q UnansweredQuery) error { qs = append(qs, q.Query); return nil }); err != nil {
			return err
		}
		if err := EachFAQCandidate(ctx, r, func(c FAQCandidate) error { cs = append(cs, c.Query); return nil }); err != nil {
			return err
		}
		if len(qs) != 2 || !slices.Equal(cs, []string{"fresh"}) {
			t.Errorf("left queries %v and candidates %v", qs, cs)
		}
		return nil
	})
}

// handoff stands for handoffs.Handoff, which the store does not import.
type handoff struct {
	User   string `json:"user"`
	Status string `json:"status"`
	Query  string `json:"query,omitempty"`
}

func TestErasingOnePersonLeavesOthersAlone(t *testing.T) {
	db := memDB(t)
	const user, other = "155", "1555" // one id a prefix of the other
	write(t, db, func(ctx context.Context, w Writer) error {
		for _, u := range []string{user, other} {
			for seq := uint64(1); seq <= 5; seq++ {
				e := Entry{Seq: seq, Dir: Out, MessageID: fmt.Sprintf("wamid.%s.%d", u, seq)}
				if err := putJSON(w, transcriptKey(u, seq), e, 0); err != nil {
					return err
				}
				if err := putJSON(w, sentKey(e.MessageID), SentRef{User: u, Seq: seq}, 0); err != nil {
					return err
				}
			}
			if err := putJSON(w, docKey(DocHandoff, u), handoff{User: u, Status: "active"}, 0); err != nil {
				return err
			}
			if err := putJSON(w, docKey(DocHandoffPast, u+"/1"), handoff{User: u, Status: "closed"}, 0); err != nil {
				return err
			}
			if err := putJSON(w, outboxKey(uint64(len(u))), OutboxItem{User: u}, 0); err != nil {
				return err
			}
			if err := putJSON(w, sessionKey(u), map[string]string{"state": "idle"}, 0); err != nil {
				return err
			}
		}
		return nil
	})
	steps := []struct {
		name string
		do   func(ctx context.Context, w Writer) (int, error)
		want int
	}{
		{"first transcript chunk", func(ctx context.Context, w Writer) (int, error) {
			m, _, err := DeleteTranscript(ctx, w, user, 3)
			return m, err
		}, 3},
		{"rest of the transcript", func(ctx context.Context, w Writer) (int, error) {
			m, _, err := DeleteTranscript(ctx, w, user, 0)
			return m, err
		}, 2},
		{"nothing left", func(ctx context.Context, w Writer) (int, error) {
			m, _, err := DeleteTranscript(ctx, w, user, 0)
			return m, err
		}, 0},
		{"handoffs", func(ctx context.Context, w Writer) (int, error) { return DeleteHandoffsOf(ctx, w, user) }, 2},
		{"queued replies", func(ctx context.Context, w Writer) (int, error) { return DeleteOutboxOf(ctx, w, user) }, 1},
		{"session", func(ctx context.Context, w Writer) (int, error) {
			ok, err := DeleteSession(ctx, w, user)
			if ok {
				return 1, err
			}
			return 0, err
		}, 1},
	}
	for _, st := range steps {
		var got int
		write(t, db, func(ctx context.Context, w Writer) error {
			var err error
			got, err = st.do(ctx, w)
			return err
		})
		if got != st.want {
			t.Errorf("%s: deleted %d, want %d", st.name, got, st.want)
		}
	}
	read(t, db, func(ctx context.Context, r Reader) error {
		var mine, theirs, hs, outbox int
		if err := EachTranscriptEntry(ctx, r, user, func(Entry) error { mine++; return nil }); err != nil {
			return err
		}
		if err := EachTranscriptEntry(ctx, r, other, func(Entry) error { theirs++; return nil }); err != nil {
			return err
		}
		if err := EachHandoffOf(ctx, r, other, func(handoff) error { hs++; return nil }); err != nil {
			return err
		}
		if err := EachOutboxItem(ctx, r, func(OutboxItem) error { outbox++; return nil }); err != nil {
			return err
		}
		if mine != 0 || theirs != 5 || hs != 2 || outbox != 1 {
			t.Errorf("left: %d of the erased transcript, %d of the other, %d other handoffs, %d queued", mine, theirs, hs, outbox)
		}
		if ok, _ := r.Has(sentKey("wamid.155.1")); ok {
			t.Error("a delivery reference of the erased transcript is left")
		}
		if ok, _ := r.Has(sentKey("wamid.1555.1")); !ok {
			t.Error("the other person's delivery reference went too")
		}
		if _, err := GetSession[map[string]string](ctx, r, other); err != nil {
			t.Errorf("the other person's session: %v", err)
		}
		return nil
	})
	write(t, db, func(ctx context.Context, w Writer) error {
		if err := AddErasureTotals(ctx, w, ErasureTotals{Contacts: 1, Messages: 5, Handoffs: 2}); err != nil {
			return err
		}
		return AddErasureTotals(ctx, w, ErasureTotals{Messages: 1})
	})
	read(t, db, func(ctx context.Context, r Reader) error {
		if tot, err := GetErasureTotals(ctx, r); err != nil || tot != (ErasureTotals{Contacts: 1, Messages: 6, Handoffs: 2}) {
			t.Errorf("totals %+v %v", tot, err)
		}
		return nil
	})
}

func TestRewriteChangesOnlyWhatItSaysAndCountsCommittedChanges(t *testing.T) {
	db := memDB(t)
	write(t, db, func(ctx context.Context, w Writer) error {
		for i, status := range []string{"closed", "active", "closed"} {
			u := fmt.Sprint(1550 + i)
			if err := putJSON(w, docKey(DocHandoff, u), handoff{User: u, Status: status, Query: "words"}, 0); err != nil {
				return err
			}
		}
		return w.Set(docKey(DocHandoff, "1559"), []byte("not json"), 0) // left alone
	})
	counted := 0
	err := Rewrite(context.Background(), db, Handoffs, func(h *handoff, final bool) bool {
		if h.Status != "closed" || h.Query == "" {
			return false
		}
		h.Query = ""
		if final {
			counted++
		}
		return true
	})
	if err != nil || counted != 2 {
		t.Fatalf("rewrote %d, %v; want the 2 closed handoffs", counted, err)
	}
	var queries []string
	read(t, db, func(ctx context.Context, r Reader) error {
		for _, u := range []string{"1550", "1551", "1552"} {
			h, err := GetHandoff[handoff](ctx, r, u)
			if err != nil {
				return err
			}
			queries = append(queries, h.Query)
		}
		return nil
	})
	if !slices.Equal(queries, []string{"", "words", ""}) {
		t.Errorf("queries after the rewrite: %q", queries)
	}
	if err := Rewrite(context.Background(), db, Family(99), func(*handoff, bool) bool { return false }); err == nil {
		t.Error("an unknown family was rewritten")
	}
}

func TestOperationsStopOnACancelledContext(t *testing.T) {
	db := memDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := db.Write(ctx, UserScope("u1"), func(Writer) error { t.Error("ran after cancel"); return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Write: %v", err)
	}
	err := db.view(func(tx *Txn) error {
		_, err := GetAgent(ctx, tx, "amira")
		return err
	})

	if !errors.Is(err, context.Canceled) {
		t.Errorf("GetAgent: %v", err)
	}
}

// TestSetAsideRecordsReadBackInOrder: dead letters and rejected webhook
// bodies, also those written the way the engine writes them today (its
// calls move to these operations next and must find what is stored).
func TestSetAsideRecordsReadBackInOrder(t *testing.T) {
	db := memDB(t)
	type event struct {
		Kind string `json:"kind"`
	}
	write(t, db, func(ctx context.Context, w Writer) error {
		if err := PutDeadLetter(ctx, w, 7, event{Kind: "message"}); err != nil {
			return err
		}
		if err := w.Set(docKey(DocDeadLetter, "8"), []byte(`{"kind":"status"}`), 0); err != nil { // as bot/inbox.go writes it
			return err
		}
		if err := PutRejectedBody(ctx, w, RejectedBody{At: t0.Add(time.Second), Reason: "too big", Body: "{}"}); err != nil {
			return err
		}
		raw := `{"at":"2026-03-01T12:00:00Z","reason":"unstorable","body":"[]"}` // as bot/ingest.go writes it
		if err := w.Set(docKey(DocRejected, fmt.Sprintf("%020d", t0.UnixNano())), []byte(raw), 0); err != nil {
			return err
		}
		if err := PutRejectedBody(ctx, w, RejectedBody{Reason: "no time"}); err == nil {
			t.Error("a rejected body without its time was kept")
		}
		return nil
	})
	var kinds, reasons []string
	read(t, db, func(ctx context.Context, r Reader) error {
		if err := EachDeadLetter(ctx, r, func(e event) error { kinds = append(kinds, e.Kind); return nil }); err != nil {
			return err
		}
		return EachRejectedBody(ctx, r, func(b RejectedBody) error { reasons = append(reasons, b.Reason); return nil })
	})
	if !slices.Equal(kinds, []string{"message", "status"}) || !slices.Equal(reasons, []string{"unstorable", "too big"}) {
		t.Errorf("dead letters %v, rejected bodies %v (oldest first)", kinds, reasons)
	}
}
