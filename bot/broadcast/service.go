package broadcast

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot"
	"lifeline/bot/contacts"
	"lifeline/bot/outgoing"
	"lifeline/bot/pace"
	"lifeline/bot/sendpolicy"
	"lifeline/bot/whatsapp"
	"lifeline/coord"
	"lifeline/store"
)

// Config tunes broadcasting. Zero values take the defaults in defaults().
type Config struct {
	PhoneNumberIDs  []string      // sender numbers, pooled: their rates add up
	RatePerNumber   float64       // messages per second per number (default 80, at most 1000)
	Concurrency     int           // sends in flight per number (default 32)
	PairGap         time.Duration // least time between two broadcast messages to one user (default 6s)
	DailyLimit      int           // unique users per rolling 24 hours (the portfolio's messaging limit); 0 = unlimited
	FrequencyCap    int           // non-critical broadcasts per contact per FrequencyWindow (default 3; <0 disables)
	FrequencyWindow time.Duration // default 24h
	MaxAttempts     int           // tries of a transient failure before it is final (default sendpolicy.DefaultFastAttempts, 10)
	ChunkSize       int           // recipients marked "sending" per commit (default 64)
	CommitEvery     time.Duration // results are committed at least this often (default 100ms)
	Tick            time.Duration // control loop period: start times, reminders, limits (default 1s)
	AnswerWindow    time.Duration // answers are accepted this long after the first message (default 7 days)
	FixErrorsPause  int           // consecutive request/template errors that pause a broadcast (default 20)
	// InFlightGrace is how long after a start the sends that were in
	// flight when the process died wait for WhatsApp's status webhooks
	// (which say they went out) before they are sent again (default 60s;
	// <0 sends again at once).
	InFlightGrace time.Duration
	// LeaseTTL is how long a broadcast's dispatch lease lasts without a
	// renewal (renewed every third of it; default 15s): how long a dead
	// instance's broadcast waits before another instance continues it.
	LeaseTTL time.Duration
	// FoldEvery is how often the holder of the folder's lease moves the
	// recipients' shares of the counts into each broadcast's base
	// (fold.go; default 30s).
	FoldEvery time.Duration
	// Rescan is how often an instance with a bus (Options.Bus) reads the
	// open broadcasts again, to find what another instance created or
	// changed while its announcement was lost (default 10s).
	Rescan        time.Duration
	WebhookURLs   []string // integration endpoints told about answers, escalations and completion
	WebhookSecret string   // HMAC-SHA256 key of X-Lifeline-Signature-256
	// Backoff is the delay before retry n of a failure; defaults to
	// whatsapp.Backoff with jitter. Tests shorten it.
	Backoff func(a whatsapp.Action, attempt int) time.Duration
	// TemplateWait is how long a recipient whose sends keep failing with
	// transient errors waits, counted from its first attempt, before it
	// is failed: the replies' template lifetime (LIFELINE_TEMPLATE_WAIT,
	// default 24h). An outage shorter than that loses nobody.
	TemplateWait time.Duration
	// WaitBase is the first wait after the fast retries (default 30s); it
	// doubles up to MaxWait (default 10 min). Tests shorten both.
	WaitBase time.Duration
	MaxWait  time.Duration
	// Approval makes every broadcast wait for a second admin's approval
	// (LIFELINE_BROADCAST_APPROVAL=on).
	Approval bool
	// ApprovalAbove forces approval for an audience of more than this
	// many contacts even when Approval is off (LIFELINE_APPROVAL_ABOVE);
	// 0 never forces it.
	ApprovalAbove int
	// ApprovalExpires is how long a broadcast waits for its approval
	// before it is cancelled (LIFELINE_APPROVAL_EXPIRES, default 24h).
	ApprovalExpires time.Duration
}

func (c *Config) defaults() {
	if len(c.PhoneNumberIDs) == 0 {
		c.PhoneNumberIDs = []string{"sandbox"}
	}
	if c.RatePerNumber <= 0 {
		c.RatePerNumber = 80
	}
	c.RatePerNumber = min(c.RatePerNumber, 1000)
	if c.Concurrency <= 0 {
		c.Concurrency = 32
	}
	if c.PairGap == 0 {
		c.PairGap = 6 * time.Second
	}
	if c.FrequencyCap == 0 {
		c.FrequencyCap = 3
	}
	if c.FrequencyWindow <= 0 {
		c.FrequencyWindow = 24 * time.Hour
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = sendpolicy.DefaultFastAttempts // the replies' too: one policy
	}
	if c.ChunkSize <= 0 {
		c.ChunkSize = 64
	}
	if c.CommitEvery <= 0 {
		c.CommitEvery = 100 * time.Millisecond
	}
	if c.Tick <= 0 {
		c.Tick = time.Second
	}
	if c.AnswerWindow <= 0 {
		c.AnswerWindow = 7 * 24 * time.Hour
	}
	if c.FixErrorsPause <= 0 {
		c.FixErrorsPause = 20
	}
	if c.LeaseTTL <= 0 {
		c.LeaseTTL = 15 * time.Second
	}
	if c.FoldEvery <= 0 {
		c.FoldEvery = 30 * time.Second
	}
	if c.Rescan <= 0 {
		c.Rescan = 10 * time.Second
	}
	if c.InFlightGrace == 0 {
		c.InFlightGrace = time.Minute
	}
	if c.TemplateWait <= 0 {
		c.TemplateWait = 24 * time.Hour
	}
	if c.WaitBase <= 0 {
		c.WaitBase = sendpolicy.DefaultLongBase
	}
	if c.MaxWait <= 0 {
		c.MaxWait = sendpolicy.DefaultMaxWait
	}
	if c.ApprovalExpires <= 0 {
		c.ApprovalExpires = 24 * time.Hour
	}
	if c.Backoff == nil {
		c.Backoff = func(a whatsapp.Action, n int) time.Duration { return whatsapp.Backoff(a, n, rand.Float64) }
	}
}

