package admin

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"lifeline/store"
)

// TestPlaceRoutes is the place API as a specification, request by
// request: who may do what, what a bad request is told, and that every
// change is audited.
func TestPlaceRoutes(t *testing.T) {
	s, admin, agent := newIncidentServer(t)
	const (
		shelter = `{"id": "town-hall", "name": {"default": "Town hall shelter", "ar": "ملجأ دار البلدية"}, "kind": "shelter", "lat": 26.4207, "lon": 50.0888, "address": "1 King Fahd Rd", "capacity": 300}`
		csvGood = "id,name,name_ar,kind,lat,lon,address,capacity,state\n" +
			"school,North school,مدرسة الشمال,shelter,26.45,50.11,12 School St,200,open\n" +
			",Water point,,water,26.43,50.10,,,\n"
		csvBad = "name,kind,lat,lon\n" +
			"Ok place,shelter,26.4,50.1\n" +
			"No kind,,26.4,50.1\n" +
			"Zero,clinic,0,0\n" +
			"Far north,water,91,10\n" +
			"Text lat,food,north,10\n"
	)
	cases := []struct {
		name, method, path, token, ctype, body string
		want                                   int
		contains                               string
	}{
		{"no token", "GET", "/admin/places", "", "", "", 401, ""},
		{"agent may not add", "POST", "/admin/places", agent, "application/json", shelter, 403, ""},
		{"admin adds", "POST", "/admin/places", admin, "application/json", shelter, 201, `"state":"open"`},
		{"same id twice", "POST", "/admin/places", admin, "application/json", shelter, 409, "town-hall"},
		{"unknown field named", "POST", "/admin/places", admin, "application/json", `{"name": {"default": "x"}, "kind": "shelter", "lat": 1, "lon": 1, "capcity": 3}`, 400, "capcity"},
		{"no coordinates", "POST", "/admin/places", admin, "application/json", `{"name": {"default": "x"}, "kind": "shelter"}`, 400, "lat: missing"},
		{"impossible latitude", "POST", "/admin/places", admin, "application/json", `{"name": {"default": "x"}, "kind": "shelter", "lat": 95, "lon": 1}`, 400, "not a latitude"},
		{"zero zero", "POST", "/admin/places", admin, "application/json", `{"name": {"default": "x"}, "kind": "shelter", "lat": 0, "lon": 0}`, 400, "0,0"},
		{"unknown kind", "POST", "/admin/places", admin, "application/json", `{"name": {"default": "x"}, "kind": "hotel", "lat": 1, "lon": 1}`, 400, "want one of shelter"},
		{"no default name", "POST", "/admin/places", admin, "application/json", `{"name": {"ar": "x"}, "kind": "shelter", "lat": 1, "lon": 1}`, 400, "name.default"},
		{"unknown incident", "POST", "/admin/places", admin, "application/json", `{"name": {"default": "x"}, "kind": "shelter", "lat": 1, "lon": 1, "incident": "inc999"}`, 400, "does not exist"},
		{"agent reads", "GET", "/admin/places/town-hall", agent, "", "", 200, "ملجأ دار البلدية"},
		{"agent lists", "GET", "/admin/places?kind=shelter", agent, "", "", 200, "town-hall"},
		{"bad filter", "GET", "/admin/places?state=ajar", agent, "", "", 400, "want one of open"},
		{"missing place", "GET", "/admin/places/nowhere", agent, "", "", 404, "nowhere"},
		{"agent may not change state", "POST", "/admin/places/town-hall/state", agent, "application/json", `{"state": "full"}`, 403, ""},
		{"state full", "POST", "/admin/places/town-hall/state", admin, "application/json", `{"state": "full"}`, 200, `"state":"full"`},
		{"bad state", "POST", "/admin/places/town-hall/state", admin, "application/json", `{"state": "ajar"}`, 400, "want one of open, full, closed"},
		{"state of a missing place", "POST", "/admin/places/nowhere/state", admin, "application/json", `{"state": "open"}`, 404, ""},
		{"patch", "PATCH", "/admin/places/town-hall", admin, "application/json", `{"capacity": 250, "notes": {"default": "Bring blankets"}}`, 200, `"capacity":250`},
		{"patch cannot set the state", "PATCH", "/admin/places/town-hall", admin, "application/json", `{"state": "open"}`, 400, "unknown field"},
		{"patch to impossible longitude", "PATCH", "/admin/places/town-hall", admin, "application/json", `{"lon": 200}`, 400, "not a longitude"},
		{"patch a missing place", "PATCH", "/admin/places/nowhere", admin, "application/json", `{"capacity": 1}`, 404, ""},
		{"agent may not import", "POST", "/admin/places/import", agent, "text/csv", csvGood, 403, ""},
		{"import", "POST", "/admin/places/import", admin, "text/csv", csvGood, 200, `"created":2`},
		{"import again updates by id", "POST", "/admin/places/import", admin, "text/csv", csvGood[:strings.Index(csvGood, ",Water")], 200, `"updated":1`},
		{"bad rows named by row and column", "POST", "/admin/places/import", admin, "text/csv", csvBad, 400,
			`{"row":3,"column":"kind","message":"missing: want one of shelter`},
		{"unknown column", "POST", "/admin/places/import", admin, "text/csv", "name,kind,lat,lon,colour\n", 400, `"column":"colour"`},
		{"agent may not delete", "DELETE", "/admin/places/town-hall", agent, "", "", 403, ""},
		{"delete", "DELETE", "/admin/places/town-hall", admin, "", "", 204, ""},
		{"deleted is gone", "GET", "/admin/places/town-hall", admin, "", "", 404, ""},
		{"delete twice", "DELETE", "/admin/places/town-hall", admin, "", "", 404, ""},
	}
	for _, c := range cases {
		code, body := call(t, s, c.method, c.path, c.token, c.ctype, c.body)
		if code != c.want || !strings.Contains(body, c.contains) {
			t.Errorf("%s: %s %s = %d %s; want %d containing %q", c.name, c.method, c.path, code, body, c.want, c.contains)
		}
	}

	// Every bad row of the file is named, not only the first.
	_, body := call(t, s, "POST", "/admin/places/import", admin, "text/csv", csvBad)
	var got struct {
		Rows []struct {
			Row    int    `json:"row"`
			Column string `json:"column"`
		} `json:"rows"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	var named []string
	for _, r := range got.Rows {
		named = append(named, strings.Join([]string{string(rune('0' + r.Row)), r.Column}, ":"))
	}
	if strings.Join(named, " ") != "3:kind 4:lat 5:lat 6:lat" {
		t.Errorf("bad rows named %v, want 3:kind 4:lat 5:lat 6:lat", named)
	}

	// Each change is in the audit log, from the service's own transaction.
	actions := map[string]int{}
	err := s.db.Read(context.Background(), func(r store.Reader) error {
		es, _, err := store.ListAudit(context.Background(), r, store.AuditFilter{Action: "place."}, 1000)
		for _, e := range es {
			if e.Status == 0 { // written by the service, not the refusal middleware
				actions[e.Action]++
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"place.create", "place.state", "place.update", "place.import", "place.delete"} {
		if actions[a] == 0 {
			t.Errorf("no %s in the audit log: %v", a, actions)
		}
	}
}
