package bot

import "strings"

// PendingBy counts the inbound events and outbox items queued on this
// instance (not yet finished) by group(user): with several instances, by
// partition, for the metrics of each partition this instance works.
func (e *Engine) PendingBy(group func(user string) int) (in, out map[int]int) {
	in, out = map[int]int{}, map[int]int{}
	if e.inbox != nil {
		e.inbox.countBy(group, in)
	}
	if e.outbox != nil {
		e.outbox.msgs.countBy(group, out)
		e.outbox.reads.countBy(group, out)
	}
	return in, out
}

// countBy adds the items queued in each lane to counts, under
// group(the lane's user).
func (l *lanes[T]) countBy(group func(user string) int, counts map[int]int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for key, q := range l.queues {
		if len(q) > 0 {
			counts[group(strings.TrimPrefix(key, readKeyPrefix))] += len(q)
		}
	}
}
