package whatsapp

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func compact(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		t.Fatalf("bad expected json: %v\n%s", err, s)
	}
	return b.String()
}

func TestMarshalPayload(t *testing.T) {
	cases := []struct {
		name string
		in   Outbound
		want string
	}{
		{"text", Outbound{To: "966512345678", Kind: KindText, Text: "Shelter list: https://example.org/shelters?a=1&b=2", PreviewURL: true}, `{
			"messaging_product": "whatsapp", "recipient_type": "individual", "to": "966512345678", "type": "text",
			"text": {"body": "Shelter list: https://example.org/shelters?a=1&b=2", "preview_url": true}}`},
		{"text arabic as reply with callback data", Outbound{To: "966512345678", Kind: KindText, Text: "أنت بأمان الآن؟",
			ReplyTo: "wamid.IN_TEXT_1", CallbackData: "conv:42"}, `{
			"messaging_product": "whatsapp", "recipient_type": "individual", "to": "966512345678", "type": "text",
			"context": {"message_id": "wamid.IN_TEXT_1"}, "biz_opaque_callback_data": "conv:42",
			"text": {"body": "أنت بأمان الآن؟"}}`},
		{"buttons with header and footer", Outbound{To: "966512345678", Kind: KindButtons,
			Header: "Safety check", Text: "Are you safe right now?", Footer: "Reply any time to reach a person",
			Buttons: []Button{{"safe_yes", "I'm safe"}, {"safe_no", "I need help"}, {"human", "Talk to a person"}}}, `{
			"messaging_product": "whatsapp", "recipient_type": "individual", "to": "966512345678", "type": "interactive",
			"interactive": {"type": "button",
				"header": {"type": "text", "text": "Safety check"},
				"body": {"text": "Are you safe right now?"},
				"footer": {"text": "Reply any time to reach a person"},
				"action": {"buttons": [
					{"type": "reply", "reply": {"id": "safe_yes", "title": "I'm safe"}},
					{"type": "reply", "reply": {"id": "safe_no", "title": "I need help"}},
					{"type": "reply", "reply": {"id": "human", "title": "Talk to a person"}}]}}}`},
		{"buttons minimal", Outbound{To: "966512345678", Kind: KindButtons, Text: "Continue?",
			Buttons: []Button{{"yes", "Yes"}}}, `{
			"messaging_product": "whatsapp", "recipient_type": "individual", "to": "966512345678", "type": "interactive",
			"interactive": {"type": "button", "body": {"text": "Continue?"},
				"action": {"buttons": [{"type": "reply", "reply": {"id": "yes", "title": "Yes"}}]}}}`},
		{"list with sections", Outbound{To: "966512345678", Kind: KindList,
			Header: "Help topics", Text: "Choose a topic.", Footer: "Type MENU to see this again", ListButton: "See topics",
			Sections: []Section{
				{Title: "Right now", Rows: []Row{{"faq_shelter", "Shelters", "Open shelters near you"}, {ID: "faq_water", Title: "Drinking water"}}},
				{Title: "Contact", Rows: []Row{{ID: "human", Title: "Talk to a person"}}},
			}}, `{
			"messaging_product": "whatsapp", "recipient_type": "individual", "to": "966512345678", "type": "interactive",
			"interactive": {"type": "list",
				"header": {"type": "text", "text": "Help topics"},
				"body": {"text": "Choose a topic."},
				"footer": {"text": "Type MENU to see this again"},
				"action": {"button": "See topics", "sections": [
					{"title": "Right now", "rows": [
						{"id": "faq_shelter", "title": "Shelters", "description": "Open shelters near you"},
						{"id": "faq_water", "title": "Drinking water"}]},
					{"title": "Contact", "rows": [{"id": "human", "title": "Talk to a person"}]}]}}}`},
		{"template with header body and quick replies", Outbound{To: "966512345678", Kind: KindTemplate, CallbackData: "bcast:17",
			Template: &Template{Name: "safety_checkin_v2", Language: "ar", Components: []TemplateComponent{
				{Type: "header", Parameters: []TemplateParameter{TextParam("تنبيه زلزال")}},
				{Type: "body", Parameters: []TemplateParameter{NamedParam("first_name", "سارة"), NamedParam("city", "الرياض")}},
				QuickReply(0, "checkin:evt-17:safe"),
				QuickReply(1, "checkin:evt-17:help"),
			}}}, `{
			"messaging_product": "whatsapp", "recipient_type": "individual", "to": "966512345678", "type": "template",
			"biz_opaque_callback_data": "bcast:17",
			"template": {"name": "safety_checkin_v2", "language": {"code": "ar", "policy": "deterministic"},
				"components": [
					{"type": "header", "parameters": [{"type": "text", "text": "تنبيه زلزال"}]},
					{"type": "body", "parameters": [
						{"type": "text", "parameter_name": "first_name", "text": "سارة"},
						{"type": "text", "parameter_name": "city", "text": "الرياض"}]},
					{"type": "button", "sub_type": "quick_reply", "index": "0", "parameters": [{"type": "payload", "payload": "checkin:evt-17:safe"}]},
					{"type": "button", "sub_type": "quick_reply", "index": "1", "parameters": [{"type": "payload", "payload": "checkin:evt-17:help"}]}]}}`},
		{"template without parameters", Outbound{To: "966512345678", Kind: KindTemplate,
			Template: &Template{Name: "window_reopen", Language: "en_US"}}, `{
			"messaging_product": "whatsapp", "recipient_type": "individual", "to": "966512345678", "type": "template",
			"template": {"name": "window_reopen", "language": {"code": "en_US", "policy": "deterministic"}}}`},
		{"location", Outbound{To: "966512345678", Kind: KindLocation,
			Location: &Location{Latitude: 24.7136, Longitude: 46.6753, Name: "Shelter North", Address: "King Fahd Rd 100"}}, `{
			"messaging_product": "whatsapp", "recipient_type": "individual", "to": "966512345678", "type": "location",
			"location": {"latitude": 24.7136, "longitude": 46.6753, "name": "Shelter North", "address": "King Fahd Rd 100"}}`},
		{"location request", Outbound{To: "966512345678", Kind: KindLocationRequest, Text: "Please share your location so we can send help."}, `{
			"messaging_product": "whatsapp", "recipient_type": "individual", "to": "966512345678", "type": "interactive",
			"interactive": {"type": "location_request_message",
				"body": {"text": "Please share your location so we can send help."},
				"action": {"name": "send_location"}}}`},
		{"reaction", Outbound{To: "966512345678", Kind: KindReaction, ReactTo: "wamid.IN_TEXT_1", Emoji: "👍"}, `{
			"messaging_product": "whatsapp", "recipient_type": "individual", "to": "966512345678", "type": "reaction",
			"reaction": {"message_id": "wamid.IN_TEXT_1", "emoji": "👍"}}`},
		{"reaction removed keeps empty emoji", Outbound{To: "966512345678", Kind: KindReaction, ReactTo: "wamid.IN_TEXT_1"}, `{
			"messaging_product": "whatsapp", "recipient_type": "individual", "to": "966512345678", "type": "reaction",
			"reaction": {"message_id": "wamid.IN_TEXT_1", "emoji": ""}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := MarshalPayload(tc.in)
			if err != nil {
				t.Fatalf("MarshalPayload: %v", err)
			}
			if want := compact(t, tc.want); string(got) != want {
				t.Errorf("payload mismatch\n got: %s\nwant: %s", got, want)
			}
		})
	}
}

func TestMarkReadPayload(t *testing.T) {
	cases := []struct {
		name   string
		typing bool
		want   string
	}{
		{"read", false, `{"messaging_product":"whatsapp","status":"read","message_id":"wamid.IN_TEXT_1"}`},
		{"read and typing", true, `{"messaging_product":"whatsapp","status":"read","message_id":"wamid.IN_TEXT_1","typing_indicator":{"type":"text"}}`},
	}
	for _, tc := range cases {
		got, err := markReadPayload("wamid.IN_TEXT_1", tc.typing)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
	if _, err := markReadPayload(" ", false); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty id: err = %v, want ErrInvalid", err)
	}
}

func TestValidate(t *testing.T) {
	btns := func(n int) []Button {
		var b []Button
		for i := 0; i < n; i++ {
			b = append(b, Button{ID: "b" + string(rune('a'+i)), Title: "Option " + string(rune('A'+i))})
		}
		return b
	}
	rows := func(n int) []Row {
		var r []Row
		for i := 0; i < n; i++ {
			r = append(r, Row{ID: "r" + string(rune('a'+i)), Title: "Row " + string(rune('A'+i))})
		}
		return r
	}
	list := func(mod func(*Outbound)) Outbound {
		o := Outbound{To: "1", Kind: KindList, Text: "Pick", ListButton: "Open", Sections: []Section{{Rows: rows(2)}}}
		mod(&o)
		return o
	}
	buttons := func(mod func(*Outbound)) Outbound {
		o := Outbound{To: "1", Kind: KindButtons, Text: "Pick", Buttons: btns(2)}
		mod(&o)
		return o
	}
	tmpl := func(c ...TemplateComponent) Outbound {
		return Outbound{To: "1", Kind: KindTemplate, Template: &Template{Name: "t", Language: "ar", Components: c}}
	}
	cases := []struct {
		name    string
		in      Outbound
		wantErr string // substring; "" means valid
	}{
		{"valid text", Outbound{To: "1", Kind: KindText, Text: "hi"}, ""},
		{"empty to", Outbound{Kind: KindText, Text: "hi"}, "empty recipient"},
		{"blank to", Outbound{To: "  ", Kind: KindText, Text: "hi"}, "empty recipient"},
		{"empty kind", Outbound{To: "1"}, "empty kind"},
		{"unknown kind", Outbound{To: "1", Kind: "hologram"}, `unknown kind "hologram"`},
		{"empty text", Outbound{To: "1", Kind: KindText}, "text is empty"},
		{"text too long", Outbound{To: "1", Kind: KindText, Text: strings.Repeat("ع", 4097)}, "text is 4097 characters, max 4096"},
		{"text at limit", Outbound{To: "1", Kind: KindText, Text: strings.Repeat("ع", 4096)}, ""},
		{"callback data too long", Outbound{To: "1", Kind: KindText, Text: "x", CallbackData: strings.Repeat("c", 513)}, "callback data is 513"},
		{"valid buttons", buttons(func(o *Outbound) {}), ""},
		{"no buttons", buttons(func(o *Outbound) { o.Buttons = nil }), "0 buttons"},
		{"too many buttons", buttons(func(o *Outbound) { o.Buttons = btns(4) }), "4 buttons, want 1 to 3"},
		{"button title too long", buttons(func(o *Outbound) { o.Buttons[0].Title = strings.Repeat("t", 21) }), "button 1 title is 21 characters, max 20"},
		{"button title empty", buttons(func(o *Outbound) { o.Buttons[1].Title = "" }), "button 2 title is empty"},
		{"button id spaces", buttons(func(o *Outbound) { o.Buttons[0].ID = " x" }), "leading or trailing spaces"},
		{"button id too long", buttons(func(o *Outbound) { o.Buttons[0].ID = strings.Repeat("i", 257) }), "button 1 id is 257"},
		{"duplicate button id", buttons(func(o *Outbound) { o.Buttons[1].ID = o.Buttons[0].ID }), "repeats"},
		{"duplicate button title", buttons(func(o *Outbound) { o.Buttons[1].Title = o.Buttons[0].Title }), "repeats"},
		{"buttons body missing", buttons(func(o *Outbound) { o.Text = "" }), "body is empty"},
		{"buttons body too long", buttons(func(o *Outbound) { o.Text = strings.Repeat("b", 1025) }), "body is 1025"},
		{"header too long", buttons(func(o *Outbound) { o.Header = strings.Repeat("h", 61) }), "header is 61"},
		{"footer too long", buttons(func(o *Outbound) { o.Footer = strings.Repeat("f", 61) }), "footer is 61"},
		{"valid list", list(func(o *Outbound) {}), ""},
		{"list button missing", list(func(o *Outbound) { o.ListButton = "" }), "list button is empty"},
		{"list button too long", list(func(o *Outbound) { o.ListButton = strings.Repeat("l", 21) }), "list button is 21"},
		{"no sections", list(func(o *Outbound) { o.Sections = nil }), "0 sections"},
		{"duplicate row ids across sections", list(func(o *Outbound) { o.Sections = []Section{{Title: "a", Rows: rows(6)}, {Title: "b", Rows: rows(5)}} }), "repeats id"},
		{"too many rows", list(func(o *Outbound) { o.Sections[0].Rows = rows(11) }), "11 rows, max 10"},
		{"section without rows", list(func(o *Outbound) { o.Sections = append(o.Sections, Section{Title: "x"}); o.Sections[0].Title = "y" }), "section 2 has no rows"},
		{"section titles needed when several", list(func(o *Outbound) {
			o.Sections = []Section{{Rows: rows(1)}, {Title: "b", Rows: []Row{{ID: "z", Title: "Z"}}}}
		}), "section 1 title is empty"},
		{"row title too long", list(func(o *Outbound) { o.Sections[0].Rows[0].Title = strings.Repeat("r", 25) }), "row 1 title is 25"},
		{"row description too long", list(func(o *Outbound) { o.Sections[0].Rows[1].Description = strings.Repeat("d", 73) }), "row 2 description is 73"},
		{"row id too long", list(func(o *Outbound) { o.Sections[0].Rows[1].ID = strings.Repeat("d", 201) }), "row 2 id is 201"},
		{"section title too long", list(func(o *Outbound) { o.Sections[0].Title = strings.Repeat("s", 25) }), "section 1 title is 25"},
		{"template missing", Outbound{To: "1", Kind: KindTemplate}, "template missing"},
		{"template without language", Outbound{To: "1", Kind: KindTemplate, Template: &Template{Name: "t"}}, "name and a language"},
		{"template valid", tmpl(TemplateComponent{Type: "body", Parameters: []TemplateParameter{TextParam("x")}}, QuickReply(2, "p")), ""},
		{"template unknown component", tmpl(TemplateComponent{Type: "carousel", Parameters: []TemplateParameter{TextParam("x")}}), "unknown type"},
		{"template empty param", tmpl(TemplateComponent{Type: "body", Parameters: []TemplateParameter{TextParam("")}}), "parameter 1 is empty"},
		{"template button wrong sub_type", tmpl(TemplateComponent{Type: "button", SubType: "call", Parameters: []TemplateParameter{TextParam("x")}}), "sub_type"},
		{"template quick reply wants payload", tmpl(TemplateComponent{Type: "button", SubType: "quick_reply", Parameters: []TemplateParameter{TextParam("x")}}), `want "payload"`},
		{"template button index", tmpl(QuickReply(10, "p")), "index 10"},
		{"template url button", tmpl(TemplateComponent{Type: "button", SubType: "url", Index: 1, Parameters: []TemplateParameter{TextParam("evt-17")}}), ""},
		{"location missing", Outbound{To: "1", Kind: KindLocation}, "location missing"},
		{"location out of range", Outbound{To: "1", Kind: KindLocation, Location: &Location{Latitude: 91}}, "out of range"},
		{"reaction without target", Outbound{To: "1", Kind: KindReaction, Emoji: "👍"}, "without message id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.in.Validate()
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("Validate = %v, want ErrInvalid containing %q", err, tc.wantErr)
			}
			if _, err := MarshalPayload(tc.in); err == nil {
				t.Errorf("MarshalPayload accepted an invalid message")
			}
		})
	}
}

// TestOutboundJSONRoundTrip: the outbox stores Outbound as JSON; nothing
// may be lost on the way through.
func TestOutboundJSONRoundTrip(t *testing.T) {
	in := Outbound{To: "966512345678", Kind: KindTemplate, CallbackData: "bcast:17", ReplyTo: "wamid.X",
		Template: &Template{Name: "n", Language: "ar", Components: []TemplateComponent{QuickReply(1, "p"), {Type: "body", Parameters: []TemplateParameter{NamedParam("a", "b")}}}}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out Outbound
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	p1, _ := MarshalPayload(in)
	p2, _ := MarshalPayload(out)
	if !bytes.Equal(p1, p2) {
		t.Errorf("round trip changed payload\n%s\n%s", p1, p2)
	}
	if strings.Contains(string(b), `"header"`) || strings.Contains(string(b), `"buttons"`) {
		t.Errorf("empty fields stored: %s", b)
	}
}
