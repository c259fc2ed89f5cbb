package store

import (
	"encoding/binary"
)

// Key is a badger key. Every key Lifeline writes is built by a function in
// this file, so the whole layout can be read in one place. Each record kind
// has its own one-byte prefix; integers are big-endian so keys sort in
// numeric order; variable parts that are followed by more key bytes end with
// a zero byte so that one id can never be a prefix of another.
type Key []byte

const (
	prefixInbox      byte = 'i' // i <seq>                 acknowledged inbound event, deleted once processed
	prefixSeen       byte = 'd' // d <wamid>               dedupe marker for inbound messages and statuses
	prefixSession    byte = 's' // s <user>                conversation state of one user
	prefixContact    byte = 'c' // c <wa_id>               contact record
	prefixOutbox     byte = 'o' // o <seq>                 queued outbound message, deleted once sent or failed for good
	prefixTranscript byte = 't' // t <user> 0 <seq>        one message of a conversation, either direction
	prefixSent       byte = 'w' // w <wamid>               outbound wamid -> transcript key, for delivery statuses
	prefixDoc        byte = 'g' // g <kind> 0 <id>         documents owned by other packages (FAQ versions, feedback, ...)
	prefixSeq        byte = 'q' // q <name>                badger sequences
)

func withU64(prefix byte, n uint64) Key {
	k := make(Key, 9)
	k[0] = prefix
	binary.BigEndian.PutUint64(k[1:], n)
	return k
}

func withString(prefix byte, s string) Key {
	k := make(Key, 0, 1+len(s))
	k = append(k, prefix)
	return append(k, s...)
}

// InboxKey is the key of acknowledged inbound event seq.
func InboxKey(seq uint64) Key { return withU64(prefixInbox, seq) }

// InboxPrefix selects every pending inbound event, oldest first.
func InboxPrefix() Key { return Key{prefixInbox} }

// SeenKey marks an inbound message id (or status id+status) as already accepted.
func SeenKey(id string) Key { return withString(prefixSeen, id) }

// SessionKey is the conversation state of one user.
func SessionKey(user string) Key { return withString(prefixSession, user) }

// ContactKey is the contact record of one WhatsApp id.
func ContactKey(waID string) Key { return withString(prefixContact, waID) }

// ContactPrefix selects every contact.
func ContactPrefix() Key { return Key{prefixContact} }

// OutboxKey is the key of queued outbound message seq.
func OutboxKey(seq uint64) Key { return withU64(prefixOutbox, seq) }

// OutboxPrefix selects every queued outbound message, oldest first.
func OutboxPrefix() Key { return Key{prefixOutbox} }

// TranscriptKey is one message of user's conversation; seq orders the transcript.
func TranscriptKey(user string, seq uint64) Key {
	k := TranscriptPrefix(user)
	return binary.BigEndian.AppendUint64(k, seq)
}

// TranscriptPrefix selects the whole transcript of one user.
func TranscriptPrefix(user string) Key {
	k := withString(prefixTranscript, user)
	return append(k, 0)
}

// SentKey maps an outbound wamid to the transcript entry it belongs to.
func SentKey(wamid string) Key { return withString(prefixSent, wamid) }

// DocKey is a document of the given kind; kinds are declared below.
func DocKey(kind DocKind, id string) Key {
	k := DocPrefix(kind)
	return append(k, id...)
}

// DocPrefix selects every document of one kind.
func DocPrefix(kind DocKind) Key {
	k := withString(prefixDoc, string(kind))
	return append(k, 0)
}

func seqKey(name string) Key { return withString(prefixSeq, name) }

// DocKind names a family of documents stored for other packages.
type DocKind string

// Document kinds. Declared here so that every key family is listed in this file.
const (
	DocFAQVersion   DocKind = "faqv"  // kb: one imported FAQ version
	DocFAQCurrent   DocKind = "faqc"  // kb: pointer to the live version
	DocFAQFeedback  DocKind = "faqf"  // kb: helpful / not helpful counts per entry
	DocFAQCandidate DocKind = "faqa"  // kb: candidate alternate questions awaiting approval
	DocUnanswered   DocKind = "faqu"  // kb: unanswered queries
	DocAdminToken   DocKind = "tok"   // admin: API token hashes
	DocHandoff      DocKind = "hand"  // handoffs waiting for or owned by a person
	DocAudit        DocKind = "audit" // append-only audit log
)
