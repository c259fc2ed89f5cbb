package store

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"strings"
)

// Key is a badger key. Every key Lifeline writes is built by a function in
// this file, so the whole layout can be read in one place. Each record kind
// has its own one-byte prefix; integers are big-endian so keys sort in
// numeric order; variable parts that are followed by more key bytes end with
// a zero byte so that one id can never be a prefix of another.
//
// The builders are unexported: nothing outside this package builds or
// parses a key, so other packages go through the typed operations, and a
// record kind has one owner. Key itself is exported only because Reader
// and Writer, which a second backend implements, speak in keys.
type Key []byte

const (
	prefixInbox      byte = 'i' // i <seq>                 acknowledged inbound event, deleted once processed
	prefixSeen       byte = 'd' // d <wamid>               dedupe marker for inbound messages and statuses
	prefixSession    byte = 's' // s <user>                conversation state of one user, with the last inbox seq it applied
	prefixContact    byte = 'c' // c <wa_id>               contact record
	prefixOutbox     byte = 'o' // o <seq>                 queued outbound message, deleted once sent or failed for good
	prefixTranscript byte = 't' // t <user> 0 <seq>        one message of a conversation, either direction
	prefixSent       byte = 'w' // w <wamid>               outbound wamid -> transcript key, for delivery statuses
	prefixDoc        byte = 'g' // g <kind> 0 <id>         documents owned by other packages (FAQ versions, feedback, ...)
	prefixSeq        byte = 'q' // q <name>                badger sequences
	prefixBroadcast  byte = 'b' // b <sub> ...             broadcast state, see the Broadcast* keys below
)

// RecordKind names a family of records as EachRecord reports them, so
// that whoever inspects the whole store (a verification, a test that
// erasure left nothing of a person) never reads a key.
type RecordKind string

// Record kinds, one per prefix above and per broadcast record below.
const (
	KindInbox               RecordKind = "inbox"
	KindSeen                RecordKind = "seen"
	KindSession             RecordKind = "session"
	KindContact             RecordKind = "contact"
	KindOutbox              RecordKind = "outbox"
	KindTranscript          RecordKind = "transcript"
	KindSent                RecordKind = "sent"
	KindDoc                 RecordKind = "doc" // see Record.Doc for which
	KindSequence            RecordKind = "sequence"
	KindBroadcastRecipient  RecordKind = "broadcast-recipient"
	KindBroadcastEngagement RecordKind = "broadcast-engagement"
	KindBroadcastCounter    RecordKind = "broadcast-counter"
	KindBroadcastCountDelta RecordKind = "broadcast-count-delta"
	KindBroadcastCountBase  RecordKind = "broadcast-count-base"
	KindBroadcastProgress   RecordKind = "broadcast-progress"
	KindBroadcastMember     RecordKind = "broadcast-member"
	KindBroadcastFrequency  RecordKind = "broadcast-frequency"
	KindBroadcastEvent      RecordKind = "broadcast-event"
	KindBroadcastIdem       RecordKind = "broadcast-idem"
	KindUnknown             RecordKind = "unknown" // a key no function in this file builds
)

// idLayout says how the bytes after a kind's prefix read as an id.
type idLayout int

const (
	idString       idLayout = iota // <string>
	idU64                          // <u64>
	idStringU64                    // <string> 0 <u64>
	idStringU16                    // <string> 0 <u16>
	idStringU32U64                 // <string> 0 <u32> <u64>
	idStringString                 // <string> 0 <string>
)

