package admin

import (
	"encoding/csv"
	"strings"
	"testing"
)

// TestContactsExportAsCSV: the contacts list's filters select what
// ?format=csv writes, in the import's columns with each custom field
// after them; the file imports again without a change; the export is
// audited with its filters and rows, never the numbers; an unknown format
// is refused naming it.
func TestContactsExportAsCSV(t *testing.T) {
	s, admin, _ := newBroadcastServer(t)
	in := "phone,name,language,tags,region,opted_in,employee_id\n" +
		"+966501234567,Sara,ar,employees|dammam,Dammam,yes,E-17\n" +
		"+966501234568,\"Omar, Jr\",en,employees,Riyadh,no,\n" +
		"+447700900123,Layla,en,visitors,Dammam,yes,\n"
	if code, body := call(t, s, "POST", "/admin/contacts/import", admin, "text/csv", in); code != 200 {
		t.Fatalf("import: %d %s", code, body)
	}
	cases := []struct {
		label, query string
		phones       []string
	}{
		{"everyone", "", []string{"+447700900123", "+966501234567", "+966501234568"}},
		{"a tag", "&tag=employees", []string{"+966501234567", "+966501234568"}},
		{"a region and consent", "&region=Dammam&opted_in=yes", []string{"+447700900123", "+966501234567"}},
		{"a language", "&lang=ar", []string{"+966501234567"}},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			code, body := call(t, s, "GET", "/admin/contacts?format=csv"+c.query, admin, "", "")
			if code != 200 {
				t.Fatalf("export: %d %s", code, body)
			}
			rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
			if err != nil {
				t.Fatalf("not CSV: %v\n%s", err, body)
			}
			want := "phone,name,language,tags,region,opted_in,opt_in_source,user_id,employee_id"
			if got := strings.Join(rows[0], ","); got != want {
				t.Fatalf("header %q, want %q", got, want)
			}
			var phones []string
			for _, r := range rows[1:] {
				phones = append(phones, r[0])
			}
			if strings.Join(phones, " ") != strings.Join(c.phones, " ") {
				t.Errorf("rows %v, want %v", phones, c.phones)
			}
		})
	}
	_, body := call(t, s, "GET", "/admin/contacts?format=csv&tag=employees", admin, "", "")
	if !strings.Contains(body, `+966501234567,Sara,ar,employees|dammam,Dammam,yes,`) || !strings.Contains(body, `,E-17`) ||
		!strings.Contains(body, `"Omar, Jr"`) {
		t.Errorf("the rows do not keep what was imported:\n%s", body)
	}
	code, res := call(t, s, "POST", "/admin/contacts/import", admin, "text/csv", body)
	if code != 200 || !strings.Contains(res, `"created":0`) || !strings.Contains(res, `"updated":2`) {
		t.Errorf("the export imported again: %d %s", code, res)
	}
	_, audit := call(t, s, "GET", "/admin/audit?action=contacts.export", admin, "", "")
	if !strings.Contains(audit, `tag=employees`) || !strings.Contains(audit, `rows=2`) || strings.Contains(audit, "966501234567") {
		t.Errorf("the export's audit entry: %s", audit)
	}
	if code, body := call(t, s, "GET", "/admin/contacts?format=xlsx", admin, "", ""); code != 400 || !strings.Contains(body, `format \"xlsx\"`) {
		t.Errorf("an unknown format: %d %s", code, body)
	}
}
