package admin

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot"
	"lifeline/bot/clocktest"
	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/kb"
	"lifeline/media"
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
	graph.AddMedia(mediaID, "image/jpeg", photo)
	clock := clocktest.New(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	client := whatsapp.NewClient(whatsapp.ClientConfig{BaseURL: graph.URL, AccessToken: "test-token", Timeout: 5 * time.Second})
	settled := make(chan store.MediaRecord, 4)
	fetcher := &media.Fetcher{DB: db, Graph: client, Log: zerolog.Nop(), Now: clock.Now}
	engine := bot.New(bot.Config{PhoneNumberIDs: []string{agentPhoneID}, RatePerNumber: 1000},
		bot.Options{DB: db, Sender: client, KB: faq, Learner: faq, Logger: zerolog.Nop(), Now: clock.Now, Media: fetcher})
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
	s := &agentServer{Server: New(Deps{DB: db, Engine: engine, KB: faq, Logger: zerolog.Nop(), Now: clock.Now}),
		t: t, db: db, engine: engine, graph: graph, clock: clock, admin: adminTok}
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