// Options are the service's collaborators.
type Options struct {
	DB     *store.DB
	Sender bot.Sender
	Logger zerolog.Logger
	Now    func() time.Time // defaults to time.Now; tests move it
	HTTP   *http.Client     // for integration webhooks
	// Pacer is the per-number budget shared with the conversation engine's
	// replies; nil makes one at Config.RatePerNumber.
	Pacer *pace.Numbers
	// Observer is told of every send attempt, like the engine's replies,
	// so that the per-number send metrics count broadcasts too; nil for none.
	Observer bot.Observer
	// Outgoing is the send step shared with the engine's replies
	// (Engine.Outgoing), so that an outage of a number is alerted once
	// whoever meets it; nil makes one from Sender, Pacer, Observer and
	// Logger.
	Outgoing *outgoing.Step
	// Leases decide which instance dispatches each broadcast; nil for the
	// single-process leases (on the real clock: a test moving Now must not
	// expire them).
	Leases coord.Leases
	// Holder names this instance as a lease holder; "" for "local".
	Holder string
	// Bus carries the broadcasts' changes between instances (spread.go):
	// with several instances, every one learns of the broadcasts created
	// or changed through the others. nil for one instance, which makes
	// every change itself.
	Bus coord.Bus
	// Incidents checks the incident a spec names; nil refuses every spec
	// that names one.
	Incidents IncidentGate
	// SMS is the fallback channel; nil leaves broadcasts' SMS fallback
	// unsent (a spec may still ask for it: the preview says so).
	SMS SMSSender
	// Escalate opens a handoff for a person a check-in left unaccounted,
	// in the queue reason names, when the check-in asks for it
	// (Spec.Unaccounted); nil: no escalation. The engine's
	// Handoffs().Request is the implementation.
	Escalate func(user, reason string, priority bool) error
	// Templates is the business account's template list that every new
	// broadcast is checked against (templatecheck.go); nil checks none.
	Templates TemplateCatalog
}

// IncidentGate checks the incident a spec names: package incident owns
// incidents, a broadcast only names one. It refuses an incident that does
// not exist or is closed, and makes the broadcast of a drill incident a
// drill. r is the transaction the broadcast is stored in, so that an
// incident closed meanwhile makes the commit conflict and try again.
type IncidentGate interface {
	AdmitBroadcast(ctx context.Context, r store.Reader, sp *Spec) error
}

// SenderNumbers are the sender numbers broadcasts go out from: a media
// header's file is uploaded from each (POST /admin/media).
func (s *Service) SenderNumbers() []string { return slices.Clone(s.cfg.PhoneNumberIDs) }

// Sentinel errors, mapped to HTTP statuses by the admin API.
var (
	ErrNotFound = store.ErrNotFound
	ErrInvalid  = errors.New("invalid broadcast")
	ErrState    = errors.New("not possible in the broadcast's current state")
)

// storeCtx is the context of the service's store operations. Neither
// the service's API nor the engine's hooks carry a context yet, and the
// dispatcher's records must be written even while it stops (a send that
// went out is recorded, see send): so no store operation here is cut
// short by a cancellation. Runs stop between operations on their own
// context instead.
var storeCtx = context.Background()

// smsCtx is the SMS fallback's requests' context: not cancelled by a
// pause or a stop, since a request cut short may still have reached the
// provider, and no status webhook would tell.
var smsCtx = context.Background()

// Service runs broadcasts.
type Service struct {
	cfg  Config
	db   *store.DB
	log  zerolog.Logger
	now  func() time.Time
	http *http.Client

	pacers *pace.Numbers
	out    *outgoing.Step // the send step shared with the replies
	// sends is the context of the broadcasts' requests to the Graph API,
	// cut when a stop's time for sends is over (CutSends).
	sends   *outgoing.Cutoff
	leases  coord.Leases
	holder  string
	bus     coord.Bus // nil: one instance (spread.go)
	inc     IncidentGate
	escal   func(user, reason string, priority bool) error
	tpl     TemplateCatalog
	daily   *dailyLimit
	started time.Time // when Start ran: the grace for in-flight sends counts from here

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	wake   chan struct{}
	hook   chan struct{}

	mu     sync.Mutex
	runs   map[string]*run
	docs   map[string]*Broadcast // cache of every non-terminal broadcast
	pair   map[string]time.Time  // user -> last broadcast send, for the pair rate limit
	people bot.PersonLocks       // erasure against sends (see HoldPerson)
	closed bool

	sms       SMSSender
	smsStates map[string]*smsState // the SMS fallback's passes, by broadcast

	// crashed makes the dispatcher drop results instead of writing them,
	// like kill -9; tests only.
	crashed bool
	// outcomeFault, when set, runs between the two writes of a send
	// outcome (the people's, the broadcast's); an error from it stops the
	// commit there, as a crash would. Tests only.
	outcomeFault func(id string) error
	// resultsFault, when set, runs once a commit has decided what its
	// results change and before it writes any of it; an error stops the
	// commit there, as a crash would. Tests only.
	resultsFault func(id string) error
	// smsOutcomeFault is outcomeFault for an SMS of the fallback.
	smsOutcomeFault func(id string) error
}

var (
	_ bot.Interceptor    = (*Service)(nil)
	_ bot.StatusObserver = (*Service)(nil)
)

