package broadcast

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"lifeline/bot/whatsapp"
	"lifeline/csvtext"
	"lifeline/store"
)

// LanguagePreview is what one language's recipients will get.
type LanguagePreview struct {
	Template         string           `json:"template_key"` // key into the spec's templates
	TemplateName     string           `json:"template_name"`
	TemplateLanguage string           `json:"template_language"`
	Recipients       int64            `json:"recipients"`
	ContactLanguages map[string]int64 `json:"contact_languages"`      // which contact languages fall here ("" = none set)
	SampleContact    string           `json:"sample_contact"`         // masked
	Payload          json.RawMessage  `json:"payload"`                // the exact Graph API request body for the sample contact
	HeaderMedia      *HeaderMedia     `json:"header_media,omitempty"` // the media or location header every recipient gets
	MissingVariables map[string]int64 `json:"missing_variables,omitempty"`
}

// Preview is a dry run: the audience counted and each language rendered.
type Preview struct {
	Targeted  int64             `json:"targeted"`
	Excluded  map[string]int64  `json:"excluded"`
	Languages []LanguagePreview `json:"languages"`
	SMS       *SMSPreview       `json:"sms,omitempty"` // the SMS fallback's texts, segments and estimated recipients
	// SMSFromIncident: the SMS fallback is the incident's default.
	SMSFromIncident bool `json:"sms_from_incident,omitempty"`
	// CorrectionOf is the broadcast a correction corrects; its audience
	// is the people that one reached (Targeted counts them).
	CorrectionOf string   `json:"correction_of,omitempty"`
	Warnings     []string `json:"warnings,omitempty"`
}

// PreviewSpec renders a spec before it is created.
func (s *Service) PreviewSpec(spec Spec) (*Preview, error) {
	spec.SMSFromIncident = false
	if err := s.resolveCorrection(&spec); err != nil {
		return nil, err
	}
	if err := s.admitIncident(nil, &spec); err != nil {
		return nil, err
	}
	if err := spec.Validate(s.now()); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if err := s.resolveHeaderMedia(&spec); err != nil {
		return nil, err
	}
	return s.preview(&Broadcast{ID: "PREVIEW", Spec: spec})
}

// PreviewBroadcast renders an existing broadcast with its real id.
func (s *Service) PreviewBroadcast(id string) (*Preview, error) {
	b, err := s.Get(id)
	if err != nil {
		return nil, err
	}
	return s.preview(b)
}

func (s *Service) preview(b *Broadcast) (*Preview, error) {
	pv := &Preview{Excluded: map[string]int64{}}
	groups := map[string]*LanguagePreview{}
	aud := b.Spec.Audience
	err := s.db.Read(storeCtx, func(tx store.Reader) error {
		return store.EachContact(storeCtx, tx, "", func(c *store.Contact) error {
			ok, why := aud.Match(c)
			if why != "" {
				pv.Excluded[why]++
			}
			if !ok {
				return nil
			}
			pv.Targeted++
			key := templateKey(b.Spec.Templates, b.Spec.FallbackLanguage, c.Language)
			g := groups[key]
			if g == nil {
				t := b.Spec.Templates[key]
				g = &LanguagePreview{Template: key, TemplateName: t.Name, TemplateLanguage: t.Language, ContactLanguages: map[string]int64{}, HeaderMedia: t.HeaderMedia}
				groups[key] = g
			}
			g.Recipients++
			g.ContactLanguages[c.Language]++
			msg, err := render(b, b.Spec.Templates, key, c, 1, 0, func(v string) {
				if g.MissingVariables == nil {
					g.MissingVariables = map[string]int64{}
				}
				g.MissingVariables[v]++
			})
			if g.Payload == nil {
				if err != nil {
					pv.Warnings = append(pv.Warnings, fmt.Sprintf("template %s does not render: %v", key, err))
					g.Payload = json.RawMessage("null")
					return nil
				}
				msg.To = whatsapp.MaskPhone(c.WaID)
				raw, err := whatsapp.MarshalPayload(msg)
				if err != nil {
					return err
				}
				g.Payload, g.SampleContact = raw, msg.To
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("preview: %w", err)
	}
	for _, g := range groups {
		pv.Languages = append(pv.Languages, *g)
		if len(g.MissingVariables) > 0 {
			pv.Warnings = append(pv.Warnings, fmt.Sprintf("%s: some contacts lack a value for a variable; they get %q (give a default as {{name|friend}})", g.Template, missingValue))
		}
	}
	sort.Slice(pv.Languages, func(i, j int) bool { return pv.Languages[i].Recipients > pv.Languages[j].Recipients })
	if pv.SMS, err = s.previewSMS(b); err != nil {
		return nil, err
	}
	pv.SMSFromIncident = pv.SMS != nil && b.Spec.SMSFromIncident
	pv.CorrectionOf = b.Spec.CorrectionOf
	if pv.Targeted == 0 && (pv.SMS == nil || pv.SMS.EstimatedRecipients == 0) {
		pv.Warnings = append(pv.Warnings, "the audience is empty")
	}
	return pv, nil
}

// RecipientsCSVHeader is the first line of WriteRecipientsCSV.
var RecipientsCSVHeader = []string{"seq", "wa_id", "template_language", "state", "reason", "error_code", "sender", "wamid",
	"attempts", "sent_at", "delivery", "delivery_error_code", "answer", "answered_at", "latitude", "longitude",
	"description", "preferred_time", "reminders", "unaccounted", "possible_duplicate",
	"channel", "sms_state", "sms_reason", "sms_sid", "sms_status", "sms_segments"}

// WriteRecipientsCSV streams one line per recipient.
func (s *Service) WriteRecipientsCSV(id string, w io.Writer) error {
	b, err := s.Get(id)
	if err != nil {
		return err
	}
	cw := csvtext.NewWriter(w)
	if err := cw.Write(RecipientsCSVHeader); err != nil {
		return err
	}
	ts := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	num := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	err = s.eachRecipient(id, func(tx store.Reader, seq uint64, r *Recipient) error {
		e, _, err := store.GetBroadcastEngagement[Engagement](storeCtx, tx, id, seq)
		if err != nil {
			return err
		}
		lat, lng := "", ""
		if e.HasLocation {
			lat, lng = strconv.FormatFloat(e.Lat, 'f', 6, 64), strconv.FormatFloat(e.Lng, 'f', 6, 64)
		}
		unaccounted := ""
		if b.Flagged && e.Answer == "" && b.Spec.Kind != KindNotice {
			unaccounted = "yes"
		}
		dup := ""
		if r.Dups > 0 {
			dup = "yes"
		}
		channel, sr, smsStatus, err := recipientChannel(tx, id, seq, r)
		if err != nil {
			return err
		}
		smsReason := sr.Why
		if sr.Reason != "" {
			smsReason = strings.TrimPrefix(sr.Why+": "+sr.Reason, ": ")
		}
		return cw.Write([]string{strconv.FormatUint(seq, 10), r.WaID, r.Lang, r.State, r.Reason, num(r.Code), r.Phone, r.WAMID,
			num(r.Attempts), ts(r.SentAt), e.Delivery, num(e.FailCode), e.Answer, ts(e.AnsweredAt), lat, lng,
			e.Description, e.Preferred, num(r.Round), unaccounted, dup,
			channel, sr.State, smsReason, sr.SID, smsStatus, num(sr.Segments)})
	})
	if err != nil {
		return err
	}
	return cw.Flush()
}
