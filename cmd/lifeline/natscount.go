package main

import (
	"os"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/rs/zerolog"

	"lifeline/cluster/jsstore"
)

// natsCountEvery is how often LIFELINE_NATS_COUNT logs the counts.
const natsCountEvery = 5 * time.Second

// countNATS logs, every natsCountEvery while the connection is open, what
// this instance sent to JetStream since the last line when
// LIFELINE_NATS_COUNT is set: the store's requests by kind
// (jsstore.Store.Requests) and every message in and out of the
// connection, the bus, leases and pacer included. Divided by the
// messages processed meanwhile, that is what a message costs in
// requests, the measure behind the cluster's CPU per message.
func countNATS(nc *nats.Conn, s *jsstore.Store, log zerolog.Logger) {
	if os.Getenv("LIFELINE_NATS_COUNT") == "" {
		return
	}
	go func() {
		prev, prevStats := s.Requests(), nc.Stats()
		for range time.Tick(natsCountEvery) {
			if nc.IsClosed() {
				return
			}
			now, stats := s.Requests(), nc.Stats()
			d := zerolog.Dict()
			for k, n := range now {
				d = d.Int64(k, n-prev[k])
			}
			// Warn: asked for explicitly, it shows where the log level
			// is warn, as bench cluster runs its instances.
			log.Warn().Dict("store", d).Uint64("out_msgs", stats.OutMsgs-prevStats.OutMsgs).
				Uint64("in_msgs", stats.InMsgs-prevStats.InMsgs).Dur("over", natsCountEvery).Msg("NATS requests")
			prev, prevStats = now, stats
		}
	}()
}
