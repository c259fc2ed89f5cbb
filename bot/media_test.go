package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/catalog"
	"lifeline/media"
	"lifeline/store"
)

// mediaMessage is the webhook of one media message from user (reference §3.3).
func mediaMessage(user, wamid, kind, mediaID, mimeType, sha string, voice bool, at time.Time) []byte {
	extra := ""
	if voice {
		extra = `,"voice":true`
	}
	return []byte(fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":%q},"contacts":[{"profile":{"name":"Sara"},"wa_id":%q}],"messages":[{"from":%q,"id":%q,"timestamp":"%d","type":%q,%q:{"id":%q,"mime_type":%q,"sha256":%q%s}}]}}]}]}`,
		testPhone, user, user, wamid, at.Unix(), kind, kind, mediaID, mimeType, sha, extra))
}

// withDownloader gives the harness a media.Fetcher on the engine's clock;
// start runs it once the engine exists, until the test ends.
func withDownloader(t *testing.T, now func() time.Time) (func(*store.DB, *whatsapp.Client) MediaQueue, func(*Engine)) {
	var f *media.Fetcher
	build := func(db *store.DB, c *whatsapp.Client) MediaQueue {
		f = &media.Fetcher{DB: db, Graph: c, Log: zerolog.Nop(), Now: now, Backoff: func(int) time.Duration { return time.Millisecond }}
		return f
	}
	start := func(e *Engine) {
		f.Settled = e.MediaSettled
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); f.Run(ctx) }()
		t.Cleanup(func() { cancel(); <-done })
	}
	return build, start
}

// A voice note opens a handoff, since the bot cannot listen, and says so
// in the person's language; the note itself is downloaded for the agent.
// When WhatsApp cannot give the file, the person is asked to send it again.
func TestVoiceNoteOpensAHandoff(t *testing.T) {
	const user = "966512345678"
	at := time.Unix(1750000000, 0)
	now := func() time.Time { return at.Add(time.Minute) }
	note := []byte("OggS fake opus voice note")
	sum := sha256.Sum256(note)
	for _, tc := range []struct {
		name     string
		lang     string
		download bool // false: the Graph API answers 131052
	}{
		{"arabic, downloaded", "ar", true},
		{"french, download failed", "fr", false},
		{"urdu, downloaded", "ur", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			build, start := withDownloader(t, now)
			h := newHarness(t, harnessOpts{now: now, media: build})
			start(h.engine)
			const mediaID = "2222333344445555"
			if tc.download {
				h.graph.AddMedia(mediaID, "audio/ogg", note)
			} else {
				h.graph.FailMedia(mediaID, -1, whatsapptest.Response{Status: 400, Code: 131052})
			}
			ctx := context.Background()
			if err := h.db.WriteAny(ctx, func(w store.Writer) error {
				return store.PutContact(ctx, w, store.Contact{WaID: user, Language: tc.lang, CreatedAt: at})
			}); err != nil {
				t.Fatal(err)
			}
			h.mustAccept(mediaMessage(user, "wamid.VOICE1", "audio", mediaID, "audio/ogg; codecs=opus", hex.EncodeToString(sum[:]), true, at))

			texts := catalog.For(tc.lang)
			want := []string{texts.VoiceHandoff}
			if !tc.download {
				want = append(want, texts.MediaResend)
			}
			// The queue notice of the handoff goes too; the texts above
			// must be among what was sent, in this order.
			for n := 1; ; n++ {
				msgs := h.graph.WaitMessages(t, n, 10*time.Second)
				var got []string
				for _, m := range msgs {
					if text, _ := m.Body["text"].(map[string]any); text != nil {
						got = append(got, fmt.Sprint(text["body"]))
					}
				}
				if isSubsequence(want, got) {
					if got[0] != texts.VoiceHandoff {
						t.Errorf("first reply %q, want the voice note's", got[0])
					}
					break
				}
			}
			if n := h.handoffCount(); n != 1 {
				t.Errorf("%d handoffs, want 1", n)
			}
			wantState := store.MediaStored
			if !tc.download {
				wantState = store.MediaFailed
			}
			h.waitFor("the voice note's download to settle", func() bool {
				tr := h.transcript(user)
				return len(tr) > 0 && tr[0].Media != nil && tr[0].Media.State == wantState
			})
			entry := h.transcript(user)[0]
			if entry.Type != "audio" || !entry.Media.Voice || entry.Media.ID != mediaID || entry.Media.MimeType != "audio/ogg; codecs=opus" {
				t.Errorf("transcript entry %+v media %+v", entry, entry.Media)
			}
			if tc.download && entry.Media.Size != int64(len(note)) {
				t.Errorf("size %d, want %d", entry.Media.Size, len(note))
			}
			if !tc.download && entry.Media.Error == "" {
				t.Error("a failed download records no reason on the entry")
			}
		})
	}
}

// The webhook is acknowledged without waiting for a download: a Graph
// API that hangs on GET /{media-id} holds up neither the acknowledgement
// nor the reply.
func TestDownloadsDoNotHoldUpTheConversation(t *testing.T) {
	const user = "966512345678"
	at := time.Unix(1750000000, 0)
	now := func() time.Time { return at.Add(time.Minute) }
	build, start := withDownloader(t, now)
	h := newHarness(t, harnessOpts{now: now, media: build})
	start(h.engine)
	h.graph.FailMedia("31", -1, whatsapptest.Response{Hang: true})
	h.mustAccept(mediaMessage(user, "wamid.PHOTO1", "image", "31", "image/jpeg", "", false, at))
	msgs := h.graph.WaitMessages(t, 1, 10*time.Second)
	if msgs[0].To != user {
		t.Fatalf("reply %s", msgs[0].Raw)
	}
	tr := h.transcript(user)
	if len(tr) == 0 || tr[0].Media == nil || tr[0].Media.State != store.MediaPending {
		t.Fatalf("transcript %+v: want the photo recorded as pending", tr)
	}
}

// isSubsequence reports whether want appears in got in order.
func isSubsequence(want, got []string) bool {
	i := 0
	for _, g := range got {
		if i < len(want) && g == want[i] {
			i++
		}
	}
	return i == len(want)
}
