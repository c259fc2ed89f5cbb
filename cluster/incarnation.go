package cluster

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Incarnation is one run of an instance: a random id written into every
// lease and heartbeat it writes, and the id of the run before it from
// the same data directory when that run is known to have ended.
//
// A restart after a crash (kill -9, power loss) keeps LIFELINE_INSTANCE_ID,
// and the leases the crashed run held still name it. Waiting out their
// TTL would stop its partitions for that long for nothing; taking them at
// once is safe only when the run that holds them is certainly dead, not a
// second process started with the same id by mistake. The data directory
// proves it: each run holds an exclusive lock on a file there for its
// whole life (the kernel drops it when the process dies, however it
// dies), and writes its incarnation id beside it. A run that gets the
// lock knows the previous run of this directory is gone, and takes over
// at once exactly the leases that name this instance and that run's id
// (Leases, LeaseOptions.Previous); a holder of the same name with any
// other incarnation (another machine with the same id) is waited out.
type Incarnation struct {
	ID       string // this run's id
	Previous string // the previous run of this data directory and instance, ended; "" if none known

	lock *os.File
}

// incarnationFile and lockFile are the files in the data directory.
const (
	incarnationFile = "incarnation"
	lockFile        = "instance.lock"
)

// ErrDirInUse is a data directory another running process holds.
var ErrDirInUse = errors.New("another running process uses this data directory")

// ClaimIncarnation locks dir for this run of instance and gives it a new
// incarnation; Close releases the lock. It fails with ErrDirInUse while
// another process holds dir.
func ClaimIncarnation(dir, instance string) (*Incarnation, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("incarnation in %s: %w", dir, err)
	}
	f, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("incarnation in %s: %w", dir, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("incarnation in %s: %w", dir, ErrDirInUse)
		}
		return nil, fmt.Errorf("incarnation in %s: lock: %w", dir, err)
	}
	inc := &Incarnation{lock: f}
	// The previous run's line: "<instance> <incarnation>". Another
	// instance id run from this directory before says nothing about the
	// leases of this one.
	if b, err := os.ReadFile(filepath.Join(dir, incarnationFile)); err == nil {
		if id, prev, ok := strings.Cut(strings.TrimSpace(string(b)), " "); ok && id == instance {
			inc.Previous = prev
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		inc.Close()
		return nil, fmt.Errorf("incarnation in %s: %w", dir, err)
	}
	var r [8]byte
	if _, err := rand.Read(r[:]); err != nil {
		inc.Close()
		return nil, fmt.Errorf("incarnation: %w", err)
	}
	inc.ID = hex.EncodeToString(r[:])
	tmp := filepath.Join(dir, incarnationFile+".tmp")
	if err := os.WriteFile(tmp, []byte(instance+" "+inc.ID+"\n"), 0o600); err != nil {
		inc.Close()
		return nil, fmt.Errorf("incarnation in %s: %w", dir, err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, incarnationFile)); err != nil {
		inc.Close()
		return nil, fmt.Errorf("incarnation in %s: %w", dir, err)
	}
	return inc, nil
}

// Close releases the data directory's lock.
func (inc *Incarnation) Close() {
	if inc != nil && inc.lock != nil {
		_ = inc.lock.Close()
		inc.lock = nil
	}
}
