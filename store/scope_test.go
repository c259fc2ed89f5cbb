package store

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

// ownershipCases is the ownership table as a specification: one key of
// every record kind and document kind, and the one scope that owns it.
// A nil scope with anyOf means the key does not name its owner and is
// written in the scope of whoever it belongs to.
var ownershipCases = []struct {
	label string
	key   Key
	owner Scope
	anyOf []Scope
	none  bool
}{
	{"session", sessionKey("966500000001"), UserScope("966500000001"), nil, false},
	{"contact", contactKey("966500000001"), UserScope("966500000001"), nil, false},
	{"transcript entry", transcriptKey("966500000001", 7), UserScope("966500000001"), nil, false},
	{"inbox event", inboxKey(3), Scope{}, []Scope{{kind: ScopeUser}}, false},
	{"dedupe marker", seenKey("wamid.X"), Scope{}, []Scope{{kind: ScopeUser}}, false},
	{"outbox item", outboxKey(4), Scope{}, []Scope{{kind: ScopeUser}}, false},
	{"sent marker", sentKey("wamid.Y"), Scope{}, []Scope{{kind: ScopeUser}}, false},
	{"sequence", seqKey("inbox"), Scope{}, nil, true},
	{"broadcast recipient", broadcastRecipientKey("b1", 9), BroadcastScope("b1"), nil, false},
	{"broadcast engagement", broadcastEngagementKey("b1", 9), Scope{}, []Scope{{kind: ScopeUser}}, false},
	{"broadcast counter shard of the older layout", broadcastCounterKey("b1", 2), BroadcastScope("b1"), nil, false},
	{"broadcast count delta of a recipient", broadcastCountDeltaKey("b1", 1, 9), Scope{}, []Scope{{kind: ScopeUser}}, false},
	{"broadcast count base", broadcastCountBaseKey("b1"), BroadcastScope("b1"), nil, false},
	{"broadcast progress", broadcastProgressKey("b1"), BroadcastScope("b1"), nil, false},
	{"open check-in of a contact", broadcastMemberKey("966500000001", "b1"), UserScope("966500000001"), nil, false},
	{"broadcast sent to a contact", broadcastFrequencyKey("966500000001", 5), UserScope("966500000001"), nil, false},
	{"integration event", broadcastWebhookKey(6), Scope{}, []Scope{{kind: ScopeUser}, {kind: ScopeBroadcast}}, false},
	{"create idempotency key", broadcastIdemKey("req-1"), Scope{}, []Scope{{kind: ScopeBroadcast}}, false},
	{"unknown prefix", Key("zzz"), Scope{}, nil, true},

	{"doc " + string(DocFAQVersion), faqChunkKey(3, 1), FAQScope(), nil, false},
	{"doc " + string(DocFAQCurrent), faqLiveKey(), FAQScope(), nil, false},
	{"doc " + string(DocFAQFeedback), faqFeedbackKey("e1"), DocScope(DocFAQFeedback, "e1"), nil, false},
	{"doc " + string(DocFAQCandidate), docKey(DocFAQCandidate, "c1"), DocScope(DocFAQCandidate, "c1"), nil, false},
	{"doc " + string(DocUnanswered), docKey(DocUnanswered, "q1"), UnansweredScope(), nil, false},
	{"doc " + string(DocFAQOverlay), docKey(DocFAQOverlay, "inc1/e1"), DocScope(DocFAQOverlay, "inc1"), nil, false},
	{"doc " + string(DocTemplate), docKey(DocTemplate, "welcome/ar"), DocScope(DocTemplate, ""), nil, false},
	{"doc " + string(DocTemplateSync), docKey(DocTemplateSync, "last"), DocScope(DocTemplate, ""), nil, false},
	{"doc " + string(DocAdminToken), docKey(DocAdminToken, "t1"), DocScope(DocAdminToken, "t1"), nil, false},
	{"doc " + string(DocHandoff), docKey(DocHandoff, "966500000001"), UserScope("966500000001"), nil, false},
	{"doc " + string(DocHandoffPast), docKey(DocHandoffPast, "966500000001/17"), UserScope("966500000001"), nil, false},
	{"doc " + string(DocAgent), docKey(DocAgent, "a1"), DocScope(DocAgent, "a1"), nil, false},
	{"doc " + string(DocAgentSession), docKey(DocAgentSession, "s1"), Scope{}, []Scope{{kind: ScopeDoc, doc: DocAgent}}, false},
	{"doc " + string(DocAudit), auditKey(12), AuditScope(), nil, false},
	{"doc " + string(DocErasure), docKey(DocErasure, "totals"), DocScope(DocErasure, ""), nil, false},
	{"doc " + string(DocErasure) + " applied", erasureAppliedKey("e7"), DocScope(DocErasure, ""), nil, false},
	{"doc " + string(DocErasing), erasingKey("966500000001"), UserScope("966500000001"), nil, false},
	{"doc " + string(DocDeadLetter), docKey(DocDeadLetter, "12"), Scope{}, []Scope{{kind: ScopeUser}}, false},
	{"doc " + string(DocRejected), docKey(DocRejected, "0001"), RejectedScope(), nil, false},
	{"doc " + string(DocBroadcast), docKey(DocBroadcast, "b1"), BroadcastScope("b1"), nil, false},
	{"doc " + string(DocIncident), docKey(DocIncident, "i1"), DocScope(DocIncident, "i1"), nil, false},
	{"doc " + string(DocPlace), docKey(DocPlace, "p1"), DocScope(DocPlace, "p1"), nil, false},
	{"doc " + string(DocCorrection), docKey(DocCorrection, "k1"), DocScope(DocCorrection, "k1"), nil, false},
	{"doc " + string(DocMedia), docKey(DocMedia, "966500000001/m1"), UserScope("966500000001"), nil, false},
	{"doc " + string(DocMediaUpload), docKey(DocMediaUpload, "ph1/abc"), DocScope(DocMediaUpload, "ph1/abc"), nil, false},
	{"doc " + string(DocCannedReply), docKey(DocCannedReply, "r1"), DocScope(DocCannedReply, "r1"), nil, false},
	{"doc " + string(DocDeployment), docKey(DocDeployment, ""), DocScope(DocDeployment, ""), nil, false},
	{"doc " + string(DocMigration), docKey(DocMigration, ""), DocScope(DocMigration, ""), nil, false},
	{"doc " + string(DocDailyLimit), dailyLimitKey(), DailyLimitScope(), nil, false},
	{"doc " + string(DocSMSContact), docKey(DocSMSContact, "966500000001"), UserScope("966500000001"), nil, false},
	{"doc " + string(DocSMSMessage), docKey(DocSMSMessage, "SM1"), Scope{}, []Scope{{kind: ScopeUser}, {kind: ScopeBroadcast}}, false},
	{"doc " + string(DocSMSRecipient), smsRecipientKey("b1", 4), BroadcastScope("b1"), nil, false},
	{"doc " + string(DocConsent), docKey(DocConsent, "966500000001"), UserScope("966500000001"), nil, false},
	{"doc " + string(DocContactImport), docKey(DocContactImport, "current"), DocScope(DocContactImport, ""), nil, false},
	{"doc " + string(DocContactStage), docKey(DocContactStage, "imp1/3"), DocScope(DocContactImport, ""), nil, false},
	{"doc " + string(DocAuditEvent) + " of a person", auditEventKey(UserScope("966500000001"), 5), UserScope("966500000001"), nil, false},
	{"doc " + string(DocAuditEvent) + " of a broadcast", auditEventKey(BroadcastScope("b1"), 5), BroadcastScope("b1"), nil, false},
	{"doc " + string(DocAuditEvent) + " of a place", auditEventKey(DocScope(DocPlace, "pl000001"), 5), DocScope(DocPlace, "pl000001"), nil, false},
	{"doc " + string(DocAuditEvent) + " of a document id with slashes", auditEventKey(UploadedMediaScope("ph1", "abc"), 5), UploadedMediaScope("ph1", "abc"), nil, false},
	{"doc " + string(DocAuditEvent) + " of a document family", auditEventKey(ContactImportScope(), 5), ContactImportScope(), nil, false},
	{"doc " + string(DocAuditEvent) + " with a malformed id", docKey(DocAuditEvent, "x/1"), Scope{}, nil, true},
	{"doc of an unknown kind", docKey("nope", "x"), Scope{}, nil, true},
}

