package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot"
	"lifeline/kb"
)

// TestLiveUpdatesAndFAQReloadFlowThroughTheBus starts a whole instance and
// shows the two things the bus carries between instances: the console's
// event stream shows the engine's events and those another instance
// publishes on the bus, and a FAQ version made live by another instance
// (a second knowledge base on the same store) is reloaded here.
func TestLiveUpdatesAndFAQReloadFlowThroughTheBus(t *testing.T) {
	const token = "ll_bus-test-admin-token"
	cfg, err := loadConfig(nil, envOf(map[string]string{"LIFELINE_DATA_DIR": t.TempDir(), "LIFELINE_ADMIN_TOKEN": token,
		"LIFELINE_ADDR": "127.0.0.1:0", "LIFELINE_THESAURUS_DIR": ""}))
	if err != nil {
		t.Fatal(err)
	}
	in, err := start(cfg, zerolog.Nop(), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	defer in.close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go in.http.App().Listener(ln)
	base := "http://" + ln.Addr().String()
	client := &http.Client{Timeout: 60 * time.Second}

	req, _ := http.NewRequest("GET", base+"/admin/events", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("events = %d", resp.StatusCode)
	}
	lines := bufio.NewScanner(resp.Body)
	for lines.Scan() && lines.Text() != ": connected" {
	}

	// This instance's engine: a sandbox message.
	body := strings.NewReader(`{"from": "15550001234", "text": "hello"}`)
	sr, err := client.Post(base+"/sandbox/messages", "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	sr.Body.Close()
	// Another instance's engine: an event published on the bus.
	remote, _ := json.Marshal(bot.Event{Kind: "handoff", User: "15550009999", At: time.Now()})
	if err := in.bus.Publish(context.Background(), bot.EventsTopic, remote); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{
		`"kind":"message","user":"15550001234"`: false,
		`"kind":"handoff","user":"15550009999"`: false,
	}
	var got []string
	for missing := len(want); missing > 0 && lines.Scan(); {
		line, ok := strings.CutPrefix(lines.Text(), "data: ")
		if !ok {
			continue
		}
		got = append(got, line)
		for w, seen := range want {
			if !seen && strings.Contains(line, w) {
				want[w] = true
				missing--
			}
		}
	}
	for w, seen := range want {
		if !seen {
			t.Errorf("the console stream lacks %s; it carried:\n%s", w, strings.Join(got, "\n"))
		}
	}

	// Another instance makes a new FAQ version live.
	other, err := kb.OpenWith(in.db, zerolog.Nop(), kb.Options{Bus: in.bus})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	before := in.faq.Version()
	rep, err := other.Import([]kb.Entry{{ID: "shelter", Lang: "en", Question: "Where is the nearest shelter?",
		Answer: "The school on Main Street is open as a shelter."}}, kb.ModeReplace, "test")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Version != before+1 {
		t.Fatalf("imported version %d, want %d", rep.Version, before+1)
	}
	deadline := time.Now().Add(30 * time.Second)
	for in.faq.Version() != rep.Version {
		if time.Now().After(deadline) {
			t.Fatalf("this instance still serves FAQ version %d, want %d", in.faq.Version(), rep.Version)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, ok := in.faq.Entry("shelter"); !ok {
		t.Fatal("the reloaded FAQ lacks the new entry")
	}
}
