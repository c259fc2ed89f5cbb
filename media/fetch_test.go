package media

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/store"
)

const (
	testToken = "EAAtest-token-not-real"
	user      = "966512345678"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

type rig struct {
	db      *store.DB
	graph   *whatsapptest.Server
	fetcher *Fetcher
	settled []store.MediaRecord
}

func newRig(t *testing.T, key []byte) *rig {
	t.Helper()
	db, err := store.Open(store.Options{InMemory: true, MediaDir: t.TempDir(), EncryptionKey: key, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	graph := whatsapptest.NewServer(t, whatsapptest.Strict())
	graph.SetToken(testToken)
	client := whatsapp.NewClient(whatsapp.ClientConfig{BaseURL: graph.URL, AccessToken: testToken, Timeout: 5 * time.Second})
	r := &rig{db: db, graph: graph}
	r.fetcher = &Fetcher{DB: db, Graph: client, Log: zerolog.Nop(), Now: func() time.Time { return t0 },
		MaxAttempts: 3, Backoff: func(int) time.Duration { return 0 },
		Settled: func(m store.MediaRecord) { r.settled = append(r.settled, m) }}
	return r
}

// receive records what the engine records when a person sends a file: the
// transcript entry and the pending media record.
func (r *rig) receive(t *testing.T, rec store.MediaRecord) {
	t.Helper()
	ctx := context.Background()
	rec.User, rec.State = user, store.MediaPending
	if rec.At.IsZero() {
		rec.At = t0.Add(-time.Minute)
	}
	err := r.db.WriteAny(ctx, func(w store.Writer) error {
		e := store.Entry{Dir: store.In, Author: "user", At: rec.At, Type: rec.Kind, Media: &store.EntryMedia{ID: rec.MediaID, State: store.MediaPending}}
		seq, err := store.AppendTranscript(ctx, w, user, &e)
		if err != nil {
			return err
		}
		rec.TranscriptSeq = seq
		return store.PutMedia(ctx, w, rec)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (r *rig) record(t *testing.T, id string) (store.MediaRecord, store.Entry) {
	t.Helper()
	ctx := context.Background()
	var m store.MediaRecord
	var e store.Entry
	err := r.db.Read(ctx, func(rd store.Reader) error {
		var err error
		if m, err = store.GetMedia(ctx, rd, user, id); err != nil {
			return err
		}
		e, err = store.GetTranscriptEntry(ctx, rd, user, m.TranscriptSeq)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m, e
}

func hexSHA(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestFetchOutcomes(t *testing.T) {
	photo := append([]byte("\xff\xd8\xff\xe0 jpeg "), bytes.Repeat([]byte{7}, 1000)...)
	big := bytes.Repeat([]byte{1}, 5*mb+10)
	cases := []struct {
		name      string
		kind      string
		mime      string // announced by the webhook
		served    []byte // nil: not added to the fake
		servedAs  string
		fail      *whatsapptest.Response // GET /{id} answers this, always
		failTimes int                    // ... or only this many times
		sha       string                 // announced by the webhook
		tries     int                    // Fetch calls
		wantState string
		wantCode  int
		wantError string
	}{
		{name: "a photo is stored", kind: "image", mime: "image/jpeg", served: photo, servedAs: "image/jpeg", sha: hexSHA(photo), tries: 1, wantState: store.MediaStored},
		{name: "a 404 is final and asks for the file again", kind: "image", mime: "image/jpeg", fail: &whatsapptest.Response{Status: 404}, tries: 1,
			wantState: store.MediaFailed, wantError: "send it again"},
		{name: "131052 is final", kind: "audio", mime: "audio/ogg", fail: &whatsapptest.Response{Status: 400, Code: 131052}, tries: 1,
			wantState: store.MediaFailed, wantCode: 131052, wantError: "send it again"},
		{name: "5xx is tried again until it works", kind: "image", mime: "image/jpeg", served: photo, servedAs: "image/jpeg",
			fail: &whatsapptest.Response{Status: 503}, failTimes: 2, tries: 3, wantState: store.MediaStored},
		{name: "5xx every time gives up after MaxAttempts", kind: "image", mime: "image/jpeg", fail: &whatsapptest.Response{Status: 502}, tries: 3,
			wantState: store.MediaFailed, wantError: "gave up after 3 tries"},
		{name: "an oversize photo is refused before its download", kind: "image", mime: "image/jpeg", served: big, servedAs: "image/jpeg", tries: 1,
			wantState: store.MediaRefused, wantError: "over the limit of 5 MB"},
		{name: "a type WhatsApp does not carry is refused", kind: "image", mime: "image/gif", served: photo, servedAs: "image/gif", tries: 1,
			wantState: store.MediaRefused, wantError: `"image/gif" is not allowed`},
		{name: "a file that never matches its hash is not kept", kind: "image", mime: "image/jpeg", served: photo, servedAs: "image/jpeg",
			sha: strings.Repeat("0", 64), tries: 3, wantState: store.MediaFailed, wantError: "does not match its sha256"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, nil)
			const id = "1234567890123456"
			if tc.served != nil {
				r.graph.AddMedia(id, tc.servedAs, tc.served)
			}
			if tc.fail != nil {
				n := tc.failTimes
				if n == 0 {
					n = -1
				}
				r.graph.FailMedia(id, n, *tc.fail)
			}
			r.receive(t, store.MediaRecord{MediaID: id, Kind: tc.kind, MimeType: tc.mime, ExpectedSHA256: tc.sha})
			for range tc.tries {
				if err := r.fetcher.Fetch(context.Background(), user, id); err != nil {
					t.Fatal(err)
				}
			}
			m, e := r.record(t, id)
			if m.State != tc.wantState || m.ErrorCode != tc.wantCode || !strings.Contains(m.Error, tc.wantError) {
				t.Fatalf("state %s code %d error %q, want %s %d containing %q", m.State, m.ErrorCode, m.Error, tc.wantState, tc.wantCode, tc.wantError)
			}
			if e.Media == nil || e.Media.State != tc.wantState {
				t.Errorf("transcript entry media %+v, want state %s", e.Media, tc.wantState)
			}
			if len(r.settled) != 1 || r.settled[0].State != tc.wantState {
				t.Errorf("settled %d times (%+v), want once as %s", len(r.settled), r.settled, tc.wantState)
			}
			if tc.wantState != store.MediaStored {
				if m.Path != "" {
					t.Errorf("a %s file has a path %q", m.State, m.Path)
				}
				return
			}
			got, err := r.db.ReadMediaFile(m.Path)
			if err != nil || !bytes.Equal(got, tc.served) {
				t.Fatalf("stored file differs (%d bytes, %v)", len(got), err)
			}
			if m.SHA256 != hexSHA(tc.served) || m.Size != int64(len(tc.served)) || !m.FetchedAt.Equal(t0) {
				t.Errorf("record %+v", m)
			}
		})
	}
}

// An expired media id is not asked for: WhatsApp keeps inbound media 7 days.
func TestFetchExpiredIDFailsWithoutACall(t *testing.T) {
	r := newRig(t, nil)
	r.receive(t, store.MediaRecord{MediaID: "777", Kind: "image", MimeType: "image/png", At: t0.Add(-8 * 24 * time.Hour)})
	if err := r.fetcher.Fetch(context.Background(), user, "777"); err != nil {
		t.Fatal(err)
	}
	if m, _ := r.record(t, "777"); m.State != store.MediaFailed || !strings.Contains(m.Error, "7 days") {
		t.Fatalf("record %+v", m)
	}
	if n := len(r.graph.Requests()); n != 0 {
		t.Errorf("%d requests to the Graph API", n)
	}
}

// With an encrypted store the file on disk is sealed: the photo's bytes
// are not in it, and reading it back through the store gives them.
func TestFilesAreEncryptedWhenTheStoreIs(t *testing.T) {
	r := newRig(t, bytes.Repeat([]byte{0x42}, 32))
	photo := []byte("\x89PNG a photo of the broken bridge, plainly readable")
	r.graph.AddMedia("55", "image/png", photo)
	r.receive(t, store.MediaRecord{MediaID: "55", Kind: "image", MimeType: "image/png"})
	if err := r.fetcher.Fetch(context.Background(), user, "55"); err != nil {
		t.Fatal(err)
	}
	m, _ := r.record(t, "55")
	path, err := r.db.MediaPath(m.Path)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("broken bridge")) {
		t.Fatal("the file on disk holds the photo in clear")
	}
	got, err := r.db.ReadMediaFile(m.Path)
	if err != nil || !bytes.Equal(got, photo) {
		t.Fatalf("read back %q, %v", got, err)
	}
}

// Run downloads what Enqueue announces, in the background.
func TestRunDownloadsWhatIsEnqueued(t *testing.T) {
	r := newRig(t, nil)
	done := make(chan store.MediaRecord, 1)
	r.fetcher.Settled = func(m store.MediaRecord) { done <- m }
	r.graph.AddMedia("9", "application/pdf", []byte("%PDF-1.7 evacuation plan"))
	r.receive(t, store.MediaRecord{MediaID: "9", Kind: "document", MimeType: "application/pdf", Filename: "plan.pdf"})
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { defer close(stopped); r.fetcher.Run(ctx) }()
	defer func() { cancel(); <-stopped }()
	r.fetcher.Enqueue(user, "9")
	select {
	case m := <-done:
		if m.State != store.MediaStored {
			t.Fatalf("record %+v", m)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no download within 10s")
	}
}
