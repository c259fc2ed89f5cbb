package contacts

import (
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"lifeline/store"
)

// BenchmarkImport100k imports a file of 100,000 new contacts into a store
// on disk: staging, the commit and applying, each batch synced.
func BenchmarkImport100k(b *testing.B) {
	file := importCSV(100_000, "bench")
	for b.Loop() {
		b.StopTimer()
		db, err := store.Open(store.Options{Dir: b.TempDir(), Logger: zerolog.Nop()})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := Import(db, strings.NewReader(file), "bench", now)
		if err != nil || res.Created != 100_000 {
			b.Fatalf("%+v %v", res, err)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
}
