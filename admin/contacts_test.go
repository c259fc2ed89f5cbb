package admin

import (
	"strings"
	"sync"
	"testing"

	"lifeline/admin/audit"
	"lifeline/bot/contacts"
	"lifeline/store"
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
	entries, _, err := s.audit.List(audit.Filter{Action: "contact.import"}, 0)
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
	if err := s.db.View(func(tx *store.Txn) error {
		return contacts.Each(tx, "", func(c *store.Contact) error {
			if len(c.Tags) > 0 && c.Tags[0] == "second" {
				tagged++
			}
			return nil
		})
	}); err != nil || tagged != 2 {
		t.Fatalf("%d contacts of the second file, %v", tagged, err)
	}
}
