package metrics

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/rs/zerolog"

	"lifeline/bot"
	"lifeline/bot/broadcast"
	"lifeline/bot/contacts"
	"lifeline/store"
	"lifeline/store/storetest"
)

func TestBroadcastProgressAndCheckinAnswersAreExported(t *testing.T) {
	db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i := 0; i < 3; i++ {
		c := store.Contact{WaID: fmt.Sprintf("96650000000%d", i), Language: "en", Tags: []string{"employees"}, OptedIn: true, CreatedAt: time.Now()}
		storetest.Write(t, db, func(ctx context.Context, w store.Writer) error { return store.PutContact(ctx, w, c) })
	}
	svc := broadcast.New(broadcast.Config{PhoneNumberIDs: []string{"1"}, RatePerNumber: 1000}, broadcast.Options{DB: db, Sender: &bot.SandboxSender{}, Logger: zerolog.Nop()})
	if err := svc.Start(); err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	spec := broadcast.Spec{Name: "storm check-in", Kind: broadcast.KindCheckin, FallbackLanguage: "en", Audience: contacts.Audience{All: true},
		Templates: map[string]broadcast.Template{"en": {Name: "safety_checkin", Language: "en_US"}}}
	b, err := svc.Create(spec, "test", "")
	if err != nil {
		t.Fatal(err)
	}
	m := New()
	m.WatchBroadcasts(svc)
	want := fmt.Sprintf(`lifeline_broadcast_recipients{broadcast=%q,kind="checkin",state="targeted"} 3`, b.ID)
	deadline := time.Now().Add(10 * time.Second)
	for {
		var out strings.Builder
		mfs, err := m.Registry().Gather()
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, mf := range mfs {
			for _, metric := range mf.GetMetric() {
				fmt.Fprintf(&out, "%s%s %v\n", mf.GetName(), labels(metric.GetLabel()), metric.GetGauge().GetValue())
				if mf.GetName() == "lifeline_checkin_answers" {
					n++
				}
			}
		}
		if strings.Contains(out.String(), want) && n == 3 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("want %s and 3 check-in answer series; got (%d answer series):\n%s", want, n, out.String())
		}
		// The broadcast enqueues its recipients in the background: look again.
		time.Sleep(10 * time.Millisecond)
	}
}

func labels(ls []*dto.LabelPair) string {
	var parts []string
	for _, l := range ls {
		parts = append(parts, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
	}
	return "{" + strings.Join(parts, ",") + "}"
}
