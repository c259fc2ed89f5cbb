// Package admin serves people: the HTTP server with health checks, the
// WhatsApp webhook, the sandbox chat, and the admin and agent API. It is
// the only package that speaks HTTP: handlers return the domain errors
// they meet, and httpstatus.Of decides the status and body of each.
package admin

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/rs/zerolog"
	"github.com/valyala/fasthttp"

	"lifeline/admin/apierr"
	"lifeline/admin/audit"
	"lifeline/admin/httpstatus"
	"lifeline/admin/kbapi"
	"lifeline/admin/metrics"
	"lifeline/admin/reqbody"
	"lifeline/bot"
	"lifeline/bot/broadcast"
	"lifeline/bot/contacts"
	"lifeline/bot/handoffs"
	"lifeline/bot/whatsapp"
	"lifeline/coord"
	"lifeline/correction"
	"lifeline/incident"
	"lifeline/kb"
	"lifeline/media"
	"lifeline/places"
	"lifeline/sms"
	"lifeline/store"
	"lifeline/templates"
)

// Deps are what the server serves.
type Deps struct {
	DB      *store.DB
	Engine  *bot.Engine
	KB      *kb.KB
	Webhook WebhookConfig
	Sandbox bool // no WhatsApp credentials: the sandbox chat is open without a token
	// SandboxRead, when set, is told who writes in the sandbox chat before
	// the message is handled: their phone has shown them what came before.
	SandboxRead func(user string)
	Metrics     *metrics.Metrics   // served at /metrics when set
	Broadcasts  *broadcast.Service // broadcasts and check-ins; nil leaves the routes out
	// SMS are the SMS provider's settings: its callbacks (/sms/status,
	// /sms/inbound) are verified with them; nil or empty leaves them out.
	SMS *sms.Config
	// Templates is the business account's template list; nil leaves its
	// routes out.
	Templates *templates.Service
	// Places is the service whose index the engine's conversation reads
	// (places.Finder); nil makes one for the routes alone.
	Places *places.Service
	// TrustedProxies are the addresses or CIDR ranges of reverse proxies
	// whose ProxyHeader (default X-Forwarded-For) names the client: the
	// failed-login limit and the audit log then see the client's address
	// rather than the proxy's. Empty: the header is ignored.
	TrustedProxies []string
	ProxyHeader    string
	Logger         zerolog.Logger
	Now            func() time.Time
	// Bus carries the engine's live events to the console's streams; nil
	// uses the engine's (Engine.Bus).
	Bus coord.Bus
	// EventBuffer is how many live events one console stream may fall
	// behind before it loses some; 0 for DefaultEventBuffer.
	EventBuffer int
	// Uploads sends agents' files and broadcast header files to WhatsApp.
	Uploads *media.Uploader
	// SMSSender sends agents' replies to people whose conversation is on
	// SMS; nil refuses those replies.
	SMSSender SMSSender
	// MapTileURL is a map tile URL template with {z}, {x} and {y} that the
	// console's map lays under its points; empty draws the points alone
	// (CheckTileURL validates it).
	MapTileURL string
	// Readiness, when set, adds an instance's place in a cluster to
	// /readyz: it answers 503 while ready is false, with the reasons and
	// detail (members, partitions) in its body.
	Readiness func(ctx context.Context) (ready bool, reasons []string, detail any)
	// Backup, when set, backs up a store that cannot stream its own
	// backup (a cluster): it gathers the backup, answering its error as
	// it is, and returns what streams it (in the format `lifeline
	// restore` reads) and frees what it held.
	Backup func(ctx context.Context) (write func(w io.Writer) error, err error)
}

// SMSSender is the SMS channel: sms.Client, the sandbox, or a fake.
type SMSSender interface {
	Send(ctx context.Context, m sms.Message) (sms.Sent, error)
}

