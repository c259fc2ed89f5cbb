package whatsapp

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"lifeline/bot/whatsapp/whatsapptest"
)

func TestMediaPayloads(t *testing.T) {
	cases := []struct {
		name string
		in   Outbound
		want string // exact JSON, or "" when Validate must refuse it
		why  string // part of the refusal
	}{
		{"image by id with caption", Outbound{To: "966512345678", Kind: KindImage, Media: &OutMedia{ID: "1234", Caption: "Shelter map", MimeType: "image/png"}},
			`{"messaging_product":"whatsapp","recipient_type":"individual","to":"966512345678","type":"image","image":{"id":"1234","caption":"Shelter map"}}`, ""},
		{"document with a filename", Outbound{To: "966512345678", Kind: KindDocument, Media: &OutMedia{ID: "99", Filename: "evacuation-map.pdf", Caption: "Evacuation map"}},
			`{"messaging_product":"whatsapp","recipient_type":"individual","to":"966512345678","type":"document","document":{"id":"99","caption":"Evacuation map","filename":"evacuation-map.pdf"}}`, ""},
		{"video by https link", Outbound{To: "966512345678", Kind: KindVideo, Media: &OutMedia{Link: "https://example.org/v.mp4"}},
			`{"messaging_product":"whatsapp","recipient_type":"individual","to":"966512345678","type":"video","video":{"link":"https://example.org/v.mp4"}}`, ""},
		{"no media", Outbound{To: "1", Kind: KindImage}, "", "without media"},
		{"both id and link", Outbound{To: "1", Kind: KindImage, Media: &OutMedia{ID: "1", Link: "https://x.org/a"}}, "", "exactly one"},
		{"plain http link", Outbound{To: "1", Kind: KindImage, Media: &OutMedia{Link: "http://x.org/a"}}, "", "https"},
		{"audio with a caption", Outbound{To: "1", Kind: KindAudio, Media: &OutMedia{ID: "1", Caption: "listen"}}, "", "no caption"},
		{"an image with a filename", Outbound{To: "1", Kind: KindImage, Media: &OutMedia{ID: "1", Filename: "a.png"}}, "", "only a document"},
		{"a caption too long", Outbound{To: "1", Kind: KindImage, Media: &OutMedia{ID: "1", Caption: strings.Repeat("a", MaxCaptionLen+1)}}, "", "caption"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := MarshalPayload(tc.in)
			if tc.want == "" {
				if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.why) {
					t.Fatalf("error %v, want ErrInvalid about %q", err, tc.why)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != compact(t, tc.want) {
				t.Errorf("got  %s\nwant %s", got, compact(t, tc.want))
			}
		})
	}
}

// The client's media calls against the fake: the download needs the
// Bearer token on the second request too, a file over the caller's limit
// is not read whole, and 131052 is final.
func TestClientMediaCalls(t *testing.T) {
	ctx := context.Background()
	graph := whatsapptest.NewServer(t, whatsapptest.Strict())
	graph.SetToken("tok")
	c := NewClient(ClientConfig{BaseURL: graph.URL, AccessToken: "tok", Timeout: 5 * time.Second})
	graph.AddMedia("42", "image/jpeg", []byte("jpeg bytes"))
	info, err := c.MediaInfo(ctx, "42")
	if err != nil || info.MimeType != "image/jpeg" || info.FileSize != 10 || len(info.SHA256) != 64 {
		t.Fatalf("info %+v, %v", info, err)
	}
	data, err := c.DownloadMedia(ctx, info.URL, 100)
	if err != nil || string(data) != "jpeg bytes" {
		t.Fatalf("download %q, %v", data, err)
	}
	if _, err := c.DownloadMedia(ctx, info.URL, 5); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the limit: %v, want ErrTooLarge", err)
	}
	wrong := NewClient(ClientConfig{BaseURL: graph.URL, AccessToken: "other", Timeout: 5 * time.Second})
	var se *SendError
	if _, err := wrong.DownloadMedia(ctx, info.URL, 100); !errors.As(err, &se) || se.Code != 190 {
		t.Errorf("download with a wrong token: %v, want code 190", err)
	}
	graph.FailMedia("43", -1, whatsapptest.Response{Status: 400, Code: 131052})
	if _, err := c.MediaInfo(ctx, "43"); !errors.As(err, &se) || se.Code != 131052 || se.Action.Retryable() {
		t.Errorf("131052: %v, want a final error", err)
	}
	id, err := c.UploadMedia(ctx, "100200300400500", "application/pdf", "plan.pdf", []byte("%PDF"))
	if err != nil || id == "" {
		t.Fatalf("upload %q, %v", id, err)
	}
	if ups := graph.Uploads(); len(ups) != 1 || ups[0].ID != id || ups[0].Filename != "plan.pdf" || ups[0].MimeType != "application/pdf" {
		t.Errorf("uploads %+v", ups)
	}
}
