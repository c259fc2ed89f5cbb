package broadcast

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"lifeline/store"
)

// FuzzSpec feeds POST /admin/broadcasts bodies through what the admin API
// does with them (JSON into a Spec, then Validate) and checks: no panic;
// the same body gets the same answer every time (the error names the same
// problem); a spec that validates is stable (validating it again, or after
// a JSON round trip as it is stored, changes nothing); and every template
// of a valid spec renders a message the Cloud API client accepts, for a
// contact with and without the variables, so nothing that passed
// validation fails at send time.
//
//	go test ./bot/broadcast -run '^$' -fuzz FuzzSpec -fuzztime 10m
func FuzzSpec(f *testing.F) {
	for _, s := range []string{
		`{"name":"port closed","kind":"notice","templates":{"en":{"name":"port_notice","language":"en_US","body":[{"value":"{{name|friend}}"}]}}}`,
		`{"name":"storm check-in","kind":"checkin","fallback_language":"en","templates":{"en":{"name":"safety_check","language":"en_US","header":[{"value":"{{region}}"}],"button_index":1},"ar":{"name":"safety_check","language":"ar","body":[{"name":"n","value":"{{first_name}}"}]}},"audience":{"tags_any":["Employees"," "],"languages":["EN-gb"],"opted_in_only":true},"reminders":{"every":"30m","count":2},"critical":true}`,
		`{"name":"flight","kind":"confirmation","templates":{"en":{"name":"rebooking","language":"en_US","body":[{"value":"{{flight}}"}],"button_index":5}},"options":[{"id":"confirm","titles":{"en":"Confirm"}},{"id":"cancel","titles":{"en":"Cancel"}},{"id":"reschedule","titles":{"en":"Reschedule"},"asks_time":true}],"reminders":{"every":3600,"count":1,"templates":{"en":{"name":"rebooking_reminder","language":"en"}}},"start_at":"2030-01-01T10:00:00+03:00","rate_per_second":500}`,
		`{"name":"x","kind":"notice","templates":{"EN":{"name":"Bad Name","language":"english"},"ar":{"name":"ok","language":"ar","body":[{"value":" "}]}}}`,
		`{"name":"x","kind":"checkin","templates":{"en":{"name":"a","language":"en"},"ar":{"name":"b","language":"ar"}}}`,
		`{"name":"x","kind":"checkin","templates":{"en":{"name":"a","language":"en","button_index":7}}}`,
		`{"name":"x","kind":"poll","templates":{}}`,
		`{"kind":"notice","reminders":{"every":"1s","count":99}}`,
		`[]`,
	} {
		f.Add([]byte(s))
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	decode := func(data []byte) (Spec, bool) {
		var sp Spec
		return sp, json.Unmarshal(data, &sp) == nil
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sp, ok := decode(data)
		if !ok {
			return
		}
		err := sp.Validate(now)
		for range 3 {
			again, _ := decode(data)
			if err2 := again.Validate(now); errText(err) != errText(err2) {
				t.Fatalf("the same body validates differently: %v / %v", err, err2)
			}
		}
		if err != nil {
			return
		}
		stored, jerr := json.Marshal(sp)
		if jerr != nil {
			t.Fatalf("marshal a valid spec: %v", jerr)
		}
		if err := sp.Validate(now); err != nil {
			t.Fatalf("a valid spec fails a second validation: %v", err)
		}
		if twice, _ := json.Marshal(sp); !bytes.Equal(stored, twice) {
			t.Fatalf("validating twice changed the spec:\n%s\n%s", stored, twice)
		}
		back, ok := decode(stored)
		if !ok {
			t.Fatalf("the stored spec does not decode: %s", stored)
		}
		if err := back.Validate(now); err != nil {
			t.Fatalf("the stored spec no longer validates: %v\n%s", err, stored)
		}
		if rt, _ := json.Marshal(back); !bytes.Equal(stored, rt) {
			t.Fatalf("the spec changed through JSON:\n%s\n%s", stored, rt)
		}
		if _, ok := sp.Templates[sp.FallbackLanguage]; !ok {
			t.Fatalf("valid spec without a template for its fallback %q", sp.FallbackLanguage)
		}
		b := &Broadcast{ID: "bc000001", Spec: sp}
		people := []*store.Contact{
			{WaID: "15550001234"},
			{WaID: "966512345678", Name: "  Sam Jones ", Language: "ar", Region: "north", Fields: map[string]string{"flight": "LH123"}},
		}
		check := func(what string, tpls map[string]Template) {
			for key := range tpls {
				for _, c := range people {
					for round := range 2 {
						if _, err := render(b, tpls, key, c, 1<<40, round, nil); err != nil {
							t.Fatalf("%s[%s] passed validation but does not render: %v", what, key, err)
						}
					}
				}
			}
		}
		check("templates", sp.Templates)
		if sp.Reminders != nil {
			check("reminders.templates", sp.Reminders.Templates)
		}
	})
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
