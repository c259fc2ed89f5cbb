package admin

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestFiguresAndMapInARealBrowser runs a check-in through the sandbox
// and reads it on the broadcasts page as charts over time, at a laptop's
// size and a phone's: the charts show the counts the API reports, the
// three targets are drawn as lines, a read status that arrives later
// moves the chart through the live event stream alone (the page's timed
// reloads are stopped and the page is not reloaded), and the map shows
// the location a person sent in a message next to a shelter, with a link
// to open it in a maps app.
func TestFiguresAndMapInARealBrowser(t *testing.T) {
	chromium, axe := browserTools(t)
	for _, size := range screenSizes {
		t.Run(size.name, func(t *testing.T) {
			rig := newAdminRigWith(t, "")
			w := openScreen(t, chromium, size, 4*time.Minute)
			runFigures(t, w, rig, axe)
		})
	}
}

// adminGet reads an admin route as JSON with the admin token.
func adminGet(t *testing.T, rig *adminRig, path string, into any) {
	t.Helper()
	req, _ := http.NewRequest("GET", rig.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+rig.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s = %d %s", path, resp.StatusCode, raw)
	}
	if err := json.Unmarshal(raw, into); err != nil {
		t.Fatalf("GET %s: %v: %s", path, err, raw)
	}
}

