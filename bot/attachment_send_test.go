package bot

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/catalog"
	"lifeline/flows"
	"lifeline/media"
	"lifeline/store"
)

// TestAttachmentSendFailure: an FAQ answer's file uploads fine, then its
// send is refused. A 5xx is retried and the file goes out; a final
// refusal gives the file up, and the person is told so in their language
// with a person offered, after the answer's text and its question; a
// number WhatsApp cannot reach (131026) is told nothing, since the
// notice would fail the same way. Each file given up is counted.
func TestAttachmentSendFailure(t *testing.T) {
	cases := []struct {
		label  string
		fail   whatsapptest.Response
		times  int
		types  string // every message request, in order
		told   bool   // the last one is the notice
		failed int32  // counted as given up
	}{
		{"Graph API 500, twice, then sent", whatsapptest.Response{Status: http.StatusInternalServerError, Code: 1}, 2,
			"[text document document document interactive]", false, 0},
		{"bad request (100): final, the person told", whatsapptest.Response{Status: http.StatusBadRequest, Code: 100}, 1,
			"[text document interactive interactive]", true, 1},
		{"131026: final, nobody to tell", whatsapptest.Response{Status: http.StatusBadRequest, Code: store.CodeUndeliverable}, 1,
			"[text document interactive]", false, 1},
	}
	for i, tc := range cases {
		t.Run(tc.label, func(t *testing.T) {
			db, err := store.Open(store.Options{InMemory: true, MediaDir: t.TempDir(), Logger: zerolog.Nop()})
			if err != nil {
				t.Fatal(err)
			}
			graph := whatsapptest.NewServer(t)
			var refused atomic.Int32
			graph.SetResponder(func(r whatsapptest.Request) whatsapptest.Response {
				if r.Kind == "message" && r.Body["type"] == "document" && refused.Add(1) <= int32(tc.times) {
					return tc.fail
				}
				return whatsapptest.Response{}
			})
			client := whatsapp.NewClient(whatsapp.ClientConfig{BaseURL: graph.URL, Version: "v23.0", AccessToken: testToken, Timeout: 5 * time.Second})
			up := &media.Uploader{DB: db, API: client}
			f, err := up.Keep("document", "application/pdf", "plan.pdf", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("route "), 100)...))
			if err != nil {
				t.Fatal(err)
			}
			obs := &countingObserver{}
			e := New(Config{PhoneNumberIDs: []string{testPhone}, RatePerNumber: 1000, UnknownGrace: time.Millisecond,
				Backoff: func(whatsapp.Action, int) time.Duration { return time.Millisecond }},
				Options{DB: db, Sender: client, KB: planKB{sha: f.SHA256}, Files: up, Logger: zerolog.Nop(), Observer: obs})
			if err := e.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { e.Close(); db.Close() })
			m := whatsapp.Message{ID: fmt.Sprintf("wamid.plan.send.%d", i), From: "966500000302", Timestamp: time.Now(), Type: "text", Text: "where is the evacuation plan"}
			if _, err := e.Ingest(&whatsapp.Batch{Messages: []whatsapp.Message{m}}); err != nil {
				t.Fatal(err)
			}
			graph.WaitMessages(t, strings.Count(tc.types, " ")+1, 10*time.Second)
			e.WaitIdle()
			msgs := graph.Messages()
			var types []string
			for _, r := range msgs {
				types = append(types, fmt.Sprint(r.Body["type"]))
			}
			if fmt.Sprint(types) != tc.types {
				t.Fatalf("sent %v, want %s", types, tc.types)
			}
			last, _ := msgs[len(msgs)-1].Body["interactive"].(map[string]any)
			body, _ := last["body"].(map[string]any)
			action, _ := last["action"].(map[string]any)
			told := body["text"] == catalog.For("en").AttachmentFailed
			if told != tc.told || (told && !strings.Contains(fmt.Sprint(action), flows.IDHuman)) {
				t.Errorf("last message %v: told %t, want %t with a person offered", last, told, tc.told)
			}
			if n := obs.failed.Load(); n != tc.failed {
				t.Errorf("%d attachments counted as given up, want %d", n, tc.failed)
			}
			if n := len(graph.Uploads()); n != 1 {
				t.Errorf("%d uploads, want the one", n)
			}
		})
	}
}
