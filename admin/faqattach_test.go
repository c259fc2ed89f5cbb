package admin

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"lifeline/store"
)

// An FAQ entry names the evacuation plan (uploaded once with POST
// /admin/media): each time the bot answers with it, the plan follows the
// text as a document with the upload's media id, not uploaded again;
// once WhatsApp's 30 days are over it is uploaded again, once. An entry
// naming a file never uploaded, or an unknown place, is refused; a place
// goes as its pin. The export carries the attachment.
func TestFAQAnswerWithAnAttachment(t *testing.T) {
	const user = "966500000892"
	s := newMediaServer(t, make(chan store.MediaRecord, 4))
	admin := bearer(s.admin)
	pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("route "), 500)...)
	code, body := postFile(t, s.Server, "/admin/media", s.admin, "evacuation-plan.pdf", "application/pdf", "", pdf)
	var up struct {
		SHA256   string
		MediaIDs map[string]string `json:"media_ids"`
	}
	if err := json.Unmarshal([]byte(body), &up); code != 200 || err != nil {
		t.Fatalf("upload: %d %s", code, body)
	}
	entry := func(q string, att map[string]any) map[string]any {
		return map[string]any{"question": q, "answer": "Follow the blue route signs to the high ground.", "lang": "en", "attachment": att}
	}
	for _, c := range []struct {
		name string
		att  map[string]any
		want string
	}{
		{"unknown file", map[string]any{"sha256": strings.Repeat("cd", 32)}, "upload it first"},
		{"bad sha256", map[string]any{"sha256": "abc"}, "not 64 hex digits"},
		{"unknown place", map[string]any{"place": "nowhere"}, `no place \"nowhere\"`},
		{"file and place", map[string]any{"sha256": up.SHA256, "place": "p"}, "give one"},
	} {
		if r := s.call("POST", "/admin/kb/entries", admin, entry("Where is the evacuation plan?", c.att)); r.code != 400 || !strings.Contains(r.raw, c.want) {
			t.Errorf("%s: %d %s, want 400 naming %q", c.name, r.code, r.raw, c.want)
		}
	}
	csv := "question,answer,attachment_sha256\nWhere is the evacuation plan?,Follow the signs.," + strings.Repeat("cd", 32) + "\n"
	if code, body := call(t, s.Server, "POST", "/admin/kb/import?mode=merge", s.admin, "text/csv", csv); code != 400 || !strings.Contains(body, "upload it first") {
		t.Errorf("import naming an unknown file: %d %s, want 400", code, body)
	}
	e := s.expect(s.call("POST", "/admin/kb/entries", admin, entry("Where is the evacuation plan map?", map[string]any{"sha256": up.SHA256})), 201, "entry with the plan")
	if att := e.body["entry"].(map[string]any)["attachment"].(map[string]any); att["kind"] != "document" || att["filename"] != "evacuation-plan.pdf" {
		t.Errorf("saved attachment %v, want the file's kind and name", att)
	}

	// ask sends the question and returns the document that follows the
	// answer's text.
	docs := 0
	ask := func() map[string]any {
		t.Helper()
		s.say(user, "Where is the evacuation plan map?")
		docs++
		doc := s.nthOfType(docs, "document")
		msgs := s.graph.Messages()
		for i, m := range msgs {
			if m.Body["type"] == "document" && m.Body["document"].(map[string]any)["id"] == doc["document"].(map[string]any)["id"] && i > 0 {
				prev := msgs[i-1].Body
				if prev["type"] != "text" || !strings.Contains(prev["text"].(map[string]any)["body"].(string), "blue route") {
					t.Errorf("the document follows %v, want the answer's text", prev)
				}
				break
			}
		}
		return doc["document"].(map[string]any)
	}
	for range 2 {
		if doc := ask(); doc["id"] != up.MediaIDs[agentPhoneID] || doc["filename"] != "evacuation-plan.pdf" {
			t.Errorf("document %v, want the upload's id %s", doc, up.MediaIDs[agentPhoneID])
		}
	}
	if n := len(s.graph.Uploads()); n != 1 {
		t.Fatalf("%d uploads after two answers, want the admin's one", n)
	}
	s.clock.Add(30 * 24 * time.Hour)
	first := ask()
	second := ask()
	if n := len(s.graph.Uploads()); n != 2 {
		t.Fatalf("%d uploads after 30 days and two answers, want 2", n)
	}
	if fresh := s.graph.Uploads()[1].ID; first["id"] != fresh || second["id"] != fresh {
		t.Errorf("documents after 30 days %v, %v, want the new id %s", first, second, fresh)
	}

	p := s.expect(s.call("POST", "/admin/places", admin, map[string]any{"name": map[string]any{"default": "Stadium shelter"}, "kind": "shelter",
		"lat": 24.8, "lon": 46.9, "address": "Gate 1"}), 201, "place")
	s.expect(s.call("POST", "/admin/kb/entries", admin, entry("Which stadium is the registration point?", map[string]any{"place": p.body["id"]})), 201, "entry with a place")
	s.say(user, "Which stadium is the registration point?")
	if loc := s.nthOfType(1, "location")["location"].(map[string]any); loc["name"] != "Stadium shelter" || loc["latitude"] != 24.8 {
		t.Errorf("location %v, want the stadium's pin", loc)
	}

	_, export := call(t, s.Server, "GET", "/admin/kb/export.csv", s.admin, "", "")
	if !strings.Contains(export, "attachment_sha256") || !strings.Contains(export, up.SHA256) || !strings.Contains(export, p.body["id"].(string)) {
		t.Errorf("export without the attachments:\n%s", export)
	}
}
