package outgoing

import (
	"context"
	"errors"
	"sync/atomic"

	"lifeline/bot/whatsapp"
)

// Cutoff is the context of one sender's requests to the Graph API (pass
// Context to Send and MarkRead). A stop lets the sends under way finish,
// which repeats nothing, until its time for sends is over; then it cuts
// them (Cut), so that a Graph API slow to answer cannot hold the stop
// past its budget and have a process manager kill it. A request cut
// under way may have reached WhatsApp: its outcome is unknown
// (Outcome.Cut), and the sender keeps the message as a send in flight,
// counted among the possible duplicates and sent again by the next owner
// (or the next start) unless a status webhook proves it went out. Sends
// that have not left by the cut do not leave (Outcome.Unsent).
type Cutoff struct {
	ctx    context.Context
	cancel context.CancelFunc
	cuts   atomic.Int64
}

// NewCutoff returns a Cutoff not cut yet.
func NewCutoff() *Cutoff {
	ctx, cancel := context.WithCancel(context.Background())
	return &Cutoff{ctx: ctx, cancel: cancel}
}

// Context is the requests' context; it ends at Cut.
func (c *Cutoff) Context() context.Context { return c.ctx }

// Cut ends the requests under way and keeps new ones from leaving. It
// may be called more than once (the engine's grace and the process's
// stop budget both end in a cut).
func (c *Cutoff) Cut() { c.cancel() }

// Note counts one send the cut ended with its outcome unknown (the
// sender calls it for each Outcome.Cut it keeps as in flight).
func (c *Cutoff) Note() { c.cuts.Add(1) }

// Cuts is how many sends were noted as cut.
func (c *Cutoff) Cuts() int64 { return c.cuts.Load() }

// cut reports whether err, the error of a request made with ctx, is the
// cut of a request under way: ctx ended and no answer came (an answer,
// even an error, says what happened and is decided as usual).
func cut(ctx context.Context, err error) bool {
	if err == nil || ctx.Err() == nil {
		return false
	}
	var se *whatsapp.SendError
	return !errors.As(err, &se) || se.Timeout
}
