package main

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/rs/zerolog"

	"lifeline/admin/httpstatus"
	"lifeline/admin/kbapi"
	"lifeline/kb"
	"lifeline/store"
)

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestKBEval(t *testing.T) {
	dir := t.TempDir()
	faq := writeFile(t, dir, "faq.tsv", "question\tanswer\tlang\n"+
		"Where is the shelter?\tAt the school.\ten\n"+
		"Is the tap water safe to drink?\tBoil it first.\ten\n"+
		"Wo ist die Notunterkunft?\tIn der Schule.\tde\n")
	pairs := writeFile(t, dir, "pairs.csv", "question_1,question_2,similar\n"+
		"Where is the shelter?,where can I find the shelter,1\n"+
		"Is the tap water safe to drink?,can I drink water from the tap,1\n"+
		"Is the tap water safe to drink?,who won the match,0\n"+
		"Wo ist die Notunterkunft?,wo finde ich die Notunterkunft,1\n")
	offTopic := writeFile(t, dir, "offtopic.txt", "# off-topic\nwho won the match\n\nbest pizza recipe\n")
	var out, errOut bytes.Buffer
	if code := runKB([]string{"eval", "--faq", faq, "--pairs", pairs, "--lang", "en", "--offtopic", offTopic}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, want := range []string{"2 positive scored (1 whose question_1 is not in the FAQ left out)", "lifeline     1.000   1.000", "bm25",
		"shown to the user: answered right ", "nothing 0.000, answered wrong 0.000",
		"not first: the entry at 2-3 0.000 4-10 0.000 11-50 0.000 beyond 50 0.000; in the first three but not shown: nothing 0.000, answered wrong 0.000",
		"2 queries: answered 0.000, suggested 0.000, none 1.000"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if code := runKB([]string{"eval", "--faq", faq}, &out, &errOut); code != 2 {
		t.Errorf("missing --pairs: exit %d, want 2", code)
	}
	// The decision alone, on off-topic messages.
	out.Reset()
	if code := runKB([]string{"eval", "--faq", faq, "--offtopic", offTopic}, &out, &errOut); code != 0 || strings.Contains(out.String(), "top-1") {
		t.Errorf("--offtopic alone: exit %d\n%s", code, out.String())
	}
	if code := runKB([]string{"eval", "--faq", faq, "--offtopic", filepath.Join(dir, "missing.txt")}, &out, &errOut); code != 1 {
		t.Errorf("missing off-topic file: exit %d, want 1", code)
	}
	if code := runKB([]string{"eval", "--faq", faq, "--pairs", pairs, "--half", "train"}, &out, &errOut); code != 2 {
		t.Errorf("--half train: exit %d, want 2", code)
	}
	// Learning from a half and scoring the same half would score what was learned.
	for _, args := range [][]string{{"--learn-from", "dev", "--half", "dev"}, {"--learn-from", "dev"}, {"--learn-from", "tune", "--half", "check"}, {"--learn-from", "all", "--half", "check"}} {
		if code := runKB(append([]string{"eval", "--faq", faq, "--pairs", pairs}, args...), &out, &errOut); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	out.Reset()
	if code := runKB([]string{"eval", "--faq", faq, "--pairs", pairs, "--lang", "en", "--learn-from", "dev", "--half", "check"}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "learned from the dev half:") {
		t.Errorf("--learn-from dev --half check: exit %d\n%s", code, out.String())
	}
}

// TestHalfOf: the halves of the pairs part them, are fixed, and differ in
// size by at most one.
func TestHalfOf(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 244} {
		var pairs []pair
		for i := range n {
			pairs = append(pairs, pair{q1: "q", q2: strings.Repeat("x", i+1)})
		}
		dev, check := halfOf(pairs, true), halfOf(pairs, false)
		if len(dev)+len(check) != n || len(dev)-len(check) > 1 || len(dev) < len(check) {
			t.Fatalf("n=%d: halves of %d and %d", n, len(dev), len(check))
		}
		seen := map[string]bool{}
		for _, p := range append(dev, check...) {
			if seen[p.q2] {
				t.Fatalf("n=%d: %q in both halves", n, p.q2)
			}
			seen[p.q2] = true
		}
		again := halfOf(pairs, true)
		for i := range dev {
			if dev[i] != again[i] {
				t.Fatalf("n=%d: the dev half changed between calls", n)
			}
		}
	}
}

// TestEntryHalfOf: the halves by entry part the pairs, and every
// paraphrase of one FAQ question is in the same half whatever its spacing.
func TestEntryHalfOf(t *testing.T) {
	var pairs []pair
	for i := range 40 {
		q1 := fmt.Sprintf("question %d", i%10)
		if i%3 == 0 {
			q1 = " " + strings.ReplaceAll(q1, " ", "  ")
		}
		pairs = append(pairs, pair{q1: q1, q2: fmt.Sprintf("paraphrase %d", i)})
	}
	tune, hold := entryHalfOf(pairs, true), entryHalfOf(pairs, false)
	if len(tune)+len(hold) != len(pairs) || len(tune) == 0 || len(hold) == 0 {
		t.Fatalf("halves of %d and %d of %d", len(tune), len(hold), len(pairs))
	}
	inTune := map[string]bool{}
	for _, p := range tune {
		inTune[normQ(p.q1)] = true
	}
	for _, p := range hold {
		if inTune[normQ(p.q1)] {
			t.Errorf("%q has paraphrases in both halves", p.q1)
		}
	}
}

// TestKBClient runs import, search and export against a live kbapi server
// behind a bearer token check.
func TestKBClient(t *testing.T) {
	db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	k, err := kb.Open(db, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true, ErrorHandler: httpstatus.Handler(zerolog.Nop())})
	g := app.Group("/admin/kb", func(c *fiber.Ctx) error {
		if c.Get("Authorization") != "Bearer secret" {
			return c.Status(401).JSON(fiber.Map{"error": "unauthorized"})
		}
		return c.Next()
	})
	kbapi.Register(g, k)
	missing := strings.Repeat("cd", 32)
	k.SetAttachmentCheck(func(a *kb.Attachment) error {
		if a.SHA256 != "" {
			return fmt.Errorf("no uploaded file has sha256 %q: upload it first with POST /admin/media", a.SHA256)
		}
		return nil
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	defer app.Shutdown()
	server := "http://" + ln.Addr().String()

	dir := t.TempDir()
	file := writeFile(t, dir, "faq.csv", "id,question,answer\nlight,Where is the lighthouse?,On the cliff.\n")
	cases := []struct {
		label    string
		args     []string
		wantCode int
		wantOut  string
	}{
		{"import", []string{"import", file, "--server", server, "--token", "secret"}, 0, "imported 1 entries as version 2 (en 1)"},
		{"bad token", []string{"import", file, "--server", server, "--token", "wrong"}, 1, ""},
		{"search", []string{"search", "where", "is", "the", "lighthouse", "--server", server, "--token", "secret"}, 0, "decision: answer (lang en)\n1. "},
		{"export", []string{"export", "--server", server, "--token", "secret"}, 0, "light,en,Where is the lighthouse?,On the cliff."},
		{"unknown", []string{"frobnicate"}, 2, ""},
	}
	for _, c := range cases {
		var out, errOut bytes.Buffer
		code := runKB(c.args, &out, &errOut)
		if code != c.wantCode || !strings.Contains(out.String(), c.wantOut) {
			t.Errorf("%s: exit %d out %q err %q", c.label, code, out.String(), errOut.String())
		}
	}
	// A file naming an attachment the media library does not have is
	// refused whole, the row, the entry and the file named.
	plan := writeFile(t, dir, "plan.csv", "id,question,answer,attachment_sha256\nlight,Where is the lighthouse?,On the cliff.,\nplan,Where is the evacuation plan?,Attached.,"+missing+"\n")
	var out0, err0 bytes.Buffer
	if code := runKB([]string{"import", plan, "--server", server, "--token", "secret"}, &out0, &err0); code != 1 ||
		!strings.Contains(err0.String(), "row 3") || !strings.Contains(err0.String(), "Where is the evacuation plan?") || !strings.Contains(err0.String(), missing) {
		t.Errorf("import naming a missing file: exit %d out %q err %q, want 1 naming row 3, the entry and the file", code, out0.String(), err0.String())
	}
	t.Setenv("LIFELINE_ADMIN_TOKEN", "secret")
	t.Setenv("LIFELINE_SERVER", server)
	var out bytes.Buffer
	outFile := filepath.Join(dir, "out.csv")
	if code := runKB([]string{"export", "--out", outFile}, &out, &out); code != 0 {
		t.Fatalf("export from env: exit %d %s", code, out.String())
	}
	if b, _ := os.ReadFile(outFile); !strings.Contains(string(b), "lighthouse") {
		t.Fatalf("export file: %s", b)
	}
}

// TestLearnChoices: a person who finds the right entry in the "did you
// mean" list picks it, the choice is approved, and the query becomes an
// alternate question that then ranks the entry first; a query whose list
// lacks the entry teaches nothing.
func TestLearnChoices(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "kb", "sample", "faq.csv"))
	if err != nil {
		t.Fatal(err)
	}
	entries, err := kb.Parse(data, kb.FormatCSV)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	k, err := kb.OpenWith(db, zerolog.Nop(), kb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.Import(entries, kb.ModeReplace, "test"); err != nil {
		t.Fatal(err)
	}
	const water, query = "Where can I get clean drinking water?", "our taps are dry where do i find water"
	before := k.Search(query, "en", 3)
	if before.Decision != kb.DecisionSuggest || before.Results[0].Question == water {
		t.Fatalf("the case needs the entry offered below the first: %s %+v", before.Decision, before.Results)
	}
	pairs := []pair{{q1: water, q2: query}, {q1: water, q2: "who won the football match"}, {q1: "Not in this FAQ?", q2: "anything"}}
	asked, chose, err := learnChoices(k, entries, pairs, "en")
	if err != nil {
		t.Fatal(err)
	}
	if asked != 2 || chose != 1 {
		t.Fatalf("asked %d, chose %d; want 2 and 1", asked, chose)
	}
	if cs, _ := k.Candidates(kb.CandidatePending); len(cs) != 0 {
		t.Errorf("%d choices left pending", len(cs))
	}
	after := k.Search(query, "en", 3)
	if len(after.Results) == 0 || after.Results[0].Question != water {
		t.Errorf("after learning, %q gets %+v", query, after.Results)
	}
}
