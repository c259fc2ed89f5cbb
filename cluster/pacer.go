package cluster

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/rs/zerolog"

	"lifeline/bot/pace"
	"lifeline/coord"
)

// Pacer is pace.Remote over the cluster: one owner per sending number
// runs the number's budget (pace.Numbers' bucket), and every instance,
// the owner too, sends only on permits from it.
//
// # Owning a number
//
// The owner holds the lease pacer.<number> in the lease bucket (Leases,
// with its expiry judged on each reader's own clock) and answers requests
// for permits on the subject <prefix><number>. The first instance that
// needs permits for a number and finds nobody answering acquires the
// lease; it keeps it, renewing every third of the TTL, until it stops or
// a renewal fails. Nobody else can acquire it before its TTL has passed
// on the holder's clock, and a new owner starts the number's budget
// empty (pace.Numbers.Own).
//
// # Permits
//
// An instance asks for as many permits as it has senders waiting for the
// number (at most 64 at once), one request at a time per number; the
// same request carries the inbound messages and successes counted since
// the last. The owner takes the permits from the number's bucket,
// waiting for the first (by class: replies before broadcasts, across
// instances), and answers with how long they stay usable: Validity,
// counted by the requester from when it sent the request plus the time
// the owner waited before granting, so that a permit is always used
// within Validity of its grant. The owner grants only while its lease
// has at least Validity left: the last permits of an owner are void
// before another can own the number. A slow-down or pause is published
// at once.
//
// # The one-second bound
//
// Every permit is taken from one bucket, and its request leaves within
// Validity of its grant: the sender checks the permit immediately before
// the request leaves and takes another when it is void
// (outgoing.Permit), so a slow look at the sender's record (a JetStream
// read) or a descheduled sender costs a permit, never an extra send in a
// second. Spread covers only the request's way from there to WhatsApp
// (the HTTP client, the network, the scheduler of a loaded machine). The
// owner's bucket runs at (rate + pace.Burst(rate)
// - 1) / (1 s + Validity + Spread) with a burst of one
// (pace.Numbers.SetRemote): in any second at WhatsApp the sends are at
// most the permits taken in 1 s + Validity + Spread, which is the rate
// plus one burst. The price is about 12% of the rate with the defaults.
// While nobody owns a number (its owner died, and its lease has not yet
// expired), nothing is sent from it: the senders wait, a lease TTL at
// most, rather than guess a share that could add to a live but
// unreachable owner's.
type Pacer struct {
	ls   *Leases
	nc   *nats.Conn
	nums *pace.Numbers
	o    PacerOptions
	log  zerolog.Logger

	mu      sync.Mutex
	owned   map[string]*ownedNumber
	pending map[string]pace.Report // counts not yet told to the owner
	closed  bool
	stop    chan struct{}
	wg      sync.WaitGroup
}

type ownedNumber struct {
	lease coord.Lease // as last renewed
	sub   *nats.Subscription
	stop  chan struct{}
}

// PacerLeaseTTL is a pacer owner's lease TTL unless PacerOptions says
// otherwise: a number whose owner died waits about this long (plus one
// Tick) before another instance owns it.
const PacerLeaseTTL = 3 * time.Second

// PacerValidity is how long a permit stays usable unless PacerOptions
// says otherwise: long enough for a loaded machine's round trip, short
// enough that the owner's burst loses little (pace.SetRemote).
const PacerValidity = 25 * time.Millisecond

// PacerSpread is how long a request may take from the last check of its
// live permit to WhatsApp unless PacerOptions says otherwise: the way
// through the HTTP client and the network, which on a loaded two-core
// machine (cmd/lifeline TestThreeEmbeddedInstancesThreeHundredUsersKillNine)
// includes waits for the scheduler.
const PacerSpread = 150 * time.Millisecond

// PacerOptions configure Pacer; zero values take the defaults.
type PacerOptions struct {
	// Instance is this instance's id, the holder of its owner leases.
	Instance string
	// TTL is the owner lease's TTL, default PacerLeaseTTL.
	TTL time.Duration
	// Validity is a permit's life, default PacerValidity.
	Validity time.Duration
	// Spread is how long a request may take from the last check of its
	// live permit to WhatsApp, default PacerSpread; negative for none.
	Spread time.Duration
	// Subject prefixes the numbers' request subjects, default
	// "lifeline.pacer.".
	Subject string
	// Flush is how often counts (inbound messages, successes) that rode
	// on no request are published to the owners; default 100 ms.
	Flush  time.Duration
	Logger zerolog.Logger
}

// pacerRequest is what an instance sends a number's owner.
type pacerRequest struct {
	Want      int   `json:"want,omitempty"`
	Class     int   `json:"class,omitempty"`
	Inbound   int   `json:"in,omitempty"`
	Successes int   `json:"ok,omitempty"`
	SlowDown  bool  `json:"slow,omitempty"`
	PauseMS   int64 `json:"pause_ms,omitempty"`
	Resume    bool  `json:"resume,omitempty"`
}

