package broadcast

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"lifeline/bot/whatsapp"
	"lifeline/catalog"
	"lifeline/flows"
	"lifeline/store"
	"lifeline/understand"
)

// Intercept takes answers to check-ins and confirmations before the
// conversation flows see them: a template button (payload
// checkin:<id>:safe), an interactive button with the same id, or free text
// from someone with an open check-in (read by the understanding step:
// "yes I am ok", "احنا مش كويسين", "we are trapped on the roof"; an
// option's title for a confirmation); and the follow-ups asked for (location and description
// after "need help", a preferred time after "Reschedule").
func (s *Service) Intercept(tx store.Writer, user string, in flows.Input, sess flows.Session) (flows.Output, bool, error) {
	at := in.At
	if at.IsZero() {
		at = s.now()
	}
	if kind, id, ans, ok := parsePayload(in.ReplyID); ok {
		m, err := store.GetBroadcastMember[Member](storeCtx, tx, user, id)
		if errors.Is(err, store.ErrNotFound) {
			if s.isRunning(id) || s.sending(id) {
				// A tap can beat the commit of its own send result by a
				// moment: fail so that the engine tries again shortly.
				// On several instances the run may be another's, so a
				// broadcast known to be sending counts as well as a run
				// of this instance's.
				return flows.Output{}, false, fmt.Errorf("answer to broadcast %s before its send was recorded", id)
			}
			return flows.Output{}, false, nil
		}
		if err != nil {
			return flows.Output{}, false, err
		}
		b, err := s.spec(id)
		if err != nil {
			return flows.Output{}, false, err
		}
		if (kind == "checkin") != (b.Spec.Kind == KindCheckin) {
			return flows.Output{}, false, nil
		}
		return s.answer(tx, user, in, sess, b, &m, ans, at)
	}

	type open struct {
		id string
		m  Member
		e  Engagement
	}
	var opens []open
	err := store.EachBroadcastMember(storeCtx, tx, user, func(id string, m Member) error {
		if at.After(m.Until) {
			return nil
		}
		opens = append(opens, open{id: id, m: m})
		return nil
	})
	if err != nil || len(opens) == 0 {
		return flows.Output{}, false, err
	}
	for i := range opens {
		if opens[i].e, _, err = store.GetBroadcastEngagement[Engagement](storeCtx, tx, opens[i].id, opens[i].m.Seq); err != nil {
			return flows.Output{}, false, err
		}
	}
	sort.Slice(opens, func(i, j int) bool { return opens[i].m.FirstSentAt.After(opens[j].m.FirstSentAt) })
	pick := -1
	for i, o := range opens {
		if in.ContextID != "" && o.m.WAMID == in.ContextID {
			pick = i
			break
		}
	}
	if pick < 0 {
		for i, o := range opens {
			if o.e.Stage != "" {
				pick = i
				break
			}
		}
	}
	if pick < 0 {
		for i, o := range opens {
			if o.e.Answer == "" || (o.e.Answer == AnswerHelp && !o.e.HasLocation && in.Location != nil) {
				pick = i
				break
			}
		}
	}
	if pick < 0 {
		return flows.Output{}, false, nil
	}
	o := opens[pick]
	b, err := s.spec(o.id)
	if err != nil {
		return flows.Output{}, false, err
	}
	if o.e.Stage != "" || (o.e.Answer == AnswerHelp && in.Location != nil) {
		return s.followUp(tx, user, in, sess, b, &o.m, &o.e, at)
	}
	switch b.Spec.Kind {
	case KindCheckin:
		// What the person wrote is read once, by the conversation's
		// understanding step; a check-in only decides what it counts as.
		words := in.Words()
		if strings.TrimSpace(words) == "" {
			return flows.Output{}, false, nil
		}
		r := meaning(in)
		switch {
		case sess.NumberAsked != "" && r.Class != understand.Danger:
			// The conversation just asked whether anyone is in danger,
			// after the emergency number: "yes" answers that question,
			// not the check-in's.
			return flows.Output{}, false, nil
		case r.Class == understand.Danger:
			return s.answer(tx, user, in, sess, b, &o.m, AnswerHelp, at)
		case r.Class == understand.Other:
			// Someone asked whether they are safe who answers with
			// something that is neither a status nor a question ("hmm",
			// "?") is asked again, with the buttons.
			return s.clarify(in, sess, b), true, nil
		case !flows.Acts(r):
			if r.Class == understand.Safe || r.Class == understand.NeedHelp {
				return s.clarify(in, sess, b), true, nil
			}
		case r.Class == understand.Safe:
			return s.answer(tx, user, in, sess, b, &o.m, AnswerSafe, at)
		case r.Class == understand.NeedHelp:
			return s.answer(tx, user, in, sess, b, &o.m, AnswerHelp, at)
		}
	case KindConfirmation:
		norm := flows.Normalize(in.Text)
		if in.ReplyTitle != "" && norm == "" {
			norm = flows.Normalize(in.ReplyTitle)
		}
		if norm == "" {
			return flows.Output{}, false, nil
		}
		for i, opt := range b.Spec.Options {
			if norm == strconv.Itoa(i+1) || norm == opt.ID {
				return s.answer(tx, user, in, sess, b, &o.m, opt.ID, at)
			}
			for _, t := range opt.Titles {
				if norm == flows.Normalize(t) {
					return s.answer(tx, user, in, sess, b, &o.m, opt.ID, at)
				}
			}
		}
	}
	return flows.Output{}, false, nil
}

