package admin

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http/httptest"
	"net/textproto"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot"
	"lifeline/bot/clocktest"
	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/kb"
	"lifeline/media"
	"lifeline/places"
	"lifeline/store"
)

// A photo a person sends is downloaded through the Graph API, kept with
// the right sha256, shown to the agent who may read the conversation (and
// to nobody else), listed in the export, and gone from disk on erasure.
func TestInboundPhotoReachesTheAgentAndGoesOnErasure(t *testing.T) {
	const user, mediaID = "966500000777", "880011223344"
	photo := append([]byte("\xff\xd8\xff\xe0 JFIF photo of the broken bridge "), make([]byte, 2048)...)
	sum := sha256.Sum256(photo)
	wantSHA := hex.EncodeToString(sum[:])

	settled := make(chan store.MediaRecord, 4)
	s := newMediaServer(t, settled)
	s.graph.AddMedia(mediaID, "image/jpeg", photo)
	db, engine, clock, adminTok := s.db, s.engine, s.clock, s.admin
	amira, omar := s.agent("amira", "agent"), s.agent("omar", "agent")

	s.say(user, "I need a person")
	if _, err := engine.Submit(whatsapp.Message{ID: "wamid.PHOTO", From: user, Type: "image", Text: "the bridge", Timestamp: clock.Now(),
		PhoneNumberID: agentPhoneID, Media: &whatsapp.Media{Kind: "image", ID: mediaID, MimeType: "image/jpeg", SHA256: wantSHA, Caption: "the bridge"}},
		10*time.Second); err != nil {
		t.Fatal(err)
	}
	var rec store.MediaRecord
	select {
	case rec = <-settled:
	case <-time.After(10 * time.Second):
		t.Fatal("the photo was not downloaded within 10s")
	}
	if rec.State != store.MediaStored || rec.SHA256 != wantSHA || rec.Size != int64(len(photo)) {
		t.Fatalf("media record %+v", rec)
	}
	path, err := db.MediaPath(rec.Path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("file on disk: %v", err)
	}

	// In the conversation, with its state, for the agent who claims it.
	s.expect(s.call("POST", "/admin/handoffs/"+user+"/claim", amira, nil), 200, "claim")
	d := s.expect(s.call("GET", "/admin/handoffs/"+user, amira, nil), 200, "conversation")
	found := false
	for _, m := range d.body["messages"].([]any) {
		md, _ := m.(map[string]any)["media"].(map[string]any)
		if md != nil && md["id"] == mediaID && md["state"] == store.MediaStored && m.(map[string]any)["text"] == "the bridge" {
			found = true
		}
	}
	if !found {
		t.Fatalf("the photo is not in the conversation: %s", d.raw)
	}
	url := "/admin/handoffs/" + user + "/media/" + mediaID
	r := s.expect(s.call("GET", url, amira, nil), 200, "the photo")
	if r.raw != string(photo) || r.header.Get("Content-Type") != "image/jpeg" ||
		r.header.Get("Content-Disposition") != `inline; filename=image-`+mediaID+`.jpg` {
		t.Fatalf("photo answer: %d bytes, type %q, disposition %q", len(r.raw), r.header.Get("Content-Type"), r.header.Get("Content-Disposition"))
	}
	// Another agent does not own the conversation; the rule is the transcript's.
	s.expect(s.call("GET", url, omar, nil), 403, "another agent's photo")
	s.expect(s.call("GET", "/admin/handoffs/"+user+"/media/999", amira, nil), 404, "a photo that does not exist")

	// The export lists it.
	x := s.expect(s.call("GET", "/admin/contacts/"+user+"/export", bearer(adminTok), nil), 200, "export")
	list, _ := x.body["media"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["sha256"] != wantSHA || list[0].(map[string]any)["path"] != nil {
		t.Fatalf("export media %v", x.body["media"])
	}

	// Erasure removes the record and the file.
	e := s.expect(s.call("POST", "/admin/contacts/"+user+"/erase", bearer(adminTok), nil), 200, "erase")
	if n := e.body["erased"].(map[string]any)["media"]; n != float64(1) {
		t.Errorf("erased media %v, want 1", n)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("file after erasure: %v", err)
	}
	s.expect(s.call("GET", url, bearer(adminTok), nil), 404, "the photo after erasure")
}

// newMediaServer is the whole server over an encrypted store with a media
// directory, sending to a strict fake Graph API, with the downloader
// running (settled hears of each download) and agents' uploads on.
func newMediaServer(t *testing.T, settled chan store.MediaRecord) *agentServer {
	t.Helper()
	db, err := store.Open(store.Options{InMemory: true, MediaDir: t.TempDir(), EncryptionKey: make([]byte, 32), Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	faq, err := kb.Open(db, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	graph := whatsapptest.NewServer(t, whatsapptest.Strict())
	graph.SetToken("test-token")
	clock := clocktest.New(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	client := whatsapp.NewClient(whatsapp.ClientConfig{BaseURL: graph.URL, AccessToken: "test-token", Timeout: 5 * time.Second})
	fetcher := &media.Fetcher{DB: db, Graph: client, Log: zerolog.Nop(), Now: clock.Now}
	uploads := &media.Uploader{DB: db, API: client, Now: clock.Now}
	placeSvc := places.NewService(places.Options{DB: db, Logger: zerolog.Nop(), Now: clock.Now})
	engine := bot.New(bot.Config{PhoneNumberIDs: []string{agentPhoneID}, RatePerNumber: 1000},
		bot.Options{DB: db, Sender: client, KB: faq, Learner: faq, Logger: zerolog.Nop(), Now: clock.Now, Media: fetcher, Files: uploads,
			Places: places.Finder{S: placeSvc}})
	fetcher.Settled = func(m store.MediaRecord) { engine.MediaSettled(m); settled <- m }
	if err := engine.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(engine.Close)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { defer close(stopped); fetcher.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-stopped })
	adminTok, err := BootstrapToken(context.Background(), db, "", clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	s := &agentServer{Server: New(Deps{DB: db, Engine: engine, KB: faq, Logger: zerolog.Nop(), Now: clock.Now,
		Uploads: uploads, Places: placeSvc}),
		t: t, db: db, engine: engine, graph: graph, clock: clock, admin: adminTok}
	return s
}

// sendFile posts a multipart form to the agent's file route.
func (s *agentServer) sendFile(c creds, user, filename, mimeType, caption string, data []byte) response {
	s.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+filename+`"`)
	h.Set("Content-Type", mimeType)
	part, _ := mw.CreatePart(h)
	part.Write(data)
	mw.WriteField("caption", caption)
	mw.Close()
	req := httptest.NewRequest("POST", "/admin/handoffs/"+user+"/media", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Cookie", sessionCookie+"="+c.cookie)
	resp, err := s.App().Test(req, 15000)
	if err != nil {
		s.t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	out := response{code: resp.StatusCode, header: resp.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &out.body)
	return out
}

// An agent sends a file: checked against WhatsApp's limits first (a
// clear error naming the limit, nothing uploaded), uploaded once, sent
// by id with its caption; the same file again reuses the upload.
func TestAgentSendsAFileUploadedOnce(t *testing.T) {
	const user = "966500000888"
	s := newMediaServer(t, make(chan store.MediaRecord, 4))
	amira := s.agent("amira", "agent")
	s.say(user, "I need a person")
	s.expect(s.call("POST", "/admin/handoffs/"+user+"/claim", amira, nil), 200, "claim")
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 3000)...)

	r := s.sendFile(amira, user, "too-big.jpg", "image/jpeg", "", make([]byte, 5<<20+1))
	if r.code != 400 || !strings.Contains(r.raw, "over the limit of 5 MB") {
		t.Fatalf("oversize image = %d %s, want 400 naming the 5 MB limit", r.code, r.raw)
	}
	r = s.sendFile(amira, user, "anim.gif", "image/gif", "", []byte("GIF89a...."))
	if r.code != 400 || !strings.Contains(r.raw, "image/gif") {
		t.Fatalf("gif = %d %s, want 400 naming the type", r.code, r.raw)
	}
	if n := len(s.graph.Uploads()); n != 0 {
		t.Fatalf("%d uploads of refused files", n)
	}

	for i := range 2 {
		s.expect(s.sendFile(amira, user, "map.png", "image/png", "Shelter map", png), 202, "send the map")
		for n, seen := 1, 0; seen < i+1; n++ {
			seen = 0
			for _, m := range s.graph.WaitMessages(t, n, 10*time.Second) {
				if m.Body["type"] == "image" {
					seen++
				}
			}
		}
		if n := len(s.graph.Uploads()); n != 1 {
			t.Fatalf("after send %d: %d uploads, want 1", i+1, n)
		}
	}
	id := s.graph.Uploads()[0].ID
	var images int
	for _, m := range s.graph.Messages() {
		if m.Body["type"] != "image" {
			continue
		}
		images++
		img := m.Body["image"].(map[string]any)
		if img["id"] != id || img["caption"] != "Shelter map" || m.To != user {
			t.Errorf("image message %s, want id %s with the caption", m.Raw, id)
		}
	}
	if images != 2 {
		t.Errorf("%d image messages, want 2", images)
	}
	// In the transcript, the caption and the file's kind.
	d := s.expect(s.call("GET", "/admin/handoffs/"+user, amira, nil), 200, "conversation")
	msgs := d.body["messages"].([]any)
	last := msgs[len(msgs)-1].(map[string]any)
	if last["type"] != "image" || last["text"] != "Shelter map" || last["media"].(map[string]any)["state"] != store.MediaUploaded {
		t.Errorf("last transcript entry %v", last)
	}
}