// pacerReply is the owner's answer. WaitedUS is how long the owner
// waited before taking the permits; NotOwner says the instance that
// answered no longer owns the number.
type pacerReply struct {
	N        int   `json:"n"`
	ValidUS  int64 `json:"valid_us,omitempty"`
	WaitedUS int64 `json:"waited_us,omitempty"`
	PausedMS int64 `json:"paused_ms,omitempty"`
	NotOwner bool  `json:"not_owner,omitempty"`
}

// NewPacer prepares the pacer of instance o.Instance over the lease
// bucket of ls, the connection nc and the budgets nums, and makes nums
// draw on it (pace.Numbers.SetRemote). Call it before anything is sent;
// Close it at the end.
func NewPacer(ls *Leases, nc *nats.Conn, nums *pace.Numbers, o PacerOptions) (*Pacer, error) {
	if o.Instance == "" || !validLeaseName(memberPrefix+o.Instance) {
		return nil, fmt.Errorf("pacer: instance id %q: %w", o.Instance, coord.ErrInvalid)
	}
	if o.TTL <= 0 {
		o.TTL = PacerLeaseTTL
	}
	if o.Validity <= 0 {
		o.Validity = PacerValidity
	}
	switch {
	case o.Spread == 0:
		o.Spread = PacerSpread
	case o.Spread < 0:
		o.Spread = 0
	}
	if o.Validity*3 >= o.TTL {
		return nil, fmt.Errorf("pacer: permit validity %s against a lease TTL of %s: %w", o.Validity, o.TTL, coord.ErrInvalid)
	}
	if o.Subject == "" {
		o.Subject = "lifeline.pacer."
	}
	if o.Flush <= 0 {
		o.Flush = 100 * time.Millisecond
	}
	p := &Pacer{ls: ls, nc: nc, nums: nums, o: o, log: o.Logger.With().Str("comp", "pacer").Logger(),
		owned: map[string]*ownedNumber{}, pending: map[string]pace.Report{}, stop: make(chan struct{})}
	nums.SetRemote(p, o.Validity, o.Spread)
	p.wg.Add(1)
	go func() { defer p.wg.Done(); p.flushLoop() }()
	return p, nil
}

// tokenRe is what may stand in a subject and a lease name as it is;
// other numbers are hex-encoded.
var tokenRe = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

func numberToken(num string) string {
	if tokenRe.MatchString(num) {
		return num
	}
	return "x" + hex.EncodeToString([]byte(num))
}

func (p *Pacer) leaseName(num string) string { return "pacer." + numberToken(num) }
func (p *Pacer) subject(num string) string   { return p.o.Subject + numberToken(num) }

// ownedLive is num's ownership here when its lease has at least a
// permit's validity left on this instance's clock.
func (p *Pacer) ownedLive(num string) *ownedNumber {
	p.mu.Lock()
	defer p.mu.Unlock()
	on := p.owned[num]
	if on == nil || !p.ls.now().Add(p.o.Validity).Before(on.lease.Expires) {
		return nil
	}
	return on
}

// Owns reports whether this instance owns num's budget now.
func (p *Pacer) Owns(num string) bool { return p.ownedLive(num) != nil }

// Owned lists the numbers this instance owns now.
func (p *Pacer) Owned() []string {
	p.mu.Lock()
	var nums []string
	for n := range p.owned {
		nums = append(nums, n)
	}
	p.mu.Unlock()
	var out []string
	for _, n := range nums {
		if p.Owns(n) {
			out = append(out, n)
		}
	}
	return out
}

// ownerWait bounds how long an owner waits for a token before answering
// with none (the requester asks again): below the requester's timeout.
const ownerWait = 500 * time.Millisecond

// requestTimeout bounds one request to an owner.
const requestTimeout = time.Second

// Permits is pace.Remote.Permits: from this instance's own bucket when
// it owns num, else by request to the owner; when nobody answers, this
// instance tries to become the owner.
func (p *Pacer) Permits(ctx context.Context, num string, c pace.Class, want int) (pace.Permit, error) {
	for {
		if err := ctx.Err(); err != nil {
			return pace.Permit{}, err
		}
		if p.ownedLive(num) != nil {
			return p.grantLocal(ctx, num, c, want)
		}
		perm, err := p.request(ctx, num, c, want)
		if err == nil {
			return perm, nil
		}
		if !errors.Is(err, nats.ErrNoResponders) && !errors.Is(err, errNotOwner) && !errors.Is(err, nats.ErrTimeout) && !errors.Is(err, context.DeadlineExceeded) {
			return pace.Permit{}, err
		}
		if ctx.Err() != nil {
			return pace.Permit{}, ctx.Err()
		}
		// Nobody answers for num: own it, unless its lease is still
		// held (an owner that died less than a TTL ago).
		if err := p.own(ctx, num); err == nil {
			continue
		} else if !errors.Is(err, coord.ErrHeld) {
			return pace.Permit{}, err
		}
		select {
		case <-ctx.Done():
			return pace.Permit{}, ctx.Err()
		case <-time.After(p.o.TTL / 10):
		}
	}
}

