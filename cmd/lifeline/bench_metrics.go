package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// benchAdminToken is the admin token bench cluster gives its instances;
// it reads their /metrics with it.
const benchAdminToken = "bench-admin-token-0123456789"

// promHist is one Prometheus histogram as exposed: cumulative bucket
// counts by upper bound, sum and count.
type promHist struct {
	buckets    map[float64]float64
	sum, count float64
}

func (h *promHist) add(o promHist, sign float64) {
	if h.buckets == nil {
		h.buckets = map[float64]float64{}
	}
	for le, n := range o.buckets {
		h.buckets[le] += sign * n
	}
	h.sum += sign * o.sum
	h.count += sign * o.count
}

// quantile estimates the q-quantile as Prometheus's histogram_quantile
// does: the bucket that holds it, interpolated linearly within it. NaN
// when the histogram is empty.
func (h promHist) quantile(q float64) float64 {
	if h.count <= 0 || len(h.buckets) == 0 {
		return math.NaN()
	}
	les := make([]float64, 0, len(h.buckets))
	for le := range h.buckets {
		les = append(les, le)
	}
	slices.Sort(les)
	rank := q * h.count
	lower, below := 0.0, 0.0
	for _, le := range les {
		n := h.buckets[le]
		if n >= rank {
			if math.IsInf(le, 1) {
				return lower // beyond the last bound: its bound is the best estimate
			}
			if n == below {
				return le
			}
			return lower + (le-lower)*(rank-below)/(n-below)
		}
		lower, below = le, n
	}
	return lower
}

// quantileText is the q-quantile in words: "> B" when it lies beyond
// the last finite bound B (the quantile cannot say how far), "-" when
// the histogram is empty.
func (h promHist) quantileText(q float64) string {
	v := h.quantile(q)
	if math.IsNaN(v) {
		return "-"
	}
	last, below := math.Inf(-1), 0.0
	for le, n := range h.buckets {
		if !math.IsInf(le, 1) && le > last {
			last, below = le, n
		}
	}
	if q*h.count > below && v == last {
		return "> " + secondsText(v)
	}
	return secondsText(v)
}

// benchMetrics are the contention figures of the instances, summed: the
// commits their scoped transactions lost (by scope kind), the waits for
// permits from the numbers' owners and those owners' round trips.
type benchMetrics struct {
	conflicts     map[string]*promHist // lifeline_store_txn_conflicts by scope
	permitWait    promHist             // lifeline_pacer_permit_wait_seconds, all classes
	request       promHist             // lifeline_pacer_request_seconds
	requestFailed float64              // lifeline_pacer_requests_failed_total
}

// add adds o to m, or takes it away with sign -1 (a window is the
// figures at its end less those at its start).
func (m *benchMetrics) add(o benchMetrics, sign float64) {
	if m.conflicts == nil {
		m.conflicts = map[string]*promHist{}
	}
	for scope, h := range o.conflicts {
		if m.conflicts[scope] == nil {
			m.conflicts[scope] = &promHist{}
		}
		m.conflicts[scope].add(*h, sign)
	}
	m.permitWait.add(o.permitWait, sign)
	m.request.add(o.request, sign)
	m.requestFailed += sign * o.requestFailed
}

// perTurn is the commits lost per transaction of a person's scope (a
// turn, mostly); NaN when there was none.
func (m benchMetrics) perTurn() float64 {
	h := m.conflicts["user"]
	if h == nil || h.count <= 0 {
		return math.NaN()
	}
	return h.sum / h.count
}

// perTxn is the commits lost per scoped transaction of any kind.
func (m benchMetrics) perTxn() float64 {
	var sum, count float64
	for _, h := range m.conflicts {
		sum, count = sum+h.sum, count+h.count
	}
	if count <= 0 {
		return math.NaN()
	}
	return sum / count
}

