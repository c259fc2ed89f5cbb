package kb

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Fuzz targets for the FAQ importers. Each checks, for any input:
//   - Parse does not panic and is deterministic (same entries or same error);
//   - an error is an *ImportError naming rows in order, each with a message,
//     and the row numbers exist in the file;
//   - accepted entries are valid: question, answer, a language code, unique
//     ids;
//   - what Parse accepted survives the way back: exported as CSV (what
//     GET /admin/kb/export writes) and parsed again, the same entries; JSON
//     and Markdown also round-trip through their own format.
//
//	go test ./kb -run '^$' -fuzz FuzzParseCSV -fuzztime 10m

func seedImportFiles(f *testing.F, add func([]byte)) {
	sample, err := os.ReadFile(filepath.Join("sample", "faq.csv"))
	if err != nil {
		f.Fatal(err)
	}
	add(sample)
}

func FuzzParseCSV(f *testing.F) {
	seedImportFiles(f, func(b []byte) { f.Add(b) })
	for _, s := range []string{
		"question,answer\nIs the water safe?,Boil it first.\n",
		"\ufeffid,lang,question,answer,alt_questions,tags,question_ar,answer_ar\nwater,en,Water?,Boil it.,a|b,x,هل الماء آمن؟,اغلِه.\n",
		"question,answer\n\"multi\nline\",\"quoted \"\"answer\"\"\"\n,\n",
		"question,answer,question_en\nq,a,q2\n",
		"question\nq\n",
		"question,answer\n\"unterminated,a\n",
		"Question , Answer,Language,URL\nq,a,AR,http://x y\n",
		"id,question,answer\nsame,q1,a\nsame,q2,a\n",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, data, FormatCSV) })
}

func FuzzParseTSV(f *testing.F) {
	f.Add([]byte("question\tanswer\nIs the water safe?\tBoil it first.\n"))
	f.Add([]byte("id\tlang\tquestion\tanswer\tquestion_ar\tanswer_ar\talt_questions_ar\nw\ten\tWater?\tBoil.\tماء؟\tاغلِه.\tأ|ب\n"))
	f.Add([]byte("question\tanswer\n\"a\tb\"\t\"c\nd\"\n"))
	f.Add([]byte("question,answer\nq,a\n"))
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, data, FormatTSV) })
}

