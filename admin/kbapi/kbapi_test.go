package kbapi

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/rs/zerolog"

	"lifeline/admin/httpstatus"
	"lifeline/kb"
	"lifeline/store"
)

func newApp(t *testing.T) (*fiber.App, *kb.KB) {
	t.Helper()
	db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	k, err := kb.Open(db, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New(fiber.Config{ErrorHandler: httpstatus.Handler(zerolog.Nop())})
	Register(app.Group("/admin/kb"), k)
	return app, k
}

type call struct {
	label       string
	method      string
	path        string
	contentType string
	body        string
	wantStatus  int
	wantBody    string // exact JSON when it starts with '{' or '[', else a substring; "score":"*" matches any positive score
}

// anyScore replaces positive "score" values with "*": the ranking
// formula's exact numbers are not part of the API, their presence is.
func anyScore(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if f, ok := e.(float64); ok && k == "score" && f > 0 {
				x[k] = "*"
			} else {
				x[k] = anyScore(e)
			}
		}
	case []any:
		for i, e := range x {
			x[i] = anyScore(e)
		}
	}
	return v
}

func run(t *testing.T, app *fiber.App, cs []call) {
	t.Helper()
	for _, c := range cs {
		req := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
		if c.contentType != "" {
			req.Header.Set("Content-Type", c.contentType)
		}
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Fatalf("%s: %v", c.label, err)
		}
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != c.wantStatus {
			t.Errorf("%s: status %d, want %d: %s", c.label, resp.StatusCode, c.wantStatus, b)
			continue
		}
		switch {
		case c.wantBody == "":
		case strings.HasPrefix(c.wantBody, "{") || strings.HasPrefix(c.wantBody, "["):
			var got, want any
			if err := json.Unmarshal(b, &got); err != nil {
				t.Errorf("%s: body is not JSON: %s", c.label, b)
				continue
			}
			_ = json.Unmarshal([]byte(c.wantBody), &want)
			gj, _ := json.Marshal(anyScore(got))
			wj, _ := json.Marshal(want)
			if string(gj) != string(wj) {
				t.Errorf("%s:\n got %s\nwant %s", c.label, gj, wj)
			}
		case !strings.Contains(string(b), c.wantBody):
			t.Errorf("%s: body %s does not contain %q", c.label, b, c.wantBody)
		}
	}
}

const faqCSV = "id,question,answer,question_ar,answer_ar\n" +
	"gen,Is there a generator at the town hall?,Yes: the town hall has one.,هل يوجد مولد في البلدية؟,نعم يوجد مولد في البلدية.\n"

func TestRoutes(t *testing.T) {
	app, _ := newApp(t)
	run(t, app, []call{
		{"import csv", "POST", "/admin/kb/import?mode=replace", "text/csv", faqCSV, 200,
			`{"imported":1,"languages":{"ar":1,"en":1},"version":2}`},
		{"search answers exactly", "GET", "/admin/kb/search?q=generator%20town%20hall&lang=en&limit=1", "", "", 200,
			`{"decision":"answer","lang":"en","results":[{"id":"gen","question":"Is there a generator at the town hall?","answer":"Yes: the town hall has one.","lang":"en","score":"*"}]}`},
		{"search arabic", "GET", "/admin/kb/search?q=" + "%D9%85%D9%88%D9%84%D8%AF%20%D8%A7%D9%84%D8%A8%D9%84%D8%AF%D9%8A%D8%A9", "", "", 200, `"id":"gen/ar"`},
		{"search off-topic", "GET", "/admin/kb/search?q=best%20pizza%20recipe", "", "", 200, `{"decision":"none","lang":"","results":[]}`},
		{"search off-topic in english", "GET", "/admin/kb/search?q=best%20pizza%20recipe&lang=en", "", "", 200, `{"decision":"none","lang":"en","results":[]}`},
		{"search without q", "GET", "/admin/kb/search", "", "", 400, `{"error":"q is required"}`},
		{"import tsv merge", "POST", "/admin/kb/import?mode=merge", "text/tab-separated-values", "id\tquestion\tanswer\nwater\tIs the water safe?\tBoil it.\n", 200,
			`{"imported":1,"languages":{"en":1},"version":3}`},
		{"import json", "POST", "/admin/kb/import?mode=merge", "application/json", `[{"id":"j","question":"JSON question?","answer":"JSON answer."}]`, 200, `"version":4`},
		{"import markdown", "POST", "/admin/kb/import?mode=merge", "text/markdown; charset=utf-8", "## Markdown question?\nMarkdown answer.\n", 200, `"version":5`},
		{"bad rows", "POST", "/admin/kb/import", "text/csv", "question,answer\nok?,fine\n,missing question\nno answer?,\n", 400,
			`{"error":"invalid rows, nothing imported","rows":[{"row":3,"error":"question is empty"},{"row":4,"error":"answer is empty"}]}`},
		{"unknown type", "POST", "/admin/kb/import", "application/pdf", "%PDF", 415, `"error"`},
		{"bad mode", "POST", "/admin/kb/import?mode=append", "text/csv", faqCSV, 400, `"error"`},
		{"list entries", "GET", "/admin/kb/entries", "", "", 200, `"version":5`},
		{"get entry", "GET", "/admin/kb/entries/gen", "", "", 200, `"translations"`},
		{"get missing", "GET", "/admin/kb/entries/nope", "", "", 404, `{"error":"entry not found"}`},
		{"create", "POST", "/admin/kb/entries", "application/json", `{"id":"new","question":"New?","answer":"Yes."}`, 201, `"version":6`},
		{"create duplicate", "POST", "/admin/kb/entries", "application/json", `{"id":"new","question":"New?","answer":"Yes."}`, 409, `"error"`},
		{"create invalid", "POST", "/admin/kb/entries", "application/json", `{"question":"","answer":"x"}`, 400, `"error"`},
		{"update", "PUT", "/admin/kb/entries/new", "application/json", `{"question":"New?","answer":"Changed."}`, 200, `"Changed."`},
		{"update missing", "PUT", "/admin/kb/entries/nope", "application/json", `{"question":"x?","answer":"y"}`, 404, `"error"`},
		{"delete", "DELETE", "/admin/kb/entries/new", "", "", 200, `{"deleted":"new","version":8}`},
		{"versions", "GET", "/admin/kb/versions", "", "", 200, `"live":8`},
		{"diff", "GET", "/admin/kb/versions/3/diff", "", "", 200, `{"from":2,"to":3,"added":["water"],"removed":[],"changed":[]}`},
		{"diff missing", "GET", "/admin/kb/versions/99/diff", "", "", 404, `"error"`},
		{"rollback", "POST", "/admin/kb/versions/2/rollback", "", "", 200, `"version":9`},
		{"rollback bad", "POST", "/admin/kb/versions/x/rollback", "", "", 400, `"error"`},
		{"export", "GET", "/admin/kb/export.csv", "", "", 200, "id,lang,question,answer,alt_questions,category,tags,link,question_ar,answer_ar,alt_questions_ar\ngen,en,Is there a generator"},
		{"unanswered", "GET", "/admin/kb/unanswered?hours=24", "", "", 200, `{"groups":[],"hours":24}`},
		{"candidates", "GET", "/admin/kb/candidates", "", "", 200, `{"candidates":[]}`},
		{"approve missing", "POST", "/admin/kb/candidates/nope/approve", "", "", 404, `"error"`},
		{"feedback", "GET", "/admin/kb/feedback", "", "", 200, `{"feedback":[]}`},
	})
}

