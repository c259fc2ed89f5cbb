package admin

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestIncidentDashboardInARealBrowser walks a whole incident from the
// console, as issue 15's "done when" asks, in headless Chromium: on a
// laptop in English and on a phone in Arabic (each then switched to the
// other language). A coordinator opens an incident, opens its dashboard,
// composes a check-in for it from there, previews and sends it; it needs
// a second admin's approval, which another admin gives from their own
// browser. The dashboard's numbers then follow the check-in live, with
// the page's timed reloads stopped and no reload of the page: sent and
// delivered as the sandbox reports them, read as a status arrives, safe
// and need help as people answer. The person who needs help is listed
// with her location and the state of her conversation, and is on the
// incident's map. A person who never answered is marked reached by
// staff from the dashboard's list of the unaccounted. An agent claims
// the need-help handoff and answers, and the dashboard shows it as
// claimed by the agent.
//
// With LIFELINE_SCREENSHOTS=dir set, it writes screenshots there.
func TestIncidentDashboardInARealBrowser(t *testing.T) {
	chromium, axe := browserTools(t)
	for _, run := range []struct {
		size screenSize
		lang string
	}{{screenSizes[0], "en"}, {screenSizes[1], "ar"}} {
		t.Run(run.size.name+" "+run.lang, func(t *testing.T) {
			rig := newAdminRigWith(t, "")
			coord := openScreen(t, chromium, run.size, 8*time.Minute)
			other := openScreen(t, chromium, run.size, 8*time.Minute)
			runDashboard(t, rig, coord, other, run.lang, axe)
		})
	}
}

