package understand

import (
	"iter"
	"strings"
	"unicode/utf8"
)

// keyIndex maps the first keyRunes runes of phrases, packed into one
// integer, to the phrases. Every rune of every message is looked up in
// several of them, and most runes start no phrase: a bit filter answers
// those without hashing into the map. The keys the filter lets through
// are found in an open-addressing table rather than the map, which cost
// more than the rest of a phrase scan.
type keyIndex[T any] struct {
	byKey  map[uint64][]T
	filter []uint64 // bit h(key) set for every key in byKey
	shift  uint     // h(key) = key*filterMul >> shift
	slots  []keySlot
	lists  [][]T // the phrases of slot.list-1
	sshift uint  // the slot of key is key*filterMul >> sshift, or after it
}

// keySlot is a key of a keyIndex; list 0 marks an empty slot.
type keySlot struct {
	key  uint64
	list int32
}

const filterMul = 0x9E3779B97F4A7C15 // Fibonacci hashing

// add files v under key k; the filter and the table are rebuilt when the
// map outgrows them, so an index is ready for lookups after any add.
func (ix *keyIndex[T]) add(k uint64, v T) {
	if ix.byKey == nil {
		ix.byKey = map[uint64][]T{}
	}
	ix.byKey[k] = append(ix.byKey[k], v)
	// The table is kept at most half full.
	if len(ix.byKey)*2 > len(ix.slots) {
		bits := uint(4)
		for 1<<bits < len(ix.byKey)*4 {
			bits++
		}
		ix.slots, ix.lists, ix.sshift = make([]keySlot, 1<<bits), nil, 64-bits
		for k, ps := range ix.byKey {
			ix.lists = append(ix.lists, ps)
			ix.slots[ix.free(k)] = keySlot{k, int32(len(ix.lists))}
		}
	} else if j := ix.free(k); ix.slots[j].list != 0 {
		ix.lists[ix.slots[j].list-1] = ix.byKey[k]
	} else {
		ix.lists = append(ix.lists, ix.byKey[k])
		ix.slots[j] = keySlot{k, int32(len(ix.lists))}
	}
	// 16 to 32 bits per key keep false hits at 3-6%.
	if len(ix.byKey)*16 > len(ix.filter)*64 {
		bits := uint(10)
		for 1<<bits < len(ix.byKey)*32 {
			bits++
		}
		ix.filter = make([]uint64, 1<<bits/64)
		ix.shift = 64 - bits
		for k := range ix.byKey {
			ix.mark(k)
		}
		return
	}
	ix.mark(k)
}

// free returns the slot holding k, or the empty one where it belongs.
func (ix *keyIndex[T]) free(k uint64) uint64 {
	mask := uint64(len(ix.slots) - 1)
	j := k * filterMul >> ix.sshift
	for ix.slots[j].list != 0 && ix.slots[j].key != k {
		j = (j + 1) & mask
	}
	return j
}

func (ix *keyIndex[T]) mark(k uint64) {
	h := k * filterMul >> ix.shift
	ix.filter[h>>6] |= 1 << (h & 63)
}

// lookup returns the phrases filed under k, once the filter let k through.
func (ix *keyIndex[T]) lookup(k uint64) []T {
	mask := uint64(len(ix.slots) - 1)
	for j := k * filterMul >> ix.sshift; ; j = (j + 1) & mask {
		switch sl := ix.slots[j]; {
		case sl.list == 0:
			return nil
		case sl.key == k:
			return ix.lists[sl.list-1]
		}
	}
}

// at yields, for each position of s at which keyAt finds a key filed in
// the index, the position and the phrases filed under its key, in the
// order of the positions. It walks s as the loop over keyAt would (the
// same rune starts, the same keys, none where fewer than keyRunes runes
// remain) but decodes each rune once and rolls the key on, so a long
// text in Arabic or Devanagari costs a rune per position, not three.
func (ix *keyIndex[T]) at(s string) iter.Seq2[int, []T] {
	return func(yield func(int, []T) bool) {
		if ix.filter == nil {
			return
		}
		var k uint64
		p0, p1, p2 := 0, 0, 0 // the starts of the last keyRunes runes
		n := 0
		for i := 0; i < len(s); {
			// runeAt, written out: the compiler does not inline it.
			r, size := rune(s[i]), 1
			if r >= utf8.RuneSelf {
				if r >= 0xC2 && r < 0xE0 && i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
					r, size = (r&0x1F)<<6|rune(s[i+1]&0x3F), 2
				} else {
					r, size = utf8.DecodeRuneInString(s[i:])
				}
			}
			k = (k<<21 | uint64(r)) & keyMask
			p0, p1, p2 = p1, p2, i
			i += size
			if n++; n < keyRunes {
				continue
			}
			h := k * filterMul >> ix.shift
			if ix.filter[h>>6]&(1<<(h&63)) == 0 {
				continue
			}
			if ps := ix.lookup(k); ps != nil && !yield(p0, ps) {
				return
			}
		}
	}
}

// keyMask keeps the last keyRunes runes of a rolled key, 21 bits each;
// at keeps the starts of three runes, the length of a key.
const keyMask = 1<<(21*keyRunes) - 1

var _ [0]struct{} = [keyRunes - 3]struct{}{}

// get returns the phrases filed under k, nil when none.
func (ix *keyIndex[T]) get(k uint64) []T {
	if ix.filter == nil {
		return nil
	}
	h := k * filterMul >> ix.shift
	if ix.filter[h>>6]&(1<<(h&63)) == 0 {
		return nil
	}
	return ix.lookup(k)
}

// keyAt packs the keyRunes runes of s starting at byte i into one key and
// returns the width of the first (the step to the next position), as
// ranging over s would decode them; ok is false when fewer than keyRunes
// runes remain.
func keyAt(s string, i int) (k uint64, w int, ok bool) {
	if i+3 <= len(s) && s[i]|s[i+1]|s[i+2] < utf8.RuneSelf {
		return uint64(s[i])<<42 | uint64(s[i+1])<<21 | uint64(s[i+2]), 1, true
	}
	for n := range keyRunes {
		if i >= len(s) {
			return 0, 0, false
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if n == 0 {
			w = size
		}
		k = k<<21 | uint64(r)
		i += size
	}
	return k, w, true
}

// key returns the packed first keyRunes runes of s, false when s is
// shorter.
func key(s string) (uint64, bool) {
	k, _, ok := keyAt(s, 0)
	return k, ok
}

// runeAt decodes the rune at s[i] as utf8.DecodeRuneInString(s[i:]) does,
// the one- and two-byte runes (Latin, Arabic) without a call.
func runeAt(s string, i int) (rune, int) {
	c := s[i]
	if c < utf8.RuneSelf {
		return rune(c), 1
	}
	if c >= 0xC2 && c < 0xE0 && i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
		return rune(c&0x1F)<<6 | rune(s[i+1]&0x3F), 2
	}
	return utf8.DecodeRuneInString(s[i:])
}

// containsAny is strings.ContainsAny, each rune of chars looked for with a
// byte search: strings.ContainsAny decodes the text rune by rune when chars
// is beyond ASCII, which on a long paste cost more than a phrase scan.
func containsAny(s, chars string) bool {
	for _, c := range chars {
		if strings.ContainsRune(s, c) {
			return true
		}
	}
	return false
}