var errNotOwner = errors.New("the instance that answered does not own the number")

// grantLocal takes permits from this instance's own bucket for num.
func (p *Pacer) grantLocal(ctx context.Context, num string, c pace.Class, want int) (pace.Permit, error) {
	p.applyPending(num)
	sent := p.ls.now()
	gctx, cancel := context.WithTimeout(ctx, ownerWait)
	defer cancel()
	n, paused, err := p.nums.Grant(gctx, num, c, want)
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		return pace.Permit{}, nil // nothing in that time: the pool asks again
	}
	if err != nil {
		return pace.Permit{}, err
	}
	granted := p.ls.now()
	if on := p.ownedLive(num); on == nil || n == 0 {
		return pace.Permit{PausedFor: paused}, nil
	}
	return pace.Permit{N: n, Until: sent.Add(granted.Sub(sent) + p.o.Validity), PausedFor: paused}, nil
}

// applyPending applies the counts waiting for num's owner, which is this
// instance.
func (p *Pacer) applyPending(num string) {
	p.mu.Lock()
	r, ok := p.pending[num]
	delete(p.pending, num)
	p.mu.Unlock()
	if ok {
		p.nums.Apply(num, r)
	}
}

// request asks num's owner for permits, carrying the counts waiting for it.
func (p *Pacer) request(ctx context.Context, num string, c pace.Class, want int) (pace.Permit, error) {
	p.mu.Lock()
	r := p.pending[num]
	delete(p.pending, num)
	p.mu.Unlock()
	body, err := json.Marshal(pacerRequest{Want: want, Class: int(c), Inbound: r.Inbound, Successes: r.Successes})
	if err != nil {
		return pace.Permit{}, err
	}
	rctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	sent := p.ls.now()
	msg, err := p.nc.RequestWithContext(rctx, p.subject(num), body)
	if err != nil {
		if errors.Is(err, nats.ErrNoResponders) {
			p.requeue(num, r) // nobody got them
		}
		return pace.Permit{}, fmt.Errorf("permits for a number: %w", err)
	}
	var rep pacerReply
	if err := json.Unmarshal(msg.Data, &rep); err != nil {
		return pace.Permit{}, fmt.Errorf("permits for a number: bad answer: %w", err)
	}
	if rep.NotOwner {
		p.requeue(num, r)
		return pace.Permit{}, errNotOwner
	}
	return pace.Permit{
		N:         rep.N,
		Until:     sent.Add(time.Duration(rep.WaitedUS+rep.ValidUS) * time.Microsecond),
		PausedFor: time.Duration(rep.PausedMS) * time.Millisecond,
	}, nil
}

// requeue puts counts back for the next request or flush.
func (p *Pacer) requeue(num string, r pace.Report) {
	if r.Empty() {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	cur := p.pending[num]
	cur.Inbound += r.Inbound
	cur.Successes += r.Successes
	p.pending[num] = cur
}

// Report is pace.Remote.Report: applied here when this instance owns
// num; otherwise counts wait for the next request or flush, and a
// slow-down, pause or resume is published at once.
func (p *Pacer) Report(num string, r pace.Report) {
	if p.ownedLive(num) != nil {
		p.applyPending(num)
		p.nums.Apply(num, r)
		return
	}
	p.requeue(num, pace.Report{Inbound: r.Inbound, Successes: r.Successes})
	if r.SlowDown || r.PauseFor > 0 || r.Resume {
		req := pacerRequest{SlowDown: r.SlowDown, PauseMS: r.PauseFor.Milliseconds(), Resume: r.Resume}
		body, _ := json.Marshal(req)
		if err := p.nc.Publish(p.subject(num), body); err != nil {
			p.log.Warn().Err(err).Msg("slow-down or pause not told to the number's owner")
		}
	}
}

// flushLoop publishes the counts that no request carried.
func (p *Pacer) flushLoop() {
	t := time.NewTicker(p.o.Flush)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
		}
		p.mu.Lock()
		pending := p.pending
		p.pending = map[string]pace.Report{}
		p.mu.Unlock()
		for num, r := range pending {
			if r.Empty() {
				continue
			}
			if p.ownedLive(num) != nil {
				p.nums.Apply(num, r)
				continue
			}
			body, _ := json.Marshal(pacerRequest{Inbound: r.Inbound, Successes: r.Successes})
			// Published, not requested: with no owner now, the counts
			// of the last tenth of a second are lost, which the new
			// owner's empty start more than covers.
			_ = p.nc.Publish(p.subject(num), body)
		}
	}
}

