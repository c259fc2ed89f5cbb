package kb

import (
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/store"
)

var benchWords = strings.Fields(`water shelter power outage flood storm evacuation medicine doctor
hospital children school pets insurance claim donation volunteer rumour food fridge phone battery
charge road bridge closed open family missing safe check emergency number ambulance fire police
clean boil drink bottle tap supply distribution point aid help money bank card cash fuel gas
generator heat cold blanket clothes baby milk formula elderly care home nurse vaccine test
symptom fever cough mask hands wash soap school exam work office salary rent landlord damage roof
window tree cable wire electricity cooker candle torch radio news update official warning alert`)

// syntheticEntries makes n English entries of plausible FAQ shape.
func syntheticEntries(n int, seed int64) []Entry {
	r := rand.New(rand.NewSource(seed))
	pick := func(k int) string {
		ws := make([]string, k)
		for i := range ws {
			ws[i] = benchWords[r.Intn(len(benchWords))]
		}
		return strings.Join(ws, " ")
	}
	out := make([]Entry, n)
	for i := range out {
		out[i] = Entry{
			ID:       fmt.Sprintf("e%05d", i),
			Lang:     "en",
			Question: "How do I " + pick(6) + "?",
			Answer:   "You should " + pick(25) + ". Then " + pick(15) + ".",
			Category: pick(1),
		}
	}
	return out
}

// benchOptions read the system's thesauri, as the server does by default,
// so that the figures are the ones a server with them installed gets.
var benchOptions = Options{ThesaurusDir: DefaultThesaurusDir}

func benchKB(b *testing.B, n int) *KB {
	b.Helper()
	db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	k, err := OpenWith(db, zerolog.Nop(), benchOptions)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := k.Import(syntheticEntries(n, 1), ModeReplace, "bench"); err != nil {
		b.Fatal(err)
	}
	return k
}

func benchSearch(b *testing.B, n int) {
	k := benchKB(b, n)
	queries := make([]string, 200)
	r := rand.New(rand.NewSource(2))
	for i := range queries {
		queries[i] = "how can I " + benchWords[r.Intn(len(benchWords))] + " " + benchWords[r.Intn(len(benchWords))] + " " + benchWords[r.Intn(len(benchWords))]
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := time.Now()
		k.Search(queries[i%len(queries)], "en", 10)
		lat = append(lat, time.Since(t))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
}

func BenchmarkSearch1000(b *testing.B)  { benchSearch(b, 1000) }
func BenchmarkSearch10000(b *testing.B) { benchSearch(b, 10000) }

// BenchmarkReimport1000 is a full replace import of 1,000 entries: index,
// store as a new version, swap.
func BenchmarkReimport1000(b *testing.B) {
	k := benchKB(b, 10)
	entries := syntheticEntries(1000, 3)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := k.Import(entries, ModeReplace, "bench"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkColdStart10000 opens a KB on a store that already holds a
// 10,000-entry version: load, decode, index.
func BenchmarkColdStart10000(b *testing.B) {
	db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	k, err := OpenWith(db, zerolog.Nop(), benchOptions)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := k.Import(syntheticEntries(10000, 4), ModeReplace, "bench"); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k2, err := OpenWith(db, zerolog.Nop(), benchOptions)
		if err != nil {
			b.Fatal(err)
		}
		if !k2.Ready() {
			b.Fatal("not ready")
		}
	}
}

// BenchmarkSearchHugeToken searches the sample FAQ with one 100,000-letter
// token: the bound on query and token length keeps it as cheap as a
// sentence.
func BenchmarkSearchHugeToken(b *testing.B) {
	db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	k, err := OpenWith(db, zerolog.Nop(), benchOptions)
	if err != nil {
		b.Fatal(err)
	}
	q := strings.Repeat("a", 100000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k.Search(q, "", 5)
	}
}
