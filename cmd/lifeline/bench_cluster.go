package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/valyala/fasthttp"

	"lifeline/bot/whatsapp/whatsapptest/latency"
)

const benchClusterUsage = `Usage:
  lifeline bench cluster [--backend nats] [--instances 3] [--rate 300] [--duration 20s] [--warmup 10s]
                         [--cpus 0] [--concurrency 64] [--numbers 8] [--partitions 64] [--keep]
                         [--binary PATH] [--cpuprofile DIR] [--idle 0]
      one run: --instances child processes of this binary (lifeline serve) on loopback, on one
      backend (nats: each embeds a NATS node, routed into one cluster; badger: one instance), fed
      webhooks (each a new person's message, answered by one reply) posted to a random instance;
      every reply the fake Graph API takes is followed, a second later, by two status webhooks
      (sent, delivered) carrying the send's callback data, as WhatsApp posts them.
      --rate N messages per second: CPU of the instances per processed message.
      --rate 0: as fast as --concurrency connections go: capacity, replies per second.
      --cpus Q caps each instance at Q cores with a cgroup (root; cgroup v1 cpu controller or v2).
  lifeline bench cluster --sweep cost [--rate 300]
      badger x1, nats x1 and nats x3 at --rate, uncapped
  lifeline bench cluster --sweep capacity [--cpus 0.25] [--model-rate 30]
      nats x1, x3 and x6 uncapped at --model-rate msg/s and uncapped at full speed (CPU per message
      and its spread over the instances), then x1, x3 and x6 at full speed, each instance capped at
      --cpus cores; the ratios to x1, and the capacity model: x3 and x6 capped predicted from x1
      capped and each set of uncapped runs beside what they measured, and the model's 3 x 8-core
      deployment (--model-rate 0: no uncapped runs, no model)
  lifeline bench cluster --sweep all
      both sweeps
--binary runs the instances from another build of lifeline (to compare builds under one load
generator). --cpuprofile DIR writes each instance's CPU profile of the measured window to DIR
(BACKEND-xN-LOAD-instanceI.pprof; the instances serve /debug/pprof on LIFELINE_PPROF_ADDR, loopback)
and splits each run's CPU between the embedded NATS nodes and Lifeline (by the samples' stacks); the
capacity model then splits c(N) the same way. The window measured is --duration after --warmup of
the same load. --idle D first measures the instances' CPU over D with no traffic (what the cluster
costs while nothing happens: Raft heartbeats, leases, membership), profiled with --cpuprofile. Everything runs on 127.0.0.1
with throw-away data directories (kept with --keep, with each instance's log).
`

// clusterRunSpec is one run of bench cluster.
type clusterRunSpec struct {
	backend     string
	instances   int
	rate        int
	concurrency int
	duration    time.Duration
	warmup      time.Duration
	cpus        float64
	numbers     int
	partitions  int
	keep        bool
	binary      string        // the lifeline binary the instances run ("": this one)
	profileDir  string        // where each instance's CPU profile of the window goes ("": none)
	idle        time.Duration // a window with no traffic measured before the load (0: none)
}

func (s clusterRunSpec) String() string {
	capped := "uncapped"
	if s.cpus > 0 {
		capped = fmt.Sprintf("%g cores each", s.cpus)
	}
	load := fmt.Sprintf("%d msg/s", s.rate)
	if s.rate == 0 {
		load = fmt.Sprintf("full speed, %d connections", s.concurrency)
	}
	return fmt.Sprintf("%s x%d, %s, %s", s.backend, s.instances, capped, load)
}

// clusterRunResult is what one run measured in its window.
type clusterRunResult struct {
	spec             clusterRunSpec
	window           time.Duration
	posted, rejected int64 // message webhooks acknowledged / answered otherwise in the window
	replies          int64 // replies the fake Graph API took in the window
	statuses         int64 // status webhooks acknowledged in the window
	instCPU, selfCPU time.Duration
	perInstance      []time.Duration // each instance's CPU in the window (instCPU is their sum)
	latencies        []time.Duration // webhook posted to reply taken
	unanswered       int64           // acknowledged messages without a reply when the run ended
	metrics          benchMetrics    // the instances' contention figures over the run (warm-up, window, drain)
	metricsErr       error           // why they could not be read
	split            *cpuSplit       // where the instances' CPU went, from their profiles (--cpuprofile)
	idleCPU          []time.Duration // each instance's CPU in the idle window (--idle)
	idleSplit        *cpuSplit       // where the idle CPU went (--idle with --cpuprofile)
}

