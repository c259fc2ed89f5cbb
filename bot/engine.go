// Package bot runs the conversation engine: the durable inbox that the
// webhook writes to, per-user ordered processing through the flows, and the
// outbox that sends replies through a Sender with pacing and retries.
// Handoffs to a person, and the agent console's operations on them, live
// in bot/handoffs, which the engine builds and feeds (see Engine.Handoffs).
package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/handoffs"
	"lifeline/bot/outgoing"
	"lifeline/bot/pace"
	"lifeline/bot/sendpolicy"
	"lifeline/bot/whatsapp"
	"lifeline/catalog"
	"lifeline/coord"
	"lifeline/flows"
	"lifeline/kb"
	"lifeline/store"
	"lifeline/understand"
)

// Sender delivers messages to WhatsApp. The Graph API client and the
// sandbox are the two implementations; the send step calls it.
type Sender = outgoing.Client

// Learner records what conversations teach the FAQ; kb.KB is the implementation.
type Learner interface {
	RecordFeedback(entryID string, helpful bool, at time.Time) error
	RecordChoice(query, lang, entryID string, at time.Time) error
	RecordUnanswered(query, lang, reason string, at time.Time) error
}

var _ Learner = (*kb.KB)(nil)

// Config tunes the engine. Zero values take the defaults below.
type Config struct {
	PhoneNumberIDs   []string           // sending numbers; replies leave from the number that received the message
	Workers          int                // inbound workers (users processed in parallel)
	SendWorkers      int                // outbound workers to keep; more start as the Graph API's latency asks (bot/pace), up to MaxInFlight per number
	MaxInFlight      int                // most sends in flight per sending number (the ceiling of the adaptive count); default pace.DefaultCeiling
	RatePerNumber    float64            // messages per second per sending number
	Expiry           time.Duration      // a conversation idle this long starts over
	AlertTopic       string             // the topic of the explicit opt-in question in every language (flows.Flow.AlertTopic)
	AlertTopics      catalog.Topics     // the topic by language; replaces AlertTopic when set
	WindowMargin     time.Duration      // safety margin subtracted from the 24-hour window
	MaxAttempts      int                // fast retries of a transient error before a message waits long (default 10)
	ReengageTemplate *whatsapp.Template // sent instead of free text when the window has closed; nil fails such replies
	HandoffOverdue   time.Duration      // a handoff waiting longer than this is flagged in the console (default 5m)
	DedupeFor        time.Duration      // how long message ids are remembered (Meta retries for 7 days)
	ShutdownGrace    time.Duration      // how long Close waits for queued replies to go out (default 2 s)
	Emergency        EmergencyNumbers   // the number people in danger are told to call; the zero value is the built-in table
	// InFlightWait is how long Close waits, once ShutdownGrace is over,
	// for the sends already at the Graph API to answer; it then cuts
	// them, their outcome unknown, and keeps them in flight (see Close).
	// Default 3 s: with the default grace, 5 s in all, half of what
	// `docker stop` waits before its SIGKILL.
	InFlightWait time.Duration
	// TemplateWait is how long a template (the re-engagement template)
	// keeps waiting through a Graph API outage before it fails (default
	// 24h). Free-form replies wait until their 24-hour window closes.
	TemplateWait time.Duration
	// MaxBackoff caps the wait between two attempts of a message kept
	// through an outage (default 10 min).
	MaxBackoff time.Duration
	// UnknownGrace is how long a send whose outcome is unknown waits for
	// its status webhook before it is sent again (default 1 min).
	UnknownGrace time.Duration
	// StatusResends bounds how often a message is sent again after failed
	// status webhooks with a transient code (default 3).
	StatusResends int
	// Backoff is the delay before the next attempt after failure n; nil
	// uses the send policy's (sendpolicy.Policy). Tests shorten it.
	Backoff func(a whatsapp.Action, attempt int) time.Duration

	// statusesViaInbox keeps every status in the inbox, as before
	// statusAtIngest: the tests compare the two ways.
	statusesViaInbox bool
	// receiptFoldWait replaces receiptFoldWait when positive (tests).
	receiptFoldWait time.Duration
}