// meaning is what the message is about, as the engine's understanding
// step read it (Flow.Understand returns in.Meaning when it is set); read
// here with the default model only when a caller did not run that step.
func meaning(in flows.Input) understand.Result { return (&flows.Flow{}).Understand(in) }

// clarify asks a person whose answer to a check-in could not be read
// with confidence, with the check-in's own two buttons, rather than
// filing their words as a question for the FAQ.
func (s *Service) clarify(in flows.Input, sess flows.Session, b *Broadcast) flows.Output {
	out := baseOutput(sess, in)
	t := catalog.For(out.Session.Lang)
	out.Replies = []whatsapp.Outbound{{Kind: whatsapp.KindButtons, Text: t.CheckinClarify, Buttons: []whatsapp.Button{
		{ID: "checkin:" + b.ID + ":" + AnswerSafe, Title: t.BtnSafe},
		{ID: "checkin:" + b.ID + ":" + AnswerHelp, Title: t.BtnNeedHelp},
	}}}
	return out
}

// emergency is what someone in danger is told at once: the number to
// call and a request for their location.
func emergency(t catalog.Texts, in flows.Input) []whatsapp.Outbound {
	return []whatsapp.Outbound{
		{Kind: whatsapp.KindText, Text: fmt.Sprintf(t.Emergency, in.CallNumber())},
		{Kind: whatsapp.KindLocationRequest, Text: t.LocationRequest},
	}
}

func (s *Service) isRunning(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.runs[id] != nil
}

// spec returns a broadcast's document for answering; specs never change,
// so they are cached and read outside the message's transaction.
func (s *Service) spec(id string) (*Broadcast, error) {
	s.mu.Lock()
	b := s.docs[id]
	s.mu.Unlock()
	if b != nil {
		return b, nil
	}
	return s.Get(id)
}

