package cluster

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Streams, buckets and the object store of the design
// (../shared/design/scale-out.md, "Mapping").
const (
	// StreamIngest holds webhook events under in.<p>.<user>, acknowledged
	// to Meta only after the quorum stored them; Nats-Msg-Id (the wamid,
	// or status id and status) drops Meta's retries within the window.
	StreamIngest = "INGEST"
	// StreamUsers holds each user's session, transcript, outbox and
	// handoff records under u.<p>.<user>.…; a turn commits them as one
	// atomic batch, fenced by the session's subject sequence.
	StreamUsers = "USERS"
	// StreamBroadcast holds broadcast recipients and progress (b.<id>.…).
	StreamBroadcast = "BROADCAST"
	// StreamRecords holds the store's records by scope (rec.u.<p>.<user>.…
	// for a user; see package jsstore): one message per key, the newest
	// value only, so that an expired or replaced value never resurfaces;
	// a scoped transaction commits as one atomic batch fenced by the
	// scope's last sequence.
	StreamRecords = "RECORDS"
	// StreamAudit is the audit log (audit.…): no message can be deleted
	// and the stream cannot be purged.
	StreamAudit = "AUDIT"

	// BucketLeases holds one key per lease (pacer owner of a number,
	// broadcast dispatcher, partition).
	BucketLeases = "leases"
	// BucketSessions holds agent sessions, each with its own TTL.
	BucketSessions = "sessions"
	// BucketTokens holds API tokens; instances watch it so that a revoked
	// token is refused everywhere at once.
	BucketTokens = "tokens"
	// BucketFAQ holds the FAQ's version numbers (Create "v.<n>") and the
	// "live" pointer, moved by compare-and-set.
	BucketFAQ = "faq"
	// ObjectFAQ holds the FAQ entries of each version.
	ObjectFAQ = "faq_entries"

	// DefaultPartitions is P when the settings name none.
	DefaultPartitions = 64
	// MaxPartitions bounds P: each partition becomes a consumer.
	MaxPartitions = 4096
	// DefaultDedupe is the Nats-Msg-Id window of the ingest stream. Meta
	// retries an unanswered webhook within minutes; later retries are
	// caught by the recent inbound ids in the user's session.
	DefaultDedupe = 20 * time.Minute

	// metaPartitions records P in the stream's metadata: it is fixed
	// when the stream is created, because p = hash(user) mod P places
	// every stored record of a user.
	metaPartitions = "lifeline.partitions"
	// markerTTL is how long a key's expiry stays visible to watchers as
	// a marker in the per-key-TTL buckets.
	markerTTL = 10 * time.Minute
)

// ErrPartitionsFixed: the settings ask for a partition count other than
// the one the streams were created with.
var ErrPartitionsFixed = errors.New("the partition count is fixed when the streams are created")

// Settings are what Ensure creates: zero values take the defaults.
type Settings struct {
	Partitions int           // P, default DefaultPartitions
	Replicas   int           // copies of every stream, default min(3, cluster size)
	Dedupe     time.Duration // ingest Nats-Msg-Id window, default DefaultDedupe
}

// Action says what Ensure did to one stream, bucket or object store.
type Action string

const (
	Created   Action = "created"
	Updated   Action = "updated"
	Unchanged Action = "unchanged"
)

// Change is Ensure's account of one stream, bucket or object store.
type Change struct {
	Kind   string // "stream", "kv" or "object store"
	Name   string
	Action Action
}

// Report lists what Ensure found and did, in the order of the design.
type Report []Change

// Changed reports whether Ensure created or updated anything.
func (r Report) Changed() bool {
	for _, c := range r {
		if c.Action != Unchanged {
			return true
		}
	}
	return false
}

func (s Settings) withDefaults() Settings {
	if s.Partitions == 0 {
		s.Partitions = DefaultPartitions
	}
	if s.Replicas == 0 {
		s.Replicas = 1
	}
	if s.Dedupe == 0 {
		s.Dedupe = DefaultDedupe
	}
	return s
}

// Validate refuses settings JetStream would refuse later.
func (s Settings) Validate() error {
	s = s.withDefaults()
	switch {
	case s.Partitions < 1 || s.Partitions > MaxPartitions:
		return fmt.Errorf("partitions %d: want 1 to %d", s.Partitions, MaxPartitions)
	case s.Replicas < 1 || s.Replicas > 5:
		return fmt.Errorf("replicas %d: want 1 to 5", s.Replicas)
	case s.Dedupe < time.Second:
		return fmt.Errorf("dedupe window %s: want at least 1s", s.Dedupe)
	}
	return nil
}

