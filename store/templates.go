package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Template is one message template of the business account, as the last
// sync saw it (package templates keeps them; broadcasts check against
// them). The key is <name>/<language>.
type Template struct {
	Name     string `json:"name"`
	Language string `json:"language"` // the exact code: en_US, ar
	Category string `json:"category,omitempty"`
	Status   string `json:"status"` // APPROVED, PENDING, REJECTED, PAUSED, DISABLED, ...
	// StatusReason is WhatsApp's reason when a status webhook changed it.
	StatusReason string `json:"status_reason,omitempty"`
	Body         string `json:"body,omitempty"`
	// HeaderKind is the header's format (TEXT, IMAGE, VIDEO, DOCUMENT,
	// LOCATION), "" for none; HeaderText its text when TEXT.
	HeaderKind   string    `json:"header_kind,omitempty"`
	HeaderText   string    `json:"header_text,omitempty"`
	HeaderParams int       `json:"header_params"`
	BodyParams   int       `json:"body_params"`
	Buttons      []Button  `json:"buttons,omitempty"`
	Named        bool      `json:"named,omitempty"` // parameters by name ({{first_name}}) rather than position
	UpdatedAt    time.Time `json:"updated_at"`
}

// Button is one button of a template.
type Button struct {
	Type string `json:"type"` // QUICK_REPLY, URL, PHONE_NUMBER, ...
	Text string `json:"text"`
}

// TemplateSync is what the last sync did.
type TemplateSync struct {
	At        time.Time `json:"at"`
	Source    string    `json:"source"` // "graph", "file <path>", "sandbox"
	Templates int       `json:"templates"`
}

func templateKey(name, lang string) Key { return docKey(DocTemplate, name+"/"+lang) }
func templateSyncKey() Key              { return docKey(DocTemplateSync, "last") }

// ReplaceTemplates makes ts the whole template list, in w: templates the
// account no longer has are removed.
func ReplaceTemplates(ctx context.Context, w Writer, ts []Template, sync TemplateSync) error {
	var old []Key
	err := w.Scan(docPrefix(DocTemplate), func(k Key, _ []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		old = append(old, append(Key(nil), k...))
		return nil
	})
	if err != nil {
		return fmt.Errorf("scan templates: %w", err)
	}
	for _, k := range old {
		if err := w.Delete(k); err != nil {
			return fmt.Errorf("replace templates: %w", err)
		}
	}
	for _, t := range ts {
		if t.Name == "" || t.Language == "" || strings.Contains(t.Name, "/") {
			return fmt.Errorf("store template %q (%q): want a name and a language", t.Name, t.Language)
		}
		if err := putJSON(w, templateKey(t.Name, t.Language), t, 0); err != nil {
			return fmt.Errorf("store template %s (%s): %w", t.Name, t.Language, err)
		}
	}
	if err := putJSON(w, templateSyncKey(), sync, 0); err != nil {
		return fmt.Errorf("store template sync: %w", err)
	}
	return nil
}

// GetTemplate loads template name in language lang, or ErrNotFound.
func GetTemplate(ctx context.Context, r Reader, name, lang string) (Template, error) {
	if err := ctx.Err(); err != nil {
		return Template{}, err
	}
	t, err := getJSON[Template](r, templateKey(name, lang))
	if err != nil {
		return t, fmt.Errorf("load template %s (%s): %w", name, lang, err)
	}
	return t, nil
}

// SetTemplateStatus records a status WhatsApp reported for a template
// (a status webhook) before the next sync; a template the list does not
// have yet is ErrNotFound.
func SetTemplateStatus(ctx context.Context, w Writer, name, lang, status, reason string, at time.Time) error {
	t, err := GetTemplate(ctx, w, name, lang)
	if err != nil {
		return err
	}
	t.Status, t.StatusReason, t.UpdatedAt = status, reason, at
	if err := putJSON(w, templateKey(name, lang), t, 0); err != nil {
		return fmt.Errorf("store template %s (%s): %w", name, lang, err)
	}
	return nil
}

// EachTemplate calls fn with every template, by name then language.
func EachTemplate(ctx context.Context, r Reader, fn func(Template) error) error {
	err := scanJSON(ctx, r, docPrefix(DocTemplate), false, func(_ Key, t Template) error { return fn(t) })
	if err != nil {
		return fmt.Errorf("scan templates: %w", err)
	}
	return nil
}

// LastTemplateSync is what the last sync did, or ErrNotFound when none
// ever succeeded.
func LastTemplateSync(ctx context.Context, r Reader) (TemplateSync, error) {
	if err := ctx.Err(); err != nil {
		return TemplateSync{}, err
	}
	s, err := getJSON[TemplateSync](r, templateSyncKey())
	if err != nil {
		return s, fmt.Errorf("load template sync: %w", err)
	}
	return s, nil
}