func (r clusterRunResult) perMessage() time.Duration {
	if r.replies == 0 {
		return 0
	}
	return r.instCPU / time.Duration(r.replies)
}

func (r clusterRunResult) rate() float64 { return float64(r.replies) / r.window.Seconds() }

func (r clusterRunResult) String() string {
	lat := slices.Clone(r.latencies)
	slices.Sort(lat)
	q := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))].Round(time.Millisecond)
	}
	each := ""
	if len(r.perInstance) > 1 {
		parts := make([]string, len(r.perInstance))
		for i, d := range r.perInstance {
			parts[i] = strconv.FormatFloat(d.Seconds(), 'f', 2, 64)
		}
		each = " (" + strings.Join(parts, " + ") + ")"
	}
	return fmt.Sprintf("%s: %.0f replies/s (%d in %s), %d statuses; instances' CPU %.2f s%s = %.2f ms per message; "+
		"load generator and fake Graph API %.2f ms per message; reply latency p50 %v p99 %v; "+
		"webhooks refused %d; unanswered at the end %d",
		r.spec, r.rate(), r.replies, r.window.Round(time.Millisecond), r.statuses, r.instCPU.Seconds(), each,
		float64(r.perMessage().Microseconds())/1000, float64(r.selfCPU.Microseconds())/1000/float64(max(1, r.replies)),
		q(0.5), q(0.99), r.rejected, r.unanswered) + "\n  " + r.metricsText() + r.splitText() + r.idleText()
}

// idleText is the idle window's CPU: per instance, in milliseconds of
// CPU per second of wall time.
func (r clusterRunResult) idleText() string {
	if len(r.idleCPU) == 0 {
		return ""
	}
	parts := make([]string, len(r.idleCPU))
	var sum time.Duration
	for i, d := range r.idleCPU {
		sum += d
		parts[i] = strconv.FormatFloat(float64(d.Microseconds())/1000/r.spec.idle.Seconds(), 'f', 1, 64)
	}
	t := fmt.Sprintf("\n  idle (no traffic, %s): instances' CPU %.1f ms/s (%s ms/s each)", r.spec.idle,
		float64(sum.Microseconds())/1000/r.spec.idle.Seconds(), strings.Join(parts, " + "))
	if r.idleSplit != nil {
		t += "\n  idle " + r.idleSplit.String()
	}
	return t
}

func (r clusterRunResult) splitText() string {
	if r.split == nil {
		return ""
	}
	return "\n  " + r.split.String()
}

func (r clusterRunResult) metricsText() string {
	if r.metricsErr != nil {
		return "contention metrics not read: " + r.metricsErr.Error()
	}
	return r.metrics.String()
}

