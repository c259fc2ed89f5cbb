package store

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestTranscriptEntryFAQSource: an entry written before answers kept
// their FAQ source reads as before, with none; one written after keeps
// entry, language, version and overlay.
func TestTranscriptEntryFAQSource(t *testing.T) {
	cases := []struct {
		label, stored string
		want          *FAQSource
	}{
		{"written before sources", `{"seq":3,"dir":"out","author":"bot","at":"2026-11-01T10:00:00Z","type":"text","text":"Boil water.","status":"read"}`, nil},
		{"an FAQ answer", `{"seq":4,"dir":"out","type":"text","text":"x","faq":{"entry":"drinking-water","lang":"ar","version":7}}`,
			&FAQSource{Entry: "drinking-water", Lang: "ar", Version: 7}},
		{"from an incident's overlay", `{"seq":5,"dir":"out","type":"text","faq":{"entry":"plant-open","version":9,"overlay":"inc000002"}}`,
			&FAQSource{Entry: "plant-open", Version: 9, Overlay: "inc000002"}},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			var e Entry
			if err := json.Unmarshal([]byte(c.stored), &e); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(e.FAQ, c.want) {
				t.Fatalf("faq %+v, want %+v", e.FAQ, c.want)
			}
			again, err := json.Marshal(e)
			if err != nil {
				t.Fatal(err)
			}
			var back Entry
			if err := json.Unmarshal(again, &back); err != nil || !reflect.DeepEqual(back, e) {
				t.Fatalf("round trip %s: %+v (%v)", again, back, err)
			}
		})
	}
}
