package store

import "encoding/binary"

// SetSequence records in w that the named sequence has handed out every
// number up to n: a store built from another one's records (a cluster's
// backup) keeps it, so that a copy of it (lifeline migrate) hands out
// only numbers above n.
func SetSequence(w Writer, name string, n uint64) error {
	var v [8]byte
	binary.BigEndian.PutUint64(v[:], n)
	return w.Set(seqKey(name), v[:], 0)
}

// HasSequence reports whether r holds the named sequence: whether any
// number of it was handed out, or recorded by SetSequence.
func HasSequence(r Reader, name string) (bool, error) { return r.Has(seqKey(name)) }
