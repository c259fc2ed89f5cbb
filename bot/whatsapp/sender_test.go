package whatsapp

import (
	"path/filepath"
	"testing"
)

// Who a message is from, and whether it may be answered, for every sender
// shape WhatsApp sends or has been seen sending.
func TestSenderShapes(t *testing.T) {
	cases := []struct {
		fixture          string
		from, fromUserID string
		key              string
		unanswerable     string
	}{
		{"bsuid_in_from.json", "", "JO.7712003456789", "bsuid:JO.7712003456789", ""},
		{"from_user_id_only.json", "", "SA.1349876543210", "bsuid:SA.1349876543210", ""},
		{"wa_id_and_user_id.json", "966512345678", "SA.5550001112223", "966512345678", ""},
		{"flow_reply.json", "966512345678", "", "966512345678", ""},
		{"neither.json", "", "", "bsuid:", IgnoreNoSender},
		{"invalid_from.json", "bla", "", "bla", IgnoreInvalidSender},
		{"group.json", "966512345678", "", "966512345678", IgnoreGroup},
	}
	for _, tc := range cases {
		t.Run(tc.fixture, func(t *testing.T) {
			b, err := ParseWebhook(readFixture(t, filepath.Join("sender", tc.fixture)))
			if err != nil {
				t.Fatal(err)
			}
			if len(b.Messages) != 1 {
				t.Fatalf("%d messages, want 1", len(b.Messages))
			}
			m := &b.Messages[0]
			if m.From != tc.from || m.FromUserID != tc.fromUserID {
				t.Errorf("from %q / from_user_id %q, want %q / %q", m.From, m.FromUserID, tc.from, tc.fromUserID)
			}
			if got := UserKey(m); got != tc.key {
				t.Errorf("UserKey = %q, want %q", got, tc.key)
			}
			if got := m.Unanswerable(); got != tc.unanswerable {
				t.Errorf("Unanswerable = %q, want %q", got, tc.unanswerable)
			}
		})
	}
}

func TestUnanswerable(t *testing.T) {
	cases := []struct {
		name string
		m    Message
		want string
	}{
		{"wa_id", Message{From: "966512345678"}, ""},
		{"short test number", Message{From: "1555"}, ""},
		{"BSUID only", Message{FromUserID: "US.1349"}, ""},
		{"opaque BSUID only", Message{FromUserID: "a1b2c3"}, ""},
		{"wa_id with plus", Message{From: "+966512345678"}, IgnoreInvalidSender},
		{"word", Message{From: "bla"}, IgnoreInvalidSender},
		{"16 digits", Message{From: "1234567890123456"}, IgnoreInvalidSender},
		{"word with a BSUID beside", Message{From: "bla", FromUserID: "US.1"}, IgnoreInvalidSender},
		{"BSUID with a space", Message{FromUserID: "US 1349"}, IgnoreInvalidSender},
		{"BSUID with our key separator", Message{FromUserID: "bsuid:US.1"}, IgnoreInvalidSender},
		{"nobody", Message{}, IgnoreNoSender},
		{"group", Message{From: "966512345678", GroupID: "1203630"}, IgnoreGroup},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.m.Unanswerable(); got != tc.want {
				t.Errorf("Unanswerable = %q, want %q", got, tc.want)
			}
		})
	}
}

// A username user is addressed with recipient, never with the internal
// key in to; a phone user with to as before.
func TestPayloadAddressing(t *testing.T) {
	cases := []struct {
		name string
		o    Outbound
		want string
	}{
		{"wa_id", Outbound{To: "966512345678", Kind: KindText, Text: "hi"},
			`{"messaging_product":"whatsapp","recipient_type":"individual","to":"966512345678","type":"text","text":{"body":"hi"}}`},
		{"user key of a username user", Outbound{To: "bsuid:SA.1349876543210", Kind: KindText, Text: "hi"},
			`{"messaging_product":"whatsapp","recipient_type":"individual","recipient":"SA.1349876543210","type":"text","text":{"body":"hi"}}`},
		{"recipient given", Outbound{Recipient: "SA.1349876543210", Kind: KindText, Text: "hi"},
			`{"messaging_product":"whatsapp","recipient_type":"individual","recipient":"SA.1349876543210","type":"text","text":{"body":"hi"}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := MarshalPayload(tc.o)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("payload\n got: %s\nwant: %s", got, tc.want)
			}
		})
	}
	for _, to := range []string{"", "bsuid:", "  bsuid:  "} {
		if _, err := MarshalPayload(Outbound{To: to, Kind: KindText, Text: "hi"}); err == nil {
			t.Errorf("to %q: no error, want empty recipient", to)
		}
	}
}

// A long answer to a username user is split; every part keeps its recipient.
func TestNormalizeKeepsRecipient(t *testing.T) {
	long := make([]byte, MaxTextLen+10)
	for i := range long {
		long[i] = 'a'
		if i%50 == 49 {
			long[i] = ' '
		}
	}
	parts := Normalize(Outbound{Recipient: "SA.1", Kind: KindText, Text: string(long)})
	if len(parts) < 2 {
		t.Fatalf("%d parts, want a split", len(parts))
	}
	for i, p := range parts {
		if p.Recipient != "SA.1" {
			t.Errorf("part %d recipient %q", i, p.Recipient)
		}
	}
}
