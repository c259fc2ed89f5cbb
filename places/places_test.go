package places

import (
	"context"
	"errors"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/coord"
	"lifeline/store"
)

func TestValidate(t *testing.T) {
	good := func() Input {
		return Input{Name: map[string]string{"default": "Town hall"}, Kind: KindShelter, Lat: f(26.42), Lon: f(50.08)}
	}
	cases := []struct {
		name  string
		edit  func(*Input)
		field string // empty: valid
	}{
		{"a good place", func(*Input) {}, ""},
		{"state defaults to open", func(in *Input) { in.State = "" }, ""},
		{"the poles and the antimeridian are places", func(in *Input) { in.Lat, in.Lon = f(-90), f(180) }, ""},
		{"0 latitude alone is a place (the equator)", func(in *Input) { in.Lat = f(0) }, ""},
		{"no coordinates", func(in *Input) { in.Lat, in.Lon = nil, nil }, "lat"},
		{"no longitude", func(in *Input) { in.Lon = nil }, "lon"},
		{"latitude over 90", func(in *Input) { in.Lat = f(90.0001) }, "lat"},
		{"longitude under -180", func(in *Input) { in.Lon = f(-181) }, "lon"},
		{"0,0 is empty cells", func(in *Input) { in.Lat, in.Lon = f(0), f(0) }, "lat"},
		{"no default name", func(in *Input) { in.Name = map[string]string{"ar": "ملجأ"} }, "name.default"},
		{"blank default name", func(in *Input) { in.Name = map[string]string{"default": "  "} }, "name.default"},
		{"bad language code", func(in *Input) { in.Name["english"] = "x" }, "name.english"},
		{"name too long", func(in *Input) { in.Name["default"] = strings.Repeat("a", 201) }, "name.default"},
		{"unknown kind", func(in *Input) { in.Kind = "hotel" }, "kind"},
		{"no kind", func(in *Input) { in.Kind = "" }, "kind"},
		{"unknown state", func(in *Input) { in.State = "ajar" }, "state"},
		{"negative capacity", func(in *Input) { in.Capacity = -1 }, "capacity"},
		{"id with a slash", func(in *Input) { in.ID = "a/b" }, "id"},
		{"notes in a bad language", func(in *Input) { in.Notes = map[string]string{"x1": "n"} }, "notes.x1"},
	}
	for _, c := range cases {
		in := good()
		c.edit(&in)
		_, err := in.Validate()
		var fe *FieldError
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.field != "" && !errors.As(err, &fe):
			t.Errorf("%s: err %v, want a field error on %s", c.name, err, c.field)
		case c.field != "" && (fe.Field != c.field || !errors.Is(err, ErrInvalid)):
			t.Errorf("%s: error on %q (%v), want %q", c.name, fe.Field, err, c.field)
		}
	}
}

