package bot

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/store"
)

// syncBuffer is a log sink shared by the engine's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestLogsNeverHoldPhoneNumbersOrTexts runs conversations through the
// engine with logging at its most verbose, including send errors, a
// recipient WhatsApp cannot reach and a bad signature, and scans every
// line for the numbers and the words.
func TestLogsNeverHoldPhoneNumbersOrTexts(t *testing.T) {
	const (
		alice = "15551230001"
		bob   = "447700900123"
		words = "my neighbour Josephine is trapped on Elm Street"
	)
	// The fake fails the test on a send to anyone else, and on a line of
	// the logs holding the token, the app secret, alice's or bob's number,
	// or their words.
	graph := whatsapptest.NewServer(t, whatsapptest.AllowRecipients(alice, bob),
		whatsapptest.Secrets(testSecret, "verify-me"), whatsapptest.PersonalData("Josephine", "Elm Street", "shelter for"))
	graph.SetToken(testToken)
	var logs syncBuffer
	log := zerolog.New(io.MultiWriter(&logs, graph.LogSink())).Level(zerolog.TraceLevel)
	db, err := store.Open(store.Options{InMemory: true, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	client := whatsapp.NewClient(whatsapp.ClientConfig{BaseURL: graph.URL, Version: "v23.0", AccessToken: testToken, Timeout: 5 * time.Second})
	e := New(Config{PhoneNumberIDs: []string{testPhone}, RatePerNumber: 1000, Backoff: func(whatsapp.Action, int) time.Duration { return time.Millisecond }},
		Options{DB: db, Sender: client, KB: stubKB{}, Logger: log})
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, db: db, engine: e, graph: graph}
	t.Cleanup(h.stop)

	graph.FailNext(2, 500, 131000) // two retryable errors
	if err := h.accept(textPayload("wamid.log.1", alice, words, time.Now())); err != nil {
		t.Fatalf("webhook: %v", err)
	}
	e.WaitIdle()
	graph.FailNext(1, 400, 131026) // bob cannot be reached
	if err := h.accept(textPayload("wamid.log.2", bob, "where is the shelter for "+words, time.Now())); err != nil {
		t.Fatalf("webhook: %v", err)
	}
	e.WaitIdle()
	e.Close()

	out := logs.String()
	if !strings.Contains(out, "send failed, will retry") || !strings.Contains(out, "message not sent") {
		t.Fatalf("the test did not exercise the error paths; logs:\n%s", out)
	}
	graph.CheckLogs()
	if n := len(graph.Messages()); n < 4 {
		t.Fatalf("%d sends reached the fake, want the retries and the replies", n)
	}
}
