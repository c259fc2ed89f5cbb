package main

import (
	"math"
	"strings"
	"testing"
)

const benchExposition = `# HELP lifeline_store_txn_conflicts commits lost
# TYPE lifeline_store_txn_conflicts histogram
lifeline_store_txn_conflicts_bucket{instance_id="i1",scope="user",le="0"} 90
lifeline_store_txn_conflicts_bucket{instance_id="i1",scope="user",le="1"} 98
lifeline_store_txn_conflicts_bucket{instance_id="i1",scope="user",le="+Inf"} 100
lifeline_store_txn_conflicts_sum{instance_id="i1",scope="user"} 14
lifeline_store_txn_conflicts_count{instance_id="i1",scope="user"} 100
lifeline_store_txn_conflicts_bucket{instance_id="i1",scope="broadcast",le="0"} 10
lifeline_store_txn_conflicts_bucket{instance_id="i1",scope="broadcast",le="+Inf"} 10
lifeline_store_txn_conflicts_sum{instance_id="i1",scope="broadcast"} 0
lifeline_store_txn_conflicts_count{instance_id="i1",scope="broadcast"} 10
lifeline_store_txn_conflicts_bucket{instance_id="i1",scope="odd \"scope\"\\",le="+Inf"} 3
lifeline_store_txn_conflicts_sum{instance_id="i1",scope="odd \"scope\"\\"} 6
lifeline_store_txn_conflicts_count{instance_id="i1",scope="odd \"scope\"\\"} 3
# HELP lifeline_pacer_permit_wait_seconds wait for a permit
# TYPE lifeline_pacer_permit_wait_seconds histogram
lifeline_pacer_permit_wait_seconds_bucket{class="conversation",instance_id="i1",le="0"} 50
lifeline_pacer_permit_wait_seconds_bucket{class="conversation",instance_id="i1",le="0.001"} 100
lifeline_pacer_permit_wait_seconds_bucket{class="conversation",instance_id="i1",le="+Inf"} 100
lifeline_pacer_permit_wait_seconds_sum{class="conversation",instance_id="i1"} 0.02
lifeline_pacer_permit_wait_seconds_count{class="conversation",instance_id="i1"} 100
lifeline_pacer_permit_wait_seconds_bucket{class="broadcast",instance_id="i1",le="0"} 0
lifeline_pacer_permit_wait_seconds_bucket{class="broadcast",instance_id="i1",le="0.001"} 0
lifeline_pacer_permit_wait_seconds_bucket{class="broadcast",instance_id="i1",le="+Inf"} 0
lifeline_pacer_permit_wait_seconds_sum{class="broadcast",instance_id="i1"} 0
lifeline_pacer_permit_wait_seconds_count{class="broadcast",instance_id="i1"} 0
# TYPE lifeline_pacer_request_seconds histogram
lifeline_pacer_request_seconds_bucket{instance_id="i1",le="0.001"} 0
lifeline_pacer_request_seconds_bucket{instance_id="i1",le="0.005"} 10
lifeline_pacer_request_seconds_bucket{instance_id="i1",le="+Inf"} 10
lifeline_pacer_request_seconds_sum{instance_id="i1"} 0.03
lifeline_pacer_request_seconds_count{instance_id="i1"} 10
# TYPE lifeline_pacer_requests_failed_total counter
lifeline_pacer_requests_failed_total{instance_id="i1"} 2
# TYPE lifeline_queue_oldest_seconds gauge
lifeline_queue_oldest_seconds NaN
lifeline_other_total 7
# TYPE lifeline_unrelated_seconds histogram
lifeline_unrelated_seconds_bucket{le="+Inf"} 5
lifeline_unrelated_seconds_sum +Inf
lifeline_unrelated_seconds_count 5
`

// The summary's figures come from the histograms as Prometheus would
// compute them, and a window is its end less its start.
func TestBenchMetricsFromTheExposition(t *testing.T) {
	m, err := parseBenchMetrics(strings.NewReader(benchExposition))
	if err != nil {
		t.Fatal(err)
	}
	start := m
	start.conflicts = map[string]*promHist{"user": {buckets: map[float64]float64{0: 40, 1: 40, math.Inf(1): 40}, count: 40}}
	start.permitWait, start.request, start.requestFailed = promHist{}, promHist{}, 1
	var window benchMetrics
	window.add(m, 1)
	window.add(start, -1)
	cases := []struct {
		label     string
		got, want float64
	}{
		{"conflicts per turn", m.perTurn(), 0.14},
		{"conflicts per transaction", m.perTxn(), 20.0 / 113},
		{"conflicts of a scope named with escapes", m.conflicts[`odd "scope"\`].sum, 6},
		{"conflicts per turn in the window", window.perTurn(), 14.0 / 60},
		{"permit wait p50 (in the zero bucket)", m.permitWait.quantile(0.5), 0},
		{"permit wait p99 (interpolated)", m.permitWait.quantile(0.99), 0.00098},
		{"request p50 (interpolated)", m.request.quantile(0.5), 0.003},
		{"requests failed in the window", window.requestFailed, 1},
	}
	for _, c := range cases {
		if math.Abs(c.got-c.want) > 1e-9 {
			t.Errorf("%s = %v, want %v", c.label, c.got, c.want)
		}
	}
	beyond := promHist{buckets: map[float64]float64{0.001: 10, 5: 40, math.Inf(1): 100}, count: 100}
	for _, c := range []struct {
		h    promHist
		q    float64
		want string
	}{
		{beyond, 0.3, "3.33367s"},
		{beyond, 0.4, "5s"},
		{beyond, 0.5, "> 5s"},
		{m.permitWait, 0.99, "980µs"},
		{promHist{}, 0.5, "-"},
	} {
		if got := c.h.quantileText(c.q); got != c.want {
			t.Errorf("quantile %v of %v in words = %q, want %q", c.q, c.h.buckets, got, c.want)
		}
	}
	if q := (promHist{}).quantile(0.5); !math.IsNaN(q) {
		t.Errorf("quantile of an empty histogram = %v, want NaN", q)
	}
	if s := m.String(); !strings.Contains(s, "conflicts per turn 0.140") || !strings.Contains(s, "2 failed") {
		t.Errorf("summary %q", s)
	}
}

// An exposition that is not one fails the scrape rather than reading as
// no contention.
func TestBenchMetricsRefuseAMalformedExposition(t *testing.T) {
	for _, text := range []string{
		"lifeline_store_txn_conflicts_count{scope=\"user\"} many\n",
		"# TYPE lifeline_pacer_request_seconds histogram\nlifeline_pacer_request_seconds_bucket{le=\"0.1\"} -1\n",
		"lifeline_store_txn_conflicts_count{scope=\"user} 1\n",
	} {
		if _, err := parseBenchMetrics(strings.NewReader(text)); err == nil {
			t.Errorf("parsed %q without an error", text)
		}
	}
}
