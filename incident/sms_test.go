package incident

import (
	"context"
	"errors"
	"maps"
	"strings"
	"testing"
	"time"

	"lifeline/bot/broadcast"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/sms"
	"lifeline/sms/smstest"
	"lifeline/store"
)

func floodSMS() *broadcast.SMSSpec {
	return &broadcast.SMSSpec{Texts: map[string]string{"en": "Flood: go to the north shelter.", "ar": "فيضان: اذهبوا إلى الملجأ الشمالي."},
		FallbackLanguage: "en", After: broadcast.Duration(10 * time.Minute)}
}

func TestIncidentSMSDefaultIsValidated(t *testing.T) {
	bad := func(sp *broadcast.SMSSpec) New { n := flood(false); n.SMS = sp; return n }
	cases := []struct {
		label string
		in    New
		want  string // part of the error; "" for valid
	}{
		{"default", bad(floodSMS()), ""},
		{"off: no default", bad(&broadcast.SMSSpec{Off: true}), ""},
		{"no texts", bad(&broadcast.SMSSpec{}), "sms.texts: give"},
		{"two texts, no fallback", bad(&broadcast.SMSSpec{Texts: map[string]string{"en": "a", "ar": "ب"}}), "sms.fallback_language"},
		{"over the budget", bad(&broadcast.SMSSpec{Texts: map[string]string{"en": strings.Repeat("x", 200)}, MaxSegments: 1}), "sms.texts[en]"},
		{"after too short", bad(&broadcast.SMSSpec{Texts: map[string]string{"en": "a"}, After: broadcast.Duration(time.Second)}), "sms.after 1s"},
	}
	for _, c := range cases {
		err := c.in.Validate()
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.label, err)
		case c.want != "" && (err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: error %v, want ErrInvalid containing %q", c.label, err, c.want)
		}
	}
	if n := bad(&broadcast.SMSSpec{Off: true}); n.Validate() != nil || n.SMS != nil {
		t.Errorf("off kept as a default: %+v", n.SMS)
	}
}