// answer records an answer, counts it and says thank you.
func (s *Service) answer(tx store.Writer, user string, in flows.Input, sess flows.Session, b *Broadcast, m *Member, ans string, at time.Time) (flows.Output, bool, error) {
	var opt *Option
	if b.Spec.Kind == KindConfirmation {
		for i := range b.Spec.Options {
			if b.Spec.Options[i].ID == ans {
				opt = &b.Spec.Options[i]
			}
		}
		if opt == nil {
			return flows.Output{}, false, nil
		}
	} else if ans != AnswerSafe && ans != AnswerHelp {
		return flows.Output{}, false, nil
	}
	e, _, err := store.GetBroadcastEngagement[Engagement](storeCtx, tx, b.ID, m.Seq)
	if err != nil {
		return flows.Output{}, false, err
	}
	prev := e.Answer
	firstReply := !e.Replied
	e.Replied = true
	if prev == "" {
		e.AnsweredAt = at
	}
	e.Answer = ans
	e.Stage = ""
	out := baseOutput(sess, in)
	lang := out.Session.Lang
	t := catalog.For(lang)
	// A tapped button says nothing more; words about danger make the
	// need for help urgent.
	urgent := in.ReplyID == "" && ans == AnswerHelp && meaning(in).Class == understand.Danger
	var events []Event
	ev := Event{Broadcast: b.ID, Name: b.Spec.Name, Contact: user, Answer: ans, At: at}
	switch {
	case ans == AnswerSafe:
		out.Replies = []whatsapp.Outbound{{Kind: whatsapp.KindText, Text: t.CheckinSafe}}
		out.Effects = append(out.Effects, flows.Effect{Kind: flows.EffectSafe})
		ev.Type = "checkin.answer"
		events = append(events, ev)
	case ans == AnswerHelp:
		e.Stage = stageDetails
		out.Replies = []whatsapp.Outbound{{Kind: whatsapp.KindText, Text: t.CheckinHelp}}
		reason := "safety check-in: needs help (" + b.Spec.Name + ")"
		if urgent {
			out.Replies = emergency(t, in)
			reason = "safety check-in: danger (" + b.Spec.Name + ")"
		}
		out.Session.AwaitingAgent = true
		out.Effects = append(out.Effects, flows.Effect{Kind: flows.EffectHandoff, Priority: true, Urgent: urgent,
			Reason: reason, Query: flows.Truncate(in.Words(), 500), Lang: lang})
		ev.Type = "checkin.answer"
		events = append(events, ev)
		if prev != AnswerHelp {
			esc := ev
			esc.Type = "checkin.need_help"
			events = append(events, esc)
		}
	default:
		title := opt.Titles[lang]
		if title == "" {
			title = opt.Titles[b.Spec.FallbackLanguage]
		}
		if title == "" {
			for _, v := range opt.Titles {
				title = v
				break
			}
		}
		if opt.AsksTime {
			e.Stage = stageTime
			out.Replies = []whatsapp.Outbound{{Kind: whatsapp.KindText, Text: t.CheckinAskTime}}
		} else {
			out.Replies = []whatsapp.Outbound{{Kind: whatsapp.KindText, Text: fmt.Sprintf(t.CheckinConfirmed, title)}}
		}
		ev.Type, ev.Option = "confirmation.answer", ans
		events = append(events, ev)
	}
	if err := store.PutBroadcastEngagement(storeCtx, tx, b.ID, m.Seq, &e); err != nil {
		return flows.Output{}, false, err
	}
	if prev != ans || firstReply {
		err := bump(tx, b.ID, m.Seq, func(c *Counts) {
			if firstReply {
				c.Replied++
			}
			if prev == "" {
				if len(c.Ack) < len(ackBounds)+1 {
					c.Ack = append(c.Ack, make([]int64, len(ackBounds)+1-len(c.Ack))...)
				}
				c.Ack[ackBucket(at.Sub(m.FirstSentAt))]++
			}
			if prev != ans {
				countAnswer(c, b.Spec.Kind, prev, -1)
				countAnswer(c, b.Spec.Kind, ans, +1)
			}
		})
		if err != nil {
			return flows.Output{}, false, err
		}
	}
	for _, ev := range events {
		if err := s.queueEvent(tx, ev); err != nil {
			return flows.Output{}, false, err
		}
	}
	return out, true, nil
}

func countAnswer(c *Counts, kind Kind, ans string, n int64) {
	switch {
	case ans == "":
	case kind == KindCheckin && ans == AnswerSafe:
		c.Safe += n
	case kind == KindCheckin && ans == AnswerHelp:
		c.Help += n
	case kind == KindConfirmation:
		incr(&c.Options, ans, n)
	}
}