// kindOf reads the kind of a key and where its id starts, and the layout
// of the id. Document keys are read by parseKey, which also names the
// document kind.
func kindOf(k Key) (RecordKind, int, idLayout) {
	if len(k) == 0 {
		return KindUnknown, 0, idString
	}
	switch k[0] {
	case prefixInbox:
		return KindInbox, 1, idU64
	case prefixSeen:
		return KindSeen, 1, idString
	case prefixSession:
		return KindSession, 1, idString
	case prefixContact:
		return KindContact, 1, idString
	case prefixOutbox:
		return KindOutbox, 1, idU64
	case prefixTranscript:
		return KindTranscript, 1, idStringU64
	case prefixSent:
		return KindSent, 1, idString
	case prefixDoc:
		return KindDoc, 1, idStringString
	case prefixSeq:
		return KindSequence, 1, idString
	case prefixBroadcast:
		if len(k) < 2 {
			return KindUnknown, 0, idString
		}
		switch k[1] {
		case bcRecipient:
			return KindBroadcastRecipient, 2, idStringU64
		case bcEngagement:
			return KindBroadcastEngagement, 2, idStringU64
		case bcCounter:
			return KindBroadcastCounter, 2, idStringU16
		case bcCountDelta:
			return KindBroadcastCountDelta, 2, idStringU32U64
		case bcCountBase:
			return KindBroadcastCountBase, 2, idString
		case bcProgress:
			return KindBroadcastProgress, 2, idString
		case bcMember:
			return KindBroadcastMember, 2, idStringString
		case bcFrequency:
			return KindBroadcastFrequency, 2, idStringU64
		case bcWebhook:
			return KindBroadcastEvent, 2, idU64
		case bcIdem:
			return KindBroadcastIdem, 2, idString
		}
	}
	return KindUnknown, 0, idString
}

// parseKey reads any key this file builds as its kind, the document kind
// for a document, and an id: the parts after the kind joined by "/",
// numbers in decimal. A key that does not have its kind's layout keeps
// its bytes as the id, under KindUnknown.
func parseKey(k Key) (RecordKind, DocKind, string) {
	kind, at, layout := kindOf(k)
	rest := k[at:]
	first, second, zero := bytes.Cut(rest, []byte{0})
	switch layout {
	case idString:
		return kind, "", string(rest)
	case idU64:
		if len(rest) == 8 {
			return kind, "", strconv.FormatUint(binary.BigEndian.Uint64(rest), 10)
		}
	case idStringU64:
		if n := len(rest) - 9; n >= 0 && rest[n] == 0 {
			return kind, "", string(rest[:n]) + "/" + strconv.FormatUint(binary.BigEndian.Uint64(rest[n+1:]), 10)
		}
	case idStringU32U64:
		if n := len(rest) - 13; n >= 0 && rest[n] == 0 {
			return kind, "", string(rest[:n]) + "/" + strconv.FormatUint(uint64(binary.BigEndian.Uint32(rest[n+1:])), 10) +
				"/" + strconv.FormatUint(binary.BigEndian.Uint64(rest[n+5:]), 10)
		}
	case idStringU16:
		if n := len(rest) - 3; n >= 0 && rest[n] == 0 {
			return kind, "", string(rest[:n]) + "/" + strconv.FormatUint(uint64(binary.BigEndian.Uint16(rest[n+1:])), 10)
		}
	case idStringString:
		if zero && kind == KindDoc {
			return kind, DocKind(first), string(second)
		}
		if zero {
			return kind, "", string(first) + "/" + string(second)
		}
	}
	return KindUnknown, "", string(k)
}

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

// inboxKey is the key of acknowledged inbound event seq.
func inboxKey(seq uint64) Key { return withU64(prefixInbox, seq) }

// inboxPrefix selects every pending inbound event, oldest first.
func inboxPrefix() Key { return Key{prefixInbox} }

// seenKey marks an inbound message id (or status id+status) as already accepted.
func seenKey(id string) Key { return withString(prefixSeen, id) }

// sessionKey is the conversation state of one user.
func sessionKey(user string) Key { return withString(prefixSession, user) }

// contactKey is the contact record of one WhatsApp id.
func contactKey(waID string) Key { return withString(prefixContact, waID) }

// contactPrefix selects every contact.
func contactPrefix() Key { return Key{prefixContact} }

