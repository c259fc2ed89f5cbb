package places

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"lifeline/coord"
	"lifeline/store"
)

// DefaultRadiusKm is how far a place may be and still be offered as
// "near": beyond it a person is told none is near and offered a person.
const DefaultRadiusKm = 50

// Options are the service's collaborators.
type Options struct {
	DB       *store.DB
	Logger   zerolog.Logger
	Now      func() time.Time
	RadiusKm float64 // 0 for DefaultRadiusKm
	// Bus, when set, announces every change (ChangedTopic) so that the
	// other instances update their index; Start follows theirs.
	Bus coord.Bus
}

// Service keeps places: every change is written with its audit entry in
// one transaction, then applied to the index before it is answered.
type Service struct {
	db     *store.DB
	log    zerolog.Logger
	now    func() time.Time
	radius float64
	idx    *Index
	// mu orders the index updates as the commits they follow, so that
	// two changes of one place never leave the older one indexed.
	mu sync.Mutex

	bus      coord.Bus
	nonce    string
	unfollow func()

	// importStep, when set, runs after the i-th place of an import is
	// written; an error stops the import there, as a crash would.
	importStep func(i int) error
}

// Actor is who makes a change: recorded on the place and, with role and
// address, in the audit log.
type Actor struct {
	ID, Name, Role, IP string
}

func (a Actor) String() string {
	if a.Name == "" {
		return a.ID
	}
	return a.Name + " (" + a.ID + ")"
}

// NewService builds the service; Load fills its index from the store.
func NewService(o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.RadiusKm <= 0 {
		o.RadiusKm = DefaultRadiusKm
	}
	return &Service{db: o.DB, log: o.Logger.With().Str("comp", "places").Logger(), now: o.Now, radius: o.RadiusKm, idx: NewIndex(nil),
		bus: o.Bus, nonce: newNonce()}
}