// followUp records what was asked for after an answer: location and a
// short description after "need help", a preferred time after "Reschedule".
func (s *Service) followUp(tx store.Writer, user string, in flows.Input, sess flows.Session, b *Broadcast, m *Member, e *Engagement, at time.Time) (flows.Output, bool, error) {
	out := baseOutput(sess, in)
	lang := out.Session.Lang
	t := catalog.For(lang)
	ev := Event{Broadcast: b.ID, Name: b.Spec.Name, Contact: user, At: at, Answer: e.Answer}
	text := strings.TrimSpace(in.Text)
	if len(text) > 1000 {
		text = text[:1000]
	}
	switch {
	case e.Stage == stageTime:
		if text == "" {
			return flows.Output{}, false, nil
		}
		e.Preferred, e.Stage = text, ""
		out.Replies = []whatsapp.Outbound{{Kind: whatsapp.KindText, Text: t.CheckinTimeNoted}}
		ev.Type, ev.Option, ev.PreferredTime = "confirmation.reschedule", e.Answer, text
		if err := bump(tx, b.ID, m.Seq, func(c *Counts) { c.Rescheduled++ }); err != nil {
			return flows.Output{}, false, err
		}
	case in.Location != nil:
		e.Lat, e.Lng, e.HasLocation = in.Location.Latitude, in.Location.Longitude, true
		if e.Description == "" && e.Stage == stageDetails {
			out.Replies = []whatsapp.Outbound{{Kind: whatsapp.KindText, Text: t.CheckinGotLocation}}
		} else {
			e.Stage = ""
			out.Replies = []whatsapp.Outbound{{Kind: whatsapp.KindText, Text: t.CheckinDetailsDone}}
		}
		ev.Type = "checkin.help_details"
		ev.Location = &whatsapp.Location{Latitude: e.Lat, Longitude: e.Lng, Name: in.Location.Name}
	case text != "":
		if e.Description != "" {
			text = e.Description + "\n" + text
		}
		e.Description, e.Stage = text, ""
		if e.HasLocation {
			out.Replies = []whatsapp.Outbound{{Kind: whatsapp.KindText, Text: t.CheckinDetailsDone}}
		} else {
			out.Replies = []whatsapp.Outbound{{Kind: whatsapp.KindText, Text: t.CheckinDetailsAskLocation}}
		}
		ev.Type, ev.Description = "checkin.help_details", text
		eff := flows.Effect{Kind: flows.EffectHandoff, Priority: true,
			Reason: "safety check-in: needs help (" + b.Spec.Name + ")", Query: text, Lang: lang}
		if meaning(in).Class == understand.Danger {
			// The details speak of danger: the number to call, now.
			eff.Urgent, eff.Reason = true, "safety check-in: danger ("+b.Spec.Name+")"
			out.Replies = emergency(t, in)
			if e.HasLocation {
				out.Replies = out.Replies[:1]
			}
		}
		out.Effects = append(out.Effects, eff)
	default:
		return flows.Output{}, false, nil // a photo or voice note: the conversation handles it
	}
	if err := store.PutBroadcastEngagement(storeCtx, tx, b.ID, m.Seq, e); err != nil {
		return flows.Output{}, false, err
	}
	if err := s.queueEvent(tx, ev); err != nil {
		return flows.Output{}, false, err
	}
	return out, true, nil
}

func baseOutput(sess flows.Session, in flows.Input) flows.Output {
	if in.At.After(sess.LastInboundAt) {
		sess.LastInboundAt = in.At
	}
	if !in.At.IsZero() {
		sess.LastActivityAt = in.At
	}
	if in.Name != "" {
		sess.Name = in.Name
	}
	if sess.State == "" {
		sess.State = flows.StateIdle
	}
	sess.Lang = catalog.Base(flows.LangFor(sess.Lang, in.Words(), meaning(in)))
	return flows.Output{Session: sess}
}

