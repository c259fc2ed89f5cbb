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
	"lifeline/kb"
	"lifeline/media"
	"lifeline/store"
)

// planKB answers every question with the evacuation plan attached.
type planKB struct{ sha string }

func (k planKB) Search(q, lang string, limit int) kb.Result {
	return kb.Result{Decision: kb.DecisionAnswer, Lang: "en", Results: []kb.Hit{{ID: "plan", Question: "Where is the evacuation plan?",
		Answer: "Follow the blue route signs to the high ground.", Lang: "en",
		Attachment: &kb.Attachment{SHA256: k.sha, Kind: "document", Filename: "plan.pdf"}}}}
}

// countingObserver counts the attachments given up.
type countingObserver struct {
	NopObserver
	failed atomic.Int32
}

func (o *countingObserver) AttachmentFailed(string, int) { o.failed.Add(1) }

// TestAttachmentUploadFailure: an FAQ answer's file whose upload the
// Graph API refuses goes through the send policy like any send. A 5xx,
// a 429 or a timeout is retried and the file follows the answer; a
// request error is final. The answer's text and the question after it
// go out whatever becomes of the file; when the file is given up, the
// person is told so in their language and offered a person, and the
// failure is counted.
func TestAttachmentUploadFailure(t *testing.T) {
	cases := []struct {
		label   string
		fail    whatsapptest.Response
		times   int
		sent    bool // the document went out in the end
		uploads int  // upload requests made
	}{
		{"Graph API 500, twice", whatsapptest.Response{Status: http.StatusInternalServerError, Code: 1}, 2, true, 3},
		{"rate limit 429 (80007)", whatsapptest.Response{Status: http.StatusTooManyRequests, Code: 80007}, 1, true, 2},
		{"503 without a Graph API body", whatsapptest.Response{Status: http.StatusServiceUnavailable}, 1, true, 2},
		{"timeout", whatsapptest.Response{Hang: true}, 1, true, 2},
		{"bad request (100): final", whatsapptest.Response{Status: http.StatusBadRequest, Code: 100}, 1, false, 1},
	}
	for i, tc := range cases {
		t.Run(tc.label, func(t *testing.T) {
			db, err := store.Open(store.Options{InMemory: true, MediaDir: t.TempDir(), Logger: zerolog.Nop()})
			if err != nil {
				t.Fatal(err)
			}
			graph := whatsapptest.NewServer(t)
			client := whatsapp.NewClient(whatsapp.ClientConfig{BaseURL: graph.URL, Version: "v23.0", AccessToken: testToken, Timeout: 50 * time.Millisecond})
			up := &media.Uploader{DB: db, API: client}
			f, err := up.Keep("document", "application/pdf", "plan.pdf", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("route "), 100)...))
			if err != nil {
				t.Fatal(err)
			}
			graph.FailUploads(tc.times, tc.fail)
			obs := &countingObserver{}
			e := New(Config{PhoneNumberIDs: []string{testPhone}, RatePerNumber: 1000, UnknownGrace: time.Millisecond,
				Backoff: func(whatsapp.Action, int) time.Duration { return time.Millisecond }},
				Options{DB: db, Sender: client, KB: planKB{sha: f.SHA256}, Files: up, Logger: zerolog.Nop(), Observer: obs})
			if err := e.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { e.Close(); db.Close() })
			m := whatsapp.Message{ID: fmt.Sprintf("wamid.plan.%d", i), From: "966500000301", Timestamp: time.Now(), Type: "text", Text: "where is the evacuation plan"}
			if _, err := e.Ingest(&whatsapp.Batch{Messages: []whatsapp.Message{m}}); err != nil {
				t.Fatal(err)
			}
			want := 3 // the text, "was this helpful?" and the file, or the notice that it could not be sent
			msgs := graph.WaitMessages(t, want, 10*time.Second)
			e.WaitIdle()
			msgs = graph.Messages()
			var types []string
			for _, r := range msgs {
				types = append(types, fmt.Sprint(r.Body["type"]))
			}
			wantTypes := "[text interactive interactive]"
			if tc.sent {
				wantTypes = "[text document interactive]"
			}
			if fmt.Sprint(types) != wantTypes {
				t.Errorf("sent %v, want %s", types, wantTypes)
			}
			if !tc.sent && len(msgs) == 3 {
				ia, _ := msgs[2].Body["interactive"].(map[string]any)
				body, _ := ia["body"].(map[string]any)
				action, _ := ia["action"].(map[string]any)
				if body["text"] != catalog.For("en").AttachmentFailed || !strings.Contains(fmt.Sprint(action), flows.IDHuman) {
					t.Errorf("after the file failed: %v, want the notice with a person offered", ia)
				}
			}
			if n, want := obs.failed.Load(), map[bool]int32{true: 0, false: 1}[tc.sent]; n != want {
				t.Errorf("%d attachments counted as failed, want %d", n, want)
			}
			if tc.sent {
				doc, _ := msgs[1].Body["document"].(map[string]any)
				if uploads := graph.Uploads(); len(uploads) != 1 || doc["id"] != uploads[0].ID {
					t.Errorf("document %v, want the one successful upload's id (%d uploads kept)", doc, len(uploads))
				}
			}
			n := 0
			for _, r := range graph.Requests() {
				if r.Kind == "upload" {
					n++
				}
			}
			if n != tc.uploads {
				t.Errorf("%d upload requests, want %d", n, tc.uploads)
			}
		})
	}
}
