package admin

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"lifeline/bot/broadcast"
	"lifeline/templates"
)

// consoleSteps are the small browser actions the tests below share.
type consoleSteps struct {
	t   *testing.T
	rig *adminRig
}

func (c consoleSteps) goTo(page string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`location.hash = "#` + page + `"`)
}

// click clicks the first element sel matches once there is one.
func (c consoleSteps) click(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](`(() => { const e = document.querySelector(`+strconv.Quote(sel)+`); if (!e) return false; e.click(); return true; })()`,
		chromedp.WithPollingTimeout(0))
}

// set types a value as a person would, replacing what the field holds.
func (c consoleSteps) set(sel, v string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`(() => { const e = document.querySelector(` + strconv.Quote(sel) + `); e.value = ` + strconv.Quote(v) + `;
		e.dispatchEvent(new Event("input", { bubbles: true })); e.dispatchEvent(new Event("change", { bubbles: true })); })()`)
}

func (c consoleSteps) login(w *workspace, user, lang string) {
	c.t.Helper()
	w.do("log in as "+user,
		chromedp.Navigate(c.rig.base+"/console/"),
		chromedp.WaitVisible(chromedp.CSS(`#login-user`)),
		chromedp.Evaluate[chromedp.Void](`(() => { const s = document.getElementById("lang"); s.value = "`+lang+`"; s.dispatchEvent(new Event("change")); })()`),
		chromedp.SendKeys(chromedp.CSS(`#login-user`), user),
		chromedp.SendKeys(chromedp.CSS(`#login-password`), coordinatorPassword),
		chromedp.Click(chromedp.CSS(`#login-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#page-queue`)),
	)
}

// settled waits until the result box sel shows an outcome, and fails the
// test with the error the console shows when it is not a success: a
// refusal is reported at once, never waited out.
func (c consoleSteps) settled(w *workspace, what, sel, errSel string) {
	c.t.Helper()
	w.until(what, fmt.Sprintf(`(() => { const r = document.querySelector(%q), e = document.querySelector(%q);
		return (r && r.textContent.trim() !== "" && !r.textContent.endsWith("…")) || (e && e.textContent.trim() !== ""); })()`, sel, errSel))
	if msg := evalIn[string](w, fmt.Sprintf(`(() => { const r = document.querySelector(%q), e = document.querySelector(%q);
		return (e && e.textContent.trim()) || (r && r.classList.contains("error") ? r.textContent : ""); })()`, sel, errSel)); msg != "" {
		c.t.Fatalf("%s: the console shows an error: %s", what, msg)
	}
}

// adminText reads path with the admin token as text.
func adminText(t *testing.T, rig *adminRig, path string) string {
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
	return string(raw)
}

// broadcastNamed finds a broadcast of the list by name.
func broadcastNamed(t *testing.T, rig *adminRig, name string) broadcast.Status {
	t.Helper()
	var l struct{ Broadcasts []broadcast.Status }
	adminGet(t, rig, "/admin/broadcasts", &l)
	for _, b := range l.Broadcasts {
		if b.Name == name {
			return b
		}
	}
	t.Fatalf("no broadcast %q in the list", name)
	return broadcast.Status{}
}

