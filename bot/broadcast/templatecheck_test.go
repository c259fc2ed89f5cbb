package broadcast

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/contacts"
	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/store"
)

// tplList is a template list built by the test.
type tplList struct {
	known bool
	ts    map[string]TemplateInfo // by name/language
}

func (c tplList) Template(name, lang string) (TemplateInfo, bool, error) {
	t, ok := c.ts[name+"/"+lang]
	return t, ok, nil
}

func (c tplList) Known() (bool, error) { return c.known, nil }

func testCatalog() tplList {
	return tplList{known: true, ts: map[string]TemplateInfo{
		"safety_checkin/en_US": {Name: "safety_checkin", Language: "en_US", Status: "APPROVED", HeaderKind: "TEXT", BodyParams: 1},
		"safety_checkin/ar":    {Name: "safety_checkin", Language: "ar", Status: "APPROVED", BodyParams: 1},
		"port_notice/en_US":    {Name: "port_notice", Language: "en_US", Status: "PAUSED", BodyParams: 1},
		"alert_header/en_US":   {Name: "alert_header", Language: "en_US", Status: "APPROVED", HeaderKind: "TEXT", HeaderParams: 1, BodyParams: 1},
		"map_alert/en_US":      {Name: "map_alert", Language: "en_US", Status: "APPROVED", HeaderKind: "IMAGE", BodyParams: 1},
		"follow_up/en_US":      {Name: "follow_up", Language: "en_US", Status: "PENDING", BodyParams: 1},
	}}
}

func TestTemplateCatalogCheck(t *testing.T) {
	withHeader := tpl("alert_header", "en_US")
	withHeader.Header = []Param{{Value: "{{region}}"}}
	twoParams := tpl("safety_checkin", "en_US")
	twoParams.Body = append(twoParams.Body, Param{Value: "{{site}}"})
	reminded := checkinSpec()
	reminded.Reminders = &Reminders{Every: Duration(time.Hour), Count: 1, Templates: map[string]Template{"en": tpl("follow_up", "en_US")}}
	cases := []struct {
		label   string
		cat     TemplateCatalog
		spec    Spec
		wantErr []string // parts of the error; none: accepted
		warning string
	}{
		{"approved in both languages", testCatalog(), checkinSpec(), nil, ""},
		{"no catalog: unchecked as before", nil, checkinSpec(), nil, ""},
		{"never synced: accepted with a warning", tplList{}, checkinSpec(), nil, TemplatesUnchecked},
		{"not approved", testCatalog(), noticeSpec(), []string{"template port_notice in language en_US is PAUSED, not APPROVED"}, ""},
		{"unknown in that language", testCatalog(), Spec{Templates: map[string]Template{"fr": tpl("safety_checkin", "fr")}},
			[]string{"templates[fr]: template safety_checkin in language fr", "no such template"}, ""},
		{"language code must be exact", testCatalog(), Spec{Templates: map[string]Template{"en": tpl("safety_checkin", "en")}},
			[]string{"template safety_checkin in language en:"}, ""},
		{"too many body parameters", testCatalog(), Spec{Templates: map[string]Template{"en": twoParams}},
			[]string{"template safety_checkin in language en_US takes 1 body parameters, the broadcast gives 2"}, ""},
		{"header parameter missing", testCatalog(), Spec{Templates: map[string]Template{"en": tpl("alert_header", "en_US")}},
			[]string{"alert_header in language en_US takes 1 header parameters, the broadcast gives 0"}, ""},
		{"header parameter given", testCatalog(), Spec{Templates: map[string]Template{"en": withHeader}}, nil, ""},
		{"media header not given", testCatalog(), Spec{Templates: map[string]Template{"en": tpl("map_alert", "en_US")}}, []string{"has a IMAGE header: give it with header_media (type image)"}, ""},
		{"media header given", testCatalog(), Spec{Templates: map[string]Template{"en": withMedia("map_alert", "image")}}, nil, ""},
		{"media header of another type", testCatalog(), Spec{Templates: map[string]Template{"en": withMedia("map_alert", "document")}}, []string{"has a IMAGE header, not the document header header_media fills"}, ""},
		{"media header where the header is text", testCatalog(), Spec{Templates: map[string]Template{"en": withMedia("safety_checkin", "image")}}, []string{"has a TEXT header, not the image header"}, ""},
		{"a reminder's template too", testCatalog(), reminded, []string{"reminders.templates[en]: template follow_up in language en_US is PENDING"}, ""},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			sp := c.spec
			warning, err := checkTemplateCatalog(c.cat, &sp)
			if len(c.wantErr) == 0 {
				if err != nil || warning != c.warning {
					t.Fatalf("got %v, warning %q; want accepted with warning %q", err, warning, c.warning)
				}
				return
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("got %v, want ErrInvalid (400)", err)
			}
			for _, w := range c.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func withMedia(name, typ string) Template {
	t := tpl(name, "en_US")
	t.HeaderMedia = &HeaderMedia{Type: typ, SHA256: strings.Repeat("ab", 32)}
	return t
}

// Through Create: a refused broadcast is not stored; an accepted one
// without a synced list carries the warning.
func TestCreateChecksTheTemplateList(t *testing.T) {
	for _, c := range []struct {
		label   string
		cat     tplList
		spec    Spec
		refused bool
		warned  bool
	}{
		{"approved", testCatalog(), checkinSpec(), false, false},
		{"paused", testCatalog(), noticeSpec(), true, false},
		{"never synced", tplList{}, noticeSpec(), false, true},
	} {
		t.Run(c.label, func(t *testing.T) {
			db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			graph := whatsapptest.NewServer(t)
			client := whatsapp.NewClient(whatsapp.ClientConfig{BaseURL: graph.URL, AccessToken: "tok"})
			ctx := context.Background()
			if err := db.WriteAny(ctx, func(w store.Writer) error {
				return store.PutContact(ctx, w, store.Contact{WaID: "966500000001", Language: "en", OptedIn: true, CreatedAt: time.Now()})
			}); err != nil {
				t.Fatal(err)
			}
			svc := New(testConfig(Config{}), Options{DB: db, Sender: client, Logger: zerolog.Nop(), Templates: c.cat})
			if err := svc.Start(); err != nil {
				t.Fatal(err)
			}
			defer svc.Close()
			sp := c.spec
			sp.Audience = contacts.Audience{All: true}
			b, err := svc.Create(sp, "test", "")
			if c.refused {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("create: %v, want refused with ErrInvalid", err)
				}
				if list, _ := svc.List(10); len(list) != 0 {
					t.Fatalf("a refused broadcast was stored: %d", len(list))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := len(b.Warnings) > 0 && b.Warnings[0] == TemplatesUnchecked; got != c.warned {
				t.Fatalf("warnings %q, want the unchecked warning: %v", b.Warnings, c.warned)
			}
		})
	}
}