func (c *Config) defaults() {
	if c.Workers <= 0 {
		c.Workers = 32
	}
	if c.SendWorkers <= 0 {
		c.SendWorkers = 64
	}
	if c.RatePerNumber <= 0 {
		c.RatePerNumber = 80
	}
	if c.Expiry <= 0 {
		c.Expiry = 2 * time.Hour
	}
	if c.WindowMargin <= 0 {
		c.WindowMargin = 10 * time.Minute
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 10
	}
	if c.DedupeFor <= 0 {
		c.DedupeFor = 8 * 24 * time.Hour
	}
	if c.ShutdownGrace <= 0 {
		// A share of a stop's whole budget, not all of it: after the
		// grace come the partitions' hand-over and the store's close,
		// and a process manager kills a stop that overran (lifeline
		// serve sets it from its stop budget).
		c.ShutdownGrace = 2 * time.Second
	}
	if c.InFlightWait <= 0 {
		c.InFlightWait = 3 * time.Second
	}
	if c.TemplateWait <= 0 {
		c.TemplateWait = 24 * time.Hour
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = sendpolicy.DefaultMaxWait
	}
	if c.UnknownGrace <= 0 {
		c.UnknownGrace = sendpolicy.DefaultGrace
	}
	if c.StatusResends <= 0 {
		c.StatusResends = 3
	}
	if len(c.PhoneNumberIDs) == 0 {
		c.PhoneNumberIDs = []string{"sandbox"}
	}
}

// windowEnd is when free-form messages to someone who last wrote at
// lastInbound stop being allowed: WhatsApp's 24 hours, less the safety
// margin. Conversations, status resends and the agent console all ask here.
func (c *Config) windowEnd(lastInbound time.Time) time.Time {
	return lastInbound.Add(24*time.Hour - c.WindowMargin)
}

// Engine is the running conversation engine.
type Engine struct {
	cfg     Config
	pulse   statusPulse // live "status" events (statuspulse.go)
	db      *store.DB
	flow    *flows.Flow
	learner Learner
	log     zerolog.Logger
	now     func() time.Time

	inbox  *lanes[inRef]
	outbox *sendLanes
	// wakeIn and wakeOut tell the owner of a user's lane that the user has
	// inbound or outbound work. In one process they are the lanes above;
	// another coord.Waker (a delivery on the user's partition) can take
	// their place without the callers changing.
	wakeIn  coord.Waker
	wakeOut coord.Waker
	wakers  func(in, out coord.Waker) (coord.Waker, coord.Waker) // Options.Wakers
	// part is nil in one process; with several instances it says which
	// users this one works (Options.Partitions), and parted is what the
	// lanes keep for it (partition.go).
	part       Partitions
	parted     *partitioned
	sandboxSub *coord.Subscription
	pacer      *pace.Numbers
	people     PersonLocks // erasure against sends (see HoldPerson)
	desk       *handoffs.Desk

	// heldOutcomes: outbox seq -> *heldOutcome, a send's outcome whose
	// record failed to be written and is written again (outbox.go finish).
	heldOutcomes sync.Map
	// receiptFolds: user -> *heldOutcome, a sent read receipt whose
	// removal waits for the write of the person's reply (receiptfold.go).
	receiptFolds sync.Map

	ctx    context.Context
	cancel context.CancelFunc

	bus coord.Bus // live events leave through it, after their commit

	mu        sync.Mutex
	waiters   map[string]chan []whatsapp.Outbound
	closed    bool
	ingesting sync.WaitGroup // Ingest calls under way

	ingestCh   chan *ingestReq
	ingestDone chan struct{}
	// started is set once Start has queued the work left in the store
	// and the outbox lanes exist: before, a lane found empty may have
	// events waiting in the store (statusAtIngest).
	started atomic.Bool

	interceptors   []Interceptor
	sources        []TranscriptSource
	observers      []StatusObserver
	emergencyHooks []EmergencyNotifier

	obs Observer

	policy sendpolicy.Policy
	out    *outgoing.Step // the one send step, shared with broadcasts
	// sends is the context of the engine's requests to the Graph API,
	// cut when a stop's time for sends is over (Close, CutSends).
	sends *outgoing.Cutoff

	media MediaQueue // nil: no downloads
	files FileUploader
}

// OutageObserver is told when sends from a number start failing beyond
// the fast retries (or the number is paused for account trouble) and when
// they succeed again: once per outage, not per message, whatever sent the
// messages (the send step, bot/outgoing, tells it). An Observer may
// implement it.
type OutageObserver = outgoing.OutageObserver

