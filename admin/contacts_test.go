package admin

import (
	"context"
	"strings"
	"sync"
	"testing"

	"lifeline/admin/audit"
	"lifeline/bot/contacts"
	"lifeline/store"
	"lifeline/store/storetest"
)

// A Windows-1252 file is never stored with replacement characters: without
// a charset it is refused with the line named, with one it is converted.
func TestContactImportCharsets(t *testing.T) {
	s, admin, _ := newBroadcastServer(t)
	cp1252 := "phone,name,tags\n+966501234567,Jos\xe9 Mu\xf1oz,employees\n"
	code, body := call(t, s, "POST", "/admin/contacts/import", admin, "text/csv", cp1252)
	if code != 400 || !strings.Contains(body, "line 2 is not UTF-8") || !strings.Contains(body, `"row":2`) {
		t.Fatalf("undeclared Windows-1252: %d %s", code, body)
	}
	if code, body := call(t, s, "GET", "/admin/contacts/966501234567", admin, "", ""); code != 404 {
		t.Fatalf("a refused file stored a contact: %d %s", code, body)
	}
	for _, tc := range []struct{ label, contentType, body string }{
		{"declared windows-1252", "text/csv; charset=windows-1252", cp1252},
		{"utf-8 with a byte order mark", "text/csv", "\xef\xbb\xbfphone,name,tags\n+966501234567,José Muñoz,employees\n"},
	} {
		t.Run(tc.label, func(t *testing.T) {
			if code, body := call(t, s, "POST", "/admin/contacts/import", admin, tc.contentType, tc.body); code != 200 {
				t.Fatalf("import: %d %s", code, body)
			}
			code, body := call(t, s, "GET", "/admin/contacts/966501234567", admin, "", "")
			if code != 200 || !strings.Contains(body, `"name":"José Muñoz"`) {
				t.Fatalf("stored: %d %s", code, body)
			}
		})
	}
}