// outboxKey is the key of queued outbound message seq.
func outboxKey(seq uint64) Key { return withU64(prefixOutbox, seq) }

// outboxPrefix selects every queued outbound message, oldest first.
func outboxPrefix() Key { return Key{prefixOutbox} }

// transcriptKey is one message of user's conversation; seq orders the transcript.
func transcriptKey(user string, seq uint64) Key {
	k := transcriptPrefix(user)
	return binary.BigEndian.AppendUint64(k, seq)
}

// transcriptPrefix selects the whole transcript of one user.
func transcriptPrefix(user string) Key {
	k := withString(prefixTranscript, user)
	return append(k, 0)
}

// transcriptsPrefix selects the transcripts of every user, for retention sweeps.
func transcriptsPrefix() Key { return Key{prefixTranscript} }

// sessionPrefix selects every conversation state.
func sessionPrefix() Key { return Key{prefixSession} }

// sentKey maps an outbound wamid to the transcript entry it belongs to.
func sentKey(wamid string) Key { return withString(prefixSent, wamid) }

// docKey is a document of the given kind; kinds are declared below.
func docKey(kind DocKind, id string) Key {
	k := docPrefix(kind)
	return append(k, id...)
}

// docPrefix selects every document of one kind.
func docPrefix(kind DocKind) Key {
	k := withString(prefixDoc, string(kind))
	return append(k, 0)
}

func seqKey(name string) Key { return withString(prefixSeq, name) }

// DocKind names a family of documents stored for other packages.
type DocKind string

// Document kinds. Declared here so that every key family is listed in this file.
const (
	DocFAQVersion   DocKind = "faqv"   // kb: one imported FAQ version
	DocFAQCurrent   DocKind = "faqc"   // kb: pointer to the live version
	DocFAQFeedback  DocKind = "faqf"   // kb: helpful / not helpful counts per entry
	DocFAQCandidate DocKind = "faqa"   // kb: candidate alternate questions awaiting approval
	DocUnanswered   DocKind = "faqu"   // kb: unanswered queries
	DocFAQOverlay   DocKind = "faqo"   // kb: FAQ entries of one incident (<incident>/<entry id>)
	DocTemplate     DocKind = "wtpl"   // templates: the business account's message templates (<name>/<language>)
	DocTemplateSync DocKind = "wtpls"  // templates: when and from where the template list was last synced
	DocAdminToken   DocKind = "tok"    // admin: API token hashes
	DocHandoff      DocKind = "hand"   // handoffs waiting for or owned by a person
	DocHandoffPast  DocKind = "handp"  // bot: closed handoffs kept when the user asks again (<user>/<opened unix nanos>)
	DocAgent        DocKind = "agent"  // admin: agent accounts (bcrypt password hashes)
	DocAgentSession DocKind = "asess"  // admin: console login sessions, by SHA-256 of the cookie
	DocAudit        DocKind = "audit"  // append-only audit log (big-endian sequence ids)
	DocAuditEvent   DocKind = "auev"   // audit entry pending in the scope of its change (<scope>/<seq, 20 digits>), see auditevent.go
	DocErasure      DocKind = "erase"  // privacy: anonymous counts left by erasures and retention sweeps ("totals"; "applied/<erasure id>")
	DocErasing      DocKind = "erasg"  // privacy: an erasure of one person in progress (<wa_id>), see erasure.go
	DocDeadLetter   DocKind = "dead"   // inbound events that could not be processed
	DocRejected     DocKind = "rejwh"  // bot: raw webhook bodies acknowledged but impossible to store as events (<unix nanos>)
	DocBroadcast    DocKind = "bcast"  // broadcast: one broadcast (spec, state, audit of its life)
	DocIncident     DocKind = "incid"  // incident: one incident (kind, audience, drill, state, closing report)
	DocPlace        DocKind = "place"  // places: one place people can be sent to (shelter, clinic, water point, ...)
	DocCorrection   DocKind = "corr"   // corrections: one correction of an FAQ answer (entry, period, messages, state)
	DocMedia        DocKind = "media"  // media: one file a person sent (<user>/<media id>); the file lies under the media directory
	DocMediaUpload  DocKind = "medup"  // media: a file uploaded to WhatsApp, reused while its id is valid (<phone number id>/<sha256>)
	DocCannedReply  DocKind = "canr"   // admin: a canned reply agents pick in the console (<id>); see cannedreplies.go
	DocDeployment   DocKind = "deploy" // the id of the deployment the store belongs to, copied by a migration (migrate.go)
	DocMigration    DocKind = "migr"   // a migration's marker on its target: source, progress (migrate.go)
	DocDailyLimit   DocKind = "dlim"   // broadcast: the portfolio's daily messaging limit, spent per minute and held per instance (dailylimit.go)
)