// Streams are the stream configurations of the design for s.
func Streams(s Settings) []jetstream.StreamConfig {
	s = s.withDefaults()
	p := map[string]string{metaPartitions: strconv.Itoa(s.Partitions)}
	return []jetstream.StreamConfig{
		{Name: StreamIngest, Subjects: []string{"in.*.*"}, Storage: jetstream.FileStorage, Replicas: s.Replicas,
			Duplicates: s.Dedupe, AllowDirect: true, Metadata: p,
			Description: "webhook events by partition and user"},
		{Name: StreamUsers, Subjects: []string{"u.*.*.>"}, Storage: jetstream.FileStorage, Replicas: s.Replicas,
			AllowDirect: true, AllowAtomicPublish: true, AllowMsgTTL: true, Metadata: p,
			Description: "sessions, transcripts, outbox and handoffs by partition and user"},
		{Name: StreamBroadcast, Subjects: []string{"b.>"}, Storage: jetstream.FileStorage, Replicas: s.Replicas,
			AllowDirect: true, AllowAtomicPublish: true,
			Description: "broadcast recipients and progress"},
		{Name: StreamRecords, Subjects: []string{"rec.>"}, Storage: jetstream.FileStorage, Replicas: s.Replicas,
			MaxMsgsPerSubject: 1, AllowDirect: true, AllowAtomicPublish: true, AllowMsgTTL: true, Metadata: p,
			Description: "store records by scope: one message per key"},
		{Name: StreamAudit, Subjects: []string{"audit.>"}, Storage: jetstream.FileStorage, Replicas: s.Replicas,
			AllowDirect: true, DenyDelete: true, DenyPurge: true,
			Description: "audit log: deletes and purges denied"},
	}
}

// Buckets are the KV bucket configurations of the design for s.
func Buckets(s Settings) []jetstream.KeyValueConfig {
	s = s.withDefaults()
	return []jetstream.KeyValueConfig{
		// Lease keys carry the fencing token, which must outlive every
		// holder: a key that expired would restart the token and let a
		// stale holder's writes pass. So lease keys get no TTL, and
		// expiry is judged by each instance's monotonic clock (see
		// Leases); per-key TTLs are allowed for leases that need no token.
		{Bucket: BucketLeases, History: 1, Storage: jetstream.FileStorage, Replicas: s.Replicas, LimitMarkerTTL: markerTTL,
			Description: "leases: pacer owners, broadcast dispatchers, partitions"},
		{Bucket: BucketSessions, History: 1, Storage: jetstream.FileStorage, Replicas: s.Replicas, LimitMarkerTTL: markerTTL,
			Description: "agent sessions, each key with its TTL"},
		{Bucket: BucketTokens, History: 1, Storage: jetstream.FileStorage, Replicas: s.Replicas,
			Description: "API tokens, watched by every instance"},
		{Bucket: BucketFAQ, History: 1, Storage: jetstream.FileStorage, Replicas: s.Replicas,
			Description: "FAQ version numbers and the live pointer"},
	}
}

// ObjectStores are the object store configurations of the design for s.
func ObjectStores(s Settings) []jetstream.ObjectStoreConfig {
	s = s.withDefaults()
	return []jetstream.ObjectStoreConfig{
		{Bucket: ObjectFAQ, Storage: jetstream.FileStorage, Replicas: s.Replicas, Description: "FAQ entries by version"},
	}
}

// Ensure creates what is missing of the design's streams, buckets and
// object store and brings changed settings (replicas, dedupe window) to
// s. It is idempotent: a second call with the same settings changes
// nothing. A partition count other than the one the streams were created
// with is refused (ErrPartitionsFixed): P places every stored record.
func Ensure(ctx context.Context, js jetstream.JetStream, s Settings) (Report, error) {
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("ensure streams: %w", err)
	}
	s = s.withDefaults()
	var rep Report
	for _, want := range Streams(s) {
		a, err := ensureStream(ctx, js, want)
		if err != nil {
			return rep, err
		}
		rep = append(rep, Change{Kind: "stream", Name: want.Name, Action: a})
	}
	for _, want := range Buckets(s) {
		a, err := ensureBucket(ctx, js, want)
		if err != nil {
			return rep, err
		}
		rep = append(rep, Change{Kind: "kv", Name: want.Bucket, Action: a})
	}
	for _, want := range ObjectStores(s) {
		a, err := ensureObjectStore(ctx, js, want)
		if err != nil {
			return rep, err
		}
		rep = append(rep, Change{Kind: "object store", Name: want.Bucket, Action: a})
	}
	return rep, nil
}

// lookupTry bounds one look-up of a stream in Ensure. A stream another
// instance has just created answers only once its group has elected a
// leader; until then the request gets no answer at all, and one try
// would wait out the whole start-up (three instances starting together
// on a new cluster each met it). Asked again, it answers.
const lookupTry = 5 * time.Second

// lookupStream is js.Stream, asked again while a try gets no answer in
// lookupTry and ctx goes on.
func lookupStream(ctx context.Context, js jetstream.JetStream, name string) (jetstream.Stream, error) {
	for {
		tctx, cancel := context.WithTimeout(ctx, lookupTry)
		st, err := js.Stream(tctx, name)
		cancel()
		if err == nil || ctx.Err() != nil || !errors.Is(err, context.DeadlineExceeded) {
			return st, err
		}
	}
}

// noPeers is JetStream's "no suitable peers for placement": a stream
// of R replicas asked for before R nodes have joined the new cluster.
const noPeers jetstream.ErrorCode = 10005

