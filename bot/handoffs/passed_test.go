package handoffs

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/flows"
	"lifeline/store"
	"lifeline/understand"
)

// What a person waiting is told when the queue changes for them, from
// their last notice: the table of the one rule the refreshes apply.
func TestQueueChange(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		label       string
		n           Notice
		pos, bucket int
		want        placeNews
	}{
		{"nothing changed", Notice{Position: 3, Bucket: 1}, 3, 1, placeTold},
		{"one place on: not worth a message", Notice{Position: 3, Bucket: 1}, 2, 1, placeTold},
		{"the place halved", Notice{Position: 4, Bucket: 1}, 2, 1, placeMoved},
		{"the wait changed range", Notice{Position: 4, Bucket: 1}, 3, 0, placeMoved},
		{"placed behind someone: told", Notice{Position: 2, Bucket: 0}, 3, 0, placePassed},
		{"placed behind someone, the wait longer: told once, as passed", Notice{Position: 2, Bucket: 0}, 3, 1, placePassed},
		{"passed again 5 minutes after being told: not again",
			Notice{Position: 3, Bucket: 0, PassedAt: now.Add(-5 * time.Minute)}, 4, 0, placeTold},
		{"passed again 15 minutes after being told: told",
			Notice{Position: 3, Bucket: 0, PassedAt: now.Add(-passedEvery)}, 4, 0, placePassed},
		{"moved on soon after being passed: told as usual",
			Notice{Position: 4, Bucket: 1, PassedAt: now.Add(-time.Minute)}, 2, 0, placeMoved},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			if got := queueChange(&c.n, c.pos, c.bucket, now); got != c.want {
				t.Errorf("queueChange = %d, want %d", got, c.want)
			}
		})
	}
}

