package main

import (
	"context"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"lifeline/bot"
	"lifeline/bot/pace"
	"lifeline/store"
)

// readiness is the cluster's part of /readyz: this instance is a member
// and, once the members have settled, owns every partition that maps to
// it (the store answering is checked by the server itself).
func (c *natsCluster) readiness(ctx context.Context) (bool, []string, any) {
	r := c.parts.Readiness(ctx)
	return r.Ready, r.Reasons, r
}

// clusterCollector is the metrics of this instance's place in the
// cluster, labelled with its instance id (instance_id: Prometheus keeps
// the label "instance" for the address it scrapes) and, where the value
// is a partition's, with the partition.
type clusterCollector struct {
	c      *natsCluster
	engine *bot.Engine

	takeover prometheus.Histogram
	permits  *permitMetrics // nil when the numbers are not paced by the cluster
}

var (
	descMember = prometheus.NewDesc("lifeline_cluster_member",
		"1 while this instance's heartbeat is written within the lease TTL (it is a member of the cluster)", []string{"instance_id"}, nil)
	descMembers = prometheus.NewDesc("lifeline_cluster_members",
		"live members this instance sees, itself among them", []string{"instance_id"}, nil)
	descReady = prometheus.NewDesc("lifeline_cluster_ready",
		"1 while /readyz's cluster check passes: a member, and owning its share of the partitions once the members settled", []string{"instance_id"}, nil)
	descOwned = prometheus.NewDesc("lifeline_partitions_owned",
		"partitions this instance works now", []string{"instance_id"}, nil)
	descShare = prometheus.NewDesc("lifeline_partitions_share",
		"partitions that map to this instance among the live members", []string{"instance_id"}, nil)
	descPartition = prometheus.NewDesc("lifeline_partition_owned",
		"1 for each partition this instance works now (one series per owned partition)", []string{"instance_id", "partition"}, nil)
	descPartIn = prometheus.NewDesc("lifeline_partition_inbox_pending",
		"inbound events queued on this instance and not yet processed, by partition", []string{"instance_id", "partition"}, nil)
	descPartOut = prometheus.NewDesc("lifeline_partition_outbox_pending",
		"outbox items (messages and read receipts) queued on this instance and not yet sent, by partition", []string{"instance_id", "partition"}, nil)
	descHandovers = prometheus.NewDesc("lifeline_partition_handovers_total",
		"partitions that changed hands here: took, gave_up (to the member they map to now, or at a clean stop), lost (a lease not renewed in time)",
		[]string{"instance_id", "change"}, nil)
)

func newClusterCollector(c *natsCluster, engine *bot.Engine) *clusterCollector {
	k := &clusterCollector{c: c, engine: engine, takeover: prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:        "lifeline_partition_takeover_seconds",
		Help:        "from taking a partition's lease to its pending inbound events and outbox items read and queued here",
		ConstLabels: prometheus.Labels{"instance_id": c.parts.Instance()},
		Buckets:     []float64{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60},
	})}
	if c.pacer != nil {
		k.permits = newPermitMetrics(c.parts.Instance())
		c.pacer.MeasurePermits(k.permits)
	}
	return k
}

func (k *clusterCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descMember, descMembers, descReady, descOwned, descShare, descPartition, descPartIn, descPartOut, descHandovers} {
		ch <- d
	}
	k.takeover.Describe(ch)
	if k.c.txns != nil {
		k.c.txns.conflicts.Describe(ch)
	}
	if k.permits != nil {
		k.permits.collectors(func(c prometheus.Collector) { c.Describe(ch) })
	}
}

