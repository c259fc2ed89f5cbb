// Command lifeline runs the Lifeline crisis responder and its tools.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/rs/zerolog"

	"lifeline/admin"
	"lifeline/admin/metrics"
	"lifeline/bot"
	"lifeline/bot/broadcast"
	"lifeline/bot/contacts"
	"lifeline/bot/pace"
	"lifeline/bot/whatsapp"
	"lifeline/cluster"
	"lifeline/coord"
	"lifeline/incident"
	"lifeline/kb"
	"lifeline/media"
	"lifeline/places"
	"lifeline/privacy"
	"lifeline/sms"
	"lifeline/store"
	"lifeline/templates"
)

const usage = `lifeline: a WhatsApp-first crisis responder

Usage:
  lifeline serve [flags]        run the server (configuration from the environment; see README)
  lifeline broadcast start|status|pause|resume|cancel|approve|reject|preview|recipients ...   broadcasts and check-ins (see README)
  lifeline incident list|open|show|close|timeline|report ...   incidents and drills (see README)
  lifeline contacts import FILE.csv   import contacts into a running server
  lifeline kb import|search|export|eval ...   manage and measure the FAQ knowledge base
  lifeline eval understand [--data DIR]       measure message understanding on labelled messages
  lifeline bench webhook|e2e|memory|broadcast|sendrate|cluster   measure speed and memory on loopback (see BENCHMARKS.md)
  lifeline backup --out FILE [--server URL] [--token T]   back up a running server (badger's online backup)
  lifeline restore FILE [--data DIR]                     restore a backup into an empty data directory
  lifeline verify [--data DIR | FILE.backup]             check a stopped server's data directory or a backup
  lifeline cluster run|ensure|status|remove-peer         the NATS JetStream cluster of several machines (see README)
  lifeline migrate --from badger DIR --to nats [--force]  copy a stopped single-node store into the cluster
  lifeline help                 show this text
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		if err := serve(args[1:], stdout, stderr); err != nil {
			fmt.Fprintf(stderr, "lifeline serve: %v\n", err)
			return 1
		}
		return 0
	case "kb":
		return runKB(args[1:], stdout, stderr)
	case "eval":
		return runEval(args[1:], stdout, stderr)
	case "broadcast":
		return runBroadcast(args[1:], stdout, stderr)
	case "incident":
		return runIncident(args[1:], stdout, stderr)
	case "contacts":
		return runContacts(args[1:], stdout, stderr)
	case "bench":
		return runBench(args[1:], stdout, stderr)
	case "backup":
		return runBackup(args[1:], os.Getenv, stdout, stderr)
	case "restore":
		return runRestore(args[1:], os.Getenv, stdout, stderr)
	case "verify":
		return runVerify(args[1:], os.Getenv, stdout, stderr)
	case "cluster":
		return runCluster(context.Background(), args[1:], os.LookupEnv, stdout, stderr)
	case "migrate":
		return runMigrate(args[1:], os.LookupEnv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "lifeline: unknown command %q\n\n%s", args[0], usage)
	return 2
}

func newLogger(w io.Writer, level string) zerolog.Logger {
	lvl, err := zerolog.ParseLevel(level)
	if err != nil {
		lvl = zerolog.InfoLevel
	}
	return zerolog.New(w).Level(lvl).With().Timestamp().Logger()
}

// serve runs the server until SIGINT or SIGTERM.
func serve(args []string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig(args, os.LookupEnv)
	if err != nil {
		return fmt.Errorf("invalid configuration: %w", err)
	}
	log := newLogger(stderr, cfg.LogLevel)
	stopPprof, err := startPprof(log)
	if err != nil {
		return err
	}
	defer stopPprof()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Until the store is open and the FAQ indexed, probes get 503s
	// instead of a refused connection.
	stopStarting := serveStarting(cfg.Addr, log)
	srv, err := start(cfg, log, stdout)
	stopStarting()
	if err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.listen() }()
	select {
	case <-ctx.Done():
		log.Info().Msg("shutting down")
	case err := <-errc:
		if err != nil {
			srv.close()
			return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
		}
	}
	return closeWithin(srv.close, stopBudget, log)
}

// The budget of a graceful stop, shared out between its steps in the
// order they run (instance.close), so that each ends within the whole.
//
// stopBudget bounds the stop. On a cluster that just lost a member, each
// write on the way out may wait out a JetStream request while stream
// leaders are elected, and a stop once took over 30 s. Nothing
// acknowledged depends on the stop finishing: an inbound message is
// acknowledged once the store has it, and replies, broadcast marks and
// results are records too, so a stop cut short is a crash, which the next
// start (or another instance taking the partitions) recovers from. 10 s
// is also what `docker stop` waits before its SIGKILL.
//
// The steps: requestGrace for requests under way (a webhook waiting for
// its store write); replyGrace for queued replies to go out (the engine's
// ShutdownGrace); cluster.HandoffWait for the partitions' and numbers'
// releases (on nats; part of the store's close); closeReserve for the
// rest (the broadcasts' runs recording their sends, the FAQ, the store's
// and the embedded node's close). The reply grace is what is left: it was
// the engine's default, 10 s, the whole budget, and a stop with replies
// still going out (a backlog at the number's rate) used all of it before
// the hand-over began, was cut short and exited with an error, its
// partitions left to their leases' expiry. Replies not sent within it
// stay in the store, for the partition's next owner (at once, on a
// cluster) or the next start.
//
// sendGrace is how long into the stop a send already at the Graph API
// may take to answer; the sends still waiting then are cut (bot.Engine
// and broadcast.Service CutSends, whatever step the stop is in; the
// engine's own InFlightWait, after its grace, ends there too when the
// steps before it were quick). It is where the reply grace ends when
// requests take their whole grace, for three reasons:
//   - a send that answers within it settles as usual, recorded once and
//     never repeated; a healthy Graph API answers far sooner, so a cut
//     is rare and means the API is slow;
//   - what follows cannot wait for the sends: the hand-over
//     (cluster.HandoffWait) must begin by then to end within the budget,
//     and closeReserve pays for recording the cut sends (a store write
//     each, a JetStream request on a cluster) with the rest of the close;
//     a send left to its client's timeout (graphTimeout, 20 s) held the
//     stop past the budget, until a process manager's SIGKILL ended it
//     with every outcome not yet written lost;
//   - a cut costs at most one duplicate message per cut send, and only
//     when no status webhook proves the first went out within the
//     grace (bot's cutSend; broadcasts count it in possible_duplicates),
//     the same bound the design gives the sends in flight of a process
//     that dies.
const (
	stopBudget   = 10 * time.Second
	requestGrace = 3 * time.Second
	closeReserve = 2 * time.Second
	replyGrace   = stopBudget - requestGrace - cluster.HandoffWait - closeReserve
	sendGrace    = requestGrace + replyGrace
)

// graphTimeout bounds one request to the Graph API (the client's
// timeout; a stop cuts a send still under way at sendGrace).
// sendWorkWait is how long a partition given up on a change of the
// members waits for its sends under way (cluster.PartitionOptions.
// WorkWait): the longest a send may take, and the write of its outcome
// (a JetStream request, up to a few seconds through a leader election).
const (
	graphTimeout = 20 * time.Second
	sendWorkWait = graphTimeout + 5*time.Second
)

// closeWithin runs close and waits for it at most budget; past it, it
// returns an error without waiting longer, and the process exits with
// whatever close had not done yet left to recovery.
func closeWithin(close func() error, budget time.Duration, log zerolog.Logger) error {
	done := make(chan error, 1)
	go func() { done <- close() }()
	t := time.NewTimer(budget)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		log.Error().Dur("budget", budget).Msg("graceful stop cut short; what was under way is taken up after a restart, as after a crash")
		return fmt.Errorf("graceful stop not done within %s: stopped without finishing it (acknowledged messages are in the store)", budget)
	}
}

// instance is one running server with everything it opened.
type instance struct {
	cfg    Config
	log    zerolog.Logger
	db     *store.DB
	node   *cluster.Node // LIFELINE_BACKEND=nats: the embedded node or the connection; closed with db
	engine *bot.Engine
	http   *admin.Server
	sweep  context.CancelFunc // stops the retention sweeper and the media downloader
	media  <-chan struct{}    // closed once the media downloader stopped
	// swept is closed once the retention sweeper stopped: a sweep under
	// way reads the store, which must not close beneath it.
	swept <-chan struct{}

	broadcasts *broadcast.Service
	phones     *bot.SandboxSender // nil unless in sandbox mode
	pacer      *pace.Numbers      // shared by replies and broadcasts; its latency estimate is reported by bench
	faq        *kb.KB
	bus        closingBus
	places     *places.Service
	templates  *templates.Service
	cluster    *natsCluster // LIFELINE_BACKEND=nats: partitions, bus and leases shared with the other instances; nil on badger
}

// start opens the store and the FAQ, starts the engine and builds the HTTP server.
func start(cfg Config, log zerolog.Logger, stdout io.Writer) (*instance, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	if err := checkNotHalfRestored(cfg.DataDir); err != nil {
		return nil, err
	}
	if err := checkWritable(cfg.DataDir); err != nil {
		return nil, err
	}
	var db *store.DB
	var node *cluster.Node
	var nc *natsCluster // LIFELINE_BACKEND=nats: what is shared with the other instances
	var err error
	if cfg.Backend == backendNATS {
		if db, nc, err = openNATSStore(cfg, log); err == nil {
			node = nc.node
		}
	} else if err = checkNotClusterBackup(cfg.DataDir); err == nil {
		db, err = store.Open(store.Options{Dir: filepath.Join(cfg.DataDir, "store"), Logger: log, EncryptionKey: cfg.EncryptionKey,
			MediaDir: filepath.Join(cfg.DataDir, "media"), DiskReserve: cfg.DiskReserve, FreeSpace: cfg.freeSpace})
		if err != nil {
			err = explainOpen(err, cfg)
		}
	}
	if err != nil {
		return nil, err
	}
	// The coordination seams: one bus for live events and FAQ versions,
	// leases for broadcast dispatch; the cluster's on nats.
	bus, leases, parts := coordSeams(nc)
	faq, err := kb.OpenWith(db, log, kb.Options{ThesaurusDir: cfg.ThesaurusDir, Bus: bus})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("load faq: %w", err)
	}
	// A contact import cut short by a crash applies all its rows or none.
	switch rec, err := contacts.Recover(db); {
	case err != nil:
		faq.Close()
		db.Close()
		return nil, fmt.Errorf("recover the interrupted contact import: %w", err)
	case rec.RolledBack:
		log.Warn().Str("import", rec.ID).Int("rows", rec.Rows).Msg("contact import interrupted before its commit: rolled back, nothing of it applied; send the file again")
	case rec.Completed:
		log.Warn().Str("import", rec.ID).Int("rows", rec.Rows).Msg("contact import interrupted after its commit: completed")
	}

	var (
		sender  bot.Sender
		phones  *bot.SandboxSender
		readsBy func(string)
		graph   *whatsapp.Client
		fetcher *media.Fetcher  // downloads what people send; none in the sandbox
		uploads *media.Uploader // agents' files and broadcast headers; made-up ids in the sandbox
	)
	if cfg.Sandbox() {
		phones = &bot.SandboxSender{Log: log}
		sender, readsBy = phones, phones.ReadBy
		uploads = &media.Uploader{DB: db, API: &media.SandboxAPI{Log: log.With().Str("comp", "media").Logger()}}
		log.Warn().Msg("no WhatsApp credentials: sandbox mode; replies are stored and shown, not sent; chat at POST /sandbox/messages")
	} else {
		graph = whatsapp.NewClient(whatsapp.ClientConfig{
			BaseURL: cfg.APIURL, Version: cfg.APIVersion, AccessToken: cfg.AccessToken,
			// As many idle connections as sends may be in flight: over
			// HTTP/1.1 each send in flight holds one, and fewer would close
			// and reopen connections at every swing of the count.
			HTTP:    &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: max(256, cfg.MaxInFlight*len(cfg.PhoneNumberIDs)), IdleConnTimeout: 90 * time.Second}},
			Timeout: graphTimeout,
		})
		sender = graph
		fetcher = &media.Fetcher{DB: db, Graph: graph, Log: log, Workers: cfg.Media.Workers, MaxDelay: cfg.Media.MaxDelay}
		uploads = &media.Uploader{DB: db, API: graph}
	}
	ecfg := bot.Config{
		PhoneNumberIDs: cfg.PhoneNumberIDs, Workers: cfg.Workers, SendWorkers: cfg.SendWorkers,
		RatePerNumber: cfg.RatePerNumber, Expiry: cfg.Expiry, Emergency: cfg.Emergency,
		TemplateWait: cfg.TemplateWait, UnknownGrace: cfg.UnknownGrace, AlertTopics: cfg.AlertTopic,
		ShutdownGrace: replyGrace, InFlightWait: sendGrace - replyGrace,
	}
	if cfg.ReengageTemplate != "" {
		name, lang, _ := strings.Cut(cfg.ReengageTemplate, ":")
		ecfg.ReengageTemplate = &whatsapp.Template{Name: name, Language: lang}
	}
	m := metrics.New()
	// Replies and broadcasts share each number's throughput budget.
	// Both also size their sends in flight from the latency the pacer
	// measures (each send attempt is observed through it).
	pacer := pace.New(cfg.RatePerNumber)
	pacer.SetCeiling(cfg.MaxInFlight)
	// Places: the engine's conversation and the admin routes share one
	// index, so that a shelter closed by an admin is never offered again.
	placeSvc := places.NewService(places.Options{DB: db, Logger: log, Bus: bus, RadiusKm: cfg.PlacesRadiusKm})
	if err := placeSvc.Start(context.Background()); err != nil {
		faq.Close()
		db.Close()
		return nil, err
	}
	eopts := bot.Options{DB: db, Sender: sender, KB: m.Answerer(faq), Learner: faq, Logger: log, Observer: m, Pacer: pacer, Bus: bus,
		Places: places.Finder{S: placeSvc}, Partitions: parts}
	eopts.Files = uploads // FAQ answers' attachments
	if fetcher != nil {
		eopts.Media = fetcher
	}
	engine := bot.New(ecfg, eopts)
	// One send step for both: an outage of a number is alerted once,
	// whether replies or broadcasts meet it.
	var smsSender broadcast.SMSSender
	switch {
	case cfg.SMS.Enabled():
		c, err := sms.New(cfg.SMS, sms.Options{Logger: log})
		if err != nil {
			faq.Close()
			db.Close()
			return nil, err
		}
		smsSender = c
		log.Info().Int("senders", len(c.Senders())).Float64("rate_per_sender", c.Config().Rate).Msg("SMS fallback on")
	case cfg.Sandbox():
		smsSender = &sms.Sandbox{Log: log.With().Str("comp", "sms").Logger()}
		log.Warn().Msg("no SMS settings: sandbox SMS; broadcasts' SMS fallback is logged, not sent")
	}
	tpls := templates.New(templates.Options{DB: db, Source: templateSource(cfg, graph), Logger: log})
	tpls.Start()
	// On a cluster the broadcasts' changes travel on the bus, so that
	// every instance knows every open broadcast; one process makes every
	// change itself.
	var bcBus coord.Bus
	if nc != nil {
		bcBus = bus
	}
	broadcasts := broadcast.New(broadcastConfig(cfg), broadcast.Options{DB: db, Sender: sender, Logger: log, Pacer: pacer, Observer: m,
		Outgoing: engine.Outgoing(), Leases: leases, Holder: cfg.InstanceID, Bus: bcBus, Incidents: incident.Gate{}, SMS: smsSender,
		Escalate: engine.Handoffs().Request, Templates: tpls, Now: cfg.broadcastNow})
	engine.Intercept(broadcasts)
	engine.ObserveStatuses(broadcasts)
	engine.ObserveStatuses(tpls) // a template status webhook refreshes the list
	engine.AddTranscriptSource(broadcasts)
	engine.NotifyEmergencies(broadcasts)
	if phones != nil {
		phones.Report = engine.Ingest
	}
	if err := engine.Start(); err != nil {
		faq.Close()
		db.Close()
		return nil, err
	}
	if nc != nil {
		// Before the broadcasts resume: the members are read and each
		// number's rate shared out before anything is sent.
		if err := nc.serve(engine, pacer); err != nil {
			engine.Close()
			faq.Close()
			db.Close()
			return nil, err
		}
	}
	if err := broadcasts.Start(); err != nil {
		engine.Close()
		faq.Close()
		db.Close()
		return nil, err
	}

	generated, err := admin.BootstrapToken(context.Background(), db, cfg.AdminToken, time.Now())
	if errors.Is(err, admin.ErrBootstrapRevoked) {
		// People in a crisis still reach the bot; the revoked token does
		// not come back, and the operator is told why it fails.
		log.Warn().Msg(err.Error())
		err = nil
	}
	if err != nil {
		engine.Close()
		faq.Close()
		db.Close()
		return nil, err
	}
	if generated != "" {
		// Printed once, on the first start, to the terminal rather than the log.
		fmt.Fprintf(stdout, "\nAdmin API token (shown only this once; store it safely):\n\n    %s\n\n", generated)
	}

	m.Watch(metrics.Sources{DB: db, Engine: engine})
	m.WatchBroadcasts(broadcasts)
	var readiness func(context.Context) (bool, []string, any)
	var backup func(context.Context) (func(io.Writer) error, error)
	if nc != nil {
		m.Registry().MustRegister(newClusterCollector(nc, engine))
		readiness = nc.readiness
		backup = func(ctx context.Context) (func(io.Writer) error, error) {
			return nc.backup(ctx, cfg.DataDir, cfg.EncryptionKey)
		}
	}
	sweepCtx, sweepStop := context.WithCancel(context.Background())
	sweeper := &privacy.Sweeper{DB: db, Retention: cfg.Retention, Log: log,
		CheckIns: func(before time.Time) (int, error) { return broadcast.SweepAnswers(db, before) },
		Queries:  faq.ExpireQueries}
	sweptDone := make(chan struct{})
	go func() { defer close(sweptDone); sweeper.Run(sweepCtx) }()
	mediaDone := make(chan struct{})
	if fetcher != nil {
		fetcher.Settled = engine.MediaSettled
		fetcher.Busy = engine.Backlogged // downloads give way to the acknowledgements
		go func() { defer close(mediaDone); fetcher.Run(sweepCtx) }()
	} else {
		close(mediaDone)
	}

	srv := admin.New(admin.Deps{
		DB: db, Engine: engine, KB: faq, Sandbox: cfg.Sandbox(), SandboxRead: readsBy, Logger: log, Metrics: m, Broadcasts: broadcasts, Places: placeSvc, Templates: tpls,
		TrustedProxies: cfg.TrustedProxies, ProxyHeader: cfg.ProxyHeader, Bus: bus, EventBuffer: cfg.EventBuffer, Uploads: uploads, SMSSender: smsSender,
		Webhook: admin.WebhookConfig{Enabled: !cfg.Sandbox(), VerifyToken: cfg.VerifyToken, AppSecret: cfg.AppSecret},
		SMS:     &cfg.SMS, MapTileURL: cfg.MapTileURL, Readiness: readiness, Backup: backup,
	})
	ready := log.Info().Str("addr", cfg.Addr).Bool("sandbox", cfg.Sandbox()).Strs("phone_number_ids", cfg.PhoneNumberIDs).
		Str("console", pageURL(cfg.Addr, "/console/"))
	if cfg.Sandbox() {
		ready = ready.Str("simulator", pageURL(cfg.Addr, "/simulator/"))
	}
	ready.Msg("lifeline ready")
	return &instance{cfg: cfg, log: log, db: db, node: node, cluster: nc, engine: engine, http: srv, sweep: sweepStop, broadcasts: broadcasts, phones: phones,
		pacer: pacer, faq: faq, bus: bus, places: placeSvc, templates: tpls, media: mediaDone, swept: sweptDone}, nil
}

// templateSource is where the template list comes from: the business
// account through the management API, else the templates file, else in
// sandbox mode the built-in list; nil (broadcasts unchecked, with a
// warning) for the real API without either.
func templateSource(cfg Config, graph *whatsapp.Client) templates.Source {
	switch {
	case graph != nil && cfg.WABAID != "":
		return templates.Graph{Client: graph, WABA: cfg.WABAID}
	case cfg.TemplatesFile != "":
		return templates.File{Path: cfg.TemplatesFile}
	case cfg.Sandbox():
		return templates.File{Data: templates.SandboxJSON}
	}
	return nil
}

// pageURL is where a browser on this machine finds a page of the server
// listening on addr: a wildcard host is reached as localhost.
func pageURL(addr, page string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr + page
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + page
}

func (in *instance) listen() error {
	err := in.http.App().Listen(in.cfg.Addr)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// close stops taking requests, finishes in-flight work and closes the store cleanly.
func (in *instance) close() error {
	steps := newStopSteps()
	// Whatever step the stop is in, the sends still at the Graph API
	// are cut when its time for sends is over (see sendGrace).
	cutSends := time.AfterFunc(sendGrace, func() {
		in.broadcasts.CutSends()
		in.engine.CutSends()
	})
	defer cutSends.Stop()
	if in.cluster != nil {
		in.cluster.stopTaking()
	}
	// Requests under way (a webhook waiting for its store write) have
	// their share of stopBudget.
	if err := in.http.Shutdown(requestGrace); err != nil {
		in.log.Warn().Err(err).Msg("http shutdown")
	}
	steps.lap("http")
	in.sweep()
	if in.media != nil {
		<-in.media
	}
	if in.swept != nil {
		<-in.swept
	}
	steps.lap("sweep")
	in.broadcasts.Close()
	steps.lap("broadcasts")
	in.templates.Close()
	if in.phones != nil {
		in.phones.Wait()
	}
	in.engine.Close()
	steps.lap("engine")
	in.faq.Close()
	in.places.Close()
	in.bus.Close()
	steps.lap("faq")
	if err := in.db.Close(); err != nil {
		return err
	}
	steps.lap("store")
	ev := in.log.Info()
	if steps.total() > stopBudget/2 {
		// Said at warn, so that a log kept at that level shows what a
		// slow stop waited on.
		ev = in.log.Warn()
	}
	ev.Dict("took", steps.dict()).Msg("stopped")
	return nil
}

// stopSteps times the steps of a stop, so that the log of a slow one
// says which step it waited on.
type stopSteps struct {
	last  time.Time
	names []string
	took  []time.Duration
}

func newStopSteps() *stopSteps { return &stopSteps{last: time.Now()} }

func (s *stopSteps) total() time.Duration {
	var d time.Duration
	for _, t := range s.took {
		d += t
	}
	return d
}

// lap ends the step name.
func (s *stopSteps) lap(name string) {
	now := time.Now()
	s.names = append(s.names, name)
	s.took = append(s.took, now.Sub(s.last))
	s.last = now
}

func (s *stopSteps) dict() *zerolog.Event {
	d := zerolog.Dict()
	for i, n := range s.names {
		d = d.Dur(n, s.took[i])
	}
	return d
}
