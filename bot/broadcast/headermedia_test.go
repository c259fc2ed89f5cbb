package broadcast

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/png"
	"strings"
	"testing"
	"time"

	"lifeline/bot/whatsapp"
	"lifeline/media"
)

// pngFile is a small valid PNG: the shelter map of the tests.
func pngFile(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// headerOf returns the header parameter of a sent template message.
func headerOf(t *testing.T, body map[string]any) map[string]any {
	t.Helper()
	raw, _ := json.Marshal(body)
	var m struct {
		Template struct {
			Components []struct {
				Type       string           `json:"type"`
				Parameters []map[string]any `json:"parameters"`
			} `json:"components"`
		} `json:"template"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	for _, c := range m.Template.Components {
		if c.Type == "header" && len(c.Parameters) == 1 {
			return c.Parameters[0]
		}
	}
	t.Fatalf("no header parameter in %s", raw)
	return nil
}

// A broadcast with a shelter map in its header uploads the map once per
// sender number and sends every recipient the media id of the number that
// sends to them; a second broadcast of the same map uploads nothing.
func TestImageHeaderUploadsOncePerNumber(t *testing.T) {
	for _, nums := range [][]string{{"1001"}, {"1001", "1002"}} {
		t.Run(strings.Join(nums, "+"), func(t *testing.T) {
			h := newHarness(t, hopts{cfg: Config{PhoneNumberIDs: nums}})
			ids := h.contacts(7, "en")
			up := &media.Uploader{DB: h.db, API: h.client}
			data := pngFile(t)
			var sha string
			byNum := map[string]string{}
			for _, n := range nums {
				u, err := up.Upload(context.Background(), n, "image", "image/png", "map.png", data)
				if err != nil {
					t.Fatal(err)
				}
				sha, byNum[n] = u.SHA256, u.MediaID
			}
			sp := noticeSpec()
			tp := sp.Templates["en"]
			tp.HeaderMedia = &HeaderMedia{Type: "image", SHA256: sha}
			sp.Templates["en"] = tp
			h.waitState(h.create(sp), StateCompleted)
			msgs := h.graph.WaitMessages(t, len(ids), 10*time.Second)
			if n := len(h.graph.Uploads()); n != len(nums) {
				t.Fatalf("%d uploads, want one per sender number (%d)", n, len(nums))
			}
			got := map[string]bool{}
			for _, m := range msgs {
				p := headerOf(t, m.Body)
				img, _ := p["image"].(map[string]any)
				if p["type"] != "image" || img["id"] != byNum[m.PhoneNumberID] {
					t.Errorf("message to %s from %s has header %v, want image %s", m.To, m.PhoneNumberID, p, byNum[m.PhoneNumberID])
				}
				got[m.To] = true
			}
			if len(got) != len(ids) {
				t.Errorf("reached %d of %d recipients", len(got), len(ids))
			}
			// The same map again: the upload is reused.
			if _, err := up.Upload(context.Background(), nums[0], "image", "image/png", "map.png", data); err != nil {
				t.Fatal(err)
			}
			sp.Name = "port closed again"
			h.svc.cfg.FrequencyCap = 0
			sp.Critical = true
			h.waitState(h.create(sp), StateCompleted)
			if n := len(h.graph.Uploads()); n != len(nums) {
				t.Errorf("%d uploads after a second broadcast of the same map, want still %d", n, len(nums))
			}
		})
	}
}

// A location header (the pin of the open shelter) goes to every
// recipient as it was given, and the preview shows it.
func TestLocationHeader(t *testing.T) {
	h := newHarness(t, hopts{})
	ids := h.contacts(3, "en")
	sp := noticeSpec()
	tp := sp.Templates["en"]
	tp.HeaderMedia = &HeaderMedia{Type: "location", Location: &whatsapp.Location{Latitude: 26.43, Longitude: 50.1, Name: "Town hall shelter", Address: "1 King Fahd Rd"}}
	sp.Templates["en"] = tp
	pv, err := h.svc.PreviewSpec(sp)
	if err != nil {
		t.Fatal(err)
	}
	if len(pv.Languages) != 1 || pv.Languages[0].HeaderMedia == nil || !strings.Contains(string(pv.Languages[0].Payload), `"location":{"latitude":26.43,"longitude":50.1,"name":"Town hall shelter"`) {
		t.Fatalf("preview does not show the location header: %+v", pv.Languages)
	}
	h.waitState(h.create(sp), StateCompleted)
	for _, m := range h.graph.WaitMessages(t, len(ids), 10*time.Second) {
		p := headerOf(t, m.Body)
		loc, _ := p["location"].(map[string]any)
		if p["type"] != "location" || loc["latitude"] != 26.43 || loc["name"] != "Town hall shelter" {
			t.Errorf("header %v, want the shelter's location", p)
		}
	}
	if n := len(h.graph.Uploads()); n != 0 {
		t.Errorf("%d uploads for a location header, want none", n)
	}
}

// A media header is refused before anything is sent, naming what is wrong.
func TestHeaderMediaRefused(t *testing.T) {
	h := newHarness(t, hopts{})
	h.contacts(1, "en")
	up := &media.Uploader{DB: h.db, API: h.client}
	u, err := up.Upload(context.Background(), h.cfg.PhoneNumberIDs[0], "image", "image/png", "map.png", pngFile(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		hm   HeaderMedia
		text bool // a text header too
		want string
	}{
		{"no type", HeaderMedia{SHA256: u.SHA256}, false, "type: give image"},
		{"unknown type", HeaderMedia{Type: "sticker", SHA256: u.SHA256}, false, `type "sticker"`},
		{"no sha256", HeaderMedia{Type: "image"}, false, "sha256"},
		{"never uploaded", HeaderMedia{Type: "image", SHA256: strings.Repeat("ab", 32)}, false, "upload it first with POST /admin/media"},
		{"png as a video", HeaderMedia{Type: "video", SHA256: u.SHA256}, false, `video of type "image/png" is not allowed`},
		{"png as a document", HeaderMedia{Type: "document", SHA256: u.SHA256}, false, `document of type "image/png" is not allowed`},
		{"location without pin", HeaderMedia{Type: "location"}, false, "location: give latitude"},
		{"impossible location", HeaderMedia{Type: "location", Location: &whatsapp.Location{Latitude: 91, Longitude: 10}}, false, "-90..90"},
		{"null island", HeaderMedia{Type: "location", Location: &whatsapp.Location{}}, false, "0,0"},
		{"text and media", HeaderMedia{Type: "image", SHA256: u.SHA256}, true, "not both"},
	} {
		t.Run(c.name, func(t *testing.T) {
			sp := noticeSpec()
			tp := sp.Templates["en"]
			hm := c.hm
			tp.HeaderMedia = &hm
			if c.text {
				tp.Header = []Param{{Value: "Alert"}}
			}
			sp.Templates["en"] = tp
			_, err := h.svc.Create(sp, "test", "")
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want ErrInvalid naming %q", err, c.want)
			}
		})
	}
	if n := len(h.graph.Messages()); n != 0 {
		t.Errorf("%d messages sent, want none", n)
	}
}
