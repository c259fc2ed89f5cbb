package bot

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/whatsapp"
	"lifeline/store"
)

// templateWatcher records template changes; while failing it refuses them.
type templateWatcher struct {
	mu      sync.Mutex
	failing bool
	calls   int
	seen    []whatsapp.TemplateStatus
}

func (w *templateWatcher) ObserveStatus(store.Writer, *whatsapp.Status) error { return nil }

func (w *templateWatcher) ObserveTemplate(ts *whatsapp.TemplateStatus) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls++
	if w.failing {
		return errors.New("not now")
	}
	w.seen = append(w.seen, *ts)
	return nil
}

func (w *templateWatcher) snapshot() (int, []whatsapp.TemplateStatus) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.calls, append([]whatsapp.TemplateStatus(nil), w.seen...)
}

const pausedTemplateBody = `{"object":"whatsapp_business_account","entry":[{"id":"900800700600500","time":1750000000,
"changes":[{"field":"message_template_status_update","value":{"event":"PAUSED","message_template_id":1234567890,
"message_template_name":"safety_checkin","message_template_language":"en_US","reason":"LOW_QUALITY","message_template_category":"UTILITY"}}]}]}`

// A template status change acknowledged to Meta is on disk: if the
// process stops before it is acted on, the next start acts on it.
func TestTemplateStatusSurvivesARestart(t *testing.T) {
	dir := t.TempDir()
	start := func(w *templateWatcher) (*store.DB, *Engine) {
		db, err := store.Open(store.Options{Dir: dir, Logger: zerolog.Nop()})
		if err != nil {
			t.Fatal(err)
		}
		e := New(Config{PhoneNumberIDs: []string{testPhone}, RatePerNumber: 1000}, Options{DB: db, Sender: &SandboxSender{}, KB: stubKB{}, Logger: zerolog.Nop()})
		e.ObserveStatuses(w)
		if err := e.Start(); err != nil {
			t.Fatal(err)
		}
		return db, e
	}

	first := &templateWatcher{failing: true}
	db, e := start(first)
	if err := e.Accept([]byte(pausedTemplateBody)); err != nil {
		t.Fatalf("template webhook: %v", err)
	}
	// Wait until the first attempt failed, then stop as a crash would.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(2 * time.Millisecond) {
		if calls, _ := first.snapshot(); calls > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("template change never reached the observer")
		}
	}
	e.Close()
	db.Close()

	second := &templateWatcher{}
	db, e = start(second)
	defer db.Close()
	defer e.Close()
	e.WaitIdle()
	_, seen := second.snapshot()
	want := whatsapp.TemplateStatus{WABAID: "900800700600500", ID: "1234567890", Name: "safety_checkin", Language: "en_US",
		Event: "PAUSED", Reason: "LOW_QUALITY", Category: "UTILITY", At: time.Unix(1750000000, 0).UTC()}
	if len(seen) != 1 || seen[0] != want {
		t.Fatalf("after restart the observer saw %+v, want exactly %+v", seen, want)
	}
	n := 0
	ctx := context.Background()
	if err := db.Read(ctx, func(r store.Reader) error {
		return store.EachPendingInbox(ctx, r, func(uint64, json.RawMessage, error) error { n++; return nil })
	}); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d events left in the inbox after processing", n)
	}
}