// Observer is told what the engine does as it happens, for metrics. The
// metrics package implements it, so bot needs no metrics library. Calls
// come from the workers and must not block.
type Observer interface {
	// Processed: one inbound event of kind ("message", "status", "error", "template")
	// was committed, latency after its webhook was acknowledged.
	Processed(kind string, latency time.Duration)
	// SendAttempt: one call to the Graph API from phoneNumberID; code is
	// the WhatsApp error code (0 for success, or for an error without one).
	SendAttempt(phoneNumberID string, ok bool, code int, latency time.Duration)
	// SendFailed: a message was given up for good with code.
	SendFailed(phoneNumberID string, code int)
	// Emergency: someone wrote about danger to life and an urgent handoff
	// was opened (or raised), in the conversation's language.
	Emergency(lang string)
	// TemplateStatus: WhatsApp reported a template's new status (APPROVED,
	// PAUSED, DISABLED, REJECTED, ...).
	TemplateStatus(name, language, status string)
}

// NopObserver records nothing: the observer of an engine or a broadcast
// service that was given none.
type NopObserver struct{}

func (NopObserver) Processed(string, time.Duration)              {}
func (NopObserver) SendAttempt(string, bool, int, time.Duration) {}
func (NopObserver) SendFailed(string, int)                       {}
func (NopObserver) Emergency(string)                             {}
func (NopObserver) TemplateStatus(string, string, string)        {}

// Intercept registers an interceptor; call before Start.
func (e *Engine) Intercept(ic Interceptor) { e.interceptors = append(e.interceptors, ic) }

// ObserveStatuses registers a status observer; call before Start.
func (e *Engine) ObserveStatuses(o StatusObserver) { e.observers = append(e.observers, o) }

// NotifyEmergencies registers a notifier told of every emergency; call before Start.
func (e *Engine) NotifyEmergencies(n EmergencyNotifier) {
	e.emergencyHooks = append(e.emergencyHooks, n)
}

// EmergencyNotifier is told, inside the message's transaction, that a
// person wrote about danger to life and their handoff became urgent: the
// outbound integration webhooks are the example. It must not carry the
// person's words.
type EmergencyNotifier interface {
	Emergency(w store.Writer, user, lang, reason string, at time.Time) error
}

// Emergency is a handoff that became urgent (opened urgent, or raised to
// urgent) in one transaction: someone wrote about danger to life, on
// WhatsApp or by SMS. A message to a handoff already urgent is none.
type Emergency struct {
	User, Lang, Reason string
	At                 time.Time // when the person wrote
}

// AnnounceEmergency tells the emergency notifiers of em inside tx, the
// transaction that made the handoff urgent, so what they queue commits
// with it. Once tx has committed the caller passes em to
// EmergencyCommitted. Every channel goes through these two, so danger is
// announced the same way whichever way the person wrote.
func (e *Engine) AnnounceEmergency(tx store.Writer, em Emergency) error {
	for _, n := range e.emergencyHooks {
		if err := n.Emergency(tx, em.User, em.Lang, em.Reason, em.At); err != nil {
			return fmt.Errorf("announce emergency: %w", err)
		}
	}
	return nil
}

// EmergencyCommitted counts em, logs it and tells the console, once the
// transaction that announced it (AnnounceEmergency) has committed.
func (e *Engine) EmergencyCommitted(em Emergency, now time.Time) {
	e.obs.Emergency(em.Lang)
	e.log.Warn().Str("user", whatsapp.MaskPhone(em.User)).Str("lang", em.Lang).Msg("emergency: urgent handoff opened")
	e.emit(Event{Kind: "emergency", User: em.User, At: now})
}

// AddTranscriptSource registers a source of messages kept outside the
// transcript; call before Start.
func (e *Engine) AddTranscriptSource(src TranscriptSource) { e.sources = append(e.sources, src) }

// Interceptor lets a feature take an inbound message before the
// conversation flows see it, inside the message's transaction: answers to
// a safety check-in are the example. It returns handled=false to pass.
type Interceptor interface {
	Intercept(w store.Writer, user string, in flows.Input, sess flows.Session) (out flows.Output, handled bool, err error)
}

// StatusObserver sees every delivery status inside its transaction, for
// example to count a broadcast's deliveries.
type StatusObserver interface {
	ObserveStatus(w store.Writer, st *whatsapp.Status) error
}

// StatusFollower is a status observer that is told of the status again
// once the transaction that observed it has committed: what it starts
// then (a broadcast's SMS fallback pass) reads what the observation
// wrote. It runs outside any transaction and must not block.
type StatusFollower interface {
	StatusCommitted(st *whatsapp.Status)
}

