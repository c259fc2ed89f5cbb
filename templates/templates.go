// Package templates keeps the business account's message templates
// (name, language, category, status, body text, header kind, number of
// parameters, buttons) in the store, so that a broadcast naming a
// template that is not approved in that language, or giving it the wrong
// number of parameters, is refused before anything is sent. The list
// comes from WhatsApp's management API (GET /{waba-id}/message_templates)
// or, without a business account id and in sandbox mode, from a local
// JSON file of the same shape. It is synced at start, on demand and when
// a template status webhook arrives.
package templates

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/broadcast"
	"lifeline/bot/whatsapp"
	"lifeline/store"
)

// SandboxJSON is the built-in template list of sandbox mode: the
// templates the README's broadcasts use, approved.
//
//go:embed sandbox.json
var SandboxJSON []byte

// Source lists the account's templates.
type Source interface {
	List(ctx context.Context) ([]whatsapp.MessageTemplate, error)
	// Name says where the list comes from, for the sync record and logs.
	Name() string
}

// Graph lists the templates of business account WABA through the
// management API.
type Graph struct {
	Client *whatsapp.Client
	WABA   string
}

// List implements Source.
func (g Graph) List(ctx context.Context) ([]whatsapp.MessageTemplate, error) {
	ts, err := g.Client.ListTemplates(ctx, g.WABA)
	if err != nil {
		return nil, fmt.Errorf("list templates of business account %s: %w", g.WABA, err)
	}
	return ts, nil
}

// Name implements Source.
func (g Graph) Name() string { return "graph" }

// File reads the list from a JSON file of the management API's shape
// ({"data": [...]}, or the array alone); Data, when set, is the file's
// content (the built-in sandbox list).
type File struct {
	Path string
	Data []byte
}

// List implements Source.
func (f File) List(context.Context) ([]whatsapp.MessageTemplate, error) {
	b := f.Data
	if b == nil {
		var err error
		if b, err = os.ReadFile(f.Path); err != nil {
			return nil, fmt.Errorf("read templates file: %w", err)
		}
	}
	ts, err := ParseList(b)
	if err != nil {
		return nil, fmt.Errorf("templates file %s: %w", f.Name(), err)
	}
	return ts, nil
}

// Name implements Source.
func (f File) Name() string {
	if f.Data != nil && f.Path == "" {
		return "sandbox"
	}
	return "file " + f.Path
}

// ParseList decodes a template list: the management API's page
// ({"data": [...]}) or a bare array. Unknown fields are refused, so that
// a typing mistake in a hand-written file is named rather than ignored.
func ParseList(b []byte) ([]whatsapp.MessageTemplate, error) {
	trimmed := strings.TrimSpace(string(b))
	var ts []whatsapp.MessageTemplate
	dec := json.NewDecoder(strings.NewReader(trimmed))
	dec.DisallowUnknownFields()
	if strings.HasPrefix(trimmed, "[") {
		if err := dec.Decode(&ts); err != nil {
			return nil, err
		}
	} else {
		var p whatsapp.TemplatePage
		if err := dec.Decode(&p); err != nil {
			return nil, err
		}
		ts = p.Data
	}
	for i, t := range ts {
		if t.Name == "" || t.Language == "" || t.Status == "" {
			return nil, fmt.Errorf("template %d (%q): name, language and status are required", i+1, t.Name)
		}
	}
	return ts, nil
}

