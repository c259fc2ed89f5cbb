package templates

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/broadcast"
	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/store"
)

func openDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func tpl(name, lang, status, body string, extra ...map[string]any) map[string]any {
	comps := []any{map[string]any{"type": "BODY", "text": body}}
	for _, e := range extra {
		comps = append(comps, e)
	}
	return map[string]any{"id": name + lang, "name": name, "language": lang, "status": status, "category": "UTILITY", "components": comps}
}

var (
	textHeader = map[string]any{"type": "HEADER", "format": "TEXT", "text": "Alert for {{1}}"}
	imgHeader  = map[string]any{"type": "HEADER", "format": "IMAGE"}
	buttons    = map[string]any{"type": "BUTTONS", "buttons": []any{
		map[string]any{"type": "QUICK_REPLY", "text": "I'm safe"}, map[string]any{"type": "QUICK_REPLY", "text": "I need help"}}}
)

func graphService(t *testing.T, fake *whatsapptest.Server, db *store.DB) *Service {
	client := whatsapp.NewClient(whatsapp.ClientConfig{BaseURL: fake.URL, AccessToken: "tok"})
	return New(Options{DB: db, Source: Graph{Client: client, WABA: "102290129340398"}, Logger: zerolog.Nop()})
}

func TestSyncFollowsThePagesAndKeepsWhatBroadcastsNeed(t *testing.T) {
	fake := whatsapptest.NewServer(t)
	fake.SetToken("tok")
	fake.SetTemplates(2,
		tpl("safety_checkin", "en_US", "APPROVED", "Hello {{1}}, are you safe in {{2}}?", textHeader, buttons),
		tpl("safety_checkin", "ar", "APPROVED", "مرحباً {{1}}، هل أنت بأمان في {{2}}؟"),
		tpl("flood_notice", "en_US", "PAUSED", "{{1}}: flood warning. {{1}}, stay indoors."),
		tpl("promo", "en_US", "REJECTED", "Buy now"),
		tpl("photo_alert", "en_US", "APPROVED", "See the map, {{1}}.", imgHeader),
	)
	db := openDB(t)
	svc := graphService(t, fake, db)
	rep, err := svc.Sync(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Templates != 5 || rep.Approved != 3 || rep.Source != "graph" {
		t.Fatalf("report %+v, want 5 templates, 3 approved, from graph", rep)
	}
	if got, want := fake.TemplateCalls(), []string{"", "c2", "c4"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("pages asked %q, want %q (every page once, by its after cursor)", got, want)
	}
	ts, last, err := svc.List(context.Background())
	if err != nil || last == nil || len(ts) != 5 {
		t.Fatalf("list: %d templates, last %v, %v", len(ts), last, err)
	}
	cases := []struct {
		name, lang string
		want       broadcast.TemplateInfo
	}{
		{"safety_checkin", "en_US", broadcast.TemplateInfo{Name: "safety_checkin", Language: "en_US", Status: "APPROVED", HeaderKind: "TEXT", HeaderParams: 1, BodyParams: 2}},
		{"safety_checkin", "ar", broadcast.TemplateInfo{Name: "safety_checkin", Language: "ar", Status: "APPROVED", BodyParams: 2}},
		{"flood_notice", "en_US", broadcast.TemplateInfo{Name: "flood_notice", Language: "en_US", Status: "PAUSED", BodyParams: 1}}, // {{1}} twice is one parameter
		{"photo_alert", "en_US", broadcast.TemplateInfo{Name: "photo_alert", Language: "en_US", Status: "APPROVED", HeaderKind: "IMAGE", BodyParams: 1}},
	}
	for _, c := range cases {
		got, found, err := svc.Template(c.name, c.lang)
		if err != nil || !found || got != c.want {
			t.Errorf("%s (%s): %+v found=%v err=%v, want %+v", c.name, c.lang, got, found, err, c.want)
		}
	}
	if _, found, _ := svc.Template("safety_checkin", "en"); found {
		t.Error("en found: languages are exact codes (en_US is another)")
	}
	for _, st := range ts {
		if st.Name == "safety_checkin" && st.Language == "en_US" {
			if len(st.Buttons) != 2 || st.Buttons[1].Text != "I need help" || st.Body == "" || st.Category != "UTILITY" {
				t.Errorf("stored template %+v: want its body, category and two buttons", st)
			}
		}
	}

	// A template deleted at WhatsApp leaves the list at the next sync; a
	// failed sync changes nothing.
	fake.SetTemplates(0, tpl("safety_checkin", "en_US", "APPROVED", "Hello {{1}}, are you safe in {{2}}?", textHeader, buttons))
	fake.FailTemplates(1, 500, 2)
	if _, err := svc.Sync(context.Background()); err == nil {
		t.Fatal("a failed list call synced")
	}
	if ts, _, _ := svc.List(context.Background()); len(ts) != 5 {
		t.Fatalf("a failed sync changed the list: %d templates", len(ts))
	}
	if _, err := svc.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ts, _, _ := svc.List(context.Background()); len(ts) != 1 {
		t.Fatalf("after the sync: %d templates, want 1", len(ts))
	}
}

func TestStatusWebhookUpdatesAtOnceAndResyncs(t *testing.T) {
	fake := whatsapptest.NewServer(t)
	fake.SetTemplates(0, tpl("safety_checkin", "en_US", "APPROVED", "Hello {{1}}"))
	db := openDB(t)
	svc := graphService(t, fake, db)
	svc.Start()
	defer svc.Close()
	if n := len(fake.TemplateCalls()); n != 1 {
		t.Fatalf("start made %d list calls, want 1", n)
	}
	// WhatsApp pauses it: the webhook's status counts at once, then the
	// list is read again (here it says PAUSED too).
	fake.SetTemplates(0, tpl("safety_checkin", "en_US", "PAUSED", "Hello {{1}}"))
	if err := svc.ObserveTemplate(&whatsapp.TemplateStatus{Name: "safety_checkin", Language: "en_US", Event: "PAUSED", Reason: "LOW_QUALITY"}); err != nil {
		t.Fatal(err)
	}
	if info, _, _ := svc.Template("safety_checkin", "en_US"); info.Status != "PAUSED" {
		t.Fatalf("status after the webhook %q, want PAUSED at once", info.Status)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(fake.TemplateCalls()) < 2 {
		if time.Now().After(deadline) {
			t.Fatal("no sync after the status webhook")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// An unknown template's webhook is not an error: the sync brings it.
	if err := svc.ObserveTemplate(&whatsapp.TemplateStatus{Name: "new_one", Language: "fr", Event: "APPROVED"}); err != nil {
		t.Fatal(err)
	}
}

func TestFileSource(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		label, body string
		want        int    // templates synced
		wantErr     string // part of the error
	}{
		{"page shape", `{"data": [{"name": "a", "language": "en", "status": "APPROVED", "components": [{"type": "BODY", "text": "{{1}}"}]}]}`, 1, ""},
		{"bare array", `[{"name": "a", "language": "en", "status": "APPROVED", "components": []}, {"name": "a", "language": "ar", "status": "PENDING", "components": []}]`, 2, ""},
		{"unknown field named", `[{"name": "a", "language": "en", "status": "APPROVED", "lang": "en", "components": []}]`, 0, `unknown field "lang"`},
		{"missing status", `[{"name": "a", "language": "en", "components": []}]`, 0, "status are required"},
		{"listed twice", `[{"name": "a", "language": "en", "status": "APPROVED"}, {"name": "a", "language": "en", "status": "PAUSED"}]`, 0, "listed twice"},
		{"not json", `name,language`, 0, "invalid character"},
	}
	for i, c := range cases {
		db := openDB(t)
		svc := New(Options{DB: db, Source: File{Path: write(fmt.Sprintf("t%d.json", i), c.body)}, Logger: zerolog.Nop()})
		rep, err := svc.Sync(context.Background())
		switch {
		case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
			t.Errorf("%s: error %v, want one with %q", c.label, err, c.wantErr)
		case c.wantErr == "" && (err != nil || rep.Templates != c.want):
			t.Errorf("%s: %+v %v, want %d templates", c.label, rep, err, c.want)
		}
		if c.wantErr != "" {
			if known, _ := svc.Known(); known {
				t.Errorf("%s: a refused file counts as a synced list", c.label)
			}
		}
	}
	if _, err := New(Options{DB: openDB(t), Source: File{Path: filepath.Join(dir, "missing.json")}}).Sync(context.Background()); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("a missing file: %v", err)
	}
	if _, err := New(Options{DB: openDB(t)}).Sync(context.Background()); !errors.Is(err, ErrNoSource) {
		t.Errorf("no source: %v", err)
	}
}

// The built-in sandbox list holds the templates the README's broadcasts
// name, with the parameters they give.
func TestSandboxListHasTheREADMETemplates(t *testing.T) {
	svc := New(Options{DB: openDB(t), Source: File{Data: SandboxJSON}, Logger: zerolog.Nop()})
	if _, err := svc.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, lang string
		body       int
		header     string
	}{{"safety_checkin", "en_US", 2, "TEXT"}, {"safety_checkin", "ar", 2, "TEXT"}, {"flood_notice", "en_US", 1, ""}, {"port_notice", "en_US", 1, ""},
		{"shelter_map", "en_US", 1, "IMAGE"}, {"shelter_map", "ar", 1, "IMAGE"}, {"shelter_pin", "en_US", 1, "LOCATION"}} {
		info, found, err := svc.Template(c.name, c.lang)
		if err != nil || !found || info.Status != "APPROVED" || info.BodyParams != c.body || info.HeaderParams != 0 || info.HeaderKind != c.header {
			t.Errorf("%s (%s): %+v found=%v err=%v, want approved with %d body parameters", c.name, c.lang, info, found, err, c.body)
		}
	}
}