// TemplateObserver is told when WhatsApp changes a template's status, so
// that broadcasts stop sending a paused or disabled template. A status
// observer registered with ObserveStatuses that also implements it is
// told. It runs outside any transaction, before the event leaves the
// inbox, and may see the same change again after a crash.
type TemplateObserver interface {
	ObserveTemplate(ts *whatsapp.TemplateStatus) error
}

// Event tells listeners (the agent console) what just happened. Events
// are published on the bus under EventsTopic, JSON-encoded, after the
// change they describe has committed.
type Event struct {
	Kind string    `json:"kind"` // "message", "reply", "status", "handoff", "emergency", "optout", "safe"
	User string    `json:"user,omitempty"`
	At   time.Time `json:"at"`
}

// EventsTopic is the bus topic of the engine's live events.
const EventsTopic = "engine.events"

// DecodeEvent reads an event published under EventsTopic.
func DecodeEvent(m coord.Message) (Event, error) {
	var ev Event
	if err := json.Unmarshal(m.Data, &ev); err != nil {
		return Event{}, fmt.Errorf("decode engine event on %s: %w", m.Topic, err)
	}
	return ev, nil
}

// Options are the engine's collaborators.
type Options struct {
	DB     *store.DB
	Sender Sender
	KB     flows.Answerer
	// Understander reads what messages are about; nil for understand.Default().
	Understander flows.Understander
	// Places answers "where is the nearest shelter"; nil leaves such
	// questions to the FAQ.
	Places  flows.PlaceFinder
	Learner Learner
	Logger  zerolog.Logger
	Now     func() time.Time // defaults to time.Now; tests fix it
	// Pacer is the per-number budget shared with other senders
	// (broadcasts); nil takes Outgoing's, or makes one at
	// Config.RatePerNumber.
	Pacer *pace.Numbers
	// Outgoing is the send step shared with other senders (broadcasts),
	// so that an outage of a number is alerted once whoever meets it; nil
	// makes one from Sender, Pacer, Observer and Logger (see Engine.Outgoing).
	Outgoing *outgoing.Step
	// Observer receives counts and latencies for metrics; nil for none.
	Observer Observer
	// Bus carries the live events to every instance's console; nil
	// makes a single-process bus (see Engine.Bus).
	Bus coord.Bus
	// Media downloads the files people send (media.Fetcher); nil keeps
	// only what the webhook says about them.
	Media MediaQueue
	// Files gives the media id of a kept file (an FAQ answer's
	// attachment) for the number that sends it, uploading it when it has
	// no valid upload there (media.Uploader); nil fails such sends.
	Files FileUploader
	// Wakers is how the engine's wake-ups reach a user's lane: given the
	// local inbound and outbound lanes, it returns the coord.Wakers the
	// engine calls instead. nil calls the lanes directly (one process).
	// Several instances deliver a wake-up to the owner of the user's
	// partition, which calls the lane's Wake there.
	Wakers func(in, out coord.Waker) (wakeIn, wakeOut coord.Waker)
	// Partitions, when several instances share the store, says which
	// users this instance works; nil works every user (one process).
	// With it Start recovers nothing: each partition's pending work is
	// queued when the partition is taken (Adopt), and work stored for a
	// user owned elsewhere is announced to its owner (Partitions.Notify).
	Partitions Partitions
}

// MediaQueue takes the download of a file a person sent, after the
// message's commit. Enqueue must not block: the inbound path waits for it.
type MediaQueue interface {
	Enqueue(user, mediaID string)
}

