package kb

import (
	"encoding/csv"
	"strings"
	"testing"
)

// An FAQ answer is text, whatever it starts with: the export must not hand
// a spreadsheet a formula, and must read back as written.
func TestExportCSVDefusesFormulas(t *testing.T) {
	k := openKB(t)
	const evil = `=HYPERLINK("http://evil.example","details")`
	in := []Entry{
		{ID: "evil", Lang: "en", Question: "what is the link?", Answer: evil},
		{ID: "dash", Lang: "en", Question: "+what to bring", Answer: "- water\n- a torch", Category: "@home"},
	}
	if _, err := k.Import(in, ModeReplace, ""); err != nil {
		t.Fatal(err)
	}
	out, err := k.ExportCSV()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(out), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows[1:] {
		for i, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("column %s of %s starts with %q: a spreadsheet would run it", rows[0][i], row[0], cell[:1])
			}
		}
	}
	back, err := Parse(out, FormatCSV)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Entry{}
	for _, e := range back {
		got[e.ID] = e
	}
	if got["evil"].Answer != evil || got["dash"].Question != "+what to bring" || got["dash"].Answer != "- water\n- a torch" || got["dash"].Category != "@home" {
		t.Fatalf("the export does not read back as written: %+v", back)
	}
}
