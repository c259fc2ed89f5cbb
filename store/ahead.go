package store

// Reads named ahead. On a backend that pays a round trip per read (a
// JetStream cluster: each Get of a write is a request to a replica), a
// transaction that knows what it is about to read names those records
// first, and the backend fetches them together, in one request and from
// one snapshot; badger reads each from memory and does nothing. What is
// named and not read costs nothing but its share of the answer; what is
// read and not named is read as before.

// Prefetcher is a transaction that can fetch named records of its scope
// together (cluster/jsstore). A read of a record fetched this way gives
// what the fetch found, as the store held it at one moment no older
// than the transaction's start; a scan of a named prefix gives the
// records the fetch found under it. A fetch that fails leaves the reads
// to be made one by one, as without it.
type Prefetcher interface {
	Prefetch(keys, prefixes []Key)
}

// Ahead is a list of reads a transaction is about to make.
type Ahead struct {
	keys, prefixes []Key
}

// Seen names the dedupe marker of inbound id (MarkSeen).
func (a *Ahead) Seen(id string) { a.keys = append(a.keys, seenKey(id)) }

// SentRef names the reference of a sent message (GetSentRef).
func (a *Ahead) SentRef(wamid string) { a.keys = append(a.keys, sentKey(wamid)) }

// OutboxItem names outbox item seq (GetOutboxItem, HasOutboxItem).
func (a *Ahead) OutboxItem(seq uint64) { a.keys = append(a.keys, outboxKey(seq)) }

// Conversation names user's session and contact (LoadConversation).
func (a *Ahead) Conversation(user string) {
	a.keys = append(a.keys, sessionKey(user), contactKey(user))
}

// Handoff names user's handoff (GetHandoff).
func (a *Ahead) Handoff(user string) { a.keys = append(a.keys, docKey(DocHandoff, user)) }

// BroadcastMemberships names the scan of contact waID's broadcast
// memberships (EachBroadcastMember).
func (a *Ahead) BroadcastMemberships(waID string) {
	a.prefixes = append(a.prefixes, broadcastMemberPrefix(waID))
}

// PendingInbox names the scan of the inbox (EachPendingInbox).
func (a *Ahead) PendingInbox() { a.prefixes = append(a.prefixes, inboxPrefix()) }

// PendingOutbox names the scan of the outbox (EachPendingOutbox).
func (a *Ahead) PendingOutbox() { a.prefixes = append(a.prefixes, outboxPrefix()) }

// Prefetch fetches the reads a names when r can fetch them together
// (Prefetcher), and does nothing otherwise, or for a single read, which
// costs one request either way.
func Prefetch(r Reader, a *Ahead) {
	if p, ok := r.(Prefetcher); ok && len(a.keys)+len(a.prefixes) > 1 {
		p.Prefetch(a.keys, a.prefixes)
	}
}
