package store

import (
	"errors"
	"fmt"
	"sync"
	"syscall"
	"time"

	"github.com/rs/zerolog"
)

// ErrDiskLow means the free space of the disk holding the store is below
// the reserve: new work is refused so that what was accepted can finish.
// Badger writes through memory maps, and a write into a full disk kills
// the process (SIGBUS) instead of returning an error.
var ErrDiskLow = errors.New("disk space below the reserve")

// FreeSpace reports the bytes an unprivileged process can still write on
// the filesystem holding dir.
type FreeSpace func(dir string) (uint64, error)

// StatfsFree is FreeSpace from statfs(2).
func StatfsFree(dir string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, fmt.Errorf("statfs %s: %w", dir, err)
	}
	return st.Bavail * uint64(st.Bsize), nil
}

// DiskState is the last free-space check.
type DiskState struct {
	Free    uint64
	Reserve uint64 // 0: no reserve is kept, nothing is checked
	Low     bool   // Free < Reserve
	Err     error  // the check itself failed (the last known Free is kept)
	Checked time.Time
}

// critical is how far below the reserve even the work already accepted
// stops writing: a quarter of the reserve is left so that badger never
// writes into a full disk.
func (d DiskState) critical() bool { return d.Reserve > 0 && d.Free < d.Reserve/4 }

// criticalErr is the error of a write refused below a quarter of the
// reserve; nil above it.
func (d DiskState) criticalErr() error {
	if !d.critical() {
		return nil
	}
	return fmt.Errorf("%w: %s free, below a quarter of the reserve: not writing", ErrDiskLow, Bytes(d.Free))
}

func (d DiskState) err() error {
	if !d.Low {
		return nil
	}
	return fmt.Errorf("%w: %s free, reserve %s", ErrDiskLow, Bytes(d.Free), Bytes(d.Reserve))
}

// diskGuard keeps the free space of the store's disk above a reserve.
type diskGuard struct {
	dir     string
	reserve uint64
	free    FreeSpace
	log     zerolog.Logger

	mu    sync.Mutex
	state DiskState
}

// check measures the free space now and logs a change of state: an ALERT
// when it falls below the reserve, a note when it is back.
func (g *diskGuard) check() DiskState {
	if g == nil {
		return DiskState{}
	}
	free, err := g.free(g.dir)
	g.mu.Lock()
	prev := g.state
	st := DiskState{Free: free, Reserve: g.reserve, Err: err, Checked: time.Now()}
	if err != nil {
		st.Free = prev.Free
	}
	st.Low = st.Free < g.reserve
	first := prev.Checked.IsZero()
	g.state = st
	g.mu.Unlock()
	switch {
	case err != nil && (first || prev.Err == nil):
		g.log.Warn().Err(err).Str("dir", g.dir).Msg("cannot measure free disk space")
	case st.Low && (first || !prev.Low):
		g.log.Error().Str("alert", "disk_low").Str("dir", g.dir).Uint64("free_bytes", st.Free).Uint64("reserve_bytes", g.reserve).
			Msgf("ALERT: only %s free on the disk holding %s, below the reserve of %s (LIFELINE_DISK_RESERVE): new work is refused with 503 until space is freed; reads continue",
				Bytes(st.Free), g.dir, Bytes(g.reserve))
	case !st.Low && prev.Low:
		g.log.Warn().Str("dir", g.dir).Uint64("free_bytes", st.Free).Msgf("disk space is back above the reserve (%s free): taking new work again", Bytes(st.Free))
	}
	return st
}

// last returns the last state, measuring again when it is older than maxAge.
func (g *diskGuard) last(maxAge time.Duration) DiskState {
	if g == nil {
		return DiskState{}
	}
	g.mu.Lock()
	st := g.state
	g.mu.Unlock()
	if time.Since(st.Checked) > maxAge {
		return g.check()
	}
	return st
}

// CheckDisk measures the free space now and returns an error wrapping
// ErrDiskLow when it is below the reserve. Every new piece of work (a
// webhook, an admin write) asks first; a statfs costs about a microsecond.
func (s *DB) CheckDisk() error { return s.disk.check().err() }

// Disk returns the last free-space check without measuring again.
func (s *DB) Disk() DiskState { return s.disk.last(time.Hour * 24 * 365) }

// diskLoop measures the free space periodically, so that the state (and
// the ALERT) follows the disk even when no request comes.
func (s *DB) diskLoop(every time.Duration) {
	defer s.wg.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.disk.check()
		}
	}
}

// Bytes formats a byte count for people.
func Bytes(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := uint64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