// One import at a time: while one runs, a second is answered 409; an
// import is audited once, by the transaction that commits it.
func TestContactImportOneAtATimeAndAudited(t *testing.T) {
	s, admin, _ := newBroadcastServer(t)
	staged, release := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var once sync.Once
		_, err := contacts.NewImporter(s.db).Import(strings.NewReader("phone,tags\n+966501111111,first\n"), contacts.ImportOptions{
			Progress: func(string, int) error { once.Do(func() { close(staged); <-release }); return nil }})
		if err != nil {
			t.Errorf("first import: %v", err)
		}
	}()
	<-staged
	code, body := call(t, s, "POST", "/admin/contacts/import", admin, "text/csv", "phone,tags\n+966502222222,second\n")
	close(release)
	wg.Wait()
	if code != 409 || !strings.Contains(body, "another contact import is running") {
		t.Fatalf("a second import while one runs: %d %s", code, body)
	}
	if code, body := call(t, s, "POST", "/admin/contacts/import", admin, "text/csv", "phone,tags\n+966502222222,second\n+966503333333,second\n"); code != 200 {
		t.Fatalf("import after the first: %d %s", code, body)
	}
	entries, _, err := s.audit.List(context.Background(), audit.Filter{Action: "contact.import"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var ok, refused int
	for _, e := range entries {
		switch {
		case e.Status == 200 && strings.HasPrefix(e.Target, "import=ci") && e.Detail == "rows=2":
			ok++
		case e.Status == 409:
			refused++
		}
	}
	if ok != 1 || refused != 1 || len(entries) != 2 {
		t.Fatalf("audit entries %+v: want the import once and the refused one", entries)
	}
	var tagged int
	storetest.Read(t, s.db, func(ctx context.Context, r store.Reader) error {
		return store.EachContact(ctx, r, "", func(c *store.Contact) error {
			if len(c.Tags) > 0 && c.Tags[0] == "second" {
				tagged++
			}
			return nil
		})
	})
	if tagged != 2 {
		t.Fatalf("%d contacts of the second file, want 2", tagged)
	}
}

// An admin clears the unreachable mark a 131026 left; the clear is audited
// once per request, with the number masked; other roles may not; an unknown number is 404.
func TestContactReachableClearedByAdmin(t *testing.T) {
	s, admin, integration := newBroadcastServer(t)
	const who = "966501234567"
	storetest.Write(t, s.db, func(ctx context.Context, w store.Writer) error {
		if err := store.PutContact(ctx, w, store.Contact{WaID: who, OptedIn: true}); err != nil {
			return err
		}
		_, err := store.MarkUnreachable(w, who, store.CodeUndeliverable, s.now())
		return err
	})
	contact := func() store.Contact {
		var ct store.Contact
		storetest.Read(t, s.db, func(ctx context.Context, r store.Reader) error {
			var err error
			ct, err = store.GetContact(ctx, r, who)
			return err
		})
		return ct
	}
	if !contact().Unreachable {
		t.Fatal("setup: contact not marked unreachable")
	}
	if code, _ := call(t, s, "POST", "/admin/contacts/"+who+"/reachable", integration, "", ""); code != 403 {
		t.Fatalf("integration token: %d, want 403", code)
	}
	if !contact().Unreachable {
		t.Fatal("a refused request cleared the mark")
	}
	steps := []struct {
		label, path string
		wantCode    int
		wantBody    string
	}{
		{"clear a marked contact", "/admin/contacts/+" + who + "/reachable", 200, `"cleared":true`},
		{"clear again changes nothing", "/admin/contacts/" + who + "/reachable", 200, `"cleared":false`},
		{"unknown contact", "/admin/contacts/15550009999/reachable", 404, ""},
	}
	for _, st := range steps {
		code, body := call(t, s, "POST", st.path, admin, "", "")
		if code != st.wantCode || !strings.Contains(body, st.wantBody) {
			t.Fatalf("%s: %d %s, want %d with %s", st.label, code, body, st.wantCode, st.wantBody)
		}
	}
	if ct := contact(); ct.Unreachable || ct.UnreachableCode != 0 || ct.ReachableAt.IsZero() {
		t.Fatalf("after the clear: %+v", ct)
	}
	entries, _, err := s.audit.List(context.Background(), audit.Filter{Action: "contact.reachable"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Newest first: the refused unknown number, then the two clears.
	if len(entries) != 3 || entries[0].Status != 404 || entries[1].Detail != "cleared=false" || entries[2].Detail != "cleared=true" {
		t.Fatalf("audit entries %+v: want the 404, then cleared=false, then cleared=true, one each", entries)
	}
	for _, e := range entries {
		if strings.Contains(e.Target, who) || e.Role != RoleAdmin {
			t.Errorf("audit entry %+v: want the admin and the number masked", e)
		}
	}
}

// The contacts page filters on the server, so that paging counts only
// the contacts that match.
func TestContactListFilters(t *testing.T) {
	s, admin, _ := newBroadcastServer(t)
	csv := "phone,name,language,region,tags,opted_in\n" +
		"+966501000001,Sara,ar,Dammam,staff,yes\n" +
		"+966501000002,Omar,ar,Khobar,staff,no\n" +
		"+966501000003,John,en,Dammam,visitors,yes\n"
	if code, body := call(t, s, "POST", "/admin/contacts/import", admin, "text/csv", csv); code != 200 {
		t.Fatalf("import: %d %s", code, body)
	}
	for _, tc := range []struct{ label, query, want string }{
		{"everyone", "", "966501000001,966501000002,966501000003"},
		{"part of the name", "q=sar", "966501000001"},
		{"part of the number, with a plus", "q=%2B9665010000", "966501000001,966501000002,966501000003"},
		{"language", "lang=AR", "966501000001,966501000002"},
		{"region", "region=dammam", "966501000001,966501000003"},
		{"opted in", "opted_in=yes", "966501000001,966501000003"},
		{"not opted in", "opted_in=no", "966501000002"},
		{"tag and language", "tag=staff&lang=ar&opted_in=yes", "966501000001"},
		{"a page of one, then the next", "limit=1&after=966501000001", "966501000002"},
	} {
		t.Run(tc.label, func(t *testing.T) {
			code, body := call(t, s, "GET", "/admin/contacts?"+tc.query, admin, "", "")
			if code != 200 {
				t.Fatalf("list: %d %s", code, body)
			}
			var got []string
			for _, part := range strings.Split(body, `"wa_id":"`)[1:] {
				got = append(got, part[:strings.Index(part, `"`)])
			}
			if strings.Join(got, ",") != tc.want {
				t.Errorf("got %v, want %s", got, tc.want)
			}
		})
	}
	if code, body := call(t, s, "GET", "/admin/contacts?opted_in=maybe", admin, "", ""); code != 400 || !strings.Contains(body, "want yes or no") {
		t.Errorf("a bad opted_in: %d %s", code, body)
	}
}
