package metrics

import (
	"testing"

	"lifeline/bot"
)

// The engine finds the counter through bot.IgnoreObserver: if Metrics
// stopped implementing it, unanswered messages would count nowhere.
var _ bot.IgnoreObserver = (*Metrics)(nil)

func TestInboundIgnoredIsExportedByReason(t *testing.T) {
	m := New()
	m.InboundIgnored("group")
	m.InboundIgnored("group")
	m.InboundIgnored("invalid_sender")
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range families {
		if f.GetName() != "lifeline_inbound_ignored_total" {
			continue
		}
		for _, s := range f.GetMetric() {
			for _, l := range s.GetLabel() {
				if l.GetName() == "reason" {
					got[l.GetValue()] = s.GetCounter().GetValue()
				}
			}
		}
	}
	if got["group"] != 2 || got["invalid_sender"] != 1 || len(got) != 2 {
		t.Errorf("lifeline_inbound_ignored_total = %v, want group 2, invalid_sender 1", got)
	}
}