func runBenchCluster(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench cluster", flag.ContinueOnError)
	fs.SetOutput(stderr)
	spec := clusterRunSpec{}
	fs.StringVar(&spec.backend, "backend", "nats", "nats or badger")
	fs.IntVar(&spec.instances, "instances", 3, "instances (badger: 1)")
	fs.IntVar(&spec.rate, "rate", 300, "messages per second; 0: as fast as --concurrency connections go")
	fs.IntVar(&spec.concurrency, "concurrency", 64, "connections posting messages when --rate is 0")
	fs.DurationVar(&spec.duration, "duration", 20*time.Second, "the window measured")
	fs.DurationVar(&spec.warmup, "warmup", 10*time.Second, "load before the window, not measured")
	fs.Float64Var(&spec.cpus, "cpus", 0, "cap each instance at this many cores (cgroups, as root); 0: no cap")
	fs.IntVar(&spec.numbers, "numbers", 8, "sending phone numbers the load is spread over")
	fs.IntVar(&spec.partitions, "partitions", 64, "LIFELINE_NATS_PARTITIONS")
	fs.BoolVar(&spec.keep, "keep", false, "keep the data directories and logs")
	fs.StringVar(&spec.binary, "binary", "", "run the instances from this lifeline binary (another build), not this one")
	fs.StringVar(&spec.profileDir, "cpuprofile", "", "write each instance's CPU profile of the measured window to this directory")
	fs.DurationVar(&spec.idle, "idle", 0, "before the load, measure the instances' CPU over this long with no traffic (0: not)")
	sweep := fs.String("sweep", "", "cost, capacity or all: run the matrix instead of one run")
	modelRate := fs.Int("model-rate", 30, "--sweep capacity: msg/s of the uncapped runs the capacity model takes its CPU per message from, beside uncapped runs at full speed (0: neither, no model)")
	lat := fs.String("latency", "realistic", "the fake Graph API's latency: realistic, none, or MEDIAN,P99 such as 150ms,600ms")
	fs.Usage = func() { fmt.Fprint(stderr, benchClusterUsage) }
	if err := fs.Parse(args); err != nil {
		return 2
	}
	model, err := latency.Parse(*lat)
	if err != nil {
		fmt.Fprintf(stderr, "lifeline bench cluster: --latency: %v\n", err)
		return 2
	}
	benchLatency = model
	if fs.NArg() > 0 {
		fmt.Fprint(stderr, benchClusterUsage)
		return 2
	}
	var specs []clusterRunSpec
	switch *sweep {
	case "":
		specs = []clusterRunSpec{spec}
	case "cost", "capacity", "all":
		if *sweep != "capacity" {
			for _, c := range []struct {
				backend string
				n       int
			}{{"badger", 1}, {"nats", 1}, {"nats", 3}} {
				s := spec
				s.backend, s.instances, s.cpus = c.backend, c.n, 0
				s.rate = max(1, spec.rate)
				specs = append(specs, s)
			}
		}
		if *sweep != "cost" && *modelRate > 0 {
			for _, rate := range []int{*modelRate, 0} {
				for _, n := range capacityInstances {
					s := spec
					s.backend, s.instances, s.rate, s.cpus = "nats", n, rate, 0
					specs = append(specs, s)
				}
			}
		}
		if *sweep != "cost" {
			for _, n := range capacityInstances {
				s := spec
				s.backend, s.instances, s.rate = "nats", n, 0
				if s.cpus == 0 {
					s.cpus = 0.25
				}
				specs = append(specs, s)
			}
		}
	default:
		fmt.Fprintf(stderr, "lifeline bench cluster: --sweep %q: want cost, capacity or all\n", *sweep)
		return 2
	}
	for _, s := range specs {
		if err := s.check(); err != nil {
			fmt.Fprintf(stderr, "lifeline bench cluster: %v\n", err)
			return 2
		}
	}
	fmt.Fprintf(stdout, "fake Graph API latency: %s\n", benchLatency)
	var results []clusterRunResult
	for _, s := range specs {
		fmt.Fprintf(stdout, "run: %s, %s after %s of warm-up\n", s, s.duration, s.warmup)
		r, err := benchClusterRun(s, stdout)
		if err != nil {
			fmt.Fprintf(stderr, "lifeline bench cluster: %s: %v\n", s, err)
			return 1
		}
		fmt.Fprintf(stdout, "  %s\n", r)
		results = append(results, r)
	}
	if len(results) > 1 {
		printClusterSummary(stdout, results)
	}
	for _, src := range costSources {
		if m, ok := fitCapacityModel(results, src); ok {
			m.print(stdout, results)
		}
	}
	return 0
}

func (s clusterRunSpec) check() error {
	switch {
	case s.backend != "nats" && s.backend != "badger":
		return fmt.Errorf("--backend %q: want nats or badger", s.backend)
	case s.backend == "badger" && s.instances != 1:
		return fmt.Errorf("--backend badger runs one instance, not %d", s.instances)
	case s.instances < 1 || s.instances > 9:
		return fmt.Errorf("--instances %d: want 1 to 9", s.instances)
	case s.rate < 0 || s.concurrency < 1 || s.numbers < 1:
		return errors.New("--rate, --concurrency and --numbers must be positive (rate 0: full speed)")
	case s.duration <= 0 || s.warmup < 0 || s.idle < 0:
		return errors.New("--duration must be positive, --warmup and --idle not negative")
	case s.cpus < 0 || s.cpus > 64:
		return fmt.Errorf("--cpus %g: want 0 (no cap) to 64", s.cpus)
	}
	if s.cpus > 0 {
		return checkCgroups()
	}
	return nil
}

