package admin

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestRepliesPlacesSearchAndSimulatorInARealBrowser drives, in headless
// Chromium at a laptop's size and at a phone's, what an admin and an
// agent do besides the queue: an admin writes a canned reply (and is
// told when a variable is unknown), picks it in a conversation with its
// variables filled in and sends it; the search box finds a person who
// never reached the queue by the words they wrote; the places page adds,
// imports (listing each bad row) and closes a place. Then the simulator:
// a check-in shows as WhatsApp shows it (header, body with its
// parameters, the Safe / Need help buttons), keeps its buttons after a
// reload, and a tap on Need help is counted by the broadcast. Every page
// visited is checked with axe-core: no serious or critical violation.
func TestRepliesPlacesSearchAndSimulatorInARealBrowser(t *testing.T) {
	chromium, axe := browserTools(t)
	for _, size := range screenSizes {
		t.Run(size.name, func(t *testing.T) {
			base, token := newAdminRig(t)
			w := openScreen(t, chromium, size, 4*time.Minute)
			runWork(t, w, base, axe)
			w.name += "-simulator"
			runSimulator(t, w, base, token, axe)
		})
	}
}

// sandboxSay sends a person's message through the sandbox chat.
func sandboxSay(t *testing.T, base, from, name, text string) {
	t.Helper()
	body := fmt.Sprintf(`{"from": %q, "name": %q, "text": %q}`, from, name, text)
	resp, err := http.Post(base+"/sandbox/messages", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("sandbox message = %d %s", resp.StatusCode, raw)
	}
}

// checkA11y runs axe-core on the page as it is and fails the test on
// each serious or critical violation, naming the rule and the elements,
// and on each menu link cut off (checkMenu).
func checkA11y(w *workspace, axe, page string) {
	w.t.Helper()
	if !evalIn[bool](w, `typeof window.axe === "object"`) {
		w.do("load axe-core", chromedp.Evaluate[chromedp.Void](axe))
	}
	// axe.run is asynchronous: its answer is left on window and waited for.
	w.do("run axe-core", chromedp.Evaluate[chromedp.Void](`window.__axe = null; axe.run(document, { resultTypes: ["violations"] }).then((r) => {
		window.__axe = r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
			.map((v) => v.impact + " " + v.id + ": " + v.nodes.slice(0, 5).map((n) => n.target.join(" ")).join(", "));
	}, (e) => { window.__axe = ["axe-core failed: " + e]; })`))
	w.until("axe-core's answer", `window.__axe !== null`)
	found := evalIn[[]string](w, `window.__axe`)
	for _, v := range found {
		w.t.Errorf("accessibility, %s page at %s: %s", page, w.name, v)
	}
	w.checkMenu(page)
}

