package whatsapp

import (
	"strings"
	"testing"
)

func TestValidSignature(t *testing.T) {
	const secret = "app-secret-1"
	body := readFixture(t, "text.json")
	good := Sign(body, secret)
	changed := append([]byte(nil), body...)
	changed[len(changed)/2] ^= 0x01

	cases := []struct {
		name   string
		body   []byte
		header string
		secret string
		want   bool
	}{
		{"valid", body, good, secret, true},
		{"valid uppercase hex", body, "sha256=" + strings.ToUpper(strings.TrimPrefix(good, "sha256=")), secret, true},
		{"wrong secret", body, good, "other-secret", false},
		{"missing prefix", body, strings.TrimPrefix(good, "sha256="), secret, false},
		{"bad hex", body, "sha256=zz" + good[len("sha256=zz"):], secret, false},
		{"short digest", body, good[:len(good)-2], secret, false},
		{"empty header", body, "", secret, false},
		{"sha1 header ignored", body, "sha1=" + strings.Repeat("a", 40), secret, false},
		{"body changed by one byte", changed, good, secret, false},
		{"empty secret never validates", body, Sign(body, ""), "", false},
		{"empty body signed", []byte{}, Sign(nil, secret), secret, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := ValidSignature(tc.body, tc.header, tc.secret); got != tc.want {
				t.Errorf("ValidSignature = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSignKnownVector(t *testing.T) {
	// HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog"), a
	// published test vector, so Sign is checked against something outside
	// this package.
	got := Sign([]byte("The quick brown fox jumps over the lazy dog"), "key")
	want := "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
	if got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}

func TestVerifyChallenge(t *testing.T) {
	cases := []struct {
		name                            string
		mode, token, challenge, wantTok string
		wantOK                          bool
	}{
		{"subscribe with token", "subscribe", "tok", "1158201444", "tok", true},
		{"wrong token", "subscribe", "tok2", "1158201444", "tok", false},
		{"wrong mode", "unsubscribe", "tok", "1158201444", "tok", false},
		{"empty mode", "", "tok", "1158201444", "tok", false},
		{"token prefix", "subscribe", "to", "1158201444", "tok", false},
		{"unconfigured token", "subscribe", "", "1158201444", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := VerifyChallenge(tc.mode, tc.token, tc.challenge, tc.wantTok)
			if ok != tc.wantOK {
				t.Fatalf("ok = %v, want %v", ok, tc.wantOK)
			}
			if want := map[bool]string{true: tc.challenge}[ok]; got != want {
				t.Errorf("challenge = %q, want %q", got, want)
			}
		})
	}
}

func TestCheckSignatureSaysWhichHeaderProblem(t *testing.T) {
	body := []byte(`{"object":"whatsapp_business_account"}`)
	for _, tc := range []struct {
		label, header, secret string
		want                  error
	}{
		{"signed", Sign(body, "s3cret"), "s3cret", nil},
		{"no header", "", "s3cret", ErrNoSignature},
		{"other secret", Sign(body, "other"), "s3cret", ErrBadSignature},
		{"sha1 value", "sha1=00", "s3cret", ErrBadSignature},
		{"no secret configured", Sign(body, ""), "", ErrBadSignature},
	} {
		if got := CheckSignature(body, tc.header, tc.secret); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.label, got, tc.want)
		}
	}
}
