package broadcast

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"lifeline/bot/whatsapp"
	"lifeline/store"
)

// varRe finds {{variable}} and {{variable|default}}.
var varRe = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_]+)\s*(?:\|([^}]*))?\}\}`)

// missingValue stands in for a variable a contact has no value for and
// that has no default: the Cloud API rejects empty parameters.
const missingValue = "-"

// expand fills per-contact variables; missing lists the ones without a value.
func expand(s string, c *store.Contact, missing func(string)) string {
	return varRe.ReplaceAllStringFunc(s, func(m string) string {
		sub := varRe.FindStringSubmatch(m)
		name, def := strings.ToLower(sub[1]), strings.TrimSpace(sub[2])
		v := ""
		switch name {
		case "name":
			v = c.Name
		case "first_name":
			v, _, _ = strings.Cut(strings.TrimSpace(c.Name), " ")
		case "region":
			v = c.Region
		case "language":
			v = c.Language
		default:
			v = c.Fields[name]
		}
		if strings.TrimSpace(v) != "" {
			return v
		}
		if def != "" {
			return def
		}
		if missing != nil {
			missing(name)
		}
		return missingValue
	})
}

// templateKey picks the template a contact gets: its language, then the
// language without region ("en" for "en_gb"), then the fallback.
func templateKey(ts map[string]Template, fallback, lang string) string {
	if _, ok := ts[lang]; ok && lang != "" {
		return lang
	}
	if i := strings.IndexAny(lang, "_-"); i > 0 {
		if _, ok := ts[lang[:i]]; ok {
			return lang[:i]
		}
	}
	return fallback
}

// Payloads of quick-reply buttons: checkin:<broadcast>:safe|help and
// confirm:<broadcast>:<option>.
func checkinPayload(id, answer string) string { return "checkin:" + id + ":" + answer }
func confirmPayload(id, option string) string { return "confirm:" + id + ":" + option }

// callbackData ties delivery statuses to a recipient: bc:<broadcast>:<seq>,
// with :<round> appended for reminders.
func callbackData(id string, seq uint64, round int) string {
	s := "bc:" + id + ":" + strconv.FormatUint(seq, 10)
	if round > 0 {
		s += ":" + strconv.Itoa(round)
	}
	return s
}

// parseCallback reads biz_opaque_callback_data written by callbackData.
func parseCallback(s string) (id string, seq uint64, round int, ok bool) {
	parts := strings.Split(s, ":")
	if len(parts) < 3 || len(parts) > 4 || parts[0] != "bc" || parts[1] == "" {
		return "", 0, 0, false
	}
	n, err := strconv.ParseUint(parts[2], 10, 64)
	if err != nil {
		return "", 0, 0, false
	}
	if len(parts) == 4 {
		if round, err = strconv.Atoi(parts[3]); err != nil {
			return "", 0, 0, false
		}
	}
	return parts[1], n, round, true
}

// parsePayload reads a button payload: kind "checkin" or "confirm".
func parsePayload(p string) (kind, id, answer string, ok bool) {
	parts := strings.SplitN(p, ":", 3)
	if len(parts) != 3 || (parts[0] != "checkin" && parts[0] != "confirm") || parts[1] == "" || parts[2] == "" {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}

// render builds the message one recipient gets.
func render(b *Broadcast, tpls map[string]Template, key string, c *store.Contact, seq uint64, round int, missing func(string)) (whatsapp.Outbound, error) {
	t, ok := tpls[key]
	if !ok {
		t, ok = b.Spec.Templates[key]
	}
	if !ok {
		return whatsapp.Outbound{}, fmt.Errorf("no template for language %q", key)
	}
	wt := &whatsapp.Template{Name: t.Name, Language: t.Language}
	params := func(ps []Param) []whatsapp.TemplateParameter {
		out := make([]whatsapp.TemplateParameter, 0, len(ps))
		for _, p := range ps {
			v := expand(p.Value, c, missing)
			if p.Name != "" {
				out = append(out, whatsapp.NamedParam(p.Name, v))
			} else {
				out = append(out, whatsapp.TextParam(v))
			}
		}
		return out
	}
	if t.HeaderMedia != nil {
		wt.Components = append(wt.Components, whatsapp.TemplateComponent{Type: "header", Parameters: []whatsapp.TemplateParameter{headerParam(t.HeaderMedia)}})
	} else if len(t.Header) > 0 {
		wt.Components = append(wt.Components, whatsapp.TemplateComponent{Type: "header", Parameters: params(t.Header)})
	}
	if len(t.Body) > 0 {
		wt.Components = append(wt.Components, whatsapp.TemplateComponent{Type: "body", Parameters: params(t.Body)})
	}
	switch b.Spec.Kind {
	case KindCheckin:
		wt.Components = append(wt.Components,
			whatsapp.QuickReply(t.ButtonIndex, checkinPayload(b.ID, AnswerSafe)),
			whatsapp.QuickReply(t.ButtonIndex+1, checkinPayload(b.ID, AnswerHelp)))
	case KindConfirmation:
		for i, o := range b.Spec.Options {
			wt.Components = append(wt.Components, whatsapp.QuickReply(t.ButtonIndex+i, confirmPayload(b.ID, o.ID)))
		}
	}
	o := whatsapp.Outbound{To: c.WaID, Kind: whatsapp.KindTemplate, Template: wt, CallbackData: callbackData(b.ID, seq, round)}
	return o, o.Validate()
}