func runWork(t *testing.T, w *workspace, base, axe string) {
	const (
		asker   = "15550007001" // asks for a person
		quiet   = "15550007002" // never reaches the queue
		queueLi = `#queue-list li[data-id="15550007001"]`
	)
	sandboxSay(t, base, asker, "Rania", "I want to speak to an agent")
	sandboxSay(t, base, quiet, "Omar", "is the bridge on the north road still standing?")

	w.do("log in as an admin",
		chromedp.Navigate(base+"/console/"),
		chromedp.WaitVisible(chromedp.CSS(`#login-user`)),
	)
	checkA11y(w, axe, "login")
	w.do("log in",
		chromedp.SendKeys(chromedp.CSS(`#login-user`), "nadia"),
		chromedp.SendKeys(chromedp.CSS(`#login-password`), coordinatorPassword),
		chromedp.Click(chromedp.CSS(`#login-submit`)),
		chromedp.WaitVisible(chromedp.CSS(queueLi)),
	)

	// Canned replies: an unknown variable is refused in words; a good one is listed.
	w.do("the replies page", chromedp.Navigate(base+"/console/#replies"), chromedp.WaitVisible(chromedp.CSS(`#cr-form`)))
	w.until("the variables are named", `document.getElementById("cr-vars").textContent.includes("{position}")`)
	w.do("a reply with a misspelt variable",
		chromedp.SendKeys(chromedp.CSS(`#cr-lang`), "en"),
		chromedp.SendKeys(chromedp.CSS(`#cr-title`), "Greeting"),
		chromedp.SendKeys(chromedp.CSS(`#cr-text`), "Hello {nmae}"),
		chromedp.Click(chromedp.CSS(`#cr-save`)))
	w.until("the refusal names the variable", `document.getElementById("cr-result").textContent.includes("unknown variable {nmae}")`)
	w.do("fix it",
		chromedp.Evaluate[chromedp.Void](`document.getElementById("cr-text").value = ""`),
		chromedp.SendKeys(chromedp.CSS(`#cr-text`), "Hello {name}, I am {agent} from the help desk."),
		chromedp.Click(chromedp.CSS(`#cr-save`)))
	w.until("the reply is listed", `!!document.querySelector('#canned-table tr[data-id="cr000001"]')`)
	if !evalIn[bool](w, `window.__noHorizontalScroll ? window.__noHorizontalScroll() : document.documentElement.scrollWidth <= window.innerWidth`) {
		t.Errorf("the replies page scrolls sideways")
	}
	checkA11y(w, axe, "replies")
	w.screenshot("replies")

	// In the conversation the reply fills in the person's name and the agent's.
	w.do("open the conversation", chromedp.Navigate(base+"/console/#queue"), chromedp.WaitVisible(chromedp.CSS(queueLi)),
		// Clicked from the page: a live update may rebuild the list between
		// finding the item and clicking it.
		chromedp.Evaluate[chromedp.Void](`document.querySelector('`+queueLi+`').click()`), chromedp.WaitVisible(chromedp.CSS(`#btn-claim`)),
		chromedp.Click(chromedp.CSS(`#btn-claim`)),
		// The canned replies are rebuilt as the claim and its live update
		// land: the enabled button is found and clicked in one step.
		chromedp.Poll[chromedp.Void](`(() => { const b = document.querySelector('#canned button[data-id="cr000001"]'); if (!b || b.disabled) return false; b.click(); return true; })()`,
			chromedp.WithPollingTimeout(0)))
	if got := evalIn[string](w, `document.getElementById("reply-text").value`); got != "Hello Rania, I am Nadia from the help desk." {
		t.Errorf("the canned reply reads %q", got)
	}
	checkA11y(w, axe, "conversation")
	w.screenshot("canned")
	w.do("send it", chromedp.Click(chromedp.CSS(`#btn-send`)))
	w.until("the reply is in the transcript", `[...document.querySelectorAll("#transcript li.msg.agent")].some((li) => li.textContent.includes("I am Nadia"))`)

	// The search box finds who never reached the queue, by their words.
	if w.phone {
		w.do("back to the list", chromedp.Click(chromedp.CSS(`#btn-back`)), chromedp.WaitVisible(chromedp.CSS(`#queue-search`)))
	}
	w.do("search", chromedp.SendKeys(chromedp.CSS(`#queue-search`), "north road"))
	w.until("the server's result is listed", `!!document.querySelector('#search-results li[data-id="`+quiet+`"]') &&
		document.querySelector('#search-results li[data-id="`+quiet+`"]').textContent.includes("bridge")`)
	w.screenshot("search")
	// He has no handoff: his hit opens his conversation read only.
	w.do("open the hit without a handoff", chromedp.Evaluate[chromedp.Void](`document.querySelector('#search-results li[data-id="`+quiet+`"]').click()`))
	w.until("his transcript shows, read only", `!document.getElementById("conv-readonly").hidden &&
		[...document.querySelectorAll("#transcript li.msg.in")].some((li) => li.textContent.includes("north road")) &&
		document.querySelector("#conv .composer").offsetHeight === 0 && document.querySelector("#conv .actions").offsetHeight === 0 &&
		document.getElementById("conv-title").innerText.includes("+`+quiet+`")`)
	checkA11y(w, axe, "transcript")
	if w.phone {
		w.do("back to the list", chromedp.Click(chromedp.CSS(`#btn-back`)), chromedp.WaitVisible(chromedp.CSS(`#queue-search`)))
	}

	// Places: add one, import a file with bad rows (each named), close one at once.
	w.do("the places page", chromedp.Navigate(base+"/console/#places"), chromedp.WaitVisible(chromedp.CSS(`#pl-new summary`)),
		chromedp.Click(chromedp.CSS(`#pl-new summary`)),
		chromedp.SendKeys(chromedp.CSS(`#pl-name`), "Town hall shelter"),
		chromedp.SendKeys(chromedp.CSS(`#pl-lat`), "26.4207"),
		chromedp.SendKeys(chromedp.CSS(`#pl-lon`), "50.0888"),
		chromedp.Click(chromedp.CSS(`#pl-submit`)))
	w.until("the place is listed", `[...document.querySelectorAll("#place-table tr")].some((tr) => tr.textContent.includes("Town hall shelter"))`)
	importFile := func(csv string) {
		w.do("import", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
			const dt = new DataTransfer();
			dt.items.add(new File([%q], "places.csv", { type: "text/csv" }));
			document.getElementById("pl-file").files = dt.files;
			document.getElementById("pl-import-btn").click();
		})()`, csv)))
	}
	importFile("name,kind,lat,lon\nNorth school,shelter,26.45,50.11\nNo kind,,26.4,50.1\nFar north,water,91,10\n")
	w.until("each bad row is named", `[...document.querySelectorAll("#pl-result li[data-row]")].map((li) => li.dataset.row).join() === "3,4"`)
	importFile("name,kind,lat,lon\nNorth school,shelter,26.45,50.11\n")
	w.until("the import is listed", `document.getElementById("pl-result").textContent.includes("1 new") &&
		[...document.querySelectorAll("#place-table tr")].some((tr) => tr.textContent.includes("North school"))`)
	w.do("close the town hall", chromedp.Evaluate[chromedp.Void](`(() => {
		const tr = [...document.querySelectorAll("#place-table tr")].find((tr) => tr.textContent.includes("Town hall"));
		const sel = tr.querySelector("select"); sel.value = "closed"; sel.dispatchEvent(new Event("change"));
	})()`))
	w.until("it is closed at once", `[...document.querySelectorAll("#place-table tr.state-closed")].some((tr) => tr.textContent.includes("Town hall"))`)
	if got := evalIn[bool](w, `document.documentElement.scrollWidth <= window.innerWidth`); !got {
		t.Errorf("the places page scrolls sideways")
	}
	checkA11y(w, axe, "places")
	w.screenshot("places")
}

func runSimulator(t *testing.T, w *workspace, base, token, axe string) {
	const user = "447700900555"
	sandboxSay(t, base, user, "Sam", "hello")
	asAdmin(t, base, token, "POST", "/admin/contacts/import", "text/csv", "phone,name,tags,opted_in\n+"+user+",Sam,simulator,yes\n", 200)
	asAdmin(t, base, token, "POST", "/admin/broadcasts", "application/json", `{"name": "Storm check-in", "kind": "checkin",
		"audience": {"tags_any": ["simulator"]},
		"templates": {"en": {"name": "safety_checkin", "language": "en_US", "body": [{"value": "{{name}}"}, {"value": "Riverside"}]}}}`, 202)

	checkin := `li.b[data-kind="template"]`
	w.do("open the simulator as the contact",
		chromedp.Navigate(base+"/simulator/"),
		chromedp.WaitVisible(chromedp.CSS(`#from`)),
		chromedp.Evaluate[chromedp.Void](`(() => { const f = document.getElementById("from"); f.value = "`+user+`"; f.dispatchEvent(new Event("change")); })()`),
	)
	w.until("the check-in shows as WhatsApp shows it", `(() => { const li = document.querySelector('`+checkin+`');
		return !!li && li.textContent.includes("Safety check") && li.textContent.includes("Hello Sam, are you safe after the storm in Riverside?")
			&& [...li.querySelectorAll(".replybtns button")].map((b) => b.textContent).join("|") === "I'm safe|I need help"; })()`)
	checkA11y(w, axe, "simulator")
	w.screenshot("checkin")

	// The bot's own kinds: a reply with buttons, kept after a reload too.
	w.do("ask for a person", chromedp.SendKeys(chromedp.CSS(`#text`), "I need a person"), chromedp.Click(chromedp.CSS(`#send`)))
	w.until("the bot answers", `document.querySelectorAll("li.b:not(.me)").length >= 3`)
	before := evalIn[string](w, `[...document.querySelectorAll("#chat li")].map((li) => li.dataset.kind || li.className).join()`)

	w.do("reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(checkin)))
	w.until("the same messages come back, buttons included",
		`[...document.querySelectorAll("#chat li")].map((li) => li.dataset.kind || li.className).join() === `+fmt.Sprintf("%q", before)+` &&
		document.querySelectorAll('`+checkin+` .replybtns button:not([disabled])').length === 2`)
	w.do("tap I need help", chromedp.Click(chromedp.CSS(checkin+` .replybtns button[data-id$=":help"]`)))
	w.until("the tap is shown as the person's message", `[...document.querySelectorAll("li.b.me")].some((li) => li.textContent.includes("I need help"))`)

	// The broadcast counts the answer.
	for {
		req, _ := http.NewRequest("GET", base+"/admin/broadcasts", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(raw), `"need_help":1`) {
			break
		}
		if _, err := chromedp.Run(w.ctx, chromedp.Poll[chromedp.Void](`new Promise((r) => setTimeout(() => r(true), 200))`)); err != nil {
			t.Fatalf("the broadcast never counted the answer: %s", raw)
		}
	}
	if !evalIn[bool](w, `document.documentElement.scrollWidth <= window.innerWidth`) {
		t.Errorf("the simulator scrolls sideways")
	}
	w.screenshot("answered")
}
