package jsstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"lifeline/cluster"
	"lifeline/store"
)

// Exported is one record as Export reads it from the RECORDS stream.
type Exported struct {
	Key   store.Key
	Value []byte
	// TTL is what is left of the record's time to live, 0 for none.
	TTL time.Duration
	// Deleted: a tombstone, the key was deleted (in this scope).
	Deleted bool
}

// ExportStats is what Export read.
type ExportStats struct {
	Messages int // record messages read, tombstones and expired ones included
	// LastSeq is the stream's last sequence when the export began: every
	// number a sequence of the store (NextSeq) had handed out is at most
	// this, so a restore must hand out only numbers above it.
	LastSeq uint64
}

// Export reads every record of every scope, in stream order (the order
// they were committed: a key kept in several scopes ends as its newest
// message, as a Get of no scope reads it), and calls fn for each live
// record and each tombstone; records whose TTL has passed are left out.
// It reads through an ordered consumer, a stream of messages rather than
// one request per record, and ends at the last record message that was
// in the stream when it began. Records committed while it runs may or may
// not be in it: it is each record's newest value, not one instant of the
// whole store.
func (s *Store) Export(ctx context.Context, fn func(r Exported) error) (ExportStats, error) {
	var stats ExportStats
	js, err := jetstream.New(s.nc)
	if err != nil {
		return stats, fmt.Errorf("export records: %w", err)
	}
	st, err := js.Stream(ctx, cluster.StreamRecords)
	if err != nil {
		return stats, fmt.Errorf("export records: stream %s: %w", cluster.StreamRecords, err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		return stats, fmt.Errorf("export records: stream %s: %w", cluster.StreamRecords, err)
	}
	stats.LastSeq = info.State.LastSeq
	cons, err := st.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{FilterSubjects: []string{anyScope + ".>"}, DeliverPolicy: jetstream.DeliverAllPolicy})
	if err != nil {
		return stats, fmt.Errorf("export records: consumer: %w", err)
	}
	ci, err := cons.Info(ctx)
	if err != nil {
		return stats, fmt.Errorf("export records: consumer: %w", err)
	}
	if ci.NumPending == 0 {
		return stats, nil
	}
	for {
		batch, err := cons.Fetch(500, jetstream.FetchMaxWait(5*time.Second))
		if err != nil {
			return stats, fmt.Errorf("export records: fetch: %w", err)
		}
		got := 0
		for m := range batch.Messages() {
			got++
			meta, err := m.Metadata()
			if err != nil {
				return stats, fmt.Errorf("export records: message on %s: %w", m.Subject(), err)
			}
			stats.Messages++
			if err := exportOne(m, meta, fn); err != nil {
				return stats, err
			}
			if meta.NumPending == 0 || meta.Sequence.Stream >= stats.LastSeq {
				return stats, nil
			}
		}
		if err := batch.Error(); err != nil {
			return stats, fmt.Errorf("export records: fetch after %d messages: %w", stats.Messages, err)
		}
		if err := ctx.Err(); err != nil {
			return stats, err
		}
		if got == 0 {
			return stats, fmt.Errorf("export records: the stream stopped delivering after %d messages, before its end (sequence %d)", stats.Messages, stats.LastSeq)
		}
	}
}

func exportOne(m jetstream.Msg, meta *jetstream.MsgMetadata, fn func(r Exported) error) error {
	if isMark(m.Subject()) {
		return nil // a scope's marker holds no record (see numbers.go)
	}
	key, err := keyOf(m.Subject())
	if err != nil {
		return fmt.Errorf("export records: %w", err)
	}
	h := m.Headers()
	if h.Get(hdrOp) == opDel {
		return fn(Exported{Key: key, Deleted: true})
	}
	r := Exported{Key: key, Value: m.Data()}
	if v := h.Get("Nats-TTL"); v != "" {
		ttl, err := parseTTL(v)
		if err != nil {
			return fmt.Errorf("export records: message %d: TTL %q: %w", meta.Sequence.Stream, v, err)
		}
		if ttl > 0 {
			left := ttl - time.Since(meta.Timestamp)
			if left <= 0 {
				return nil // expired: JetStream removes it any moment
			}
			r.TTL = left
		}
	}
	return fn(r)
}

// parseTTL reads a Nats-TTL header: whole seconds, or a duration.
func parseTTL(v string) (time.Duration, error) {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Duration(n) * time.Second, nil
	}
	if strings.EqualFold(v, "never") {
		return 0, nil
	}
	return time.ParseDuration(v)
}
