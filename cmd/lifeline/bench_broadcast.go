package main

import (
	"fmt"
	"io"
	"runtime"
	"slices"
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
func benchBroadcast(out io.Writer, d time.Duration, rate int) error {
	if rate <= 0 {
		rate = 200
	}
	srv, err := startBenchServer(1)
	if err != nil {
		return err
	}
	defer srv.close()
	const bcPrefix = "1999"
	var bcSends, allSends atomic.Int64
	srv.graph.seen = func(to string, _ time.Time) {
		allSends.Add(1)
		if strings.HasPrefix(to, bcPrefix) {
			bcSends.Add(1)
		}
	}
	// Enough recipients that the broadcast outlasts the measurement.
	recipients := int(1000*(d+10*time.Second)/time.Second) + 5000
	for start := 0; start < recipients; start += contacts.MaxRows {
		var csv strings.Builder
		csv.WriteString("phone,name,language,tags\n")
		for i := start; i < min(recipients, start+contacts.MaxRows); i++ {
			fmt.Fprintf(&csv, "+%s%07d,Person %d,en,customers\n", bcPrefix, i, i)
		}
		if _, err := contacts.Import(srv.inst.db, strings.NewReader(csv.String()), "bench", time.Now()); err != nil {
			return fmt.Errorf("import contacts: %w", err)
		}
	}
	fmt.Fprintf(out, "inbound webhook latency at %d POST/s, idle and during a broadcast at 1000 mps on one number (%d contacts), %s each, GOMAXPROCS %d\n",
		rate, recipients, d, runtime.GOMAXPROCS(0))

	var user atomic.Uint64
	body := func(i uint64) []byte {
		// Users write back and forth: 5,000 people, each message new.
		return payload(i, fmt.Sprintf("1555%07d", user.Add(1)%5000), "100000", "is the tap water safe to drink?")
	}
	var seq atomic.Uint64
	idle := openLoop(srv.url+"/webhook", d, rate, func() []byte { return body(seq.Add(1)) })
	fmt.Fprintf(out, "  idle:                %s\n", idle)

	bc, err := srv.inst.broadcasts.Create(broadcast.Spec{
		Name: "bench notice", Kind: broadcast.KindNotice, Critical: true,
		Templates: map[string]broadcast.Template{"en": {Name: "port_notice", Language: "en_US",
			Body: []broadcast.Param{{Value: "{{first_name|friend}}"}}}},
		Audience: contacts.Audience{TagsAny: []string{"customers"}},
	}, "bench", "")
	if err != nil {
		return fmt.Errorf("create broadcast: %w", err)
	}
	// Measure once recipients are enqueued and sends flow.
	for wait := time.Now().Add(60 * time.Second); bcSends.Load() < 1000; {
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
	before, all0, t0 := bcSends.Load(), allSends.Load(), time.Now()
	busy := openLoop(srv.url+"/webhook", d, rate, func() []byte { return body(seq.Add(1)) })
	sent, all, el := bcSends.Load()-before, allSends.Load()-all0, time.Since(t0)
	st, err := srv.inst.broadcasts.Status(bc.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  during the broadcast: %s\n", busy)
	// Replies and broadcasts share the number's budget (bot/pace), so the
	// replies to the inbound load take their share of the 1000 mps.
	fmt.Fprintf(out, "  meanwhile the number sent %.0f msg/s: broadcast %.0f/s, replies %.0f/s; broadcast %s, %d pending at the end\n",
		float64(all)/el.Seconds(), float64(sent)/el.Seconds(), float64(all-sent)/el.Seconds(), st.State, st.Pending)
	ip, bp := idle.quantile(0.99), busy.quantile(0.99)
	verdict := "met"
	if bp > 2*ip {
		verdict = "NOT met"
	}
	fmt.Fprintf(out, "  p99 ratio: %.2f (goal ≤ 2: %s)\n", float64(bp)/float64(ip), verdict)
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
