package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/rs/zerolog"

	"lifeline/bot"
	"lifeline/bot/broadcast"
	"lifeline/incident"
	"lifeline/media"
	"lifeline/store"
	"lifeline/templates"
)

// TestCoordinatorPagesInARealBrowser drives the admin pages in headless
// Chromium at a laptop's size and at a phone's: import contacts (a bad
// row is named, nothing is imported), open an incident, compose a
// check-in from the form with its preview and see it listed with every
// count, schedule a notice and pause it, close the incident, and disable
// an agent whose next request is then refused.
//
// With LIFELINE_SCREENSHOTS=dir set, it writes screenshots there for
// review.
func TestCoordinatorPagesInARealBrowser(t *testing.T) {
	chromium, axe := browserTools(t)
	for _, size := range screenSizes {
		t.Run(size.name, func(t *testing.T) {
			base, token := newAdminRig(t)
			w := openScreen(t, chromium, size, 6*time.Minute)
			runCoordinator(t, w, base, token, axe)
		})
	}
}

const coordinatorPassword = "another long password"

// newAdminRig is the whole server on a loopback port with broadcasts
// sent to the sandbox and incidents, an admin account (nadia) and an
// agent account (amira). It returns the address and an admin token, a
// second admin: a broadcast to more than three people needs another
// admin's approval.
func newAdminRig(t *testing.T) (base, token string) {
	t.Helper()
	r := newAdminRigWith(t, "")
	return r.base, r.token
}

// adminRig is newAdminRig's server with what a test may drive besides
// HTTP: the sandbox that reports the delivery statuses.
type adminRig struct {
	base, token string
	sender      *bot.SandboxSender
}

