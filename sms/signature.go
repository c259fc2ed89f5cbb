package sms

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"net/url"
	"sort"
)

// SignatureHeader carries the provider's callback signature.
const SignatureHeader = "X-Twilio-Signature"

// Signature errors.
var (
	ErrNoSignature  = errors.New("sms callback: no X-Twilio-Signature")
	ErrBadSignature = errors.New("sms callback: the X-Twilio-Signature does not match")
)

// Sign computes the provider's signature of a form POST to fullURL:
// base64 of HMAC-SHA1, keyed with the auth token, over the URL followed by
// every parameter name and value, sorted by name, without separators.
func Sign(authToken, fullURL string, params url.Values) string {
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(fullURL))
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		vs := params[k]
		// A repeated name contributes each value, in the order sent.
		for _, v := range vs {
			mac.Write([]byte(k))
			mac.Write([]byte(v))
		}
	}
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Verify checks sig against the signature of the callback, in constant time.
func Verify(authToken, fullURL string, params url.Values, sig string) error {
	if sig == "" {
		return ErrNoSignature
	}
	want := Sign(authToken, fullURL, params)
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return ErrBadSignature
	}
	return nil
}

// ErrMalformed is a callback that is not a form the provider sends.
var ErrMalformed = errors.New("sms callback: not a provider form")
