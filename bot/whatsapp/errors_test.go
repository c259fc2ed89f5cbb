package whatsapp

import (
	"testing"
	"time"
)

// TestClassify is the reference §5 table, code by code.
func TestClassify(t *testing.T) {
	cases := []struct {
		action Action
		codes  []int
	}{
		{ActionRetry, []int{4, 80007, 1, 2, 131000, 131016, 133004, 131057, 131053}},
		{ActionThrottleNumber, []int{130429}},
		{ActionBackoffRecipient, []int{131056}},
		{ActionNeedsTemplate, []int{131047}},
		{ActionRecipientFailed, []int{131026, 131050, 131021, 131030, 131051, 131052}},
		{ActionDropped, []int{131049, 130472}},
		{ActionFixRequest, []int{100, 131008, 131009, 33, 135000, 132000, 132001, 132005, 132007, 132012, 132015, 132016, 132018, 132068, 132069}},
		{ActionAlertAdmin, []int{0, 190, 3, 10, 200, 250, 299, 131005, 368, 131031, 130497, 131042, 131037, 133010,
			133000, 133005, 133006, 133007, 133008, 133009, 133015, 133016, 131048}},
		{ActionRecipientFailed, []int{999999, 131999, -1, 300}}, // unknown: permanent for this message only
	}
	for _, tc := range cases {
		for _, code := range tc.codes {
			if got := Classify(code); got != tc.action {
				t.Errorf("Classify(%d) = %v, want %v", code, got, tc.action)
			}
		}
	}
}

func TestAlertsAdmin(t *testing.T) {
	for code, want := range map[int]bool{190: true, 368: true, 132015: true, 132016: true, 132001: false, 131056: false, 131026: false} {
		if got := AlertsAdmin(code); got != want {
			t.Errorf("AlertsAdmin(%d) = %v, want %v", code, got, want)
		}
	}
}

func TestActionStringAndRetryable(t *testing.T) {
	cases := []struct {
		a         Action
		name      string
		retryable bool
	}{
		{ActionRetry, "retry", true},
		{ActionThrottleNumber, "throttle-number", true},
		{ActionBackoffRecipient, "backoff-recipient", true},
		{ActionNeedsTemplate, "needs-template", false},
		{ActionRecipientFailed, "recipient-failed", false},
		{ActionDropped, "dropped", false},
		{ActionFixRequest, "fix-request", false},
		{ActionAlertAdmin, "alert-admin", false},
		{Action(42), "action(42)", false},
	}
	for _, tc := range cases {
		if got := tc.a.String(); got != tc.name {
			t.Errorf("String() = %q, want %q", got, tc.name)
		}
		if got := tc.a.Retryable(); got != tc.retryable {
			t.Errorf("%v.Retryable() = %v, want %v", tc.a, got, tc.retryable)
		}
	}
}

func fixed(f float64) func() float64 { return func() float64 { return f } }

func TestBackoff(t *testing.T) {
	cases := []struct {
		name    string
		a       Action
		attempt int
		rnd     float64
		want    time.Duration
	}{
		{"retry first attempt is 1s", ActionRetry, 1, 0.7, time.Second},
		{"retry attempt 3 low jitter", ActionRetry, 3, 0, time.Second},
		{"retry attempt 3 full jitter", ActionRetry, 3, 1, 4 * time.Second},
		{"retry attempt 4 half jitter", ActionRetry, 4, 0.5, 4500 * time.Millisecond},
		{"retry capped at 5m", ActionRetry, 30, 1, 5 * time.Minute},
		{"retry huge attempt capped", ActionRetry, 1 << 30, 1, 5 * time.Minute},
		{"attempt 0 treated as 1", ActionRetry, 0, 1, time.Second},
		{"throttle like retry", ActionThrottleNumber, 2, 1, 2 * time.Second},
		{"pair limit 4^1", ActionBackoffRecipient, 1, 0, 4 * time.Second},
		{"pair limit 4^2", ActionBackoffRecipient, 2, 0, 16 * time.Second},
		{"pair limit 4^3", ActionBackoffRecipient, 3, 0, 64 * time.Second},
		{"pair limit jitter adds up to 25%", ActionBackoffRecipient, 3, 1, 80 * time.Second},
		{"pair limit capped at 15m", ActionBackoffRecipient, 9, 0, 15 * time.Minute},
		{"out of range rnd clamped", ActionRetry, 3, 7, 4 * time.Second},
		{"not retryable", ActionAlertAdmin, 1, 0.5, 0},
		{"needs template", ActionNeedsTemplate, 2, 0.5, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Backoff(tc.a, tc.attempt, fixed(tc.rnd)); got != tc.want {
				t.Errorf("Backoff = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestBackoffGrowsWithinBounds(t *testing.T) {
	prevMax := time.Duration(0)
	for n := 1; n <= 12; n++ {
		lo, hi := Backoff(ActionRetry, n, fixed(0)), Backoff(ActionRetry, n, fixed(0.999999))
		if lo != time.Second {
			t.Errorf("attempt %d: min %v, want 1s", n, lo)
		}
		if hi < prevMax || hi > 5*time.Minute {
			t.Errorf("attempt %d: max %v, previous %v, cap 5m", n, hi, prevMax)
		}
		prevMax = hi
		// nil rnd uses real randomness: always inside [lo, ceiling].
		for i := 0; i < 50; i++ {
			if d := Backoff(ActionRetry, n, nil); d < lo || d > Backoff(ActionRetry, n, fixed(1)) {
				t.Fatalf("attempt %d: random %v outside [%v, %v]", n, d, lo, hi)
			}
		}
	}
}

// TestRetryAfter: codes whose reference advice is a fixed wait, not the
// usual backoff from a second.
func TestRetryAfter(t *testing.T) {
	cases := []struct {
		code int
		want time.Duration
	}{
		{131057, time.Minute}, // maintenance mode: "retry after ~1 minute"
		{131000, 0},
		{130429, 0},
		{131056, 0}, // its 4^n s is Backoff's
	}
	for _, tc := range cases {
		if got := RetryAfter(tc.code); got != tc.want {
			t.Errorf("RetryAfter(%d) = %v, want %v", tc.code, got, tc.want)
		}
		se := &SendError{HasCode: true, Code: tc.code, Action: Classify(tc.code)}
		if got := se.RetryAfter(); got != tc.want {
			t.Errorf("SendError{%d}.RetryAfter() = %v, want %v", tc.code, got, tc.want)
		}
	}
	if got := (&SendError{Timeout: true}).RetryAfter(); got != 0 {
		t.Errorf("a timeout waits %v beyond the backoff, want 0", got)
	}
}
