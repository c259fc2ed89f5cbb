package broadcast

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// TemplateInfo is what the broadcast check needs to know of one of the
// business account's templates (package templates keeps the list).
type TemplateInfo struct {
	Name, Language string
	Status         string // APPROVED, PENDING, PAUSED, ...
	HeaderKind     string // TEXT, IMAGE, VIDEO, DOCUMENT, LOCATION; "" for none
	HeaderParams   int
	BodyParams     int
}

// TemplateCatalog is the business account's template list.
type TemplateCatalog interface {
	// Template returns the template name in the exact language code;
	// found is false when the list does not have it.
	Template(name, language string) (info TemplateInfo, found bool, err error)
	// Known reports whether a list was ever synced.
	Known() (bool, error)
}

// TemplatesUnchecked is the warning a broadcast carries when no template
// list was ever synced: it is sent unchecked rather than refused, because
// refusing would let a misconfigured or unreachable management API stop
// every crisis message, while an unchecked one costs at most failed sends
// (132001, 132000), which pause the broadcast with an alert.
const TemplatesUnchecked = "templates unchecked: no template list was ever synced (POST /admin/templates/sync; LIFELINE_WABA_ID or LIFELINE_TEMPLATES_FILE)"

func headerKindName(k string) string {
	if k == "" {
		return "no header"
	}
	return "a " + k + " header"
}

// checkTemplateCatalog refuses a spec whose templates, reminders included,
// are not approved in their language or are given the wrong number of
// parameters, naming the template and the language. It returns a warning
// instead when no list was ever synced, and nothing when cat is nil.
func checkTemplateCatalog(cat TemplateCatalog, sp *Spec) (warning string, err error) {
	if cat == nil {
		return "", nil
	}
	known, err := cat.Known()
	if err != nil {
		return "", fmt.Errorf("read the template list: %w", err)
	}
	if !known {
		return TemplatesUnchecked, nil
	}
	sets := sp.templateSets()
	for _, set := range sets {
		for _, lang := range slices.Sorted(maps.Keys(set.ts)) {
			t := set.ts[lang]
			info, found, err := cat.Template(t.Name, t.Language)
			if err != nil {
				return "", fmt.Errorf("read template %s (%s): %w", t.Name, t.Language, err)
			}
			where := fmt.Sprintf("%s[%s]: template %s in language %s", set.what, lang, t.Name, t.Language)
			switch {
			case !found:
				return "", fmt.Errorf("%w: %s: the business account has no such template (synced list; POST /admin/templates/sync after creating it)", ErrInvalid, where)
			case info.Status != "APPROVED":
				return "", fmt.Errorf("%w: %s is %s, not APPROVED", ErrInvalid, where, info.Status)
			case t.HeaderMedia != nil && !strings.EqualFold(info.HeaderKind, t.HeaderMedia.Type):
				return "", fmt.Errorf("%w: %s has %s, not the %s header header_media fills", ErrInvalid, where, headerKindName(info.HeaderKind), t.HeaderMedia.Type)
			case t.HeaderMedia == nil && info.HeaderKind != "" && info.HeaderKind != "TEXT":
				return "", fmt.Errorf("%w: %s has a %s header: give it with header_media (type %s)", ErrInvalid, where, info.HeaderKind, strings.ToLower(info.HeaderKind))
			case len(t.Body) != info.BodyParams:
				return "", fmt.Errorf("%w: %s takes %d body parameters, the broadcast gives %d", ErrInvalid, where, info.BodyParams, len(t.Body))
			case t.HeaderMedia == nil && len(t.Header) != info.HeaderParams:
				return "", fmt.Errorf("%w: %s takes %d header parameters, the broadcast gives %d", ErrInvalid, where, info.HeaderParams, len(t.Header))
			}
		}
	}
	return "", nil
}

// templateSet is one of a spec's sets of templates by language, named as
// the request names it (for errors).
type templateSet struct {
	what string
	ts   map[string]Template
}

// templateSets lists the spec's templates and its reminders' templates.
func (sp *Spec) templateSets() []templateSet {
	sets := []templateSet{{"templates", sp.Templates}}
	if sp.Reminders != nil {
		sets = append(sets, templateSet{"reminders.templates", sp.Reminders.Templates})
	}
	return sets
}