// Server is the HTTP side of Lifeline.
type Server struct {
	readiness   func(ctx context.Context) (bool, []string, any)            // Deps.Readiness
	backupOf    func(ctx context.Context) (func(w io.Writer) error, error) // Deps.Backup
	app         *fiber.App
	db          *store.DB
	engine      *bot.Engine
	desk        *handoffs.Desk // the agent console's operations on handoffs
	kb          *kb.KB
	log         zerolog.Logger
	now         func() time.Time
	sandbox     bool
	sandboxRead func(user string)
	// Failed bearer tokens and failed console logins (passwords, stale
	// session cookies) count apart: a password guesser does not lock out
	// a valid API token used from the same address.
	tokenLimiter *failLimiter
	loginLimiter *failLimiter
	sandboxSeq   atomic.Uint64

	mu        sync.Mutex
	lastTouch map[string]time.Time

	mapTiles string // the console map's tile URL template, or ""

	events *eventHub // live updates for the console

	audit *audit.Log // append-only record of admin and agent actions
	// importer runs contact imports one at a time.
	importer   *contacts.Importer
	broadcasts *broadcast.Service // nil without broadcasts
	incidents  *incident.Service  // incidents, their timelines and reports
	metrics    *metrics.Metrics   // nil: no /metrics
	uploads    *media.Uploader    // nil: agents cannot send files
	places     *places.Service    // the places agents may send as pins
	smsOut     SMSSender          // nil: no replies by SMS

	// testHook, when set by a test, runs at named points inside retried
	// transactions, so that a test can commit a concurrent change exactly
	// there and force the conflict and retry a race would.
	testHook func(point string)
}

func (s *Server) hook(point string) {
	if s.testHook != nil {
		s.testHook(point)
	}
}

// MaxBody is the largest request body accepted anywhere (WhatsApp sends up
// to 3 MB; FAQ and contact imports are the other large bodies).
const MaxBody = 8 << 20

// New builds the server and its routes.
func New(d Deps) *Server {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Bus == nil {
		d.Bus = d.Engine.Bus()
	}
	if d.Metrics == nil {
		// Queue depths and store gauges still work; engine counters need
		// the Metrics handed to the engine as its Observer.
		d.Metrics = metrics.New()
		d.Metrics.Watch(metrics.Sources{DB: d.DB, Engine: d.Engine})
	}
	s := &Server{db: d.DB, engine: d.Engine, kb: d.KB, log: d.Logger.With().Str("comp", "http").Logger(), now: d.Now,
		sandbox: d.Sandbox, sandboxRead: d.SandboxRead, metrics: d.Metrics, tokenLimiter: newFailLimiter(10), loginLimiter: newFailLimiter(10), lastTouch: map[string]time.Time{}, events: newEventHub(d.Bus, d.EventBuffer)}
	s.importer, s.broadcasts, s.uploads, s.smsOut = contacts.NewImporter(d.DB), d.Broadcasts, d.Uploads, d.SMSSender
	s.desk = d.Engine.Handoffs()
	s.readiness, s.backupOf = d.Readiness, d.Backup
	if err := CheckTileURL(d.MapTileURL); err != nil {
		s.log.Error().Err(err).Msg("map tile URL ignored")
	} else {
		s.mapTiles = d.MapTileURL
	}
	cfg := fiber.Config{
		// fasthttp reuses a request's buffers for the next request: without
		// Immutable, a string from c.Params, c.Query or c.Body kept past the
		// handler (an FAQ entry's id held in memory) changes under later
		// requests. Immutable makes every such value a copy.
		Immutable:             true,
		BodyLimit:             MaxBody,
		ErrorHandler:          httpstatus.Handler(s.log),
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
	}
	if len(d.TrustedProxies) > 0 {
		cfg.EnableTrustedProxyCheck, cfg.TrustedProxies = true, d.TrustedProxies
		cfg.ProxyHeader, cfg.EnableIPValidation = d.ProxyHeader, true
		if cfg.ProxyHeader == "" {
			cfg.ProxyHeader = fiber.HeaderXForwardedFor
		}
	}
	s.app = fiber.New(cfg)
	// Uploads of files to send may be as large as WhatsApp's largest
	// file; the limit is raised when the request's header is read, for
	// that one route, so that no other route reads more than MaxBody.
	s.app.Server().HeaderReceived = func(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
		if isMediaUpload(h) {
			return fasthttp.RequestConfig{MaxRequestBodySize: MaxMediaBody}
		}
		return fasthttp.RequestConfig{}
	}
	s.app.Use(requestid.New(requestid.Config{ContextKey: "requestid"}))
	s.app.Use(s.accessLog)
	s.app.Use(s.diskReserve)

	s.app.Get("/healthz", func(c *fiber.Ctx) error { return c.JSON(fiber.Map{"status": "ok"}) })
	s.app.Get("/readyz", s.ready)

	wh := d.Webhook
	if wh.MaxBody == 0 {
		wh.MaxBody = 4 << 20
	}
	s.app.Use("/webhook", s.webhookMetrics)
	s.app.Get("/webhook", s.verifyWebhook(wh))
	s.app.Post("/webhook", s.receiveWebhook(wh))

	sb := s.app.Group("/sandbox", s.sandboxAccess)
	sb.Post("/messages", s.sandboxMessage)
	sb.Get("/conversations/:user", s.transcript)

	adm := s.app.Group("/admin")
	s.registerOps(adm)
	kbapi.Register(adm.Group("/kb", s.require(RoleAdmin)), d.KB)
	adm.Get("/conversations/:user", s.require(RoleAdmin, RoleAgent), func(c *fiber.Ctx) error {
		if err := s.checkRead(c, strings.TrimPrefix(c.Params("user"), "+"), "transcript", nil); err != nil {
			return err
		}
		return s.transcript(c)
	})
	s.registerAgents(adm)
	s.registerHandoffs(adm)
	s.registerContacts(adm)
	s.registerBroadcasts(adm, d.Broadcasts)
	var onClose incident.CloseHook
	if d.KB != nil {
		onClose = kb.OverlayCloser{KB: d.KB}
	}
	s.incidents = incident.NewService(incident.Options{DB: d.DB, Broadcasts: d.Broadcasts, Logger: d.Logger, Now: d.Now, OnClose: onClose})
	s.registerIncidents(adm, s.incidents)
	if d.Broadcasts != nil {
		s.registerCorrections(adm, correction.NewService(correction.Options{DB: d.DB, KB: d.KB, Engine: d.Engine, Broadcasts: d.Broadcasts, Logger: d.Logger, Now: d.Now}), d.Broadcasts)
	}
	if d.Places == nil {
		d.Places = places.NewService(places.Options{DB: d.DB, Logger: d.Logger, Now: d.Now})
		if err := d.Places.Load(context.Background()); err != nil {
			s.log.Error().Err(err).Msg("load places")
		}
	}
	s.places = d.Places
	if d.KB != nil {
		d.KB.SetAttachmentCheck(s.checkFAQAttachment)
	}
	s.registerPlaces(adm, d.Places)
	adm.Get("/map", s.require(RoleAdmin), s.mapSettings)
	s.registerSMS(d.SMS)
	s.registerTemplates(adm, d.Templates)
	s.registerCannedReplies(adm)
	s.registerSearch(adm)
	s.registerPages()
	return s
}

