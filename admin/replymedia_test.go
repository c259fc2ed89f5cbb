package admin

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"lifeline/store"
)

// nthOfType waits for the k-th message of type typ sent to WhatsApp.
func (s *agentServer) nthOfType(k int, typ string) map[string]any {
	s.t.Helper()
	for n := k; n < 50; n++ {
		var seen []map[string]any
		for _, m := range s.graph.WaitMessages(s.t, n, 10*time.Second) {
			if m.Body["type"] == typ {
				seen = append(seen, m.Body)
			}
		}
		if len(seen) >= k {
			return seen[k-1]
		}
	}
	s.t.Fatalf("no %d %s messages", k, typ)
	return nil
}

// An admin uploads the evacuation plan once (POST /admin/media); an agent
// sends it in a reply by its sha256 with a caption: the upload's media id
// is reused, and once WhatsApp's 30 days have passed the kept file is
// uploaded again. Limits are checked before anything is sent, each
// refusal a 400 naming the limit.
func TestAgentRepliesWithAnUploadedFile(t *testing.T) {
	const user = "966500000889"
	s := newMediaServer(t, make(chan store.MediaRecord, 4))
	amira := s.agent("amira", "agent")
	s.say(user, "I need a person")
	s.expect(s.call("POST", "/admin/handoffs/"+user+"/claim", amira, nil), 200, "claim")
	pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("plan "), 2000)...)
	code, body := postFile(t, s.Server, "/admin/media", s.admin, "evacuation.pdf", "application/pdf", "", pdf)
	var up struct {
		SHA256   string
		MediaIDs map[string]string `json:"media_ids"`
	}
	if err := json.Unmarshal([]byte(body), &up); code != 200 || err != nil || up.MediaIDs[agentPhoneID] == "" {
		t.Fatalf("upload: %d %s", code, body)
	}
	reply := func(m map[string]any) response {
		return s.call("POST", "/admin/handoffs/"+user+"/messages", amira, map[string]any{"media": m})
	}
	for _, c := range []struct {
		name string
		req  map[string]any
		want string
	}{
		{"unknown file", map[string]any{"sha256": strings.Repeat("ab", 32)}, "upload it first"},
		{"not a sha256", map[string]any{"sha256": "../../etc/passwd"}, "upload it first"},
		{"caption too long", map[string]any{"sha256": up.SHA256, "caption": strings.Repeat("x", 1025)}, "limit of 1024"},
		{"a PDF as an image", map[string]any{"sha256": up.SHA256, "kind": "image"}, `application/pdf\" is not allowed`},
	} {
		if r := reply(c.req); r.code != 400 || !strings.Contains(r.raw, c.want) {
			t.Errorf("%s: %d %s, want 400 naming %q", c.name, r.code, r.raw, c.want)
		}
	}
	if r := s.call("POST", "/admin/handoffs/"+user+"/messages", amira, map[string]any{"text": "hi", "media": map[string]any{"sha256": up.SHA256}}); r.code != 400 {
		t.Errorf("text with a file: %d %s, want 400", r.code, r.raw)
	}
	if n := len(s.graph.Uploads()); n != 1 {
		t.Fatalf("%d uploads after refusals, want the admin's one", n)
	}

	s.expect(reply(map[string]any{"sha256": up.SHA256, "caption": "Evacuation plan"}), 202, "send the plan")
	doc := s.nthOfType(1, "document")["document"].(map[string]any)
	if doc["id"] != up.MediaIDs[agentPhoneID] || doc["caption"] != "Evacuation plan" || doc["filename"] != "evacuation.pdf" {
		t.Errorf("document %v, want the upload's id, the caption and the file name", doc)
	}
	if n := len(s.graph.Uploads()); n != 1 {
		t.Errorf("%d uploads after the send, want 1 (reused)", n)
	}

	// 30 days on, the media id has expired: the kept file goes up again.
	s.clock.Add(30 * 24 * time.Hour)
	s.say(user, "can you send the plan again")
	amira = s.login("amira")
	s.expect(reply(map[string]any{"sha256": up.SHA256}), 202, "send the plan again")
	if n := len(s.graph.Uploads()); n != 2 {
		t.Fatalf("%d uploads after 30 days, want 2", n)
	}
	fresh := s.graph.Uploads()[1]
	if !bytes.Equal(fresh.Data, pdf) {
		t.Errorf("re-uploaded %d bytes, want the kept file's %d", len(fresh.Data), len(pdf))
	}
	if doc := s.nthOfType(2, "document")["document"].(map[string]any); doc["id"] != fresh.ID {
		t.Errorf("document %v, want the new media id %s", doc, fresh.ID)
	}
}

