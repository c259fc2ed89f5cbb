package sms

import "strings"

// Delivery statuses the provider reports, in the order they only move
// forward; undelivered and failed are final.
const (
	StatusAccepted    = "accepted"
	StatusQueued      = "queued"
	StatusSending     = "sending"
	StatusSent        = "sent"
	StatusDelivered   = "delivered"
	StatusUndelivered = "undelivered"
	StatusFailed      = "failed"
)

var statusRank = map[string]int{StatusAccepted: 1, StatusQueued: 1, StatusSending: 2, StatusSent: 3,
	StatusDelivered: 4, StatusUndelivered: 5, StatusFailed: 5}

// KnownStatus says whether s is a status the provider reports.
func KnownStatus(s string) bool { _, ok := statusRank[s]; return ok }

// Final says whether no later status can change s.
func Final(s string) bool { return statusRank[s] >= statusRank[StatusDelivered] }

// AdvanceStatus applies a status monotonically: callbacks arrive out of
// order, so "sent" after "delivered" changes nothing, and once a final
// status (delivered, undelivered, failed) is recorded it stays.
func AdvanceStatus(current, next string) (string, bool) {
	n, ok := statusRank[next]
	if !ok || Final(current) {
		return current, false
	}
	if n > statusRank[current] {
		return next, true
	}
	return current, false
}

// Opt-out and opt-in keywords. The provider handles them itself for some
// countries; Lifeline records them everywhere.
var (
	stopWords  = map[string]bool{"STOP": true, "STOPALL": true, "UNSUBSCRIBE": true, "CANCEL": true, "END": true, "QUIT": true}
	startWords = map[string]bool{"START": true, "UNSTOP": true}
)

// Keyword says whether an inbound text is an opt-out ("stop"), an opt-in
// ("start") or neither (""): the whole message, trimmed, in any case,
// with trailing punctuation ignored.
func Keyword(body string) string {
	w := strings.ToUpper(strings.TrimRight(strings.TrimSpace(body), ".!"))
	switch {
	case stopWords[w]:
		return "stop"
	case startWords[w]:
		return "start"
	}
	return ""
}