func TestCandidatesAndFeedbackRoutes(t *testing.T) {
	app, k := newApp(t)
	if err := k.RecordChoice("a dry place to sleep", "en", "shelter", testTime); err != nil {
		t.Fatal(err)
	}
	if err := k.RecordFeedback("shelter", false, testTime); err != nil {
		t.Fatal(err)
	}
	cs, _ := k.Candidates(kb.CandidatePending)
	run(t, app, []call{
		{"candidates", "GET", "/admin/kb/candidates", "", "", 200, `"query":"a dry place to sleep"`},
		{"approve", "POST", "/admin/kb/candidates/" + cs[0].ID + "/approve", "", "", 200, `"status":"approved"`},
		{"no more pending", "GET", "/admin/kb/candidates", "", "", 200, `{"candidates":[]}`},
		{"all", "GET", "/admin/kb/candidates?status=all", "", "", 200, `"status":"approved"`},
		{"entry has it", "GET", "/admin/kb/entries/shelter", "", "", 200, `a dry place to sleep`},
		{"feedback", "GET", "/admin/kb/feedback", "", "", 200, `"not_helpful":1`},
	})
}

// TestEntryIDOutlivesTheRequest updates an entry without an id in the
// body, so the knowledge base takes the id from the path, then serves
// many requests whose paths put other bytes where the id was: the id kept
// in memory must not change with them. The app is not Immutable: the
// routes copy what they keep.
func TestEntryIDOutlivesTheRequest(t *testing.T) {
	app, k := newApp(t)
	run(t, app, []call{
		{"create", "POST", "/admin/kb/entries", "application/json", `{"id":"zz-generator","question":"Generator?","answer":"Yes."}`, 201, ""},
		{"update without id", "PUT", "/admin/kb/entries/zz-generator", "application/json", `{"question":"Generator?","answer":"Changed."}`, 200, `"Changed."`},
	})
	var noise []call
	for i := 0; i < 200; i++ {
		noise = append(noise, call{"other id", "GET", fmt.Sprintf("/admin/kb/entries/bc%06d", i), "", "", 404, ""},
			call{"other version", "GET", fmt.Sprintf("/admin/kb/versions/9%011d/diff", i), "", "", 404, ""})
	}
	run(t, app, noise)
	found := false
	for _, e := range k.Entries() {
		found = found || e.ID == "zz-generator"
		if strings.HasPrefix(e.ID, "bc") || strings.Contains(e.ID, "/") || strings.HasPrefix(e.ID, "9") {
			t.Errorf("entry id %q in memory is the bytes of a later request", e.ID)
		}
	}
	if !found {
		t.Fatal("entry zz-generator is no longer in memory under its id")
	}
	run(t, app, []call{
		{"get", "GET", "/admin/kb/entries/zz-generator", "", "", 200, `"Changed."`},
		{"delete", "DELETE", "/admin/kb/entries/zz-generator", "", "", 200, `"deleted":"zz-generator"`},
	})
}