// New builds the service; register it with the engine (Intercept,
// ObserveStatuses) before the engine starts, then call Start.
func New(cfg Config, o Options) *Service {
	cfg.defaults()
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.HTTP == nil {
		o.HTTP = &http.Client{Timeout: 10 * time.Second}
	}
	if o.Pacer == nil && o.Outgoing != nil {
		o.Pacer = o.Outgoing.Pacer()
	}
	if o.Pacer == nil {
		o.Pacer = pace.New(cfg.RatePerNumber)
	}
	if o.Observer == nil {
		o.Observer = bot.NopObserver{}
	}
	if o.Outgoing == nil {
		o.Outgoing = outgoing.New(outgoing.Options{Client: o.Sender, Pacer: o.Pacer, Observer: o.Observer, Logger: o.Logger, Now: o.Now})
	}
	if o.Leases == nil {
		o.Leases = coord.NewMemoryLeases(nil)
	}
	if o.Holder == "" {
		o.Holder = "local"
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Service{
		leases: o.Leases, holder: o.Holder, bus: o.Bus, inc: o.Incidents, escal: o.Escalate, tpl: o.Templates,
		cfg: cfg, db: o.DB, now: o.Now, http: o.HTTP,
		log:    o.Logger.With().Str("comp", "broadcast").Logger(),
		pacers: o.Pacer,
		out:    o.Outgoing,
		sends:  outgoing.NewCutoff(),
		daily:  newDailyLimit(cfg.DailyLimit, o.Holder, o.DB),
		ctx:    ctx, cancel: cancel,
		wake: make(chan struct{}, 1), hook: make(chan struct{}, 1),
		runs: map[string]*run{}, docs: map[string]*Broadcast{}, pair: map[string]time.Time{},
		sms: o.SMS, smsStates: map[string]*smsState{},
	}
}

// Start loads unfinished broadcasts and resumes them: a broadcast that was
// sending when the process died continues where its cursor stopped.
func (s *Service) Start() error {
	err := s.db.Read(storeCtx, func(r store.Reader) error {
		return store.EachBroadcast(storeCtx, r, false, func(b Broadcast) error {
			if !b.terminal() {
				s.docs[b.ID] = &b
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("load broadcasts: %w", err)
	}
	if err := s.daily.open(s.now()); err != nil {
		return fmt.Errorf("open daily messaging limit: %w", err)
	}
	s.started = s.now()
	if err := s.startSpread(); err != nil {
		return err
	}
	s.log.Info().Int("open", len(s.docs)).Int("numbers", len(s.cfg.PhoneNumberIDs)).Float64("rate_per_number", s.cfg.RatePerNumber).Msg("broadcasts started")
	s.wg.Add(3)
	go s.controlLoop()
	go s.notifyLoop()
	go s.foldLoop()
	return nil
}

// Close stops dispatching: sends in flight finish and are recorded, the
// rest stays queued in the store for the next start.
func (s *Service) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	runs := make([]*run, 0, len(s.runs))
	for _, r := range s.runs {
		runs = append(runs, r)
	}
	s.mu.Unlock()
	s.cancel()
	for _, r := range runs {
		<-r.done
	}
	s.wg.Wait()
	if !s.isCrashed() {
		// What this instance holds of the daily limit is the other
		// instances' to take now, not a TTL later.
		if err := s.daily.release(s.now()); err != nil {
			s.log.Error().Err(err).Msg("give back the daily messaging limit's block")
		}
	}
	if n := s.sends.Cuts(); n > 0 {
		s.log.Warn().Int64("sends_cut", n).Msg("broadcast sends cut by the stop with their outcome unknown: counted as possible duplicates, sent again after the grace unless their statuses prove them")
	}
	s.log.Info().Msg("broadcasts stopped")
}

// CutSends ends the broadcasts' requests to the Graph API under way and
// keeps new ones from leaving: the end of a stop's time for sends (Close
// waits for the sends under way, which a Graph API slow to answer would
// hold past the stop's budget). What it cuts is recorded as a send whose
// outcome is unknown (a possible duplicate).
func (s *Service) CutSends() { s.sends.Cut() }

// crash stops like kill -9 would: results of sends in flight are not
// recorded. For the crash-resume tests.
func (s *Service) crash() {
	s.mu.Lock()
	s.crashed = true
	s.mu.Unlock()
	s.Close()
}

func (s *Service) isCrashed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.crashed
}

func (s *Service) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Actor is who asks for a change: the principal's id (compared when a
// second person must approve), its display name and its role, all three
// kept in the audit log.
type Actor struct {
	ID, Name, Role string
	// RequiresApproval: the principal's own setting (an integration
	// token's) makes its broadcasts wait for a second admin whatever
	// the audience.
	RequiresApproval bool
}

func (a Actor) String() string {
	if a.Name == "" {
		return a.ID
	}
	return a.Name + " (" + a.ID + ")"
}

func (a Actor) withRole() string {
	if a.Role == "" {
		return a.String()
	}
	return a.String() + ", " + a.Role
}

// Create validates spec, stores the broadcast and schedules it. A repeated
// idempotency key returns the broadcast created the first time. by is
// the creator as the audit log names them.
func (s *Service) Create(spec Spec, by, idemKey string) (*Broadcast, error) {
	return s.CreateBy(spec, Actor{ID: by}, idemKey)
}

// CreateBy is Create by a principal. When two-person approval applies
// (Config.Approval, or an audience above Config.ApprovalAbove) the
// broadcast is stored pending_approval and nothing is sent until another
// admin approves it (Approve).
func (s *Service) CreateBy(spec Spec, by Actor, idemKey string) (*Broadcast, error) {
	now := s.now()
	spec.SMSFromIncident = false
	if err := s.resolveCorrection(&spec); err != nil {
		return nil, err
	}
	if err := s.admitIncident(nil, &spec); err != nil {
		return nil, err
	}
	if err := spec.Validate(now); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if spec.Unaccounted != nil && spec.Unaccounted.Webhook && len(s.cfg.WebhookURLs) == 0 {
		return nil, fmt.Errorf("%w: unaccounted.webhook: no integration webhook is configured: set LIFELINE_WEBHOOK_URLS or leave it out", ErrInvalid)
	}
	if err := s.resolveHeaderMedia(&spec); err != nil {
		return nil, err
	}
	warning, err := checkTemplateCatalog(s.tpl, &spec)
	if err != nil {
		return nil, err
	}
	if err := s.audienceReachesSomeone(spec.Audience, spec.SMSFallback() != nil); err != nil {
		return nil, err
	}
	approval, err := s.approvalReason(spec.Audience)
	if err != nil {
		return nil, err
	}
	if approval == "" && by.RequiresApproval {
		approval = fmt.Sprintf("created by %s, whose token requires approval", by)
	}
	seq, err := store.NextBroadcastNumber(storeCtx, s.db)
	if err != nil {
		return nil, err
	}
	b := &Broadcast{ID: fmt.Sprintf("bc%06d", seq), Spec: spec, CreatedAt: now, CreatedBy: by.String(), CreatedByID: by.ID, CreatedByRole: by.Role}
	if warning != "" {
		b.Warnings = append(b.Warnings, warning)
		s.log.Warn().Str("broadcast", b.ID).Msg(warning)
	}
	ev := EvSchedule
	switch {
	case approval != "":
		ev = EvHold
		b.Approval = &Approval{Reason: approval, ExpiresAt: now.Add(s.cfg.ApprovalExpires)}
	case spec.StartAt.IsZero() || !spec.StartAt.After(now):
		ev = EvStart
	}
	if err := b.fire(ev); err != nil {
		return nil, fmt.Errorf("create broadcast: %w", err)
	}
	existing := ""
	// The idempotency key is the broadcast's own (store.ClaimBroadcastIdem),
	// and the audit entry an event of its scope (auditBy).
	err = s.db.Write(storeCtx, store.BroadcastScope(b.ID), func(tx store.Writer) error {
		existing = ""
		if idemKey != "" {
			var err error
			if existing, err = store.ClaimBroadcastIdem(storeCtx, tx, idemKey, b.ID, 7*24*time.Hour); err != nil || existing != "" {
				return err
			}
		}
		if err := s.admitIncident(tx, &b.Spec); err != nil {
			return err
		}
		if err := store.PutBroadcast(storeCtx, tx, b.ID, b); err != nil {
			return err
		}
		detail := fmt.Sprintf("%s %q to %s", spec.Kind, spec.Name, describeAudience(spec))
		if spec.Critical {
			detail += "; critical: bypasses the per-contact frequency cap"
		}
		if spec.Incident != "" {
			detail += "; incident " + spec.Incident
		}
		if spec.CorrectionOf != "" {
			detail += fmt.Sprintf("; correction of %s: to the %d people it reached", spec.CorrectionOf, len(spec.Audience.WaIDs))
		}
		if spec.SMSFromIncident {
			detail += "; SMS fallback from the incident's default"
		}
		if spec.Drill {
			detail += "; drill"
		}
		if spec.ConsentOverrideReason != "" {
			detail += fmt.Sprintf("; consent override: reaches contacts who did not opt in, because %q", spec.ConsentOverrideReason)
		}
		if b.Approval != nil {
			detail += fmt.Sprintf("; pending approval by a second admin (%s) until %s", b.Approval.Reason, b.Approval.ExpiresAt.UTC().Format(time.RFC3339))
		}
		return s.auditBy(tx, now, by, "broadcast.create", b.ID, detail)
	})
	if err != nil {
		return nil, fmt.Errorf("create broadcast: %w", err)
	}
	if existing != "" {
		return s.Get(existing)
	}
	s.mu.Lock()
	s.docs[b.ID] = b
	s.mu.Unlock()
	s.announce(b.ID, b.State)
	s.log.Info().Str("broadcast", b.ID).Str("kind", string(spec.Kind)).Bool("critical", spec.Critical).Str("state", b.State).Str("by", by.String()).Msg("broadcast created")
	s.poke()
	return b, nil
}

// ApprovalReason says why a broadcast to aud would wait for a second
// admin's approval, or "" when it would not: a send planned elsewhere (a
// correction of an FAQ answer) follows the same rule.
func (s *Service) ApprovalReason(aud contacts.Audience) (string, error) {
	aud.Normalize()
	return s.approvalReason(aud)
}

// approvalReason says why a broadcast of aud needs a second admin's
// approval, or "" when it does not. The audience size is what its
// matching contacts number now; the count stops past the threshold.
func (s *Service) approvalReason(aud contacts.Audience) (string, error) {
	if s.cfg.ApprovalAbove > 0 {
		n := 0
		err := s.db.Read(storeCtx, func(tx store.Reader) error {
			return store.EachContact(storeCtx, tx, "", func(c *store.Contact) error {
				if ok, _ := aud.Match(c); ok {
					if n++; n > s.cfg.ApprovalAbove {
						return store.ErrStop
					}
				}
				return nil
			})
		})
		if err != nil {
			return "", fmt.Errorf("count audience: %w", err)
		}
		if n > s.cfg.ApprovalAbove {
			return fmt.Sprintf("audience of more than %d contacts (LIFELINE_APPROVAL_ABOVE)", s.cfg.ApprovalAbove), nil
		}
	}
	if s.cfg.Approval {
		return "LIFELINE_BROADCAST_APPROVAL=on", nil
	}
	return "", nil
}

// SelfApprovalError refuses an approval or rejection by the broadcast's
// creator: two-person approval needs a second admin. It matches ErrState
// (409) and ErrSelfApproval.
type SelfApprovalError struct {
	ID, Event string
}

// ErrSelfApproval matches every SelfApprovalError.
var ErrSelfApproval = errors.New("the creator of a broadcast cannot approve it")

func (e *SelfApprovalError) Error() string {
	return fmt.Sprintf("cannot %s broadcast %s: you created it; two-person approval needs another admin to %s it (or cancel it yourself)", e.Event, e.ID, e.Event)
}

// Is makes the refusal match ErrState and ErrSelfApproval.
func (e *SelfApprovalError) Is(target error) bool {
	return target == ErrState || target == ErrSelfApproval
}

// Approve lets a broadcast pending approval go: it is scheduled, and the
// control loop starts it at once when its start time has come. by must
// not be its creator.
func (s *Service) Approve(id string, by Actor) (*Broadcast, error) {
	return s.decide(id, by, EvApprove)
}

// Reject cancels a broadcast pending approval; by must not be its creator
// (who may cancel it instead).
func (s *Service) Reject(id string, by Actor) (*Broadcast, error) {
	return s.decide(id, by, EvReject)
}

func (s *Service) decide(id string, by Actor, ev string) (*Broadcast, error) {
	now := s.now()
	b, err := s.updateAudited(id, func(tx store.Writer, b *Broadcast) error {
		if b.State != StatePendingApproval {
			return b.fire(ev) // the state error, naming what is allowed
		}
		if (b.CreatedByID != "" && b.CreatedByID == by.ID) || (b.CreatedByID == "" && b.CreatedBy == by.String()) {
			return &SelfApprovalError{ID: b.ID, Event: ev}
		}
		if err := b.fire(ev); err != nil {
			return err
		}
		a := b.Approval
		if a == nil {
			a = &Approval{}
			b.Approval = a
		}
		a.By, a.ByRole, a.At = by.String(), by.Role, now
		action, detail := "broadcast.approve", "approved"
		if ev == EvReject {
			a.Decision, b.CompletedAt = Rejected, now
			action, detail = "broadcast.reject", "rejected"
		} else {
			a.Decision = Approved
		}
		creator := b.CreatedBy
		if b.CreatedByRole != "" {
			creator += ", " + b.CreatedByRole
		}
		detail = fmt.Sprintf("%s by %s; created by %s", detail, by.withRole(), creator)
		return s.auditBy(tx, now, by, action, id, detail)
	})
	if err != nil {
		return nil, err
	}
	s.log.Info().Str("broadcast", id).Str("decision", b.Approval.Decision).Str("by", by.String()).Msg("broadcast approval decided")
	if ev == EvReject {
		s.queueEventNow(Event{Type: "broadcast.cancelled", Broadcast: id, At: now})
	}
	s.poke()
	return b, nil
}

// expireApproval cancels a broadcast whose approval did not come in time.
func (s *Service) expireApproval(id string, now time.Time) {
	_, err := s.updateAudited(id, func(tx store.Writer, b *Broadcast) error {
		if b.Approval == nil || now.Before(b.Approval.ExpiresAt) {
			return nil
		}
		if err := b.fire(EvExpire); err != nil {
			return err
		}
		b.Approval.Decision, b.Approval.At, b.CompletedAt = Expired, now, now
		return s.auditBy(tx, now, Actor{ID: "system"}, "broadcast.expire", id,
			fmt.Sprintf("not approved by %s; created by %s", b.Approval.ExpiresAt.UTC().Format(time.RFC3339), b.CreatedBy))
	})
	switch {
	case errors.Is(err, ErrState):
	case err != nil:
		s.log.Error().Err(err).Str("broadcast", id).Msg("expire broadcast pending approval")
	default:
		s.log.Warn().Str("broadcast", id).Msg("broadcast not approved in time: cancelled")
		s.queueEventNow(Event{Type: "broadcast.cancelled", Broadcast: id, At: now})
	}
}

// admitIncident asks the incident gate about the incident spec names, in
// r or in a read of its own when r is nil.
func (s *Service) admitIncident(r store.Reader, sp *Spec) error {
	sp.Incident = strings.TrimSpace(sp.Incident)
	if sp.Incident == "" {
		return nil
	}
	if s.inc == nil {
		return fmt.Errorf("%w: incident %q: incidents are not enabled on this server", ErrInvalid, sp.Incident)
	}
	if r != nil {
		return s.inc.AdmitBroadcast(storeCtx, r, sp)
	}
	return s.db.Read(storeCtx, func(r store.Reader) error { return s.inc.AdmitBroadcast(storeCtx, r, sp) })
}

// audienceReachesSomeone refuses an audience that matches nobody who may
// receive a message; it stops at the first contact that matches.
func (s *Service) audienceReachesSomeone(aud contacts.Audience, bySMS bool) error {
	found := false
	err := s.db.Read(storeCtx, func(tx store.Reader) error {
		return store.EachContact(storeCtx, tx, "", func(c *store.Contact) error {
			// With an SMS fallback, a contact WhatsApp cannot reach is
			// still someone the broadcast reaches.
			if ok, why := aud.Match(c); ok || (bySMS && why == contacts.ExcludedUnreachable) {
				found = true
				return store.ErrStop
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("check audience: %w", err)
	}
	if !found {
		return ErrEmptyAudience
	}
	return nil
}

func describeAudience(sp Spec) string {
	a := sp.Audience
	var parts []string
	if a.All {
		parts = append(parts, "all contacts")
	}
	if len(a.TagsAny) > 0 {
		parts = append(parts, "tags any of "+strings.Join(a.TagsAny, "|"))
	}
	if len(a.TagsAll) > 0 {
		parts = append(parts, "tags all of "+strings.Join(a.TagsAll, "|"))
	}
	if len(a.Languages) > 0 {
		parts = append(parts, "languages "+strings.Join(a.Languages, "|"))
	}
	if len(a.Regions) > 0 {
		parts = append(parts, "regions "+strings.Join(a.Regions, "|"))
	}
	if len(a.Fields) > 0 {
		parts = append(parts, fmt.Sprintf("%d custom field conditions", len(a.Fields)))
	}
	if len(a.WaIDs) > 0 {
		parts = append(parts, fmt.Sprintf("%d listed people", len(a.WaIDs)))
	}
	if a.OptedInOnly {
		parts = append(parts, "opted in only")
	} else {
		parts = append(parts, "including contacts who did not opt in")
	}
	return strings.Join(parts, ", ")
}

// audit appends to the audit log in tx, the log's own transaction
// (store.AuditScope): for an action recorded after it happened.
func (s *Service) audit(tx store.Writer, at time.Time, actor, action, target, detail string) error {
	_, err := store.AppendAudit(storeCtx, tx, store.AuditEntry{At: at, Actor: actor, Action: action, Target: target, Detail: detail})
	return err
}

// auditBy records an action on broadcast target, with the principal's
// name and role, in tx: as an event of the broadcast's scope, so that the
// entry exists exactly when the change it records does; the audit log
// folds it in after the commit.
func (s *Service) auditBy(tx store.Writer, at time.Time, by Actor, action, target, detail string) error {
	_, err := store.AppendAuditEvent(storeCtx, tx, store.BroadcastScope(target), auditEntry(at, by, action, target, detail))
	return err
}

// auditEntry is the audit log's record of what by did to target.
func auditEntry(at time.Time, by Actor, action, target, detail string) store.AuditEntry {
	return store.AuditEntry{At: at, Actor: by.ID, Name: by.Name, Role: by.Role, Action: action, Target: target, Detail: detail}
}

// Get loads a broadcast document.
func (s *Service) Get(id string) (*Broadcast, error) {
	var b Broadcast
	err := s.db.Read(storeCtx, func(r store.Reader) (err error) {
		b, err = store.GetBroadcast[Broadcast](storeCtx, r, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &b, nil
}

// update changes a broadcast document in a transaction and refreshes the cache.
func (s *Service) update(id string, fn func(b *Broadcast) error) (*Broadcast, error) {
	return s.updateAudited(id, func(_ store.Writer, b *Broadcast) error { return fn(b) })
}

// updateAudited is update with the transaction, for a change whose audit
// entry is written with it.
func (s *Service) updateAudited(id string, fn func(tx store.Writer, b *Broadcast) error) (*Broadcast, error) {
	var b Broadcast
	err := s.db.Write(storeCtx, store.BroadcastScope(id), func(tx store.Writer) (err error) {
		if b, err = store.GetBroadcast[Broadcast](storeCtx, tx, id); err != nil {
			return err
		}
		if err := fn(tx, &b); err != nil {
			return err
		}
		return store.PutBroadcast(storeCtx, tx, id, &b)
	})
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if b.terminal() {
		delete(s.docs, id)
	} else {
		cp := b
		s.docs[id] = &cp
	}
	s.mu.Unlock()
	s.announce(id, b.State)
	return &b, nil
}

// Pause stops sending; sends in flight finish. A run on another instance
// stops when it hears the change (ChangesTopic), and marks no chunk
// after the pause has committed in any case (markChunk).
func (s *Service) Pause(id, by string) (*Broadcast, error) {
	b, err := s.update(id, func(b *Broadcast) error {
		if err := b.fire(EvPause); err != nil {
			return err
		}
		b.PauseReason = "paused by " + by
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.stopRun(id)
	s.auditLater(by, "broadcast.pause", id, "")
	return b, nil
}

// Resume continues a paused broadcast (also after an alert was dealt with).
func (s *Service) Resume(id, by string) (*Broadcast, error) {
	b, err := s.update(id, func(b *Broadcast) error {
		if err := b.fire(EvResume); err != nil {
			return err
		}
		b.PauseReason = ""
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Resuming after an alert says the account was fixed: the sending
	// numbers' pause (shared with replies) ends too.
	for _, num := range s.cfg.PhoneNumberIDs {
		s.pacers.Resume(num)
	}
	s.auditLater(by, "broadcast.resume", id, "")
	s.poke()
	return b, nil
}

// Cancel stops a broadcast for good; recipients not yet sent are skipped.
// Answers from those who got it still count.
func (s *Service) Cancel(id, by string) (*Broadcast, error) {
	b, err := s.update(id, func(b *Broadcast) error {
		if err := b.fire(EvCancel); err != nil {
			return err
		}
		b.CompletedAt = s.now()
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.stopRun(id)
	s.auditLater(by, "broadcast.cancel", id, "")
	s.queueEventNow(Event{Type: "broadcast.cancelled", Broadcast: id, At: s.now()})
	return b, nil
}

func (s *Service) auditLater(by, action, id, detail string) {
	if err := s.db.Write(storeCtx, store.AuditScope(), func(tx store.Writer) error { return s.audit(tx, s.now(), by, action, id, detail) }); err != nil {
		s.log.Warn().Err(err).Str("broadcast", id).Msg("write audit")
	}
}

// stopRun cancels a broadcast's run and waits for its sends in flight.
func (s *Service) stopRun(id string) {
	s.mu.Lock()
	r := s.runs[id]
	s.mu.Unlock()
	if r != nil {
		r.cancel()
		<-r.done
	}
}

// List returns every broadcast, newest first.
func (s *Service) List(limit int) ([]*Broadcast, error) {
	var out []*Broadcast
	err := s.db.Read(storeCtx, func(r store.Reader) error {
		return store.EachBroadcast(storeCtx, r, true, func(b Broadcast) error {
			out = append(out, &b)
			if limit > 0 && len(out) >= limit {
				return store.ErrStop
			}
			return nil
		})
	})
	return out, err
}

// bump applies fn to the counts of broadcast id within tx, the turn of
// recipient seq's person: the store keeps each recipient's share apart,
// written in that person's scope, and a read adds the shares up.
func bump(tx store.Writer, id string, seq uint64, fn func(c *Counts)) error {
	return store.AddBroadcastCounts(storeCtx, tx, id, seq, fn)
}

func incr(m *map[string]int64, k string, n int64) {
	if *m == nil {
		*m = map[string]int64{}
	}
	(*m)[k] += n
	if (*m)[k] == 0 {
		delete(*m, k)
	}
}

// Status is a broadcast with its live counts.
type Status struct {
	ID                 string           `json:"id"`
	Name               string           `json:"name"`
	Kind               Kind             `json:"kind"`
	State              string           `json:"state"`
	PauseReason        string           `json:"pause_reason,omitempty"`
	Critical           bool             `json:"critical"`
	CreatedAt          time.Time        `json:"created_at"`
	StartAt            time.Time        `json:"start_at,omitzero"`
	StartedAt          time.Time        `json:"started_at,omitzero"`
	SentAt             time.Time        `json:"sent_at,omitzero"`
	CompletedAt        time.Time        `json:"completed_at,omitzero"`
	Enqueued           bool             `json:"enqueued"`
	Targeted           int64            `json:"targeted"`
	Excluded           map[string]int64 `json:"excluded"`
	Pending            int64            `json:"pending"`
	Sent               int64            `json:"sent"`
	Delivered          int64            `json:"delivered"`
	Read               int64            `json:"read"`
	Failed             int64            `json:"failed"`
	FailedByReason     map[string]int64 `json:"failed_by_reason"`
	Skipped            int64            `json:"skipped"`
	SkippedByReason    map[string]int64 `json:"skipped_by_reason"`
	Retrying           int64            `json:"retrying"`
	Replied            int64            `json:"replied"`
	Safe               *int64           `json:"safe,omitempty"`
	NeedHelp           *int64           `json:"need_help,omitempty"`
	NoResponse         *int64           `json:"no_response,omitempty"`
	Options            map[string]int64 `json:"options,omitempty"`
	Rescheduled        *int64           `json:"rescheduled,omitempty"`
	DeliveryRate       float64          `json:"delivery_rate"`
	ReadRate           float64          `json:"read_rate"`
	EngagementRate     float64          `json:"engagement_rate"`
	AckP50Seconds      float64          `json:"ack_p50_seconds"`
	AckP95Seconds      float64          `json:"ack_p95_seconds"`
	RemindersSent      int64            `json:"reminders_sent"`
	ReminderRounds     int              `json:"reminder_rounds_done"`
	Unaccounted        int64            `json:"unaccounted"`
	PossibleDuplicates int64            `json:"possible_duplicates"` // sent again after a crash or timeout without proof the first went out
	Duplicates         int64            `json:"duplicates"`          // of those, the ones WhatsApp's statuses show reached the person twice
	Alerts             []Alert          `json:"alerts,omitempty"`
	// Channels: how each recipient was reached, for a broadcast with an
	// SMS fallback.
	Channels  *ChannelFigures `json:"channels,omitempty"`
	CreatedBy string          `json:"created_by,omitempty"`
	Approval  *Approval       `json:"approval,omitempty"`
	Incident  string          `json:"incident,omitempty"`
	// SMS says where the SMS fallback comes from: "incident" (a copy of
	// the incident's default), "own" (the broadcast's), "off" (refused
	// for this broadcast), or "" for none.
	SMS string `json:"sms,omitempty"`
	// CorrectionOf is the broadcast this one corrects.
	CorrectionOf string `json:"correction_of,omitempty"`
}

// Status reads a broadcast's live counts.
func (s *Service) Status(id string) (*Status, error) {
	var (
		b Broadcast
		p Progress
		c Counts
	)
	err := s.db.Read(storeCtx, func(r store.Reader) (err error) {
		if b, err = store.GetBroadcast[Broadcast](storeCtx, r, id); err != nil {
			return err
		}
		if p, _, err = store.GetBroadcastProgress[Progress](storeCtx, r, id); err != nil {
			return err
		}
		c, err = store.SumBroadcastCounts[Counts](storeCtx, r, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("broadcast %s: %w", id, err)
	}
	// The dispatcher's in-memory progress is ahead of the last commit by
	// at most one commit interval; the stored one is what survives a crash.
	st := &Status{
		ID: b.ID, Name: b.Spec.Name, Kind: b.Spec.Kind, State: b.State, PauseReason: b.PauseReason, Critical: b.Spec.Critical,
		CreatedAt: b.CreatedAt, StartAt: b.Spec.StartAt, StartedAt: b.StartedAt, SentAt: b.SentAt, CompletedAt: b.CompletedAt,
		Enqueued: b.Enqueued, Targeted: b.Targeted, Excluded: nonNil(b.Excluded),
		Sent: p.Sent, Delivered: c.Delivered, Read: c.Read, Failed: p.Failed + c.Failed,
		FailedByReason: nonNil(addMap(addMap(nil, p.FailedBy), c.FailedBy)), Skipped: p.Skipped, SkippedByReason: nonNil(p.SkippedBy),
		Retrying: p.Retrying, Replied: c.Replied, RemindersSent: p.Reminders, ReminderRounds: b.RemindersSent,
		Unaccounted: b.Unaccounted, PossibleDuplicates: p.Dups, Duplicates: c.Duplicates, Alerts: b.Alerts,
		CreatedBy: b.CreatedBy, Approval: b.Approval, Incident: b.Spec.Incident, CorrectionOf: b.Spec.CorrectionOf,
	}
	switch sp := b.Spec.SMS; {
	case sp == nil:
	case sp.Off:
		st.SMS = "off"
	case b.Spec.SMSFromIncident:
		st.SMS = "incident"
	default:
		st.SMS = "own"
	}
	st.Pending = max(0, b.Targeted-p.Sent-p.Failed-p.Skipped)
	if b.Spec.SMSFallback() != nil {
		if st.Channels, err = s.channelFigures(id); err != nil {
			return nil, fmt.Errorf("broadcast %s: channels: %w", id, err)
		}
	}
	switch b.Spec.Kind {
	case KindCheckin:
		safe, help := c.Safe, c.Help
		nr := max(0, b.Targeted-safe-help)
		st.Safe, st.NeedHelp, st.NoResponse = &safe, &help, &nr
	case KindConfirmation:
		st.Options = map[string]int64{}
		for _, o := range b.Spec.Options {
			st.Options[o.ID] = c.Options[o.ID]
		}
		r := c.Rescheduled
		st.Rescheduled = &r
		nr := max(0, b.Targeted-c.Replied)
		st.NoResponse = &nr
	}
	if st.Sent > 0 {
		st.DeliveryRate = ratio(st.Delivered, st.Sent)
	}
	if st.Delivered > 0 {
		st.ReadRate = ratio(st.Read, st.Delivered)
		if b.Spec.Kind == KindNotice {
			st.EngagementRate = st.ReadRate
		} else {
			st.EngagementRate = ratio(st.Replied, st.Delivered)
		}
	}
	st.AckP50Seconds = percentile(c.Ack, 0.50)
	st.AckP95Seconds = percentile(c.Ack, 0.95)
	return st, nil
}

func ratio(a, b int64) float64 {
	r := float64(a) / float64(b)
	return float64(int(min(r, 1)*10000+0.5)) / 10000
}

func nonNil(m map[string]int64) map[string]int64 {
	if m == nil {
		return map[string]int64{}
	}
	return m
}

// controlLoop starts what is due: scheduled broadcasts, resumed ones,
// reminder rounds, limit waits, and closing check-ins.
func (s *Service) controlLoop() {
	defer s.wg.Done()
	t := time.NewTicker(s.cfg.Tick)
	defer t.Stop()
	for {
		s.tick()
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
		case <-s.wake:
		}
	}
}

// tick does one round of the control loop.
func (s *Service) tick() {
	now := s.now()
	s.mu.Lock()
	// A crashed service (the tests' kill -9) decides nothing more: a real
	// one would not be there to complete a broadcast or start a round.
	if s.closed || s.crashed {
		s.mu.Unlock()
		return
	}
	for u, at := range s.pair {
		if now.Sub(at) > s.cfg.PairGap {
			delete(s.pair, u)
		}
	}
	ids := make([]string, 0, len(s.docs))
	for id := range s.docs {
		ids = append(ids, id)
	}
	idle := len(s.runs) == 0
	s.mu.Unlock()
	if idle {
		// Nothing sends here: the block of the daily limit is given back
		// for the other instances' broadcasts.
		if err := s.daily.release(now); err != nil {
			s.log.Error().Err(err).Msg("give back the daily messaging limit's block")
		}
	}
	s.smsTick(now)
	sort.Strings(ids)
	for _, id := range ids {
		s.mu.Lock()
		b, running := s.docs[id], s.runs[id] != nil
		s.mu.Unlock()
		if b == nil || running {
			continue
		}
		switch b.State {
		case StatePendingApproval:
			if b.Approval != nil && !now.Before(b.Approval.ExpiresAt) {
				s.expireApproval(id, now)
			}
		case StateScheduled:
			if !b.Spec.StartAt.After(now) {
				if _, err := s.update(id, func(b *Broadcast) error {
					b.advance(EvStart)
					return nil
				}); err != nil {
					s.log.Error().Err(err).Str("broadcast", id).Msg("start scheduled broadcast")
					continue
				}
				s.startRun(id, 0)
			}
		case StateSending:
			s.startRun(id, b.Round)
		case StateWaitingLimit:
			room, err := s.daily.available(now)
			if err != nil {
				s.log.Error().Err(err).Str("broadcast", id).Msg("read daily messaging limit")
			}
			if room > 0 {
				if _, err := s.update(id, func(b *Broadcast) error {
					if b.advance(EvRoom) {
						b.PauseReason = ""
					}
					return nil
				}); err == nil {
					s.log.Info().Str("broadcast", id).Msg("daily messaging limit has room again; resuming")
					s.startRun(id, b.Round)
				}
			}
		case StateSent:
			s.afterSent(b, now)
		}
	}
}

// afterSent runs reminder rounds when due, then flags the unaccounted and
// completes the broadcast.
func (s *Service) afterSent(b *Broadcast, now time.Time) {
	// A check-in that sends its unaccounted an SMS keeps the fallback
	// open until its last reminder had its time: its reminders go on
	// meanwhile, and only the completion waits.
	smsAtEnd := b.Spec.Unaccounted != nil && b.Spec.Unaccounted.SMS && b.Spec.Reminders != nil && b.RemindersSent < b.Spec.Reminders.Count
	if !smsAtEnd && !s.smsSettled(b) {
		return // the SMS fallback may still have to reach someone
	}
	if b.Spec.Kind == KindNotice {
		s.complete(b.ID, false)
		return
	}
	r := b.Spec.Reminders
	count := 0
	var every time.Duration
	if r != nil {
		count, every = r.Count, time.Duration(r.Every)
	}
	base := b.SentAt
	if count == 0 {
		every = s.cfg.AnswerWindow
	}
	due := base.Add(time.Duration(b.RemindersSent+1) * every)
	if now.Before(due) {
		return
	}
	if b.RemindersSent < count {
		round := b.RemindersSent + 1
		if err := s.leased(b.ID, func(r *run) error { return s.startReminders(r, round) }); err != nil {
			if !quietStepError(err) {
				s.log.Error().Err(err).Str("broadcast", b.ID).Msg("start reminder round")
			}
			return
		}
		s.log.Info().Str("broadcast", b.ID).Int("round", round).Msg("sending reminders to those who have not answered")
		s.startRun(b.ID, round)
		return
	}
	s.complete(b.ID, count > 0 || b.Spec.Kind == KindCheckin)
}

// startReminders moves r's broadcast, sent, into reminder round round,
// fenced by r's token like every write of a run. The round is the one
// the caller decided was due: if the stored broadcast has moved past it
// (another instance started it), nothing changes.
func (s *Service) startReminders(r *run, round int) error {
	_, err := s.runUpdate(r, func(b *Broadcast) error {
		if b.RemindersSent+1 != round {
			return &StateError{ID: b.ID, State: b.State, Event: EvRemind}
		}
		// A broadcast cancelled meanwhile stays cancelled.
		if err := b.fire(EvRemind); err != nil {
			return err
		}
		b.Round = round
		return nil
	})
	if err != nil {
		return fmt.Errorf("start reminder round %d: %w", round, err)
	}
	return nil
}

// complete closes a broadcast under its dispatch lease; flag counts and
// marks the unaccounted.
func (s *Service) complete(id string, flag bool) {
	if err := s.leased(id, func(r *run) error { return s.completeRun(r, flag) }); err != nil && !quietStepError(err) {
		s.log.Error().Err(err).Str("broadcast", id).Msg("complete broadcast")
	}
}

// completeRun closes r's broadcast, fenced by r's token: a holder whose
// lease passed to another instance neither escalates nor completes.
func (s *Service) completeRun(r *run, flag bool) error {
	id := r.id
	var unaccounted int64
	if flag {
		var err error
		if unaccounted, err = s.countUnanswered(id); err != nil {
			return fmt.Errorf("count unaccounted: %w", err)
		}
	}
	if flag && unaccounted > 0 {
		// The handoffs are the people's records, not the broadcast's: a
		// check of the token first keeps a holder that lost the lease
		// from opening them, and the completion below is fenced in its
		// transaction. Before the completion is committed: a crash in
		// between runs this again, and opening a handoff that is open
		// already changes nothing.
		if err := s.db.Read(storeCtx, func(tx store.Reader) error {
			return store.CheckBroadcastFence[*Progress](storeCtx, tx, id, r.lease.Token)
		}); err != nil {
			s.fenced(r, err)
			return fmt.Errorf("escalate the unaccounted: %w", err)
		}
		s.escalate(id)
	}
	now := s.now()
	b, err := s.runUpdate(r, func(b *Broadcast) error {
		// A broadcast cancelled meanwhile stays cancelled.
		if err := b.fire(EvComplete); err != nil {
			return err
		}
		b.CompletedAt = now
		b.Flagged, b.Unaccounted = flag, unaccounted
		return nil
	})
	if err != nil {
		return fmt.Errorf("complete: %w", err)
	}
	if flag && unaccounted > 0 {
		s.log.Warn().Str("broadcast", id).Int64("unaccounted", unaccounted).Msg("check-in closed with people unaccounted for; see recipients.csv")
	}
	s.queueEventNow(Event{Type: "broadcast.completed", Broadcast: id, At: now, Name: b.Spec.Name, Unaccounted: unaccounted})
	return nil
}

// countUnanswered counts recipients that were sent the broadcast and gave no answer.
func (s *Service) countUnanswered(id string) (int64, error) {
	var n int64
	err := s.eachRecipient(id, func(tx store.Reader, seq uint64, r *Recipient) error {
		if r.State != recSent {
			n++ // never reached: also unaccounted
			return nil
		}
		e, _, err := store.GetBroadcastEngagement[Engagement](storeCtx, tx, id, seq)
		if err != nil {
			return err
		}
		if e.Answer == "" {
			n++
		}
		return nil
	})
	return n, err
}

// eachRecipient streams a broadcast's recipients in chunks of short transactions.
func (s *Service) eachRecipient(id string, fn func(tx store.Reader, seq uint64, r *Recipient) error) error {
	from := uint64(0)
	for {
		n := 0
		err := s.db.Read(storeCtx, func(tx store.Reader) error {
			return store.EachBroadcastRecipient(storeCtx, tx, id, from, func(seq uint64, r *Recipient) error {
				if err := fn(tx, seq, r); err != nil {
					return err
				}
				n++
				from = seq + 1
				if n >= 2000 {
					return store.ErrStop
				}
				return nil
			})
		})
		if err != nil || n < 2000 {
			return err
		}
	}
}

var _ bot.TemplateObserver = (*Service)(nil)

// ObserveTemplate acts on a message_template_status_update. A PAUSED,
// DISABLED or REJECTED template makes every send of it fail (132015,
// 132016), so each open broadcast that uses it (in any language or
// reminder) is paused with an alert naming the template and the reason;
// an admin resumes it once the template is approved again. An APPROVED
// event resumes nothing by itself: the admin decides. A broadcast already
// sent, waiting only for reminders, gets the alert without a pause.
//
// The engine may deliver the same change again after a crash: an alert
// with the same text is not repeated.
func (s *Service) ObserveTemplate(ts *whatsapp.TemplateStatus) error {
	if !ts.Blocks() {
		return nil
	}
	s.mu.Lock()
	var ids []string
	for id, b := range s.docs {
		if usesTemplate(&b.Spec, ts.Name, ts.Language) {
			ids = append(ids, id)
		}
	}
	s.mu.Unlock()
	sort.Strings(ids)
	code := 0
	switch ts.Event {
	case whatsapp.TemplatePaused:
		code = 132015
	case whatsapp.TemplateDisabled:
		code = 132016
	}
	reason := ts.Reason
	if reason == "" {
		reason = "no reason given"
	}
	msg := fmt.Sprintf("template %s (%s) is %s by WhatsApp: %s; resume after it is approved again or change the broadcast's template",
		ts.Name, ts.Language, ts.Event, reason)
	now := s.now()
	for _, id := range ids {
		alerted, paused := false, false
		_, err := s.update(id, func(b *Broadcast) error {
			alerted, paused = false, false
			if b.terminal() || !usesTemplate(&b.Spec, ts.Name, ts.Language) {
				return nil
			}
			if !slices.ContainsFunc(b.Alerts, func(a Alert) bool { return a.Message == msg }) {
				addAlert(b, now, code, msg)
				alerted = true
			}
			if b.advance(EvAlert) {
				b.PauseReason = "alert: " + msg
				paused = true
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("pause broadcast %s for template %s (%s): %w", id, ts.Name, ts.Language, err)
		}
		if paused {
			s.stopRun(id)
		}
		if alerted {
			s.log.Error().Str("broadcast", id).Int("code", code).Str("alert", msg).Bool("paused", paused).Msg("ALERT: broadcast needs an admin")
			s.queueEventNow(Event{Type: "broadcast.alert", Broadcast: id, At: now, Code: code, Message: msg})
		}
	}
	return nil
}

// usesTemplate reports whether a broadcast or its reminders send the
// template name in the approved language code.
func usesTemplate(sp *Spec, name, language string) bool {
	match := func(ts map[string]Template) bool {
		for _, t := range ts {
			if t.Name == name && strings.EqualFold(t.Language, language) {
				return true
			}
		}
		return false
	}
	return match(sp.Templates) || (sp.Reminders != nil && match(sp.Reminders.Templates))
}