// printClusterSummary prints the runs side by side: CPU per message
// against the first badger run, replies per second of a full-speed run
// against the first full-speed run of one instance under the same cap.
func printClusterSummary(out io.Writer, rs []clusterRunResult) {
	var cost *clusterRunResult
	capacity := map[float64]*clusterRunResult{} // by cap
	for i := range rs {
		if cost == nil && rs[i].spec.backend == "badger" && rs[i].spec.rate > 0 {
			cost = &rs[i]
		}
		if capacity[rs[i].spec.cpus] == nil && rs[i].spec.rate == 0 && rs[i].spec.instances == 1 {
			capacity[rs[i].spec.cpus] = &rs[i]
		}
	}
	fmt.Fprintln(out, "\n| run | replies/s | CPU per message | vs badger x1 | capacity vs x1 under the same cap | conflicts per turn | permit wait p50 / p99 | pacer request p50 / p99 (failed) |")
	fmt.Fprintln(out, "|---|---|---|---|---|---|---|---|")
	for _, r := range rs {
		vsCost, vsCap := "", ""
		if cost != nil && r.spec.rate > 0 && cost.perMessage() > 0 {
			vsCost = fmt.Sprintf("%.2fx", float64(r.perMessage())/float64(cost.perMessage()))
		}
		if one := capacity[r.spec.cpus]; one != nil && r.spec.rate == 0 && one.rate() > 0 {
			vsCap = fmt.Sprintf("%.2fx", r.rate()/one.rate())
		}
		m := r.metrics
		fmt.Fprintf(out, "| %s | %.0f | %.2f ms | %s | %s | %s | %s / %s | %s / %s (%.0f) |\n", r.spec, r.rate(), float64(r.perMessage().Microseconds())/1000, vsCost, vsCap,
			ratioText(m.perTurn()), m.permitWait.quantileText(0.5), m.permitWait.quantileText(0.99),
			m.request.quantileText(0.5), m.request.quantileText(0.99), m.requestFailed)
	}
}

// benchChild is one `lifeline serve` started by bench cluster.
type benchChild struct {
	cmd    *exec.Cmd
	base   string
	pprof  string // the /debug/pprof base URL ("" unless --cpuprofile)
	env    []string
	log    string // the file its output is appended to
	starts int
	cgroup string
	done   chan struct{}
}

// start runs the instance.
func (c *benchChild) start(exe string) error {
	logf, err := os.OpenFile(c.log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	cmd := exec.Command(exe, "serve")
	cmd.Env = c.env
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return err
	}
	c.cmd, c.done = cmd, make(chan struct{})
	c.starts++
	done := c.done
	go func() { _ = cmd.Wait(); logf.Close(); close(done) }()
	return nil
}

// cpu is the CPU the child has used (user and system, all threads).
func (c *benchChild) cpu() (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", c.cmd.Process.Pid))
	if err != nil {
		return 0, fmt.Errorf("CPU of instance %d: %w", c.cmd.Process.Pid, err)
	}
	// Fields after the command name, which ends with the last ')':
	// state is field 3, utime 14, stime 15 (clock ticks of 1/100 s).
	rest := string(b[bytes.LastIndexByte(b, ')')+2:])
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0, fmt.Errorf("CPU of instance %d: short stat %q", c.cmd.Process.Pid, rest)
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	s, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("CPU of instance %d: stat %q", c.cmd.Process.Pid, rest)
	}
	return time.Duration(u+s) * 10 * time.Millisecond, nil
}

