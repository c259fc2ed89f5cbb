package bot

import (
	"context"
	"errors"
	"testing"

	"lifeline/bot/whatsapp"
)

// The sandbox plays people without WhatsApp only in the +1 555-01xx
// block, so the README's and the simulator's people keep getting answers.
func TestSandboxNumbersWithoutWhatsApp(t *testing.T) {
	cases := []struct {
		to        string
		reachable bool
	}{
		{"15550001234", true},  // the README's first conversation
		{"15552345678", true},  // the simulator's people
		{"966501234567", true}, // anyone else
		{"15550100123", false}, // the README's SMS fallback example
		{"15550199999", false},
	}
	s := &SandboxSender{}
	for _, tc := range cases {
		res, err := s.Send(context.Background(), "sandbox", whatsapp.Outbound{To: tc.to, Kind: whatsapp.KindText, Text: "hello"})
		var se *whatsapp.SendError
		switch {
		case tc.reachable && (err != nil || res.MessageID == ""):
			t.Errorf("%s: %v, want a message id", tc.to, err)
		case !tc.reachable && (!errors.As(err, &se) || se.Code != 131026):
			t.Errorf("%s: %v, want 131026 (not on WhatsApp)", tc.to, err)
		}
	}
}