// App is the fiber application, for Listen and for tests.
func (s *Server) App() *fiber.App { return s.app }

// accessLog logs one line per request: route pattern (never the raw path,
// which can hold a phone number), status and latency.
func (s *Server) accessLog(c *fiber.Ctx) error {
	start := time.Now()
	status, err := httpstatus.After(c, c.Next())
	ev := s.log.Debug()
	if status >= 500 {
		ev = s.log.Warn()
	}
	rid, _ := c.Locals("requestid").(string)
	ev.Str("request_id", rid).Str("method", c.Method()).Str("route", c.Route().Path).Int("status", status).
		Dur("latency", time.Since(start)).Msg("request")
	return err
}

// readyWait bounds /readyz: on a cluster without a majority (two of
// three nodes gone) the store's probe finds no stream leader and would
// wait out a JetStream request (12 s), longer than a load balancer's
// health check waits; an instance whose store does not answer within it
// is not ready.
const readyWait = 3 * time.Second

func (s *Server) ready(c *fiber.Ctx) error {
	if s.kb == nil || !s.kb.Ready() {
		return &apierr.NotReady{Reason: "faq index is loading"}
	}
	if err := s.db.Health(); err != nil {
		return &apierr.NotReady{Reason: "store cannot write: " + err.Error()}
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), readyWait)
	defer cancel()
	if err := s.db.Read(ctx, func(r store.Reader) error { return store.Probe(ctx, r) }); err != nil {
		return &apierr.NotReady{Reason: "store unavailable"}
	}
	if err := s.db.CheckDisk(); err != nil {
		return &apierr.NotReady{Reason: "disk space low, new work refused: " + err.Error()}
	}
	in, out := s.engine.Depth()
	body := fiber.Map{"status": "ready", "inbox": in, "outbox": out}
	if s.readiness != nil {
		ok, reasons, detail := s.readiness(ctx)
		body["cluster"] = detail
		if !ok {
			// Every reason, not only the first: an operator sees at once
			// that, say, the member is fine and three partitions are not.
			body["status"], body["reason"], body["reasons"] = "not ready", strings.Join(reasons, "; "), reasons
			c.Set(fiber.HeaderRetryAfter, "5")
			return c.Status(fiber.StatusServiceUnavailable).JSON(body)
		}
	}
	return c.JSON(body)
}

