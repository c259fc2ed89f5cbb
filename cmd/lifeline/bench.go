package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/rs/zerolog"
	"github.com/valyala/fasthttp"

	"lifeline/bot/contacts"
	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest/latency"
)

const benchUsage = `Usage:
  lifeline bench webhook [--duration 10s] [--concurrency 64] [--text 1000]
      acknowledged webhook POSTs per second and latency, beside a bare handler that only returns 200
  lifeline bench e2e [--rate 1000] [--duration 10s] [--numbers 8]
      webhook in to Graph API request out, against a fake Graph API on loopback, at a fixed rate
  lifeline bench e2e --rate 0 [--concurrency 256]
      the same, as fast as it goes
  lifeline bench memory [--users 20000]
      heap per stored conversation
  lifeline bench broadcast [--rate 200] [--duration 10s] [--numbers 1]
      inbound webhook latency and time to first reply at a fixed rate, idle and while a broadcast
      sends from the same numbers at 1000 mps each
  lifeline bench sendrate [--numbers 1] [--duration 60s]
      a broadcast alone: messages per second it holds from 1000-mps numbers, with default settings
  lifeline bench cluster [--backend nats] [--instances 3] [--rate 300] [--cpus 0] [--sweep cost|capacity|all]
      CPU per processed message and capacity of several instances (child processes), see
      "lifeline bench cluster --help"
Every subcommand takes --latency: the fake Graph API's answer time, "realistic" (the default:
log-normal, median 150 ms, p99 600 ms, seeded), "none", or a median and a p99 ("100ms,400ms").
Everything runs on 127.0.0.1 with a throw-away data directory. The sending numbers are on
WhatsApp's top tier (WA_RATE_PER_NUMBER=1000); every other setting is the default.
`

func runBench(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, benchUsage)
		return 2
	}
	if args[0] == "cluster" {
		return runBenchCluster(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	duration := fs.Duration("duration", 10*time.Second, "how long to send")
	concurrency := fs.Int("concurrency", 64, "parallel client connections")
	rate := fs.Int("rate", 1000, "messages per second (0: as fast as possible)")
	numbers := fs.Int("numbers", 0, "sending phone numbers the load is spread over (default 8 for e2e, 1 for broadcast and sendrate)")
	lat := fs.String("latency", "realistic", "the fake Graph API's latency: realistic, none, or MEDIAN,P99 such as 150ms,600ms")
	users := fs.Int("users", 20000, "conversations to store")
	textLen := fs.Int("text", 1000, "characters of the message text in webhook payloads")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if p := os.Getenv("LIFELINE_BENCH_BLOCKPROFILE"); p != "" {
		runtime.SetBlockProfileRate(10000)
		defer func() {
			f, _ := os.Create(p)
			pprof.Lookup("block").WriteTo(f, 0)
			f.Close()
		}()
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "lifeline bench: %v\n", err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(stderr, "lifeline bench: %v\n", err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}
	model, err := latency.Parse(*lat)
	if err != nil {
		fmt.Fprintf(stderr, "lifeline bench: --latency: %v\n", err)
		return 2
	}
	benchLatency = model
	nums := func(def int) int {
		if *numbers > 0 {
			return *numbers
		}
		return def
	}
	fmt.Fprintf(stdout, "fake Graph API latency: %s\n", model)
	switch args[0] {
	case "webhook":
		err = benchWebhook(stdout, *duration, *concurrency, *textLen)
	case "e2e":
		err = benchE2E(stdout, *duration, *rate, *concurrency, nums(8))
	case "memory":
		err = benchMemory(stdout, *users)
	case "broadcast":
		err = benchBroadcast(stdout, *duration, *rate, nums(1))
	case "sendrate":
		if !durationSet(fs) {
			*duration = 60 * time.Second
		}
		err = benchSendRate(stdout, *duration, nums(1))
	default:
		fmt.Fprint(stderr, benchUsage)
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "lifeline bench: %v\n", err)
		return 1
	}
	return 0
}

const benchSecret = "bench-app-secret"

// benchLatency is the fake Graph API's latency for this run (--latency).
var benchLatency = latency.Realistic()

func durationSet(fs *flag.FlagSet) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == "duration" })
	return set
}

