package broadcast

import (
	"time"

	"lifeline/bot"
	"lifeline/store"
)

var _ bot.EmergencyNotifier = (*Service)(nil)

// Emergency tells the integration webhooks that someone wrote about
// danger to life and their handoff became urgent: an event "emergency"
// with the contact and the time, queued in the same transaction as the
// handoff. Like the other events it carries no words of the person's;
// receivers look the conversation up in the console.
func (s *Service) Emergency(tx store.Writer, user, _, _ string, at time.Time) error {
	return s.queueEvent(tx, Event{Type: "emergency", Contact: user, At: at})
}
