// Package media owns the files that travel with messages: the limits
// WhatsApp sets on them by type, the download of what people send (in
// the background, while its id is valid, checked, then kept by the store
// beside the transcript), and the upload of what Lifeline sends, once per
// file and number.
package media

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"mime"
	"slices"
	"strings"
)

// Limit is what WhatsApp accepts for one kind of media (reference §6.7).
type Limit struct {
	Kind  string
	Types []string // MIME types
	Max   int64    // bytes
	// MaxAnimated replaces Max for animated stickers.
	MaxAnimated int64
}

const (
	kb = 1 << 10
	mb = 1 << 20
)

// limits by kind. Inbound media uses the same table: a file WhatsApp
// would refuse to carry is not one a person can have sent.
var limits = map[string]Limit{
	"image": {Kind: "image", Types: []string{"image/jpeg", "image/png"}, Max: 5 * mb},
	"video": {Kind: "video", Types: []string{"video/mp4", "video/3gpp"}, Max: 16 * mb},
	"audio": {Kind: "audio", Types: []string{"audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"}, Max: 16 * mb},
	"document": {Kind: "document", Max: 100 * mb, Types: []string{
		"text/plain", "application/pdf",
		"application/msword", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		"application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"application/vnd.ms-powerpoint", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	}},
	"sticker": {Kind: "sticker", Types: []string{"image/webp"}, Max: 100 * kb, MaxAnimated: 500 * kb},
}

// LimitFor returns the limit of kind; ok is false for a kind that is not media.
func LimitFor(kind string) (Limit, bool) {
	l, ok := limits[kind]
	return l, ok
}

// Largest is the largest file WhatsApp carries of any kind (a document).
func Largest() int64 {
	var n int64
	for _, l := range limits {
		n = max(n, l.Max, l.MaxAnimated)
	}
	return n
}

// MaxSize is the largest file of kind (the animated sticker's for stickers).
func (l Limit) MaxSize(animated bool) int64 {
	if animated && l.MaxAnimated > 0 {
		return l.MaxAnimated
	}
	return l.Max
}

// LimitError says which limit a file broke; its message names it.
type LimitError struct {
	Kind  string
	Limit string // "size", "type", "kind" or "sha256"
	Msg   string
}

func (e *LimitError) Error() string { return e.Msg }

// BaseType is a MIME type without parameters, lower case ("audio/ogg;
// codecs=opus" is "audio/ogg").
func BaseType(t string) string {
	if mt, _, err := mime.ParseMediaType(t); err == nil {
		return mt
	}
	base, _, _ := strings.Cut(t, ";")
	return strings.ToLower(strings.TrimSpace(base))
}

// Check says whether a file of mimeType and size may travel as kind.
// A size below zero is not known yet and not checked.
func Check(kind, mimeType string, size int64, animated bool) error {
	l, ok := limits[kind]
	if !ok {
		return &LimitError{Kind: kind, Limit: "kind", Msg: fmt.Sprintf("%q is not a media kind (image, video, audio, document or sticker)", kind)}
	}
	mt := BaseType(mimeType)
	if !slices.Contains(l.Types, mt) {
		return &LimitError{Kind: kind, Limit: "type", Msg: fmt.Sprintf("%s of type %q is not allowed: WhatsApp takes %s", kind, mt, strings.Join(l.Types, ", "))}
	}
	if size == 0 {
		return &LimitError{Kind: kind, Limit: "size", Msg: fmt.Sprintf("%s is empty", kind)}
	}
	if max := l.MaxSize(animated); size > max {
		return &LimitError{Kind: kind, Limit: "size", Msg: fmt.Sprintf("%s of %s is over the limit of %s", kind, human(size), human(max))}
	}
	return nil
}

// Verify checks downloaded data against its limits and against the
// sha256 the webhook or the Graph API announced (each may be empty, hex
// or base64: the reference shows hex, live webhooks have sent base64). It
// returns the data's sha256 in hex.
func Verify(kind, mimeType string, animated bool, data []byte, wantSHA ...string) (string, error) {
	sum := sha256.Sum256(data)
	got := hex.EncodeToString(sum[:])
	for _, w := range wantSHA {
		if w != "" && !strings.EqualFold(w, got) && w != base64.StdEncoding.EncodeToString(sum[:]) {
			return got, &LimitError{Kind: kind, Limit: "sha256", Msg: fmt.Sprintf("%s does not match its sha256 (announced %.12s…, got %.12s…)", kind, w, got)}
		}
	}
	return got, Check(kind, mimeType, int64(len(data)), animated)
}

func human(n int64) string {
	switch {
	case n >= mb && n%mb == 0:
		return fmt.Sprintf("%d MB", n/mb)
	case n >= mb:
		return fmt.Sprintf("%.1f MB", float64(n)/mb)
	case n >= kb && n%kb == 0:
		return fmt.Sprintf("%d KB", n/kb)
	}
	return fmt.Sprintf("%d bytes", n)
}

// extensions are the usual file extensions of the types WhatsApp carries;
// mime.ExtensionsByType would name a JPEG ".jfif".
var extensions = map[string]string{
	"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp",
	"audio/ogg": ".ogg", "audio/mpeg": ".mp3", "audio/aac": ".aac", "audio/amr": ".amr", "audio/mp4": ".m4a",
	"video/mp4": ".mp4", "video/3gpp": ".3gp", "application/pdf": ".pdf", "text/plain": ".txt",
	"application/msword": ".doc", "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
	"application/vnd.ms-excel": ".xls", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
	"application/vnd.ms-powerpoint": ".ppt", "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
}

// Ext is the file extension of a MIME type, with its dot; "" when unknown.
func Ext(mimeType string) string { return extensions[BaseType(mimeType)] }