// own acquires num's lease and starts answering for it.
func (p *Pacer) own(ctx context.Context, num string) error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return fmt.Errorf("pacer closed: %w", coord.ErrHeld)
	}
	if on := p.owned[num]; on != nil {
		p.mu.Unlock()
		return fmt.Errorf("own number: lease being renewed: %w", coord.ErrHeld)
	}
	p.mu.Unlock()
	l, err := p.ls.Acquire(ctx, p.leaseName(num), p.o.Instance, p.o.TTL)
	if err != nil {
		return err
	}
	p.nums.Own(num)
	on := &ownedNumber{lease: l, stop: make(chan struct{})}
	sub, err := p.nc.Subscribe(p.subject(num), func(m *nats.Msg) { go p.answer(num, m) })
	if err != nil {
		rctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_ = p.ls.Release(rctx, l)
		cancel()
		return fmt.Errorf("own number: subscribe: %w", err)
	}
	on.sub = sub
	p.mu.Lock()
	p.owned[num] = on
	p.mu.Unlock()
	p.wg.Add(1)
	go func() { defer p.wg.Done(); p.renew(num, on) }()
	p.log.Info().Str("instance", p.o.Instance).Str("lease", l.Name).Uint64("token", l.Token).Msg("owner of a number's budget")
	return nil
}

// answer serves one request for num's permits (or a report).
func (p *Pacer) answer(num string, m *nats.Msg) {
	var req pacerRequest
	if err := json.Unmarshal(m.Data, &req); err != nil {
		p.log.Warn().Err(err).Msg("a request for permits that is not one")
		return
	}
	reply := func(rep pacerReply) {
		if m.Reply == "" {
			return
		}
		body, _ := json.Marshal(rep)
		_ = m.Respond(body)
	}
	if p.ownedLive(num) == nil {
		reply(pacerReply{NotOwner: true})
		return
	}
	p.nums.Apply(num, pace.Report{Inbound: req.Inbound, Successes: req.Successes, SlowDown: req.SlowDown,
		PauseFor: time.Duration(req.PauseMS) * time.Millisecond, Resume: req.Resume})
	if req.Want <= 0 || m.Reply == "" {
		return
	}
	start := p.ls.now()
	ctx, cancel := context.WithTimeout(context.Background(), ownerWait)
	defer cancel()
	n, paused, err := p.nums.Grant(ctx, num, pace.Class(req.Class), min(req.Want, 1024))
	waited := p.ls.now().Sub(start)
	if err != nil {
		reply(pacerReply{WaitedUS: waited.Microseconds()})
		return
	}
	if p.ownedLive(num) == nil {
		// Lost while waiting: the permits are not given.
		reply(pacerReply{NotOwner: true})
		return
	}
	reply(pacerReply{N: n, ValidUS: p.o.Validity.Microseconds(), WaitedUS: waited.Microseconds(), PausedMS: paused.Milliseconds()})
}

// renew keeps num's lease; when it fails the number is no longer owned
// here, and the next request finds another owner (or makes this one
// again).
func (p *Pacer) renew(num string, on *ownedNumber) {
	t := time.NewTicker(max(p.o.TTL/3, time.Millisecond))
	defer t.Stop()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-on.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	for {
		select {
		case <-on.stop:
			return
		case <-t.C:
		}
		p.mu.Lock()
		cur := on.lease
		p.mu.Unlock()
		next, err := p.ls.Renew(ctx, cur)
		if err != nil {
			if ctx.Err() == nil {
				p.log.Warn().Err(err).Str("lease", cur.Name).Msg("owner lease of a number lost; its senders wait for the next owner")
			}
			p.drop(num, on)
			return
		}
		p.mu.Lock()
		on.lease = next
		p.mu.Unlock()
	}
}

// drop stops answering for num.
func (p *Pacer) drop(num string, on *ownedNumber) {
	p.mu.Lock()
	if p.owned[num] == on {
		delete(p.owned, num)
	}
	p.mu.Unlock()
	_ = on.sub.Unsubscribe()
}

// Close releases the numbers this instance owns, so that others own them
// at once, and stops.
func (p *Pacer) Close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	owned := p.owned
	p.owned = map[string]*ownedNumber{}
	close(p.stop)
	p.mu.Unlock()
	for _, on := range owned {
		_ = on.sub.Unsubscribe()
		close(on.stop)
	}
	p.wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), p.o.TTL)
	defer cancel()
	for _, on := range owned {
		if err := p.ls.Release(ctx, on.lease); err != nil {
			p.log.Warn().Err(err).Str("lease", on.lease.Name).Msg("owner lease not released; another instance owns the number when it expires")
		}
	}
}
