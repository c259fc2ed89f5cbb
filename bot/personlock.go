package bot

import "sync"

// PersonLocks order what leaves for one person against the erasure of that
// person. A send holds the person's lock shared from its last look at the
// store to the record of its result; an erasure holds it exclusively, so
// it waits for a send already under way and every later send sees that
// its message is gone. The zero value is ready; locks of people nobody
// holds are not kept.
type PersonLocks struct {
	mu sync.Mutex
	m  map[string]*personLock
}

type personLock struct {
	rw   sync.RWMutex
	refs int
}

func (p *PersonLocks) acquire(user string) *personLock {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil {
		p.m = map[string]*personLock{}
	}
	l := p.m[user]
	if l == nil {
		l = &personLock{}
		p.m[user] = l
	}
	l.refs++
	return l
}

func (p *PersonLocks) release(user string, l *personLock) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if l.refs--; l.refs == 0 {
		delete(p.m, user)
	}
}

// Shared holds user's lock for a send; the returned func releases it and
// may be called more than once.
func (p *PersonLocks) Shared(user string) func() {
	l := p.acquire(user)
	l.rw.RLock()
	var once sync.Once
	return func() { once.Do(func() { l.rw.RUnlock(); p.release(user, l) }) }
}

// Exclusive holds user's lock for an erasure, once the sends under way
// have finished; the returned func releases it.
func (p *PersonLocks) Exclusive(user string) func() {
	l := p.acquire(user)
	l.rw.Lock()
	var once sync.Once
	return func() { once.Do(func() { l.rw.Unlock(); p.release(user, l) }) }
}