func runDashboard(t *testing.T, rig *adminRig, coord, other *workspace, lang, axe string) {
	const (
		salma = "447700900401" // answers that she is safe
		huda  = "447700900402" // needs help and sends where she is
		sami  = "447700900403" // reads the check-in, never answers
		rami  = "447700900404" // never reads it
	)
	asAdmin(t, rig.base, rig.token, "POST", "/admin/contacts/import", "text/csv",
		"phone,name,language,tags,opted_in\n+"+salma+",Salma,en,riverside,yes\n+"+huda+",Huda,en,riverside,yes\n+"+sami+",Sami,en,riverside,yes\n+"+rami+",Rami,en,riverside,yes\n", 200)
	// The second admin, who approves what the coordinator sends.
	asAdmin(t, rig.base, rig.token, "POST", "/admin/agents", "application/json",
		fmt.Sprintf(`{"id": "omar", "name": "Omar", "role": "admin", "password": %q}`, coordinatorPassword), 201)

	goTo := func(page string) chromedp.Action[chromedp.Void] {
		return chromedp.Evaluate[chromedp.Void](`location.hash = "#` + page + `"`)
	}
	// clickRow finds and clicks in one step in the page: the dashboard and
	// the lists are rebuilt on live updates.
	clickRow := func(sel string) chromedp.Action[chromedp.Void] {
		return chromedp.Poll[chromedp.Void](`(() => { const e = document.querySelector(`+strconv.Quote(sel)+`); if (!e) return false; e.click(); return true; })()`,
			chromedp.WithPollingTimeout(0))
	}
	setLang := func(l string) chromedp.Action[chromedp.Void] {
		return chromedp.Evaluate[chromedp.Void](`(() => { const s = document.getElementById("lang"); s.value = "` + l + `"; s.dispatchEvent(new Event("change")); })()`)
	}
	login := func(w *workspace, user string) {
		t.Helper()
		w.do("log in as "+user,
			chromedp.Navigate(rig.base+"/console/"),
			chromedp.WaitVisible(chromedp.CSS(`#login-user`)),
			setLang(lang),
			chromedp.SendKeys(chromedp.CSS(`#login-user`), user),
			chromedp.SendKeys(chromedp.CSS(`#login-password`), coordinatorPassword),
			chromedp.Click(chromedp.CSS(`#login-submit`)),
			chromedp.WaitVisible(chromedp.CSS(`#page-queue`)),
		)
	}
	checkPage := func(w *workspace, page string) {
		t.Helper()
		if !evalIn[bool](w, fmt.Sprintf(`document.documentElement.scrollWidth <= window.innerWidth && window.innerWidth === %d`, w.width)) {
			t.Errorf("%s: the page scrolls sideways (%d px wide in %d)", page,
				evalIn[int](w, `document.documentElement.scrollWidth`), w.width)
		}
		if evalIn[bool](w, `/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(document.body.innerText)`) {
			t.Errorf("%s: the page shows a raw ISO timestamp", page)
		}
		checkA11y(w, axe, page)
		w.screenshot(page)
	}

	// The coordinator opens the incident and its dashboard.
	login(coord, "nadia")
	coord.do("open an incident",
		goTo("incidents"),
		chromedp.WaitVisible(chromedp.CSS(`#inc-new summary`)),
		chromedp.Click(chromedp.CSS(`#inc-new summary`)),
		chromedp.SendKeys(chromedp.CSS(`#inc-name`), "Riverside flood"),
		chromedp.SendKeys(chromedp.CSS(`#inc-tags`), "riverside"),
		chromedp.Click(chromedp.CSS(`#inc-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#incident-table tr[data-state="open"]`)),
	)
	incID := evalIn[string](coord, `document.querySelector('#incident-table tr[data-state="open"]').dataset.id`)
	coord.do("open its dashboard",
		clickRow(`#incident-table tr[data-id="`+incID+`"] a[data-act="dashboard"]`),
		chromedp.WaitVisible(chromedp.CSS(`#page-dashboard #dash-targets [data-target="engagement"]`)),
	)
	coord.until("the dashboard names the incident and has no broadcast yet",
		`location.hash === "#dashboard/`+incID+`" && document.getElementById("dash-title").textContent.includes("Riverside flood") &&
		!document.querySelector("#dash-broadcasts .dash-bc")`)

	// From the dashboard, a check-in for this incident.
	coord.do("compose a check-in for the incident",
		chromedp.Click(chromedp.CSS(`#dash-compose`)),
		chromedp.WaitVisible(chromedp.CSS(`#bc-name`)),
	)
	coord.until("the composer has the incident chosen", `document.getElementById("bc-incident").value === "`+incID+`"`)
	coord.do("fill, preview and send it",
		chromedp.SendKeys(chromedp.CSS(`#bc-name`), "Riverside check-in"),
		chromedp.SetValue(chromedp.CSS(`#bc-kind`), "checkin"),
		chromedp.SendKeys(chromedp.CSS(`#bc-templates .tpl-name`), "safety_checkin"),
		chromedp.SetValue(chromedp.CSS(`#bc-templates .tpl-lang`), "en_US"),
		chromedp.SendKeys(chromedp.CSS(`#bc-templates .tpl-params`), "{{name}}"),
		chromedp.SendKeys(chromedp.CSS(`#bc-tags`), "riverside"),
		chromedp.Click(chromedp.CSS(`#bc-preview-btn`)),
		chromedp.WaitVisible(chromedp.CSS(`#bc-preview-body`)),
		chromedp.WaitEnabled(chromedp.CSS(`#bc-send`)),
		chromedp.Click(chromedp.CSS(`#bc-send`)),
		chromedp.WaitVisible(chromedp.CSS(`#broadcast-table tr[data-state="pending_approval"]`)),
	)
	bcID := evalIn[string](coord, `document.querySelector('#broadcast-table tr[data-state="pending_approval"]').dataset.id`)
	coord.do("back to the dashboard", goTo("dashboard/"+incID),
		chromedp.WaitVisible(chromedp.CSS(`#dash-broadcasts .dash-bc[data-id="`+bcID+`"][data-state="pending_approval"]`)))
	num := func(key string) string {
		return `(document.querySelector('#dash-broadcasts .dash-bc[data-id="` + bcID + `"] [data-num="` + key + `"] .n') || {}).textContent`
	}
	// Its audience is counted when it is approved and enqueued.
	coord.until("the check-in waits, nothing sent", num("sent")+` === "0" && `+num("delivered")+` === "0"`)

	// From here on the dashboard must follow by the live event stream
	// alone: timed reloads are stopped, and a mark on the window must
	// survive (no reload of the page).
	// clearInterval also clears timeouts (one id space): a reload the
	// events had scheduled may be cancelled with them, so its handle is
	// dropped too, or the next event would find it pending and do nothing.
	coord.do("stop the timed reloads", chromedp.Evaluate[chromedp.Void](`window.__same = true; for (let i = 1; i < 5000; i++) clearInterval(i); reloadTimer = null;
		window.__kinds = [];
		const es = state.events, onmessage = es.onmessage;
		es.onmessage = (m) => { window.__kinds.push(JSON.parse(m.data).kind); onmessage(m); };`))

	// The second admin approves from their browser.
	login(other, "omar")
	var pv struct{ Targeted int }
	adminGet(t, rig, "/admin/broadcasts/"+bcID+"/preview", &pv)
	other.do("read the check-in's preview",
		goTo("broadcasts"),
		clickRow(`#broadcast-table tr[data-id="`+bcID+`"][data-state="pending_approval"] button[data-act="preview"]`),
	)
	other.until("the preview says whom it targets", `(document.querySelector("#bc-help #bc-preview-body") || {innerText: ""}).innerText.includes("`+strconv.Itoa(pv.Targeted)+`") && `+strconv.FormatBool(pv.Targeted > 0))
	other.do("approve the check-in",
		clickRow(`#broadcast-table tr[data-id="`+bcID+`"][data-state="pending_approval"] button[data-act="approve"]`),
	)
	other.until("it is approved", `!!document.querySelector('#broadcast-table tr[data-id="`+bcID+`"]:not([data-state="pending_approval"])')`)

	type status struct {
		Targeted, Sent, Delivered, Read, Replied int64
		Safe                                     int64 `json:"safe"`
		NeedHelp                                 int64 `json:"need_help"`
	}
	statusNow := func() status {
		var st status
		adminGet(t, rig, "/admin/broadcasts/"+bcID, &st)
		return st
	}
	// matches waits until the dashboard shows the API's counts, live.
	matches := func(what string, ok func(status) bool) status {
		t.Helper()
		for {
			st := statusNow()
			if ok(st) {
				want := map[string]int64{"sent": st.Sent, "delivered": st.Delivered, "read": st.Read, "replied": st.Replied,
					"safe": st.Safe, "need_help": st.NeedHelp}
				var conds []string
				for k, n := range want {
					conds = append(conds, num(k)+` === "`+strconv.FormatInt(n, 10)+`"`)
				}
				coord.until(what+" on the dashboard", strings.Join(conds, " && ")+` && window.__same === true`)
				return st
			}
			if _, err := chromedp.Run(coord.ctx, chromedp.Poll[chromedp.Void](`new Promise((r) => setTimeout(() => r(true), 100))`)); err != nil {
				t.Fatalf("%s: %+v: %v", what, st, err)
			}
		}
	}
	matches("sent and delivered to all four", func(st status) bool { return st.Sent == 4 && st.Delivered == 4 })
	coord.until("it targets four, none accounted for yet", num("targeted")+` === "4" && `+num("unaccounted")+` === "4"`)
	coord.until("the people chart is drawn", `!!document.querySelector('#dash-broadcasts .dash-bc[data-id="`+bcID+`"] [data-chart="people"] svg polyline[data-key="sent"]')`)
	before := statusNow()
	rig.sender.ReadBy(sami)
	matches("a read status", func(st status) bool { return st.Read > before.Read })

	// People answer through the sandbox, as on their phones.
	sandboxSay(t, rig.base, salma, "Salma", "I'm safe")
	sandboxSay(t, rig.base, huda, "Huda", "need help")
	say := fmt.Sprintf(`{"from": %q, "name": "Huda", "location": {"latitude": 26.4301, "longitude": 50.1013, "name": "Roof of building 7"}}`, huda)
	asAdmin(t, rig.base, "", "POST", "/sandbox/messages", "application/json", say, 200)
	after := matches("the answers", func(st status) bool { return st.Safe == 1 && st.NeedHelp == 1 })
	coord.until("unaccounted drops to two", num("unaccounted")+` === "2"`)
	if after.Replied < 2 {
		t.Errorf("replied %d after two answers", after.Replied)
	}
	helpRow := `#dash-help-table tr[data-wa="` + huda + `"]`
	coord.until("Huda is listed with where she is, waiting", `(() => { const r = document.querySelector('`+helpRow+`');
		return r && r.dataset.status === "waiting" && r.innerText.includes("26.43010, 50.10130") && r.innerText.includes("Roof of building 7"); })()`)
	coord.until("she is on the incident's map", `!!document.querySelector('#dash-map-svg .point[data-id="p:`+huda+`"]')`)
	// The three target figures, against their targets: 4 of 4 delivered.
	if got := evalIn[string](coord, `document.querySelector('#dash-targets [data-target="delivery"]').dataset.met + "|" +
		document.querySelector('#dash-targets [data-target="delivery"] .big').textContent`); got != "yes|100%" {
		t.Errorf("the delivery target reads %q, want met at 100%%", got)
	}
	for _, chart := range []string{"delivery", "response", "engagement"} {
		if !evalIn[bool](coord, `!!document.querySelector('#dash-broadcasts .dash-bc[data-id="`+bcID+`"] [data-chart="`+chart+`"] line.target-line')`) {
			t.Errorf("the %s chart has no target line", chart)
		}
	}
	checkPage(coord, "dashboard-"+lang)

	// Rami never read it: staff call him, and the coordinator marks him
	// reached from the dashboard's list of the unaccounted.
	unacc := `#dash-broadcasts .dash-bc[data-id="` + bcID + `"] .dash-unacc`
	coord.do("open the unaccounted", clickRow(unacc+` summary`))
	coord.until("Rami and Sami are listed", `document.querySelectorAll('`+unacc+` tr[data-reached="no"]').length === 2 && !!document.querySelector('`+unacc+` tr[data-wa="`+rami+`"]')`)
	// The note is typed and the button pressed in one step, as clickRow
	// does: a live update may rebuild the row between two steps (and then
	// the node typed into is gone or hidden).
	ramiRow := unacc + ` tr[data-wa="` + rami + `"]`
	coord.do("mark Rami reached", chromedp.Poll[chromedp.Void](`(() => {
		const i = document.querySelector(`+strconv.Quote(ramiRow+` input`)+`), b = document.querySelector(`+strconv.Quote(ramiRow+` button[data-act="reached"]`)+`);
		if (!i || !b || !i.closest("details").open) return false;
		i.value = "called, safe at his sister's"; i.dispatchEvent(new Event("input", {bubbles: true})); b.click(); return true; })()`,
		chromedp.WithPollingTimeout(0)))
	coord.until("he counts as accounted for", num("unaccounted")+` === "1" && (() => { const r = document.querySelector('`+unacc+` tr[data-wa="`+rami+`"]');
		return r && r.dataset.reached === "yes" && r.innerText.includes("safe at his sister's") && r.closest("details").open; })()`)

	// An agent claims Huda's handoff and answers; the dashboard shows it.
	other.do("log out", clickRow(`#logout`), chromedp.WaitVisible(chromedp.CSS(`#login-user`)))
	login(other, "amira")
	other.do("claim and answer Huda",
		clickRow(`#queue-list li[data-id="`+huda+`"]`),
		chromedp.WaitVisible(chromedp.CSS(`#btn-claim`)),
		chromedp.Click(chromedp.CSS(`#btn-claim`)),
		chromedp.WaitEnabled(chromedp.CSS(`#reply-text`)),
		chromedp.SendKeys(chromedp.CSS(`#reply-text`), "A boat is on its way to building 7."),
		chromedp.Click(chromedp.CSS(`#btn-send`)),
	)
	other.until("the answer is in the conversation", `document.getElementById("page-queue").innerText.includes("A boat is on its way")`)
	coord.until("the dashboard shows her claimed by amira", `(() => { const r = document.querySelector('`+helpRow+`');
		return r && r.dataset.status === "active" && r.innerText.includes("amira") && window.__same === true; })()`)
	if kinds := evalIn[[]string](coord, `window.__kinds`); !strings.Contains(strings.Join(kinds, ","), "status") {
		t.Errorf("the dashboard received %q, no status event", kinds)
	}

	// The other language: right to left in Arabic, left to right in English.
	otherLang, dir, word := "ar", "rtl", "لوحة متابعة الحادثة"
	if lang == "ar" {
		otherLang, dir, word = "en", "ltr", "Incident dashboard"
	}
	coord.do("switch to "+otherLang, setLang(otherLang))
	coord.until("the dashboard is in "+otherLang, `document.documentElement.dir === "`+dir+`" && document.getElementById("dash-title").textContent.includes("`+word+`") &&
		!!document.querySelector('`+helpRow+`') && `+num("safe")+` === "1"`)
	checkPage(coord, "dashboard-"+otherLang)
}
