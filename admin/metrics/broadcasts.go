package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"lifeline/bot/broadcast"
)

// recentBroadcasts bounds the label values: the newest broadcasts only,
// which covers every one an operator is watching.
const recentBroadcasts = 20

var (
	descBroadcastRecipients = prometheus.NewDesc("lifeline_broadcast_recipients",
		"Recipients of the newest broadcasts by progress (targeted, sent, delivered, read, failed, replied, pending).",
		[]string{"broadcast", "kind", "state"}, nil)
	descCheckinAnswers = prometheus.NewDesc("lifeline_checkin_answers",
		"Answers to the newest safety check-ins (safe, need_help, no_response).",
		[]string{"broadcast", "answer"}, nil)
)

// broadcastCollector reads broadcast progress at scrape time.
type broadcastCollector struct{ svc *broadcast.Service }

// WatchBroadcasts exports the progress of the newest broadcasts and check-ins.
func (m *Metrics) WatchBroadcasts(svc *broadcast.Service) {
	m.reg.MustRegister(&broadcastCollector{svc: svc})
}

func (c *broadcastCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descBroadcastRecipients
	ch <- descCheckinAnswers
}

func (c *broadcastCollector) Collect(ch chan<- prometheus.Metric) {
	list, err := c.svc.List(recentBroadcasts)
	if err != nil {
		return
	}
	for _, b := range list {
		st, err := c.svc.Status(b.ID)
		if err != nil {
			continue
		}
		kind := string(st.Kind)
		for state, n := range map[string]int64{
			"targeted": st.Targeted, "sent": st.Sent, "delivered": st.Delivered, "read": st.Read,
			"failed": st.Failed, "replied": st.Replied, "pending": st.Pending,
		} {
			ch <- prometheus.MustNewConstMetric(descBroadcastRecipients, prometheus.GaugeValue, float64(n), st.ID, kind, state)
		}
		for answer, n := range map[string]*int64{"safe": st.Safe, "need_help": st.NeedHelp, "no_response": st.NoResponse} {
			if n != nil {
				ch <- prometheus.MustNewConstMetric(descCheckinAnswers, prometheus.GaugeValue, float64(*n), st.ID, answer)
			}
		}
	}
}
