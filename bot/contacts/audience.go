package contacts

import (
	"context"
	"errors"
	"slices"
	"strings"

	"lifeline/store"
)

// Audience selects contacts. The parts combine with AND; an audience
// with no part selects nobody, and everyone must be asked for with All,
// so that a misspelt or forgotten selector cannot reach every contact.
// Opted-out contacts are never selected, and neither are numbers WhatsApp
// reported as unable to receive messages.
type Audience struct {
	All       bool              `json:"all,omitempty"`       // every contact; not with any selector below
	TagsAny   []string          `json:"tags_any,omitempty"`  // at least one of these tags
	TagsAll   []string          `json:"tags_all,omitempty"`  // every one of these tags
	Languages []string          `json:"languages,omitempty"` // contact language is one of these
	Regions   []string          `json:"regions,omitempty"`
	Fields    map[string]string `json:"fields,omitempty"` // custom field equals value (case-insensitive)
	// WaIDs is an explicit list of people: a correction of an FAQ answer
	// goes to exactly those who received it. With other selectors, a
	// contact must be listed and match them too.
	WaIDs []string `json:"wa_ids,omitempty"`
	// OptedInOnly leaves out contacts who never opted in (by the opted_in
	// column of an import or by writing START). A broadcast sets it itself
	// (see broadcast.Spec): only a critical one with a stated reason may
	// reach people without their opt-in.
	OptedInOnly bool `json:"opted_in_only,omitempty"`
}

// Selects reports whether the audience names anyone: All, or at least one selector.
func (a *Audience) Selects() bool {
	return a.All || a.hasSelector()
}

func (a *Audience) hasSelector() bool {
	return len(a.TagsAny) > 0 || len(a.TagsAll) > 0 || len(a.Languages) > 0 || len(a.Regions) > 0 || len(a.Fields) > 0 || len(a.WaIDs) > 0
}

// Check names what is wrong with the audience's shape.
func (a *Audience) Check() error {
	switch {
	case a.All && a.hasSelector():
		return errors.New(`audience: "all": true selects every contact; drop it or drop tags_any, tags_all, languages, regions, fields and wa_ids`)
	case !a.Selects():
		return errors.New(`audience: say who receives it with tags_any, tags_all, languages, regions or fields, or send to every contact with "all": true`)
	}
	return nil
}

// Exclusion reasons reported by Match.
const (
	ExcludedOptedOut    = "opted_out"
	ExcludedUnreachable = "unreachable"
	ExcludedNotOptedIn  = "not_opted_in"
)

// Normalize lower-cases tags and languages so that matching is exact.
func (a *Audience) Normalize() {
	low := func(xs []string) []string {
		var out []string
		for _, x := range xs {
			if x = strings.ToLower(strings.TrimSpace(x)); x != "" {
				out = append(out, x)
			}
		}
		return out
	}
	a.TagsAny, a.TagsAll, a.Languages = low(a.TagsAny), low(a.TagsAll), low(a.Languages)
	if len(a.WaIDs) > 0 {
		ids := make([]string, 0, len(a.WaIDs))
		for _, id := range a.WaIDs {
			if id = strings.TrimPrefix(strings.TrimSpace(id), "+"); id != "" {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		a.WaIDs = slices.Compact(ids)
	}
	for i := range a.Languages {
		a.Languages[i] = strings.ReplaceAll(a.Languages[i], "-", "_")
	}
}

// Match reports whether c belongs to the audience. When it does not
// because of its consent or reachability (rather than the selection), the
// reason is one of the Excluded constants, for the broadcast's report.
func (a *Audience) Match(c *store.Contact) (ok bool, excluded string) {
	if !a.Selects() {
		return false, ""
	}
	if len(a.TagsAny) > 0 && !slices.ContainsFunc(a.TagsAny, func(t string) bool { return slices.Contains(c.Tags, t) }) {
		return false, ""
	}
	for _, t := range a.TagsAll {
		if !slices.Contains(c.Tags, t) {
			return false, ""
		}
	}
	if len(a.Languages) > 0 && !slices.Contains(a.Languages, c.Language) && !slices.Contains(a.Languages, baseLang(c.Language)) {
		return false, ""
	}
	if len(a.Regions) > 0 && !slices.ContainsFunc(a.Regions, func(r string) bool { return strings.EqualFold(r, c.Region) }) {
		return false, ""
	}
	for k, v := range a.Fields {
		if !strings.EqualFold(c.Fields[k], v) {
			return false, ""
		}
	}
	if len(a.WaIDs) > 0 {
		if _, ok := slices.BinarySearch(a.WaIDs, c.WaID); !ok {
			return false, ""
		}
	}
	switch {
	case c.OptedOut:
		return false, ExcludedOptedOut
	case c.Unreachable:
		return false, ExcludedUnreachable
	case a.OptedInOnly && !c.OptedIn:
		return false, ExcludedNotOptedIn
	}
	return true, ""
}

func baseLang(l string) string {
	if i := strings.IndexAny(l, "_-"); i > 0 {
		return l[:i]
	}
	return l
}

// Each streams every contact in key order from after (exclusive; "" for
// the start) within r, stopping when fn returns store.ErrStop. Nothing is
// collected: a million contacts cost one contact of memory at a time.
func Each(r store.Reader, after string, fn func(c *store.Contact) error) error {
	return store.EachContact(context.Background(), r, after, fn)
}

// Get loads one contact, or store.ErrNotFound.
func Get(r store.Reader, waID string) (store.Contact, error) {
	return store.GetContact(context.Background(), r, waID)
}