// Load rebuilds the index from the store.
func (s *Service) Load(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ps []Place
	err := s.db.Read(ctx, func(r store.Reader) error {
		return store.EachPlace(ctx, r, func(p Place) error {
			ps = append(ps, p)
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("load places: %w", err)
	}
	s.idx.Reset(ps)
	s.log.Info().Int("places", len(ps)).Msg("places loaded")
	return nil
}

// Index is the service's index, for reads.
func (s *Service) Index() *Index { return s.idx }

// RadiusKm is how far a place may be and still be offered.
func (s *Service) RadiusKm() float64 { return s.radius }

// audit records a change's audit entry as an event of scope, in the
// change's transaction: the audit log folds it in after the commit.
func audit(ctx context.Context, w store.Writer, scope store.Scope, at time.Time, by Actor, action, id, detail string) error {
	_, err := store.AppendAuditEvent(ctx, w, scope, store.AuditEntry{At: at, Actor: by.ID, Name: by.Name, Role: by.Role, IP: by.IP,
		Action: action, Target: id, Detail: detail})
	return err
}

// scope is what a change of place id may write: that place.
func scope(id string) store.Scope { return store.DocScope(store.DocPlace, id) }

// checkIncident refuses an incident that does not exist or is closed: a
// place added to a closed incident would never be offered.
func checkIncident(ctx context.Context, r store.Reader, id string) error {
	if id == "" {
		return nil
	}
	st, err := store.IncidentState(ctx, r, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return invalid("incident", "%q does not exist: open it first (POST /admin/incidents) or leave it out for a permanent place", id)
	case err != nil:
		return err
	case st != "open":
		return invalid("incident", "%s is %s: a place can only be added to an open incident", id, st)
	}
	return nil
}

func get(ctx context.Context, r store.Reader, id string) (Place, error) {
	p, err := store.GetPlace[Place](ctx, r, id)
	if errors.Is(err, store.ErrNotFound) {
		return p, &NotFoundError{ID: id}
	}
	return p, err
}

// newID draws a place id not taken now, before the scoped write that adds
// the place (which checks again).
func (s *Service) newID(ctx context.Context) (string, error) {
	for {
		n, err := store.NextPlaceNumber(ctx, s.db)
		if err != nil {
			return "", err
		}
		id := fmt.Sprintf("pl%06d", n)
		var taken bool
		err = s.db.Read(ctx, func(r store.Reader) (err error) {
			taken, err = store.HasPlace(ctx, r, id)
			return err
		})
		if err != nil || !taken {
			return id, err
		}
	}
}

// Create adds a place; the audit entry is written with it.
func (s *Service) Create(ctx context.Context, in Input, by Actor) (*Place, error) {
	p, err := in.Validate()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now().UTC()
	// A new place's id is drawn before its scoped write, which may then
	// write only that place and its audit event; a retried transaction
	// keeps the id.
	id := p.ID
	if id == "" {
		var err error
		if id, err = s.newID(ctx); err != nil {
			return nil, fmt.Errorf("add place: %w", err)
		}
	}
	var out Place
	err = s.db.Write(ctx, scope(id), func(w store.Writer) error {
		out = p
		out.ID = id
		out.UpdatedAt, out.UpdatedBy = now, by.String()
		if err := checkIncident(ctx, w, out.Incident); err != nil {
			return err
		}
		if taken, err := store.HasPlace(ctx, w, out.ID); err != nil {
			return err
		} else if taken && p.ID != "" {
			return fmt.Errorf("%w: %s: change it with PATCH /admin/places/%s", ErrConflict, out.ID, out.ID)
		} else if taken {
			return fmt.Errorf("%w: place %s was added by another change meanwhile: add it again", ErrConflict, out.ID)
		}
		if err := store.PutPlace(ctx, w, out.ID, &out); err != nil {
			return err
		}
		return audit(ctx, w, scope(out.ID), now, by, "place.create", out.ID, fmt.Sprintf("%s %q %s", out.Kind, out.Name[DefaultLang], out.State))
	})
	if err != nil {
		return nil, fmt.Errorf("add place: %w", err)
	}
	s.idx.Put(out)
	s.announce(out.ID)
	return &out, nil
}

// Get loads place id.
func (s *Service) Get(ctx context.Context, id string) (*Place, error) {
	var p Place
	err := s.db.Read(ctx, func(r store.Reader) (err error) {
		p, err = get(ctx, r, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// Filter selects places; zero fields match all.
type Filter struct {
	Kind     Kind
	State    State
	Incident string
}

// List returns the matching places in order of id.
func (s *Service) List(ctx context.Context, f Filter) ([]Place, error) {
	if f.Kind != "" {
		if err := checkKind(f.Kind); err != nil {
			return nil, err
		}
	}
	if f.State != "" {
		if err := CheckState(f.State); err != nil {
			return nil, err
		}
	}
	out := []Place{}
	err := s.db.Read(ctx, func(r store.Reader) error {
		return store.EachPlace(ctx, r, func(p Place) error {
			if (f.Kind == "" || p.Kind == f.Kind) && (f.State == "" || p.State == f.State) && (f.Incident == "" || p.Incident == f.Incident) {
				out = append(out, p)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list places: %w", err)
	}
	return out, nil
}

// change applies fn to place id in one transaction, in the place's scope,
// with its audit entry, and then to the index.
func (s *Service) change(ctx context.Context, id, action string, by Actor, fn func(w store.Writer, p *Place) (string, error)) (*Place, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now().UTC()
	var out Place
	err := s.db.Write(ctx, scope(id), func(w store.Writer) error {
		p, err := get(ctx, w, id)
		if err != nil {
			return err
		}
		detail, err := fn(w, &p)
		if err != nil {
			return err
		}
		p.UpdatedAt, p.UpdatedBy = now, by.String()
		if err := store.PutPlace(ctx, w, id, &p); err != nil {
			return err
		}
		out = p
		return audit(ctx, w, scope(id), now, by, action, id, detail)
	})
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", strings.ReplaceAll(action, ".", " "), id, err)
	}
	s.idx.Put(out)
	s.announce(id)
	return &out, nil
}

// Update applies pt to place id.
func (s *Service) Update(ctx context.Context, id string, pt Patch, by Actor) (*Place, error) {
	// Checked once before the transaction so that a bad patch is refused
	// without a write; applied again inside, on what the store holds.
	if _, err := pt.apply(&Place{Lat: 1, Lon: 1}); err != nil {
		return nil, err
	}
	return s.change(ctx, id, "place.update", by, func(w store.Writer, p *Place) (string, error) {
		changed, err := pt.apply(p)
		if err != nil {
			return "", err
		}
		if pt.Incident != nil {
			if err := checkIncident(ctx, w, p.Incident); err != nil {
				return "", err
			}
		}
		return "changed " + strings.Join(changed, ", "), nil
	})
}

// SetState opens, fills or closes place id. It takes effect at once: the
// next person who asks is answered from the changed index.
func (s *Service) SetState(ctx context.Context, id string, st State, by Actor) (*Place, error) {
	if err := CheckState(st); err != nil {
		return nil, err
	}
	return s.change(ctx, id, "place.state", by, func(_ store.Writer, p *Place) (string, error) {
		detail := fmt.Sprintf("%s -> %s", p.State, st)
		p.State = st
		return detail, nil
	})
}

// Delete removes place id.
func (s *Service) Delete(ctx context.Context, id string, by Actor) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now().UTC()
	err := s.db.Write(ctx, scope(id), func(w store.Writer) error {
		p, err := get(ctx, w, id)
		if err != nil {
			return err
		}
		if err := store.DeletePlace(ctx, w, id); err != nil {
			return err
		}
		return audit(ctx, w, scope(id), now, by, "place.delete", id, fmt.Sprintf("%s %q", p.Kind, p.Name[DefaultLang]))
	})
	if err != nil {
		return fmt.Errorf("delete place %s: %w", id, err)
	}
	s.idx.Remove(id)
	s.announce(id)
	return nil
}

// Offered reports whether a person may be sent to p: it is open and
// belongs to no incident or to one still open. incidents caches the
// states read in one search.
func offered(ctx context.Context, r store.Reader, p *Place, incidents map[string]bool) (bool, error) {
	if p.State != StateOpen {
		return false, nil
	}
	if p.Incident == "" {
		return true, nil
	}
	open, ok := incidents[p.Incident]
	if !ok {
		st, err := store.IncidentState(ctx, r, p.Incident)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return false, err
		}
		open = err == nil && st == "open"
		incidents[p.Incident] = open
	}
	return open, nil
}

// Nearest returns up to n places of kind a person may be sent to, within
// the service's radius of lat/lon, nearest first.
func (s *Service) Nearest(ctx context.Context, kind Kind, lat, lon float64, n int) ([]Hit, error) {
	var hits []Hit
	err := s.db.Read(ctx, func(r store.Reader) error {
		incidents := map[string]bool{}
		var ferr error
		hits = s.idx.Nearest(kind, lat, lon, n, s.radius, func(p *Place) bool {
			ok, err := offered(ctx, r, p, incidents)
			if err != nil && ferr == nil {
				ferr = err
			}
			return ok
		})
		return ferr
	})
	if err != nil {
		return nil, fmt.Errorf("nearest %s: %w", kind, err)
	}
	return hits, nil
}

// Open returns up to n places of kind a person may be sent to, by name.
func (s *Service) Open(ctx context.Context, kind Kind, n int) ([]*Place, error) {
	var out []*Place
	err := s.db.Read(ctx, func(r store.Reader) error {
		incidents := map[string]bool{}
		var ferr error
		s.idx.Each(kind, func(p *Place) {
			ok, err := offered(ctx, r, p, incidents)
			if err != nil && ferr == nil {
				ferr = err
			}
			if ok {
				out = append(out, p)
			}
		})
		return ferr
	})
	if err != nil {
		return nil, fmt.Errorf("open %s places: %w", kind, err)
	}
	slices.SortFunc(out, func(a, b *Place) int {
		if c := strings.Compare(a.Name[DefaultLang], b.Name[DefaultLang]); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	if len(out) > n {
		out = out[:n]
	}
	return out, nil
}