func TestEveryKeyKindHasOneOwner(t *testing.T) {
	for _, tc := range ownershipCases {
		t.Run(tc.label, func(t *testing.T) {
			o, ok := ownerOf(tc.key)
			if tc.none {
				if ok {
					t.Fatalf("owner %+v, want none", o)
				}
				return
			}
			if !ok {
				t.Fatal("no owner")
			}
			if (o.anyOf == nil) == (tc.anyOf == nil) && o.scope == tc.owner && equalKinds(o.anyOf, tc.anyOf) {
				return
			}
			t.Fatalf("owner %+v, want scope %s any of %v", o, tc.owner, tc.anyOf)
		})
	}
}

func equalKinds(a, b []Scope) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestOwnershipTableCoversEveryKind fails when a record or document kind
// is declared in keys.go without a case above: a new kind must be given
// its owner before it is written.
func TestOwnershipTableCoversEveryKind(t *testing.T) {
	covered := map[string]bool{}
	for _, tc := range ownershipCases {
		kind, doc, _ := parseKey(tc.key)
		covered[string(kind)] = true
		if kind == KindDoc {
			covered["doc "+string(doc)] = true
		}
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "keys.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	declared := 0
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || vs.Type == nil || len(vs.Values) != 1 {
			return true
		}
		typ, ok := vs.Type.(*ast.Ident)
		lit, isLit := vs.Values[0].(*ast.BasicLit)
		if !ok || !isLit || (typ.Name != "DocKind" && typ.Name != "RecordKind") {
			return true
		}
		declared++
		v := strings.Trim(lit.Value, `"`)
		name := v
		if typ.Name == "DocKind" {
			name = "doc " + v
		}
		if v == string(KindUnknown) {
			return true
		}
		if !covered[name] {
			t.Errorf("%s (%s) has no case in the ownership table", vs.Names[0].Name, name)
		}
		return true
	})
	if declared < 40 {
		t.Fatalf("found %d kinds in keys.go; the test no longer reads it", declared)
	}
}

