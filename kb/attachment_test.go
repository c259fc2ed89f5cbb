package kb

import (
	"errors"
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
