package main

import (
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"

	"lifeline/bot/broadcast"
	"lifeline/bot/contacts"
)

// benchBroadcast measures what a running broadcast costs inbound
// conversations: the latency of signed webhook POSTs at a fixed rate, first
// with the server idle, then while a notice goes out at the full rate of
// one sending number (1,000 mps) over the fake Graph API. The goal: p99
// while broadcasting at most twice the idle p99.
func benchBroadcast(out io.Writer, d time.Duration, rate, numbers int) error {
	if rate <= 0 {
		rate = 200
	}
	const bcPrefix = "1999"
	// Enough recipients that the broadcast outlasts the measurement.
	recipients := numbers*int(1000*(d+10*time.Second)/time.Second) + 5000
	srv, err := startBenchServer(numbers, recipients, bcPrefix)
	if err != nil {
		return err
	}
	defer srv.close()
	var bcSends, allSends atomic.Int64
	// Time to first reply: from the POST of a person's message to the
	// first message the fake Graph API gets for that person.
	var (
		rmu      sync.Mutex
		asked    = map[string]time.Time{}
		replyLat *[]time.Duration
	)
	srv.graph.seen = func(to string, at time.Time) {
		allSends.Add(1)
		if strings.HasPrefix(to, bcPrefix) {
			bcSends.Add(1)
			return
		}
		rmu.Lock()
		if t0, ok := asked[to]; ok {
			delete(asked, to)
			if replyLat != nil {
				*replyLat = append(*replyLat, at.Sub(t0))
			}
		}
		rmu.Unlock()
	}
	fmt.Fprintf(out, "inbound webhook latency at %d POST/s, idle and during a broadcast at 1000 mps on each of %d numbers (%d contacts), %s each, GOMAXPROCS %d\n",
		rate, numbers, recipients, d, runtime.GOMAXPROCS(0))

	var user atomic.Uint64
	body := func(i uint64) []byte {
		// Users write back and forth: 5,000 people, each message new.
		from := fmt.Sprintf("1555%07d", user.Add(1)%5000)
		rmu.Lock()
		if _, waiting := asked[from]; !waiting {
			asked[from] = time.Now()
		}
		rmu.Unlock()
		// Spread over the numbers as people write to any of them.
		return payload(i, from, strconv.Itoa(100000+int(i%uint64(numbers))), "is the tap water safe to drink?")
	}
	// phase runs the inbound load once and reports the webhook latency,
	// the time to first reply, and what the number sent meanwhile.
	var seq atomic.Uint64
	type phaseResult struct {
		hooks                    loadResult
		replies                  loadResult
		broadcast, all, receipts float64 // per second
	}
	phase := func() phaseResult {
		var lat []time.Duration
		rmu.Lock()
		clear(asked)
		replyLat = &lat
		rmu.Unlock()
		bc0, all0, rc0, t0 := bcSends.Load(), allSends.Load(), srv.graph.receipts.Load(), time.Now()
		hooks := openLoop(srv.url+"/webhook", d, rate, func() []byte { return body(seq.Add(1)) })
		el := time.Since(t0).Seconds()
		r := phaseResult{hooks: hooks,
			broadcast: float64(bcSends.Load()-bc0) / el, all: float64(allSends.Load()-all0) / el,
			receipts: float64(srv.graph.receipts.Load()-rc0) / el}
		// Let the last replies arrive, then stop collecting.
		for wait := time.Now().Add(5 * time.Second); time.Now().Before(wait); time.Sleep(10 * time.Millisecond) {
			rmu.Lock()
			n := len(asked)
			rmu.Unlock()
			if n == 0 {
				break
			}
		}
		rmu.Lock()
		replyLat = nil
		r.replies = loadResult{latencies: lat, count: len(lat), elapsed: time.Duration(el * float64(time.Second))}
		unanswered := len(asked)
		rmu.Unlock()
		r.replies.errors = unanswered
		return r
	}
	report := func(name string, r phaseResult) {
		fmt.Fprintf(out, "  %-21s webhook %s\n", name+":", r.hooks)
		fmt.Fprintf(out, "  %-21s first reply p50 %v  p99 %v  (%d answered, %d not within 5 s)\n", "",
			r.replies.quantile(0.5).Round(time.Millisecond/10), r.replies.quantile(0.99).Round(time.Millisecond/10), r.replies.count, r.replies.errors)
	}
	idle := phase()
	report("idle", idle)

	bc, err := srv.inst.broadcasts.Create(benchNotice(), "bench", "")
	if err != nil {
		return fmt.Errorf("create broadcast: %w", err)
	}
	// Measure once recipients are enqueued and sends flow.
	for wait := time.Now().Add(60 * time.Second); bcSends.Load() < int64(1000*numbers); {
		if time.Now().After(wait) {
			return fmt.Errorf("broadcast %s: no sends after 60s", bc.ID)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The broadcast alone first, to see what it gets without inbound load.
	alone0, a0 := bcSends.Load(), time.Now()
	time.Sleep(min(d, 3*time.Second))
	alone := float64(bcSends.Load()-alone0) / time.Since(a0).Seconds()
	fmt.Fprintf(out, "  broadcast alone:     %.0f sends/s\n", alone)
	busy := phase()
	st, err := srv.inst.broadcasts.Status(bc.ID)
	if err != nil {
		return err
	}
	report("during the broadcast", busy)
	// The number's budget counts what it receives and what it sends;
	// read receipts are not messages and are shown apart.
	fmt.Fprintf(out, "  the %d numbers' messages meanwhile: %.0f/s = %d received + %.0f replies + %.0f broadcast (plus %.0f read receipts/s); broadcast %s, %d pending at the end\n",
		numbers, float64(rate)+busy.all, rate, busy.all-busy.broadcast, busy.broadcast, busy.receipts, st.State, st.Pending)
	fmt.Fprintf(out, "  first-reply p99 during the broadcast: %v (goal ≤ 1 s: %s)\n", busy.replies.quantile(0.99).Round(time.Millisecond),
		map[bool]string{true: "met", false: "NOT met"}[busy.replies.quantile(0.99) <= time.Second && busy.replies.errors == 0])
	ip, bp := idle.hooks.quantile(0.99), busy.hooks.quantile(0.99)
	verdict := "met"
	if bp > 2*ip {
		verdict = "NOT met"
	}
	fmt.Fprintf(out, "  webhook p99 ratio: %.2f (goal ≤ 2: %s); first-reply p99 ratio: %.2f\n", float64(bp)/float64(ip), verdict,
		float64(busy.replies.quantile(0.99))/float64(max(1, idle.replies.quantile(0.99))))
	if st.Pending == 0 {
		fmt.Fprintln(out, "  warning: the broadcast finished before the measurement did")
	}
	return nil
}

// openLoop posts at a fixed rate for d, whatever the answers take, so that
// a slow server shows as latency rather than as fewer requests.
func openLoop(url string, d time.Duration, rate int, body func() []byte) loadResult {
	client := &fasthttp.Client{MaxConnsPerHost: 4096}
	var mu sync.Mutex
	var res loadResult
	var wg sync.WaitGroup
	interval := time.Second / time.Duration(rate)
	start := time.Now()
	next := start
	for time.Since(start) < d {
		b := body()
		wg.Add(1)
		go func() {
			defer wg.Done()
			t0 := time.Now()
			code, err := post(client, url, b)
			lat := time.Since(t0)
			mu.Lock()
			res.latencies = append(res.latencies, lat)
			if err != nil || code != 200 {
				res.errors++
			}
			mu.Unlock()
		}()
		next = next.Add(interval)
		if wait := time.Until(next); wait > 0 {
			time.Sleep(wait)
		}
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.count = len(res.latencies)
	return res
}

func (r loadResult) quantile(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	l := slices.Clone(r.latencies)
	slices.Sort(l)
	return l[min(len(l)-1, int(p*float64(len(l))))]
}

// benchSendRate holds a broadcast on numbers sending numbers for d and
// reports the messages per second the fake Graph API received: the
// average over the whole seconds after the first thousand sends, and the
// slowest second.
func benchSendRate(out io.Writer, d time.Duration, numbers int) error {
	recipients := numbers * int(1000*(d+20*time.Second)/time.Second)
	srv, err := startBenchServer(numbers, recipients, "1999")
	if err != nil {
		return err
	}
	defer srv.close()
	var sends atomic.Int64
	srv.graph.seen = func(string, time.Time) { sends.Add(1) }
	fmt.Fprintf(out, "broadcast alone on %d numbers at 1000 mps each (%d contacts), held for %s, GOMAXPROCS %d\n",
		numbers, recipients, d, runtime.GOMAXPROCS(0))
	bc, err := srv.inst.broadcasts.Create(benchNotice(), "bench", "")
	if err != nil {
		return fmt.Errorf("create broadcast: %w", err)
	}
	for wait := time.Now().Add(60 * time.Second); sends.Load() < 1000; {
		if time.Now().After(wait) {
			return fmt.Errorf("broadcast %s: no sends after 60s", bc.ID)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cpu0 := cpuTime()
	start, n0 := time.Now(), sends.Load()
	worst := math.MaxFloat64
	last, lastN := start, n0
	for s := 1; time.Since(start) < d; s++ {
		time.Sleep(time.Until(start.Add(time.Duration(s) * time.Second)))
		now, n := time.Now(), sends.Load()
		worst = min(worst, float64(n-lastN)/now.Sub(last).Seconds())
		last, lastN = now, n
	}
	el := time.Since(start)
	total := sends.Load() - n0
	cpu := cpuTime() - cpu0
	avg := float64(total) / el.Seconds()
	goal := 990.0 * float64(numbers)
	verdict := "met"
	if avg < goal {
		verdict = "NOT met"
	}
	fmt.Fprintf(out, "  %d sends in %s: %.0f/s (goal ≥ %.0f: %s); slowest second %.0f/s; CPU %.0f µs per send\n",
		total, el.Round(time.Millisecond), avg, goal, verdict, worst, float64(cpu.Microseconds())/float64(max(1, total)))
	for _, num := range srv.inst.cfg.PhoneNumberIDs {
		fmt.Fprintf(out, "  number %s: latency measured %v, sends in flight wanted %d\n", num,
			srv.inst.pacer.Latency(num).Round(time.Millisecond), srv.inst.pacer.InFlight(num))
	}
	return nil
}

// benchNotice is the notice both broadcast benchmarks send: one template
// to every seeded contact (tag "customers").
func benchNotice() broadcast.Spec {
	return broadcast.Spec{
		Name: "bench notice", Kind: broadcast.KindNotice, Critical: true,
		Templates: map[string]broadcast.Template{"en": {Name: "port_notice", Language: "en_US",
			Body: []broadcast.Param{{Value: "{{first_name|friend}}"}}}},
		Audience: contacts.Audience{TagsAny: []string{"customers"}},
	}
}
