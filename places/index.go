package places

import (
	"math"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
)

// earthKm is the mean radius of the Earth.
const earthKm = 6371.0088

// kmPerDegLat is the length of one degree of latitude, the bound the
// search stops on: two points further apart in latitude than d km are
// at least d km apart.
const kmPerDegLat = earthKm * math.Pi / 180

// DistanceKm is the great-circle (haversine) distance between two points.
func DistanceKm(lat1, lon1, lat2, lon2 float64) float64 {
	const rad = math.Pi / 180
	dLat := (lat2 - lat1) * rad
	dLon := (lon2 - lon1) * rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthKm * math.Asin(math.Sqrt(min(1, a)))
}

// distanceCos is DistanceKm with the cosines of both latitudes given:
// the index keeps each place's, so a search computes one per place less.
func distanceCos(lat1, lon1, cos1, lat2, lon2, cos2 float64) float64 {
	const rad = math.Pi / 180
	s1 := math.Sin((lat2 - lat1) * rad / 2)
	s2 := math.Sin((lon2 - lon1) * rad / 2)
	a := s1*s1 + cos1*cos2*s2*s2
	return 2 * earthKm * math.Asin(math.Sqrt(min(1, a)))
}

func cosLat(lat float64) float64 { return math.Cos(lat * math.Pi / 180) }

// Hit is a place found near a point.
type Hit struct {
	Place      *Place
	DistanceKm float64
}

// Index answers "the nearest places of a kind" from memory. Each kind's
// places are kept sorted by latitude; a search walks outwards from the
// person's latitude in both directions and stops once the latitude alone
// puts every further place beyond the radius or beyond the n-th best
// found. Readers take an immutable snapshot without a lock; a change
// builds the new slice of its kind and swaps the snapshot.
type Index struct {
	mu   sync.Mutex // serialises changes
	snap atomic.Pointer[snapshot]
}

type entry struct {
	lat, lon, cos float64
	p             *Place
}

type snapshot struct {
	byKind map[Kind][]entry // sorted by lat
	byID   map[string]*Place
}

// NewIndex returns an index of ps.
func NewIndex(ps []Place) *Index {
	ix := &Index{}
	ix.Reset(ps)
	return ix
}

// Reset replaces the whole index by ps.
func (ix *Index) Reset(ps []Place) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.reset(ps)
}

func (ix *Index) reset(ps []Place) {
	s := &snapshot{byKind: map[Kind][]entry{}, byID: make(map[string]*Place, len(ps))}
	for i := range ps {
		p := ps[i]
		s.byID[p.ID] = &p
		s.byKind[p.Kind] = append(s.byKind[p.Kind], entry{lat: p.Lat, lon: p.Lon, cos: cosLat(p.Lat), p: &p})
	}
	for _, es := range s.byKind {
		sort.Slice(es, func(i, j int) bool { return es[i].lat < es[j].lat })
	}
	ix.snap.Store(s)
}

// Put adds or replaces place p.
func (ix *Index) Put(p Place) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	old := ix.snap.Load()
	s := old.without(p.ID)
	s.byID[p.ID] = &p
	es := slices.Clone(s.byKind[p.Kind])
	at := sort.Search(len(es), func(i int) bool { return es[i].lat >= p.Lat })
	s.byKind[p.Kind] = slices.Insert(es, at, entry{lat: p.Lat, lon: p.Lon, cos: cosLat(p.Lat), p: &p})
	ix.snap.Store(s)
}

// PutAll adds or replaces many places at once (an import): one rebuild
// rather than one per place.
func (ix *Index) PutAll(ps []Place) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	old := ix.snap.Load()
	all := make(map[string]Place, len(old.byID)+len(ps))
	for id, p := range old.byID {
		all[id] = *p
	}
	for _, p := range ps {
		all[p.ID] = p
	}
	list := make([]Place, 0, len(all))
	for _, p := range all {
		list = append(list, p)
	}
	ix.reset(list)
}

// Remove drops place id.
func (ix *Index) Remove(id string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.snap.Store(ix.snap.Load().without(id))
}

// without is a copy of s without place id: the maps are copied, and the
// slice of the kind the place was in is rebuilt; the others are shared.
func (s *snapshot) without(id string) *snapshot {
	n := &snapshot{byKind: make(map[Kind][]entry, len(s.byKind)), byID: make(map[string]*Place, len(s.byID)+1)}
	for k, es := range s.byKind {
		n.byKind[k] = es
	}
	for k, p := range s.byID {
		n.byID[k] = p
	}
	old, ok := s.byID[id]
	if !ok {
		return n
	}
	delete(n.byID, id)
	es := s.byKind[old.Kind]
	kept := make([]entry, 0, len(es))
	for _, e := range es {
		if e.p.ID != id {
			kept = append(kept, e)
		}
	}
	n.byKind[old.Kind] = kept
	return n
}

// Len is the number of places of kind; every place when kind is empty.
func (ix *Index) Len(kind Kind) int {
	s := ix.snap.Load()
	if kind == "" {
		return len(s.byID)
	}
	return len(s.byKind[kind])
}

// Get returns place id as indexed.
func (ix *Index) Get(id string) (*Place, bool) {
	p, ok := ix.snap.Load().byID[id]
	return p, ok
}

// Each calls fn with every place of kind (every place when kind is
// empty), in no particular order.
func (ix *Index) Each(kind Kind, fn func(*Place)) {
	s := ix.snap.Load()
	if kind == "" {
		for _, p := range s.byID {
			fn(p)
		}
		return
	}
	for _, e := range s.byKind[kind] {
		fn(e.p)
	}
}

// Nearest returns up to n places of kind within radiusKm of lat/lon for
// which keep says yes (nil keeps all), nearest first.
func (ix *Index) Nearest(kind Kind, lat, lon float64, n int, radiusKm float64, keep func(*Place) bool) []Hit {
	if n <= 0 {
		return nil
	}
	es := ix.snap.Load().byKind[kind]
	best := make([]Hit, 0, n+1)
	// bound is how far a place may be and still count: the radius, then
	// the n-th best distance once n are found.
	bound := radiusKm
	cos := cosLat(lat)
	consider := func(e entry) {
		d := distanceCos(lat, lon, cos, e.lat, e.lon, e.cos)
		if d > bound || (keep != nil && !keep(e.p)) {
			return
		}
		at := sort.Search(len(best), func(i int) bool { return best[i].DistanceKm > d })
		best = slices.Insert(best, at, Hit{Place: e.p, DistanceKm: d})
		if len(best) > n {
			best = best[:n]
		}
		if len(best) == n {
			bound = best[n-1].DistanceKm
		}
	}
	up := sort.Search(len(es), func(i int) bool { return es[i].lat >= lat })
	down := up - 1
	for up < len(es) || down >= 0 {
		// Take the side whose next place is closer in latitude.
		var e entry
		if down < 0 || (up < len(es) && es[up].lat-lat <= lat-es[down].lat) {
			e = es[up]
			up++
		} else {
			e = es[down]
			down--
		}
		if math.Abs(e.lat-lat)*kmPerDegLat > bound {
			break // every place left is further in latitude alone
		}
		consider(e)
	}
	return best
}
