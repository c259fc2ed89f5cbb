package admin

import (
	"strings"
	"testing"
)

// TestIncidentSMSDefaultThroughTheAPI: an incident opened with a default
// SMS fallback gives it to a broadcast created for it without "sms": the
// preview before and the stored broadcast's preview after show the
// texts with their segments; "sms": {"off": true} sends none; bad
// defaults are refused naming the field. This server has no SMS
// provider: the default is kept, and the preview says SMS will not go.
func TestIncidentSMSDefaultThroughTheAPI(t *testing.T) {
	s, admin, _ := newIncidentServer(t)
	if code, body := call(t, s, "POST", "/admin/contacts/import", admin, "text/csv", incidentPeople); code != 200 {
		t.Fatalf("import: %d %s", code, body)
	}
	withSMS := `{"name": "Dammam flood", "kind": "flood", "audience": {"regions": ["Dammam"]},
	 "sms": {"texts": {"en": "Flood: go to the north shelter.", "ar": "فيضان: اذهبوا إلى الملجأ الشمالي."}, "fallback_language": "en", "after": "10m"}}`
	off := strings.Replace(noticeIn("inc000001", "{{name}}"), `"kind": "notice",`, `"kind": "notice", "sms": {"off": true},`, 1)
	steps := []struct {
		label        string
		method, path string
		body         string
		wantCode     int
		wantBody     []string // parts of the answer
		notBody      string   // must not appear
	}{
		{"open with a default", "POST", "/admin/incidents", withSMS, 201,
			[]string{`"sms":{"texts":{"ar":"فيضان: اذهبوا إلى الملجأ الشمالي.","en":"Flood: go to the north shelter."},"fallback_language":"en","after":"10m0s","max_segments":3}`}, ""},
		{"two texts, no fallback language", "POST", "/admin/incidents", strings.Replace(withSMS, `"fallback_language": "en", `, "", 1), 400,
			[]string{"sms.fallback_language: give"}, ""},
		{"unknown field in sms", "POST", "/admin/incidents", strings.Replace(withSMS, `"after"`, `"delay"`, 1), 400, []string{`unknown field \"delay\"`}, ""},
		{"patch an empty text", "PATCH", "/admin/incidents/inc000001", `{"sms": {"texts": {"en": " "}}}`, 400, []string{"sms.texts[en] is empty"}, ""},
		{"preview takes the default", "POST", "/admin/broadcasts/preview", noticeIn("inc000001", "{{name}}"), 200,
			[]string{`"sms":{"texts":[`, `"language":"en","fallback":true,"text":"Flood: go to the north shelter.","encoding":"GSM-7","segments":1`,
				`"encoding":"UCS-2","segments":1`, `"estimated_recipients":0`, "SMS is not configured"}, ""},
		{"created with the default", "POST", "/admin/broadcasts", noticeIn("inc000001", "{{name}}"), 202, []string{`"id":"bc000001"`}, ""},
		{"its record has it", "GET", "/admin/broadcasts/bc000001/preview", "", 200, []string{`"sms":{"texts":[`, "Flood: go to the north shelter."}, ""},
		{"preview with sms off", "POST", "/admin/broadcasts/preview", off, 200, nil, `"sms"`},
		{"created with sms off", "POST", "/admin/broadcasts", off, 202, []string{`"id":"bc000002"`}, ""},
		{"its record has none", "GET", "/admin/broadcasts/bc000002/preview", "", 200, nil, `"sms"`},
		{"the default removed", "PATCH", "/admin/incidents/inc000001", `{"sms": {"off": true}}`, 200, nil, `"sms"`},
		{"later broadcasts have none", "POST", "/admin/broadcasts/preview", noticeIn("inc000001", "{{name}}"), 200, nil, `"sms"`},
		{"earlier ones keep theirs", "GET", "/admin/broadcasts/bc000001/preview", "", 200, []string{"Flood: go to the north shelter."}, ""},
	}
	for _, st := range steps {
		ct := ""
		if st.body != "" {
			ct = "application/json"
		}
		code, body := call(t, s, st.method, st.path, admin, ct, st.body)
		if code != st.wantCode {
			t.Errorf("%s: %d %s, want %d", st.label, code, body, st.wantCode)
			continue
		}
		for _, w := range st.wantBody {
			if !strings.Contains(body, w) {
				t.Errorf("%s: answer %s lacks %s", st.label, body, w)
			}
		}
		if st.notBody != "" && strings.Contains(body, st.notBody) {
			t.Errorf("%s: answer %s has %s", st.label, body, st.notBody)
		}
	}
}
