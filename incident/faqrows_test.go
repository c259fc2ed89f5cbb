package incident

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/store"
)

// TestFAQChangesInTheTimeline: each FAQ version made while the incident
// was open is a row with its number and what made it, and takes who made
// it from the audit entry of the request, matched by action and entry in
// order (a failed request made no version); versions before the opening
// and audit entries of another incident's overlay are left out.
func TestFAQChangesInTheTimeline(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	in, err := e.svc.Create(ctx, flood(false), admin)
	if err != nil {
		t.Fatal(err)
	}
	at := func(d time.Duration) time.Time { return in.OpenedAt.Add(d) }
	versions := []faqVersion{
		{N: 1, At: at(-time.Hour), Source: "import"},
		{N: 2, At: at(time.Minute), Source: "update", Note: "water"},
		{N: 3, At: at(2 * time.Minute), Source: "update", Note: "power"},
		{N: 4, At: at(3 * time.Minute), Source: "rollback", Note: "rollback to version 2"},
	}
	for _, v := range versions {
		if err := store.PutFAQVersion(ctx, e.db, v.N, v, []struct{}{}); err != nil {
			t.Fatal(err)
		}
	}
	audits := []store.AuditEntry{
		{At: at(time.Minute), Actor: "token:aaa", Name: "Huda", Action: "kb.entries.update", Target: "id=shelter", Status: 404},
		{At: at(time.Minute), Actor: "token:aaa", Name: "Huda", Action: "kb.entries.update", Target: "id=water", Status: 200},
		{At: at(2 * time.Minute), Actor: "token:bbb", Name: "Omar", Action: "kb.entries.update", Target: "id=power", Status: 200},
		{At: at(3 * time.Minute), Actor: "token:aaa", Name: "Huda", Action: "kb.versions.rollback", Target: "v=2", Status: 200},
		{At: at(4 * time.Minute), Actor: "token:aaa", Name: "Huda", Action: "incident.faq.create", Target: "id=" + in.ID, Detail: "entry plant (en)", Status: 201},
		{At: at(4 * time.Minute), Actor: "token:aaa", Name: "Huda", Action: "incident.faq.create", Target: "id=inc999999", Detail: "entry other (en)", Status: 201},
		{At: at(5 * time.Minute), Actor: "token:bbb", Name: "Omar", Action: "incident.faq.delete", Target: "id=" + in.ID + " entry=plant", Status: 204},
	}
	err = e.db.WriteAny(ctx, func(w store.Writer) error {
		for _, a := range audits {
			if _, err := store.AppendAudit(ctx, w, a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Read ten minutes after the opening, when all of it has happened.
	later := NewService(Options{DB: e.db, Logger: zerolog.Nop(), Now: func() time.Time { return at(10 * time.Minute) }})
	tl, err := later.Timeline(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range tl.Rows {
		if strings.HasPrefix(r.Kind, "faq.") {
			got = append(got, r.Kind+" | "+r.Actor+" | "+r.Subject+" | "+r.Detail)
		}
	}
	want := []string{
		"faq.version | Huda (token:aaa) | faq | version 2: update of entry water",
		"faq.version | Omar (token:bbb) | faq | version 3: update of entry power",
		"faq.version | Huda (token:aaa) | faq | version 4: rollback: rollback to version 2",
		"faq.overlay.entry | Huda (token:aaa) | " + in.ID + " | entry plant (en)",
		"faq.overlay.remove | Omar (token:bbb) | " + in.ID + " | entry plant",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("FAQ rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
