package contacts

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/store"
	"lifeline/store/storetest"
)

func openDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func get(t *testing.T, db *store.DB, id string) store.Contact {
	t.Helper()
	var c store.Contact
	if err := db.Read(context.Background(), func(r store.Reader) error { var err error; c, err = Get(r, id); return err }); err != nil {
		t.Fatalf("contact %s: %v", id, err)
	}
	return c
}

var now = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

func TestImportAndReimport(t *testing.T) {
	db := openDB(t)
	csv := "phone,name,language,tags,region,opted_in,employee_id\n" +
		"+966 50 123 4567,Ahmed,ar,Employees|Site-A,Riyadh,yes,E1\n" +
		"447700900123,Jane,en-GB,employees,London,no,\n"
	res, err := Import(db, strings.NewReader(csv), "test", now)
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 2 || res.Updated != 0 {
		t.Fatalf("result %+v", res)
	}
	c := get(t, db, "966501234567")
	if c.Name != "Ahmed" || c.Language != "ar" || strings.Join(c.Tags, ",") != "employees,site-a" || !c.OptedIn || c.OptInSource != "test" || c.Fields["employee_id"] != "E1" {
		t.Fatalf("contact %+v", c)
	}
	if get(t, db, "447700900123").Language != "en_gb" {
		t.Fatal("language not normalised")
	}
	// An opt-out from WhatsApp survives a re-import, which updates the rest.
	c.OptedOut = true
	if err := db.WriteAny(context.Background(), func(w store.Writer) error { return store.PutContact(context.Background(), w, c) }); err != nil {
		t.Fatal(err)
	}
	res, err = Import(db, strings.NewReader("phone,name,opted_in\n966501234567,Ahmed Ali,yes\n"), "test", now)
	if err != nil || res.Updated != 1 {
		t.Fatalf("reimport %+v %v", res, err)
	}
	c = get(t, db, "966501234567")
	if c.Name != "Ahmed Ali" || !c.OptedOut || c.Language != "ar" {
		t.Fatalf("after reimport %+v", c)
	}
}

func TestImportRejectsBadRowsByNumber(t *testing.T) {
	db := openDB(t)
	csv := "phone,name,language,opted_in\n" +
		"966501234567,Ok,ar,yes\n" +
		"12ab,Bad phone,en,yes\n" +
		"966501234568,Bad language,english!,no\n" +
		"966501234567,Duplicate,ar,yes\n" +
		"966501234569,Bad flag,en,maybe\n"
	_, err := Import(db, strings.NewReader(csv), "test", now)
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("error %v, want *ImportError", err)
	}
	want := map[int]string{3: "phone", 4: "language", 5: "phone", 6: "opted_in"}
	if len(ie.Rows) != len(want) {
		t.Fatalf("rows %+v", ie.Rows)
	}
	for _, r := range ie.Rows {
		if want[r.Row] != r.Column {
			t.Errorf("row %d column %s (%s), want column %q", r.Row, r.Column, r.Message, want[r.Row])
		}
	}
	n := 0
	storetest.Read(t, db, func(_ context.Context, r store.Reader) error {
		return Each(r, "", func(*store.Contact) error { n++; return nil })
	})
	if n != 0 {
		t.Fatalf("%d contacts stored from a file with bad rows, want none", n)
	}
	for _, bad := range []string{"", "name\nAhmed\n", "phone,phone\n1,2\n"} {
		if _, err := Import(db, strings.NewReader(bad), "test", now); !errors.As(err, &ie) {
			t.Errorf("%q: %v, want *ImportError", bad, err)
		}
	}
}

func TestAudiences(t *testing.T) {
	contacts := []store.Contact{
		{WaID: "1", Language: "ar", Tags: []string{"employees", "site-a"}, Region: "Riyadh", OptedIn: true, Fields: map[string]string{"team": "Ops"}},
		{WaID: "2", Language: "en_gb", Tags: []string{"employees"}, Region: "London", OptedIn: true},
		{WaID: "3", Language: "en", Tags: []string{"customers"}, Region: "riyadh"},
		{WaID: "4", Language: "en", Tags: []string{"employees"}, OptedIn: true, OptedOut: true},
		{WaID: "5", Language: "en", Tags: []string{"employees"}, OptedIn: true, Unreachable: true},
	}
	cases := []struct {
		label    string
		aud      Audience
		want     string
		excluded map[string]int
	}{
		{"everyone reachable, said explicitly", Audience{All: true}, "123", map[string]int{ExcludedOptedOut: 1, ExcludedUnreachable: 1}},
		{"no selector is nobody", Audience{}, "", nil},
		{"tags any", Audience{TagsAny: []string{"Customers", "site-a"}}, "13", nil},
		{"tags all", Audience{TagsAll: []string{"employees", "site-a"}}, "1", nil},
		{"language with region variants", Audience{Languages: []string{"en"}}, "23", map[string]int{ExcludedOptedOut: 1, ExcludedUnreachable: 1}},
		{"region any case", Audience{Regions: []string{"RIYADH"}}, "13", nil},
		{"custom field", Audience{Fields: map[string]string{"team": "ops"}}, "1", nil},
		{"opted in only", Audience{OptedInOnly: true, TagsAny: []string{"customers", "employees"}}, "12", map[string]int{ExcludedNotOptedIn: 1, ExcludedOptedOut: 1, ExcludedUnreachable: 1}},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			c.aud.Normalize()
			got := ""
			excluded := map[string]int{}
			for i := range contacts {
				ok, why := c.aud.Match(&contacts[i])
				if ok {
					got += contacts[i].WaID
				}
				if why != "" {
					excluded[why]++
				}
			}
			if got != c.want {
				t.Errorf("selected %q, want %q", got, c.want)
			}
			for k, v := range c.excluded {
				if excluded[k] != v {
					t.Errorf("excluded %v, want %v", excluded, c.excluded)
				}
			}
		})
	}
}