// newAdminRigWith is newAdminRig with a map tile URL template configured.
func newAdminRigWith(t *testing.T, tiles string) *adminRig {
	t.Helper()
	db, faq := openStore(t)
	sender := &bot.SandboxSender{}
	engine := bot.New(bot.Config{}, bot.Options{DB: db, Sender: sender, KB: faq, Learner: faq, Logger: zerolog.Nop()})
	svc := broadcast.New(broadcast.Config{RatePerNumber: 1000, Tick: 10 * time.Millisecond, ApprovalAbove: 3, ApprovalExpires: time.Hour},
		broadcast.Options{DB: db, Sender: sender, Logger: zerolog.Nop(), Incidents: incident.Gate{}})
	engine.Intercept(svc)
	engine.ObserveStatuses(svc)
	engine.AddTranscriptSource(svc)
	sender.Report = engine.Ingest
	if err := engine.Start(); err != nil {
		t.Fatal(err)
	}
	if err := svc.Start(); err != nil {
		t.Fatal(err)
	}
	token, err := BootstrapToken(context.Background(), db, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	// The sandbox's template list, as a sync at start stores it: the
	// simulator shows a template's body and buttons from it.
	list, err := templates.ParseList(templates.SandboxJSON)
	if err != nil {
		t.Fatal(err)
	}
	var flat []store.Template
	for _, tp := range list {
		flat = append(flat, templates.Flatten(tp, time.Now()))
	}
	err = db.WriteAny(context.Background(), func(w store.Writer) error {
		return store.ReplaceTemplates(context.Background(), w, flat, store.TemplateSync{At: time.Now(), Source: "sandbox", Templates: len(flat)})
	})
	if err != nil {
		t.Fatal(err)
	}
	// The template routes as `lifeline serve` has them in sandbox mode:
	// a sync reads the built-in list (without a service the routes do not
	// exist, and the console's sync button meets a 404).
	tpls := templates.New(templates.Options{DB: db, Source: templates.File{Data: templates.SandboxJSON}, Logger: zerolog.Nop()})
	s := New(Deps{DB: db, Engine: engine, KB: faq, Logger: zerolog.Nop(), Broadcasts: svc, Sandbox: true, SandboxRead: sender.ReadBy,
		Uploads: &media.Uploader{DB: db, API: &media.SandboxAPI{Log: zerolog.Nop()}}, MapTileURL: tiles, Templates: tpls})
	for _, a := range []struct{ id, name, role string }{{"nadia", "Nadia", RoleAdmin}, {"amira", "Amira", RoleAgent}} {
		if _, err := CreateAgent(context.Background(), db, a.id, a.name, a.role, coordinatorPassword, "test", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	// A question the FAQ had no answer to, for the unanswered radar.
	if err := faq.RecordUnanswered("what time does the zoo open on fridays?", "en", "none", time.Now()); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.App().Listener(ln)
	t.Cleanup(func() {
		_ = s.Shutdown(5 * time.Second)
		svc.Close()
		engine.Close()
	})
	return &adminRig{base: "http://" + ln.Addr().String(), token: token, sender: sender}
}

// agentSession logs in as amira outside the browser and returns a client
// that carries her session cookie.
func agentSession(t *testing.T, base string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := c.Post(base+"/admin/login", "application/json",
		strings.NewReader(fmt.Sprintf(`{"user": "amira", "password": %q}`, coordinatorPassword)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("amira's login = %d", resp.StatusCode)
	}
	return c
}

func getStatus(t *testing.T, c *http.Client, url string) int {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// asAdmin calls the API with the admin token and wants the status.
func asAdmin(t *testing.T, base, token, method, path, contentType, body string, want int) {
	t.Helper()
	req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want {
		t.Fatalf("%s %s = %d %s, want %d", method, path, resp.StatusCode, raw, want)
	}
}

func runCoordinator(t *testing.T, w *workspace, base, token, axe string) {
	dir := t.TempDir()
	writeFile := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// The console is one page: moving between its pages changes the hash.
	goTo := func(page string) chromedp.Action[chromedp.Void] {
		return chromedp.Evaluate[chromedp.Void](`location.hash = "#` + page + `"`)
	}
	// clickRow clicks a button in a list the page rebuilds on live
	// updates: found and clicked in one step in the page, waiting until it
	// is there, so that a rebuild between finding and clicking loses nothing.
	clickRow := func(sel string) chromedp.Action[chromedp.Void] {
		return chromedp.Poll[chromedp.Void](`(() => { const e = document.querySelector(`+strconv.Quote(sel)+`); if (!e) return false; e.click(); return true; })()`,
			chromedp.WithPollingTimeout(0))
	}
	noSideScroll := fmt.Sprintf(`document.documentElement.scrollWidth <= window.innerWidth && window.innerWidth === %d`, w.width)
	checkPage := func(page string) {
		t.Helper()
		if !evalIn[bool](w, noSideScroll) {
			t.Errorf("%s: the page scrolls sideways", page)
		}
		if evalIn[bool](w, `/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(document.body.innerText)`) {
			t.Errorf("%s: the page shows a raw ISO timestamp", page)
		}
		checkA11y(w, axe, page)
		w.screenshot(page)
	}

	w.do("log in as an admin",
		chromedp.Navigate(base+"/console/"),
		chromedp.WaitVisible(chromedp.CSS(`#login-user`)),
		chromedp.SendKeys(chromedp.CSS(`#login-user`), "nadia"),
		chromedp.SendKeys(chromedp.CSS(`#login-password`), coordinatorPassword),
		chromedp.Click(chromedp.CSS(`#login-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#page-queue`)),
	)

	// Contacts: a file with one bad row names it and imports nothing.
	bad := writeFile("bad.csv", "phone,name,tags,opted_in\n+966501234567,Sara,employees,yes\nnot-a-phone,Omar,employees,yes\n")
	good := writeFile("good.csv", "phone,name,language,tags,opted_in\n+966501234567,Sara,en,employees,yes\n+966501234568,Omar,ar,employees,no\n+447700900123,Jane,en,employees,yes\n")
	w.do("import a file with a bad row",
		goTo("contacts"),
		chromedp.WaitVisible(chromedp.CSS(`#ct-import`)),
		chromedp.SetUploadFiles(chromedp.CSS(`#ct-file`), []string{bad}),
		chromedp.Click(chromedp.CSS(`#ct-import-btn`)),
		chromedp.WaitVisible(chromedp.CSS(`#ct-import-result .row-errors li[data-row="3"]`)),
	)
	if got := evalIn[string](w, `document.getElementById("ct-import-result").innerText`); !strings.Contains(got, "row 3") || !strings.Contains(got, "column phone") {
		t.Errorf("the row error reads %q, want row 3 and the phone column named", got)
	}
	checkPage("contacts-error")
	w.do("import the corrected file",
		chromedp.SetUploadFiles(chromedp.CSS(`#ct-file`), []string{good}),
		chromedp.Click(chromedp.CSS(`#ct-import-btn`)),
		chromedp.WaitVisible(chromedp.CSS(`#contact-table tr[data-wa="966501234568"]`)),
	)
	w.do("filter: not opted in, Arabic",
		chromedp.SetValue(chromedp.CSS(`#ct-opted`), "no"),
		chromedp.SendKeys(chromedp.CSS(`#ct-lang`), "ar"),
		chromedp.Click(chromedp.CSS(`#ct-filter button[type=submit]`)),
	)
	w.until("the filter keeps Omar alone", `[...document.querySelectorAll('#contact-table tr[data-wa]')].map((r) => r.dataset.wa).join() === "966501234568"`)
	checkPage("contacts")

	// Consent: Omar's state and log are shown; a signed form he gave, then
	// a call in which he withdrew, are recorded (source admin, by nadia),
	// and an SMS opt-in on his behalf is refused in the API's words. He
	// ends opted out: the broadcasts below count on him staying out.
	w.do("open Omar's consent",
		clickRow(`#contact-table tr[data-wa="966501234568"] button[data-act="consent"]`),
		chromedp.WaitVisible(chromedp.CSS(`#ct-detail-card`)))
	w.until("his state is shown", `document.getElementById("ct-detail-state").textContent.startsWith("WhatsApp: not opted in")`)
	w.do("record a signed form",
		chromedp.SendKeys(chromedp.CSS(`#cs-wording`), "signed form at the town hall"),
		chromedp.Click(chromedp.CSS(`#cs-submit`)))
	w.until("his state is opted in", `document.getElementById("ct-detail-state").textContent.startsWith("WhatsApp: opted in") && !!document.getElementById("consent-table")`)
	w.do("record a withdrawal",
		chromedp.SetValue(chromedp.CSS(`#cs-optin`), "false"),
		chromedp.SendKeys(chromedp.CSS(`#cs-wording`), "asked on the phone to be left out"),
		chromedp.Click(chromedp.CSS(`#cs-submit`)))
	w.until("the log has both", `document.querySelectorAll("#consent-table tbody tr").length === 2 && !document.getElementById("ct-detail-state").textContent.startsWith("WhatsApp: opted in")`)
	if got := evalIn[string](w, `[...document.querySelectorAll("#consent-table tbody tr")].map((r) => [2, 3, 4, 5].map((i) => r.cells[i].innerText).join()).join("|")`); got != "opt out,admin,asked on the phone to be left out,nadia|opt in,admin,signed form at the town hall,nadia" {
		t.Errorf("the consent log reads %q", got)
	}
	w.do("an SMS opt-in on his behalf",
		chromedp.SetValue(chromedp.CSS(`#cs-channel`), "sms"),
		chromedp.SetValue(chromedp.CSS(`#cs-optin`), "true"),
		chromedp.SendKeys(chromedp.CSS(`#cs-wording`), "said yes on the phone"),
		chromedp.Click(chromedp.CSS(`#cs-submit`)))
	w.until("is refused in the API's words", `document.getElementById("cs-result").classList.contains("error") && document.getElementById("cs-result").textContent.includes("START")`)
	checkPage("contact-consent")

	// Incidents: open one; the list and its timeline show it.
	w.do("open an incident",
		goTo("incidents"),
		chromedp.WaitVisible(chromedp.CSS(`#inc-new summary`)),
		chromedp.Click(chromedp.CSS(`#inc-new summary`)),
		chromedp.SendKeys(chromedp.CSS(`#inc-name`), "Riverside storm"),
		chromedp.SendKeys(chromedp.CSS(`#inc-tags`), "employees"),
		chromedp.Click(chromedp.CSS(`#inc-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#incident-table tr[data-state="open"]`)),
	)
	incID := evalIn[string](w, `document.querySelector('#incident-table tr[data-state="open"]').dataset.id`)
	w.do("open a drill",
		chromedp.SendKeys(chromedp.CSS(`#inc-name`), "Evacuation drill"),
		chromedp.SendKeys(chromedp.CSS(`#inc-tags`), "employees"),
		chromedp.Click(chromedp.CSS(`#inc-drill`)),
		chromedp.Click(chromedp.CSS(`#inc-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#incident-table tr.drill .badge.drill`)),
	)
	w.do("show the timeline",
		clickRow(`#incident-table tr[data-id="`+incID+`"] button[data-act="timeline"]`),
		chromedp.WaitVisible(chromedp.CSS(`#timeline-table`)),
	)
	if got := evalIn[string](w, `document.getElementById("timeline-table").innerText`); !strings.Contains(got, "incident.opened") {
		t.Errorf("the timeline reads %q, want the opening", got)
	}
	if href := evalIn[string](w, `document.querySelector('#incident-table tr[data-id="`+incID+`"] a[target=_blank]').getAttribute("href")`); href != "/admin/incidents/"+incID+"/report?format=html" {
		t.Errorf("the report link is %q", href)
	}
	checkPage("incidents")

	// Broadcasts: the form previews before it sends, and Send waits for it.
	w.do("open the composer",
		goTo("broadcasts"),
		chromedp.WaitVisible(chromedp.CSS(`#bc-new summary`)),
		chromedp.Click(chromedp.CSS(`#bc-new summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#bc-name`)),
	)
	w.until("the incident can be chosen", `!!document.querySelector('#bc-incident option[value="`+incID+`"]')`)
	w.do("fill a check-in with a bad template name",
		chromedp.SendKeys(chromedp.CSS(`#bc-name`), "Storm check-in"),
		chromedp.SetValue(chromedp.CSS(`#bc-kind`), "checkin"),
		chromedp.SetValue(chromedp.CSS(`#bc-incident`), incID),
		chromedp.SendKeys(chromedp.CSS(`#bc-templates .tpl-name`), "Safety Checkin"),
		chromedp.SetValue(chromedp.CSS(`#bc-templates .tpl-lang`), "en_US"),
		chromedp.SendKeys(chromedp.CSS(`#bc-templates .tpl-params`), "{{name}}"),
		chromedp.SendKeys(chromedp.CSS(`#bc-tags`), "employees"),
		chromedp.Click(chromedp.CSS(`#bc-preview-btn`)),
	)
	w.until("the API's refusal is shown", `document.getElementById("bc-form-error").textContent.includes("Safety Checkin")`)
	if !evalIn[bool](w, `document.getElementById("bc-send").disabled`) {
		t.Errorf("Send is on without a preview")
	}
	w.do("correct the name and preview",
		chromedp.SetValue(chromedp.CSS(`#bc-templates .tpl-name`), "safety_checkin"),
		chromedp.Click(chromedp.CSS(`#bc-preview-btn`)),
		chromedp.WaitVisible(chromedp.CSS(`#bc-preview-body`)),
	)
	// Sara and Jane opted in; Omar did not and is left out.
	if got := evalIn[string](w, `document.getElementById("bc-preview-body").innerText`); !strings.Contains(got, "2 people targeted") {
		t.Errorf("the preview reads %q, want 2 people targeted", got)
	}
	w.until("Send is on after the preview", `!document.getElementById("bc-send").disabled`)
	w.do("send", chromedp.Click(chromedp.CSS(`#bc-send`)))
	w.until("the check-in is listed with its counts",
		`(() => { const r = [...document.querySelectorAll('#broadcast-table tr[data-id]')].find((r) => r.innerText.includes("Storm check-in"));
		return r && r.querySelector('[data-col=targeted]').textContent === "2" && r.querySelector('[data-col=sent]').textContent === "2"; })()`)
	heads := evalIn[string](w, `document.querySelector("#broadcast-table thead").innerText`)
	for _, col := range []string{"Targeted", "Sent", "Delivered", "Read", "Failed", "Safe", "Need help", "Unanswered", "Unaccounted"} {
		if !strings.Contains(heads, col) {
			t.Errorf("the broadcast table has no %q column: %q", col, heads)
		}
	}
	w.until("the chart has the check-in", `document.querySelectorAll("#broadcasts-chart .bar-row").length === 1`)

	// Jane answers that she needs help: counted, listed, one click from
	// her conversation.
	resp, err := http.Post(base+"/sandbox/messages", "application/json", strings.NewReader(`{"from": "447700900123", "text": "need help"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	w.until("the need-help count shows the answer",
		`[...document.querySelectorAll('#broadcast-table tr[data-id]')].some((r) => r.innerText.includes("Storm check-in") && r.querySelector('[data-col=need_help]').textContent === "1")`)
	w.do("list who needs help",
		clickRow(`#broadcast-table button[data-act="help"]`),
		chromedp.WaitVisible(chromedp.CSS(`#bc-help tr[data-wa="447700900123"] button`)),
	)
	checkPage("broadcasts-help")
	w.do("open her conversation",
		clickRow(`#bc-help tr[data-wa="447700900123"] button`),
		chromedp.WaitVisible(chromedp.CSS(`#page-queue #conv-title`)),
	)
	w.until("her conversation is open", `document.getElementById("conv-title").innerText.includes("+447700900123")`)
	w.do("back to the broadcasts", goTo("broadcasts"), chromedp.WaitVisible(chromedp.CSS(`#bc-new summary`)))
	if !evalIn[bool](w, `document.getElementById("bc-new").open`) {
		w.do("reopen the composer", chromedp.Click(chromedp.CSS(`#bc-new summary`)))
	}

	// A notice for tomorrow: the changed form needs a new preview; once
	// created it is scheduled, and pausing it works.
	w.do("a notice for tomorrow",
		chromedp.SetValue(chromedp.CSS(`#bc-name`), "Tomorrow notice"),
		chromedp.SetValue(chromedp.CSS(`#bc-kind`), "notice"),
		chromedp.Evaluate[chromedp.Void](`(() => { const d = new Date(Date.now() + 86400000), p = (n) => String(n).padStart(2, "0");
			const el = document.getElementById("bc-start"); el.value = d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate()) + "T09:00";
			el.dispatchEvent(new Event("input", {bubbles: true})); })()`),
	)
	w.until("a changed form turns Send off", `document.getElementById("bc-send").disabled`)
	w.do("preview and send the notice",
		chromedp.Click(chromedp.CSS(`#bc-preview-btn`)),
		chromedp.WaitEnabled(chromedp.CSS(`#bc-send`)),
		chromedp.Click(chromedp.CSS(`#bc-send`)),
		chromedp.WaitVisible(chromedp.CSS(`#broadcast-table tr[data-state="scheduled"] button[data-act="pause"]`)),
		clickRow(`#broadcast-table tr[data-state="scheduled"] button[data-act="pause"]`),
		chromedp.WaitVisible(chromedp.CSS(`#broadcast-table tr[data-state="paused"] button[data-act="resume"]`)),
	)
	if got := evalIn[string](w, `document.querySelector('#broadcast-table tr[data-state="paused"]').innerText`); !strings.Contains(got, "Tomorrow notice") || !strings.Contains(got, "paused") {
		t.Errorf("the paused row reads %q", got)
	}
	checkPage("broadcasts")

	// A shelter map: the header's file is uploaded from the form; a file
	// WhatsApp would refuse is refused at once, the limit named; the
	// preview shows the header every recipient gets.
	var pngData bytes.Buffer
	if err := png.Encode(&pngData, image.NewRGBA(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	notImage := writeFile("map.txt", "this is not a map")
	mapPNG := writeFile("map.png", pngData.String())
	w.do("a notice with a map header",
		chromedp.SetValue(chromedp.CSS(`#bc-name`), "Shelter map"),
		chromedp.SetValue(chromedp.CSS(`#bc-templates .tpl-name`), "shelter_map"),
		chromedp.SetValue(chromedp.CSS(`#bc-templates .hm-kind`), "image"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#bc-templates .hm-kind").dispatchEvent(new Event("change", {bubbles: true}))`),
		chromedp.WaitVisible(chromedp.CSS(`#bc-templates .hm-file`)),
		chromedp.SetUploadFiles(chromedp.CSS(`#bc-templates .hm-file`), []string{notImage}),
	)
	w.until("the upload is refused, the limit named", `(() => { const s = document.querySelector("#bc-templates .hm-status");
		return s.classList.contains("error") && s.textContent.includes("image of type") && s.textContent.includes("image/png"); })()`)
	w.do("upload the map", chromedp.SetUploadFiles(chromedp.CSS(`#bc-templates .hm-file`), []string{mapPNG}))
	w.until("the map is uploaded", `document.querySelector("#bc-templates .hm-status").textContent.includes("Uploaded map.png")`)
	w.do("preview the map notice", chromedp.Click(chromedp.CSS(`#bc-preview-btn`)), chromedp.WaitVisible(chromedp.CSS(`#bc-preview-body .pv-header`)))
	if got := evalIn[string](w, `document.querySelector("#bc-preview-body .pv-header").innerText`); !strings.Contains(got, "Header: image") || !strings.Contains(got, "image/png") {
		t.Errorf("the preview's header reads %q, want the image and its type", got)
	}
	w.until("Send is on after the preview", `!document.getElementById("bc-send").disabled`)
	checkPage("broadcast-composer")

	// Another admin sends to five people: it waits for approval, which
	// the coordinator gives from the list.
	asAdmin(t, base, token, "POST", "/admin/contacts/import", "text/csv", "phone,tags,opted_in\n+966501111222,volunteers,yes\n+966501111223,volunteers,yes\n", 200)
	asAdmin(t, base, token, "POST", "/admin/broadcasts", "application/json", `{"name": "Volunteer call", "kind": "notice",
		"audience": {"tags_any": ["employees", "volunteers"]}, "templates": {"en": {"name": "volunteer_call", "language": "en_US"}}}`, 202)
	w.do("approve it",
		chromedp.WaitVisible(chromedp.CSS(`#broadcast-table tr[data-state="pending_approval"] button[data-act="approve"]`)),
		clickRow(`#broadcast-table tr[data-state="pending_approval"] button[data-act="approve"]`),
	)
	w.until("the approved broadcast goes out",
		`[...document.querySelectorAll('#broadcast-table tr[data-id]')].some((r) => r.innerText.includes("Volunteer call") && r.dataset.state !== "pending_approval")`)

	// Closing the incident asks twice.
	w.do("close the incident",
		goTo("incidents"),
		chromedp.WaitVisible(chromedp.CSS(`#incident-table tr[data-id="`+incID+`"] button[data-act="close"]`)),
		clickRow(`#incident-table tr[data-id="`+incID+`"] button[data-act="close"]`),
	)
	w.until("the first click only arms it", `document.querySelector('#incident-table tr[data-id="`+incID+`"]').dataset.state === "open" &&
		document.querySelector('#incident-table tr[data-id="`+incID+`"] button.armed') !== null`)
	w.do("confirm", clickRow(`#incident-table tr[data-id="`+incID+`"] button.armed`))
	w.until("the incident is closed and listed after the open drill",
		`document.querySelector('#incident-table tr[data-id="`+incID+`"]').dataset.state === "closed" &&
		document.querySelector('#incident-table tbody tr').dataset.state === "open"`)

	// FAQ: a question the bot could not answer (stored by the rig) becomes
	// an entry from the radar; a rollback takes it away again.
	w.do("the FAQ page", goTo("faq"), chromedp.WaitVisible(chromedp.CSS(`#faq-unanswered-load`)))
	w.until("the versions are listed", `!!document.querySelector("#faq-versions tr[data-version]")`)
	w.do("refresh the radar", chromedp.Click(chromedp.CSS(`#faq-unanswered-load`)))
	w.until("the question is on the radar", `document.getElementById("faq-unanswered").innerText.includes("zoo open")`)
	w.do("create an entry from it",
		// Clicked from the page: the radar is rebuilt when a load lands, and
		// a node found before that is gone when the click comes.
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#faq-unanswered button[data-act="create"]').click()`),
		chromedp.WaitVisible(chromedp.CSS(`#faq-editor-card`)),
	)
	if got := evalIn[string](w, `document.querySelector("#faq-langs .f-q").value + "|" + document.querySelector("#faq-langs .f-lang").value`); got != "what time does the zoo open on fridays?|en" {
		t.Errorf("the editor is prefilled with %q", got)
	}
	w.do("answer it and save",
		chromedp.SendKeys(chromedp.CSS(`#faq-langs .f-a`), "The zoo is closed until the flood is over; it is used as a community centre."),
		chromedp.Click(chromedp.CSS(`#faq-save`)),
		chromedp.WaitNotVisible(chromedp.CSS(`#faq-editor-card`)),
	)
	w.do("search the entries", chromedp.SendKeys(chromedp.CSS(`#faq-filter`), "zoo open"))
	w.until("the search finds the new entry alone", `document.querySelectorAll("#faq-table tbody tr").length === 1 && document.getElementById("faq-table").innerText.includes("community centre")`)
	checkPage("faq")
	w.until("the new version is live and the one before can be restored",
		`!!document.querySelector('#faq-versions tr[data-version] button[data-act="rollback"]')`)
	w.do("roll back", clickRow(`#faq-versions tr[data-version] button[data-act="rollback"]`))
	w.do("confirm the rollback", clickRow(`#faq-versions button.armed`))
	w.until("the rollback is done and the entry gone",
		`document.getElementById("faq-versions-error").textContent.includes("Rolled back") && !document.getElementById("faq-entries").innerText.includes("community centre")`)

	// Agents: disabling an account refuses its session's next request.
	amira := agentSession(t, base)
	if code := getStatus(t, amira, base+"/admin/me"); code != 200 {
		t.Fatalf("amira's session before: %d", code)
	}
	w.do("disable amira",
		goTo("agents"),
		chromedp.WaitVisible(chromedp.CSS(`#agent-table tr[data-id="amira"] button[data-act="disable"]`)),
		clickRow(`#agent-table tr[data-id="amira"] button[data-act="disable"]`),
		chromedp.WaitVisible(chromedp.CSS(`#agent-table tr[data-id="amira"][data-disabled="yes"] button[data-act="enable"]`)),
	)
	if code := getStatus(t, amira, base+"/admin/handoffs"); code != 401 {
		t.Errorf("a disabled agent's next request answered %d, want 401", code)
	}
	if evalIn[bool](w, `!!document.querySelector('#agent-table tr[data-id="nadia"] button[data-act="disable"]')`) {
		t.Errorf("an admin is offered to disable themself")
	}
	w.do("enable amira and set a new password",
		clickRow(`#agent-table tr[data-id="amira"] button[data-act="enable"]`),
		chromedp.WaitVisible(chromedp.CSS(`#agent-table tr[data-id="amira"][data-disabled="no"] button[data-act="reset"]`)),
		clickRow(`#agent-table tr[data-id="amira"] button[data-act="reset"]`),
		chromedp.SendKeys(chromedp.CSS(`#agent-table tr[data-id="amira"] input[type=password]`), "a brand new passphrase"),
		clickRow(`#agent-table tr[data-id="amira"] button[type=submit]`),
	)
	w.until("the new password is confirmed", `document.getElementById("agent-result").textContent.includes("New password set for amira")`)
	resp, err = http.Post(base+"/admin/login", "application/json", strings.NewReader(`{"user": "amira", "password": "a brand new passphrase"}`))
	if err != nil {
		t.Fatal(err)
	}
	var who map[string]string
	_ = json.NewDecoder(resp.Body).Decode(&who)
	resp.Body.Close()
	if resp.StatusCode != 200 || who["id"] != "amira" {
		t.Errorf("login with the new password: %d %v", resp.StatusCode, who)
	}
	checkPage("agents")

	// The pages in Arabic: right to left, their words translated.
	w.do("Arabic", goTo("broadcasts"),
		chromedp.WaitVisible(chromedp.CSS(`#broadcast-table`)),
		chromedp.Evaluate[chromedp.Void](`(() => { const s = document.getElementById("lang"); s.value = "ar"; s.dispatchEvent(new Event("change")); })()`))
	w.until("the broadcast table is in Arabic", `document.documentElement.dir === "rtl" && document.querySelector("#broadcast-table thead").innerText.includes("يحتاجون مساعدة")`)
	checkPage("broadcasts-arabic")
}
