package admin

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"lifeline/admin/apierr"
	"lifeline/admin/reqbody"
	"lifeline/bot"
	"lifeline/bot/handoffs"
	"lifeline/bot/whatsapp"
	"lifeline/coord"
	"lifeline/sms"
	"lifeline/store"
)

// registerHandoffs adds the agents' API: the queue, one conversation, and
// the moves on it (issue 5 §4), plus the live event stream.
func (s *Server) registerHandoffs(adm fiber.Router) {
	people := s.require(RoleAgent, RoleAdmin)
	g := adm.Group("/handoffs", people)
	g.Get("/", s.listHandoffs)
	g.Get("/:id", s.getHandoff)
	g.Post("/:id/claim", s.claimHandoff)
	g.Post("/:id/messages", s.replyHandoff)
	g.Post("/:id/notes", s.noteHandoff)
	g.Post("/:id/transfer", s.transferHandoff)
	g.Post("/:id/release", s.releaseHandoff)
	g.Post("/:id/close", s.closeHandoff)
	g.Get("/:id/media/:media", s.handoffMedia)
	g.Post("/:id/media", s.replyMedia)
	adm.Post("/media", s.require(RoleAdmin), s.uploadMedia)
	adm.Get("/events", people, s.streamEvents)
}

// mayRead says whether p may see the conversation of handoff h: admins
// every one; an agent the waiting ones (which they may claim) and those
// they own or owned.
func mayRead(p Principal, h handoffs.Handoff) bool {
	return p.Role == RoleAdmin || h.Status == handoffs.Waiting || (h.Agent != "" && h.Agent == p.ID)
}