// TestBroadcastSMSAndTemplatesInARealBrowser: a coordinator on a laptop,
// in English, reads and changes the incident's default SMS fallback on
// its dashboard; composes a broadcast for it whose SMS texts come filled
// from that default (the preview and the record say so), then one with
// texts of its own and one with SMS off, each read back through the API;
// and syncs the template list from the composer, the button saying how
// many came.
func TestBroadcastSMSAndTemplatesInARealBrowser(t *testing.T) {
	chromium, axe := browserTools(t)
	rig := newAdminRigWith(t, "")
	w := openScreen(t, chromium, screenSizes[0], 4*time.Minute)
	c := consoleSteps{t: t, rig: rig}
	asAdmin(t, rig.base, rig.token, "POST", "/admin/contacts/import", "text/csv",
		"phone,name,language,tags,opted_in\n+447700900601,Ahmed,en,port,yes\n+15550100123,Maria,en,port,yes\n", 200)
	var inc struct{ ID string }
	adminDo(t, rig, "POST", "/admin/incidents", `{"name": "Port storm", "kind": "flood", "audience": {"tags_any": ["port"]},
		"sms": {"texts": {"en": "Storm: go to the north shelter.", "ar": "عاصفة: اذهبوا إلى الملجأ الشمالي."}, "fallback_language": "en", "after": "15m"}}`, 201, &inc)

	c.login(w, "nadia", "en")
	w.do("open the dashboard", c.goTo("dashboard/"+inc.ID), chromedp.WaitVisible(chromedp.CSS(`#dash-edit summary`)))
	w.until("the dashboard shows the SMS default", `document.getElementById("dash-sms").dataset.sms === "ar,en" &&
		document.getElementById("dash-sms").textContent.includes("Storm: go to the north shelter.") && document.getElementById("dash-sms").textContent.includes("15")`)
	w.until("the edit form holds it", `document.getElementById("it-sms-en").value === "Storm: go to the north shelter." && document.getElementById("it-sms-after").value === "15"`)
	w.do("change the default: another shelter, no delay for critical broadcasts",
		chromedp.Click(chromedp.CSS(`#dash-edit summary`)),
		c.set(`#it-sms-en`, "Storm: go to the south shelter."),
		c.set(`#it-sms-after`, ""),
		chromedp.Click(chromedp.CSS(`#it-save`)))
	c.settled(w, "save the incident", "#it-result", "#dash-error")
	var x struct {
		SMS *struct {
			Texts            map[string]string
			FallbackLanguage string `json:"fallback_language"`
			After            string
		}
	}
	adminGet(t, rig, "/admin/incidents/"+inc.ID, &x)
	if x.SMS == nil || x.SMS.Texts["en"] != "Storm: go to the south shelter." || x.SMS.Texts["ar"] != "عاصفة: اذهبوا إلى الملجأ الشمالي." ||
		x.SMS.FallbackLanguage != "en" || (x.SMS.After != "" && x.SMS.After != "0s") {
		t.Errorf("the incident's sms after the change: %+v", x.SMS)
	}
	w.until("the dashboard shows the new default", `document.getElementById("dash-sms").textContent.includes("south shelter") && !document.getElementById("dash-sms").textContent.includes("15")`)
	checkA11y(w, axe, "dashboard with the SMS default")

	// The composer, from the dashboard: the incident chosen, its texts filled.
	w.do("compose for the incident", chromedp.Click(chromedp.CSS(`#dash-compose`)), chromedp.WaitVisible(chromedp.CSS(`#bc-form`)))
	w.until("the SMS texts come from the incident", `document.getElementById("bc-incident").value === "`+inc.ID+`" &&
		document.getElementById("bc-sms-en").value === "Storm: go to the south shelter." &&
		document.getElementById("bc-sms-from").textContent.includes("incident's default")`)

	// The template list, synced from the composer.
	list, err := templates.ParseList(templates.SandboxJSON)
	if err != nil {
		t.Fatal(err)
	}
	w.until("the template list is read", `document.getElementById("bc-tpl-info").textContent.trim() !== ""`)
	w.do("sync the templates", chromedp.Click(chromedp.CSS(`#bc-sync-tpl`)))
	c.settled(w, "sync the templates", "#bc-sync-result", "#bc-form-error")
	if got := evalIn[string](w, `document.getElementById("bc-sync-result").dataset.templates`); got != strconv.Itoa(len(list)) {
		t.Errorf("the sync says %q templates, want %d: %s", got, len(list), evalIn[string](w, `document.getElementById("bc-sync-result").textContent`))
	}
	w.until("the picker offers the synced names", `[...document.querySelectorAll("#bc-tpl-names option")].some((o) => o.value === "port_notice")`)

	compose := func(name string) {
		t.Helper()
		w.do("fill "+name,
			c.set(`#bc-name`, name),
			c.set(`#bc-tags`, "port"),
			c.set(`#bc-templates .tpl-name`, "port_notice"),
			c.set(`#bc-templates .tpl-params`, "{{name}}"))
		w.until("the picked template's language", `document.querySelector("#bc-templates .tpl-lang").value === "en_US"`)
	}
	previewAndSend := func(what string, check string) {
		t.Helper()
		w.do("preview "+what, chromedp.Evaluate[chromedp.Void](`document.getElementById("bc-preview").replaceChildren()`), chromedp.Click(chromedp.CSS(`#bc-preview-btn`)))
		w.until("the preview of "+what, `document.getElementById("bc-preview-body") !== null || document.getElementById("bc-form-error").textContent !== ""`)
		if e := evalIn[string](w, `document.getElementById("bc-form-error").textContent`); e != "" {
			t.Fatalf("preview %s: %s", what, e)
		}
		if !evalIn[bool](w, check) {
			t.Errorf("the preview of %s does not show its SMS: %s", what, evalIn[string](w, `document.getElementById("bc-preview-body").textContent`))
		}
		w.do("send "+what, chromedp.Evaluate[chromedp.Void](`document.getElementById("bc-result").textContent = ""`), c.click(`#bc-send:not([disabled])`))
		c.settled(w, "send "+what, "#bc-result", "#bc-form-error")
	}

	compose("Storm warning")
	previewAndSend("with the incident's texts", `document.querySelector("#bc-preview-body .pv-sms .badge") !== null &&
		document.querySelector('#bc-preview-body .pv-sms-text[data-lang="en"]').textContent.includes("south shelter")`)
	if b := broadcastNamed(t, rig, "Storm warning"); b.SMS != "incident" {
		t.Errorf("the broadcast's sms is %q, want incident", b.SMS)
	}

	compose("Storm warning, east exit")
	w.do("write texts of its own", c.set(`#bc-sms-en`, "Storm: use the east exit."))
	w.until("the form says they are its own", `document.getElementById("bc-sms-from").textContent.includes("this broadcast only")`)
	previewAndSend("with its own texts", `document.querySelector("#bc-preview-body .pv-sms .badge") === null &&
		document.querySelector('#bc-preview-body .pv-sms-text[data-lang="en"]').textContent.includes("east exit")`)
	own := broadcastNamed(t, rig, "Storm warning, east exit")
	var pv broadcast.Preview
	adminGet(t, rig, "/admin/broadcasts/"+own.ID+"/preview", &pv)
	if own.SMS != "own" || pv.SMS == nil || !slices.ContainsFunc(pv.SMS.Texts, func(x broadcast.SMSTextPreview) bool { return x.Text == "Storm: use the east exit." }) {
		t.Errorf("the broadcast with its own texts: sms %q, stored %+v", own.SMS, pv.SMS)
	}

	compose("Storm warning, no SMS")
	w.do("switch SMS off", chromedp.Click(chromedp.CSS(`#bc-sms-off`)))
	previewAndSend("without SMS", `document.querySelector("#bc-preview-body .pv-sms").textContent.includes("No SMS fallback")`)
	if b := broadcastNamed(t, rig, "Storm warning, no SMS"); b.SMS != "off" {
		t.Errorf("the broadcast without SMS says sms %q, want off", b.SMS)
	}
	w.until("the list says where each one's SMS comes from", `["incident", "own", "off"].every((k) => document.querySelector('#broadcast-table .sms-source[data-sms="' + k + '"]') !== null)`)
	checkA11y(w, axe, "broadcasts with the SMS field")
	w.screenshot("broadcasts-sms")
}

