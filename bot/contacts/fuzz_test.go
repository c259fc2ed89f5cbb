package contacts

import (
	"bytes"
	"encoding/csv"
	"errors"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

// FuzzImportCSV checks the contact importer on any input: no panic, the
// same answer twice, errors that name rows of the file in order (at most
// maxErrors of them), and accepted rows that hold: a WhatsApp id that
// normalises to itself and appears once, lower-case unique tags, a valid
// language code. What was accepted, written back as CSV with every column,
// imports again as the same contacts.
//
//	go test ./bot/contacts -run '^$' -fuzz FuzzImportCSV -fuzztime 10m
func FuzzImportCSV(f *testing.F) {
	for _, s := range []string{
		"phone,name,language,tags,region,opted_in,flight\n+44 7700 900123,Sam Jones,en,employees|site-a,north,yes,LH123\n966512345678,سارة,ar,Customers,,نعم,\n",
		"\ufeffPhone , Name\n(0044) 20-7946-0958,Ann\n",
		"phone,opted_in,opt_in_source,user_id\n15550001234,no,web,US.123\n15550001234,yes,,\n",
		"phone,name\n12345,x\n+1 555 000 1234,\"multi\nline\"\n0155500012345,y\n",
		"phone,phone\n1\n",
		"name\nSam\n",
		"phone,\n1\n",
		"phone,language\n15550001234,english\n15550001235,en-GB,extra\n",
		"phone,name\n\"unterminated\n",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := parse(bytes.NewReader(data))
		rows2, err2 := parse(bytes.NewReader(data))
		if errText(err) != errText(err2) || !reflect.DeepEqual(rows, rows2) {
			t.Fatalf("parse is not deterministic: %v / %v", err, err2)
		}
		if err != nil {
			checkRowErrors(t, data, err)
			return
		}
		seen := map[string]bool{}
		for i, rw := range rows {
			c := rw.c
			if id, err := NormalizePhone(c.WaID); err != nil || id != c.WaID {
				t.Errorf("row %d: wa id %q normalises to %q, %v", i, c.WaID, id, err)
			}
			if seen[c.WaID] {
				t.Errorf("row %d: wa id %q accepted twice", i, c.WaID)
			}
			seen[c.WaID] = true
			if c.Language != "" && !langRe.MatchString(c.Language) {
				t.Errorf("row %d: language %q", i, c.Language)
			}
			for j, tag := range c.Tags {
				if tag == "" || tag != strings.ToLower(strings.TrimSpace(tag)) || strings.Contains(tag, "|") || slices.Contains(c.Tags[:j], tag) {
					t.Errorf("row %d: tag %q in %q", i, tag, c.Tags)
				}
			}
			if len(c.Name) > 256 {
				t.Errorf("row %d: name of %d bytes", i, len(c.Name))
			}
		}
		if len(rows) == 0 {
			return
		}
		back, err := parse(bytes.NewReader(writeRows(t, rows)))
		if err != nil {
			t.Fatalf("the accepted rows, written back, do not import: %v", err)
		}
		if len(back) != len(rows) {
			t.Fatalf("%d rows, then %d", len(rows), len(back))
		}
		for i := range rows {
			if !reflect.DeepEqual(rows[i].c, back[i].c) || rows[i].optInSet != back[i].optInSet {
				t.Fatalf("row %d changed on the way back:\n%+v\n%+v", i, rows[i], back[i])
			}
		}
	})
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func checkRowErrors(t *testing.T, data []byte, err error) {
	t.Helper()
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("error %v (%T): want an *ImportError", err, err)
	}
	if len(ie.Rows) == 0 || len(ie.Rows) > maxErrors {
		t.Fatalf("%d row errors", len(ie.Rows))
	}
	last := bytes.Count(data, []byte("\n")) + 1
	prev := 0
	for _, r := range ie.Rows {
		if r.Row < 1 || r.Row > last || r.Row < prev {
			t.Errorf("row %d (after row %d, file of %d lines): %s", r.Row, prev, last, r.Message)
		}
		if strings.TrimSpace(r.Message) == "" {
			t.Errorf("row %d: empty message", r.Row)
		}
		prev = r.Row
	}
}

// writeRows writes accepted rows as a CSV with every column.
func writeRows(t *testing.T, rows []row) []byte {
	t.Helper()
	fieldSet := map[string]bool{}
	for _, rw := range rows {
		for k := range rw.c.Fields {
			fieldSet[k] = true
		}
	}
	var fields []string
	for k := range fieldSet {
		fields = append(fields, k)
	}
	sort.Strings(fields)
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(append([]string{"phone", "name", "language", "tags", "region", "user_id", "opted_in", "opt_in_source"}, fields...))
	for _, rw := range rows {
		c := rw.c
		opt := ""
		if rw.optInSet {
			opt = map[bool]string{true: "yes", false: "no"}[c.OptedIn]
		}
		rec := []string{"+" + c.WaID, c.Name, c.Language, strings.Join(c.Tags, "|"), c.Region, c.UserID, opt, c.OptInSource}
		for _, k := range fields {
			rec = append(rec, c.Fields[k])
		}
		_ = w.Write(rec)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
