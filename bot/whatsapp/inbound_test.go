package whatsapp

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

const (
	pnid  = "100200300400500" // metadata.phone_number_id in the fixtures
	sara  = "966512345678"
	saraN = "سارة"
)

func unix(s int64) time.Time { return time.Unix(s, 0).UTC() }

// inbound is a Sara message with the fields every fixture shares filled in.
func inbound(id, typ string) Message {
	return Message{ID: id, From: sara, Name: saraN, PhoneNumberID: pnid, Timestamp: unix(1750000000), Type: typ}
}

func one(m Message) *Batch { return &Batch{Messages: []Message{m}} }

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseWebhookFixtures(t *testing.T) {
	href := "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"
	cases := []struct {
		fixture string
		want    func() *Batch
	}{
		{"text.json", func() *Batch {
			m := inbound("wamid.IN_TEXT_1", "text")
			m.Text = "مرحبا، أحتاج مساعدة"
			return one(m)
		}},
		{"interactive_button_reply.json", func() *Batch {
			m := inbound("wamid.IN_BTN_1", "interactive")
			m.InteractiveType, m.ReplyID, m.ReplyTitle = "button_reply", "safe_yes", "أنا بخير"
			m.Context = &Context{ID: "wamid.OUT_ASK_1", From: "15550001111"}
			return one(m)
		}},
		{"interactive_list_reply.json", func() *Batch {
			m := inbound("wamid.IN_LIST_1", "interactive")
			m.InteractiveType, m.ReplyID, m.ReplyTitle = "list_reply", "faq_shelter", "ملاجئ"
			m.Context = &Context{ID: "wamid.OUT_MENU_1", From: "15550001111"}
			return one(m)
		}},
		{"interactive_nfm_reply.json", func() *Batch {
			m := inbound("wamid.IN_FLOW_1", "interactive")
			m.InteractiveType, m.ReplyID, m.ReplyTitle = "nfm_reply", "flow", "Sent"
			m.Text = `{"flow_token":"tok-1","people":"3"}`
			m.Context = &Context{ID: "wamid.OUT_FLOW_1", From: "15550001111"}
			return one(m)
		}},
		{"template_button.json", func() *Batch {
			return one(Message{
				ID: "wamid.IN_TPL_1", From: "447700900123", Name: "Tom", PhoneNumberID: pnid,
				Timestamp: unix(1750000100), Type: "button",
				ReplyID: "checkin:evt-17:safe", ReplyTitle: "I'm safe",
				Context: &Context{ID: "wamid.OUT_TEMPLATE_42", From: "15550001111"},
			})
		}},
		{"location_named.json", func() *Batch {
			m := inbound("wamid.IN_LOC_1", "location")
			m.Location = &Location{Latitude: 24.7136, Longitude: 46.6753, Name: "مستشفى الملك فهد", Address: "طريق الملك فهد، الرياض"}
			return one(m)
		}},
		{"location_pin.json", func() *Batch {
			m := inbound("wamid.IN_LOC_2", "location")
			m.Location = &Location{Latitude: -33.8688, Longitude: 151.2093}
			return one(m)
		}},
		{"image_caption.json", func() *Batch {
			m := inbound("wamid.IN_IMG_1", "image")
			m.Text = "صورة الجسر المتضرر"
			m.Media = &Media{Kind: "image", ID: "1111222233334444", MimeType: "image/jpeg", SHA256: "c2hhMjU2LWltYWdl", Caption: "صورة الجسر المتضرر"}
			return one(m)
		}},
		{"audio_voice.json", func() *Batch {
			m := inbound("wamid.IN_AUD_1", "audio")
			m.Media = &Media{Kind: "audio", ID: "2222333344445555", MimeType: "audio/ogg; codecs=opus", SHA256: "c2hhMjU2LWF1ZGlv", Voice: true}
			return one(m)
		}},
		{"video.json", func() *Batch {
			m := inbound("wamid.IN_VID_1", "video")
			m.Media = &Media{Kind: "video", ID: "3333444455556666", MimeType: "video/mp4", SHA256: "c2hhMjU2LXZpZGVv"}
			return one(m)
		}},
		{"document.json", func() *Batch {
			m := inbound("wamid.IN_DOC_1", "document")
			m.Text = "Evacuation map"
			m.Media = &Media{Kind: "document", ID: "4444555566667777", MimeType: "application/pdf", SHA256: "c2hhMjU2LWRvYw==",
				Caption: "Evacuation map", Filename: "evacuation-map.pdf"}
			return one(m)
		}},
		{"sticker_animated.json", func() *Batch {
			m := inbound("wamid.IN_STK_1", "sticker")
			m.Media = &Media{Kind: "sticker", ID: "5555666677778888", MimeType: "image/webp", SHA256: "c2hhMjU2LXN0aWNrZXI=", Animated: true}
			return one(m)
		}},
		{"reaction.json", func() *Batch {
			m := inbound("wamid.IN_REA_1", "reaction")
			m.Reaction = &Reaction{MessageID: "wamid.OUT_ANSWER_7", Emoji: "\u2764\ufe0f"}
			return one(m)
		}},
		{"reaction_removed.json", func() *Batch {
			m := inbound("wamid.IN_REA_2", "reaction")
			m.Reaction = &Reaction{MessageID: "wamid.OUT_ANSWER_7"}
			return one(m)
		}},
		{"contacts.json", func() *Batch {
			m := inbound("wamid.IN_VCF_1", "contacts")
			m.Contacts = []SharedContact{
				{Name: "مستشفى الملك فهد", Phones: []string{"+966 11 000 0000", "966500000001"}},
				{Name: "Ali Hassan", Phones: []string{"+966 50 000 0002"}},
			}
			return one(m)
		}},
		{"unsupported.json", func() *Batch {
			m := inbound("wamid.IN_UNS_1", "unsupported")
			m.Errors = []APIError{{Code: 131051, Title: "Message type unknown", Message: "Message type unknown",
				Details: "Message type is currently not supported."}}
			return one(m)
		}},
		{"unknown_type.json", func() *Batch {
			return one(inbound("wamid.IN_NEW_1", "poll_vote"))
		}},
		{"context_reply.json", func() *Batch {
			m := inbound("wamid.IN_CTX_1", "text")
			m.Text = "Is the road open?"
			m.Context = &Context{ID: "wamid.OUT_ALERT_3", From: "15550001111"}
			return one(m)
		}},
		{"context_forwarded.json", func() *Batch {
			m := inbound("wamid.IN_FWD_1", "text")
			m.Text = "Forwarded many times: the dam broke"
			m.Context = &Context{Forwarded: true, FrequentlyForwarded: true}
			return one(m)
		}},
		{"statuses.json", func() *Batch {
			return &Batch{Statuses: []Status{
				{ID: "wamid.OUT_B1", Status: "sent", RecipientID: sara, BizOpaqueCallbackData: "bcast:17/recipient:9981", PhoneNumberID: pnid, Timestamp: unix(1750000201)},
				{ID: "wamid.OUT_B1", Status: "delivered", RecipientID: sara, BizOpaqueCallbackData: "bcast:17/recipient:9981", PhoneNumberID: pnid, Timestamp: unix(1750000202)},
				{ID: "wamid.OUT_B1", Status: "read", RecipientID: sara, RecipientUserID: "SA.1349876543210", PhoneNumberID: pnid, Timestamp: unix(1750000203)},
				{ID: "wamid.OUT_B2", Status: "failed", RecipientID: "447700900123", BizOpaqueCallbackData: "bcast:17/recipient:9982", PhoneNumberID: pnid, Timestamp: unix(1750000204),
					Errors: []APIError{{Code: 131026, Title: "Message undeliverable", Message: "Message undeliverable", Details: "Message Undeliverable.", Href: href}}},
			}}
		}},
		{"value_errors.json", func() *Batch {
			return &Batch{Errors: []APIError{{Code: 130429, Title: "Rate limit hit", Message: "Rate limit hit",
				Details: "Cloud API message throughput has been reached.", Href: href, PhoneNumberID: pnid}}}
		}},
		{"mixed_batch.json", func() *Batch {
			m1 := inbound("wamid.MIX_1", "text")
			m1.Text = "help"
			return &Batch{
				Messages: []Message{
					m1,
					{ID: "wamid.MIX_2", From: "447700900123", Name: "Tom", PhoneNumberID: pnid, Timestamp: unix(1750000001), Type: "text", Text: "me too"},
					{ID: "wamid.MIX_3", From: "5215512345678", Name: "Ana", PhoneNumberID: "100200300400599", Timestamp: unix(1750000003), Type: "text", Text: "hola"},
				},
				Statuses: []Status{
					{ID: "wamid.OUT_M1", Status: "delivered", RecipientID: sara, PhoneNumberID: pnid, Timestamp: unix(1750000002)},
					{ID: "wamid.OUT_M2", Status: "read", RecipientID: "5215512345678", PhoneNumberID: "100200300400599", Timestamp: unix(1750000004)},
				},
				Errors:    []APIError{{Code: 131000, Title: "Something went wrong", Message: "Something went wrong", Details: "Something went wrong.", PhoneNumberID: "100200300400599"}},
				Templates: []TemplateStatus{{WABAID: "900800700600500", ID: "1234567", Name: "safety_checkin_ar", Language: "ar", Event: "APPROVED"}},
			}
		}},
		{"empty_entry.json", func() *Batch { return &Batch{} }},
		{"template_status_update.json", func() *Batch {
			return &Batch{Templates: []TemplateStatus{{WABAID: "900800700600500", ID: "987654321",
				Name: "safety_checkin_ar", Language: "ar", Event: "PAUSED", Reason: "LOW_QUALITY"}}}
		}},
		{"template_status_disabled.json", func() *Batch {
			return &Batch{
				Templates: []TemplateStatus{{WABAID: "900800700600500", ID: "1234567890", Name: "safety_checkin",
					Language: "en_US", Event: "DISABLED", Category: "UTILITY", At: unix(1750000000)}},
				Ignored: []string{"message_template_quality_update"},
			}
		}},
		{"timestamp_millis.json", func() *Batch {
			m := inbound("wamid.IN_MS_1", "text")
			m.Text = "ms"
			m.Timestamp = time.UnixMilli(1750000000123).UTC()
			return one(m)
		}},
		{"username_user.json", func() *Batch {
			return one(Message{ID: "wamid.IN_USR_1", FromUserID: "SA.1349876543210", Name: "Layla", PhoneNumberID: pnid,
				Timestamp: unix(1750000300), Type: "text", Text: "no number here"})
		}},
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		seen[tc.fixture] = true
		t.Run(tc.fixture, func(t *testing.T) {
			got, err := ParseWebhook(readFixture(t, tc.fixture))
			if err != nil {
				t.Fatalf("ParseWebhook: %v", err)
			}
			if want := tc.want(); !reflect.DeepEqual(got, want) {
				t.Errorf("batch mismatch\n got: %+v\nwant: %+v", got, want)
			}
		})
	}
	// Every fixture is specified here, so none can rot unread.
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, f := range files {
		if !seen[filepath.Base(f)] {
			t.Errorf("fixture %s has no expected result", f)
		}
	}
}