func (c *benchChild) stop() {
	select {
	case <-c.done:
		return
	default:
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(30 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}

// cgroup layout this machine offers: v1's cpu controller or v2's
// unified hierarchy.
const (
	cgroupV1 = "/sys/fs/cgroup/cpu"
	cgroupV2 = "/sys/fs/cgroup"
)

func cgroupV2Unified() bool {
	_, err := os.Stat(filepath.Join(cgroupV2, "cgroup.controllers"))
	return err == nil
}

// checkCgroups says why CPU caps cannot be set here, if they cannot.
func checkCgroups() error {
	dir := cgroupV1
	if cgroupV2Unified() {
		dir = cgroupV2
	}
	probe := filepath.Join(dir, fmt.Sprintf("lifeline-bench-probe-%d", os.Getpid()))
	if err := os.Mkdir(probe, 0o755); err != nil {
		return fmt.Errorf("--cpus needs a writable cgroup cpu controller (as root: cgroup v1 at %s or v2 at %s): %w", cgroupV1, cgroupV2, err)
	}
	return os.Remove(probe)
}

// capCPU puts pid in a new cgroup limited to cpus cores and returns the
// cgroup's directory.
func capCPU(name string, pid int, cpus float64) (string, error) {
	const period = 100000 // µs
	quota := int(cpus * period)
	if cgroupV2Unified() {
		dir := filepath.Join(cgroupV2, name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(dir, "cpu.max"), fmt.Appendf(nil, "%d %d", quota, period), 0); err != nil {
			return dir, fmt.Errorf("cpu.max (is the cpu controller enabled in cgroup.subtree_control?): %w", err)
		}
		return dir, os.WriteFile(filepath.Join(dir, "cgroup.procs"), []byte(strconv.Itoa(pid)), 0)
	}
	dir := filepath.Join(cgroupV1, name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		return "", err
	}
	for _, w := range []struct {
		file, value string
	}{{"cpu.cfs_period_us", strconv.Itoa(period)}, {"cpu.cfs_quota_us", strconv.Itoa(quota)}, {"cgroup.procs", strconv.Itoa(pid)}} {
		if err := os.WriteFile(filepath.Join(dir, w.file), []byte(w.value), 0); err != nil {
			return dir, fmt.Errorf("%s: %w", w.file, err)
		}
	}
	return dir, nil
}

// freeLoopback is a loopback address no one listens on now.
func freeLoopback() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startBenchChildren starts the instances of spec, each with its own
// data directory under dir, and waits until every one is ready.
func startBenchChildren(spec clusterRunSpec, dir, graphURL string) ([]*benchChild, error) {
	exe := spec.binary
	var err error
	if exe == "" {
		if exe, err = os.Executable(); err != nil {
			return nil, err
		}
	}
	nums := make([]string, spec.numbers)
	for i := range nums {
		nums[i] = strconv.Itoa(100000 + i)
	}
	type addrs struct{ http, client, route, pprof string }
	as := make([]addrs, spec.instances)
	for i := range as {
		for _, p := range []*string{&as[i].http, &as[i].client, &as[i].route, &as[i].pprof} {
			if *p, err = freeLoopback(); err != nil {
				return nil, err
			}
		}
	}
	var children []*benchChild
	fail := func(err error) ([]*benchChild, error) {
		for _, c := range children {
			c.stop()
			removeCgroup(c.cgroup)
		}
		return nil, err
	}
	for i := range spec.instances {
		data := filepath.Join(dir, fmt.Sprintf("instance%d", i))
		if err := os.MkdirAll(data, 0o700); err != nil {
			return fail(err)
		}
		env := []string{
			"LIFELINE_ADDR=" + as[i].http, "LIFELINE_DATA_DIR=" + data, "LIFELINE_LOG_LEVEL=warn",
			"LIFELINE_ADMIN_TOKEN=" + benchAdminToken, "LIFELINE_BACKEND=" + spec.backend,
			"WA_ACCESS_TOKEN=bench-token", "WA_PHONE_NUMBER_ID=" + strings.Join(nums, ","), "WA_APP_SECRET=" + benchSecret,
			"WA_VERIFY_TOKEN=bench-verify", "WA_API_URL=" + graphURL, "WA_RATE_PER_NUMBER=1000",
		}
		if spec.profileDir != "" {
			env = append(env, "LIFELINE_PPROF_ADDR="+as[i].pprof)
		}
		if spec.backend == "nats" {
			env = append(env, fmt.Sprintf("LIFELINE_INSTANCE_ID=bench%d", i), fmt.Sprintf("LIFELINE_NATS_NAME=bench%d", i),
				"LIFELINE_NATS_LISTEN="+as[i].client, fmt.Sprintf("LIFELINE_NATS_PARTITIONS=%d", spec.partitions))
			if spec.instances > 1 {
				var routes []string
				for j := range as {
					if j != i {
						routes = append(routes, "nats-route://"+as[j].route)
					}
				}
				env = append(env, "LIFELINE_NATS_CLUSTER="+as[i].route, "LIFELINE_NATS_ROUTES="+strings.Join(routes, ","))
			}
		}
		c := &benchChild{base: "http://" + as[i].http, pprof: "http://" + as[i].pprof, env: append(os.Environ(), env...), log: filepath.Join(dir, fmt.Sprintf("instance%d.log", i))}
		children = append(children, c)
		if err := c.start(exe); err != nil {
			return fail(fmt.Errorf("start instance %d: %w", i, err))
		}
	}
	// Wait until every instance is ready. An embedded node started before
	// the others may find too few peers to place the streams on, or no
	// majority, and stop: start it again, as a service manager would.
	deadline := time.Now().Add(5 * time.Minute)
	ready := make([]bool, len(children))
	for n := 0; n < len(children); {
		n = 0
		for i, c := range children {
			if ready[i] {
				n++
				continue
			}
			select {
			case <-c.done:
				if c.starts >= 20 {
					return fail(fmt.Errorf("instance %d exited %d times before it was ready (log: %s)", i, c.starts, c.log))
				}
				if err := c.start(exe); err != nil {
					return fail(fmt.Errorf("start instance %d again: %w", i, err))
				}
				continue
			default:
			}
			resp, err := http.Get(c.base + "/readyz")
			if err == nil {
				resp.Body.Close()
				if ready[i] = resp.StatusCode == 200; ready[i] {
					n++
				}
			}
		}
		if time.Now().After(deadline) {
			return fail(fmt.Errorf("%d of %d instances ready after 5 minutes (logs in %s)", n, len(children), dir))
		}
		time.Sleep(100 * time.Millisecond)
	}
	// The caps apply from here: starting (the FAQ index, the streams) is
	// not what is measured, and capped it would take minutes.
	if spec.cpus > 0 {
		for i, c := range children {
			if c.cgroup, err = capCPU(fmt.Sprintf("lifeline-bench-%d-%d", os.Getpid(), i), c.cmd.Process.Pid, spec.cpus); err != nil {
				return fail(fmt.Errorf("cap instance %d at %g cores: %w", i, spec.cpus, err))
			}
		}
	}
	return children, nil
}

func removeCgroup(dir string) {
	if dir == "" {
		return
	}
	// The cgroup goes once its processes have; wait for the kernel to see
	// the exited child gone.
	for range 50 {
		if err := os.Remove(dir); err == nil || errors.Is(err, os.ErrNotExist) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// statusDelay is how long after a send the fake posts its status
// webhooks: WhatsApp posts "sent" once the message has left, after the
// API has answered the send, typically about a second later.
const statusDelay = time.Second

// statusPayload is a status webhook for a message sent to `to`, with the
// send's callback data when it had some, as WhatsApp echoes it.
func statusPayload(wamid, to, phone, status, callback string) []byte {
	b := make([]byte, 0, 512)
	b = append(b, `{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"`...)
	b = append(b, phone...)
	b = append(b, `"},"statuses":[{"id":"`...)
	b = append(b, wamid...)
	b = append(b, `","status":"`...)
	b = append(b, status...)
	b = append(b, `","timestamp":"`...)
	b = strconv.AppendInt(b, time.Now().Unix(), 10)
	b = append(b, `","recipient_id":"`...)
	b = append(b, to...)
	if callback != "" {
		b = append(b, `","biz_opaque_callback_data":"`...)
		b = append(b, callback...)
	}
	return append(b, `"}]}}]}]}`...)
}

// benchClusterRun starts the instances, loads them, measures the window
// and stops them.
func benchClusterRun(spec clusterRunSpec, progress io.Writer) (res clusterRunResult, err error) {
	res.spec = spec
	dir, err := os.MkdirTemp("", "lifeline-bench-cluster-")
	if err != nil {
		return res, err
	}
	defer func() {
		if spec.keep || err != nil {
			fmt.Fprintf(progress, "  data directories and logs kept in %s\n", dir)
			return
		}
		os.RemoveAll(dir)
	}()
	graph, err := startFakeGraph(benchLatency)
	if err != nil {
		return res, err
	}
	defer graph.app.ShutdownWithTimeout(2 * time.Second)

	t0 := time.Now()
	children, err := startBenchChildren(spec, dir, graph.url)
	if err != nil {
		return res, err
	}
	defer func() {
		for _, c := range children {
			c.stop()
			removeCgroup(c.cgroup)
		}
	}()
	fmt.Fprintf(progress, "  %d instance(s) ready in %s\n", len(children), time.Since(t0).Round(100*time.Millisecond))
	if spec.idle > 0 {
		if res.idleCPU, res.idleSplit, err = measureIdle(spec, children, progress); err != nil {
			return res, err
		}
	}

	// The contention metrics are read before the load and after its last
	// reply, not at the window's edges: a scrape reads the store (the
	// oldest inbound event, the handoffs), and on a cluster under load
	// that scan does not answer for minutes.
	metricsClient := &http.Client{Timeout: 90 * time.Second}
	bases := make([]string, len(children))
	for i, c := range children {
		bases[i] = c.base
	}
	m0, merr := scrapeBenchMetrics(metricsClient, bases)
	var (
		measuring        atomic.Bool
		posted, rejected atomic.Int64
		replies, stats   atomic.Int64
		acked            atomic.Int64 // every acknowledged message, warm-up included
		answered         atomic.Int64 // every reply, warm-up included
		mu               sync.Mutex
		sentAt           = map[string]time.Time{}
		latencies        []time.Duration
	)
	client := &fasthttp.Client{MaxConnsPerHost: 4096}
	pick := func() string { return children[rand.IntN(len(children))].base + "/webhook" }
	type sent struct {
		to, wamid, phone, callback string
		due                        time.Time // when its status webhooks are posted
	}
	statusQ := make(chan sent, 1<<16)
	statusStop := make(chan struct{})
	graph.sent = func(to, wamid, phone, callback string) {
		answered.Add(1)
		mu.Lock()
		if at, ok := sentAt[to]; ok {
			if measuring.Load() {
				latencies = append(latencies, time.Since(at))
			}
			delete(sentAt, to)
		}
		mu.Unlock()
		if measuring.Load() {
			replies.Add(1)
		}
		select {
		case statusQ <- sent{to, wamid, phone, callback, time.Now().Add(statusDelay)}:
		case <-statusStop:
		default: // the status webhooks fall behind; the reply still counts
		}
	}
	var statusWG sync.WaitGroup
	for range 32 {
		statusWG.Go(func() {
			for {
				var s sent
				select {
				case <-statusStop:
					return
				case s = <-statusQ:
				}
				// The queue is in send order and every send waits the
				// same delay, so a worker waits only for the one it took.
				if wait := time.Until(s.due); wait > 0 {
					select {
					case <-statusStop:
						return
					case <-time.After(wait):
					}
				}
				for _, st := range []string{"sent", "delivered"} {
					if code, err := post(client, pick(), statusPayload(s.wamid, s.to, s.phone, st, s.callback)); err == nil && code == 200 && measuring.Load() {
						stats.Add(1)
					}
				}
			}
		})
	}
	defer func() { close(statusStop); statusWG.Wait() }()

	var seq atomic.Uint64
	// Each message comes from a new person (15 digits, the most a wa_id
	// has), so that each is answered by exactly one reply.
	run := time.Now().UnixNano() / 1e6 % 1000
	send := func() {
		i := seq.Add(1)
		from := fmt.Sprintf("1666%03d%08d", run, i%1e8)
		body := payload(i, from, strconv.Itoa(100000+int(i%uint64(spec.numbers))), "hello")
		mu.Lock()
		sentAt[from] = time.Now()
		mu.Unlock()
		code, err := post(client, pick(), body)
		switch {
		case err == nil && code == 200:
			acked.Add(1)
			if measuring.Load() {
				posted.Add(1)
			}
		default:
			mu.Lock()
			delete(sentAt, from)
			mu.Unlock()
			if measuring.Load() {
				rejected.Add(1)
			}
		}
	}
	stop := make(chan struct{})
	var load sync.WaitGroup
	if spec.rate > 0 {
		load.Go(func() {
			interval := time.Second / time.Duration(spec.rate)
			next := time.Now()
			var inflight sync.WaitGroup
			defer inflight.Wait()
			for {
				select {
				case <-stop:
					return
				default:
				}
				inflight.Go(send)
				next = next.Add(interval)
				if wait := time.Until(next); wait > 0 {
					time.Sleep(wait)
				}
			}
		})
	} else {
		for range spec.concurrency {
			load.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					send()
				}
			})
		}
	}
	time.Sleep(spec.warmup)

	inst0, err := childrenCPU(children)
	if err != nil {
		close(stop)
		load.Wait()
		return res, err
	}
	self0 := cpuTime()
	start := time.Now()
	measuring.Store(true)
	profiled := profileWindow(spec, children)
	time.Sleep(spec.duration)
	measuring.Store(false)
	res.window = time.Since(start)
	inst1, err := childrenCPU(children)
	self1 := cpuTime()
	close(stop)
	load.Wait()
	if err != nil {
		return res, err
	}
	if paths, perr := profiled(); perr != nil {
		fmt.Fprintf(progress, "  CPU profiles: %v\n", perr)
	} else if len(paths) > 0 {
		split, serr := readCPUSplit(paths)
		if serr != nil {
			fmt.Fprintf(progress, "  CPU profiles: %v\n", serr)
		} else {
			res.split = &split
		}
	}
	res.perInstance = make([]time.Duration, len(children))
	for i := range children {
		res.perInstance[i] = inst1[i] - inst0[i]
		res.instCPU += res.perInstance[i]
	}
	res.selfCPU = self1 - self0
	res.posted, res.rejected, res.replies, res.statuses = posted.Load(), rejected.Load(), replies.Load(), stats.Load()
	mu.Lock()
	res.latencies = latencies
	mu.Unlock()
	// Every acknowledged message must be answered: wait for the last ones
	// (a capacity run leaves a backlog), within a bound.
	drain := time.Now().Add(60 * time.Second)
	for answered.Load() < acked.Load() && time.Now().Before(drain) {
		time.Sleep(50 * time.Millisecond)
	}
	res.unanswered = max(0, acked.Load()-answered.Load())
	if merr == nil {
		var m1 benchMetrics
		if m1, merr = scrapeBenchMetrics(metricsClient, bases); merr == nil {
			m1.add(m0, -1)
			res.metrics = m1
		}
	}
	res.metricsErr = merr
	return res, nil
}

// childrenCPU is the CPU each instance has used.
func childrenCPU(children []*benchChild) ([]time.Duration, error) {
	each := make([]time.Duration, len(children))
	for i, c := range children {
		d, err := c.cpu()
		if err != nil {
			return nil, err
		}
		each[i] = d
	}
	return each, nil
}

// measureIdle measures each instance's CPU over spec.idle with no
// traffic, after a few seconds for what starting leaves behind (the
// streams' first snapshots, the partitions' first assignment), with the
// profiles of the window when --cpuprofile is set.
func measureIdle(spec clusterRunSpec, children []*benchChild, progress io.Writer) ([]time.Duration, *cpuSplit, error) {
	time.Sleep(5 * time.Second)
	c0, err := childrenCPU(children)
	if err != nil {
		return nil, nil, err
	}
	idleSpec := spec
	idleSpec.duration, idleSpec.rate = spec.idle, -1
	profiled := profileWindow(idleSpec, children)
	time.Sleep(spec.idle)
	c1, err := childrenCPU(children)
	if err != nil {
		return nil, nil, err
	}
	for i := range c1 {
		c1[i] -= c0[i]
	}
	var split *cpuSplit
	if paths, perr := profiled(); perr != nil {
		fmt.Fprintf(progress, "  idle CPU profiles: %v\n", perr)
	} else if len(paths) > 0 {
		if s, serr := readCPUSplit(paths); serr != nil {
			fmt.Fprintf(progress, "  idle CPU profiles: %v\n", serr)
		} else {
			split = &s
		}
	}
	return c1, split, nil
}

// profileWindow asks every instance for a CPU profile as long as the
// window (when --cpuprofile is set) and returns a wait for them all,
// which gives the profiles' files.
func profileWindow(spec clusterRunSpec, children []*benchChild) (wait func() ([]string, error)) {
	if spec.profileDir == "" {
		return func() ([]string, error) { return nil, nil }
	}
	if err := os.MkdirAll(spec.profileDir, 0o700); err != nil {
		return func() ([]string, error) { return nil, fmt.Errorf("create %s: %w", spec.profileDir, err) }
	}
	// The sweeps run N instances more than once: the load names the file.
	load := fmt.Sprintf("rate%d", spec.rate)
	switch spec.rate {
	case 0:
		load = "full"
	case -1:
		load = "idle"
	}
	if spec.cpus > 0 {
		load += fmt.Sprintf("-cap%g", spec.cpus)
	}
	errs := make([]error, len(children))
	names := make([]string, len(children))
	var wg sync.WaitGroup
	for i, c := range children {
		name := filepath.Join(spec.profileDir, fmt.Sprintf("%s-x%d-%s-instance%d.pprof", spec.backend, spec.instances, load, i))
		names[i] = name
		wg.Go(func() {
			url := fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", c.pprof, max(1, int(spec.duration.Seconds())))
			resp, err := http.Get(url)
			if err != nil {
				errs[i] = fmt.Errorf("instance %d: %w", i, err)
				return
			}
			defer resp.Body.Close()
			if resp.StatusCode != 200 {
				errs[i] = fmt.Errorf("instance %d: %s", i, resp.Status)
				return
			}
			f, err := os.Create(name)
			if err == nil {
				_, err = io.Copy(f, resp.Body)
				if cerr := f.Close(); err == nil {
					err = cerr
				}
			}
			if err != nil {
				errs[i] = fmt.Errorf("instance %d: write %s: %w", i, name, err)
			}
		})
	}
	return func() ([]string, error) { wg.Wait(); return names, errors.Join(errs...) }
}
