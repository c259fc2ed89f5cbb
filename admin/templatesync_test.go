package admin

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot"
	"lifeline/templates"
)

// TestTemplateSyncAnswersAtOnce: the console's sync button calls POST
// /admin/templates/sync and shows the answer; each kind of server
// answers at once, saying what came or what is missing.
func TestTemplateSyncAnswersAtOnce(t *testing.T) {
	list, err := templates.ParseList(templates.SandboxJSON)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		label    string
		source   templates.Source
		wantCode int
		wantBody string
	}{
		{"sandbox mode: the built-in list", templates.File{Data: templates.SandboxJSON}, 200, fmt.Sprintf(`"templates":%d`, len(list))},
		{"the real API without LIFELINE_WABA_ID: nothing to sync from", nil, 409, "set LIFELINE_WABA_ID"},
		{"a template file that is gone", templates.File{Path: t.TempDir() + "/missing.json"}, 503, "the stored template list is unchanged"},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			db, faq := openStore(t)
			admin, err := BootstrapToken(context.Background(), db, "", time.Now())
			if err != nil {
				t.Fatal(err)
			}
			tpls := templates.New(templates.Options{DB: db, Source: c.source, Logger: zerolog.Nop()})
			engine := bot.New(bot.Config{}, bot.Options{DB: db, Sender: &bot.SandboxSender{}, KB: faq, Learner: faq, Logger: zerolog.Nop()})
			s := New(Deps{DB: db, Engine: engine, KB: faq, Logger: zerolog.Nop(), Templates: tpls})
			code, body := call(t, s, "POST", "/admin/templates/sync", admin, "", "")
			if code != c.wantCode || !strings.Contains(body, c.wantBody) {
				t.Errorf("sync: %d %s, want %d with %q", code, body, c.wantCode, c.wantBody)
			}
		})
	}
}