// An agent sends a pin: coordinates with a name and address, or a place
// from the places list, which fills them in the person's language.
func TestAgentRepliesWithALocation(t *testing.T) {
	const user = "966500000890"
	s := newMediaServer(t, make(chan store.MediaRecord, 4))
	amira := s.agent("amira", "agent")
	s.say(user, "I need a person")
	s.expect(s.call("POST", "/admin/handoffs/"+user+"/claim", amira, nil), 200, "claim")
	reply := func(l map[string]any) response {
		return s.call("POST", "/admin/handoffs/"+user+"/messages", amira, map[string]any{"location": l})
	}
	for _, c := range []struct {
		name string
		loc  map[string]any
		want string
	}{
		{"no longitude", map[string]any{"latitude": 24.7}, `needs \"latitude\" and \"longitude\"`},
		{"latitude 91", map[string]any{"latitude": 91, "longitude": 46.7}, "between -90 and 90"},
		{"longitude -181", map[string]any{"latitude": 24.7, "longitude": -181}, "between -180 and 180"},
		{"long name", map[string]any{"latitude": 24.7, "longitude": 46.7, "name": strings.Repeat("n", 1001)}, "longer than 1000"},
		{"unknown place", map[string]any{"place": "nowhere"}, `no place \"nowhere\"`},
		{"place and coordinates", map[string]any{"place": "p1", "latitude": 1, "longitude": 2}, "not both"},
	} {
		if r := reply(c.loc); r.code != 400 || !strings.Contains(r.raw, c.want) {
			t.Errorf("%s: %d %s, want 400 naming %q", c.name, r.code, r.raw, c.want)
		}
	}

	s.expect(reply(map[string]any{"latitude": 24.7136, "longitude": 46.6753, "name": "North school", "address": "King Fahd Rd"}), 202, "send a pin")
	loc := s.nthOfType(1, "location")["location"].(map[string]any)
	if loc["latitude"] != 24.7136 || loc["longitude"] != 46.6753 || loc["name"] != "North school" || loc["address"] != "King Fahd Rd" {
		t.Errorf("location %v", loc)
	}

	p := s.expect(s.call("POST", "/admin/places", bearer(s.admin), map[string]any{"name": map[string]any{"default": "East shelter", "ar": "ملجأ الشرق"}, "kind": "shelter",
		"lat": 24.75, "lon": 46.8, "address": "Gate 3, East Stadium"}), 201, "create a place")
	s.expect(reply(map[string]any{"place": p.body["id"]}), 202, "send a place")
	loc = s.nthOfType(2, "location")["location"].(map[string]any)
	if loc["latitude"] != 24.75 || loc["longitude"] != 46.8 || loc["name"] != "East shelter" || loc["address"] != "Gate 3, East Stadium" {
		t.Errorf("place sent as %v", loc)
	}
	d := s.expect(s.call("GET", "/admin/handoffs/"+user, amira, nil), 200, "conversation")
	msgs := d.body["messages"].([]any)
	if last := msgs[len(msgs)-1].(map[string]any); last["type"] != "location" {
		t.Errorf("last transcript entry %v, want the location", last)
	}
}

// POST /admin/media takes files up to WhatsApp's largest limit; every
// other route keeps its 8 MB body limit, the agent's own file route too.
func TestMediaUploadsAbove8MB(t *testing.T) {
	const user = "966500000891"
	s := newMediaServer(t, make(chan store.MediaRecord, 4))
	big := append([]byte("%PDF-1.4\n"), make([]byte, MaxBody)...) // just over 8 MB
	if code, body := postFile(t, s.Server, "/admin/media", s.admin, "plan.pdf", "application/pdf", "", big); code != 200 || !strings.Contains(body, `"size":8388617`) {
		t.Fatalf("a PDF just over 8 MB: %d %s, want 200", code, body)
	}
	if code, body := postFile(t, s.Server, "/admin/media", s.admin, "flood.mp4", "video/mp4", "", make([]byte, 16<<20+1)); code != 400 || !strings.Contains(body, "over the limit of 16 MB") {
		t.Errorf("a video over 16 MB: %d %s, want 400 naming the limit", code, body)
	}
	if n := len(s.graph.Uploads()); n != 1 {
		t.Errorf("%d uploads, want the PDF's one", n)
	}
	amira := s.agent("amira", "agent")
	s.say(user, "I need a person")
	s.expect(s.call("POST", "/admin/handoffs/"+user+"/claim", amira, nil), 200, "claim")
	// The test transport ends the request on the limit (a listener
	// answers 413): the bytes never reach the route.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, _ := mw.CreateFormFile("file", "plan.pdf")
	part.Write(big)
	mw.Close()
	req := httptest.NewRequest("POST", "/admin/handoffs/"+user+"/media", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Cookie", sessionCookie+"="+amira.cookie)
	if resp, err := s.App().Test(req, 15000); err == nil || !strings.Contains(err.Error(), "body size exceeds") {
		t.Errorf("the agent's file route with 8 MB and more: %v %v, want the body refused", resp, err)
	}
	if n := len(s.graph.Uploads()); n != 1 {
		t.Errorf("%d uploads, want the PDF's one", n)
	}
}
