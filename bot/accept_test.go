package bot

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/whatsapp"
	"lifeline/store"
)

// Accept's answers are what the webhook turns into statuses: a body that
// is not a WhatsApp batch is malformed, events that could not be stored
// are a *NotStoredError (saying whether the disk is full), and stored
// events are nil.
func TestAcceptSaysWhyEventsWereNotStored(t *testing.T) {
	const reserve = 256 << 20
	cases := []struct {
		label     string
		body      []byte
		fault     func(db *store.DB, closeDB func(), free *atomic.Uint64) // nil: none
		malformed bool
		notStored bool
		diskLow   bool
	}{
		{label: "signed batch", body: textPayload("wamid.A1", "15550001234", "hello", time.Now())},
		{label: "not json", body: []byte(`{"object":`), malformed: true},
		{label: "not whatsapp", body: []byte(`{"object":"page","entry":[]}`), malformed: true},
		{label: "disk below the reserve", body: textPayload("wamid.A2", "15550001234", "hello", time.Now()),
			fault: func(db *store.DB, _ func(), free *atomic.Uint64) {
				free.Store(reserve / 2)
				_ = db.CheckDisk() // measures now, as the store's own check would later
			}, notStored: true, diskLow: true},
		{label: "store closed", body: textPayload("wamid.A3", "15550001234", "hello", time.Now()),
			fault: func(_ *store.DB, closeDB func(), _ *atomic.Uint64) { closeDB() }, notStored: true},
	}
	for _, tc := range cases {
		t.Run(tc.label, func(t *testing.T) {
			var free atomic.Uint64
			free.Store(10 << 30)
			db, err := store.Open(store.Options{Dir: t.TempDir(), Logger: zerolog.Nop(), DiskReserve: reserve,
				FreeSpace: func(string) (uint64, error) { return free.Load(), nil }, DiskCheckEvery: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			closeDB := sync.OnceFunc(func() { db.Close() })
			defer closeDB()
			e := New(Config{PhoneNumberIDs: []string{testPhone}, RatePerNumber: 1000}, Options{DB: db, Sender: &SandboxSender{}, KB: stubKB{}, Logger: zerolog.Nop()})
			if err := e.Start(); err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			if tc.fault != nil {
				tc.fault(db, closeDB, &free)
			}
			err = e.Accept(tc.body)
			var nse *NotStoredError
			if got := errors.Is(err, whatsapp.ErrMalformed); got != tc.malformed {
				t.Errorf("malformed = %t (%v), want %t", got, err, tc.malformed)
			}
			if got := errors.As(err, &nse); got != tc.notStored {
				t.Errorf("not stored = %t (%v), want %t", got, err, tc.notStored)
			}
			if got := errors.Is(err, store.ErrDiskLow); got != tc.diskLow {
				t.Errorf("disk low = %t (%v), want %t", got, err, tc.diskLow)
			}
			if err == nil && !tc.malformed && !tc.notStored {
				e.WaitIdle()
				n := 0
				ctx := context.Background()
				if err := db.Read(ctx, func(r store.Reader) error {
					return store.EachTranscriptEntry(ctx, r, "15550001234", func(store.Entry) error { n++; return nil })
				}); err != nil {
					t.Fatal(err)
				}
				if n == 0 {
					t.Error("accepted, but the message is not in the transcript")
				}
			}
		})
	}
}
