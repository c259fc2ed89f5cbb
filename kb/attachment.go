package kb

import (
	"encoding/hex"
	"fmt"
	"strings"
)

// Attachment is what an FAQ answer sends right after its text: a file
// uploaded with POST /admin/media (by its sha256), or a place of the
// places list (by its id), sent as a location message.
type Attachment struct {
	SHA256 string `json:"sha256,omitempty"`
	Place  string `json:"place,omitempty"`
	// Kind and Filename are the file's, filled by the attachment check
	// when the entry is saved (document when no check ran).
	Kind     string `json:"kind,omitempty"`
	Filename string `json:"filename,omitempty"`
}

// normalize trims a and says what is wrong with it, "" when nothing.
func (a *Attachment) normalize() string {
	a.SHA256 = strings.ToLower(strings.TrimSpace(a.SHA256))
	a.Place = strings.TrimSpace(a.Place)
	switch {
	case a.SHA256 == "" && a.Place == "":
		return "attachment names neither a file (sha256) nor a place"
	case a.SHA256 != "" && a.Place != "":
		return "attachment names both a file and a place: give one"
	case a.SHA256 != "":
		if b, err := hex.DecodeString(a.SHA256); err != nil || len(b) != 32 {
			return fmt.Sprintf("attachment sha256 %q is not 64 hex digits", a.SHA256)
		}
	}
	return ""
}

// AttachmentCheck says whether the file or place an attachment names
// exists, and fills a file's Kind and Filename; its error is shown to
// whoever saved the entry.
type AttachmentCheck func(*Attachment) error

// SetAttachmentCheck makes imports and entry edits refuse entries whose
// attachment names a file never uploaded or an unknown place. Without
// one, only the attachment's form is checked.
func (k *KB) SetAttachmentCheck(fn AttachmentCheck) { k.attachCheck.Store(&fn) }

// checkAttachments runs the attachment check over entries; each error
// names the entry's row as rows does (nil: from 1), its question and
// what its attachment names.
func (k *KB) checkAttachments(entries []Entry, rows []int) []RowError {
	p := k.attachCheck.Load()
	if p == nil || *p == nil {
		return nil
	}
	var errs []RowError
	for i := range entries {
		e := &entries[i]
		if e.Attachment == nil {
			continue
		}
		a := *e.Attachment
		e.Attachment = &a
		if err := (*p)(e.Attachment); err != nil {
			row := i + 1
			if i < len(rows) {
				row = rows[i]
			}
			errs = append(errs, RowError{Row: row, Error: fmt.Sprintf("attachment of %q: %v", clip(e.Question, 60), err)})
		}
	}
	return errs
}

// clip cuts s to n characters for an error message.
func clip(s string, n int) string {
	if r := []rune(strings.TrimSpace(s)); len(r) > n {
		return string(r[:n]) + "…"
	}
	return strings.TrimSpace(s)
}