func TestParseCSV(t *testing.T) {
	cases := []struct {
		name, csv string
		places    int
		errs      []string // "row:column" of every bad row
	}{
		{"good rows with languages, aliases and a blank line",
			"\ufeffName,name_ar,Kind,Latitude,Longitude,address,capacity,state,notes_fr\n" +
				"Town hall,دار البلدية,shelter,26.42,50.08,1 Main St,300,open,Apportez des couvertures\n\n" +
				"Well,,WATER,\"26,43\",50.1,,,full,\n", 2, nil},
		{"empty file", "", 0, []string{"1:"}},
		{"header only", "name,kind,lat,lon\n", 0, []string{"2:"}},
		{"missing column", "name,kind,lat\n", 0, []string{"1:lon"}},
		{"unknown column", "name,kind,lat,lon,colour\n", 0, []string{"1:colour"}},
		{"column twice", "name,kind,lat,lon,lat\n", 0, []string{"1:lat"}},
		{"every bad row named",
			"name,kind,lat,lon,capacity,id\n" +
				"Good,shelter,1,1,,a\n" +
				",shelter,1,1,,\n" +
				"No lat,shelter,,1,,\n" +
				"Text,shelter,north,1,,\n" +
				"Zero,shelter,0,0,,\n" +
				"Cap,shelter,1,1,many,\n" +
				"Dup,shelter,1,1,,a\n" +
				"Too many,shelter,1,1,,,extra\n", 0,
			[]string{"3:name", "4:lat", "5:lat", "6:lat", "7:capacity", "8:id", "9:"}},
	}
	for _, c := range cases {
		ins, _, err := ParseCSV(strings.NewReader(c.csv))
		var ie *ImportError
		if c.errs == nil {
			if err != nil || len(ins) != c.places {
				t.Errorf("%s: %d places, %v; want %d", c.name, len(ins), err, c.places)
			}
			continue
		}
		if !errors.As(err, &ie) {
			t.Errorf("%s: err %v, want row errors %v", c.name, err, c.errs)
			continue
		}
		var got []string
		for _, r := range ie.Rows {
			got = append(got, strings.Join([]string{itoa(r.Row), r.Column}, ":"))
		}
		if strings.Join(got, " ") != strings.Join(c.errs, " ") {
			t.Errorf("%s: rows %v, want %v (%v)", c.name, got, c.errs, err)
		}
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

func openDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestNearestMatchesBruteForce: the index answers what checking every
// place would, for random places and people, including across the
// antimeridian and near the poles.
func TestNearestMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var ps []Place
	for i := range 3000 {
		st := StateOpen
		if i%5 == 0 {
			st = StateClosed
		}
		ps = append(ps, Place{ID: itoa(i), Kind: Kinds[i%3], Lat: r.Float64()*178 - 89, Lon: r.Float64()*360 - 180, State: st,
			Name: map[string]string{"default": itoa(i)}})
	}
	ix := NewIndex(ps)
	open := func(p *Place) bool { return p.State == StateOpen }
	for q := range 500 {
		lat, lon := r.Float64()*180-90, r.Float64()*360-180
		kind := Kinds[q%3]
		radius := 3000.0
		got := ix.Nearest(kind, lat, lon, 3, radius, open)
		var want []Hit
		for i := range ps {
			p := &ps[i]
			if d := DistanceKm(lat, lon, p.Lat, p.Lon); p.Kind == kind && open(p) && d <= radius {
				want = append(want, Hit{Place: p, DistanceKm: d})
			}
		}
		sort.Slice(want, func(i, j int) bool { return want[i].DistanceKm < want[j].DistanceKm })
		want = want[:min(3, len(want))]
		if len(got) != len(want) {
			t.Fatalf("query %d: %d hits, want %d", q, len(got), len(want))
		}
		for i := range got {
			if got[i].Place.ID != want[i].Place.ID {
				t.Fatalf("query %d hit %d: %s at %.3f km, want %s at %.3f km", q, i, got[i].Place.ID, got[i].DistanceKm, want[i].Place.ID, want[i].DistanceKm)
			}
		}
	}
}

func TestDistance(t *testing.T) {
	// One degree along a meridian, and a quarter of the Earth.
	if d := DistanceKm(10, 20, 11, 20); d < 111.19 || d > 111.20 {
		t.Errorf("one degree of latitude %.3f km", d)
	}
	if d := DistanceKm(0, 0, 90, 0); d < 10007 || d > 10008 {
		t.Errorf("equator to pole %.1f km", d)
	}
	if d := DistanceKm(0, 179.9, 0, -179.9); d > 23 {
		t.Errorf("across the antimeridian %.1f km", d)
	}
}

// TestOfferedOnlyWhileOpen: a full or closed place, and a place of a
// closed incident, are not offered; a state change counts at once.
func TestOfferedOnlyWhileOpen(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	svc := NewService(Options{DB: db, Logger: zerolog.Nop()})
	if err := db.WriteAny(ctx, func(w store.Writer) error {
		return store.PutIncident(ctx, w, "inc1", map[string]string{"id": "inc1", "state": "open"})
	}); err != nil {
		t.Fatal(err)
	}
	add := func(id, inc string, lat float64) {
		if _, err := svc.Create(ctx, Input{ID: id, Name: map[string]string{"default": id}, Kind: KindShelter, Lat: f(lat), Lon: f(50), Incident: inc}, admin); err != nil {
			t.Fatal(err)
		}
	}
	add("a", "", 26.00)
	add("b", "inc1", 26.01)
	add("c", "", 26.02)
	names := func() string {
		hits, err := svc.Nearest(ctx, KindShelter, 26, 50, 3)
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, h := range hits {
			s = append(s, h.Place.ID)
		}
		return strings.Join(s, ",")
	}
	if got := names(); got != "a,b,c" {
		t.Fatalf("all open: %s", got)
	}
	if _, err := svc.SetState(ctx, "a", StateFull, admin); err != nil {
		t.Fatal(err)
	}
	if got := names(); got != "b,c" {
		t.Errorf("a full: %s", got)
	}
	if err := db.WriteAny(ctx, func(w store.Writer) error {
		return store.PutIncident(ctx, w, "inc1", map[string]string{"id": "inc1", "state": "closed"})
	}); err != nil {
		t.Fatal(err)
	}
	if got := names(); got != "c" {
		t.Errorf("incident closed: %s", got)
	}
	if _, err := svc.Create(ctx, Input{Name: map[string]string{"default": "x"}, Kind: KindShelter, Lat: f(1), Lon: f(1), Incident: "inc1"}, admin); !errors.Is(err, ErrInvalid) {
		t.Errorf("a place added to a closed incident: %v", err)
	}
	_, err := svc.Import(ctx, strings.NewReader("name,kind,lat,lon,incident\nA,shelter,1,1,\nB,shelter,1,1,inc1\n"), admin)
	var ie *ImportError
	if !errors.As(err, &ie) || len(ie.Rows) != 1 || ie.Rows[0].Row != 3 || ie.Rows[0].Column != "incident" {
		t.Errorf("import naming a closed incident: %v", err)
	}
	if n := svc.Index().Len(KindShelter); n != 3 {
		t.Errorf("a refused import changed the index: %d shelters", n)
	}
	if err := svc.Delete(ctx, "c", admin); err != nil {
		t.Fatal(err)
	}
	if got := names(); got != "" {
		t.Errorf("c deleted: %s", got)
	}
}

// TestOtherInstanceFollows: a change made through one instance's service
// reaches another instance's index through the bus.
func TestOtherInstanceFollows(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	bus := coord.NewMemoryBus()
	t.Cleanup(bus.Close)
	a := NewService(Options{DB: db, Logger: zerolog.Nop(), Bus: bus})
	b := NewService(Options{DB: db, Logger: zerolog.Nop(), Bus: bus})
	for _, s := range []*Service{a, b} {
		if err := s.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
	}
	if _, err := a.Create(ctx, Input{ID: "x", Name: map[string]string{"default": "x"}, Kind: KindShelter, Lat: f(1), Lon: f(1)}, admin); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "b indexes x", func() bool { p, ok := b.Index().Get("x"); return ok && p.State == StateOpen })
	if _, err := a.SetState(ctx, "x", StateClosed, admin); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "b sees x closed", func() bool { p, ok := b.Index().Get("x"); return ok && p.State == StateClosed })
	if _, err := a.Import(ctx, strings.NewReader("name,kind,lat,lon\nWell,water,2,2\n"), admin); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "b has the import", func() bool { return b.Index().Len(KindWater) == 1 })
	if err := a.Delete(ctx, "x", admin); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "b drops x", func() bool { _, ok := b.Index().Get("x"); return !ok })
}

// waitFor polls cond: the bus delivers on its own goroutine.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
