package admin

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// TestSystemPagesInARealBrowser drives the admin actions that had no page
// before, in headless Chromium, each checked through the API or the file
// the browser saved: a token created on the System page works and, once
// revoked there, is refused; a console session ended there is logged out;
// the audit log lists what was just done, pages back, and its CSV has it;
// a backup downloads, and a store that cannot back up says so; a person's
// data is exported and then erased after the number is typed; an
// incident's timeline downloads as CSV. In English at a laptop's size and
// in Arabic (right to left) at a phone's.
//
// With LIFELINE_SCREENSHOTS=dir set, it writes screenshots there.
func TestSystemPagesInARealBrowser(t *testing.T) {
	chromium, axe := browserTools(t)
	for _, run := range []struct {
		size screenSize
		lang string
	}{{screenSizes[0], "en"}, {screenSizes[1], "ar"}} {
		t.Run(run.size.name+" "+run.lang, func(t *testing.T) {
			rig := newAdminRigWith(t, "")
			w := openScreen(t, chromium, run.size, 8*time.Minute)
			w.name += "-" + run.lang
			runSystem(t, rig, w, run.lang, axe)
		})
	}
}

// downloadsTo makes the browser save downloads in a fresh directory,
// which it returns.
func downloadsTo(t *testing.T, w *workspace) string {
	t.Helper()
	dir := t.TempDir()
	_, err := chromedp.CallBrowser(w.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir})
	if err != nil {
		t.Fatalf("allow downloads: %v", err)
	}
	return dir
}

// downloaded waits until the browser has saved the file name in dir (the
// page said it was downloaded, but the browser writes it a little later)
// and returns its contents. The walk's budget bounds the wait.
func downloaded(t *testing.T, w *workspace, dir, name string) []byte {
	t.Helper()
	p := filepath.Join(dir, name)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		b, err := os.ReadFile(p)
		if err == nil {
			// Chromium writes NAME.crdownload and renames it when done.
			if _, err := os.Stat(p + ".crdownload"); errors.Is(err, fs.ErrNotExist) {
				return b
			}
		}
		select {
		case <-w.ctx.Done():
			names, _ := filepath.Glob(filepath.Join(dir, "*"))
			t.Fatalf("%s was not saved (the directory holds %v): %v", name, names, w.ctx.Err())
		case <-tick.C:
		}
	}
}

