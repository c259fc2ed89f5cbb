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

// TestIncidentToolsInARealBrowser runs what was left to curl in an
// incident from the console, in headless Chromium, each control clicked
// and its effect read back through the API: a coordinator on a laptop, in
// English, changes the incident's name, notes and audience; adds,
// changes and removes its own FAQ answer (a change the API refuses keeps
// the old text); corrects a wrong FAQ answer for the person who got it
// and sends the correction; and composes a check-in with a reminder and
// the unaccounted handed to the agents. An agent on a phone, in Arabic,
// marks one of the check-in's unaccounted reached from the check-ins
// page. The coordinator clears a contact's unreachable mark and closes
// the incident from its dashboard.
func TestIncidentToolsInARealBrowser(t *testing.T) {
	chromium, axe := browserTools(t)
	rig := newAdminRigWith(t, "")
	coord := openScreen(t, chromium, screenSizes[0], 8*time.Minute)
	agent := openScreen(t, chromium, screenSizes[1], 8*time.Minute)
	runIncidentTools(t, rig, coord, agent, axe)
}

// adminDo calls the API with the admin token and decodes the answer.
func adminDo(t *testing.T, rig *adminRig, method, path, body string, want int, into any) {
	t.Helper()
	req, _ := http.NewRequest(method, rig.base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+rig.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s = %d %s, want %d", method, path, resp.StatusCode, raw, want)
	}
	if into != nil {
		if err := json.Unmarshal(raw, into); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
}

func runIncidentTools(t *testing.T, rig *adminRig, coord, agent *workspace, axe string) {
	const (
		lina   = "447700900501" // asked about tap water; never answers the check-in
		yusuf  = "447700900502" // never answers either
		ghost  = "15550100077"  // has no WhatsApp (the sandbox answers 131026)
		passer = "15550100078"  // writes to the bot once, outside the incident's audience
	)
	asAdmin(t, rig.base, rig.token, "POST", "/admin/contacts/import", "text/csv",
		"phone,name,language,tags,opted_in\n+"+lina+",Lina,en,harbour,yes\n+"+yusuf+",Yusuf,en,harbour,yes\n+"+ghost+",Ghost,en,ghost,yes\n", 200)
	// A notice to a number without WhatsApp marks it unreachable (131026).
	asAdmin(t, rig.base, rig.token, "POST", "/admin/broadcasts", "application/json", `{"name": "ghost notice", "kind": "notice",
		"audience": {"tags_any": ["ghost"]}, "templates": {"en": {"name": "flood_notice", "language": "en_US", "body": [{"value": "x"}]}}}`, 202)
	var inc struct{ ID string }
	adminDo(t, rig, "POST", "/admin/incidents", `{"name": "Harbour fire", "kind": "fire", "audience": {"tags_any": ["harbour"], "languages": ["en"]}}`, 201, &inc)

	// Lina got the FAQ's tap-water answer, which then turned out wrong.
	sandboxSay(t, rig.base, lina, "Lina", "is the tap water safe to drink?")
	var entries struct {
		Entries []map[string]any `json:"entries"`
	}
	adminGet(t, rig, "/admin/kb/entries", &entries)
	i := slices.IndexFunc(entries.Entries, func(e map[string]any) bool { return e["id"] == "drinking-water" })
	if i < 0 {
		t.Fatal("no drinking-water entry in the sample FAQ")
	}
	water := entries.Entries[i]
	water["answer"] = "Boil tap water for one minute before drinking it."
	raw, _ := json.Marshal(water)
	adminDo(t, rig, "PUT", "/admin/kb/entries/drinking-water", string(raw), 200, nil)

	goTo := func(page string) chromedp.Action[chromedp.Void] {
		return chromedp.Evaluate[chromedp.Void](`location.hash = "#` + page + `"`)
	}
	clickRow := func(sel string) chromedp.Action[chromedp.Void] {
		return chromedp.Poll[chromedp.Void](`(() => { const e = document.querySelector(`+strconv.Quote(sel)+`); if (!e) return false; e.click(); return true; })()`,
			chromedp.WithPollingTimeout(0))
	}
	// setField types a value as a person would, for fields that already hold text.
	setField := func(sel, v string) chromedp.Action[chromedp.Void] {
		return chromedp.Evaluate[chromedp.Void](`(() => { const e = document.querySelector(` + strconv.Quote(sel) + `); e.value = ` + strconv.Quote(v) + `;
			e.dispatchEvent(new Event("input", { bubbles: true })); e.dispatchEvent(new Event("change", { bubbles: true })); })()`)
	}
	login := func(w *workspace, user, lang string) {
		t.Helper()
		w.do("log in as "+user,
			chromedp.Navigate(rig.base+"/console/"),
			chromedp.WaitVisible(chromedp.CSS(`#login-user`)),
			chromedp.Evaluate[chromedp.Void](`(() => { const s = document.getElementById("lang"); s.value = "`+lang+`"; s.dispatchEvent(new Event("change")); })()`),
			chromedp.SendKeys(chromedp.CSS(`#login-user`), user),
			chromedp.SendKeys(chromedp.CSS(`#login-password`), coordinatorPassword),
			chromedp.Click(chromedp.CSS(`#login-submit`)),
			chromedp.WaitVisible(chromedp.CSS(`#page-queue`)),
		)
	}
	checkPage := func(w *workspace, page string) {
		t.Helper()
		if !evalIn[bool](w, fmt.Sprintf(`document.documentElement.scrollWidth <= window.innerWidth && window.innerWidth === %d`, w.width)) {
			t.Errorf("%s: the page scrolls sideways (%d px wide in %d)", page, evalIn[int](w, `document.documentElement.scrollWidth`), w.width)
		}
		checkA11y(w, axe, page)
		w.screenshot(page)
	}
	type incident struct {
		Name, Notes, State string
		Audience           struct {
			Regions   []string `json:"regions"`
			TagsAny   []string `json:"tags_any"`
			Languages []string `json:"languages"`
		}
	}
	getIncident := func() incident {
		var x incident
		adminGet(t, rig, "/admin/incidents/"+inc.ID, &x)
		return x
	}

	login(coord, "nadia", "en")
	// The incident's own read fills the edit form, and the report answers
	// later (seconds later on a busy machine): the report must not then
	// push the form down under a press of Save, which would land above
	// the button and save nothing.
	coord.do("open the dashboard, its report held",
		chromedp.Evaluate[chromedp.Void](holdRequestsJS(`/admin/incidents/`+inc.ID+`/report?unaccounted=omit`)),
		goTo("dashboard/"+inc.ID), chromedp.WaitVisible(chromedp.CSS(`#dash-edit summary`)))
	coord.until("the edit form holds the incident", `document.getElementById("it-name").value === "Harbour fire" && document.getElementById("it-tags").value === "harbour" &&
		window.__held.length > 0`)
	const formTop = `document.getElementById("dash-edit").getBoundingClientRect().top`
	before := evalIn[float64](coord, formTop)
	coord.do("let the report answer", chromedp.Evaluate[chromedp.Void](`window.__release()`))
	coord.until("the report is shown", `document.getElementById("dash-targets").children.length > 0`)
	if after := evalIn[float64](coord, formTop); after != before {
		t.Errorf("the report's arrival moved the incident form from %.1f to %.1f px down the page: a press of Save then misses it", before, after)
	}

	// Every press of Save or Close ends with its outcome in #it-result,
	// "ok" or "error": the box is emptied before the press, so that an
	// earlier outcome is not read as this one's, and the outcome is
	// awaited whichever it is, so that a refusal fails at once in its
	// own words.
	const itResult = `document.getElementById("it-result")`
	clearResult := chromedp.Evaluate[chromedp.Void](`(() => { const b = ` + itResult + `; b.className = "result"; b.textContent = ""; })()`)
	outcome := func(what string) {
		t.Helper()
		coord.until(what+": Save or Close shows an outcome in #it-result", `["ok", "error"].some((c) => `+itResult+`.classList.contains(c))`)
		if got := evalIn[string](coord, itResult+`.className + ": " + `+itResult+`.textContent`); !strings.HasPrefix(got, "result ok:") {
			t.Fatalf("%s: #it-result is %q, want ok", what, got)
		}
	}

	// Name, notes and audience.
	coord.do("change the incident",
		chromedp.Click(chromedp.CSS(`#dash-edit summary`)),
		setField(`#it-name`, "Harbour fire, north quay"),
		setField(`#it-notes`, "Smoke over the north quay; stay indoors."),
		setField(`#it-regions`, "North quay"),
		clearResult,
		chromedp.Click(chromedp.CSS(`#it-save`)),
	)
	outcome("it is saved")
	if x := getIncident(); x.Name != "Harbour fire, north quay" || x.Notes != "Smoke over the north quay; stay indoors." ||
		!slices.Equal(x.Audience.Regions, []string{"North quay"}) || !slices.Equal(x.Audience.TagsAny, []string{"harbour"}) || !slices.Equal(x.Audience.Languages, []string{"en"}) {
		t.Errorf("after the change the API has %+v", x)
	}
	coord.until("the dashboard shows the new name", `document.getElementById("dash-title").textContent.includes("north quay")`)
	// The region is not in the contacts: put the audience back for the check-in.
	coord.do("clear the region", setField(`#it-regions`, ""), clearResult, chromedp.Click(chromedp.CSS(`#it-save`)))
	outcome("saved again")
	if x := getIncident(); len(x.Audience.Regions) != 0 {
		t.Fatalf("after clearing the region the API has %+v", x)
	}

	// Another incident's dashboard while its incident is still being read:
	// the form holds the first one's values meanwhile. Save is off, and a
	// submit all the same (Enter in a field) sends nothing and says why.
	var other struct{ ID string }
	adminDo(t, rig, "POST", "/admin/incidents", `{"name": "Quay smoke", "kind": "fire", "audience": {"tags_any": ["harbour"]}}`, 201, &other)
	coord.do("open its dashboard, its read held",
		chromedp.Evaluate[chromedp.Void](holdRequestsJS(`/admin/incidents/`+other.ID)),
		goTo("dashboard/"+other.ID))
	coord.until("its read is held", `window.__held.length > 0`)
	if !evalIn[bool](coord, `document.getElementById("it-save").disabled && document.getElementById("it-close").disabled`) {
		t.Error("Save and Close are enabled while the form still holds the other incident's values")
	}
	coord.do("submit the form anyway", clearResult, chromedp.Evaluate[chromedp.Void](`document.getElementById("it-form").requestSubmit()`))
	coord.until("submitted too early: an outcome is shown", `["ok", "error"].some((c) => `+itResult+`.classList.contains(c))`)
	if got := evalIn[string](coord, itResult+`.className + ": " + `+itResult+`.textContent`); got != "result error: The incident is not loaded yet: nothing was saved. Try again in a moment." {
		t.Errorf("a submit before the incident is read shows %q", got)
	}
	if x := getIncident(); x.Name != "Harbour fire, north quay" {
		t.Errorf("a submit before the other incident is read changed the first one: %+v", x)
	}
	// The read fails: Save stays off, and the dashboard's next reload
	// (on a live event, or every 15 seconds) reads the incident again.
	coord.do("the read fails", chromedp.Evaluate[chromedp.Void](`window.__fail()`))
	coord.until("the failed read is shown", itResult+`.classList.contains("error") && `+itResult+`.textContent !== "The incident is not loaded yet: nothing was saved. Try again in a moment."`)
	if !evalIn[bool](coord, `document.getElementById("it-save").disabled`) {
		t.Error("Save is enabled after the incident's read failed")
	}
	sandboxSay(t, rig.base, passer, "Sami", "hello") // a live event
	coord.until("a reload fills the form with the other incident, Save on", `document.getElementById("it-name").value === "Quay smoke" && !document.getElementById("it-save").disabled`)
	adminDo(t, rig, "POST", "/admin/incidents/"+other.ID+"/close", "", 200, nil)
	coord.do("back to the first incident", goTo("dashboard/"+inc.ID))
	coord.until("the form holds it, Save on", `document.getElementById("it-name").value === "Harbour fire, north quay" && !document.getElementById("it-save").disabled`)

	// The incident's own FAQ answer: add, change, a refused change, remove.
	type overlay struct {
		Entries []struct {
			ID, Lang, Question, Answer string
			Translations               map[string]struct{ Question, Answer string }
		}
	}
	getOverlay := func() overlay {
		var o overlay
		adminGet(t, rig, "/admin/incidents/"+inc.ID+"/faq", &o)
		return o
	}
	coord.do("add an answer",
		setField(`#if-id`, "quay-open"),
		setField(`#if-lang`, "en"),
		setField(`#if-q`, "Is the north quay open?"),
		setField(`#if-a`, "No: the north quay is closed until the fire is out."),
		setField(`#if-tlang`, "ar"),
		setField(`#if-tq`, "هل الرصيف الشمالي مفتوح؟"),
		setField(`#if-ta`, "لا: الرصيف الشمالي مغلق حتى إطفاء الحريق."),
		chromedp.Click(chromedp.CSS(`#if-save`)),
	)
	coord.until("it is listed", `!!document.querySelector('#if-table tr[data-id="quay-open"]')`)
	if o := getOverlay(); len(o.Entries) != 1 || o.Entries[0].ID != "quay-open" || o.Entries[0].Answer != "No: the north quay is closed until the fire is out." ||
		o.Entries[0].Translations["ar"].Answer != "لا: الرصيف الشمالي مغلق حتى إطفاء الحريق." {
		t.Errorf("after adding, the overlay is %+v", o)
	}
	coord.do("change its answer",
		clickRow(`#if-table tr[data-id="quay-open"] button[data-act="edit"]`),
		chromedp.WaitVisible(chromedp.CSS(`#if-cancel`)),
		setField(`#if-a`, "No: the north quay opens again on Friday."),
		chromedp.Click(chromedp.CSS(`#if-save`)),
	)
	coord.until("the change is listed", `(document.querySelector('#if-table tr[data-id="quay-open"]') || {innerText: ""}).innerText.includes("opens again on Friday")`)
	if o := getOverlay(); len(o.Entries) != 1 || o.Entries[0].Answer != "No: the north quay opens again on Friday." || o.Entries[0].Translations["ar"].Question == "" {
		t.Errorf("after the change, the overlay is %+v", o)
	}
	coord.do("a change the API refuses: a language the FAQ does not have",
		clickRow(`#if-table tr[data-id="quay-open"] button[data-act="edit"]`),
		chromedp.WaitVisible(chromedp.CSS(`#if-cancel`)),
		setField(`#if-lang`, "xx"),
		setField(`#if-a`, "This text must not stay."),
		chromedp.Click(chromedp.CSS(`#if-save`)),
	)
	coord.until("the refusal is shown in the API's words", `document.getElementById("if-result").classList.contains("error") && document.getElementById("if-result").textContent.includes("xx")`)
	if o := getOverlay(); len(o.Entries) != 1 || o.Entries[0].Answer != "No: the north quay opens again on Friday." || o.Entries[0].Lang != "en" {
		t.Errorf("after a refused change, the overlay is %+v, want the old entry kept", o)
	}
	coord.do("remove it",
		chromedp.Click(chromedp.CSS(`#if-cancel`)),
		clickRow(`#if-table tr[data-id="quay-open"] button[data-act="remove"]`),
		clickRow(`#if-table tr[data-id="quay-open"] button[data-act="remove"].armed`),
	)
	coord.until("it is gone", `!document.querySelector('#if-table tr[data-id="quay-open"]') && document.getElementById("if-result").classList.contains("ok")`)
	if o := getOverlay(); len(o.Entries) != 0 {
		t.Errorf("after removing, the overlay is %+v", o)
	}

	// A correction of the tap-water answer Lina got.
	coord.do("make a correction",
		chromedp.Poll[chromedp.Void](`!!document.querySelector('#co-entry option[value="drinking-water"]')`, chromedp.WithPollingTimeout(0)),
		setField(`#co-entry`, "drinking-water"),
		setField(`#co-msg-en`, "Correction: boil tap water for one minute before drinking it."),
		chromedp.Click(chromedp.CSS(`#co-create`)),
	)
	coord.until("it says who gets it and waits", `document.getElementById("co-result").innerText.includes("1 people got the old answer") &&
		!!document.querySelector('#co-table tr[data-state="pending"]')`)
	type correction struct{ ID, Entry, State, Incident string }
	var cors struct{ Corrections []correction }
	adminGet(t, rig, "/admin/corrections", &cors)
	if len(cors.Corrections) != 1 || cors.Corrections[0].Entry != "drinking-water" || cors.Corrections[0].State != "pending" || cors.Corrections[0].Incident != inc.ID {
		t.Fatalf("after creating, the corrections are %+v", cors)
	}
	corID := cors.Corrections[0].ID
	coord.do("send it",
		clickRow(`#co-table tr[data-id="`+corID+`"] button[data-act="send"]`),
		clickRow(`#co-table tr[data-id="`+corID+`"] button[data-act="send"].armed`),
	)
	coord.until("it is sent", `!!document.querySelector('#co-table tr[data-id="`+corID+`"][data-state="sent"]')`)
	var cor struct{ State string }
	adminGet(t, rig, "/admin/corrections/"+corID, &cor)
	if cor.State != "sent" {
		t.Errorf("the correction is %q after Send", cor.State)
	}
	checkPage(coord, "incident-tools-en")

	// A check-in with a reminder a minute on, the unaccounted then handed to the agents.
	coord.do("compose a check-in",
		chromedp.Click(chromedp.CSS(`#dash-compose`)),
		chromedp.WaitVisible(chromedp.CSS(`#bc-name`)),
		chromedp.SendKeys(chromedp.CSS(`#bc-name`), "Harbour check-in"),
		setField(`#bc-kind`, "checkin"),
		chromedp.WaitVisible(chromedp.CSS(`#bc-checkin-opts`)),
		setField(`#bc-remind-count`, "1"),
		setField(`#bc-remind-every`, "1"),
		chromedp.Click(chromedp.CSS(`#bc-unacc-handoff`)),
		chromedp.SendKeys(chromedp.CSS(`#bc-templates .tpl-name`), "safety_checkin"),
		setField(`#bc-templates .tpl-lang`, "en_US"),
		chromedp.SendKeys(chromedp.CSS(`#bc-templates .tpl-params`), "{{name}}"),
		chromedp.SendKeys(chromedp.CSS(`#bc-tags`), "harbour"),
	)
	coord.until("the composer has the incident", `document.getElementById("bc-incident").value === "`+inc.ID+`"`)
	// The options reach the API: what it refuses comes back in its words
	// (a reminder's time and what follows it take minutes, too long here).
	coord.do("a refused option", setField(`#bc-remind-count`, "11"), chromedp.Click(chromedp.CSS(`#bc-preview-btn`)))
	coord.until("the API's refusal names it", `document.getElementById("bc-form-error").textContent.includes("reminders.count 11")`)
	coord.do("put it right", setField(`#bc-remind-count`, "1"))
	coord.do("preview and send it",
		chromedp.Click(chromedp.CSS(`#bc-preview-btn`)),
		chromedp.WaitVisible(chromedp.CSS(`#bc-preview-body`)),
		chromedp.WaitEnabled(chromedp.CSS(`#bc-send`)),
		chromedp.Click(chromedp.CSS(`#bc-send`)),
	)
	row := `[...document.querySelectorAll('#broadcast-table tr[data-id]')].find((r) => r.innerText.includes("Harbour check-in"))`
	coord.until("it is created", `document.getElementById("bc-result").textContent !== "" && !!`+row)
	bcID := evalIn[string](coord, row+`.dataset.id`)

	// The agent, on a phone in Arabic, marks Yusuf reached.
	login(agent, "amira", "ar")
	agent.do("open the check-ins", clickRow(`#nav a[data-page="reach"]`))
	unacc := `#reach .dash-bc[data-id="` + bcID + `"] .dash-unacc`
	agent.until("the check-in's unaccounted are listed", `!!document.querySelector('`+unacc+`')`)
	agent.do("open them", clickRow(unacc+` summary`))
	agent.until("both are listed, numbers masked", `document.querySelectorAll('`+unacc+` tr[data-reached="no"]').length === 2 && !document.getElementById("reach").innerText.includes("`+yusuf+`")`)
	ref := evalIn[string](agent, `[...document.querySelectorAll('`+unacc+` tr[data-ref]')].find((r) => r.innerText.includes("Yusuf")).dataset.ref`)
	// Typed and pressed in one step: a live update may rebuild the row
	// between two, and the note typed into the old row is lost.
	yusufRow := unacc + ` tr[data-ref="` + ref + `"]`
	agent.do("mark Yusuf reached", chromedp.Poll[chromedp.Void](`(() => {
		const i = document.querySelector(`+strconv.Quote(yusufRow+` input`)+`), b = document.querySelector(`+strconv.Quote(yusufRow+` button[data-act="reached"]`)+`);
		if (!i || !b) return false;
		i.value = "اتصلنا به، بخير"; i.dispatchEvent(new Event("input", {bubbles: true})); b.click(); return true; })()`,
		chromedp.WithPollingTimeout(0)))
	agent.until("he is marked", `(() => { const r = document.querySelector('`+unacc+` tr[data-ref="`+ref+`"]'); return r && r.dataset.reached === "yes"; })()`)
	type person struct {
		WaID    string `json:"wa_id"`
		Reached *struct{ Note string }
	}
	var list struct {
		ReachedByStaff int `json:"reached_by_staff"`
		People         []person
	}
	adminGet(t, rig, "/admin/broadcasts/"+bcID+"/unaccounted", &list)
	if list.ReachedByStaff != 1 || slices.IndexFunc(list.People, func(p person) bool {
		return p.WaID == yusuf && p.Reached != nil && p.Reached.Note == "اتصلنا به، بخير"
	}) < 0 {
		t.Errorf("after the agent's mark the list is %+v", list)
	}
	if !evalIn[bool](agent, `document.documentElement.dir === "rtl" && document.querySelector('#nav a[data-page="reach"]').textContent === "الاطمئنان"`) {
		t.Error("the agent's check-ins page is not in Arabic, right to left")
	}
	checkPage(agent, "incident-reach-phone-ar")

	// The number without WhatsApp got a phone again: the coordinator
	// clears its unreachable mark on the contacts page.
	type contact struct{ Unreachable bool }
	for c, end := (contact{}), time.Now().Add(stepWait); !c.Unreachable; adminGet(t, rig, "/admin/contacts/"+ghost, &c) {
		if time.Now().After(end) {
			t.Fatalf("the number without WhatsApp is not marked unreachable %v after the notice", stepWait)
		}
		coord.until("the notice's send fails", `new Promise((r) => setTimeout(() => r(true), 100))`)
	}
	coord.do("open the contact",
		goTo("contacts"),
		clickRow(`#contact-table tr[data-wa="`+ghost+`"] button[data-act="consent"]`),
		clickRow(`#ct-detail-state button[data-act="reachable"]`))
	coord.until("the mark is gone", `document.getElementById("ct-detail-state").textContent.startsWith("WhatsApp: opted in") && !document.querySelector('#ct-detail-state button[data-act="reachable"]')`)
	var c contact
	adminGet(t, rig, "/admin/contacts/"+ghost, &c)
	if c.Unreachable {
		t.Error("the contact is still unreachable after Reachable again")
	}

	// Closing from the dashboard.
	coord.do("close the incident", goTo("dashboard/"+inc.ID), chromedp.WaitVisible(chromedp.CSS(`#dash-edit summary`)),
		// The form may still be open from the changes above (the page
		// keeps what was open across its live rebuilds): open, not toggle.
		chromedp.Poll[chromedp.Void](`(() => { const d = document.getElementById("dash-edit"); if (!d) return false; d.open = true; return true; })()`,
			chromedp.WithPollingTimeout(0)),
		clickRow(`#it-close:not([hidden]):not(:disabled)`),
		clearResult,
		clickRow(`#it-close.armed`))
	outcome("it is closed")
	coord.until("Close is gone", `document.getElementById("it-close").hidden`)
	if x := getIncident(); x.State != "closed" {
		t.Errorf("after Close the incident is %q", x.State)
	}
}

// holdRequestsJS makes the page's requests to path wait, unsent, in
// window.__held until window.__release() sends them (a slow answer, as
// long as the test needs) or window.__fail() fails them as a lost
// connection does.
func holdRequestsJS(path string) string {
	return `(() => {
		const path = ` + strconv.Quote(path) + `, fetch0 = window.fetch;
		window.__held = [];
		window.fetch = function (input, init) {
			if (String(input && input.url || input) !== path) return fetch0.apply(this, arguments);
			return new Promise((resolve, reject) => window.__held.push({
				send: () => fetch0.call(window, input, init).then(resolve, reject),
				fail: () => reject(new TypeError("Failed to fetch")) }));
		};
		const end = (how) => { const held = window.__held; window.fetch = fetch0; window.__held = []; held.forEach((r) => r[how]()); };
		window.__release = () => end("send");
		window.__fail = () => end("fail");
	})()`
}
