package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot"
	"lifeline/bot/broadcast"
	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/media"
)

// postFile posts a multipart form with "file" (and "kind" when given).
func postFile(t *testing.T, s *Server, path, token, filename, mimeType, kind string, data []byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+filename+`"`)
	h.Set("Content-Type", mimeType)
	part, _ := mw.CreatePart(h)
	part.Write(data)
	if kind != "" {
		mw.WriteField("kind", kind)
	}
	mw.Close()
	req := httptest.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := s.App().Test(req, 15000)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

// A shelter map broadcast through the API: the file is checked against
// WhatsApp's limits when it is uploaded (400 naming the limit, nothing
// uploaded), uploaded once, and every recipient gets its media id.
func TestShelterMapBroadcastUploadsOnce(t *testing.T) {
	db, faq := openStore(t)
	graph := whatsapptest.NewServer(t)
	client := whatsapp.NewClient(whatsapp.ClientConfig{BaseURL: graph.URL, AccessToken: "tok", Timeout: 5 * time.Second})
	engine := bot.New(bot.Config{PhoneNumberIDs: []string{"1001"}}, bot.Options{DB: db, Sender: client, KB: faq, Learner: faq, Logger: zerolog.Nop()})
	svc := broadcast.New(broadcast.Config{PhoneNumberIDs: []string{"1001"}, RatePerNumber: 1000, Tick: 10 * time.Millisecond}, broadcast.Options{DB: db, Sender: client, Logger: zerolog.Nop()})
	engine.Intercept(svc)
	engine.ObserveStatuses(svc)
	if err := engine.Start(); err != nil {
		t.Fatal(err)
	}
	if err := svc.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close(); engine.Close() })
	tok, err := BootstrapToken(context.Background(), db, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	s := New(Deps{DB: db, Engine: engine, KB: faq, Logger: zerolog.Nop(), Broadcasts: svc, Uploads: &media.Uploader{DB: db, API: client}})

	if code, body := call(t, s, "POST", "/admin/contacts/import", tok, "text/csv",
		"phone,name,opted_in\n+966501234567,Ahmed,yes\n447700900123,Jane,yes\n+966501234568,Sara,yes\n"); code != 200 {
		t.Fatalf("import: %d %s", code, body)
	}
	for _, c := range []struct {
		name, file, mime, kind string
		data                   []byte
		want                   string
	}{
		{"image over 5 MB", "map.jpg", "image/jpeg", "", make([]byte, 5<<20+1), "over the limit of 5 MB"},
		{"gif", "map.gif", "image/gif", "image", []byte("GIF89a...."), `image/gif\" is not allowed`},
		{"voice note as an image", "v.ogg", "audio/ogg", "image", []byte("OggS...."), `audio/ogg\" is not allowed`},
		{"empty", "map.png", "image/png", "", nil, "empty"},
	} {
		code, body := postFile(t, s, "/admin/media", tok, c.file, c.mime, c.kind, c.data)
		if code != 400 || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d %s, want 400 naming %q", c.name, code, body, c.want)
		}
	}
	if n := len(graph.Uploads()); n != 0 {
		t.Fatalf("%d uploads of refused files, want none", n)
	}

	var buf bytes.Buffer
	png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 16, 16)))
	code, body := postFile(t, s, "/admin/media", tok, "map.png", "image/png", "", buf.Bytes())
	var up struct {
		SHA256   string
		Type     string
		MediaIDs map[string]string `json:"media_ids"`
	}
	if err := json.Unmarshal([]byte(body), &up); code != 200 || err != nil || up.Type != "image" || up.MediaIDs["1001"] == "" {
		t.Fatalf("upload: %d %s", code, body)
	}
	spec := `{"name": "shelter map", "kind": "notice", "audience": {"all": true},
	  "templates": {"en": {"name": "shelter_map", "language": "en_US", "header_media": {"type": "image", "sha256": "` + up.SHA256 + `"}, "body": [{"value": "{{name}}"}]}}}`
	code, body = call(t, s, "POST", "/admin/broadcasts/preview", tok, "application/json", spec)
	if code != 200 || !strings.Contains(body, `"image":{"id":"`+up.MediaIDs["1001"]+`"}`) || !strings.Contains(body, `"header_media":{"type":"image"`) {
		t.Fatalf("preview does not show the header: %d %s", code, body)
	}
	if code, body = call(t, s, "POST", "/admin/broadcasts", tok, "application/json", spec); code != 202 {
		t.Fatalf("create: %d %s", code, body)
	}
	to := map[string]bool{}
	for _, m := range graph.WaitMessages(t, 3, 10*time.Second) {
		if !strings.Contains(string(m.Raw), `"image":{"id":"`+up.MediaIDs["1001"]+`"}`) {
			t.Errorf("message without the map: %s", m.Raw)
		}
		to[m.To] = true
	}
	if len(to) != 3 {
		t.Errorf("the map reached %d people, want 3", len(to))
	}
	// The same map again is not uploaded again.
	code, body = postFile(t, s, "/admin/media", tok, "map.png", "image/png", "", buf.Bytes())
	if code != 200 || !strings.Contains(body, `"reused":true`) {
		t.Errorf("second upload: %d %s, want the first reused", code, body)
	}
	if n := len(graph.Uploads()); n != 1 {
		t.Errorf("%d uploads, want exactly one", n)
	}
	// A spec naming a file never uploaded is refused before anything is sent.
	bad := strings.Replace(spec, up.SHA256, strings.Repeat("0", 64), 1)
	if code, body = call(t, s, "POST", "/admin/broadcasts", tok, "application/json", bad); code != 400 || !strings.Contains(body, "upload it first") {
		t.Errorf("unknown file: %d %s, want 400", code, body)
	}
}
