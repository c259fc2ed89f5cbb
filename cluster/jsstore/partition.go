package jsstore

import (
	"context"
	"fmt"
	"strconv"

	"lifeline/cluster"
	"lifeline/store"
)

// Partitions is P, the number of partitions the users' records are
// spread over (fixed when the streams were created).
func (s *Store) Partitions() int { return int(s.partitions) }

// PartitionOf is the partition of user's records.
func (s *Store) PartitionOf(user string) int { return cluster.PartitionOf(user, int(s.partitions)) }

// ReadPartition runs fn in a read-only transaction whose scans walk the
// records of every user of partition p (and of no other scope): what the
// new owner of a partition reads to recover its pending inbox and outbox.
// Gets find a key wherever it is kept, as in Read.
func (s *Store) ReadPartition(ctx context.Context, p int, fn func(r store.Reader) error) error {
	if p < 0 || p >= int(s.partitions) {
		return fmt.Errorf("read partition %d: want 0 to %d", p, s.partitions-1)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return fn(&txn{s: s, ctx: ctx, base: "rec.u." + strconv.Itoa(p) + ".*", readOnly: true})
}