// SMS documents (store/sms.go).
const (
	DocSMSContact   DocKind = "smsc" // sms: a person's SMS opt-out and final number errors (<wa_id>)
	DocSMSMessage   DocKind = "smsm" // sms: one SMS sent or received, by provider sid: status, whose it is
	DocSMSRecipient DocKind = "smsb" // broadcast: the SMS fallback of one recipient (<broadcast id>/<seq, 20 digits>)
)

// DocConsent is a person's consent log (store/consent.go): every opt-in
// and opt-out, per channel, with time, source and wording (<wa_id>).
const DocConsent DocKind = "cons"

// Contact import documents: the rows of an import are staged, then one
// marker flips it to committed, so that a crash applies all rows or none.
const (
	DocContactImport DocKind = "cimp"  // contacts: the import in progress ("current"): staging or committed
	DocContactStage  DocKind = "cimps" // contacts: rows of an import staged before its commit (<import id>/<seq>)
)

// Broadcast keys. Everything a broadcast writes lives under prefixBroadcast
// with a second byte naming the record kind; the operations on them are in
// broadcasts.go, and nothing outside this package builds them. Recipient and engagement
// records are split so that the dispatcher (one writer per broadcast) never
// touches what status webhooks and answers update, and never conflicts.
const (
	bcRecipient  byte = 'r' // b r <id> 0 <seq>       dispatch state of one recipient (dispatcher only)
	bcEngagement byte = 'e' // b e <id> 0 <seq>       delivery status and answer of one recipient (inbox only)
	bcCounter    byte = 'k' // b k <id> 0 <shard u16> engagement counters of an older layout, read and folded into the base
	bcCountDelta byte = 'c' // b c <id> 0 <epoch u32> <seq> what one recipient's statuses and answer added to the counts in an epoch (inbox only)
	bcCountBase  byte = 's' // b s <id>               counts folded from the recipients' deltas (the folder only)
	bcProgress   byte = 'p' // b p <id>               dispatcher cursor and counts (dispatcher only)
	bcMember     byte = 'm' // b m <wa_id> 0 <id>     open check-in or confirmation of a contact -> recipient
	bcFrequency  byte = 'f' // b f <wa_id> 0 <nanos>  one broadcast message to a contact, for the frequency cap
	bcWebhook    byte = 'h' // b h <seq>              outbound integration event waiting for delivery
	bcIdem       byte = 'i' // b i <key>              idempotency key of a create request -> broadcast id
)

func bcKey(sub byte, id string, zero bool) Key {
	k := make(Key, 0, 3+len(id)+8)
	k = append(k, prefixBroadcast, sub)
	k = append(k, id...)
	if zero {
		k = append(k, 0)
	}
	return k
}

// broadcastRecipientKey is recipient seq of broadcast id.
func broadcastRecipientKey(id string, seq uint64) Key {
	return binary.BigEndian.AppendUint64(broadcastRecipientPrefix(id), seq)
}