func runFigures(t *testing.T, w *workspace, rig *adminRig, axe string) {
	const (
		safe   = "447700900301" // answers that she is safe
		helped = "447700900302" // needs help and sends where she is
		silent = "447700900303" // reads the check-in later, never answers
	)
	asAdmin(t, rig.base, rig.token, "POST", "/admin/contacts/import", "text/csv",
		"phone,name,language,tags,opted_in\n+"+safe+",Salma,en,block7,yes\n+"+helped+",Huda,en,block7,yes\n+"+silent+",Sami,en,block7,yes\n", 200)
	var created struct {
		ID string `json:"id"`
	}
	{
		req, _ := http.NewRequest("POST", rig.base+"/admin/broadcasts", strings.NewReader(`{"name": "Block 7 check-in", "kind": "checkin",
			"audience": {"tags_any": ["block7"]},
			"templates": {"en": {"name": "safety_checkin", "language": "en_US", "body": [{"value": "{{name}}"}, {"value": "Block 7"}]}}}`))
		req.Header.Set("Authorization", "Bearer "+rig.token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 202 || json.Unmarshal(raw, &created) != nil || created.ID == "" {
			t.Fatalf("create the check-in = %d %s", resp.StatusCode, raw)
		}
	}
	asAdmin(t, rig.base, rig.token, "POST", "/admin/places", "application/json",
		`{"name": {"default": "School shelter"}, "kind": "shelter", "lat": 26.4207, "lon": 50.0888, "capacity": 300}`, 201)

	// The people answer through the sandbox, as on their phones: the
	// engine counts each answer and records where Huda is.
	type status struct {
		Targeted, Sent, Delivered, Read, Replied int64
		Safe                                     int64 `json:"safe"`
		NeedHelp                                 int64 `json:"need_help"`
	}
	statusNow := func() status {
		var st status
		adminGet(t, rig, "/admin/broadcasts/"+created.ID, &st)
		return st
	}
	waitFor := func(what string, ok func(status) bool) status {
		t.Helper()
		for {
			st := statusNow()
			if ok(st) {
				return st
			}
			if _, err := chromedp.Run(w.ctx, chromedp.Poll[chromedp.Void](`new Promise((r) => setTimeout(() => r(true), 100))`)); err != nil {
				t.Fatalf("%s: %+v: %v", what, st, err)
			}
		}
	}
	waitFor("the check-in is sent to all three", func(st status) bool { return st.Sent == 3 && st.Delivered == 3 })
	sandboxSay(t, rig.base, safe, "Salma", "I'm safe")
	sandboxSay(t, rig.base, helped, "Huda", "need help")
	say := func(from, body string) {
		t.Helper()
		resp, err := http.Post(rig.base+"/sandbox/messages", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("sandbox message from %s = %d %s", from, resp.StatusCode, raw)
		}
	}
	say(helped, `{"from": "`+helped+`", "name": "Huda", "location": {"latitude": 26.4301, "longitude": 50.1013, "name": "Roof of building 7"}}`)
	before := waitFor("the answers are counted", func(st status) bool { return st.Safe == 1 && st.NeedHelp == 1 })

	noSideScroll := fmt.Sprintf(`document.documentElement.scrollWidth <= window.innerWidth && window.innerWidth === %d`, w.width)
	w.do("log in as an admin and open the broadcasts",
		chromedp.Navigate(rig.base+"/console/"),
		chromedp.WaitVisible(chromedp.CSS(`#login-user`)),
		chromedp.SendKeys(chromedp.CSS(`#login-user`), "nadia"),
		chromedp.SendKeys(chromedp.CSS(`#login-password`), coordinatorPassword),
		chromedp.Click(chromedp.CSS(`#login-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#page-queue`)),
		chromedp.Evaluate[chromedp.Void](`location.hash = "#broadcasts"`),
		chromedp.WaitVisible(chromedp.CSS(`#bc-figures [data-chart="people"] svg`)),
	)
	legend := func(chart, key string) string {
		return `(document.querySelector('#bc-figures [data-chart="` + chart + `"] [data-fig="` + key + `"]') || {}).textContent`
	}
	// The chart's latest figures are the API's counts.
	want := map[string]int64{"sent": before.Sent, "delivered": before.Delivered, "read": before.Read, "replied": before.Replied,
		"safe": before.Safe, "need_help": before.NeedHelp, "unaccounted": before.Targeted - before.Safe - before.NeedHelp}
	for key, n := range want {
		w.until("the chart's "+key, legend("people", key)+` === "`+strconv.FormatInt(n, 10)+`"`)
	}
	if got := evalIn[int](w, `document.querySelector('#bc-figures [data-chart="people"] polyline[data-key="sent"]').getAttribute("points").trim().split(" ").length`); got < 1 {
		t.Errorf("the sent line has %d points", got)
	}
	// The targets, each drawn as a line with its value, against the figure.
	for chart, target := range map[string]string{"delivery": "0.95", "response": "5", "engagement": "0.3"} {
		sel := `#bc-figures [data-chart="` + chart + `"]`
		if !evalIn[bool](w, `!!document.querySelector('`+sel+` line.target-line[data-target="`+target+`"]')`) {
			t.Errorf("the %s chart has no target line at %s", chart, target)
		}
		if got := evalIn[string](w, `document.querySelector('`+sel+` svg desc').textContent`); !strings.Contains(got, "target") {
			t.Errorf("the %s chart's description %q does not say how it stands against the target", chart, got)
		}
	}
	if got := evalIn[string](w, legend("delivery", "delivery")); got != "100%" {
		t.Errorf("the delivery chart reads %q, want 100%% (3 of 3 delivered)", got)
	}
	// Labels of the time axis do not overlap.
	if !evalIn[bool](w, `[...document.querySelectorAll('#bc-figures svg')].every((svg) => {
		const r = [...svg.querySelectorAll("text.tick")].filter((t) => t.getAttribute("y") > svg.viewBox.baseVal.height - 20).map((t) => t.getBoundingClientRect());
		return r.every((a, i) => i === 0 || r[i - 1].right <= a.left + 0.5);
	})`) {
		t.Errorf("time labels overlap")
	}
	// A status that arrives now moves the chart with no reload: the page's
	// timed reloads are stopped, and a mark on the window must survive.
	// A reconnected stream, which reloads everything, is only recorded,
	// as is every event the page receives.
	// clearInterval also clears timeouts (one id space): a reload the
	// events had scheduled may be cancelled with them, so its handle is
	// dropped too, or the next event would find it pending and do nothing.
	w.do("stop the timed reloads", chromedp.Evaluate[chromedp.Void](`window.__same = true; for (let i = 1; i < 5000; i++) clearInterval(i); reloadTimer = null;
		window.__kinds = [];
		const es = state.events, onmessage = es.onmessage;
		es.onopen = () => window.__kinds.push("reconnected");
		es.onmessage = (m) => { window.__kinds.push(JSON.parse(m.data).kind); onmessage(m); };`))
	rig.sender.ReadBy(silent)
	after := waitFor("the read status is counted", func(st status) bool { return st.Read > before.Read })
	w.until("the chart shows the read status live", legend("people", "read")+` === "`+strconv.FormatInt(after.Read, 10)+`" && window.__same === true`)
	if kinds := evalIn[[]string](w, `window.__kinds`); !slices.Contains(kinds, "status") {
		t.Errorf("the page received %q, no status event", kinds)
	}
	if !evalIn[bool](w, noSideScroll) {
		t.Errorf("the broadcasts page scrolls sideways")
	}
	w.do("open the table of figures", chromedp.Click(chromedp.CSS(`#bc-figures .fig-table summary`)))
	if got := evalIn[string](w, `document.querySelector("#figures-table tbody tr:last-child").innerText`); !strings.Contains(got, strconv.FormatInt(after.Read, 10)) {
		t.Errorf("the table's last row %q lacks the read count %d", got, after.Read)
	}
	checkA11y(w, axe, "broadcast figures")
	w.do("scroll to the charts", chromedp.Evaluate[chromedp.Void](`document.getElementById("bc-figures-card").scrollIntoView()`))
	w.screenshot("broadcast-figures")

	// The map: Huda's shared location and the shelter, drawn offline.
	w.do("open the map",
		chromedp.Evaluate[chromedp.Void](`location.hash = "#map"`),
		chromedp.WaitVisible(chromedp.CSS(`#map-svg .point[data-id="p:`+helped+`"]`)),
	)
	if !evalIn[bool](w, `!!document.querySelector('#map-svg .point[data-id^="pl:"]')`) {
		t.Errorf("the map has no shelter")
	}
	if got := evalIn[string](w, `document.getElementById("map-note").textContent`); !strings.Contains(got, "LIFELINE_MAP_TILE_URL") {
		t.Errorf("the map's note %q does not say that it has no tiles", got)
	}
	if n := evalIn[int](w, `document.querySelectorAll("#map-svg image").length`); n != 0 {
		t.Errorf("the map loads %d tiles with no tile URL configured", n)
	}
	w.do("click Huda's point", chromedp.Click(chromedp.CSS(`#map-svg .point[data-id="p:`+helped+`"]`)))
	w.until("her details show", `!document.getElementById("map-detail").hidden`)
	detail := evalIn[string](w, `document.getElementById("map-detail").innerText`)
	for _, part := range []string{"+" + helped, "26.43010, 50.10130", "Roof of building 7"} {
		if !strings.Contains(detail, part) {
			t.Errorf("the map's detail %q lacks %q", detail, part)
		}
	}
	if href := evalIn[string](w, `document.querySelector("#map-detail a.geo").getAttribute("href")`); !strings.HasPrefix(href, "geo:26.43010,50.10130") {
		t.Errorf("the maps-app link is %q", href)
	}
	if !evalIn[bool](w, noSideScroll) {
		t.Errorf("the map page scrolls sideways")
	}
	checkA11y(w, axe, "map")
	w.screenshot("map")
}