func (m benchMetrics) String() string {
	if m.conflicts == nil && m.request.count == 0 && m.permitWait.count == 0 {
		return "no contention metrics (one badger instance has none)"
	}
	return fmt.Sprintf("store conflicts per turn %s (per transaction %s); permit wait p50 %s p99 %s; "+
		"pacer requests p50 %s p99 %s, %d answered, %.0f failed",
		ratioText(m.perTurn()), ratioText(m.perTxn()), m.permitWait.quantileText(0.5), m.permitWait.quantileText(0.99),
		m.request.quantileText(0.5), m.request.quantileText(0.99), int64(m.request.count), m.requestFailed)
}

func ratioText(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return strconv.FormatFloat(v, 'f', 3, 64)
}

func secondsText(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return time.Duration(v * float64(time.Second)).Round(10 * time.Microsecond).String()
}

// scrapeBenchMetrics reads the contention metrics of the instances at
// bases, all at once so that the window's edges are the same for each,
// and sums them.
func scrapeBenchMetrics(client *http.Client, bases []string) (benchMetrics, error) {
	ms := make([]benchMetrics, len(bases))
	errs := make([]error, len(bases))
	var wg sync.WaitGroup
	for i, base := range bases {
		wg.Go(func() {
			ms[i], errs[i] = scrapeOne(client, base)
		})
	}
	wg.Wait()
	var sum benchMetrics
	for _, m := range ms {
		sum.add(m, 1)
	}
	return sum, errors.Join(errs...)
}

func scrapeOne(client *http.Client, base string) (benchMetrics, error) {
	req, err := http.NewRequest(http.MethodGet, base+"/metrics", nil)
	if err != nil {
		return benchMetrics{}, err
	}
	req.Header.Set("Authorization", "Bearer "+benchAdminToken)
	// Uncompressed: a gzip-encoded /metrics answers late or not at all
	// under load, and the window's edges must be sharp.
	req.Header.Set("Accept-Encoding", "identity")
	resp, err := client.Do(req)
	if err != nil {
		return benchMetrics{}, fmt.Errorf("read metrics of %s: %w", base, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return benchMetrics{}, fmt.Errorf("read metrics of %s: status %s", base, resp.Status)
	}
	m, err := parseBenchMetrics(resp.Body)
	if err != nil {
		return m, fmt.Errorf("read metrics of %s: %w", base, err)
	}
	return m, nil
}

// parseBenchMetrics picks the contention metrics out of a Prometheus text
// exposition (as client_golang writes it: every family with its TYPE).
// Series of one family on one instance (conflicts by scope, permit waits
// by class) are summed.
func parseBenchMetrics(r io.Reader) (benchMetrics, error) {
	m := benchMetrics{conflicts: map[string]*promHist{}}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(r)
	if err != nil {
		return m, fmt.Errorf("parse the exposition: %w", err)
	}
	for _, s := range families["lifeline_store_txn_conflicts"].GetMetric() {
		scope := labelValue(s, "scope")
		if m.conflicts[scope] == nil {
			m.conflicts[scope] = &promHist{}
		}
		m.conflicts[scope].add(histOf(s.GetHistogram()), 1)
	}
	for _, s := range families["lifeline_pacer_permit_wait_seconds"].GetMetric() {
		m.permitWait.add(histOf(s.GetHistogram()), 1)
	}
	for _, s := range families["lifeline_pacer_request_seconds"].GetMetric() {
		m.request.add(histOf(s.GetHistogram()), 1)
	}
	for _, s := range families["lifeline_pacer_requests_failed_total"].GetMetric() {
		m.requestFailed += s.GetCounter().GetValue() + s.GetUntyped().GetValue()
	}
	return m, nil
}

// histOf is a parsed histogram as promHist; the +Inf bucket is the count
// (the exposition writes it, but a histogram may come without it).
func histOf(h *dto.Histogram) promHist {
	count := float64(h.GetSampleCount()) + h.GetSampleCountFloat()
	p := promHist{buckets: map[float64]float64{math.Inf(1): count}, sum: h.GetSampleSum(), count: count}
	for _, b := range h.GetBucket() {
		p.buckets[b.GetUpperBound()] = float64(b.GetCumulativeCount()) + b.GetCumulativeCountFloat()
	}
	return p
}

// labelValue is the value of the series' label name; "" when absent.
func labelValue(s *dto.Metric, name string) string {
	for _, l := range s.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}