// broadcastRecipientPrefix selects every recipient of a broadcast, in order.
func broadcastRecipientPrefix(id string) Key { return bcKey(bcRecipient, id, true) }

// broadcastEngagementKey is the delivery status and answer of recipient seq.
func broadcastEngagementKey(id string, seq uint64) Key {
	return binary.BigEndian.AppendUint64(bcKey(bcEngagement, id, true), seq)
}

// broadcastRecipientsAll selects the recipients of every broadcast.
func broadcastRecipientsAll() Key { return Key{prefixBroadcast, bcRecipient} }

// broadcastEngagementsAll selects the engagement of every recipient of every broadcast.
func broadcastEngagementsAll() Key { return Key{prefixBroadcast, bcEngagement} }

// broadcastCounterKey is one shard of a broadcast's engagement counters
// as an older layout wrote them (one key for many people, which a
// backend keeping records by scope cannot sum).
func broadcastCounterKey(id string, shard uint16) Key {
	return binary.BigEndian.AppendUint16(broadcastCounterPrefix(id), shard)
}

// broadcastCounterPrefix selects every counter shard of a broadcast.
func broadcastCounterPrefix(id string) Key { return bcKey(bcCounter, id, true) }

// broadcastCountDeltaKey is what recipient seq's statuses and answer
// added to the counts of broadcast id during epoch.
func broadcastCountDeltaKey(id string, epoch uint32, seq uint64) Key {
	return binary.BigEndian.AppendUint64(broadcastCountEpochPrefix(id, epoch), seq)
}

// broadcastCountEpochPrefix selects the deltas of one epoch of a broadcast.
func broadcastCountEpochPrefix(id string, epoch uint32) Key {
	return binary.BigEndian.AppendUint32(broadcastCountDeltaPrefix(id), epoch)
}

// broadcastCountDeltaPrefix selects every delta of a broadcast.
func broadcastCountDeltaPrefix(id string) Key { return bcKey(bcCountDelta, id, true) }

// parseCountDelta reads the broadcast, epoch and recipient of a delta key.
func parseCountDelta(k Key) (id string, epoch uint32, seq uint64, ok bool) {
	if len(k) < 2+1+12 || k[len(k)-13] != 0 {
		return "", 0, 0, false
	}
	return string(k[2 : len(k)-13]), binary.BigEndian.Uint32(k[len(k)-12:]), binary.BigEndian.Uint64(k[len(k)-8:]), true
}

// broadcastCountBaseKey is the counts folded from a broadcast's deltas.
func broadcastCountBaseKey(id string) Key { return bcKey(bcCountBase, id, false) }

// broadcastProgressKey is the dispatcher's cursor and counts for a broadcast.
func broadcastProgressKey(id string) Key { return bcKey(bcProgress, id, false) }

// broadcastMemberKey links a contact to its recipient record in broadcast id.
func broadcastMemberKey(waID, id string) Key { return append(broadcastMemberPrefix(waID), id...) }

// broadcastMemberPrefix selects the broadcasts a contact may be answering.
func broadcastMemberPrefix(waID string) Key { return bcKey(bcMember, waID, true) }

// broadcastFrequencyKey records one broadcast message sent to a contact at nanos.
func broadcastFrequencyKey(waID string, nanos uint64) Key {
	return binary.BigEndian.AppendUint64(broadcastFrequencyPrefix(waID), nanos)
}

// broadcastFrequencyPrefix selects the broadcast messages sent to a contact, oldest first.
func broadcastFrequencyPrefix(waID string) Key { return bcKey(bcFrequency, waID, true) }

// broadcastFrequencyAll selects the broadcast messages of every contact.
func broadcastFrequencyAll() Key { return Key{prefixBroadcast, bcFrequency} }

// broadcastWebhookKey is outbound integration event seq.
func broadcastWebhookKey(seq uint64) Key {
	return binary.BigEndian.AppendUint64(broadcastWebhookPrefix(), seq)
}