// firstSeen records the time status st says a message was delivered or
// read, keeping the earliest: statuses arrive out of order, and a read
// can come before its delivery. It reports whether anything changed.
func (e *Engagement) firstSeen(status string, at time.Time) bool {
	if at.IsZero() {
		return false
	}
	earlier := func(t *time.Time) bool {
		if t.IsZero() || at.Before(*t) {
			*t = at
			return true
		}
		return false
	}
	switch status {
	case store.StatusRead:
		r := earlier(&e.ReadAt)
		return earlier(&e.DeliveredAt) || r
	case store.StatusDelivered:
		return earlier(&e.DeliveredAt)
	}
	return false
}

// ObserveStatus counts delivery statuses of broadcast messages, tied to
// their recipient by biz_opaque_callback_data. Statuses arrive out of
// order and more than once; counts only move forward.
func (s *Service) ObserveStatus(tx store.Writer, st *whatsapp.Status) error {
	id, seq, round, ok := parseCallback(st.BizOpaqueCallbackData)
	if !ok {
		return nil
	}
	if round > 0 && st.Status == store.StatusFailed {
		return nil // a failed reminder does not undo the broadcast's delivery
	}
	e, _, err := store.GetBroadcastEngagement[Engagement](storeCtx, tx, id, seq)
	if err != nil {
		return err
	}
	if round == 0 && st.Status != store.StatusFailed && e.WAMID != "" && st.ID != e.WAMID && !slices.Contains(e.Extra, st.ID) {
		// A second message to the same person was accepted: a send
		// repeated after a crash or a timeout did reach them twice.
		e.Extra = append(e.Extra, st.ID)
		if err := store.PutBroadcastEngagement(storeCtx, tx, id, seq, &e); err != nil {
			return err
		}
		return bump(tx, id, seq, func(c *Counts) { c.Duplicates++ })
	}
	old := e.Delivery
	next, changed := store.AdvanceStatus(old, st.Status)
	seen := st.Status != store.StatusFailed && e.firstSeen(st.Status, st.Timestamp)
	if !changed {
		if seen { // an earlier delivery reported after the read
			return store.PutBroadcastEngagement(storeCtx, tx, id, seq, &e)
		}
		return nil
	}
	e.Delivery = next
	if round == 0 && next != store.StatusFailed && e.WAMID == "" {
		e.WAMID, e.Phone, e.SentAt = st.ID, st.PhoneNumberID, st.Timestamp
	}
	code := 0
	if next == store.StatusFailed && len(st.Errors) > 0 {
		code = st.Errors[0].Code
		e.FailCode = code
	}
	if err := store.PutBroadcastEngagement(storeCtx, tx, id, seq, &e); err != nil {
		return err
	}
	rank := map[string]int{store.StatusDelivered: 2, store.StatusRead: 3}
	err = bump(tx, id, seq, func(c *Counts) {
		if next == store.StatusFailed {
			c.Failed++
			reason := "failed"
			if code != 0 {
				reason = strconv.Itoa(code)
			}
			incr(&c.FailedBy, reason, 1)
			return
		}
		if rank[next] >= 2 && rank[old] < 2 {
			c.Delivered++
		}
		if rank[next] >= 3 && rank[old] < 3 {
			c.Read++
		}
	})
	if err != nil {
		return err
	}
	if next == store.StatusFailed && code != 0 {
		switch {
		case whatsapp.Classify(code) == whatsapp.ActionRecipientFailed:
			at := st.Timestamp
			if at.IsZero() {
				at = s.now()
			}
			if _, err := store.MarkUnreachable(tx, st.RecipientID, code, at); err != nil {
				return fmt.Errorf("broadcast %s: %w", id, err)
			}
		case whatsapp.AlertsAdmin(code):
			go func() {
				s.alert(id, code, fmt.Sprintf("delivery failed with account-level code %d", code), true)
				s.stopRun(id)
			}()
		}
	}
	return nil
}