func bearerStatus(t *testing.T, base, secret, path string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func runSystem(t *testing.T, rig *adminRig, w *workspace, lang, axe string) {
	base, token := rig.base, rig.token
	const layla = "447700900501" // her data is exported, then erased
	asAdmin(t, base, token, "POST", "/admin/contacts/import", "text/csv",
		"phone,name,language,tags,opted_in\n+"+layla+",Layla,en,riverside,yes\n+447700900502,Karim,ar,riverside,yes\n", 200)
	asAdmin(t, base, token, "POST", "/admin/incidents", "application/json", `{"name": "Riverside flood", "kind": "flood", "audience": {"tags_any": ["riverside"]}}`, 201)
	// Fifty-one changes of one kind: more than one page of the audit log.
	for i := range 51 {
		asAdmin(t, base, token, "POST", "/admin/contacts/"+layla+"/consent", "application/json",
			fmt.Sprintf(`{"channel": "whatsapp", "opt_in": true, "wording": "call %d"}`, i), 200)
	}
	dir := downloadsTo(t, w)
	goTo := func(page string) chromedp.Action[chromedp.Void] {
		return chromedp.Evaluate[chromedp.Void](`location.hash = "#` + page + `"`)
	}
	clickRow := func(sel string) chromedp.Action[chromedp.Void] {
		return chromedp.Poll[chromedp.Void](`(() => { const e = document.querySelector(`+strconv.Quote(sel)+`); if (!e) return false; e.click(); return true; })()`,
			chromedp.WithPollingTimeout(0))
	}
	// text reads an element's words; tr is the console's own translation.
	text := func(id string) string { return evalIn[string](w, `document.getElementById("`+id+`").textContent`) }
	tr := func(key string, args ...string) string {
		js := `t(` + strconv.Quote(key)
		for _, a := range args {
			js += `, ` + strconv.Quote(a)
		}
		return evalIn[string](w, js+`)`)
	}
	checkPage := func(page string) {
		t.Helper()
		if !evalIn[bool](w, fmt.Sprintf(`document.documentElement.scrollWidth <= window.innerWidth && window.innerWidth === %d`, w.width)) {
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
		chromedp.Evaluate[chromedp.Void](`(() => { const s = document.getElementById("lang"); s.value = "`+lang+`"; s.dispatchEvent(new Event("change")); })()`),
		chromedp.SendKeys(chromedp.CSS(`#login-user`), "nadia"),
		chromedp.SendKeys(chromedp.CSS(`#login-password`), coordinatorPassword),
		chromedp.Click(chromedp.CSS(`#login-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#page-queue`)),
	)
	if lang == "ar" && !evalIn[bool](w, `document.documentElement.dir === "rtl"`) {
		t.Fatalf("the Arabic console is not right to left")
	}

	// Amira is logged in elsewhere: her session is listed, and ended.
	amira := agentSession(t, base)
	w.do("the System page", clickRow(`#nav a[data-page="system"]`), chromedp.WaitVisible(chromedp.CSS(`#tk-form`)))
	w.until("amira's session is listed", `!!document.querySelector('#session-table tr[data-agent="amira"] button[data-act="end"]')`)
	w.until("the tokens are listed", `!!document.querySelector('#token-table tr[data-id]')`)
	checkPage("system")

	// A token: created with a role and a name, its secret shown once.
	w.do("create a viewer token",
		chromedp.SendKeys(chromedp.CSS(`#tk-name`), "grafana"),
		chromedp.SetValue(chromedp.CSS(`#tk-role`), "viewer"),
		chromedp.Click(chromedp.CSS(`#tk-create`)),
		chromedp.WaitVisible(chromedp.CSS(`#tk-secret-box`)),
	)
	secret := evalIn[string](w, `document.getElementById("tk-secret").value`)
	if len(secret) < 20 {
		t.Fatalf("the secret shown is %q", secret)
	}
	if got, want := evalIn[string](w, `document.querySelector("#tk-secret-box strong").textContent`), tr("tk.once"); got != want || want == "tk.once" {
		t.Errorf("the warning reads %q, want %q", got, want)
	}
	if code := bearerStatus(t, base, secret, "/metrics"); code != 200 {
		t.Errorf("the new viewer token reads the metrics with %d, want 200", code)
	}
	w.do("copy it", chromedp.Click(chromedp.CSS(`#tk-copy`)))
	// Headless Chromium may refuse the clipboard: then the page says how
	// to copy by hand, with the secret selected. Either way it answers.
	w.until("the copy is answered", `["`+tr("tk.copied")+`", "`+tr("tk.copyFailed")+`"].includes(document.getElementById("tk-copied").textContent)`)
	w.until("the token is listed", `!!document.querySelector('#token-table tr[data-revoked="no"] button[data-act="revoke"]') &&
		[...document.querySelectorAll('#token-table tr[data-id]')].some((r) => r.innerText.includes("grafana"))`)
	checkPage("system-token")
	w.do("done: the secret is gone", chromedp.Click(chromedp.CSS(`#tk-done`)), chromedp.WaitNotVisible(chromedp.CSS(`#tk-secret-box`)))
	if evalIn[string](w, `document.getElementById("tk-secret").value`) != "" {
		t.Errorf("the secret stays in the page after Done")
	}
	id := evalIn[string](w, `[...document.querySelectorAll('#token-table tr[data-id]')].find((r) => r.innerText.includes("grafana")).dataset.id`)
	row := `#token-table tr[data-id="` + id + `"]`
	w.do("revoke it", clickRow(row+` button[data-act="revoke"]`))
	w.until("the first click only arms it", `!!document.querySelector('`+row+` button.armed') && document.querySelector('`+row+`').dataset.revoked === "no"`)
	w.do("confirm", clickRow(row+` button.armed`))
	w.until("it is listed revoked", `document.querySelector('`+row+`').dataset.revoked === "yes"`)
	if code := bearerStatus(t, base, secret, "/metrics"); code != 401 {
		t.Errorf("the revoked token reads the metrics with %d, want 401", code)
	}
	// The last admin token cannot be revoked: the API's refusal is shown.
	boot := `#token-table tr[data-id="` + TokenID(token) + `"]`
	w.do("revoke the last admin token", clickRow(boot+` button[data-act="revoke"]`), clickRow(boot+` button.armed`))
	w.until("the refusal is shown", `document.getElementById("tk-error").textContent.includes("last admin token")`)

	// Sessions: ending amira's logs her out at her next request.
	if code := getStatus(t, amira, base+"/admin/me"); code != 200 {
		t.Fatalf("amira's session before: %d", code)
	}
	w.do("end amira's session", clickRow(`#session-table tr[data-agent="amira"] button[data-act="end"]`))
	w.until("the page says so", `document.getElementById("se-result").textContent === `+strconv.Quote(tr("se.ended", "amira")))
	w.until("her session is no longer listed", `!document.querySelector('#session-table tr[data-agent="amira"]') && !!document.querySelector('#session-table tr[data-agent="nadia"]')`)
	if code := getStatus(t, amira, base+"/admin/me"); code != 401 {
		t.Errorf("an ended session's next request answered %d, want 401", code)
	}

	// The audit log shows what was just done, with the filters, and its
	// CSV, with the same filters, has it too.
	w.do("filter the audit log", chromedp.SendKeys(chromedp.CSS(`#au-action`), "token."), chromedp.Click(chromedp.CSS(`#au-search`)))
	w.until("the revocation is listed", `(() => { const r = document.querySelector('#audit-table tr[data-action="token.revoke"]');
		return !!r && r.innerText.includes("grafana") && r.innerText.includes("nadia") &&
		[...document.querySelectorAll('#audit-table tr[data-action]')].every((x) => x.dataset.action.startsWith("token.")); })()`)
	w.do("download its CSV", chromedp.Click(chromedp.CSS(`#au-csv`)))
	w.until("the download is done", `document.getElementById("au-dl").classList.contains("ok")`)
	csv := string(downloaded(t, w, dir, "lifeline-audit.csv"))
	if !strings.HasPrefix(csv, "seq,at,actor") || !strings.Contains(csv, "token.revoke") || !strings.Contains(csv, "name=grafana") || strings.Contains(csv, "session.end") {
		t.Errorf("the audit CSV reads %q, want the token's creation and revocation and nothing else", csv)
	}
	// Paging: 51 consent records are more than a page of 50.
	w.do("the consent records", chromedp.SetValue(chromedp.CSS(`#au-action`), "contact.consent"), chromedp.Click(chromedp.CSS(`#au-search`)))
	w.until("a first page of 50", `document.querySelectorAll('#audit-table tr[data-action="contact.consent"]').length === 50 && !document.getElementById("au-older").disabled`)
	first := evalIn[string](w, `document.querySelector('#audit-table tr[data-seq]').dataset.seq`)
	w.do("older", chromedp.Click(chromedp.CSS(`#au-older`)))
	w.until("the 51st on the next page", `document.querySelectorAll('#audit-table tr[data-action="contact.consent"]').length === 1 && document.getElementById("au-older").disabled`)
	w.do("newest", chromedp.Click(chromedp.CSS(`#au-newest`)))
	w.until("back to the first page", `document.querySelector('#audit-table tr[data-seq]').dataset.seq === "`+first+`"`)
	checkPage("system-audit")

	// A backup downloads; a store that cannot make one (nats) says why in
	// the API's words. The refusal is played by the page's fetch: this
	// server's store can back up.
	w.do("download a backup", chromedp.Click(chromedp.CSS(`#bk-download`)))
	w.until("the backup is done", `document.getElementById("bk-result").classList.contains("ok")`)
	day := evalIn[string](w, `new Date().toISOString().slice(0, 10)`)
	if b := downloaded(t, w, dir, "lifeline-"+day+".backup"); len(b) == 0 {
		t.Errorf("the backup is empty")
	} else if got := text("bk-result"); !strings.Contains(got, "lifeline-"+day+".backup") {
		t.Errorf("the backup's result reads %q, want its name and size", got)
	}
	const refusal = "backup: not supported on the nats store yet; it needs LIFELINE_BACKEND=badger"
	w.do("a store that cannot back up", chromedp.Evaluate[chromedp.Void](`(() => { const f = window.fetch; window.__fetch = f;
		window.fetch = (u, o) => String(u).startsWith("/admin/backup") ? Promise.resolve(new Response(JSON.stringify({ error: "`+refusal+`" }),
			{ status: 501, headers: { "Content-Type": "application/json" } })) : f(u, o); })()`),
		chromedp.Click(chromedp.CSS(`#bk-download`)))
	w.until("the refusal is shown plainly", `document.getElementById("bk-result").classList.contains("error") && document.getElementById("bk-result").textContent === `+strconv.Quote(tr("bk.unsupported", refusal)))
	w.do("the real fetch again", chromedp.Evaluate[chromedp.Void](`window.fetch = window.__fetch`))
	checkPage("system-backup")

	// A person's data: exported, then erased once the number is typed.
	w.do("contacts", goTo("contacts"), chromedp.WaitVisible(chromedp.CSS(`#contact-table tr[data-wa="`+layla+`"]`)))
	w.do("export the riverside contacts", chromedp.Evaluate[chromedp.Void](`document.getElementById("ct-tag").value = "riverside"; document.getElementById("ct-export-all").click()`))
	w.until("the contacts' export is done", `document.getElementById("ct-export-all-result").classList.contains("ok")`)
	if b := string(downloaded(t, w, dir, "contacts.csv")); !strings.HasPrefix(b, "phone,name,language,tags,region,opted_in") ||
		!strings.Contains(b, "+"+layla+",Layla,en,riverside") || !strings.Contains(b, "+447700900502,Karim,ar,riverside") {
		t.Errorf("the contacts' export: %q", b)
	}
	w.do("export Layla's data", clickRow(`#contact-table tr[data-wa="`+layla+`"] button[data-act="export"]`))
	w.until("the export is done", `document.getElementById("ct-export-result").classList.contains("ok")`)
	if b := string(downloaded(t, w, dir, "contact-"+layla+".json")); !strings.Contains(b, layla) || !strings.Contains(b, "Layla") {
		t.Errorf("the export reads %q, want her number and name", b)
	}
	w.do("erase: a wrong number",
		clickRow(`#contact-table tr[data-wa="`+layla+`"] button[data-act="erase"]`),
		chromedp.WaitVisible(chromedp.CSS(`#er-confirm`)),
		chromedp.SendKeys(chromedp.CSS(`#er-confirm`), "+44 7700 900502"),
		chromedp.Click(chromedp.CSS(`#er-submit`)))
	w.until("nothing is erased", `document.getElementById("er-result").classList.contains("error") && document.getElementById("er-result").textContent.includes("+`+layla+`")`)
	asAdmin(t, base, token, "GET", "/admin/contacts/"+layla, "", "", 200)
	w.do("erase: her number",
		chromedp.Evaluate[chromedp.Void](`document.getElementById("er-confirm").value = ""`),
		chromedp.SendKeys(chromedp.CSS(`#er-confirm`), "+44 7700 900501"),
		chromedp.Click(chromedp.CSS(`#er-submit`)))
	w.until("the erasure is reported", `document.getElementById("er-result").classList.contains("ok")`)
	w.until("she is gone from the list", `!document.querySelector('#contact-table tr[data-wa="`+layla+`"]') && !!document.querySelector('#contact-table tr[data-wa="447700900502"]')`)
	asAdmin(t, base, token, "GET", "/admin/contacts/"+layla, "", "", 404)
	checkPage("contact-erased")

	// The incident's timeline as CSV.
	w.do("incidents", goTo("incidents"), chromedp.WaitVisible(chromedp.CSS(`#incident-table tr[data-id]`)))
	incID := evalIn[string](w, `document.querySelector('#incident-table tr[data-id]').dataset.id`)
	w.do("its timeline", clickRow(`#incident-table tr[data-id="`+incID+`"] button[data-act="timeline"]`), chromedp.WaitVisible(chromedp.CSS(`#timeline-table`)))
	w.do("download it", chromedp.Click(chromedp.CSS(`#inc-timeline-csv`)))
	w.until("the download is done", `document.getElementById("inc-timeline-dl").classList.contains("ok")`)
	rows := strings.Split(strings.TrimSpace(string(downloaded(t, w, dir, incID+"-timeline.csv"))), "\n")
	if len(rows) < 2 || !strings.Contains(strings.Join(rows[1:], "\n"), "incident.opened") {
		t.Errorf("the timeline CSV reads %q, want a header and the opening", rows)
	}
	checkPage("incident-timeline")
}
