package outgoing

import (
	"context"
	"errors"
	"testing"

	"github.com/rs/zerolog"

	"lifeline/bot/sendpolicy"
	"lifeline/bot/whatsapp"
)

// heldClient holds each send until its context ends, then answers what
// the test says (the whatsapp client's answer to a cancelled request is
// an unknown outcome; a Graph API may also answer just as the cut comes).
type heldClient struct {
	entered chan struct{} // a send reached the Graph API
	answer  error
	sends   int
}

func (c *heldClient) Send(ctx context.Context, _ string, _ whatsapp.Outbound) (whatsapp.SendResult, error) {
	c.sends++
	c.entered <- struct{}{}
	<-ctx.Done()
	return whatsapp.SendResult{}, c.answer
}

func (c *heldClient) MarkRead(context.Context, string, string, bool) error { return nil }

// A Cutoff's cut ends a send under way with its outcome unknown (Cut,
// held for its status like a timeout), keeps a send not yet left from
// leaving (Unsent, the client never called), and leaves an answer that
// came back as the cut came decided as that answer.
func TestCutoffEndsSendsUnderWayAsUnknownAndKeepsNewOnesFromLeaving(t *testing.T) {
	unknown := &whatsapp.SendError{Action: whatsapp.ActionRetry, Timeout: true, Err: context.Canceled}
	cases := []struct {
		label       string
		underWay    bool  // the cut comes while the send is at the Graph API; else before it leaves
		answer      error // what the held send gets back
		wantCut     bool
		wantUnsent  bool
		wantVerdict sendpolicy.Verdict
		wantSends   int
	}{
		{"cut while at the Graph API", true, unknown, true, false, sendpolicy.HoldForStatus, 1},
		{"answered with an error as the cut came", true, serverError(), false, false, sendpolicy.Retry, 1},
		{"cut before it left", false, nil, false, true, sendpolicy.Done, 0},
	}
	for _, tc := range cases {
		t.Run(tc.label, func(t *testing.T) {
			c := &heldClient{entered: make(chan struct{}, 1), answer: tc.answer}
			s := New(Options{Client: c, Logger: zerolog.Nop()})
			cutoff := NewCutoff()
			if !tc.underWay {
				cutoff.Cut()
			}
			done := make(chan Outcome, 1)
			go func() { done <- s.Send(cutoff.Context(), policy(), attempt(sendpolicy.KindReply, 0)) }()
			if tc.underWay {
				<-c.entered
				cutoff.Cut()
			}
			o := <-done
			if o.Cut != tc.wantCut || o.Unsent != tc.wantUnsent || o.Decision.Verdict != tc.wantVerdict || c.sends != tc.wantSends {
				t.Errorf("cut %v, unsent %v, verdict %s, %d sends; want cut %v, unsent %v, verdict %s, %d sends",
					o.Cut, o.Unsent, o.Decision.Verdict, c.sends, tc.wantCut, tc.wantUnsent, tc.wantVerdict, tc.wantSends)
			}
			if tc.wantUnsent && !errors.Is(o.Err, ErrNotSent) {
				t.Errorf("err %v, want ErrNotSent", o.Err)
			}
		})
	}
}
