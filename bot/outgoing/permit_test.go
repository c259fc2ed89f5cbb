package outgoing

import (
	"context"
	"sync"
	"testing"
	"time"

	"lifeline/bot/clocktest"
	"lifeline/bot/pace"
	"lifeline/bot/whatsapp"
)

// handOwner is a number's owner on a cluster (cluster.Pacer's part in
// pace.Remote) on a hand-moved clock: it grants one permit per request,
// moving the clock on by one interval of the owner's rate as its bucket
// would, and the permit is void validity after its grant.
type handOwner struct {
	clock    *clocktest.Clock
	every    time.Duration
	validity time.Duration
}

func (o *handOwner) Permits(context.Context, string, pace.Class, int) (pace.Permit, error) {
	o.clock.Add(o.every)
	return pace.Permit{N: 1, Until: o.clock.Now().Add(o.validity)}, nil
}

func (o *handOwner) Report(string, pace.Report) {}

// arrivals is a Graph API that notes when each request reached it.
type arrivals struct {
	clock *clocktest.Clock
	mu    sync.Mutex
	at    []time.Time
}

func (a *arrivals) Send(context.Context, string, whatsapp.Outbound) (whatsapp.SendResult, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.at = append(a.at, a.clock.Now())
	return whatsapp.SendResult{MessageID: "wamid.ok"}, nil
}

func (a *arrivals) MarkRead(context.Context, string, string, bool) error { return nil }

// mostInOneSecond is the most arrivals within any one second.
func (a *arrivals) mostInOneSecond() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return clocktest.MostWithin(a.at, time.Second)
}

// On a cluster a permit is void Validity after the number's owner
// granted it, and the owner's rate leaves room for a send path of
// Spread only. A send whose way from its permit to the request is
// slower (here the caller's last look at its record, held until every
// sender has its permit: a JetStream read on a loaded machine) must not
// go on its void permit, or the permits of two seconds reach WhatsApp
// in one and the number is over its limit. Send takes a new permit
// instead, so the sends keep the owner's pace.
func TestNoSendGoesOnAVoidPermit(t *testing.T) {
	const rate, senders = 60, 100
	validity, spread := 25*time.Millisecond, 150*time.Millisecond
	clock := clocktest.New(time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC))
	// The owner's rate (pace.Numbers.SetRemote): its permits of 1 s +
	// validity + spread make the rate plus one burst.
	every := time.Duration(float64(time.Second) * (1 + (validity + spread).Seconds()) / (rate + pace.Burst(rate) - 1))
	nums := pace.New(rate)
	nums.SetClock(clock.Now)
	nums.SetRemote(&handOwner{clock: clock, every: every, validity: validity}, validity, spread)
	api := &arrivals{clock: clock}
	s := New(Options{Client: api, Pacer: nums, Now: clock.Now})

	// Every sender takes its permit, then its look at the record ends
	// (looked), one sender after another's send: the owner's clock
	// moves only as it grants, so one sender at a time keeps a send from
	// reaching the API later than the check of its permit.
	permitted, looked, sent := make(chan struct{}, senders), make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	for range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { sent <- struct{}{} }()
			p, err := s.Wait(context.Background(), "1001", pace.Conversation)
			if err != nil {
				t.Error(err)
				return
			}
			permitted <- struct{}{}
			<-looked // the slow last look at the record
			a := attempt(0, 0)
			a.Permit = p
			o := s.Send(context.Background(), policy(), a)
			if o.Err != nil {
				t.Error(o.Err)
			}
		}()
	}
	for range senders {
		<-permitted
	}
	for range senders {
		looked <- struct{}{}
		<-sent
	}
	wg.Wait()
	if len(api.at) != senders {
		t.Fatalf("%d sends reached the API, want %d", len(api.at), senders)
	}
	if most, limit := api.mostInOneSecond(), rate+int(pace.Burst(rate)); most > limit {
		t.Fatalf("%d sends reached the API within one second, over the rate plus one burst (%d)", most, limit)
	}
}