func FuzzParseJSON(f *testing.F) {
	f.Add([]byte(`[{"question":"Is the water safe?","answer":"Boil it first.","lang":"en","tags":["water"],"alt_questions":["drinking water"]}]`))
	f.Add([]byte(`{"entries":[{"id":"w","question":"q","answer":"a","translations":{"ar":{"question":"س","answer":"ج"}}}]}`))
	f.Add([]byte(`[{"question":"q","answer":"a","translations":{"en":{"question":"q","answer":"a"}}},{"question":1}]`))
	f.Add([]byte(`[{"question":" q ","answer":"a","link":"http://x y","lang":"EN"},{"id":"bad id","question":"q","answer":"a"}]`))
	f.Add([]byte(`{"entries":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, data, FormatJSON) })
}

func FuzzParseMarkdown(f *testing.F) {
	f.Add([]byte("# Flood FAQ\nintro\n\n## Is the water safe?\nBoil it first.\n\n## Where is the shelter?\nThe school on Main St.\n"))
	f.Add([]byte("## q\r\na\r\n##\r\n## q2\n"))
	f.Add([]byte("no headings at all"))
	f.Add([]byte("##  \n\n### not a question\n"))
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, data, FormatMarkdown) })
}

func checkParse(t *testing.T, data []byte, f Format) {
	entries, err := Parse(data, f)
	again, err2 := Parse(data, f)
	if errString(err) != errString(err2) || !reflect.DeepEqual(entries, again) {
		t.Fatalf("Parse is not deterministic: %v / %v", err, err2)
	}
	if err != nil {
		checkImportError(t, data, f, err)
		return
	}
	checkEntries(t, entries)

	// Back through the CSV export.
	exported, err := encodeCSV(entries)
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	back, err := Parse(exported, FormatCSV)
	if err != nil {
		t.Fatalf("the exported CSV does not import: %v\nentries %+v\nCSV %q", err, entries, exported)
	}
	sameEntries(t, "CSV export", entries, back)

	switch f {
	case FormatJSON:
		raw, err := json.Marshal(entries)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Parse(raw, FormatJSON)
		if err != nil {
			t.Fatalf("re-import of the JSON: %v", err)
		}
		sameEntries(t, "JSON", entries, back)
	case FormatMarkdown:
		// An answer with a line that itself reads as a "##" heading cannot
		// be written back as Markdown without escaping, which the format
		// does not have a plain way to say; those inputs stop here.
		for _, e := range entries {
			for _, l := range strings.Split(e.Answer, "\n") {
				if strings.HasPrefix(strings.TrimSpace(l), "##") {
					return
				}
			}
		}
		var b strings.Builder
		for _, e := range entries {
			b.WriteString("## " + e.Question + "\n\n" + e.Answer + "\n\n")
		}
		back, err := Parse([]byte(b.String()), FormatMarkdown)
		if err != nil {
			t.Fatalf("re-import of the Markdown: %v", err)
		}
		sameEntries(t, "Markdown", entries, back)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func checkImportError(t *testing.T, data []byte, f Format, err error) {
	var ie *ImportError
	if !errors.As(err, &ie) || !errors.Is(err, ErrInvalid) {
		t.Fatalf("error %v (%T): want an *ImportError that is ErrInvalid", err, err)
	}
	if len(ie.Rows) == 0 {
		t.Fatal("ImportError without rows")
	}
	// Rows are lines (CSV, TSV, Markdown: at most one past the last line)
	// or entries (JSON: 0 for the file as a whole).
	last := bytes.Count(data, []byte("\n")) + 1
	if f == FormatJSON {
		last = max(len(data), 1)
	}
	prev := -1
	for _, r := range ie.Rows {
		if strings.TrimSpace(r.Error) == "" {
			t.Errorf("row %d: empty message", r.Row)
		}
		if r.Row < prev {
			t.Errorf("rows out of order: %d after %d", r.Row, prev)
		}
		prev = r.Row
		switch {
		case f == FormatJSON && r.Row < 0, f != FormatJSON && r.Row < 1:
			t.Errorf("row %d does not name a row (%s)", r.Row, r.Error)
		case r.Row > last:
			t.Errorf("row %d is past the end of the file (%d)", r.Row, last)
		}
	}
}

func checkEntries(t *testing.T, entries []Entry) {
	if len(entries) == 0 {
		return
	}
	ids := map[string]bool{}
	for i, e := range entries {
		switch {
		case e.Question == "" || e.Question != strings.TrimSpace(e.Question):
			t.Errorf("entry %d: question %q", i, e.Question)
		case e.Answer == "" || e.Answer != strings.TrimSpace(e.Answer):
			t.Errorf("entry %d: answer %q", i, e.Answer)
		case !langRe.MatchString(e.Lang):
			t.Errorf("entry %d: lang %q", i, e.Lang)
		case !idRe.MatchString(e.ID):
			t.Errorf("entry %d: id %q", i, e.ID)
		case ids[e.ID]:
			t.Errorf("entry %d: id %q repeats", i, e.ID)
		}
		ids[e.ID] = true
		for l, tr := range e.Translations {
			if !langRe.MatchString(l) || l == e.Lang || tr.Question == "" || tr.Answer == "" {
				t.Errorf("entry %d: translation %q %+v", i, l, tr)
			}
		}
	}
}

// sameEntries compares what matters to the bot; nil and empty lists or
// maps are the same thing.
func sameEntries(t *testing.T, what string, want, got []Entry) {
	t.Helper()
	norm := func(es []Entry) []Entry {
		out := cloneEntries(es)
		for i := range out {
			e := &out[i]
			if len(e.AltQuestions) == 0 {
				e.AltQuestions = nil
			}
			if len(e.Tags) == 0 {
				e.Tags = nil
			}
			if len(e.Translations) == 0 {
				e.Translations = nil
			}
			for l, tr := range e.Translations {
				if len(tr.AltQuestions) == 0 {
					tr.AltQuestions = nil
				}
				e.Translations[l] = tr
			}
		}
		return out
	}
	w, g := norm(want), norm(got)
	if len(w) != len(g) {
		t.Fatalf("%s round trip: %d entries, then %d", what, len(w), len(g))
	}
	for i := range w {
		if !reflect.DeepEqual(w[i], g[i]) {
			t.Fatalf("%s round trip changed entry %d:\n%#v\n%#v", what, i, w[i], g[i])
		}
	}
}
