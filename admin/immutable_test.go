package admin

import (
	"fmt"
	"strings"
	"testing"
)

// TestServerKeepsNoRequestBuffer goes through the whole server: an FAQ
// entry updated by id, then many requests with other bytes in the path,
// query and body. The id held in memory must still be the one given: the
// server's fiber app is Immutable, so no handler can keep a reused buffer.
func TestServerKeepsNoRequestBuffer(t *testing.T) {
	s := newTestServer(t, true)
	if code, out := s.do(t, "POST", "/admin/kb/entries", s.token, map[string]any{"id": "zz-generator", "question": "Generator?", "answer": "Yes."}); code != 201 {
		t.Fatalf("create = %d %v", code, out)
	}
	if code, out := s.do(t, "PUT", "/admin/kb/entries/zz-generator", s.token, map[string]any{"question": "Generator?", "answer": "Changed."}); code != 200 {
		t.Fatalf("update = %d %v", code, out)
	}
	for i := 0; i < 200; i++ {
		s.do(t, "GET", fmt.Sprintf("/admin/kb/entries/bc%06d?x=%d", i, i), s.token, nil)
		s.do(t, "GET", fmt.Sprintf("/admin/kb/search?q=bc%06dator", i), s.token, nil)
	}
	found := false
	for _, e := range s.kb.Entries() {
		found = found || e.ID == "zz-generator"
		if strings.HasPrefix(e.ID, "bc") || strings.ContainsAny(e.ID, "/?=") {
			t.Errorf("entry id %q in memory is the bytes of a later request", e.ID)
		}
	}
	if !found {
		t.Fatal("entry zz-generator is no longer in memory under its id")
	}
	if code, out := s.do(t, "DELETE", "/admin/kb/entries/zz-generator", s.token, nil); code != 200 {
		t.Errorf("delete = %d %v", code, out)
	}
}
