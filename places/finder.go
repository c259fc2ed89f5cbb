package places

import (
	"context"

	"lifeline/flows"
)

// Finder is the conversation's view of the service (a flows.PlaceFinder):
// only places a person may be sent to, names in their language.
type Finder struct{ S *Service }

var _ flows.PlaceFinder = Finder{}

// Knows reports whether any place of kind is kept, open or not.
func (f Finder) Knows(kind string) bool { return f.S.idx.Len(Kind(kind)) > 0 }

// RadiusKm is how far a place may be and still be offered.
func (f Finder) RadiusKm() float64 { return f.S.radius }

// Nearest returns the nearest open places of kind within the radius.
func (f Finder) Nearest(kind string, lat, lon float64, lang string, n int) ([]flows.PlaceHit, error) {
	hits, err := f.S.Nearest(context.Background(), Kind(kind), lat, lon, n)
	if err != nil {
		return nil, err
	}
	out := make([]flows.PlaceHit, len(hits))
	for i, h := range hits {
		out[i] = hit(h.Place, lang)
		out[i].DistanceKm = h.DistanceKm
	}
	return out, nil
}

// Open returns up to n open places of kind, by name.
func (f Finder) Open(kind, lang string, n int) ([]flows.PlaceHit, error) {
	ps, err := f.S.Open(context.Background(), Kind(kind), n)
	if err != nil {
		return nil, err
	}
	out := make([]flows.PlaceHit, len(ps))
	for i, p := range ps {
		out[i] = hit(p, lang)
	}
	return out, nil
}

// InDistrict returns the district of kind's places that words name ("":
// none) and up to n of its open places, by name.
func (f Finder) InDistrict(kind, words, lang string, n int) (string, []flows.PlaceHit, error) {
	m, err := f.S.InDistrict(context.Background(), Kind(kind), words, lang, n)
	if err != nil {
		return "", nil, err
	}
	out := make([]flows.PlaceHit, len(m.Open))
	for i, p := range m.Open {
		out[i] = hit(p, lang)
	}
	return m.District, out, nil
}

// Districts returns up to n districts with open places of kind, most
// places first, and how many there are.
func (f Finder) Districts(kind, lang string, n int) ([]flows.PlaceDistrict, int, error) {
	ds, total, err := f.S.Districts(context.Background(), Kind(kind), lang, n)
	if err != nil {
		return nil, 0, err
	}
	out := make([]flows.PlaceDistrict, len(ds))
	for i, d := range ds {
		out[i] = flows.PlaceDistrict{Name: d.Name, Open: d.Open}
	}
	return out, total, nil
}

// Place is the place id as the bot sends it (an FAQ answer's attachment),
// whatever its state: the entry names that place.
func (f Finder) Place(id, lang string) (flows.PlaceHit, bool) {
	p, err := f.S.Get(context.Background(), id)
	if err != nil {
		return flows.PlaceHit{}, false
	}
	return hit(p, lang), true
}

func hit(p *Place, lang string) flows.PlaceHit {
	return flows.PlaceHit{Name: p.NameIn(lang), Address: p.Address, Lat: p.Lat, Lon: p.Lon}
}
