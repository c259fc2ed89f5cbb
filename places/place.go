// Package places owns the places people can be sent to in a crisis:
// shelters, clinics, water and food points, charging points, offices.
// Admins keep them (API and CSV import, every change audited in its own
// transaction); the conversation asks for the nearest open ones through
// an in-memory index that every change updates before the change is
// answered, so that a shelter marked full or closed is never offered
// again, not even once.
package places

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"

	"lifeline/store"
)

// Kind of place.
type Kind string

// Kinds.
const (
	KindShelter  Kind = "shelter"
	KindClinic   Kind = "clinic"
	KindWater    Kind = "water"
	KindFood     Kind = "food"
	KindCharging Kind = "charging"
	KindOffice   Kind = "office"
	KindOther    Kind = "other"
)

// Kinds lists every kind in the order the API documents them.
var Kinds = []Kind{KindShelter, KindClinic, KindWater, KindFood, KindCharging, KindOffice, KindOther}

// State of a place. Only open places are offered to people.
type State string

// States.
const (
	StateOpen   State = "open"
	StateFull   State = "full"
	StateClosed State = "closed"
)

// States lists every state.
var States = []State{StateOpen, StateFull, StateClosed}

// DefaultLang is the key of the name every place must have: the name
// shown in a language the place has no name for.
const DefaultLang = "default"

// Limits on what a place holds.
const (
	maxName    = 200
	maxAddress = 500
	maxNotes   = 2000
	// maxDistrict keeps a district short enough for a list row's id
	// (200 bytes) and readable as its title.
	maxDistrict = 60
	maxCap      = 1_000_000
)

// Sentinel errors; the admin API maps them to statuses in one place.
var (
	ErrInvalid  = errors.New("invalid place")
	ErrConflict = errors.New("place exists")
)

// FieldError names the field of a place that is wrong; it matches
// ErrInvalid. Field is the JSON path ("lat", "name.ar"), which a CSV
// import turns into its column.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return fmt.Sprintf("%s: %s: %s", ErrInvalid, e.Field, e.Msg) }

// Unwrap makes it match ErrInvalid.
func (e *FieldError) Unwrap() error { return ErrInvalid }