// broadcastWebhookPrefix selects every undelivered integration event, oldest first.
func broadcastWebhookPrefix() Key { return Key{prefixBroadcast, bcWebhook} }

// broadcastIdemKey maps a create request's idempotency key to its broadcast.
func broadcastIdemKey(key string) Key { return bcKey(bcIdem, key, false) }

// parseBcPair reads the two parts of a key b <sub> <string> 0 <u64>: the
// broadcast and recipient of a recipient or engagement key, the wa_id and
// time of a send record.
func parseBcPair(k Key) (string, uint64, bool) {
	if len(k) < 2+1+8 || k[len(k)-9] != 0 {
		return "", 0, false
	}
	return string(k[2 : len(k)-9]), binary.BigEndian.Uint64(k[len(k)-8:]), true
}

// Who owns each key: the one place that decides it, next to the layout.
// A scoped write (DB.Write) may set or delete only keys its scope owns,
// so that each transaction is one atomic batch in one stream of a
// backend without cross-stream transactions (issue 13's JetStream).
//
// Most keys name their owner: a session, contact or transcript its user,
// a recipient record its broadcast, a document its id. A few kinds are
// keyed by a number or a WhatsApp message id and do not (yet) name their
// owner: the inbox, the outbox, dedupe markers, sent markers, dead
// letters. They are written in the scope of the user whose record they
// are, and the record lives in that scope's stream: the owner is the
// writer's scope, of a given kind. Such keys are checked by scope kind
// only; a backend that partitions by user takes the user from the scope.
//
// Sequences are the store's own (NextSeq) and owned by no scope.

// owner is who may write a key: a fixed scope, or, for a key that does
// not name its owner, the writing scope when it is of one of the kinds in
// anyOf (any id).
type owner struct {
	scope Scope   // the owner when the key names it
	anyOf []Scope // the key does not name its owner: a scope of one of these kinds
}

var (
	ownedByWriterUser      = []Scope{{kind: ScopeUser}}
	ownedByWriterBroadcast = []Scope{{kind: ScopeBroadcast}}
	ownedByWriterAny       = []Scope{{kind: ScopeUser}, {kind: ScopeBroadcast}}
	// A console session is a record of its agent account, whose key is
	// the hash of the cookie: it is written with the account.
	ownedByWriterAgent = []Scope{{kind: ScopeDoc, doc: DocAgent}}
)

// ownerOf decides who owns key k; ok is false for a key that no scope
// may write (sequences, unknown kinds).
func ownerOf(k Key) (owner, bool) {
	kind, doc, id := parseKey(k)
	switch kind {
	case KindSession, KindContact:
		return owner{scope: UserScope(id)}, true
	case KindTranscript:
		return owner{scope: UserScope(beforeLastSlash(id))}, true
	case KindInbox, KindSeen, KindOutbox, KindSent:
		return owner{anyOf: ownedByWriterUser}, true
	case KindBroadcastEngagement:
		// What came back from one recipient (statuses, the answer) is
		// written on that person's path, in their turn, never by the
		// dispatcher: it lives in the recipient's stream, found through
		// the broadcast's recipient records and the per-user member index.
		return owner{anyOf: ownedByWriterUser}, true
	case KindBroadcastCountDelta:
		// One recipient's share of the counts, written in the turn that
		// writes the recipient's engagement (the same person's scope,
		// the same batch): one scope writes each key, so the sum over
		// the keys is the count on every backend.
		return owner{anyOf: ownedByWriterUser}, true
	case KindBroadcastCountBase:
		return owner{scope: BroadcastScope(id)}, true
	case KindBroadcastCounter:
		// Shards of the older layout: only the fold, in the broadcast's
		// scope, still writes them (it deletes them into the base).
		return owner{scope: BroadcastScope(beforeLastSlash(id))}, true
	case KindBroadcastRecipient, KindBroadcastProgress:
		return owner{scope: BroadcastScope(beforeLastSlash(id))}, true
	case KindBroadcastFrequency:
		// Per-user index: when a person was sent a broadcast (the cap).
		return owner{scope: UserScope(beforeLastSlash(id))}, true
	case KindBroadcastMember:
		// Per-user index: which broadcasts a person may be answering.
		return owner{scope: UserScope(beforeSlash(id))}, true
	case KindBroadcastEvent:
		// Integration events travel with the change that raised them.
		return owner{anyOf: ownedByWriterAny}, true
	case KindBroadcastIdem:
		return owner{anyOf: ownedByWriterBroadcast}, true
	case KindDoc:
		return docOwner(doc, id)
	}
	return owner{}, false
}