func TestScopedWriteRefusesKeysOfAnotherOwner(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		label   string
		scope   Scope
		write   func(w Writer) error
		wantErr string // "" when allowed
	}{
		{"a user's own contact", UserScope("966500000001"),
			func(w Writer) error { return PutContact(ctx, w, Contact{WaID: "966500000001"}) }, ""},
		{"a user's own outbox item", UserScope("966500000001"),
			func(w Writer) error { return w.Set(outboxKey(1), []byte("{}"), 0) }, ""},
		{"another user's contact", UserScope("966500000001"),
			func(w Writer) error { return PutContact(ctx, w, Contact{WaID: "966500000002"}) },
			"set contact 9665******02 in the scope of user 9665******01: it belongs to user 9665******02"},
		{"a broadcast's dispatch record from a user's turn", UserScope("966500000001"),
			func(w Writer) error { return w.Set(broadcastRecipientKey("b1", 3), []byte("{}"), 0) },
			"set broadcast-recipient b1/3 in the scope of user 9665******01: it belongs to broadcast b1"},
		{"the audit log beside an agent", DocScope(DocAgent, "a1"),
			func(w Writer) error { return w.Set(auditKey(1), []byte("{}"), 0) },
			"set doc audit \"\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x01\" in the scope of document agent/a1: it belongs to documents audit"},
		{"a place's audit event", DocScope(DocPlace, "pl000001"),
			func(w Writer) error {
				_, err := AppendAuditEvent(ctx, w, DocScope(DocPlace, "pl000001"), testAuditEntry("place.update"))
				return err
			}, ""},
		{"an audit event of another place", DocScope(DocPlace, "pl000001"),
			func(w Writer) error {
				_, err := AppendAuditEvent(ctx, w, DocScope(DocPlace, "pl000002"), testAuditEntry("place.update"))
				return err
			},
			"in the scope of document place/pl000001: it belongs to document place/pl000002"},
		{"an audit event of a person from a broadcast", BroadcastScope("b1"),
			func(w Writer) error {
				_, err := AppendAuditEvent(ctx, w, UserScope("966500000001"), testAuditEntry("contact.consent"))
				return err
			},
			"in the scope of broadcast b1: it belongs to user 9665******01"},
		{"an audit entry straight into the log from a person's change", UserScope("966500000001"),
			func(w Writer) error {
				_, err := AppendAudit(ctx, w, testAuditEntry("contact.consent"))
				return err
			},
			"in the scope of user 9665******01: it belongs to documents audit"},
		{"a delete of another broadcast", BroadcastScope("b1"),
			func(w Writer) error { return w.Delete(broadcastProgressKey("b2")) },
			"delete broadcast-progress b2 in the scope of broadcast b1: it belongs to broadcast b2"},
		{"an outbox item from a broadcast", BroadcastScope("b1"),
			func(w Writer) error { return w.Set(outboxKey(1), []byte("{}"), 0) },
			"set outbox 1 in the scope of broadcast b1: it belongs to the writing user"},
		{"a user's own outbox item through its operation", UserScope("966500000001"),
			func(w Writer) error { return PutOutboxItem(ctx, w, &OutboxItem{Seq: 1, User: "966500000001"}) }, ""},
		{"another user's outbox item: the item names its user", UserScope("966500000001"),
			func(w Writer) error { return PutOutboxItem(ctx, w, &OutboxItem{Seq: 1, User: "966500000002"}) },
			"set outbox 1 in the scope of user 9665******01: it belongs to user 9665******02"},
		{"a sent marker of another user's message", UserScope("966500000001"),
			func(w Writer) error { return PutSentRef(ctx, w, "wamid.Z", SentRef{User: "966500000002", Seq: 3}) },
			"set sent wamid.Z in the scope of user 9665******01: it belongs to user 9665******02"},
		{"an idempotency key claimed for another broadcast", BroadcastScope("b1"),
			func(w Writer) error { _, err := ClaimBroadcastIdem(ctx, w, "req-1", "b2", 0); return err },
			"in the scope of broadcast b1: it belongs to broadcast b2"},
		{"a console session of another agent", DocScope(DocAgent, "a1"),
			func(w Writer) error { return PutAgentSession(ctx, w, "s1", AgentSession{Agent: "a2"}, 0) },
			"in the scope of document agent/a1: it belongs to document agent/a2"},
		{"a console session of its own agent", DocScope(DocAgent, "a1"),
			func(w Writer) error { return PutAgentSession(ctx, w, "s1", AgentSession{Agent: "a1"}, 0) }, ""},
		{"a sequence", UserScope("966500000001"),
			func(w Writer) error { return w.Set(seqKey("inbox"), []byte("{}"), 0) },
			"set sequence inbox in the scope of user 9665******01: it belongs to no scope"},
	}
	for _, tc := range cases {
		t.Run(tc.label, func(t *testing.T) {
			db := memDB(t)
			err := db.Write(ctx, tc.scope, func(w Writer) error {
				// A write the scope owns first: a refused one must leave
				// nothing of the transaction behind.
				if err := PutContact(ctx, w, Contact{WaID: "966500000009"}); tc.scope == UserScope("966500000009") && err != nil {
					return err
				}
				return tc.write(w)
			})
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrOutOfScope) {
				t.Fatalf("err %v, want ErrOutOfScope", err)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err %q\nwant it to say %q", err, tc.wantErr)
			}
		})
	}
}

func TestRefusedScopedWriteCommitsNothing(t *testing.T) {
	ctx := context.Background()
	db := memDB(t)
	err := db.Write(ctx, UserScope("966500000001"), func(w Writer) error {
		if err := PutContact(ctx, w, Contact{WaID: "966500000001"}); err != nil {
			return err
		}
		return PutContact(ctx, w, Contact{WaID: "966500000002"})
	})
	if !errors.Is(err, ErrOutOfScope) {
		t.Fatalf("err %v, want ErrOutOfScope", err)
	}
	read(t, db, func(ctx context.Context, r Reader) error {
		if _, err := GetContact(ctx, r, "966500000001"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("the in-scope contact of a refused transaction: %v, want not found", err)
		}
		return nil
	})
}

func TestWriteRefusesAnEmptyScope(t *testing.T) {
	db := memDB(t)
	for _, s := range []Scope{{}, UserScope(""), BroadcastScope(""), DocScope("", "x")} {
		if err := db.Write(context.Background(), s, func(Writer) error { return nil }); err == nil {
			t.Errorf("scope %+v accepted", s)
		}
	}
}