func invalid(field, format string, args ...any) error {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// NotFoundError names the place that does not exist.
type NotFoundError struct{ ID string }

func (e *NotFoundError) Error() string { return fmt.Sprintf("no place %q", e.ID) }

// Unwrap makes it match store.ErrNotFound.
func (e *NotFoundError) Unwrap() error { return store.ErrNotFound }

// Place is the stored record of one place.
type Place struct {
	ID string `json:"id"`
	// Name by language code, with DefaultLang always present.
	Name    map[string]string `json:"name"`
	Kind    Kind              `json:"kind"`
	Lat     float64           `json:"lat"`
	Lon     float64           `json:"lon"`
	Address string            `json:"address,omitempty"`
	// District by language code ("default", "ar"): the part of town a
	// person names when they cannot share their location.
	District map[string]string `json:"district,omitempty"`
	Capacity int               `json:"capacity,omitempty"` // people; 0 when not known
	State    State             `json:"state"`
	// Notes by language code (opening hours, what to bring).
	Notes map[string]string `json:"notes,omitempty"`
	// Incident is the incident the place was opened for; empty for a
	// permanent place. A place of a closed incident is not offered.
	Incident  string    `json:"incident,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

// NameIn is the place's name in lang, or its default name.
func (p *Place) NameIn(lang string) string {
	if n := p.Name[lang]; n != "" {
		return n
	}
	return p.Name[DefaultLang]
}

// DistrictIn is the place's district in lang, or its default district
// (any, when it has no default).
func (p *Place) DistrictIn(lang string) string {
	if d := p.District[lang]; d != "" {
		return d
	}
	if d := p.District[DefaultLang]; d != "" {
		return d
	}
	for _, l := range slices.Sorted(maps.Keys(p.District)) {
		return p.District[l]
	}
	return ""
}

// Input is a new place, as the API and each CSV row give it. Lat and Lon
// are pointers so that a missing coordinate is told apart from 0.
type Input struct {
	ID       string            `json:"id,omitempty"` // chosen by the server when empty
	Name     map[string]string `json:"name"`
	Kind     Kind              `json:"kind"`
	Lat      *float64          `json:"lat"`
	Lon      *float64          `json:"lon"`
	Address  string            `json:"address,omitempty"`
	District map[string]string `json:"district,omitempty"`
	Capacity int               `json:"capacity,omitempty"`
	State    State             `json:"state,omitempty"` // open when empty
	Notes    map[string]string `json:"notes,omitempty"`
	Incident string            `json:"incident,omitempty"`
}

// Patch changes a place; nil fields stay as they are. The state has its
// own route (SetState) so that every change of it is one audited act.
type Patch struct {
	Name     map[string]string `json:"name,omitempty"` // replaces the whole map
	Kind     *Kind             `json:"kind,omitempty"`
	Lat      *float64          `json:"lat,omitempty"`
	Lon      *float64          `json:"lon,omitempty"`
	Address  *string           `json:"address,omitempty"`
	District map[string]string `json:"district,omitempty"` // replaces the whole map; {} removes it
	Capacity *int              `json:"capacity,omitempty"`
	Notes    map[string]string `json:"notes,omitempty"` // replaces the whole map
	Incident *string           `json:"incident,omitempty"`
}

var (
	idPattern   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)
	langPattern = regexp.MustCompile(`^[a-z]{2,3}$`)
)

// CheckID refuses an id that could not name a place in a URL.
func CheckID(id string) error {
	if !idPattern.MatchString(id) {
		return invalid("id", "%q: want 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit", id)
	}
	return nil
}

// CheckCoordinates is the rule for a place's position: both given, finite,
// latitude -90..90, longitude -180..180, and not exactly 0,0. That point
// is in the open sea off West Africa; a place there is a spreadsheet's
// empty cells read as zeros, never a shelter.
func CheckCoordinates(lat, lon *float64) error {
	switch {
	case lat == nil && lon == nil:
		return invalid("lat", "missing: give lat and lon in decimal degrees, such as 26.4207 and 50.0888")
	case lat == nil:
		return invalid("lat", "missing")
	case lon == nil:
		return invalid("lon", "missing")
	case math.IsNaN(*lat) || math.IsInf(*lat, 0) || *lat < -90 || *lat > 90:
		return invalid("lat", "%v is not a latitude: want -90 to 90", *lat)
	case math.IsNaN(*lon) || math.IsInf(*lon, 0) || *lon < -180 || *lon > 180:
		return invalid("lon", "%v is not a longitude: want -180 to 180", *lon)
	case *lat == 0 && *lon == 0:
		return invalid("lat", "0,0 is not a place anyone can go to: an empty cell read as zero? give the real coordinates")
	}
	return nil
}

func checkKind(k Kind) error {
	if !slices.Contains(Kinds, k) {
		if k == "" {
			return invalid("kind", "missing: want one of %s", list(Kinds))
		}
		return invalid("kind", "%q: want one of %s", k, list(Kinds))
	}
	return nil
}

// CheckState refuses a state that is not open, full or closed.
func CheckState(s State) error {
	if !slices.Contains(States, s) {
		return invalid("state", "%q: want one of %s", s, list(States))
	}
	return nil
}

func list[T ~string](v []T) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}

// cleanTexts trims a per-language map, drops empty values and checks the
// language codes and lengths; field is "name" or "notes".
func cleanTexts(field string, m map[string]string, max int) (map[string]string, error) {
	if len(m) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(m))
	for lang, v := range m {
		l := strings.ToLower(strings.TrimSpace(lang))
		if l != DefaultLang && !langPattern.MatchString(l) {
			return nil, invalid(field+"."+lang, "%q is not a language code such as en or ar (or %q)", lang, DefaultLang)
		}
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if n := len([]rune(v)); n > max {
			return nil, invalid(field+"."+l, "%d characters: at most %d", n, max)
		}
		out[l] = v
	}
	return out, nil
}

func checkName(m map[string]string) (map[string]string, error) {
	m, err := cleanTexts("name", m, maxName)
	if err != nil {
		return nil, err
	}
	if m[DefaultLang] == "" {
		return nil, invalid("name."+DefaultLang, `missing: every place needs a default name, such as {"default": "Town hall shelter", "ar": "..."}`)
	}
	return m, nil
}

func checkAddress(a string) (string, error) {
	a = strings.TrimSpace(a)
	if n := len([]rune(a)); n > maxAddress {
		return "", invalid("address", "%d characters: at most %d", n, maxAddress)
	}
	return a, nil
}

// checkDistrict cleans a district map: a district must hold a letter or
// digit, since a person's words are matched to it.
func checkDistrict(m map[string]string) (map[string]string, error) {
	m, err := cleanTexts("district", m, maxDistrict)
	if err != nil {
		return nil, err
	}
	for _, l := range slices.Sorted(maps.Keys(m)) {
		if foldKey(m[l]) == "" {
			return nil, invalid("district."+l, "%q has no letters or digits to match what a person writes", m[l])
		}
	}
	return m, nil
}

func checkCapacity(n int) error {
	if n < 0 || n > maxCap {
		return invalid("capacity", "%d: want 0 (not known) to %d people", n, maxCap)
	}
	return nil
}

// Validate normalises in and returns the place it describes (without
// id, time or author), or the first problem found.
func (in *Input) Validate() (Place, error) {
	var p Place
	if in.ID != "" {
		if err := CheckID(in.ID); err != nil {
			return p, err
		}
	}
	name, err := checkName(in.Name)
	if err != nil {
		return p, err
	}
	if err := checkKind(in.Kind); err != nil {
		return p, err
	}
	if err := CheckCoordinates(in.Lat, in.Lon); err != nil {
		return p, err
	}
	addr, err := checkAddress(in.Address)
	if err != nil {
		return p, err
	}
	if err := checkCapacity(in.Capacity); err != nil {
		return p, err
	}
	state := in.State
	if state == "" {
		state = StateOpen
	}
	if err := CheckState(state); err != nil {
		return p, err
	}
	notes, err := cleanTexts("notes", in.Notes, maxNotes)
	if err != nil {
		return p, err
	}
	district, err := checkDistrict(in.District)
	if err != nil {
		return p, err
	}
	inc := strings.TrimSpace(in.Incident)
	return Place{ID: in.ID, Name: name, Kind: in.Kind, Lat: *in.Lat, Lon: *in.Lon, Address: addr, District: district,
		Capacity: in.Capacity, State: state, Notes: notes, Incident: inc}, nil
}

// apply changes p as pt says and names what changed, or the first problem.
func (pt *Patch) apply(p *Place) ([]string, error) {
	var changed []string
	if pt.Name != nil {
		name, err := checkName(pt.Name)
		if err != nil {
			return nil, err
		}
		p.Name, changed = name, append(changed, "name")
	}
	if pt.Kind != nil {
		if err := checkKind(*pt.Kind); err != nil {
			return nil, err
		}
		p.Kind, changed = *pt.Kind, append(changed, "kind")
	}
	if pt.Lat != nil || pt.Lon != nil {
		lat, lon := p.Lat, p.Lon
		if pt.Lat != nil {
			lat = *pt.Lat
		}
		if pt.Lon != nil {
			lon = *pt.Lon
		}
		if err := CheckCoordinates(&lat, &lon); err != nil {
			return nil, err
		}
		p.Lat, p.Lon, changed = lat, lon, append(changed, "position")
	}
	if pt.Address != nil {
		a, err := checkAddress(*pt.Address)
		if err != nil {
			return nil, err
		}
		p.Address, changed = a, append(changed, "address")
	}
	if pt.District != nil {
		d, err := checkDistrict(pt.District)
		if err != nil {
			return nil, err
		}
		p.District, changed = d, append(changed, "district")
	}
	if pt.Capacity != nil {
		if err := checkCapacity(*pt.Capacity); err != nil {
			return nil, err
		}
		p.Capacity, changed = *pt.Capacity, append(changed, "capacity")
	}
	if pt.Notes != nil {
		n, err := cleanTexts("notes", pt.Notes, maxNotes)
		if err != nil {
			return nil, err
		}
		p.Notes, changed = n, append(changed, "notes")
	}
	if pt.Incident != nil {
		p.Incident, changed = strings.TrimSpace(*pt.Incident), append(changed, "incident")
	}
	if len(changed) == 0 {
		return nil, fmt.Errorf("%w: nothing to change: give name, kind, lat, lon, address, district, capacity, notes or incident (the state has its own route)", ErrInvalid)
	}
	return changed, nil
}