func (k *clusterCollector) Collect(ch chan<- prometheus.Metric) {
	ps := k.c.parts
	id := ps.Instance()
	r := ps.Readiness(context.Background())
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, append([]string{id}, labels...)...)
	}
	gauge(descMember, b2f(r.Member))
	gauge(descMembers, float64(len(r.Members)))
	gauge(descReady, b2f(r.Ready))
	gauge(descOwned, float64(len(r.Owned)))
	gauge(descShare, float64(len(r.Share)))
	in, out := k.engine.PendingBy(ps.Of)
	for _, p := range r.Owned {
		l := strconv.Itoa(p)
		gauge(descPartition, 1, l)
		gauge(descPartIn, float64(in[p]), l)
		gauge(descPartOut, float64(out[p]), l)
	}
	h := ps.Handovers()
	for change, n := range map[string]uint64{"took": h.Took, "gave_up": h.GaveUp, "lost": h.Lost} {
		ch <- prometheus.MustNewConstMetric(descHandovers, prometheus.CounterValue, float64(n), id, change)
	}
	for _, d := range ps.TakeDurations() {
		k.takeover.Observe(d.Seconds())
	}
	k.takeover.Collect(ch)
	if k.c.txns != nil {
		k.c.txns.conflicts.Collect(ch)
	}
	if k.permits != nil {
		k.permits.collectors(func(c prometheus.Collector) { c.Collect(ch) })
	}
}

// txnStats counts, per scoped transaction on JetStream, the commits it
// lost to another writer of its scope (each lost commit runs the
// transaction again): the contention the design says must not grow with
// the number of instances.
type txnStats struct {
	conflicts *prometheus.HistogramVec
}

func newTxnStats(instance string) *txnStats {
	return &txnStats{conflicts: prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "lifeline_store_txn_conflicts",
		Help: "commits each scoped transaction lost to another writer of its scope before its own (0: committed at the first try), " +
			"by scope kind (user: a turn, or any other write to a person; broadcast; document); _sum/_count is the conflicts per transaction",
		ConstLabels: prometheus.Labels{"instance_id": instance},
		Buckets:     []float64{0, 1, 2, 3, 5, 10, 25, 50, 100},
	}, []string{"scope"})}
}

// Write counts how often the store runs fn for one transaction: once,
// plus once per commit lost to a conflict. A transaction that fails
// (fn's error, the context) is not counted.
func (s natsStore) Write(ctx context.Context, scope store.Scope, fn func(w store.Writer) error) error {
	if s.txns == nil {
		return s.Store.Write(ctx, scope, fn)
	}
	runs := 0
	err := s.Store.Write(ctx, scope, func(w store.Writer) error {
		runs++
		return fn(w)
	})
	if err == nil && runs > 0 {
		s.txns.conflicts.WithLabelValues(scope.Kind().String()).Observe(float64(runs - 1))
	}
	return err
}

// permitMetrics is how long sends wait for permits from their numbers'
// owners (pace.Observer).
type permitMetrics struct {
	wait     *prometheus.HistogramVec
	request  prometheus.Histogram
	failures prometheus.Counter
}

var _ pace.Observer = (*permitMetrics)(nil)

func newPermitMetrics(instance string) *permitMetrics {
	labels := prometheus.Labels{"instance_id": instance}
	latency := []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}
	return &permitMetrics{
		wait: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "lifeline_pacer_permit_wait_seconds",
			Help: "how long a send waited here for a permit from its number's owner (0 when one was at hand), by class (conversation, broadcast): " +
				"the number's budget and the owner's round trips together",
			ConstLabels: labels, Buckets: append([]float64{0}, latency...),
		}, []string{"class"}),
		request: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:        "lifeline_pacer_request_seconds",
			Help:        "one request for permits to a number's owner, answered (the owner waits up to 2 s for a token before answering)",
			ConstLabels: labels, Buckets: latency,
		}),
		failures: prometheus.NewCounter(prometheus.CounterOpts{
			Name:        "lifeline_pacer_requests_failed_total",
			Help:        "requests for permits that failed: no owner of the number yet, or no answer in time",
			ConstLabels: labels,
		}),
	}
}

func (m *permitMetrics) PermitWait(c pace.Class, d time.Duration) {
	m.wait.WithLabelValues(c.String()).Observe(d.Seconds())
}

func (m *permitMetrics) PermitRequest(d time.Duration, ok bool) {
	if !ok {
		m.failures.Inc()
		return
	}
	m.request.Observe(d.Seconds())
}

func (m *permitMetrics) collectors(f func(prometheus.Collector)) {
	f(m.wait)
	f(m.request)
	f(m.failures)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
