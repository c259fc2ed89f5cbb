package kb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// An entry's attachment is read from CSV and JSON, checked in form and
// (by the check the server sets) in existence, kept through the export,
// and carried to the search hits of every language of the entry.
func TestEntryAttachment(t *testing.T) {
	sha := strings.Repeat("ab", 32)
	for _, c := range []struct {
		name, csv, want string
	}{
		{"a file", "question,answer,attachment_sha256\nWhere is the map?,Here.," + strings.ToUpper(sha) + "\n", ""},
		{"a place", "question,answer,attachment_place\nWhere is the shelter?,Here.,p12\n", ""},
		{"both", "question,answer,attachment_sha256,attachment_place\nq?,a.," + sha + ",p12\n", "give one"},
		{"not a sha256", "question,answer,attachment_sha256\nq?,a.,abc\n", "not 64 hex digits"},
	} {
		_, err := Parse([]byte(c.csv), FormatCSV)
		if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}

	k := openKB(t)
	k.SetAttachmentCheck(func(a *Attachment) error {
		if a.SHA256 != "" && a.SHA256 != sha {
			return errors.New("no such file")
		}
		if a.SHA256 != "" {
			a.Kind = "document"
		}
		return nil
	})
	in := []Entry{{ID: "map", Lang: "en", Question: "Where is the evacuation map?", Answer: "Attached.",
		Attachment:   &Attachment{SHA256: strings.ToUpper(sha)},
		Translations: map[string]Translation{"ar": {Question: "أين خريطة الإخلاء؟", Answer: "مرفقة."}}}}
	if _, err := k.Import(in, ModeReplace, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := k.CreateEntry(Entry{Question: "q?", Answer: "a.", Attachment: &Attachment{SHA256: strings.Repeat("cd", 32)}}); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("an entry naming an unknown file: %v, want refused", err)
	}
	for _, q := range []struct{ text, lang string }{{"Where is the evacuation map?", "en"}, {"أين خريطة الإخلاء؟", "ar"}} {
		res := k.Search(q.text, q.lang, 1)
		if len(res.Results) == 0 || res.Results[0].Attachment == nil || res.Results[0].Attachment.SHA256 != sha || res.Results[0].Attachment.Kind != "document" {
			t.Errorf("search %q: %+v, want the attachment on the hit", q.text, res.Results)
		}
	}
	out, err := k.ExportCSV()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(out, FormatCSV)
	if err != nil || len(back) != 1 || back[0].Attachment == nil || back[0].Attachment.SHA256 != sha {
		t.Errorf("export read back as %+v (%v), want the attachment", back, err)
	}
}

// An attachment naming a file the library does not have is refused when
// the file is imported (the CLI's `lifeline kb import` posts it to the
// same import) and when it is added to an incident's overlay: the error
// names the row as a spreadsheet shows it, the entry and the file.
func TestMissingAttachmentRefused(t *testing.T) {
	kept, missing := strings.Repeat("ab", 32), strings.Repeat("cd", 32)
	k := openKB(t)
	k.SetAttachmentCheck(func(a *Attachment) error {
		if a.SHA256 != "" && a.SHA256 != kept {
			return fmt.Errorf("no uploaded file has sha256 %q", a.SHA256)
		}
		return nil
	})
	if _, err := k.Import([]Entry{{Lang: "en", Question: "Where is the map?", Answer: "Here."}}, ModeReplace, ""); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		label, format string
		data          string
		row           int
	}{
		{"CSV: the header is row 1", "csv", "question,answer,attachment_sha256\nWhere is the map?,Here.," + kept + "\nWhere is the evacuation plan?,Attached.," + missing + "\n", 3},
		{"JSON: entries count from 1", "json", `[{"question":"Where is the map?","answer":"Here."},{"question":"Where is the evacuation plan?","answer":"Attached.","attachment":{"sha256":"` + missing + `"}}]`, 2},
	} {
		f := FormatCSV
		if c.format == "json" {
			f = FormatJSON
		}
		entries, rows, err := ParseRows([]byte(c.data), f)
		if err != nil {
			t.Fatalf("%s: parse: %v", c.label, err)
		}
		_, err = k.ImportRows(entries, rows, ModeMerge, "")
		var ie *ImportError
		if !errors.As(err, &ie) || len(ie.Rows) != 1 || ie.Rows[0].Row != c.row ||
			!strings.Contains(ie.Rows[0].Error, "Where is the evacuation plan?") || !strings.Contains(ie.Rows[0].Error, missing) {
			t.Errorf("%s: %v, want row %d naming the entry and the missing file", c.label, err, c.row)
		}
	}
	if got := k.Search("Where is the evacuation plan?", "en", 1); got.Decision == DecisionAnswer && got.Results[0].Question == "Where is the evacuation plan?" {
		t.Errorf("a refused import was applied: %+v", got.Results[0])
	}

	gate := openIncidents{"inc000001": true}
	_, err := k.AddOverlay(context.Background(), "inc000001", Entry{Lang: "en", Question: "Where is the flood map?", Answer: "Attached.",
		Attachment: &Attachment{SHA256: missing}}, "admin", gate.admit)
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "Where is the flood map?") || !strings.Contains(err.Error(), missing) {
		t.Errorf("overlay entry naming a missing file: %v, want refused naming the entry and the file", err)
	}
	if ov, err := k.Overlay(context.Background(), "inc000001"); err != nil || len(ov) != 0 {
		t.Errorf("overlay after the refusal: %v %v, want empty", ov, err)
	}
	if _, err := k.AddOverlay(context.Background(), "inc000001", Entry{Lang: "en", Question: "Where is the flood map?", Answer: "Attached.",
		Attachment: &Attachment{SHA256: kept}}, "admin", gate.admit); err != nil {
		t.Errorf("overlay entry naming a kept file: %v", err)
	}
}
