package whatsapp

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"strings"
)

// SignatureHeader is the header Meta signs webhook POSTs with. The older
// X-Hub-Signature (sha1) header is deliberately ignored.
const SignatureHeader = "X-Hub-Signature-256"

const sigPrefix = "sha256="

// ValidSignature reports whether header is "sha256=<hex>" of the HMAC-SHA256
// of the raw body keyed with the app secret. It must see the exact bytes
// received: Meta signs the \uXXXX-escaped form, so re-encoded JSON never
// matches. An empty secret never validates, so a missing configuration
// cannot open the endpoint.
func ValidSignature(body []byte, header, appSecret string) bool {
	if appSecret == "" || !strings.HasPrefix(header, sigPrefix) {
		return false
	}
	got, err := hex.DecodeString(header[len(sigPrefix):])
	if err != nil || len(got) != sha256.Size {
		return false
	}
	return hmac.Equal(got, mac(body, appSecret))
}

// Errors of CheckSignature and of the verification handshake. Their text
// is what the webhook answers: it names the header, never the body.
var (
	ErrNoSignature  = errors.New("missing X-Hub-Signature-256 header")
	ErrBadSignature = errors.New("invalid X-Hub-Signature-256 signature")
	ErrVerifyFailed = errors.New("verification failed: wrong hub.mode or hub.verify_token")
)

// CheckSignature is ValidSignature as an error: ErrNoSignature when the
// header is empty, ErrBadSignature when it does not sign body.
func CheckSignature(body []byte, header, appSecret string) error {
	if header == "" {
		return ErrNoSignature
	}
	if !ValidSignature(body, header, appSecret) {
		return ErrBadSignature
	}
	return nil
}

// Sign returns the full X-Hub-Signature-256 value for body, as Meta would
// send it. Tests and fakes use it to build signed requests.
func Sign(body []byte, appSecret string) string {
	return sigPrefix + hex.EncodeToString(mac(body, appSecret))
}

func mac(body []byte, secret string) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return m.Sum(nil)
}

// VerifyChallenge answers the GET verification handshake: it returns the
// challenge to echo (with 200) and true when mode is "subscribe" and token
// equals wantToken; otherwise the caller answers 403. The token comparison is
// constant time, and an empty wantToken never matches.
func VerifyChallenge(mode, token, challenge, wantToken string) (string, bool) {
	if mode != "subscribe" || wantToken == "" {
		return "", false
	}
	if subtle.ConstantTimeCompare([]byte(token), []byte(wantToken)) != 1 {
		return "", false
	}
	return challenge, true
}
