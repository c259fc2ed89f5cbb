package metrics

import (
	"fmt"
	"slices"
	"testing"
)

// templateSeries lists the lifeline_template_status series with their values.
func templateSeries(t *testing.T, m *Metrics) []string {
	t.Helper()
	mfs, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, mf := range mfs {
		if mf.GetName() != "lifeline_template_status" {
			continue
		}
		for _, metric := range mf.GetMetric() {
			out = append(out, fmt.Sprintf("%s %v", labels(metric.GetLabel()), metric.GetGauge().GetValue()))
		}
	}
	slices.Sort(out)
	return out
}

func TestTemplateStatusShowsOnlyTheLatestStatus(t *testing.T) {
	m := New()
	m.TemplateStatus("safety_checkin", "en_US", "APPROVED")
	m.TemplateStatus("safety_checkin", "en_US", "PAUSED")
	m.TemplateStatus("safety_checkin", "ar", "DISABLED")
	m.TemplateStatus("storm_notice", "en_US", "SOMETHING_NEW")
	want := []string{
		`{language="ar",status="DISABLED",template="safety_checkin"} 1`,
		`{language="en_US",status="OTHER",template="storm_notice"} 1`,
		`{language="en_US",status="PAUSED",template="safety_checkin"} 1`,
	}
	if got := templateSeries(t, m); !slices.Equal(got, want) {
		t.Errorf("series:\n got %q\nwant %q", got, want)
	}
}
