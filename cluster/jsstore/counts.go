package jsstore

import "sync/atomic"

// Requests the store sends to JetStream, counted by kind, so that what a
// processed message costs on the cluster can be read off a running
// instance (LIFELINE_NATS_COUNT logs them, see cmd/lifeline): at low
// rates a message's CPU goes mostly to the wake-ups of its small
// requests, and these say which ones it makes.
type reqKind int

const (
	reqFenceNear   reqKind = iota // a write's fence from the nearest replica
	reqFenceLeader                // a write's fence from the leader
	reqGetNear                    // a record of the scope from the nearest replica
	reqGetLeader                  // a record from the leader
	reqScanNear                   // a scan's records from the nearest replica
	reqScanLeader                 // a scan's messages from the leader, one each
	reqPrefetch                   // records named ahead, fetched together from the nearest replica
	reqBatchAt                    // the size of the batch a fence ends
	reqCommit                     // a commit (its last message, a request)
	reqCommitMsg                  // a commit's other messages (publishes)
	reqRefused                    // a commit refused, run again
	reqNumber                     // a number drawn by a publish, or a block reserved
	reqReread                     // a try run again: read before its fence, below it
	reqKinds
)

var reqNames = [reqKinds]string{"fence_near", "fence_leader", "get_near", "get_leader", "scan_near",
	"scan_leader", "prefetch", "batch_at", "commit", "commit_msg", "refused", "number", "reread"}

type reqCounts [reqKinds]atomic.Int64

func (c *reqCounts) add(k reqKind, n int) { c[k].Add(int64(n)) }

// Requests returns how many requests of each kind the store has sent
// since it opened, by name.
func (s *Store) Requests() map[string]int64 {
	m := make(map[string]int64, reqKinds)
	for k := range reqKinds {
		m[reqNames[k]] = s.reqs[k].Load()
	}
	return m
}