func TestParseWebhookRejects(t *testing.T) {
	cases := []struct {
		name string
		body string
	}{
		{"malformed json", `{"object":"whatsapp_business_account","entry":[`},
		{"empty body", ``},
		{"wrong object", `{"object":"page","entry":[]}`},
		{"missing object", `{"entry":[]}`},
		{"not an object: array", `[{"object":"whatsapp_business_account"}]`},
		{"not an object: string", `"whatsapp_business_account"`},
		{"not an object: null", `null`},
		{"template status without a name", `{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"message_template_status_update","value":{"event":"PAUSED"}}]}]}`},
		{"template status with a wrong type", `{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"message_template_status_update","value":{"event":7,"message_template_name":"x"}}]}]}`},
		{"wrong field type", `{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"id":7}]}}]}]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := ParseWebhook([]byte(tc.body))
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("err = %v, want ErrMalformed", err)
			}
			if b != nil {
				t.Errorf("batch = %+v, want nil", b)
			}
		})
	}
}

func TestParseWebhookTimestamps(t *testing.T) {
	cases := []struct {
		name, raw string
		want      time.Time
	}{
		{"seconds string", `"1750000000"`, unix(1750000000)},
		{"seconds number", `1750000000`, unix(1750000000)},
		{"milliseconds string", `"1750000000123"`, time.UnixMilli(1750000000123).UTC()},
		{"padded", `" 1750000000 "`, unix(1750000000)},
		{"float", `"1750000000.9"`, unix(1750000000)},
		{"empty", `""`, time.Time{}},
		{"garbage", `"yesterday"`, time.Time{}},
		{"negative", `"-5"`, time.Time{}},
		{"null", `null`, time.Time{}},
		{"object", `{}`, time.Time{}},
		{"overflow", `"99999999999999999999999"`, time.Time{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := `{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"id":"w","type":"text","timestamp":` + tc.raw + `}]}}]}]}`
			b, err := ParseWebhook([]byte(body))
			if err != nil {
				t.Fatal(err)
			}
			if got := b.Messages[0].Timestamp; !got.Equal(tc.want) {
				t.Errorf("timestamp = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestAPIErrorAction(t *testing.T) {
	b, err := ParseWebhook(readFixture(t, "statuses.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got := b.Statuses[3].Errors[0].Action(); got != ActionRecipientFailed {
		t.Errorf("failed status action = %v, want %v", got, ActionRecipientFailed)
	}
	b, err = ParseWebhook(readFixture(t, "value_errors.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got := b.Errors[0].Action(); got != ActionThrottleNumber {
		t.Errorf("value error action = %v, want %v", got, ActionThrottleNumber)
	}
}

func TestTemplateStatusBlocks(t *testing.T) {
	for event, want := range map[string]bool{
		TemplatePaused: true, TemplateDisabled: true, TemplateRejected: true,
		TemplateApproved: false, "PENDING": false, "IN_APPEAL": false,
	} {
		if got := (TemplateStatus{Event: event}).Blocks(); got != want {
			t.Errorf("Blocks(%s) = %v, want %v", event, got, want)
		}
	}
}

// An entry.time beyond year 9999 cannot be stored as JSON: it is dropped,
// not allowed to make the whole webhook unstorable.
func TestTemplateStatusWithAnImpossibleTime(t *testing.T) {
	b, err := ParseWebhook([]byte(`{"object":"whatsapp_business_account","entry":[{"time":1750000000000000000,"changes":[{"field":"message_template_status_update","value":{"event":"PAUSED","message_template_name":"x","message_template_language":"en"}}]}]}`))
	if err != nil || len(b.Templates) != 1 || !b.Templates[0].At.IsZero() {
		t.Fatalf("got %+v, %v; want one template status with a zero time", b, err)
	}
}