// TestBroadcastCorrectionInARealBrowser: a coordinator on a phone, in
// Arabic, sends a correction of a broadcast that went out with the wrong
// address: "Send a correction" on the broadcast opens the composer with
// its incident and the people it reached, counted (two: the third
// person's number has no WhatsApp); the correction goes to exactly them
// and the list links it to the original.
func TestBroadcastCorrectionInARealBrowser(t *testing.T) {
	chromium, axe := browserTools(t)
	rig := newAdminRigWith(t, "")
	w := openScreen(t, chromium, screenSizes[1], 4*time.Minute)
	c := consoleSteps{t: t, rig: rig}
	const (
		lina  = "447700900701"
		omar  = "966501230702"
		ghost = "15550100088" // the sandbox answers 131026: never reached
	)
	asAdmin(t, rig.base, rig.token, "POST", "/admin/contacts/import", "text/csv",
		"phone,name,language,tags,opted_in\n+"+lina+",Lina,en,harbour,yes\n+"+omar+",Omar,ar,harbour,yes\n+"+ghost+",Ghost,en,harbour,yes\n", 200)
	var inc struct{ ID string }
	adminDo(t, rig, "POST", "/admin/incidents", `{"name": "Harbour fire", "kind": "fire", "audience": {"tags_any": ["harbour"]}}`, 201, &inc)
	var orig struct{ ID string }
	adminDo(t, rig, "POST", "/admin/broadcasts", `{"name": "Shelter at the old school", "kind": "notice", "incident": "`+inc.ID+`",
		"audience": {"tags_any": ["harbour"]}, "templates": {"en": {"name": "flood_notice", "language": "en_US", "body": [{"value": "old school"}]}}}`, 202, &orig)
	waitFor(t, "the original sent", func() bool {
		var st broadcast.Status
		adminGet(t, rig, "/admin/broadcasts/"+orig.ID, &st)
		return !st.SentAt.IsZero() && st.Sent == 2 && st.Failed == 1
	})

	c.login(w, "nadia", "ar")
	w.do("open the broadcasts", c.goTo("broadcasts"))
	w.do("send a correction of the original", c.click(`#broadcast-table tr[data-id="`+orig.ID+`"] [data-act="correct"]`))
	w.until("the composer is a correction, counted", `!document.getElementById("bc-correction").hidden && document.getElementById("bc-audience").hidden &&
		document.getElementById("bc-correction-count") !== null`)
	if got := evalIn[string](w, `document.getElementById("bc-correction-count").textContent`); got != "2" {
		t.Errorf("the correction's count is %q, want 2 (Ghost was never reached)", got)
	}
	if !evalIn[bool](w, `document.documentElement.dir === "rtl" && document.getElementById("bc-incident").value === "`+inc.ID+`"`) {
		t.Errorf("the composer is not right to left with the incident chosen")
	}
	w.do("fill the correction",
		c.set(`#bc-templates .tpl-name`, "flood_notice"),
		c.set(`#bc-templates .tpl-lang`, "en_US"),
		c.set(`#bc-templates .tpl-params`, "north school"),
		chromedp.Click(chromedp.CSS(`#bc-preview-btn`)))
	w.until("the preview", `document.getElementById("bc-preview-body") !== null || document.getElementById("bc-form-error").textContent !== ""`)
	if e := evalIn[string](w, `document.getElementById("bc-form-error").textContent`); e != "" {
		t.Fatalf("preview of the correction: %s", e)
	}
	if !evalIn[bool](w, `document.querySelector("#bc-preview-body .pv-correction") !== null && document.querySelector("#bc-preview-body strong").textContent.includes("2")`) {
		t.Errorf("the preview does not say it corrects the original for 2 people: %s", evalIn[string](w, `document.getElementById("bc-preview-body").textContent`))
	}
	if !evalIn[bool](w, `document.documentElement.scrollWidth <= window.innerWidth`) {
		t.Errorf("the composer scrolls sideways at %d px", w.width)
	}
	checkA11y(w, axe, "correction composer, Arabic, phone")
	w.screenshot("broadcast-correction")
	w.do("send it", c.click(`#bc-send:not([disabled])`))
	c.settled(w, "send the correction", "#bc-result", "#bc-form-error")

	var fix broadcast.Status
	waitFor(t, "the correction sent", func() bool {
		var l struct{ Broadcasts []broadcast.Status }
		adminGet(t, rig, "/admin/broadcasts", &l)
		for _, b := range l.Broadcasts {
			if b.CorrectionOf == orig.ID {
				fix = b
			}
		}
		return fix.ID != "" && fix.Sent == 2
	})
	csv := adminText(t, rig, "/admin/broadcasts/"+fix.ID+"/recipients.csv")
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(csv), "\n")[1:] {
		got = append(got, strings.Split(line, ",")[1])
	}
	slices.Sort(got)
	if want := []string{lina, omar}; !slices.Equal(got, want) || fix.Incident != inc.ID || fix.Targeted != 2 {
		t.Errorf("the correction went to %v in incident %q (targeted %d), want %v in %s", got, fix.Incident, fix.Targeted, want, inc.ID)
	}
	w.until("the list links the correction to the original", `document.querySelector('#broadcast-table tr[data-id="`+fix.ID+`"] .correction-of[data-of="`+orig.ID+`"]') !== null`)
	if !evalIn[bool](w, `document.getElementById("bc-correction").hidden && !document.getElementById("bc-audience").hidden`) {
		t.Errorf("the composer is still a correction after sending it")
	}
}
