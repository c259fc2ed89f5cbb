package handoffs

import (
	"testing"
	"time"
)

func TestWaitEstimatesAreHonestRanges(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	claimed := func(waited time.Duration) Handoff {
		return Handoff{Status: Active, CreatedAt: now.Add(-time.Hour - waited), ClaimedAt: now.Add(-time.Hour)}
	}
	recent := []Handoff{claimed(2 * time.Minute), claimed(3 * time.Minute), claimed(4 * time.Minute)}
	cases := []struct {
		label string
		all   []Handoff
		pos   int
		want  int
		text  string
	}{
		{"no recent claim: no estimate", nil, 1, -1, "You are next in the queue. We cannot estimate the wait yet; we will tell you if it changes."},
		{"claims older than the lookback do not count", []Handoff{{CreatedAt: now.Add(-20 * time.Hour), ClaimedAt: now.Add(-19 * time.Hour)}}, 1, -1, ""},
		{"next, median wait 3 minutes", recent, 1, 0, "You are next in the queue. The wait is likely a few minutes."},
		{"third, about 9 minutes", recent, 3, 1, "You are number 3 in the queue. The wait is likely 5 to 15 minutes."},
		{"twentieth, about an hour", recent, 20, 4, "You are number 20 in the queue. The wait is likely more than an hour."},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			got := estimateBucket(c.all, c.pos, now)
			if got != c.want {
				t.Fatalf("bucket = %d, want %d", got, c.want)
			}
			if c.text != "" {
				if text := queueText("en", c.pos, got, false); text != c.text {
					t.Errorf("text = %q, want %q", text, c.text)
				}
			}
		})
	}
	if got := queueText("ar", 2, 1, true); got != "تحديث: ترتيبك في قائمة الانتظار: 2. مدة الانتظار المتوقعة: من 5 إلى 15 دقيقة." {
		t.Errorf("arabic update = %q", got)
	}
}