// handoffOf loads the handoff of user (a handoff's id is its user's
// number); found is false when the user has none.
func (s *Server) handoffOf(ctx context.Context, user string) (h handoffs.Handoff, found bool, err error) {
	err = s.db.Read(ctx, func(r store.Reader) error {
		var err error
		h, err = store.GetHandoff[handoffs.Handoff](ctx, r, user)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return handoffs.Handoff{}, false, nil
	}
	return h, err == nil, err
}

// checkRead refuses p a conversation it may not see (403), and records
// in the audit log that p read the one it may: who, and which masked
// number. h is the user's handoff when the caller has read it already,
// nil to read it here.
func (s *Server) checkRead(c *fiber.Ctx, user, via string, h *handoffs.Handoff) error {
	p := principal(c)
	if p.Role != RoleAdmin {
		if h == nil {
			loaded, found, err := s.handoffOf(c.UserContext(), user)
			if err != nil {
				return fmt.Errorf("check conversation access: %w", err)
			}
			if found {
				h = &loaded
			}
		}
		if h == nil || !mayRead(p, *h) {
			return apierr.Forbiddenf("agents read only waiting conversations and their own")
		}
	}
	s.record(c, "conversation.read", "wa_id="+whatsapp.MaskPhone(user), "via="+via)
	return nil
}

func (s *Server) listHandoffs(c *fiber.Ctx) error {
	hs, err := s.desk.List(c.Query("status"))
	if err != nil {
		return err
	}
	if p := principal(c); p.Role != RoleAdmin {
		mine := hs[:0]
		for _, h := range hs {
			if mayRead(p, h.Handoff) {
				mine = append(mine, h)
			}
		}
		hs = mine
	}
	return c.JSON(fiber.Map{"handoffs": hs, "overdue_after_seconds": int(s.desk.Overdue() / time.Second)})
}

func (s *Server) getHandoff(c *fiber.Ctx) error {
	id := c.Params("id")
	d, err := s.desk.Get(id)
	if err != nil {
		return err
	}
	if err := s.checkRead(c, d.User, "handoff", &d.Handoff); err != nil {
		return err
	}
	return c.JSON(d)
}

func (s *Server) claimHandoff(c *fiber.Ctx) error {
	h, err := s.desk.Claim(c.Params("id"), principal(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(h)
}

// replyHandoff is an agent's reply: a text or a template, or a file
// uploaded before (by its sha256) with a caption, or a location (or a
// place of the places list). Files and locations are resolved and
// checked against WhatsApp's limits here (sendReply), before the desk
// queues anything.
func (s *Server) replyHandoff(c *fiber.Ctx) error {
	var req agentReplyRequest
	if err := reqbody.Decode(c, &req, `{"text": "..."}, {"template": {"name": ..., "language": ...}}, {"media": {"sha256": ..., "caption": ...}} or {"location": {"latitude": ..., "longitude": ..., "name": ..., "address": ...}} ({"location": {"place": "id"}} for a place)`); err != nil {
		return err
	}
	id := c.Params("id")
	var h handoffs.Handoff
	err := s.db.Read(c.UserContext(), func(tx store.Reader) (err error) {
		h, err = store.GetHandoff[handoffs.Handoff](c.UserContext(), tx, id)
		return err
	})
	r := handoffs.AgentReply{Text: req.Text, Template: req.Template}
	if err == nil && h.Channel == "sms" {
		if req.Media != nil || req.Location != nil {
			return reqbody.Invalidf(`this person writes by SMS: send {"text": "..."} (templates, files and locations do not go by SMS)`)
		}
		return s.replyBySMS(c, h, r)
	}
	if req.Media != nil || req.Location != nil {
		if req.Text != "" || req.Template != nil {
			return reqbody.Invalidf(`a file or a location goes alone: a file's text is its "caption"`)
		}
		return s.sendReply(c, req, nil)
	}
	if r.Template != nil {
		if err := s.checkAgentTemplate(c.UserContext(), id, r.Template); err != nil {
			return err
		}
	}
	// Anything else (no such handoff included) is the desk's to answer.
	entry, err := s.desk.Reply(id, principal(c).ID, r)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(entry)
}

// replyBySMS answers a person whose conversation is on SMS (they last
// wrote by SMS) by SMS: text only, sent before it is recorded so that a
// provider error is the agent's answer (503 with the provider's code)
// and nothing is recorded as sent that was not.
func (s *Server) replyBySMS(c *fiber.Ctx, d handoffs.Handoff, r handoffs.AgentReply) error {
	p := principal(c)
	r.Text = strings.TrimSpace(r.Text)
	switch {
	case s.smsOut == nil:
		return &apierr.Unavailable{Msg: "this person writes by SMS and no SMS provider is configured (LIFELINE_SMS_*)"}
	case r.Template != nil || r.Text == "":
		return reqbody.Invalidf(`this person writes by SMS: send {"text": "..."} (templates and files do not go by SMS)`)
	case utf8.RuneCountInString(r.Text) > 1600:
		return reqbody.Invalidf("text is longer than an SMS may be (1600 characters)")
	case d.Status == handoffs.Closed:
		return apierr.Conflictf("the conversation is closed")
	case d.Status == handoffs.Active && d.Agent != p.ID:
		return apierr.Conflictf("this conversation belongs to %s; ask them or an admin to transfer it", d.Agent)
	}
	sent, err := s.smsOut.Send(c.UserContext(), sms.Message{To: "+" + d.User, Body: r.Text})
	if err != nil {
		var se *sms.Error
		if errors.As(err, &se) {
			return &apierr.Unavailable{Msg: fmt.Sprintf("the SMS provider refused the reply (code %d): %s", se.Code, se.Message)}
		}
		return fmt.Errorf("send sms reply: %w", err)
	}
	now := s.now()
	if err := s.db.Write(c.UserContext(), store.UserScope(d.User), func(w store.Writer) error {
		return store.PutSMSMessage(c.UserContext(), w, store.SMSMessage{SID: sent.SID, User: d.User, Status: sent.Status, UpdatedAt: now})
	}); err != nil {
		return fmt.Errorf("record sms reply %s: %w", sent.SID, err)
	}
	r.SMS = &handoffs.SMSSent{SID: sent.SID, Status: sent.Status}
	entry, err := s.desk.Reply(d.ID, p.ID, r)
	if err != nil {
		return fmt.Errorf("sms reply %s sent, not recorded: %w", sent.SID, err)
	}
	return c.Status(fiber.StatusAccepted).JSON(entry)
}

func (s *Server) noteHandoff(c *fiber.Ctx) error {
	var req struct {
		Text string `json:"text"`
	}
	if err := reqbody.Decode(c, &req, `{"text": "..."}`); err != nil {
		return err
	}
	n, err := s.desk.Note(c.Params("id"), principal(c).ID, req.Text)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(n)
}

func (s *Server) transferHandoff(c *fiber.Ctx) error {
	var req struct {
		To string `json:"to"`
	}
	if err := reqbody.Decode(c, &req, `{"to": "agent-id"}`); err != nil {
		return err
	}
	if req.To == "" {
		return reqbody.Invalidf(`"to" is required: body must be JSON like {"to": "agent-id"}`)
	}
	a, err := s.loadAgent(c.UserContext(), req.To)
	if errors.Is(err, store.ErrNotFound) || (err == nil && a.Disabled) {
		// The body names the account: a request that cannot be taken,
		// not a path that names nothing.
		return reqbody.Invalidf("no active agent account %q", req.To)
	}
	if err != nil {
		return fmt.Errorf("load agent: %w", err)
	}
	p := principal(c)
	h, err := s.desk.Transfer(c.Params("id"), p.ID, a.ID, p.Role == RoleAdmin)
	if err != nil {
		return err
	}
	return c.JSON(h)
}

func (s *Server) releaseHandoff(c *fiber.Ctx) error {
	p := principal(c)
	h, err := s.desk.Release(c.Params("id"), p.ID, p.Role == RoleAdmin)
	if err != nil {
		return err
	}
	return c.JSON(h)
}

func (s *Server) closeHandoff(c *fiber.Ctx) error {
	var req struct {
		Outcome string `json:"outcome"`
	}
	if err := reqbody.Decode(c, &req, `{"outcome": "resolved"}`); err != nil {
		return err
	}
	p := principal(c)
	h, err := s.desk.Close(c.Params("id"), p.ID, req.Outcome, p.Role == RoleAdmin)
	if err != nil {
		return err
	}
	return c.JSON(h)
}

// eventHub gives each open event stream its own subscription to the
// engine's live events on the bus, and ends them all at shutdown. A slow
// client loses events (its subscription's buffer is bounded) rather than
// slowing the engine; the console reloads what it shows whenever its
// stream (re)connects. With several instances, the bus brings every
// instance's events to every console.
type eventHub struct {
	bus    coord.Bus
	buffer int // events a stream may fall behind before it loses some
	mu     sync.Mutex
	subs   map[*coord.Subscription]struct{}
	closed bool
}

func newEventHub(bus coord.Bus, buffer int) *eventHub {
	if buffer <= 0 {
		buffer = DefaultEventBuffer
	}
	return &eventHub{bus: bus, buffer: buffer, subs: map[*coord.Subscription]struct{}{}}
}

// DefaultEventBuffer is how many live events one console stream may fall
// behind before it loses some.
const DefaultEventBuffer = 64

func (h *eventHub) subscribe() (*coord.Subscription, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, false
	}
	sub, err := h.bus.Subscribe(bot.EventsTopic, h.buffer)
	if err != nil {
		return nil, false
	}
	h.subs[sub] = struct{}{}
	return sub, true
}

func (h *eventHub) unsubscribe(sub *coord.Subscription) {
	h.mu.Lock()
	delete(h.subs, sub)
	h.mu.Unlock()
	sub.Close()
}

// close ends every stream, so that shutdown does not wait for them.
func (h *eventHub) close() {
	h.mu.Lock()
	h.closed = true
	subs := h.subs
	h.subs = map[*coord.Subscription]struct{}{}
	h.mu.Unlock()
	for sub := range subs {
		sub.Close()
	}
}

type sseEvent struct {
	Kind string    `json:"kind"`
	User string    `json:"user,omitempty"`
	At   time.Time `json:"at"`
}

const ssePing = 15 * time.Second

// eventFor decides what of ev the stream of p carries. Admins get every
// event. An agent gets the events of waiting conversations and of those
// they own; of any other handoff, only that the queue changed (no
// number), so that their queue stays current; nothing else.
func (s *Server) eventFor(ctx context.Context, p Principal, ev bot.Event) (sseEvent, bool) {
	out := sseEvent{Kind: ev.Kind, User: ev.User, At: ev.At}
	if p.Role == RoleAdmin {
		return out, true
	}
	h, found, err := s.handoffOf(ctx, ev.User)
	if err == nil && found && mayRead(p, h) {
		return out, true
	}
	if ev.Kind == "handoff" {
		out.User = ""
		return out, true
	}
	return sseEvent{}, false
}

// streamEvents is GET /admin/events: server-sent events for the console.
func (s *Server) streamEvents(c *fiber.Ctx) error {
	p := principal(c)
	sub, ok := s.events.subscribe()
	if !ok {
		return &apierr.Unavailable{Msg: "shutting down"}
	}
	c.Set(fiber.HeaderContentType, "text/event-stream")
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set("X-Accel-Buffering", "no")
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer s.events.unsubscribe(sub)
		// The stream outlives the request handler, and with it the
		// request's context: the stream has its own, ended with it.
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		ping := time.NewTicker(ssePing)
		defer ping.Stop()
		fmt.Fprint(w, "retry: 2000\n: connected\n\n")
		if w.Flush() != nil {
			return
		}
		for {
			select {
			case m, ok := <-sub.C:
				if !ok {
					return
				}
				ev, err := bot.DecodeEvent(m)
				if err != nil {
					s.log.Warn().Err(err).Msg("unreadable live event skipped")
					continue
				}
				out, ok := s.eventFor(ctx, p, ev)
				if !ok {
					continue
				}
				b, _ := json.Marshal(out)
				fmt.Fprintf(w, "data: %s\n\n", b)
			case <-ping.C:
				fmt.Fprint(w, ": ping\n\n")
			}
			if w.Flush() != nil {
				return
			}
		}
	})
	return nil
}