// varRe finds a template's variables: {{1}} or {{first_name}}.
var varRe = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_]+)\s*\}\}`)

// countVars counts the distinct variables of a text ({{1}} twice is one
// parameter).
func countVars(s string) int {
	seen := map[string]bool{}
	for _, m := range varRe.FindAllStringSubmatch(s, -1) {
		seen[m[1]] = true
	}
	return len(seen)
}

// Flatten is the stored form of a listed template.
func Flatten(t whatsapp.MessageTemplate, at time.Time) store.Template {
	out := store.Template{Name: t.Name, Language: t.Language, Category: t.Category, Status: strings.ToUpper(t.Status),
		Named: strings.EqualFold(t.ParameterFormat, "NAMED"), UpdatedAt: at}
	for _, c := range t.Components {
		switch strings.ToUpper(c.Type) {
		case "HEADER":
			out.HeaderKind = strings.ToUpper(c.Format)
			if out.HeaderKind == "" {
				out.HeaderKind = "TEXT"
			}
			if out.HeaderKind == "TEXT" {
				out.HeaderText, out.HeaderParams = c.Text, countVars(c.Text)
			}
		case "BODY":
			out.Body, out.BodyParams = c.Text, countVars(c.Text)
		case "BUTTONS":
			for _, b := range c.Buttons {
				out.Buttons = append(out.Buttons, store.Button{Type: strings.ToUpper(b.Type), Text: b.Text})
			}
		}
	}
	return out
}

// Options are the service's collaborators.
type Options struct {
	DB     *store.DB
	Source Source // nil: no list (the real API without a business account id)
	Logger zerolog.Logger
	Now    func() time.Time
}

// Service syncs and serves the template list. Safe for concurrent use.
type Service struct {
	db  *store.DB
	src Source
	log zerolog.Logger
	now func() time.Time

	syncMu sync.Mutex // one sync at a time

	kick   chan struct{}
	cancel context.CancelFunc
	done   chan struct{}
}

// ErrNoSource is the error of a sync on a server without a list to sync
// from.
var ErrNoSource = errors.New("no template source: set LIFELINE_WABA_ID (the business account id) or LIFELINE_TEMPLATES_FILE")

// New builds the service; Start syncs and starts the background refresh.
func New(o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{db: o.DB, src: o.Source, log: o.Logger.With().Str("comp", "templates").Logger(), now: o.Now,
		kick: make(chan struct{}, 1)}
}

// Report is what a sync did.
type Report struct {
	store.TemplateSync
	Approved int `json:"approved"`
}

// Sync reads the list from the source and makes it the stored list in
// one transaction. A failure keeps the stored list as it was.
func (s *Service) Sync(ctx context.Context) (Report, error) {
	if s.src == nil {
		return Report{}, ErrNoSource
	}
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	listed, err := s.src.List(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("sync templates from %s: %w", s.src.Name(), err)
	}
	at := s.now().UTC()
	ts := make([]store.Template, 0, len(listed))
	seen := map[string]bool{}
	rep := Report{TemplateSync: store.TemplateSync{At: at, Source: s.src.Name()}}
	for _, t := range listed {
		f := Flatten(t, at)
		if k := f.Name + "/" + f.Language; seen[k] {
			return Report{}, fmt.Errorf("sync templates from %s: template %s (%s) listed twice", s.src.Name(), f.Name, f.Language)
		} else {
			seen[k] = true
		}
		if f.Status == "APPROVED" {
			rep.Approved++
		}
		ts = append(ts, f)
	}
	rep.Templates = len(ts)
	err = s.db.Write(ctx, store.TemplatesScope(), func(w store.Writer) error { return store.ReplaceTemplates(ctx, w, ts, rep.TemplateSync) })
	if err != nil {
		return Report{}, fmt.Errorf("store synced templates: %w", err)
	}
	s.log.Info().Str("source", rep.Source).Int("templates", rep.Templates).Int("approved", rep.Approved).Msg("templates synced")
	return rep, nil
}

// List returns the stored templates by name then language, and the last
// successful sync (nil when none).
func (s *Service) List(ctx context.Context) ([]store.Template, *store.TemplateSync, error) {
	out := []store.Template{}
	var last *store.TemplateSync
	err := s.db.Read(ctx, func(r store.Reader) error {
		if err := store.EachTemplate(ctx, r, func(t store.Template) error {
			out = append(out, t)
			return nil
		}); err != nil {
			return err
		}
		ls, err := store.LastTemplateSync(ctx, r)
		switch {
		case err == nil:
			last = &ls
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Language < out[j].Language
	})
	return out, last, nil
}

// Start syncs once, then refreshes in the background whenever a template
// status webhook asks for it. A failed first sync is logged, not fatal:
// the list stored by an earlier sync is still there, and without any the
// broadcasts are sent unchecked (see Template).
func (s *Service) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel, s.done = cancel, make(chan struct{})
	if s.src != nil {
		if _, err := s.Sync(ctx); err != nil {
			s.log.Error().Err(err).Msg("first template sync failed: broadcasts are checked against the list stored earlier, if any")
		}
	}
	go s.refresh(ctx)
}

// Close stops the background refresh.
func (s *Service) Close() {
	if s.cancel != nil {
		s.cancel()
		<-s.done
	}
}

// refresh syncs after each kick; kicks that come during a sync fold into
// one more sync.
func (s *Service) refresh(ctx context.Context) {
	defer close(s.done)
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.kick:
		}
		if s.src == nil {
			continue
		}
		if _, err := s.Sync(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn().Err(err).Msg("template refresh after a status webhook failed; the webhook's status is kept")
		}
	}
}

// ObserveTemplate records the status a message_template_status_update
// webhook reports at once, then asks for a sync in the background (the
// webhook says nothing of the text or the parameters). It implements
// bot.TemplateObserver; a repeat is harmless.
func (s *Service) ObserveTemplate(ts *whatsapp.TemplateStatus) error {
	ctx := context.Background()
	err := s.db.Write(ctx, store.TemplatesScope(), func(w store.Writer) error {
		return store.SetTemplateStatus(ctx, w, ts.Name, ts.Language, strings.ToUpper(ts.Event), ts.Reason, s.now().UTC())
	})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("record template status: %w", err)
	}
	select {
	case s.kick <- struct{}{}:
	default: // a sync is already asked for
	}
	return nil
}

var _ broadcast.TemplateCatalog = (*Service)(nil)

// Template implements broadcast.TemplateCatalog from the stored list.
func (s *Service) Template(name, language string) (broadcast.TemplateInfo, bool, error) {
	ctx := context.Background()
	var info broadcast.TemplateInfo
	found := false
	err := s.db.Read(ctx, func(r store.Reader) error {
		t, err := store.GetTemplate(ctx, r, name, language)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return nil
		case err != nil:
			return err
		}
		found = true
		info = broadcast.TemplateInfo{Name: t.Name, Language: t.Language, Status: t.Status, HeaderKind: t.HeaderKind,
			HeaderParams: t.HeaderParams, BodyParams: t.BodyParams}
		return nil
	})
	return info, found, err
}

// Known implements broadcast.TemplateCatalog: whether a sync ever
// succeeded.
func (s *Service) Known() (bool, error) {
	ctx := context.Background()
	known := false
	err := s.db.Read(ctx, func(r store.Reader) error {
		_, err := store.LastTemplateSync(ctx, r)
		switch {
		case err == nil:
			known = true
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		return nil
	})
	return known, err
}

// ObserveStatus implements bot.StatusObserver, which is how the engine
// registers its template observers: delivery statuses are not this
// package's concern.
func (s *Service) ObserveStatus(store.Writer, *whatsapp.Status) error { return nil }
