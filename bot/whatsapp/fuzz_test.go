package whatsapp

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// seedFixtures adds every webhook fixture to the fuzz corpus.
func seedFixtures(f *testing.F, add func(body []byte)) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no fixtures: %v", err)
	}
	for _, name := range files {
		add(readFixture(f, filepath.Base(name)))
	}
}

func FuzzParseWebhook(f *testing.F) {
	seedFixtures(f, func(b []byte) { f.Add(b) })
	f.Add([]byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":null}]}]}`))
	f.Add([]byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"type":"image"},{"type":"interactive","interactive":{"type":"list_reply"}},{"type":"location","location":{"latitude":"NaN"}}]}}]}]}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, body []byte) {
		b, err := ParseWebhook(body)
		if err != nil {
			if b != nil || !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v with batch %v; want nil batch and ErrMalformed", err, b)
			}
			return
		}
		if b == nil {
			t.Fatal("nil batch without error")
		}
		for _, m := range b.Messages {
			if m.Media != nil && m.Media.Kind != m.Type {
				t.Errorf("media kind %q on type %q", m.Media.Kind, m.Type)
			}
			if m.Timestamp.Location().String() != "UTC" {
				t.Errorf("timestamp not UTC: %v", m.Timestamp)
			}
			_ = MaskPhone(m.From) + MaskText(m.Text)
		}
		for _, e := range b.Errors {
			_ = e.Action().String()
		}
	})
}

func FuzzValidSignature(f *testing.F) {
	seedFixtures(f, func(b []byte) {
		f.Add(b, Sign(b, "app-secret-1"), "app-secret-1")
		f.Add(b, "sha256=00", "s")
	})
	f.Add([]byte{}, "", "")
	f.Add([]byte("x"), "sha1=abc", "k")
	f.Fuzz(func(t *testing.T, body []byte, header, secret string) {
		ok := ValidSignature(body, header, secret)
		if ok && !strings.EqualFold(header, Sign(body, secret)) {
			t.Fatalf("accepted %q, correct signature is %q", header, Sign(body, secret))
		}
		if secret == "" {
			if ok {
				t.Fatal("empty secret validated")
			}
			return
		}
		sig := Sign(body, secret)
		if !ValidSignature(body, sig, secret) {
			t.Fatal("own signature rejected")
		}
		if ValidSignature(append(append([]byte(nil), body...), 0), sig, secret) {
			t.Fatal("signature accepted for a longer body")
		}
	})
}