// New builds an engine; Start begins processing.
func New(cfg Config, o Options) *Engine {
	cfg.defaults()
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Pacer == nil && o.Outgoing != nil {
		o.Pacer = o.Outgoing.Pacer()
	}
	if o.Pacer == nil {
		o.Pacer = pace.New(cfg.RatePerNumber)
	}
	if cfg.MaxInFlight > 0 {
		o.Pacer.SetCeiling(cfg.MaxInFlight)
	}
	if o.Observer == nil {
		o.Observer = NopObserver{}
	}
	if o.Bus == nil {
		o.Bus = coord.NewMemoryBus()
	}
	if o.Understander == nil {
		// Trained here, once per process, rather than by the first
		// message while others wait behind it.
		o.Understander = understand.Default()
	}
	if o.Outgoing == nil {
		o.Outgoing = outgoing.New(outgoing.Options{Client: o.Sender, Pacer: o.Pacer, Observer: o.Observer, Logger: o.Logger, Now: o.Now})
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := &Engine{obs: o.Observer,
		cfg: cfg, db: o.DB, learner: o.Learner, now: o.Now,
		log:     o.Logger.With().Str("comp", "engine").Logger(),
		flow:    &flows.Flow{KB: o.KB, Reader: o.Understander, Places: o.Places, Expiry: cfg.Expiry, AlertTopic: cfg.AlertTopic, AlertTopics: cfg.AlertTopics},
		ctx:     ctx,
		cancel:  cancel,
		waiters: map[string]chan []whatsapp.Outbound{},
		pacer:   o.Pacer,
		bus:     o.Bus,
		wakers:  o.Wakers,
		part:    o.Partitions,
		policy: sendpolicy.Policy{FastAttempts: cfg.MaxAttempts, Backoff: cfg.Backoff,
			MaxWait: cfg.MaxBackoff, Grace: cfg.UnknownGrace},
		out:   o.Outgoing,
		sends: outgoing.NewCutoff(),
		media: o.Media,
		files: o.Files,
	}
	e.desk = handoffs.New(handoffs.Config{
		DefaultPhone:     cfg.PhoneNumberIDs[0],
		ReengageTemplate: cfg.ReengageTemplate,
		Overdue:          cfg.HandoffOverdue,
	}, o.DB, handoffs.Engine{
		QueueReply: e.queueReply,
		Deliver:    func(it *store.OutboxItem) { e.outbox.Add(it) },
		Emit:       func(kind, user string, at time.Time) { e.emit(Event{Kind: kind, User: user, At: at}) },
		WindowEnd:  e.cfg.windowEnd,
		Transcript: e.Transcript,
	}, o.Logger, o.Now)
	return e
}

// Outgoing is the engine's send step; give it to the other senders of
// the process (broadcasts) so that they share its outage tracking.
func (e *Engine) Outgoing() *outgoing.Step { return e.out }

// Handoffs is the agent console's desk: the handoffs that conversations
// open, and what agents do with them.
func (e *Engine) Handoffs() *handoffs.Desk { return e.desk }

// Start recovers the inbox and outbox left by the previous run, then
// processes them and everything that arrives.
func (e *Engine) Start() error {
	inWork, outWork := e.processInbound, e.processOutbound
	if e.part != nil {
		inWork, outWork = e.inWork, e.outWork
	}
	e.inbox = newLanes(e.cfg.Workers, inWork)
	e.ingestCh = make(chan *ingestReq, ingestQueue)
	e.ingestDone = make(chan struct{})
	go e.ingestLoop()
	e.outbox = newSendLanes(e.cfg.SendWorkers, e.sendersNeeded, outWork)
	e.wakeIn, e.wakeOut = e.inbox, e.outbox
	if e.wakers != nil {
		e.wakeIn, e.wakeOut = e.wakers(e.inbox, e.outbox)
	}
	if e.part != nil {
		e.startPartitioned()
		e.started.Store(true)
		e.log.Info().Msg("engine started; each partition's pending work is queued when this instance takes the partition")
		return nil
	}
	var pendingIn, pendingOut int
	ctx := storeCtx()
	err := e.db.Read(ctx, func(r store.Reader) error {
		if err := store.EachPendingInbox(ctx, r, func(seq uint64, it InboxItem, bad error) error {
			if bad != nil {
				e.log.Error().Err(bad).Uint64("seq", seq).Msg("unreadable inbox entry skipped")
				return nil
			}
			e.inbox.Add(it.lane(), inRef{seq: seq, attempts: new(int)})
			pendingIn++
			return nil
		}); err != nil {
			return err
		}
		return store.EachPendingOutbox(ctx, r, func(seq uint64, it store.OutboxItem, bad error) error {
			if bad != nil {
				e.log.Error().Err(bad).Uint64("seq", seq).Msg("unreadable outbox entry skipped")
				return nil
			}
			e.outbox.Add(&it)
			pendingOut++
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("recover queues: %w", err)
	}
	e.started.Store(true)
	e.log.Info().Int("inbox", pendingIn).Int("outbox", pendingOut).Msg("engine started")
	return nil
}

// Close finishes the messages being processed, gives queued replies a
// grace period to go out, and stops. Whatever is left stays in the store
// for the next start (or the partition's next owner).
//
// The grace ends as soon as nothing is being sent or ready to be and no
// send's outcome is held in memory: a reply parked until later (a
// backoff, a paused number, a send waiting for its status) would not go
// out within it, and waiting for one made every stop take the whole
// grace, as long as the process's stop budget. A held outcome is waited
// for: its lane writes it again after a short backoff, and a stop that
// left it unwritten would have the message sent again.
//
// Once the grace is over no send starts, and the sends already at the
// Graph API have InFlightWait to answer, and settle as usual when they
// do; then they are cut. Waiting for them without a bound let a Graph
// API slow to answer (its client's timeout is 20 s in lifeline serve)
// hold the stop past its budget, and a process manager then killed it,
// which loses more than a bounded stop. A send cut under way may have
// reached WhatsApp: it stays in the store as a send in flight, held for
// its status, and the next owner sends it again only when no status
// proves it (see cutSend); the stop logs how many it cut.
func (e *Engine) Close() {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return
	}
	e.closed = true
	e.mu.Unlock()
	// Acknowledgements under way are written before anything stops.
	e.ingesting.Wait()
	close(e.ingestCh)
	<-e.ingestDone
	e.inbox.Close()
	e.drainOutbox(time.Now().Add(e.cfg.ShutdownGrace))
	e.cancel()
	cut := time.AfterFunc(e.cfg.InFlightWait, e.sends.Cut)
	e.outbox.Close()
	cut.Stop()
	e.sends.Cut()
	e.stopPartitioned()
	if n := e.sends.Cuts(); n > 0 {
		e.log.Warn().Int64("sends_cut", n).Msg("sends cut by the stop with their outcome unknown: kept in flight, sent again by the next owner unless their statuses prove them")
	}
	e.log.Info().Int("inbox", e.inbox.Len()).Int("outbox", e.outbox.Len()).Msg("engine stopped")
}

// CutSends ends the engine's requests to the Graph API under way and
// keeps new ones from leaving, as Close does after InFlightWait: for a
// process whose stop budget for sends runs out before (lifeline serve).
// What it cuts is kept in flight (see Close).
func (e *Engine) CutSends() { e.sends.Cut() }

// drainOutbox waits, until deadline, for the outbox to go quiet
// (sendLanes.WaitQuiet) with no send's outcome held in memory.
func (e *Engine) drainOutbox(deadline time.Time) {
	for e.outbox.WaitQuiet(deadline) && e.holdsOutcome() && time.Now().Before(deadline) {
		// The held outcome's lane is parked until its write is tried
		// again (retryRecord, foldReceipt), a fraction of a second.
		time.Sleep(10 * time.Millisecond)
	}
}

// holdsOutcome reports whether a send's outcome is held in memory.
func (e *Engine) holdsOutcome() bool {
	held := false
	e.heldOutcomes.Range(func(any, any) bool { held = true; return false })
	return held
}

// Bus is the bus the engine publishes its live events on (EventsTopic).
func (e *Engine) Bus() coord.Bus { return e.bus }

// FileUploader gives the media id of a kept file for a sending number.
type FileUploader interface {
	MediaID(ctx context.Context, phoneNumberID, sha256, kind string) (string, error)
}

// Emit publishes a live event of kind for user, as the engine's own
// conversations do: what reaches a conversation outside the engine (an
// SMS joining or opening a handoff) shows in the console the same way.
func (e *Engine) Emit(kind, user string, at time.Time) { e.emit(Event{Kind: kind, User: user, At: at}) }

// PhoneNumberIDs are the business numbers the engine sends from.
func (e *Engine) PhoneNumberIDs() []string { return slices.Clone(e.cfg.PhoneNumberIDs) }

// emit publishes ev on the bus. A live event that cannot be published is
// lost, not retried: the console re-reads the store when it reconnects.
func (e *Engine) emit(ev Event) {
	b, err := json.Marshal(ev)
	if err == nil {
		err = e.bus.Publish(context.Background(), EventsTopic, b)
	}
	if err != nil {
		e.log.Warn().Err(err).Str("kind", ev.Kind).Msg("live event not published")
	}
}

// Depth reports how many inbound events and outbound messages are waiting.
func (e *Engine) Depth() (inbox, outbox int) { return e.inbox.Len(), e.outbox.Len() }

// WaitIdle blocks until the inbox and the outbox are empty; for tests and tools.
func (e *Engine) WaitIdle() {
	e.inbox.WaitIdle()
	e.outbox.WaitIdle()
}

var errClosed = errors.New("engine is shutting down")

// sendersNeeded is how many outbound workers keep every sending number at
// its rate at the Graph API latency measured so far (Little's law, in
// bot/pace); each number's share is bounded by the pacer's ceiling.
func (e *Engine) sendersNeeded() int {
	n := 0
	for _, num := range e.cfg.PhoneNumberIDs {
		n += e.pacer.InFlight(num)
	}
	return n
}