// docOwner decides who owns document id of kind doc.
func docOwner(doc DocKind, id string) (owner, bool) {
	switch doc {
	case DocHandoff, DocConsent, DocSMSContact:
		return owner{scope: UserScope(id)}, true
	case DocHandoffPast:
		return owner{scope: UserScope(beforeLastSlash(id))}, true
	case DocMedia:
		return owner{scope: UserScope(beforeSlash(id))}, true
	case DocDeadLetter:
		return owner{anyOf: ownedByWriterUser}, true
	case DocSMSMessage:
		return owner{anyOf: ownedByWriterAny}, true
	case DocBroadcast:
		return owner{scope: BroadcastScope(id)}, true
	case DocSMSRecipient:
		return owner{scope: BroadcastScope(beforeLastSlash(id))}, true
	case DocFAQVersion, DocFAQCurrent:
		// Versions and the live pointer are one document: the FAQ.
		return owner{scope: FAQScope()}, true
	case DocTemplate, DocTemplateSync:
		// The template list is replaced as a whole by a sync.
		return owner{scope: TemplatesScope()}, true
	case DocContactImport, DocContactStage:
		// Staged rows and the marker that commits them are one import.
		return owner{scope: ContactImportScope()}, true
	case DocAudit:
		// One append-only log with one writer (admin/audit): entries it
		// appends and the events it folds in (see auditevent.go).
		return owner{scope: AuditScope()}, true
	case DocAuditEvent:
		// Written in the transaction of the change it records, in that
		// change's scope, which its id names; deleted there once folded.
		return auditEventOwner(id)
	case DocErasure:
		return owner{scope: DocScope(DocErasure, "")}, true
	case DocErasing:
		// Written with the person's records it counts as erased.
		return owner{scope: UserScope(id)}, true
	case DocFAQOverlay:
		// The FAQ entries of one incident.
		return owner{scope: FAQOverlayScope(beforeSlash(id))}, true
	case DocUnanswered:
		// One log, appended to under numbers drawn in the transaction.
		return owner{scope: UnansweredScope()}, true
	case DocAgentSession:
		return owner{anyOf: ownedByWriterAgent}, true
	case DocRejected:
		// One log, keyed by the time of each body.
		return owner{scope: RejectedScope()}, true
	case DocDailyLimit:
		// One record for the whole portfolio, shared by every instance.
		return owner{scope: DailyLimitScope()}, true
	case DocFAQFeedback, DocFAQCandidate, DocAdminToken, DocAgent,
		DocIncident, DocPlace, DocCorrection, DocMediaUpload, DocCannedReply,
		DocDeployment, DocMigration:
		return owner{scope: DocScope(doc, id)}, true
	}
	return owner{}, false
}

// beforeSlash is the first part of an id that parseKey joined with "/".
func beforeSlash(id string) string {
	if i := strings.IndexByte(id, '/'); i >= 0 {
		return id[:i]
	}
	return id
}

// beforeLastSlash is an id joined with "/" to a number, without the number.
func beforeLastSlash(id string) string {
	if i := strings.LastIndexByte(id, '/'); i >= 0 {
		return id[:i]
	}
	return id
}