// diskReserve refuses new work, every request that writes, with 503 while
// the disk holding the store is below its reserve; reads go on. Signing in
// and out stay open so that people can look at what is happening.
func (s *Server) diskReserve(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	switch c.Path() {
	case "/admin/login", "/admin/logout":
		return c.Next()
	case "/webhook":
		// The engine refuses it itself (Ingest), after the webhook
		// metrics have seen the request.
		return c.Next()
	}
	if err := s.db.CheckDisk(); err != nil {
		return err
	}
	return c.Next()
}

// sandboxAccess opens the sandbox chat to everyone in sandbox mode, and
// to admins otherwise.
func (s *Server) sandboxAccess(c *fiber.Ctx) error {
	if s.sandbox {
		return c.Next()
	}
	return s.require(RoleAdmin)(c)
}

type sandboxRequest struct {
	From     string `json:"from"`
	Name     string `json:"name"`
	Text     string `json:"text"`
	Button   string `json:"button"` // id of a reply button or list row
	Location *struct {
		Latitude  float64 `json:"latitude"`
		Longitude float64 `json:"longitude"`
		Name      string  `json:"name"`
	} `json:"location"`
	Type string `json:"type"` // optional: e.g. "audio" or "sticker" to try what the bot cannot read
}

// sandboxMessage feeds one message through the real engine and returns the replies.
func (s *Server) sandboxMessage(c *fiber.Ctx) error {
	var req sandboxRequest
	if err := reqbody.Decode(c, &req, `{"from": "15550001234", "text": "hello"}`); err != nil {
		return err
	}
	from := strings.TrimPrefix(strings.TrimSpace(req.From), "+")
	if from == "" || strings.Trim(from, "0123456789") != "" || len(from) > 20 {
		return reqbody.Invalidf(`"from" must be a WhatsApp id: the digits of a phone number with country code`)
	}
	msg := whatsapp.Message{
		ID:        fmt.Sprintf("wamid.sandbox.in.%d.%d", s.now().UnixNano(), s.sandboxSeq.Add(1)),
		From:      from,
		Name:      req.Name,
		Timestamp: s.now(),
	}
	switch {
	case req.Button != "":
		msg.Type, msg.InteractiveType, msg.ReplyID, msg.ReplyTitle = "interactive", "button_reply", req.Button, req.Text
	case req.Location != nil:
		msg.Type = "location"
		msg.Location = &whatsapp.Location{Latitude: req.Location.Latitude, Longitude: req.Location.Longitude, Name: req.Location.Name}
	case req.Type != "" && req.Type != "text":
		msg.Type = req.Type
		msg.Media = &whatsapp.Media{Kind: req.Type, Voice: req.Type == "audio"}
	case strings.TrimSpace(req.Text) == "":
		return reqbody.Invalidf(`give "text", "button", "location" or "type"`)
	default:
		msg.Type, msg.Text = "text", req.Text
	}
	if s.sandboxRead != nil {
		s.sandboxRead(from)
	}
	replies, err := s.engine.Submit(msg, 30*time.Second)
	if err != nil {
		return fmt.Errorf("sandbox message: %w", err)
	}
	if replies == nil {
		replies = []whatsapp.Outbound{}
	}
	return c.JSON(fiber.Map{"message_id": msg.ID, "replies": replies})
}

// transcript returns a user's conversation, newest last.
func (s *Server) transcript(c *fiber.Ctx) error {
	user := strings.TrimPrefix(c.Params("user"), "+")
	limit, _ := strconv.Atoi(c.Query("limit", "200"))
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	var entries []store.Entry
	err := s.db.Read(c.UserContext(), func(r store.Reader) error {
		var err error
		entries, err = s.engine.Transcript(r, user, limit)
		return err
	})
	if err != nil {
		return err
	}
	out, err := s.shownEntries(c.UserContext(), entries)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"user": user, "messages": out})
}
