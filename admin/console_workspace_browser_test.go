package admin

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestAgentWorkspaceInARealBrowser drives the agent's workspace in
// headless Chromium at a laptop's size and at a phone's, and checks what
// the agent sees: the queue ordered by urgency with its alerts and tab
// title badge, the conversation following new replies (or saying that
// there are new messages when the agent scrolled up), a shared location
// as a map link, readable times, the keyboard shortcuts, unread marks,
// and the Arabic interface right to left.
//
// With LIFELINE_SCREENSHOTS=dir set, it writes screenshots there for
// review.
func TestAgentWorkspaceInARealBrowser(t *testing.T) {
	chromium, _ := browserTools(t)
	for _, size := range screenSizes {
		t.Run(size.name, func(t *testing.T) {
			w := newWorkspace(t, chromium, size)
			w.run(t)
		})
	}
}

const (
	userOther  = "15550000001" // asks for a person
	userHelp   = "15550000002" // needs help
	userUrgent = "15550000003" // danger to life
)

var regexpClock = regexp.MustCompile(`^\d{2}:\d{2}$`)

type workspace struct {
	t     *testing.T
	rig   *consoleRig
	ctx   context.Context
	phone bool
	width int64 // the viewport's: a page wider than it is zoomed out on a phone
	shots string
	name  string
}

func newWorkspace(t *testing.T, chromium string, size screenSize) *workspace {
	rig := newConsoleRig(t)
	w := openScreen(t, chromium, size, 5*time.Minute)
	w.rig = rig
	return w
}

// stepWait bounds one step of a walk: a click with the waits it implies,
// or a condition. Under a load average of 10 to 15 on two cores no step
// of the browser tests took 5 seconds; a step that waits this long waits
// for something that is not coming, and the walk fails then, saying what
// the page was doing, instead of when the walk's whole budget (or go
// test's timeout) runs out.
const stepWait = 2 * time.Minute

// do runs the actions of one step, within stepWait.
func (w *workspace) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(w.ctx, stepWait)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		w.t.Fatalf("%s: %v\n%s", what, err, w.pageState())
	}
}

// until waits, within stepWait, for a JavaScript condition to hold in
// the page (chromedp's own 30 seconds are too short on a loaded machine).
func (w *workspace) until(what, cond string) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(w.ctx, stepWait)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](cond, chromedp.WithPollingTimeout(0))); err != nil {
		w.t.Fatalf("%s: waited %v for %s: %v\n%s", what, stepWait, cond, err, w.pageState())
	}
}