// TestBroadcastsTakeTheIncidentSMSDefault: a broadcast of an incident
// that says nothing of SMS gets a copy of the incident's default on its
// record and in its preview; its own "sms" wins, "off" included; a
// change of the default is audited and reaches only later broadcasts.
// No SMS channel is configured here: the default is kept all the same
// and the preview says it will not be sent, as for a broadcast's own.
func TestBroadcastsTakeTheIncidentSMSDefault(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.people(2, 1, "Dammam")
	n := flood(false)
	n.SMS = floodSMS()
	in, err := e.svc.Create(ctx, n, admin)
	if err != nil {
		t.Fatal(err)
	}
	if in.SMS == nil || in.SMS.MaxSegments != 3 {
		t.Fatalf("incident sms %+v, want the default normalised", in.SMS)
	}
	critical := checkin(in.ID)
	critical.Critical = true
	off := checkin(in.ID)
	off.SMS = &broadcast.SMSSpec{Off: true}
	own := checkin(in.ID)
	own.SMS = &broadcast.SMSSpec{Texts: map[string]string{"en": "Own text."}}
	cases := []struct {
		label     string
		spec      broadcast.Spec
		wantTexts map[string]string // nil: no SMS fallback
		wantAfter time.Duration
	}{
		{"says nothing of SMS: the default, without after", checkin(in.ID), floodSMS().Texts, 0},
		{"critical: the default with its after", critical, floodSMS().Texts, 10 * time.Minute},
		{"sms off: none", off, nil, 0},
		{"own sms: its own", own, map[string]string{"en": "Own text."}, 0},
	}
	var earlier []string
	for _, c := range cases {
		pv, err := e.bc.PreviewSpec(c.spec)
		if err != nil {
			t.Fatalf("%s: preview: %v", c.label, err)
		}
		b, err := e.bc.Create(c.spec, admin.String(), "")
		if err != nil {
			t.Fatalf("%s: %v", c.label, err)
		}
		got := b.Spec.SMSFallback()
		switch {
		case c.wantTexts == nil && (got != nil || pv.SMS != nil):
			t.Errorf("%s: record %+v, preview %+v, want no SMS", c.label, got, pv.SMS)
		case c.wantTexts == nil:
		case got == nil || !maps.Equal(got.Texts, c.wantTexts) || time.Duration(got.After) != c.wantAfter:
			t.Errorf("%s: record %+v, want texts %v after %s", c.label, got, c.wantTexts, c.wantAfter)
		case pv.SMS == nil || len(pv.SMS.Texts) != len(c.wantTexts) || !strings.Contains(pv.SMS.Note, "not configured"):
			t.Errorf("%s: preview %+v, want the texts and the note that SMS is not configured", c.label, pv.SMS)
		}
		if c.label == "sms off: none" && (b.Spec.SMS == nil || !b.Spec.SMS.Off) {
			t.Errorf("%s: the record does not say off: %+v", c.label, b.Spec.SMS)
		}
		earlier = append(earlier, b.ID)
	}

	// The default changes, then goes: earlier broadcasts keep their copy.
	changed := &broadcast.SMSSpec{Texts: map[string]string{"en": "Flood: stay upstairs."}}
	if _, err := e.svc.Update(ctx, in.ID, Patch{SMS: changed}, admin); err != nil {
		t.Fatal(err)
	}
	b, err := e.bc.Create(checkin(in.ID), admin.String(), "")
	if err != nil {
		t.Fatal(err)
	}
	if got := b.Spec.SMSFallback(); got == nil || got.Texts["en"] != "Flood: stay upstairs." {
		t.Errorf("after the change: %+v", got)
	}
	if _, err := e.svc.Update(ctx, in.ID, Patch{SMS: &broadcast.SMSSpec{Off: true}}, admin); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.svc.Get(ctx, in.ID); got.SMS != nil {
		t.Errorf("off left the default %+v", got.SMS)
	}
	if b, err = e.bc.Create(checkin(in.ID), admin.String(), ""); err != nil || b.Spec.SMS != nil {
		t.Errorf("after the default went: %v, sms %+v", err, b.Spec.SMS)
	}
	for i, id := range earlier {
		x, err := e.bc.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := x.Spec.SMSFallback(), cases[i].wantTexts; (got == nil) != (want == nil) || (got != nil && !maps.Equal(got.Texts, want)) {
			t.Errorf("%s: broadcast %s created before the changes now has %+v", cases[i].label, id, got)
		}
	}
	if _, err := e.svc.Update(ctx, in.ID, Patch{SMS: &broadcast.SMSSpec{}}, admin); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "sms.texts") {
		t.Errorf("empty default: %v", err)
	}

	var entries []store.AuditEntry
	err = e.db.Read(ctx, func(r store.Reader) (err error) {
		entries, _, err = store.ListAudit(ctx, r, store.AuditFilter{Action: "incident."}, 0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var details []string
	for _, a := range entries {
		details = append(details, a.Action+": "+a.Detail)
		if strings.Contains(a.Detail, "north shelter") || strings.Contains(a.Detail, "upstairs") {
			t.Errorf("audit entry %q carries a message text", a.Detail)
		}
	}
	want := []string{
		"incident.update: changed sms: no SMS fallback default",
		"incident.update: changed sms: SMS fallback default in en (fallback en, at most 3 segments)",
		`incident.create: flood "Dammam flood"; SMS fallback default in ar, en (fallback en, at most 3 segments), critical broadcasts also after 10m0s undelivered`,
	}
	if strings.Join(details, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit:\n%s\nwant:\n%s", strings.Join(details, "\n"), strings.Join(want, "\n"))
	}

	if _, err := e.svc.Close(ctx, in.ID, admin); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Update(ctx, in.ID, Patch{SMS: floodSMS()}, admin); !errors.Is(err, ErrState) {
		t.Errorf("default of a closed incident: %v, want ErrState", err)
	}
}

// TestIncidentDefaultSMSReachesThoseWhatsAppCannot runs a check-in of an
// incident with a default SMS fallback against the fake Graph API and
// the fake SMS provider: the person WhatsApp answers 131026 for gets the
// incident's SMS text once, the other gets WhatsApp only.
func TestIncidentDefaultSMSReachesThoseWhatsAppCannot(t *testing.T) {
	prov := smstest.New()
	defer prov.Close()
	client, err := sms.New(prov.Config("https://lifeline.example.org"), sms.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvSMS(t, client)
	ctx := context.Background()
	ids := e.people(2, 1, "Dammam")
	noWhatsApp, onWhatsApp := ids[0], ids[1]
	e.graph.SetResponder(func(r whatsapptest.Request) whatsapptest.Response {
		if r.To == noWhatsApp {
			return whatsapptest.Response{Status: 400, Code: store.CodeUndeliverable}
		}
		return whatsapptest.Response{}
	})
	n := flood(false)
	n.SMS = floodSMS()
	in, err := e.svc.Create(ctx, n, admin)
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.bc.Create(checkin(in.ID), admin.String(), "")
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "the SMS to the person WhatsApp cannot reach", func() bool { return len(prov.To("+"+noWhatsApp)) == 1 })
	eventually(t, "the WhatsApp message to the other", func() bool {
		st, err := e.bc.Status(b.ID)
		return err == nil && st.Sent == 1
	})
	if got := prov.To("+" + noWhatsApp); got[0].Body != floodSMS().Texts["en"] {
		t.Errorf("SMS %q, want the incident's English text", got[0].Body)
	}
	if n := len(prov.To("+" + onWhatsApp)); n != 0 {
		t.Errorf("the person on WhatsApp got %d SMS", n)
	}
	if n := len(prov.Received()); n != 1 {
		t.Errorf("the provider got %d messages, want 1", n)
	}
}
