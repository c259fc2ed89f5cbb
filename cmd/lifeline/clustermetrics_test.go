package main

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"lifeline/bot/whatsapp/whatsapptest"
)

// metricValue is the value of the series whose line starts with series
// (name and labels as exposed, labels in name order), -1 when absent.
func metricValue(text, series string) float64 {
	for _, line := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(line, series+" "); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			if err == nil {
				return v
			}
		}
	}
	return -1
}

// An answered message on a cluster shows in the contention metrics: its
// turn's transaction in the conflicts per transaction, the reply's wait
// for a permit from the number's owner and the request that got it.
func TestClusterMetricsCountConflictsAndPermitWaits(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a NATS node and a server")
	}
	graph := whatsapptest.NewServer(t)
	s := startServing(t, "inst-m", "", graph.URL)
	defer s.inst.close()
	const user = "17770000001"
	postWebhook(t, s, payload(1, user, crashPhone, "hello"))
	waitUntil(t, 60*time.Second, "the message answered", func() bool { return sentPerUser(graph)[user] > 0 })

	m := metricsText(t, s)
	id := `instance_id="inst-m"`
	for _, series := range []string{
		`lifeline_store_txn_conflicts_count{` + id + `,scope="user"}`,
		`lifeline_pacer_permit_wait_seconds_count{class="conversation",` + id + `}`,
		`lifeline_pacer_request_seconds_count{` + id + `}`,
	} {
		if v := metricValue(m, series); v < 1 {
			t.Errorf("%s: got %v, want at least 1\n%s", series, v,
				grepLines(m, "lifeline_store_txn_conflicts", "lifeline_pacer_"))
		}
	}
	if v := metricValue(m, `lifeline_pacer_requests_failed_total{`+id+`}`); v < 0 {
		t.Errorf("lifeline_pacer_requests_failed_total absent")
	}
}