// pageState says what the page was doing when a step failed: its page,
// the API requests still unanswered and the last answered, the errors
// thrown, and every result and error message it shows.
func (w *workspace) pageState() string {
	ctx, cancel := context.WithTimeout(w.ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.__pageState ? window.__pageState() : "(no page trace: " + location.href + ")"`))
	if err != nil {
		return "page state: " + err.Error()
	}
	return s
}

// traceJS runs in every document a workspace opens, before the page's
// own scripts: it notes each API request with its answer, and each error
// the page's code throws, for pageState.
const traceJS = `(() => {
	if (window.__pageState) return;
	const reqs = [], errs = [], t0 = performance.now();
	const ms = (t) => Math.round(t - t0);
	const fetch0 = window.fetch;
	window.fetch = function (input, init) {
		const r = { method: (init && init.method) || "GET", url: String(input && input.url || input), at: performance.now(), status: "pending" };
		reqs.push(r);
		if (reqs.length > 200) reqs.shift();
		const p = fetch0.apply(this, arguments);
		p.then((res) => { r.status = res.status; r.took = performance.now() - r.at; }, (e) => { r.status = "failed: " + e; r.took = performance.now() - r.at; });
		return p;
	};
	window.addEventListener("error", (e) => errs.push(ms(performance.now()) + "ms " + e.message));
	window.addEventListener("unhandledrejection", (e) => errs.push(ms(performance.now()) + "ms unhandled: " + (e.reason && e.reason.message || e.reason)));
	window.__pageState = () => {
		const now = performance.now(), line = (r) => "  " + r.method + " " + r.url + " at " + ms(r.at) + "ms: " +
			(r.status === "pending" ? "no answer after " + Math.round(now - r.at) + "ms" : r.status + " in " + Math.round(r.took) + "ms");
		const shown = [...document.querySelectorAll(".result, .error, [role=alert], [role=status]")]
			.filter((e) => e.id && e.textContent.trim()).map((e) => "  #" + e.id + " [" + e.className + "] " + e.textContent.trim().slice(0, 200));
		return ["page " + location.hash + " after " + ms(now) + "ms",
			"unanswered requests:", ...reqs.filter((r) => r.status === "pending").map(line),
			"last answered requests:", ...reqs.filter((r) => r.status !== "pending").slice(-15).map(line),
			"errors thrown:", ...errs.slice(-10).map((e) => "  " + e),
			"messages shown:", ...shown].join("\n");
	};
})()`

func evalIn[T any](w *workspace, js string) T {
	w.t.Helper()
	v, err := chromedp.Run(w.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		w.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

func (w *workspace) screenshot(page string) {
	if w.shots == "" {
		return
	}
	b, err := chromedp.Run(w.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		w.t.Errorf("screenshot %s: %v", page, err)
		return
	}
	if err := os.MkdirAll(w.shots, 0o755); err == nil {
		err = os.WriteFile(filepath.Join(w.shots, w.name+"-"+page+".png"), b, 0o644)
	}
	if err != nil {
		w.t.Errorf("write screenshot %s: %v", page, err)
	}
}

// checkMenu fails the test for each link of the console's menu, and
// each action on the open conversation (claim, transfer with its agent,
// release, close with its outcome), that is not shown whole: cut by its
// row's edge or the window's, it names no page ("Cl" for "Check-ins") or
// no action ("Reso" for "Resolved"). A choice is cut when its chosen
// option is wider than the box leaves it beside the arrow. Nothing may
// be lost at a phone's width (WCAG's reflow); the links and actions the
// person cannot use are not shown and not checked.
func (w *workspace) checkMenu(page string) {
	w.t.Helper()
	cut := evalIn[[]string](w, `(() => {
		const pen = document.createElement("canvas").getContext("2d");
		const cut = (el) => {
			const r = el.getBoundingClientRect(), row = el.parentElement.getBoundingClientRect();
			const left = Math.max(0, row.left), right = Math.min(window.innerWidth, row.right);
			if (r.left < left - 0.5 || r.right > right + 0.5) return true;
			if (el.tagName !== "SELECT") return el.scrollWidth > el.clientWidth;
			const s = getComputedStyle(el), chosen = el.selectedOptions[0];
			pen.font = s.font;
			return !!chosen && pen.measureText(chosen.text).width + parseFloat(s.paddingLeft) + parseFloat(s.paddingRight) + 12 > el.clientWidth;
		};
		return [...document.querySelectorAll("#nav a, .conv-head .actions > *")].filter((el) => el.getClientRects().length > 0).filter(cut)
			.map((el) => el.tagName === "SELECT" ? el.getAttribute("aria-label") + ": " + el.selectedOptions[0].text : el.textContent);
	})()`)
	if len(cut) > 0 {
		w.t.Errorf("menu and actions, %s page at %s: cut off: %q", page, w.name, cut)
	}
}

// Page-side helpers the checks share: whether an element is inside the
// visible part of its scrolling transcript and of the window.
const visibleJS = `window.__visible = (el) => {
	if (!el) return false;
	const r = el.getBoundingClientRect(), box = document.getElementById("transcript").getBoundingClientRect();
	return r.height > 0 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1 && r.top >= 0 && r.bottom <= window.innerHeight + 1;
};
window.__noHorizontalScroll = () => document.documentElement.scrollWidth <= window.innerWidth && window.innerWidth === %d;`

// Desktop notifications and tones are recorded: headless Chromium shows
// neither, so the test counts what the console asked for.
const recordAlertsJS = `window.__notes = [];
window.Notification = class {
	constructor(title, opts) { window.__notes.push(title + " | " + ((opts && opts.body) || "")); }
	static get permission() { return "granted"; }
	static requestPermission() { return Promise.resolve("granted"); }
	close() {}
};
window.__tones = 0;
const __osc = AudioContext.prototype.createOscillator;
AudioContext.prototype.createOscillator = function () { window.__tones++; return __osc.call(this); };`

func (w *workspace) run(t *testing.T) {
	rig := w.rig
	item := func(user string) string { return `#queue-list li[data-id="` + user + `"]` }

	// First start: the login page says how the first account is made.
	w.do("open the login page",
		chromedp.Navigate(rig.base+"/console/"),
		chromedp.WaitVisible(chromedp.CSS(`#login-user`)),
		chromedp.Click(chromedp.CSS(`#first-start summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#first-cmd`)),
	)
	if got := evalIn[string](w, `document.getElementById("first-start").innerText`); !strings.Contains(got, "admin token") ||
		!strings.Contains(got, rig.base+"/admin/agents") || !strings.Contains(got, "Authorization: Bearer") {
		t.Errorf("the login page does not explain the first account: %q", got)
	}
	w.screenshot("login")
	w.do("log in",
		chromedp.Evaluate[chromedp.Void](recordAlertsJS+fmt.Sprintf(visibleJS, w.width)),
		chromedp.SendKeys(chromedp.CSS(`#login-user`), "amira"),
		chromedp.SendKeys(chromedp.CSS(`#login-password`), rigPassword),
		chromedp.Click(chromedp.CSS(`#login-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#page-queue`)),
		chromedp.WaitVisible(chromedp.CSS(`#live:not(.off)`)),
		chromedp.WaitVisible(chromedp.CSS(`#queue-empty`)),
	)

	// A question for a person: in the queue, but no alarm.
	rig.text(userOther, "I want to speak to an agent")
	w.do("the first handoff appears", chromedp.WaitVisible(chromedp.CSS(item(userOther))))
	if title, tones, notes := evalIn[string](w, `document.title`), evalIn[int](w, `window.__tones`), evalIn[int](w, `window.__notes.length`); title != "Lifeline" || tones != 0 || notes != 0 {
		t.Errorf("after an ordinary handoff: title %q, %d tones, %d notifications; want \"Lifeline\", none", title, tones, notes)
	}
	// Someone who needs help: a tone, a notification, the title counts it.
	rig.text(userHelp, "I need help, we have no food left")
	w.until("a need-help handoff alerts", `document.title === "(1) Lifeline" && window.__notes.length === 1 && window.__tones >= 1`)
	// Danger to life: first in the queue, before need-help, before the rest.
	rig.text(userUrgent, "my father collapsed and is not breathing")
	w.until("an urgent handoff alerts", `document.title === "(2) Lifeline" && window.__notes.length === 2`)
	w.until("the queue is ordered urgent, need help, other",
		`[...document.querySelectorAll("#queue-list li")].map((li) => li.dataset.id).join() === "`+userUrgent+","+userHelp+","+userOther+`"`)
	notes := evalIn[[]string](w, `window.__notes`)
	if !strings.HasPrefix(notes[0], "Someone needs help") || !strings.HasPrefix(notes[1], "Urgent: danger to life") {
		t.Errorf("notifications %q: want need help, then urgent", notes)
	}
	for _, n := range notes {
		if strings.Contains(n, "1555") || strings.Contains(n, "food") {
			t.Errorf("a desktop notification shows personal data: %q", n)
		}
	}
	// Each item shows its wait, its language and what the person wrote.
	for _, c := range []struct{ user, first string }{
		{userUrgent, "my father collapsed"}, {userHelp, "no food left"}, {userOther, "speak to an agent"},
	} {
		got := evalIn[string](w, `document.querySelector('`+item(c.user)+`').innerText`)
		lang := evalIn[string](w, `(document.querySelector('`+item(c.user)+` .badge.lang') || {}).textContent || ""`)
		if !strings.Contains(got, "waiting under a minute") || lang != "EN" || !strings.Contains(got, c.first) {
			t.Errorf("queue item of %s reads %q, language %q: want the wait, EN and %q", c.user, got, lang, c.first)
		}
	}
	// Overdue means something per tier: urgent after 2 minutes, need help
	// after 5, the rest after 15.
	for _, c := range []struct {
		label            string
		urgent, priority bool
		waited           int
		want             bool
	}{
		{"urgent, 1 min", true, true, 60, false},
		{"urgent, 2.5 min", true, true, 150, true},
		{"need help, 2.5 min", false, true, 150, false},
		{"need help, 5.5 min", false, true, 330, true},
		{"other, 5.5 min", false, false, 330, false},
		{"other, 16 min", false, false, 960, true},
	} {
		js := fmt.Sprintf(`(() => { const x = {id: "x", user: "1", status: "waiting", position: 1, urgent: %t, priority: %t,
			created_at: new Date(Date.now() - %d * 1000).toISOString()};
			return isOverdue(x) === queueItem(x).classList.contains("overdue") ? isOverdue(x) : "item and flag disagree"; })()`,
			c.urgent, c.priority, c.waited)
		if got := evalIn[any](w, js); got != c.want {
			t.Errorf("%s: overdue = %v, want %v", c.label, got, c.want)
		}
	}
	// The list keeps the server's order, the one people are told their
	// place from: someone back within a day of a need-help conversation
	// goes before need-help ones waiting longer, with a mark saying why.
	order := evalIn[string](w, `(() => {
		const saved = state.open, now = Date.now();
		state.open = [
			{id: "back", user: "15550000009", status: "waiting", position: 1, priority: true, returning: true, created_at: new Date(now).toISOString()},
			{id: "help", user: "15550000008", status: "waiting", position: 2, priority: true, created_at: new Date(now - 600000).toISOString()}];
		renderQueue();
		const ids = [...document.querySelectorAll("#queue-list li")].map((li) => li.dataset.id).join();
		const mark = (document.querySelector('#queue-list li[data-id="back"] .badge.returning') || {}).textContent;
		state.open = saved;
		renderQueue();
		return ids + " " + mark;
	})()`)
	if order != "back,help back" {
		t.Errorf("queue of a returning person and an older need-help one: %q; want \"back,help back\" (the server's order, marked)", order)
	}
	w.checkMenu("queue")
	w.screenshotQueueWithReturning()

	// "/" searches the queue.
	w.do("search with /", chromedp.KeyEvent("/"))
	w.until("/ focuses the search", `document.activeElement.id === "queue-search"`)
	w.do("type a search", chromedp.SendKeys(chromedp.CSS(`#queue-search`), "food"))
	w.until("the search keeps what matches", `[...document.querySelectorAll("#queue-list li")].map((li) => li.dataset.id).join() === "`+userHelp+`"`)
	w.do("clear the search",
		chromedp.Evaluate[chromedp.Void](`(() => { const s = document.getElementById("queue-search"); s.value = ""; s.dispatchEvent(new Event("input")); s.blur(); })()`))
	w.until("the search is cleared", `document.querySelectorAll("#queue-list li").length === 3`)

	// Open the urgent conversation and claim it with "c".
	w.do("open the urgent conversation", chromedp.Click(chromedp.CSS(item(userUrgent))), chromedp.WaitVisible(chromedp.CSS(`#btn-claim`)))
	if w.phone {
		w.until("on a phone the conversation replaces the list", `getComputedStyle(document.querySelector(".list")).display === "none" && document.getElementById("btn-back").offsetWidth > 0`)
	}
	w.checkMenu("waiting conversation")
	w.do("claim with c", chromedp.KeyEvent("c"), chromedp.WaitEnabled(chromedp.CSS(`#reply-text`)))

	// Three long replies, the last with Ctrl+Enter: the last is on screen.
	lines := func(n int) string {
		var b strings.Builder
		for i := 1; i <= 8; i++ {
			fmt.Fprintf(&b, "Reply %d, line %d: stay where you are, help is coming.\n", n, i)
		}
		return strings.TrimSuffix(b.String(), "\n")
	}
	for n := 1; n <= 3; n++ {
		send := chromedp.Click(chromedp.CSS(`#btn-send`))
		if n == 3 {
			send = chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl))
		}
		w.do(fmt.Sprintf("reply %d", n), chromedp.SendKeys(chromedp.CSS(`#reply-text`), lines(n)), send)
		w.until(fmt.Sprintf("reply %d shown", n), fmt.Sprintf(`document.querySelectorAll("#transcript li.msg.agent").length === %d`, n))
	}
	rig.sent(userUrgent, "Reply 3, line 8")
	layout := evalIn[map[string]any](w, `(() => {
		const ol = document.getElementById("transcript"), replies = ol.querySelectorAll("li.msg.agent");
		const composer = document.getElementById("reply-text").getBoundingClientRect(), send = document.getElementById("btn-send").getBoundingClientRect();
		return {
			overflows: ol.scrollHeight > ol.clientHeight,
			lastVisible: window.__visible(replies[replies.length - 1]),
			share: ol.getBoundingClientRect().height / window.innerHeight,
			innerHeight: window.innerHeight,
			composerVisible: composer.top >= 0 && composer.bottom <= window.innerHeight && send.bottom <= window.innerHeight && send.width > 0,
			noHorizontalScroll: window.__noHorizontalScroll(),
		};
	})()`)
	if layout["overflows"] != true {
		t.Errorf("the transcript does not overflow, so the scroll check means nothing: %v", layout)
	}
	if layout["lastVisible"] != true {
		t.Errorf("after three replies the last is not on screen: %v", layout)
	}
	if share, _ := layout["share"].(float64); share < 0.6 {
		t.Errorf("the transcript takes %.0f%% of the height, want at least 60%%", share*100)
	}
	if layout["composerVisible"] != true || layout["noHorizontalScroll"] != true {
		t.Errorf("the composer is off screen or the page scrolls sideways: %v", layout)
	}
	w.checkMenu("conversation")
	w.screenshot("conversation")

	// Scrolled up to read: a new message shows the marker, not a jump.
	w.do("scroll up", chromedp.Evaluate[chromedp.Void](`document.getElementById("transcript").scrollTop = 0`))
	rig.text(userUrgent, "please hurry, he is not moving")
	w.until("the new-messages marker shows", `!document.getElementById("new-marker").hidden && document.getElementById("transcript").scrollTop === 0`)
	w.do("follow the marker", chromedp.Click(chromedp.CSS(`#new-marker`)))
	w.until("the new message is on screen", `window.__visible([...document.querySelectorAll("#transcript li.msg.in")].pop()) && document.getElementById("new-marker").hidden`)

	// A shared location is a pin that opens a map.
	rig.post(userUrgent, "Sami", `"type":"location","location":{"latitude":24.7136,"longitude":46.6753,"name":"Al Olaya"}`)
	w.until("the location shows as a map link",
		`window.__visible(document.querySelector('#transcript li.msg.location a.pin[href^="https://www.openstreetmap.org/?mlat=24.71360&mlon=46.67530"]'))`)

	// Times read as "14:05", never as the API's ISO strings.
	if got := evalIn[bool](w, `/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(document.body.innerText)`); got {
		t.Errorf("the page shows a raw ISO timestamp")
	}
	if got := evalIn[string](w, `document.querySelector("#transcript li.msg time").textContent`); !regexpClock.MatchString(got) {
		t.Errorf("a message's time reads %q, want like 14:05", got)
	}

	// Back to the list; a new message in the agent's conversation marks it unread.
	if w.phone {
		w.do("back to the list", chromedp.Click(chromedp.CSS(`#btn-back`)), chromedp.WaitVisible(chromedp.CSS(`#queue-list`)))
	} else {
		w.do("Esc leaves the conversation", chromedp.KeyEvent("\x1b"), chromedp.WaitVisible(chromedp.CSS(`#conv-none`)))
	}
	w.do("the active tab", chromedp.Click(chromedp.CSS(`.tab[data-status=active]`)), chromedp.WaitVisible(chromedp.CSS(item(userUrgent))))
	rig.text(userUrgent, "are you there?")
	w.until("the conversation is marked unread and counted in the title",
		`!!document.querySelector('`+item(userUrgent)+` .badge.unread') && document.title === "(2) Lifeline"`)
	w.do("open it again", chromedp.Click(chromedp.CSS(item(userUrgent))))
	w.until("opening it reads it", `!document.querySelector('`+item(userUrgent)+` .badge.unread') && document.title === "(1) Lifeline"`)

	// "?" lists the shortcuts; Esc closes the list.
	w.do("help with ?", chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`), chromedp.KeyEvent("?"), chromedp.WaitVisible(chromedp.CSS(`#help`)))
	if got := evalIn[string](w, `document.getElementById("help").innerText`); !strings.Contains(got, "Claim") || !strings.Contains(got, "Send the reply") {
		t.Errorf("the help lists %q", got)
	}
	w.do("Esc closes help", chromedp.KeyEvent("\x1b"), chromedp.WaitNotVisible(chromedp.CSS(`#help`)))

	// Arabic: right to left, translated, still no sideways scroll.
	w.do("switch to Arabic", chromedp.Evaluate[chromedp.Void](`(() => { const s = document.getElementById("lang"); s.value = "ar"; s.dispatchEvent(new Event("change")); })()`))
	w.until("the interface is Arabic, right to left",
		`document.documentElement.dir === "rtl" && document.documentElement.lang === "ar" && document.querySelector('[data-i18n="tab.active"]').textContent === "نشطة" && getComputedStyle(document.body).direction === "rtl"`)
	if !evalIn[bool](w, `window.__noHorizontalScroll()`) {
		t.Errorf("in Arabic the page scrolls sideways")
	}
	// Every word the page and the script show has its Arabic.
	if missing := evalIn[[]string](w, `[...new Set([...document.querySelectorAll("[data-i18n],[data-i18n-placeholder],[data-i18n-title],[data-i18n-aria]")]
		.flatMap((e) => [e.dataset.i18n, e.dataset.i18nPlaceholder, e.dataset.i18nTitle, e.dataset.i18nAria]).filter(Boolean)
		.filter((k) => !(k in I18N.en)).concat(Object.keys(I18N.en).filter((k) => !(k in I18N.ar))))]`); len(missing) > 0 {
		t.Errorf("words without a translation: %q", missing)
	}
	if got := evalIn[bool](w, `/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(document.body.innerText)`); got {
		t.Errorf("the Arabic page shows a raw ISO timestamp")
	}
	w.checkMenu("arabic")
	w.screenshot("arabic")
}

