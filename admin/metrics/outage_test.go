package metrics

import (
	"testing"
	"time"

	"lifeline/bot"
)

// The engine finds these calls through bot.OutageObserver: if Metrics
// stopped implementing it, an outage would show in the log only.
var _ bot.OutageObserver = (*Metrics)(nil)

func TestSendingOutagesAreExported(t *testing.T) {
	m := New()
	m.SendingStalled("100", 131000)
	m.SendingRecovered("100", time.Minute)
	m.SendingStalled("100", 130429)
	m.SendingStalled("200", 190)
	m.SendingRecovered("200", time.Minute)

	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	stalled, outages := map[string]float64{}, map[string]float64{}
	for _, f := range families {
		for _, s := range f.GetMetric() {
			num := ""
			for _, l := range s.GetLabel() {
				if l.GetName() == "phone_number_id" {
					num = l.GetValue()
				}
			}
			switch f.GetName() {
			case "lifeline_sending_stalled":
				stalled[num] = s.GetGauge().GetValue()
			case "lifeline_sending_outages_total":
				outages[num] = s.GetCounter().GetValue()
			}
		}
	}
	if stalled["100"] != 1 || stalled["200"] != 0 {
		t.Errorf("lifeline_sending_stalled = %v, want 100 stalled (1) and 200 recovered (0)", stalled)
	}
	if outages["100"] != 2 || outages["200"] != 1 {
		t.Errorf("lifeline_sending_outages_total = %v, want 100: 2, 200: 1", outages)
	}
}
