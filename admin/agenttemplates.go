package admin

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"lifeline/admin/apierr"
	"lifeline/admin/reqbody"
	"lifeline/bot/handoffs"
	"lifeline/bot/whatsapp"
	"lifeline/store"
)

// checkAgentTemplate refuses a template an agent may not send to the
// person of handoff id, with the reason in words, before anything is
// queued: one the synced list does not have, one not approved, one in
// another language than the person's, or one given the wrong number of
// parameters. Before the first sync there is no list to check against,
// and WhatsApp itself is the judge.
func (s *Server) checkAgentTemplate(ctx context.Context, id string, tp *whatsapp.Template) error {
	if tp.Name == "" || tp.Language == "" {
		return nil // the desk says what is missing
	}
	var (
		t      store.Template
		found  bool
		langs  []string // the languages the list has this template in
		h      handoffs.Handoff
		synced bool
	)
	err := s.db.Read(ctx, func(r store.Reader) error {
		if _, err := store.LastTemplateSync(ctx, r); errors.Is(err, store.ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		synced = true
		err := store.EachTemplate(ctx, r, func(x store.Template) error {
			if x.Name != tp.Name {
				return nil
			}
			if x.Status == "APPROVED" {
				langs = append(langs, x.Language)
			}
			if x.Language == tp.Language {
				t, found = x, true
			}
			return nil
		})
		if err != nil {
			return err
		}
		if h, err = store.GetHandoff[handoffs.Handoff](ctx, r, id); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("check template %s (%s): %w", tp.Name, tp.Language, err)
	}
	switch {
	case !synced:
		return nil
	case !found && len(langs) == 0:
		return reqbody.Invalidf("there is no approved template %q in the synced template list", tp.Name)
	}
	approvedIn := "in no language"
	if len(langs) > 0 {
		approvedIn = "only in " + strings.Join(langs, ", ")
	}
	switch {
	case !found:
		return apierr.Conflictf("template %q is not approved in %s: it is approved %s", tp.Name, tp.Language, approvedIn)
	case t.Status != "APPROVED":
		return apierr.Conflictf("template %q is %s in %s, not approved: it is approved %s", tp.Name, strings.ToLower(t.Status), tp.Language, approvedIn)
	case h.Lang != "" && baseLang(h.Lang) != baseLang(tp.Language):
		return apierr.Conflictf("this person writes in %s but template %q in %s is not in that language: it is approved %s", h.Lang, tp.Name, tp.Language, approvedIn)
	}
	header, body := 0, 0
	for _, c := range tp.Components {
		switch c.Type {
		case "header":
			header += len(c.Parameters)
		case "body":
			body += len(c.Parameters)
		}
	}
	if header != t.HeaderParams || body != t.BodyParams {
		return reqbody.Invalidf("template %q (%s) takes %d header and %d body parameters, got %d and %d", tp.Name, tp.Language, t.HeaderParams, t.BodyParams, header, body)
	}
	for _, c := range tp.Components {
		for i, p := range c.Parameters {
			if p.Type == "text" && strings.TrimSpace(p.Text) == "" {
				return reqbody.Invalidf("template %q: %s parameter %d is empty", tp.Name, c.Type, i+1)
			}
		}
	}
	return nil
}

// baseLang is the language of a code without its region or script:
// "en_US" and "en" are both "en", "ar-latn" is "ar".
func baseLang(code string) string {
	code = strings.ToLower(code)
	if i := strings.IndexAny(code, "_-"); i >= 0 {
		code = code[:i]
	}
	return code
}
