package broadcast

// Benchmarks for BENCHMARKS.md ("Broadcasts"). Run them once each:
//
//	go test ./bot/broadcast -run '^$' -bench . -benchtime 1x
//
// BROADCAST_BENCH_RECIPIENTS (default 1000000) sets the enqueue size;
// BROADCAST_BENCH_DURATION (default 5s) how long the send rate is held;
// BROADCAST_BENCH_RATE (default 1000) the messages per second per number.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/whatsapp"
	"lifeline/store"
)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func envDur(name string, def time.Duration) time.Duration {
	if v, err := time.ParseDuration(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// seedContacts writes n opted-in contacts, a few thousand per transaction.
func seedContacts(b *testing.B, db *store.DB, n int) {
	b.Helper()
	const perTxn = 2000
	ctx := context.Background()
	at := time.Now()
	for from := 0; from < n; from += perTxn {
		err := db.WriteAny(ctx, func(tx store.Writer) error {
			for i := from; i < min(n, from+perTxn); i++ {
				c := store.Contact{WaID: fmt.Sprintf("9665%08d", i), Name: "Person", Language: []string{"en", "ar"}[i%2],
					Tags: []string{"employees"}, OptedIn: true, CreatedAt: at, UpdatedAt: at}
				if err := store.PutContact(ctx, tx, c); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// rssKB reads the resident set size of this process from /proc.
func rssKB() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// peaks samples heap in use and RSS until stop is called.
func peaks() (stop func() (heapMB, rssMB float64)) {
	var heap, rss atomic.Int64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if h := int64(ms.HeapInuse); h > heap.Load() {
				heap.Store(h)
			}
			if r := rssKB(); r > rss.Load() {
				rss.Store(r)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() (float64, float64) {
		close(done)
		wg.Wait()
		return float64(heap.Load()) / (1 << 20), float64(rss.Load()) / 1024
	}
}

func BenchmarkEnqueue(b *testing.B) {
	n := envInt("BROADCAST_BENCH_RECIPIENTS", 1_000_000)
	db, err := store.Open(store.Options{Dir: b.TempDir(), Logger: zerolog.Nop()})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	seedContacts(b, db, n)
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	heapBefore, rssBefore := float64(ms.HeapInuse)/(1<<20), float64(rssKB())/1024
	svc := New(Config{}, Options{DB: db, Sender: &countingSender{}, Logger: zerolog.Nop()})
	b.ResetTimer()
	for range b.N {
		bc, err := svc.Create(noticeSpec(), "bench", "")
		if err != nil {
			b.Fatal(err)
		}
		stop := peaks()
		start := time.Now()
		ctx, cancel := context.WithCancel(context.Background())
		bc, err = svc.enqueue(&run{id: bc.ID, ctx: ctx, cancel: cancel}, bc)
		cancel()
		took := time.Since(start)
		heapMB, rssMB := stop()
		if err != nil {
			b.Fatal(err)
		}
		if bc.Targeted != int64(n) {
			b.Fatalf("targeted %d, want %d", bc.Targeted, n)
		}
		b.ReportMetric(took.Seconds(), "s/enqueue")
		b.ReportMetric(float64(n)/took.Seconds(), "recipients/s")
		b.ReportMetric(heapMB, "peak-heap-MB")
		b.ReportMetric(rssMB, "peak-rss-MB")
		b.ReportMetric(heapBefore, "heap-before-MB")
		b.ReportMetric(rssBefore, "rss-before-MB")
	}
}

// countingSender stands in for the Graph API where only the enqueue is measured.
type countingSender struct{ n atomic.Int64 }

func (c *countingSender) Send(context.Context, string, whatsapp.Outbound) (whatsapp.SendResult, error) {
	return whatsapp.SendResult{MessageID: fmt.Sprintf("wamid.%d", c.n.Add(1))}, nil
}

func (c *countingSender) MarkRead(context.Context, string, string, bool) error { return nil }

// loopbackGraph is a minimal fake Graph API that counts sends per number
// and per second; it keeps no request bodies so it can run for minutes.
type loopbackGraph struct {
	srv   *httptest.Server
	start time.Time
	mu    sync.Mutex
	per   map[string][]int // number -> sends per second since start
	seq   atomic.Int64
}

func newLoopbackGraph() *loopbackGraph {
	g := &loopbackGraph{per: map[string][]int{}, start: time.Now()}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
		num := parts[1]
		sec := int(time.Since(g.start) / time.Second)
		g.mu.Lock()
		s := g.per[num]
		for len(s) <= sec {
			s = append(s, 0)
		}
		s[sec]++
		g.per[num] = s
		g.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"messaging_product":"whatsapp","contacts":[{"input":"x","wa_id":"x"}],"messages":[{"id":"wamid.B%d","message_status":"accepted"}]}`, g.seq.Add(1))
	}))
	return g
}

func benchRate(b *testing.B, numbers []string) {
	rate := float64(envInt("BROADCAST_BENCH_RATE", 1000))
	dur := envDur("BROADCAST_BENCH_DURATION", 5*time.Second)
	n := int(rate*float64(len(numbers))*(dur.Seconds()+2)) + 1000
	db, err := store.Open(store.Options{Dir: b.TempDir(), Logger: zerolog.Nop()})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	seedContacts(b, db, n)
	g := newLoopbackGraph()
	defer g.srv.Close()
	client := whatsapp.NewClient(whatsapp.ClientConfig{BaseURL: g.srv.URL, AccessToken: "t",
		HTTP: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}})
	svc := New(Config{PhoneNumberIDs: numbers, RatePerNumber: rate, FrequencyCap: -1, PairGap: -1, Tick: 50 * time.Millisecond},
		Options{DB: db, Sender: client, Logger: zerolog.Nop()})
	bc, err := svc.Create(noticeSpec(), "bench", "")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := svc.enqueue(&run{id: bc.ID, ctx: ctx, cancel: cancel}, bc); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	g.mu.Lock()
	g.start, g.per = time.Now(), map[string][]int{}
	g.mu.Unlock()
	if err := svc.Start(); err != nil {
		b.Fatal(err)
	}
	time.Sleep(dur + 2*time.Second)
	svc.Close()
	b.StopTimer()
	// The first second ramps up and the last may be partial: measure the
	// whole seconds in between.
	g.mu.Lock()
	defer g.mu.Unlock()
	secs := int(dur / time.Second)
	total, worst := 0.0, 0.0
	for _, num := range numbers {
		s := g.per[num]
		if len(s) < secs+1 {
			b.Fatalf("number %s sent for %d s only", num, len(s))
		}
		sum := 0
		for _, v := range s[1 : secs+1] {
			sum += v
			if d := abs(float64(v)-rate) / rate; d > worst {
				worst = d
			}
		}
		mps := float64(sum) / float64(secs)
		total += mps
		b.ReportMetric(mps, "mps-"+num)
	}
	b.ReportMetric(total, "mps-total")
	b.ReportMetric(worst*100, "worst-second-dev-%")
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

func BenchmarkSendRateOneNumber(b *testing.B) { benchRate(b, []string{"1001"}) }

func BenchmarkSendRateTwoNumbers(b *testing.B) { benchRate(b, []string{"1001", "1002"}) }
