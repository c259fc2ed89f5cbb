package media

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/store"
)

func TestUploadOnceAndReuse(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	graph := whatsapptest.NewServer(t, whatsapptest.Strict())
	graph.SetToken(testToken)
	client := whatsapp.NewClient(whatsapp.ClientConfig{BaseURL: graph.URL, AccessToken: testToken, Timeout: 5 * time.Second})
	now := t0
	u := &Uploader{DB: db, API: client, Now: func() time.Time { return now }}
	mapPDF := append([]byte("%PDF-1.7 evacuation map "), bytes.Repeat([]byte("x"), 4096)...)
	otherPDF := []byte("%PDF-1.7 another plan")

	steps := []struct {
		name        string
		phone       string
		kind, mime  string
		data        []byte
		after       time.Duration // the clock moves this much first
		wantUploads int           // uploads the fake has received after the step
		wantReused  bool
		wantLimit   string // a *LimitError on this limit; nothing is sent
	}{
		{"the first send uploads", "111", "document", "application/pdf", mapPDF, 0, 1, false, ""},
		{"the same bytes reuse the id", "111", "document", "application/pdf", mapPDF, time.Hour, 1, true, ""},
		{"other bytes upload again", "111", "document", "application/pdf", otherPDF, 0, 2, false, ""},
		{"another number has its own upload", "222", "document", "application/pdf", mapPDF, 0, 3, false, ""},
		{"still reused after 28 days", "111", "document", "application/pdf", mapPDF, 27 * 24 * time.Hour, 3, true, ""},
		{"uploaded again before the 30 days run out", "111", "document", "application/pdf", mapPDF, 2 * 24 * time.Hour, 4, false, ""},
		{"an image over 5 MB is refused before any upload", "111", "image", "image/jpeg", make([]byte, 5<<20+1), 0, 4, false, "size"},
		{"a gif is refused before any upload", "111", "image", "image/gif", []byte("GIF89a"), 0, 4, false, "type"},
	}
	ids := map[string]string{}
	for _, st := range steps {
		now = now.Add(st.after)
		up, err := u.Upload(ctx, st.phone, st.kind, st.mime, "plan.pdf", st.data)
		var le *LimitError
		switch {
		case st.wantLimit != "":
			if !errors.As(err, &le) || le.Limit != st.wantLimit {
				t.Fatalf("%s: error %v, want the %s limit", st.name, err, st.wantLimit)
			}
		case err != nil:
			t.Fatalf("%s: %v", st.name, err)
		case up.Reused != st.wantReused:
			t.Errorf("%s: reused %t, want %t", st.name, up.Reused, st.wantReused)
		}
		if n := len(graph.Uploads()); n != st.wantUploads {
			t.Fatalf("%s: %d uploads, want %d", st.name, n, st.wantUploads)
		}
		if st.wantReused && up.MediaID != ids[st.phone+up.SHA256] {
			t.Errorf("%s: id %s, want the earlier %s", st.name, up.MediaID, ids[st.phone+up.SHA256])
		}
		if err == nil {
			ids[st.phone+up.SHA256] = up.MediaID
		}
	}
	last := graph.Uploads()[0]
	if last.MimeType != "application/pdf" || last.Filename != "plan.pdf" || !bytes.Equal(last.Data, mapPDF) {
		t.Errorf("upload %s %q %d bytes", last.MimeType, last.Filename, len(last.Data))
	}
}