// NoPeers reports whether err is JetStream's "no suitable peers for
// placement" (noPeers): the cluster has fewer nodes than the replicas
// asked for, so far.
func NoPeers(err error) bool {
	var api *jetstream.APIError
	return errors.As(err, &api) && api.ErrorCode == noPeers
}

// create runs fn, again every half second while the cluster's nodes are
// still joining (noPeers) and ctx goes on: nodes started together do not
// all see each other at once.
func create(ctx context.Context, fn func() error) error {
	for {
		err := fn()
		if !NoPeers(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func ensureStream(ctx context.Context, js jetstream.JetStream, want jetstream.StreamConfig) (Action, error) {
	st, err := lookupStream(ctx, js, want.Name)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		if err := create(ctx, func() error { _, err := js.CreateStream(ctx, want); return err }); err != nil {
			return "", fmt.Errorf("create stream %s: %w", want.Name, err)
		}
		return Created, nil
	}
	if err != nil {
		return "", fmt.Errorf("look up stream %s: %w", want.Name, err)
	}
	have := st.CachedInfo().Config
	if w, ok := want.Metadata[metaPartitions]; ok && have.Metadata[metaPartitions] != w {
		return "", fmt.Errorf("stream %s was created with %s partitions, the settings ask for %s: %w",
			want.Name, orNone(have.Metadata[metaPartitions]), w, ErrPartitionsFixed)
	}
	if streamMatches(have, want) {
		return Unchanged, nil
	}
	// Keep what the server or an operator set on fields the design leaves
	// open; set only the design's fields.
	up := have
	up.Subjects, up.Replicas, up.Description = want.Subjects, want.Replicas, want.Description
	up.AllowDirect, up.AllowAtomicPublish, up.AllowMsgTTL = want.AllowDirect, want.AllowAtomicPublish, want.AllowMsgTTL
	up.DenyDelete, up.DenyPurge = want.DenyDelete, want.DenyPurge
	if want.Duplicates != 0 {
		up.Duplicates = want.Duplicates
	}
	if want.MaxMsgsPerSubject != 0 {
		up.MaxMsgsPerSubject = want.MaxMsgsPerSubject
	}
	if _, err := js.UpdateStream(ctx, up); err != nil {
		return "", fmt.Errorf("update stream %s: %w", want.Name, err)
	}
	return Updated, nil
}

// streamMatches compares the fields Streams sets.
func streamMatches(have, want jetstream.StreamConfig) bool {
	return slices.Equal(have.Subjects, want.Subjects) && have.Replicas == want.Replicas &&
		(want.Duplicates == 0 || have.Duplicates == want.Duplicates) &&
		(want.MaxMsgsPerSubject == 0 || have.MaxMsgsPerSubject == want.MaxMsgsPerSubject) &&
		have.AllowDirect == want.AllowDirect && have.AllowAtomicPublish == want.AllowAtomicPublish &&
		have.AllowMsgTTL == want.AllowMsgTTL && have.DenyDelete == want.DenyDelete && have.DenyPurge == want.DenyPurge &&
		have.Description == want.Description
}

func ensureBucket(ctx context.Context, js jetstream.JetStream, want jetstream.KeyValueConfig) (Action, error) {
	st, err := lookupStream(ctx, js, "KV_"+want.Bucket)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		if err := create(ctx, func() error { _, err := js.CreateKeyValue(ctx, want); return err }); err != nil {
			return "", fmt.Errorf("create kv bucket %s: %w", want.Bucket, err)
		}
		return Created, nil
	}
	if err != nil {
		return "", fmt.Errorf("look up kv bucket %s: %w", want.Bucket, err)
	}
	have := st.CachedInfo().Config
	if have.Replicas == want.Replicas && have.MaxMsgsPerSubject == int64(want.History) &&
		have.MaxAge == want.TTL && have.SubjectDeleteMarkerTTL == want.LimitMarkerTTL && have.Description == want.Description {
		return Unchanged, nil
	}
	if _, err := js.UpdateKeyValue(ctx, want); err != nil {
		return "", fmt.Errorf("update kv bucket %s: %w", want.Bucket, err)
	}
	return Updated, nil
}

func ensureObjectStore(ctx context.Context, js jetstream.JetStream, want jetstream.ObjectStoreConfig) (Action, error) {
	st, err := lookupStream(ctx, js, "OBJ_"+want.Bucket)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		if err := create(ctx, func() error { _, err := js.CreateObjectStore(ctx, want); return err }); err != nil {
			return "", fmt.Errorf("create object store %s: %w", want.Bucket, err)
		}
		return Created, nil
	}
	if err != nil {
		return "", fmt.Errorf("look up object store %s: %w", want.Bucket, err)
	}
	have := st.CachedInfo().Config
	if have.Replicas == want.Replicas && have.Description == want.Description {
		return Unchanged, nil
	}
	if _, err := js.UpdateObjectStore(ctx, want); err != nil {
		return "", fmt.Errorf("update object store %s: %w", want.Bucket, err)
	}
	return Updated, nil
}

func orNone(s string) string {
	if s == "" {
		return "no recorded"
	}
	return s
}
