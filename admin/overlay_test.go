package admin

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"lifeline/kb"
)

const (
	dammamShelter   = "During the Dammam flood the open shelter is the King Fahd stadium, gate 3."
	dammamShelterAr = "خلال فيضان الدمام الملجأ المفتوح هو استاد الملك فهد، البوابة 3."
	overlayShelter  = `{"id": "dammam-shelter", "lang": "en", "question": "Where is the nearest shelter?",
	 "answer": "` + dammamShelter + `", "alt_questions": ["which shelter is open"],
	 "translations": {"ar": {"question": "أين أقرب ملجأ؟", "answer": "` + dammamShelterAr + `"}}}`
	overlayPlant = `{"id": "plant-open", "lang": "en", "question": "Is the Dammam plant open tomorrow?", "answer": "No: the plant stays closed until Thursday."}`
)

// searchFAQ is what the bot would answer: the admin search route runs the
// same search.
func searchFAQ(t *testing.T, s *Server, token, q string) kb.Result {
	t.Helper()
	code, body := call(t, s, "GET", "/admin/kb/search?q="+url.QueryEscape(q), token, "", "")
	if code != 200 {
		t.Fatalf("search %q: %d %s", q, code, body)
	}
	var r kb.Result
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestFAQOverlayAnswersFirstWhileTheIncidentIsOpen(t *testing.T) {
	s, admin, agent := newIncidentServer(t)
	type answer struct {
		decision kb.Decision
		incident string
		text     string // part of the first result's answer
	}
	check := func(label, q string, want answer) {
		t.Helper()
		r := searchFAQ(t, s, admin, q)
		if r.Decision != want.decision || len(r.Results) == 0 {
			t.Fatalf("%s: %q: decision %s with %d results, want %s", label, q, r.Decision, len(r.Results), want.decision)
		}
		if got := r.Results[0]; got.Incident != want.incident || !strings.Contains(got.Answer, want.text) {
			t.Fatalf("%s: %q: first result %+v, want incident %q and an answer with %q", label, q, got, want.incident, want.text)
		}
	}
	general := answer{kb.DecisionAnswer, "", "Open shelters are announced"}
	generalAr := answer{kb.DecisionAnswer, "", ""}
	check("before the incident", "Where is the nearest shelter?", general)

	steps := []struct {
		label        string
		method, path string
		token, body  string
		wantCode     int
		wantBody     []string
	}{
		{"open", "POST", "/admin/incidents", admin, floodJSON, 201, []string{`"id":"inc000001"`}},
		{"add the shelter entry", "POST", "/admin/incidents/inc000001/faq", admin, overlayShelter, 201, []string{`"id":"dammam-shelter"`, `"incident":"inc000001"`}},
		{"add the plant entry", "POST", "/admin/incidents/inc000001/faq", admin, overlayPlant, 201, []string{`"id":"plant-open"`}},
		{"same id again", "POST", "/admin/incidents/inc000001/faq", admin, overlayPlant, 409, []string{"plant-open", "already exists"}},
		{"unknown field named", "POST", "/admin/incidents/inc000001/faq", admin, `{"question": "q?", "answer": "a", "incident_id": "x"}`, 400, []string{`unknown field \"incident_id\"`}},
		{"a language the FAQ lacks", "POST", "/admin/incidents/inc000001/faq", admin, `{"lang": "sw", "question": "Kiwanda kiko wazi?", "answer": "Hapana."}`, 400, []string{`language \"sw\"`, "ar, en"}},
		{"a translation the FAQ lacks", "POST", "/admin/incidents/inc000001/faq", admin,
			`{"question": "Is the plant open?", "answer": "No.", "translations": {"fr": {"question": "L'usine est-elle ouverte ?", "answer": "Non."}}}`, 400, []string{`language \"fr\"`}},
		{"empty answer", "POST", "/admin/incidents/inc000001/faq", admin, `{"question": "Is the plant open?"}`, 400, []string{"answer is empty"}},
		{"unknown incident", "POST", "/admin/incidents/inc999999/faq", admin, overlayPlant, 404, []string{`no incident \"inc999999\"`}},
		{"agents may not add", "POST", "/admin/incidents/inc000001/faq", agent, overlayPlant, 403, nil},
		{"agents may read", "GET", "/admin/incidents/inc000001/faq", agent, "", 200, []string{`"dammam-shelter"`, `"plant-open"`}},
		{"unknown incident read", "GET", "/admin/incidents/inc999999/faq", admin, "", 404, nil},
	}
	for _, st := range steps {
		ct := ""
		if st.body != "" {
			ct = "application/json"
		}
		code, body := call(t, s, st.method, st.path, st.token, ct, st.body)
		if code != st.wantCode {
			t.Fatalf("%s: %d %s, want %d", st.label, code, body, st.wantCode)
		}
		for _, w := range st.wantBody {
			if !strings.Contains(body, w) {
				t.Errorf("%s: answer %s lacks %s", st.label, body, w)
			}
		}
	}

	// The refused entries changed nothing: the overlay holds the two.
	if _, body := call(t, s, "GET", "/admin/incidents/inc000001/faq", admin, "", ""); strings.Count(body, `"created_by"`) != 2 ||
		strings.Contains(body, "Kiwanda") || strings.Contains(body, "usine") {
		t.Fatalf("the overlay after the refusals: %s", body)
	}

	overlay := answer{kb.DecisionAnswer, "inc000001", dammamShelter}
	check("during, same question as a general entry", "Where is the nearest shelter?", overlay)
	check("during, in Arabic", "أين أقرب ملجأ؟", answer{kb.DecisionAnswer, "inc000001", dammamShelterAr})
	check("during, an entry only the incident has", "is the dammam plant open tomorrow", answer{kb.DecisionAnswer, "inc000001", "closed until Thursday"})
	check("during, a question the overlay does not cover", "Is the tap water safe to drink?", answer{kb.DecisionAnswer, "", "water"})

	// The bot answers with it too.
	code, body := call(t, s, "POST", "/sandbox/messages", "", "application/json", `{"from": "966501234567", "text": "where is the nearest shelter?"}`)
	if code != 200 || !strings.Contains(body, "King Fahd stadium") {
		t.Fatalf("the bot during the incident: %d %s", code, body)
	}

	if code, body := call(t, s, "DELETE", "/admin/incidents/inc000001/faq/plant-open", admin, "", ""); code != 204 {
		t.Fatalf("delete: %d %s", code, body)
	}
	if code, _ := call(t, s, "DELETE", "/admin/incidents/inc000001/faq/plant-open", admin, "", ""); code != 404 {
		t.Fatalf("delete again: %d, want 404", code)
	}
	if r := searchFAQ(t, s, admin, "is the dammam plant open tomorrow"); len(r.Results) > 0 && r.Results[0].Incident != "" {
		t.Fatalf("a deleted overlay entry still answers: %+v", r.Results[0])
	}

	if code, body := call(t, s, "POST", "/admin/incidents/inc000001/close", admin, "", ""); code != 200 {
		t.Fatalf("close: %d %s", code, body)
	}
	check("after the close", "Where is the nearest shelter?", general)
	check("after the close, in Arabic", "أين أقرب ملجأ؟", generalAr)
	if r := searchFAQ(t, s, admin, "أين أقرب ملجأ؟"); r.Results[0].Incident != "" {
		t.Fatalf("arabic after the close: %+v", r.Results[0])
	}
	code, body = call(t, s, "POST", "/admin/incidents/inc000001/faq", admin, "application/json", overlayPlant)
	if code != 409 || !strings.Contains(body, "inc000001 is closed") {
		t.Fatalf("an entry for a closed incident: %d %s, want 409", code, body)
	}
	code, body = call(t, s, "GET", "/admin/incidents/inc000001/faq", admin, "", "")
	if code != 200 || !strings.Contains(body, `"closed_at":"`) {
		t.Fatalf("the closed incident's entries are kept with closed_at: %d %s", code, body)
	}
	code, body = call(t, s, "POST", "/sandbox/messages", "", "application/json", `{"from": "966501234567", "text": "where is the nearest shelter?"}`)
	if code != 200 || strings.Contains(body, "King Fahd stadium") {
		t.Fatalf("the bot after the close: %d %s", code, body)
	}
}
