package admin

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strconv"
	"strings"

	"lifeline/bot/whatsapp"
	"lifeline/store"
)

// shownEntry is a transcript entry as the simulator and the API show it:
// an outbound message with what was queued (buttons, list rows, a
// location request), and a template as the person reads it (its body
// with the parameters filled in and its buttons, each with the payload
// a tap sends back), so that a page reloaded later still offers them.
type shownEntry struct {
	store.Entry
	Message  json.RawMessage `json:"message,omitempty"`
	Template *shownTemplate  `json:"template,omitempty"`
}

type shownTemplate struct {
	Name     string        `json:"name"`
	Language string        `json:"language"`
	Header   string        `json:"header,omitempty"`
	Body     string        `json:"body,omitempty"`
	Buttons  []shownButton `json:"buttons,omitempty"`
	Known    bool          `json:"known"` // false: not in the synced list, so only its parameters are known
}

type shownButton struct {
	Type    string `json:"type"`
	Text    string `json:"text"`
	Payload string `json:"payload,omitempty"` // what a quick-reply tap sends back
}

func (s *Server) shownEntries(ctx context.Context, entries []store.Entry) ([]shownEntry, error) {
	out := make([]shownEntry, 0, len(entries))
	err := s.db.Read(ctx, func(r store.Reader) error {
		for _, e := range entries {
			se := shownEntry{Entry: e}
			se.Payload = nil
			if e.Dir == "out" && len(e.Payload) > 0 && json.Valid(e.Payload) {
				se.Message = json.RawMessage(e.Payload)
				var o whatsapp.Outbound
				if err := json.Unmarshal(e.Payload, &o); err == nil && o.Kind == "template" && o.Template != nil {
					t, err := renderTemplate(ctx, r, o.Template)
					if err != nil {
						return err
					}
					se.Template = t
				}
			}
			out = append(out, se)
		}
		return nil
	})
	return out, err
}

var templateVar = regexp.MustCompile(`\{\{\s*(\w+)\s*\}\}`)

// renderTemplate fills a sent template's body and header from the synced
// list, and pairs its buttons with the payloads the message set.
func renderTemplate(ctx context.Context, r store.Reader, wt *whatsapp.Template) (*shownTemplate, error) {
	st := &shownTemplate{Name: wt.Name, Language: wt.Language}
	params := map[string][]whatsapp.TemplateParameter{}
	payloads := map[int]string{}
	for _, c := range wt.Components {
		switch {
		case c.Type == "button" && c.SubType == "quick_reply" && len(c.Parameters) > 0:
			payloads[c.Index] = c.Parameters[0].Payload
		default:
			params[c.Type] = append(params[c.Type], c.Parameters...)
		}
	}
	fill := func(text string, ps []whatsapp.TemplateParameter) string {
		return templateVar.ReplaceAllStringFunc(text, func(m string) string {
			key := templateVar.FindStringSubmatch(m)[1]
			for i, p := range ps {
				if p.ParameterName == key || (p.ParameterName == "" && key == strconv.Itoa(i+1)) {
					return p.Text
				}
			}
			return m
		})
	}
	t, err := store.GetTemplate(ctx, r, wt.Name, wt.Language)
	switch {
	case errors.Is(err, store.ErrNotFound):
		for i := 0; i < 10; i++ {
			if p, ok := payloads[i]; ok {
				st.Buttons = append(st.Buttons, shownButton{Type: "QUICK_REPLY", Text: p[strings.LastIndex(p, ":")+1:], Payload: p})
			}
		}
		return st, nil
	case err != nil:
		return nil, err
	}
	st.Known = true
	st.Body = fill(t.Body, params["body"])
	if t.HeaderKind == "TEXT" {
		st.Header = fill(t.HeaderText, params["header"])
	}
	for i, b := range t.Buttons {
		st.Buttons = append(st.Buttons, shownButton{Type: b.Type, Text: b.Text, Payload: payloads[i]})
	}
	return st, nil
}