// cpuTime is the CPU this process has used (user and system): server,
// load generator and fake Graph API together.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchServer is a full Lifeline instance on loopback with a fake Graph API.
type benchServer struct {
	url   string
	inst  *instance
	graph *fakeGraph
	dir   string
}

// startBenchServer starts an instance with numbers sending numbers. When
// seed > 0 it first imports that many opted-in contacts (+<prefix>
// and seven digits) and restarts, as a server would run with contacts
// imported the day before: the restart writes the import's memtables to
// disk and Flatten compacts them, so neither lands in a measurement.
func startBenchServer(numbers, seed int, prefix string) (*benchServer, error) {
	dir, err := os.MkdirTemp("", "lifeline-bench-")
	if err != nil {
		return nil, err
	}
	graph, err := startFakeGraph(benchLatency)
	if err != nil {
		return nil, err
	}
	cfg := defaultConfig()
	cfg.DataDir = dir
	cfg.AccessToken, cfg.AppSecret, cfg.VerifyToken = "bench-token", benchSecret, "bench-verify"
	cfg.APIURL = graph.url
	cfg.RatePerNumber = 1000 // the top tier; everything else is the default
	// but approval: the benchmark's broadcasts reach more people than the
	// audience above which a second admin must approve, and nobody would.
	cfg.Broadcast.ApprovalAbove = 0
	if w, err := strconv.Atoi(os.Getenv("LIFELINE_SEND_WORKERS")); err == nil {
		cfg.SendWorkers = w
	}
	if w, err := strconv.Atoi(os.Getenv("LIFELINE_MAX_IN_FLIGHT")); err == nil {
		cfg.MaxInFlight = w
	}
	if w, err := strconv.Atoi(os.Getenv("LIFELINE_WORKERS")); err == nil {
		cfg.Workers = w
	}
	if c, err := strconv.Atoi(os.Getenv("LIFELINE_BROADCAST_CONCURRENCY")); err == nil {
		cfg.Broadcast.Concurrency = c
	}
	for i := 0; i < numbers; i++ {
		cfg.PhoneNumberIDs = append(cfg.PhoneNumberIDs, strconv.Itoa(100000+i))
	}
	cfg.AdminToken = "bench-admin-token-0123456789"
	log := zerolog.Nop()
	if lvl := os.Getenv("LIFELINE_LOG_LEVEL"); lvl != "" {
		log = newLogger(os.Stderr, lvl) // to look into a run
	}
	inst, err := start(cfg, log, io.Discard)
	if err != nil {
		return nil, err
	}
	if seed > 0 {
		err := seedContacts(inst, seed, prefix)
		inst.close()
		if err != nil {
			return nil, err
		}
		if inst, err = start(cfg, log, io.Discard); err != nil {
			return nil, fmt.Errorf("restart after the import: %w", err)
		}
		if err := inst.db.Flatten(); err != nil {
			return nil, err
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	go inst.http.App().Listener(ln)
	return &benchServer{url: "http://" + ln.Addr().String(), inst: inst, graph: graph, dir: dir}, nil
}

// seedContacts imports n opted-in English contacts tagged customers.
func seedContacts(inst *instance, n int, prefix string) error {
	for start := 0; start < n; start += contacts.MaxRows {
		var csv strings.Builder
		csv.WriteString("phone,name,language,tags,opted_in\n")
		for i := start; i < min(n, start+contacts.MaxRows); i++ {
			fmt.Fprintf(&csv, "+%s%07d,Person %d,en,customers,yes\n", prefix, i, i)
		}
		if _, err := contacts.Import(inst.db, strings.NewReader(csv.String()), "bench", time.Now()); err != nil {
			return fmt.Errorf("import contacts: %w", err)
		}
	}
	return nil
}

func (b *benchServer) close() {
	b.inst.close()
	// Bounded: a keep-alive connection of the client that is still open
	// would otherwise hold the fake until it times out.
	b.graph.app.ShutdownWithTimeout(2 * time.Second)
	os.RemoveAll(b.dir)
}

// fakeGraph answers every send with the Cloud API's success shape, after
// the latency of its model, and notes when each recipient's request
// arrived.
type fakeGraph struct {
	app      *fiber.App
	url      string
	n        atomic.Uint64
	receipts atomic.Uint64 // mark-as-read requests
	seen     func(to string, at time.Time)
	// sent, when set, hears of every message sent (not read receipts):
	// the recipient, the wamid answered, the sending number and the
	// send's biz_opaque_callback_data ("" if none), which WhatsApp echoes
	// in the message's status webhooks.
	sent    func(to, wamid, phone, callback string)
	latency *latency.Sampler
}

// jsonString is the value of the first string field named key in the
// JSON body b, "" if there is none; enough for the sends Lifeline writes,
// whose callback data holds no quote.
func jsonString(b []byte, key string) string {
	i := bytes.Index(b, []byte(`"`+key+`":"`))
	if i < 0 {
		return ""
	}
	rest := b[i+len(key)+4:]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return ""
	}
	return string(rest[:j])
}

func startFakeGraph(m latency.Model) (*fakeGraph, error) {
	g := &fakeGraph{app: fiber.New(fiber.Config{DisableStartupMessage: true, Concurrency: 1 << 20}), latency: m.Sampler()}
	g.app.Post("/:version/:phone/messages", func(c *fiber.Ctx) error {
		n := g.n.Add(1)
		body := c.Body()
		// The request is noted when it arrives; the answer waits (each
		// request has its own goroutine, so waiting costs no other).
		defer time.Sleep(g.latency.Next())
		if bytes.Contains(body, []byte(`"status":"read"`)) {
			g.receipts.Add(1)
			return c.SendString(`{"success":true}`)
		}
		wamid := "wamid.BENCH" + strconv.FormatUint(n, 10)
		if g.seen != nil || g.sent != nil {
			if i := bytes.Index(body, []byte(`"to":"`)); i >= 0 {
				rest := body[i+6:]
				if j := bytes.IndexByte(rest, '"'); j >= 0 {
					if g.seen != nil {
						g.seen(string(rest[:j]), time.Now())
					}
					if g.sent != nil {
						g.sent(string(rest[:j]), wamid, c.Params("phone"), jsonString(body, "biz_opaque_callback_data"))
					}
				}
			}
		}
		c.Set("Content-Type", "application/json")
		return c.SendString(`{"messaging_product":"whatsapp","contacts":[{"input":"x","wa_id":"x"}],"messages":[{"id":"` + wamid + `"}]}`)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	go g.app.Listener(ln)
	g.url = "http://" + ln.Addr().String()
	return g, nil
}

// payload builds a realistic webhook body of about 1.5 KB. The text is
// escaped once, so that the load generator spends its CPU on sending.
func payload(id uint64, from, phone, text string) []byte {
	quoted, ok := quotedTexts.Load(text)
	if !ok {
		b, _ := json.Marshal(text)
		quoted, _ = quotedTexts.LoadOrStore(text, string(b))
	}
	b := make([]byte, 0, 512+len(text))
	b = append(b, `{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"`...)
	b = append(b, phone...)
	b = append(b, `"},"contacts":[{"profile":{"name":"Bench User"},"wa_id":"`...)
	b = append(b, from...)
	b = append(b, `"}],"messages":[{"from":"`...)
	b = append(b, from...)
	b = append(b, `","id":"wamid.HBgLMTU1NTAwMDExMTEVAgASGBQzQUI`...)
	b = strconv.AppendUint(b, id, 10)
	b = append(b, `","timestamp":"`...)
	b = strconv.AppendInt(b, time.Now().Unix(), 10)
	b = append(b, `","type":"text","text":{"body":`...)
	b = append(b, quoted.(string)...)
	return append(b, `}}]}}]}]}`...)
}

var quotedTexts sync.Map

// benchText is a question of about n characters.
func benchText(n int) string {
	const q = "please tell me where the nearest shelter is and whether the water is safe to drink. "
	return "hello " + string(bytes.Repeat([]byte(q), max(1, n/len(q))))
}

func post(c *fasthttp.Client, url string, body []byte) (int, error) {
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI(url)
	req.Header.SetMethod("POST")
	req.Header.SetContentType("application/json")
	req.Header.Set("X-Hub-Signature-256", whatsapp.Sign(body, benchSecret))
	req.SetBody(body)
	err := c.Do(req, resp)
	return resp.StatusCode(), err
}

type loadResult struct {
	count     int
	errors    int
	elapsed   time.Duration
	latencies []time.Duration
}

func (r loadResult) String() string {
	slices.Sort(r.latencies)
	q := func(p float64) time.Duration {
		if len(r.latencies) == 0 {
			return 0
		}
		return r.latencies[min(len(r.latencies)-1, int(p*float64(len(r.latencies))))]
	}
	return fmt.Sprintf("%8.0f req/s  p50 %-9v p99 %-9v errors %d (n=%d)",
		float64(r.count)/r.elapsed.Seconds(), q(0.50).Round(time.Microsecond), q(0.99).Round(time.Microsecond), r.errors, r.count)
}

// closedLoop sends from `workers` clients back to back for d.
func closedLoop(url string, d time.Duration, workers int, body func(i uint64) []byte) loadResult {
	client := &fasthttp.Client{MaxConnsPerHost: workers * 2}
	var seq atomic.Uint64
	var mu sync.Mutex
	res := loadResult{}
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			errs := 0
			for time.Now().Before(deadline) {
				b := body(seq.Add(1))
				t0 := time.Now()
				code, err := post(client, url, b)
				lat = append(lat, time.Since(t0))
				if err != nil || code != 200 {
					errs++
				}
			}
			mu.Lock()
			res.latencies = append(res.latencies, lat...)
			res.errors += errs
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.count = len(res.latencies)
	return res
}

func benchWebhook(out io.Writer, d time.Duration, workers, textLen int) error {
	text := benchText(textLen)
	bare := fiber.New(fiber.Config{DisableStartupMessage: true, BodyLimit: 8 << 20})
	bare.Post("/webhook", func(c *fiber.Ctx) error { return c.SendStatus(200) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go bare.Listener(ln)
	defer bare.Shutdown()

	srv, err := startBenchServer(8, 0, "")
	if err != nil {
		return err
	}
	defer srv.close()
	body := func(i uint64) []byte {
		return payload(i, fmt.Sprintf("1555%07d", i%50000), strconv.Itoa(100000+int(i%8)), text)
	}
	fmt.Fprintf(out, "webhook acknowledgement, %d connections, %s each, payload %d bytes, GOMAXPROCS %d\n",
		workers, d, len(body(1)), runtime.GOMAXPROCS(0))
	b := closedLoop("http://"+ln.Addr().String()+"/webhook", d, workers, body)
	fmt.Fprintf(out, "  bare fiber handler (ceiling): %s\n", b)
	l := closedLoop(srv.url+"/webhook", d, workers, body)
	fmt.Fprintf(out, "  lifeline /webhook (signed, parsed, synced to badger): %s\n", l)
	fmt.Fprintf(out, "  ratio: %.2f of the ceiling\n", (float64(l.count)/l.elapsed.Seconds())/(float64(b.count)/b.elapsed.Seconds()))
	return nil
}

func benchE2E(out io.Writer, d time.Duration, rate, workers, numbers int) error {
	srv, err := startBenchServer(numbers, 0, "")
	if err != nil {
		return err
	}
	defer srv.close()
	var mu sync.Mutex
	sentAt := map[string]time.Time{}
	var lat []time.Duration
	srv.graph.seen = func(to string, at time.Time) {
		mu.Lock()
		if t0, ok := sentAt[to]; ok {
			lat = append(lat, at.Sub(t0))
			delete(sentAt, to)
		}
		mu.Unlock()
	}
	// Each message comes from a new user, so every one is answered with
	// exactly one reply (the welcome menu) and latencies pair up by user.
	body := func(i uint64) ([]byte, string) {
		from := fmt.Sprintf("1666%08d", i)
		return payload(i, from, strconv.Itoa(100000+int(i%uint64(numbers))), "hello"), from
	}
	client := &fasthttp.Client{MaxConnsPerHost: 1024}
	var seq atomic.Uint64
	var posted atomic.Int64
	cpu0 := cpuTime()
	send := func() {
		b, from := body(seq.Add(1))
		mu.Lock()
		sentAt[from] = time.Now()
		mu.Unlock()
		if code, err := post(client, srv.url+"/webhook", b); err == nil && code == 200 {
			posted.Add(1)
		}
	}
	start := time.Now()
	var wg sync.WaitGroup
	if rate > 0 {
		fmt.Fprintf(out, "end to end at a fixed %d messages/s for %s over %d numbers\n", rate, d, numbers)
		interval := time.Second / time.Duration(rate)
		next := time.Now()
		for time.Since(start) < d {
			wg.Add(1)
			go func() { defer wg.Done(); send() }()
			next = next.Add(interval)
			if wait := time.Until(next); wait > 0 {
				time.Sleep(wait)
			}
		}
	} else {
		fmt.Fprintf(out, "end to end, as fast as possible, %d connections for %s over %d numbers\n", workers, d, numbers)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Since(start) < d {
					send()
				}
			}()
		}
	}
	wg.Wait()
	// Wait for the replies still on their way, up to a bound.
	drain := time.Now().Add(30 * time.Second)
	for time.Now().Before(drain) {
		mu.Lock()
		n := len(lat)
		mu.Unlock()
		if int64(n) >= posted.Load() {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	elapsed := time.Since(start)
	mu.Lock()
	defer mu.Unlock()
	r := loadResult{count: len(lat), latencies: lat, elapsed: elapsed, errors: int(posted.Load()) - len(lat)}
	fmt.Fprintf(out, "  acknowledged %d, replied %d in %s: %s\n", posted.Load(), len(lat), elapsed.Round(time.Millisecond), r)
	fmt.Fprintf(out, "  (errors = acknowledged messages without a reply when the run ended)\n")
	if len(lat) > 0 {
		cpu := cpuTime() - cpu0
		fmt.Fprintf(out, "  CPU %.2f s in all: %.0f µs per replied message (the whole process: server, load generator and fake Graph API)\n",
			cpu.Seconds(), float64(cpu.Microseconds())/float64(len(lat)))
	}
	return nil
}

func benchMemory(out io.Writer, users int) error {
	srv, err := startBenchServer(1, 0, "")
	if err != nil {
		return err
	}
	defer srv.close()
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	before := ms.HeapAlloc
	client := &fasthttp.Client{MaxConnsPerHost: 64}
	var wg sync.WaitGroup
	var seq atomic.Uint64
	for w := 0; w < 32; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := seq.Add(1)
				if i > uint64(users) {
					return
				}
				post(client, srv.url+"/webhook", payload(i, fmt.Sprintf("1777%08d", i), "100000", "hello"))
			}
		}()
	}
	wg.Wait()
	srv.inst.engine.WaitIdle()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	after := ms.HeapAlloc
	per := (float64(after) - float64(before)) / float64(users)
	fmt.Fprintf(out, "heap before %d KiB, after %d conversations %d KiB: %.0f bytes per stored conversation\n",
		before>>10, users, after>>10, per)
	return nil
}