// screenshotQueueWithReturning takes the queue's screenshot with someone
// back within a day of a need-help conversation in it, where the server
// puts them (behind people in danger, before need help), drawn by the
// console's own renderQueue; the queue is restored after.
func (w *workspace) screenshotQueueWithReturning() {
	if w.shots == "" {
		return
	}
	w.do("show a returning person in the queue", chromedp.Evaluate[chromedp.Void](`(() => {
		window.__savedOpen = state.open;
		const open = state.open.slice(), at = open.findIndex((x) => !x.urgent);
		open.splice(at < 0 ? open.length : at, 0, {id: "15550000009", user: "15550000009", name: "Omar", lang: "en", status: "waiting",
			priority: true, returning: true, reason: "follow-up", first_message: "The parcel had no baby milk in it",
			created_at: new Date(Date.now() - 60000).toISOString()});
		let pos = 0;
		state.open = open.map((x) => x.status === "waiting" ? {...x, position: ++pos} : x);
		renderQueue();
	})()`))
	w.until("the returning person is marked", `!!document.querySelector('#queue-list li[data-id="15550000009"] .badge.returning')`)
	w.screenshot("queue")
	w.do("restore the queue", chromedp.Evaluate[chromedp.Void](`(() => { state.open = window.__savedOpen; renderQueue(); })()`))
}

// traceEveryPage installs traceJS in the pages the tab opens from now on.
var traceEveryPage = chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
	_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: traceJS})
	return err
})
