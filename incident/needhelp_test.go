package incident

import (
	"context"
	"slices"
	"strings"
	"testing"

	"lifeline/bot/whatsapp"
)

// TestReportListsWhoNeedsHelpOnce: of three people sent a check-in, one
// answers that they need help and shares a location and what they need,
// one answers in words that they need help, one is safe. The report lists
// the two who need help once each, latest answer first, with the location
// and the description they gave, and names both among the people who
// opened a handoff; the safe one is in neither list.
func TestReportListsWhoNeedsHelpOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ids := e.people(3, 1, "Dammam")
	in, b := e.floodCheckinSent()
	e.write(ids[0], whatsapp.Message{Type: "interactive", InteractiveType: "button_reply", ReplyID: "checkin:" + b.ID + ":help", ReplyTitle: "I need help"})
	e.write(ids[0], whatsapp.Message{Type: "location", Location: &whatsapp.Location{Latitude: 26.43, Longitude: 50.1}})
	e.write(ids[0], whatsapp.Message{Type: "text", Text: "we need drinking water and blankets"})
	e.write(ids[2], whatsapp.Message{Type: "text", Text: "safe"})
	eventually(t, "the description recorded", func() bool {
		rep, err := e.svc.Report(ctx, in.ID)
		return err == nil && len(rep.NeedHelp) == 1 && rep.NeedHelp[0].Description != ""
	})
	e.write(ids[1], whatsapp.Message{Type: "text", Text: "we are not ok here, please help us"})
	eventually(t, "three answers", func() bool { st, _ := e.bc.Status(b.ID); return st.Replied == 3 })

	rep, err := e.svc.Report(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.NeedHelp) != 2 {
		t.Fatalf("need help %+v, want %s and %s", rep.NeedHelp, ids[1], ids[0])
	}
	latest, first := rep.NeedHelp[0], rep.NeedHelp[1]
	if latest.WaID != ids[1] || first.WaID != ids[0] {
		t.Fatalf("need help in the order %s, %s; want the latest answer (%s) first", latest.WaID, first.WaID, ids[1])
	}
	if first.Broadcast != b.ID || first.BroadcastName != b.Spec.Name || first.AnsweredAt.IsZero() {
		t.Errorf("need help %+v: want check-in %s (%q) and when they answered", first, b.ID, b.Spec.Name)
	}
	if first.Latitude == nil || *first.Latitude != 26.43 || first.Longitude == nil || *first.Longitude != 50.1 ||
		!strings.Contains(first.Description, "drinking water") {
		t.Errorf("need help %+v: want the location shared and the description", first)
	}
	if latest.Latitude != nil || latest.Description != "" {
		t.Errorf("need help %+v: shared nothing, want no location and no description", latest)
	}
	for _, id := range ids[:2] {
		if !slices.Contains(rep.HandoffUsers, id) {
			t.Errorf("handoff users %v: want %s, whose answer opened a handoff", rep.HandoffUsers, id)
		}
	}
	if slices.Contains(rep.HandoffUsers, ids[2]) {
		t.Errorf("handoff users %v: %s is safe", rep.HandoffUsers, ids[2])
	}
}

// TestReportCloneLeavesTheSharedReportAlone: the admin API masks the
// numbers of a report for an agent, or leaves the lists of the
// unaccounted out, on a clone; a report other requests share keeps them.
func TestReportCloneLeavesTheSharedReportAlone(t *testing.T) {
	shared := &Report{
		Unaccounted:  []Unaccounted{{Broadcast: "b1", Seq: 1, WaID: "966500000001"}},
		NeedHelp:     []NeedHelp{{WaID: "966500000002"}},
		HandoffUsers: []string{"966500000003"},
		Broadcasts:   []BroadcastReport{{ID: "b1", Unaccounted: []Unaccounted{{Broadcast: "b1", Seq: 1, WaID: "966500000001"}}}},
	}
	c := shared.Clone()
	c.Unaccounted[0].WaID, c.NeedHelp[0].WaID, c.HandoffUsers[0] = "masked", "masked", "masked"
	c.Broadcasts[0].Unaccounted[0].WaID = "masked"
	c.Broadcasts[0].Unaccounted = nil
	if shared.Unaccounted[0].WaID != "966500000001" || shared.NeedHelp[0].WaID != "966500000002" ||
		shared.HandoffUsers[0] != "966500000003" || len(shared.Broadcasts[0].Unaccounted) != 1 ||
		shared.Broadcasts[0].Unaccounted[0].WaID != "966500000001" {
		t.Fatalf("changing the clone changed the shared report: %+v", shared)
	}
}
