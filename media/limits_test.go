package media

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func TestCheckFollowsWhatsAppLimits(t *testing.T) {
	cases := []struct {
		name      string
		kind      string
		mime      string
		size      int64
		animated  bool
		wantLimit string // "" when allowed
		wantText  string // part of the error that names the limit
	}{
		{"a jpeg photo", "image", "image/jpeg", 2 * mb, false, "", ""},
		{"a png at exactly 5 MB", "image", "image/png", 5 * mb, false, "", ""},
		{"a photo one byte over 5 MB", "image", "image/jpeg", 5*mb + 1, false, "size", "over the limit of 5 MB"},
		{"a gif is not an image WhatsApp carries", "image", "image/gif", 1000, false, "type", `"image/gif" is not allowed`},
		{"a voice note with codec parameters", "audio", "audio/ogg; codecs=opus", 30 * kb, false, "", ""},
		{"audio over 16 MB", "audio", "audio/mpeg", 16*mb + 1, false, "size", "16 MB"},
		{"a video in mp4", "video", "video/mp4", 16 * mb, false, "", ""},
		{"a quicktime video", "video", "video/quicktime", 1 * mb, false, "type", "video/mp4, video/3gpp"},
		{"a pdf of 99 MB", "document", "application/pdf", 99 * mb, false, "", ""},
		{"a docx", "document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", 10 * kb, false, "", ""},
		{"a document over 100 MB", "document", "application/pdf", 100*mb + 1, false, "size", "100 MB"},
		{"an executable as a document", "document", "application/x-msdownload", 10 * kb, false, "type", "not allowed"},
		{"a static sticker at 100 KB", "sticker", "image/webp", 100 * kb, false, "", ""},
		{"a static sticker over 100 KB", "sticker", "image/webp", 100*kb + 1, false, "size", "100 KB"},
		{"an animated sticker of 400 KB", "sticker", "image/webp", 400 * kb, true, "", ""},
		{"an animated sticker over 500 KB", "sticker", "image/webp", 500*kb + 1, true, "size", "500 KB"},
		{"an empty file", "image", "image/png", 0, false, "size", "empty"},
		{"a kind that is not media", "location", "image/png", 10, false, "kind", "not a media kind"},
		{"upper-case type", "image", "IMAGE/JPEG", 10, false, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := Check(tc.kind, tc.mime, tc.size, tc.animated)
			if tc.wantLimit == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var le *LimitError
			if !errors.As(err, &le) {
				t.Fatalf("error %v, want a *LimitError on %s", err, tc.wantLimit)
			}
			if le.Limit != tc.wantLimit || !strings.Contains(le.Error(), tc.wantText) {
				t.Errorf("limit %q %q, want %q containing %q", le.Limit, le.Error(), tc.wantLimit, tc.wantText)
			}
		})
	}
}

func TestVerifyChecksTheAnnouncedHash(t *testing.T) {
	data := []byte("\x89PNG fake image bytes")
	sum := sha256.Sum256(data)
	hexSum, b64Sum := hex.EncodeToString(sum[:]), base64.StdEncoding.EncodeToString(sum[:])
	cases := []struct {
		name      string
		want      []string
		wantLimit string
	}{
		{"no hash announced", nil, ""},
		{"hex from the Graph API", []string{hexSum}, ""},
		{"upper-case hex", []string{strings.ToUpper(hexSum)}, ""},
		{"base64 from a webhook", []string{b64Sum, hexSum}, ""},
		{"a different file", []string{strings.Repeat("0", 64)}, "sha256"},
		{"the webhook agrees, the Graph API does not", []string{b64Sum, strings.Repeat("a", 64)}, "sha256"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Verify("image", "image/png", false, data, tc.want...)
			if got != hexSum {
				t.Errorf("sha256 %s, want %s", got, hexSum)
			}
			var le *LimitError
			switch {
			case tc.wantLimit == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.wantLimit != "" && (!errors.As(err, &le) || le.Limit != tc.wantLimit):
				t.Errorf("error %v, want the %s limit", err, tc.wantLimit)
			}
		})
	}
}