// People waiting who are passed by someone in danger, or by someone back
// after a need-help conversation, are told once, in their language, with
// their new place; a second person in danger soon after passes them
// silently, and the next notice after the quiet spell says where they are.
func TestPeoplePassedInTheQueueAreToldOnce(t *testing.T) {
	db := memDB(t)
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	now := start
	f := &fakeEngine{}
	d := New(Config{DefaultPhone: "phone-1"}, db, f.engine(10*time.Minute), zerolog.Nop(), func() time.Time { return now })
	ctx := context.Background()

	// open writes what the engine's turn does: the person's handoff and
	// the notice of their place, in their scope; then, after the commit,
	// the refresh for the others when the handoff may pass them.
	open := func(user, lang string, eff flows.Effect) {
		t.Helper()
		var passes bool
		if err := db.Write(ctx, store.UserScope(user), func(tx store.Writer) error {
			if err := store.PutContact(ctx, tx, store.Contact{WaID: user, LastInboundAt: now}); err != nil {
				return err
			}
			h, _, err := Open(tx, user, "", eff, now)
			if err != nil {
				return err
			}
			passes = PassesOthers(h)
			_, _, err = d.QueueNotice(tx, h, "", lang, "", d.eng.WindowEnd(now), now)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if passes {
			d.TellPassed()
		}
	}
	// told returns what the desk queued since the last call, by person.
	seen := 0
	told := func() []string {
		out := slices.Clone(f.queued[seen:])
		seen = len(f.queued)
		return out
	}
	asked := flows.Effect{Kind: flows.EffectHandoff, Reason: "asked"}
	danger := flows.Effect{Kind: flows.EffectHandoff, Reason: "danger", Priority: true, Urgent: true}

	open("447700900001", "en", asked)
	open("966500000002", "ar", asked)
	told()

	steps := []struct {
		label string
		after time.Duration
		do    func()
		want  []string
	}{
		{"someone in danger goes first: both told, each in their language", time.Minute,
			func() { open("447700900003", "en", danger) },
			[]string{
				"bot: You are next in the queue. We cannot estimate the wait yet; we will tell you if it changes.",
				"bot: Update: Someone who needs help more urgently has been placed ahead of you. You are number 2 in the queue. We cannot estimate the wait yet; we will tell you if it changes.",
				"bot: تحديث: قدّمنا في الدور شخصاً يحتاج إلى المساعدة بشكل أكثر إلحاحاً. ترتيبك في قائمة الانتظار: 3. لا يمكننا تقدير مدة الانتظار بعد، وسنخبرك إذا تغيّر شيء.",
			}},
		{"a second person in danger five minutes later: only their own place", 5 * time.Minute,
			func() { open("447700900004", "en", danger) },
			[]string{"bot: You are number 2 in the queue. We cannot estimate the wait yet; we will tell you if it changes."}},
		{"someone asking for a person goes last: nobody is passed", time.Minute,
			func() { open("447700900005", "en", asked) },
			[]string{"bot: You are number 5 in the queue. We cannot estimate the wait yet; we will tell you if it changes."}},
		{"a third person in danger after the quiet spell: told again, the whole move back", 15 * time.Minute,
			func() { open("447700900006", "en", danger) },
			[]string{
				"bot: You are number 3 in the queue. We cannot estimate the wait yet; we will tell you if it changes.",
				"bot: Update: Someone who needs help more urgently has been placed ahead of you. You are number 4 in the queue. We cannot estimate the wait yet; we will tell you if it changes.",
				"bot: Update: Someone who needs help more urgently has been placed ahead of you. You are number 6 in the queue. We cannot estimate the wait yet; we will tell you if it changes.",
				"bot: تحديث: قدّمنا في الدور شخصاً يحتاج إلى المساعدة بشكل أكثر إلحاحاً. ترتيبك في قائمة الانتظار: 5. لا يمكننا تقدير مدة الانتظار بعد، وسنخبرك إذا تغيّر شيء.",
			}},
	}
	for _, s := range steps {
		now = now.Add(s.after)
		s.do()
		got := told()
		// People are told in the queue's order of the refresh; compare
		// as sets, since the order of writes to different people is not
		// what this test is about.
		slices.Sort(got)
		want := slices.Clone(s.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s:\n got %s\nwant %s", s.label, strings.Join(got, "\n     "), strings.Join(want, "\n     "))
		}
	}
}

// An SMS opens or raises a handoff as a WhatsApp message does, and
// reports when the handoff may have passed people waiting, for the
// caller to tell them after the commit, and when it made the handoff
// urgent, an emergency to announce; joining an open handoff passes
// nobody new unless it raises it, and danger again in one already urgent
// is no new emergency.
func TestFromSMSReportsWhomItMayPass(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	danger := understand.Result{Class: understand.Danger}
	needHelp := understand.Result{Class: understand.NeedHelp}
	human := understand.Result{Class: understand.Human}
	thanks := understand.Result{Class: understand.Thanks}
	numberAsked := understand.Result{Class: understand.Question, Rule: understand.RuleNumberAsked, NumberAsked: true}
	cases := []struct {
		label         string
		before        *Handoff // nil: none yet
		read          understand.Result
		toDesk        bool
		passes        bool
		emergency     bool
		urgent, prior bool
	}{
		{"nothing asked: not with the desk", nil, thanks, false, false, false, false, false},
		{"a person asked for: last in the queue", nil, human, true, false, false, false, false},
		{"need of help: ahead of the rest", nil, needHelp, true, true, false, false, true},
		{"danger: ahead of everyone, an emergency", nil, danger, true, true, true, true, true},
		{"the emergency number asked for, no emergency told: ahead of the rest, no emergency",
			nil, numberAsked, true, true, false, false, true},
		{"back soon after a need-help close: returning, ahead",
			&Handoff{Status: Closed, Priority: true, ClosedAt: now.Add(-time.Hour)}, human, true, true, false, false, true},
		{"more words for a request waiting: joins it",
			&Handoff{Status: Waiting}, thanks, true, false, false, false, false},
		{"danger while a request waits: raised, ahead, an emergency",
			&Handoff{Status: Waiting}, danger, true, true, true, true, true},
		{"danger while an agent has it: raised, passes nobody waiting, an emergency",
			&Handoff{Status: Active}, danger, true, false, true, true, true},
		{"danger again while it is urgent: joins it, no new emergency",
			&Handoff{Status: Waiting, Urgent: true, Priority: true}, danger, true, true, false, true, true},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			db := memDB(t)
			const user = "447700900300"
			ctx := context.Background()
			var got SMSOutcome
			if err := db.Write(ctx, store.UserScope(user), func(tx store.Writer) (err error) {
				if c.before != nil {
					h := *c.before
					h.ID, h.User, h.CreatedAt = user, user, now.Add(-2*time.Hour)
					if err := store.PutHandoff(ctx, tx, user, h); err != nil {
						return err
					}
				}
				got, err = FromSMS(tx, user, "words", c.read, now)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if got.ToDesk != c.toDesk || got.Passes != c.passes || got.Emergency != c.emergency {
				t.Errorf("FromSMS = with the desk %v, passes %v, emergency %v; want %v, %v, %v",
					got.ToDesk, got.Passes, got.Emergency, c.toDesk, c.passes, c.emergency)
			}
			if !c.toDesk {
				return
			}
			var h Handoff
			if err := db.Read(ctx, func(r store.Reader) (err error) {
				h, err = store.GetHandoff[Handoff](ctx, r, user)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if h.Urgent != c.urgent || h.Priority != c.prior || h.Channel != "sms" || h.LastMessage != "words" {
				t.Errorf("handoff %+v, want urgent %v, priority %v, on SMS with the words", h, c.urgent, c.prior)
			}
		})
	}
}
