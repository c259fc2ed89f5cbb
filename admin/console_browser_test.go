package admin

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/rs/zerolog"

	"lifeline/bot"
	"lifeline/bot/handoffs"
	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/store"
	"lifeline/templates"
)

// findChromium returns Debian's chromium (installed by .ci/run) or
// another Chromium-family browser on the PATH.
func findChromium() string {
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// webhookText is a webhook POST with one text message, in Meta's shape.
func webhookText(id, from, text string, at time.Time) []byte {
	return webhookMessage(id, from, `Rania\u202e`, at, fmt.Sprintf(`"type":"text","text":{"body":%q}`, text))
}

// webhookMessage is a webhook POST with one message of any kind: kind is
// the message's JSON after its common fields, such as
// `"type":"text","text":{"body":"hi"}`. name is JSON-escaped already.
func webhookMessage(id, from, name string, at time.Time, kind string) []byte {
	return []byte(fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"900800700600500","changes":[{"field":"messages","value":{
"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":%q},
"contacts":[{"profile":{"name":"%s"},"wa_id":%q}],
"messages":[{"from":%q,"id":%q,"timestamp":"%d",%s}]}}]}]}`,
		agentPhoneID, name, from, from, id, at.Unix(), kind))
}

// consoleRig is the whole server on a loopback port, with a fake Graph
// API, a webhook that takes signed posts, and one agent account.
type consoleRig struct {
	t     *testing.T
	db    *store.DB
	base  string
	graph *whatsapptest.Server
	seq   int
}

const (
	rigSecret   = "browser-test-app-secret"
	rigPassword = "a long enough password"
)

func newConsoleRig(t *testing.T) *consoleRig {
	t.Helper()
	db, faq := openStore(t)
	graph := whatsapptest.NewServer(t)
	client := whatsapp.NewClient(whatsapp.ClientConfig{BaseURL: graph.URL, Version: "v23.0", AccessToken: "test-token", Timeout: 5 * time.Second})
	engine := bot.New(bot.Config{PhoneNumberIDs: []string{agentPhoneID}, RatePerNumber: 1000},
		bot.Options{DB: db, Sender: client, KB: faq, Learner: faq, Logger: zerolog.Nop()})
	if err := engine.Start(); err != nil {
		t.Fatal(err)
	}
	srv := New(Deps{DB: db, Engine: engine, KB: faq, Logger: zerolog.Nop(),
		Templates: templates.New(templates.Options{DB: db, Logger: zerolog.Nop()}), // the list a test stores
		Webhook:   WebhookConfig{Enabled: true, VerifyToken: "verify", AppSecret: rigSecret}})
	if _, err := CreateAgent(context.Background(), db, "amira", "Amira", RoleAgent, rigPassword, "test", time.Now()); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.App().Listener(ln)
	t.Cleanup(func() {
		_ = srv.Shutdown(5 * time.Second)
		engine.Close()
	})
	return &consoleRig{t: t, db: db, base: "http://" + ln.Addr().String(), graph: graph}
}

// post delivers one signed webhook message from user.
func (r *consoleRig) post(from, name, kind string) {
	r.t.Helper()
	r.postAt(from, name, kind, time.Now())
}

// postAt is post with the time WhatsApp gives the message: a message
// written a day ago leaves the person's 24-hour window closed.
func (r *consoleRig) postAt(from, name, kind string, at time.Time) {
	r.t.Helper()
	r.seq++
	body := webhookMessage(fmt.Sprintf("wamid.BROWSER%d", r.seq), from, name, at, kind)
	req, _ := http.NewRequest("POST", r.base+"/webhook", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Hub-Signature-256", whatsapp.Sign(body, rigSecret))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		r.t.Fatalf("webhook POST = %d", resp.StatusCode)
	}
}

func (r *consoleRig) text(from, text string) {
	r.t.Helper()
	r.post(from, `Rania\u202e`, fmt.Sprintf(`"type":"text","text":{"body":%q}`, text))
}

// sent waits until the fake Graph API got a message to user containing want.
func (r *consoleRig) sent(user, want string) {
	r.t.Helper()
	for n := 1; ; n++ {
		m := r.graph.WaitMessages(r.t, n, 2*time.Minute)[n-1]
		if m.To == user && bytes.Contains(m.Raw, []byte(want)) {
			return
		}
	}
}

// TestConsoleInARealBrowser runs the whole server on a loopback port with
// a fake Graph API and drives the console in headless Chromium: a user asks
// for a person, the conversation appears in the queue without a reload,
// the agent claims it and replies, the reply reaches the Graph API, the
// agent releases it and the bot answers the user again.
func TestConsoleInARealBrowser(t *testing.T) {
	chromium := findChromium()
	if chromium == "" {
		t.Skip("no Chromium binary (install Debian's chromium package; .ci/run does)")
	}
	const user = "15550007777"
	rig := newConsoleRig(t)

	ctx := newBrowser(t, chromium)
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	item := `#queue-list li[data-id="` + user + `"]`

	run("log in",
		chromedp.Navigate(rig.base+"/console/"),
		chromedp.WaitVisible(chromedp.CSS(`#login-user`)),
		chromedp.SendKeys(chromedp.CSS(`#login-user`), "amira"),
		chromedp.SendKeys(chromedp.CSS(`#login-password`), rigPassword),
		chromedp.Click(chromedp.CSS(`#login-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#page-queue`)),
		chromedp.WaitVisible(chromedp.CSS(`#live:not(.off)`)), // the event stream is connected
		chromedp.WaitVisible(chromedp.CSS(`#queue-empty`)),
	)

	rig.text(user, "I need a person")
	run("the handoff appears in the queue without a reload",
		chromedp.WaitVisible(chromedp.CSS(item)),
		chromedp.Click(chromedp.CSS(item)),
		chromedp.WaitVisible(chromedp.CSS(`#btn-claim`)),
	)
	// The profile name ends in U+202E RIGHT-TO-LEFT OVERRIDE: the number
	// must still read left to right, isolated from the name, in the queue
	// and in the conversation's title.
	for _, where := range []string{"#queue-list li", "#conv-title"} {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(() => {
			const n = document.querySelector(%q);
			if (!n) return "no number element";
			const st = getComputedStyle(n), name = n.parentElement.querySelector("bdi.who");
			return [n.textContent, st.direction, st.unicodeBidi, name ? getComputedStyle(name).unicodeBidi : "no name"].join("|");
		})()`, where+" .num")))
		if want := "+" + user + "|ltr|isolate|isolate"; err != nil || got != want {
			t.Errorf("%s: number shown as %q (%v), want %q", where, got, err, want)
		}
	}
	run("claim", chromedp.Click(chromedp.CSS(`#btn-claim`)), chromedp.WaitEnabled(chromedp.CSS(`#reply-text`)))
	run("reply",
		chromedp.SendKeys(chromedp.CSS(`#reply-text`), "Hello Rania, this is Amira. Are you safe?"),
		chromedp.Click(chromedp.CSS(`#btn-send`)),
		chromedp.WaitVisible(chromedp.CSS(`#transcript li.msg.agent`)),
	)
	rig.sent(user, "Hello Rania, this is Amira. Are you safe?")

	run("release",
		chromedp.WaitVisible(chromedp.CSS(`#btn-release`)),
		chromedp.Click(chromedp.CSS(`#btn-release`)),
		chromedp.WaitNotVisible(chromedp.CSS(`#btn-release`)),
	)
	rig.text(user, "hello")
	rig.sent(user, "emergency help line")
}

// screenSize is one of the two sizes every console page is checked at:
// a laptop's and a phone's.
type screenSize struct {
	name  string
	w, h  int64
	phone bool
}

var screenSizes = []screenSize{
	{"laptop 1366x900", 1366, 900, false},
	{"phone 390x844", 390, 844, true},
}

// browserTools finds Chromium, skipping the test without it, and reads
// axe-core's script for the accessibility checks.
func browserTools(t *testing.T) (chromium, axe string) {
	t.Helper()
	chromium = findChromium()
	if chromium == "" {
		t.Skip("no Chromium binary (install Debian's chromium package; .ci/run does)")
	}
	b, err := os.ReadFile("testdata/axe-core/axe.min.js")
	if err != nil {
		t.Fatal(err)
	}
	return chromium, string(b)
}

// openScreen starts a browser with the given budget, sized as size, and
// returns the workspace that drives it (without a rig: the caller's
// test brings its own server).
func openScreen(t *testing.T, chromium string, size screenSize, budget time.Duration) *workspace {
	t.Helper()
	ctx := newBrowserFor(t, chromium, budget)
	opts := []chromedp.EmulateViewportOption{}
	name := "laptop"
	if size.phone {
		opts = append(opts, chromedp.EmulatePortrait, chromedp.EmulateMobile)
		name = "phone"
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(size.w, size.h, opts...), traceEveryPage); err != nil {
		t.Fatalf("viewport: %v", err)
	}
	return &workspace{t: t, ctx: ctx, phone: size.phone, width: size.w, shots: os.Getenv("LIFELINE_SCREENSHOTS"), name: name}
}

// newBrowser starts headless Chromium with a fresh profile. The whole
// walk has one generous budget: every step waits on a condition in the
// page, and a machine loaded by other work only makes the steps slower.
func newBrowser(t *testing.T, chromium string) context.Context {
	t.Helper()
	return newBrowserFor(t, chromium, 5*time.Minute)
}

// newBrowserFor is newBrowser with a longer budget for a longer walk.
func newBrowserFor(t *testing.T, chromium string, budget time.Duration) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// Alert tones play without a click first, as after any click in use.
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
		chromedp.WindowSize(1280, 800), // a small laptop screen
	}
	// The first action starts the browser; it must not run under a timeout,
	// which would stop the whole browser when it expires. A start that
	// fails on a loaded machine (the launcher script losing a race) is
	// tried again with a fresh profile.
	var browser context.Context
	for attempt := 1; ; attempt++ {
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(opts, chromedp.UserDataDir(t.TempDir()))...)
		t.Cleanup(cancelAlloc)
		b, cancelBrowser := chromedp.NewContext(allocCtx)
		t.Cleanup(cancelBrowser)
		err := chromedp.Do(b, chromedp.Navigate("about:blank"))
		if err == nil {
			browser = b
			break
		}
		cancelBrowser()
		cancelAlloc()
		if attempt == 3 {
			t.Fatalf("start chromium (%d attempts): %v", attempt, err)
		}
		t.Logf("start chromium, attempt %d: %v", attempt, err)
	}
	ctx, cancel := context.WithTimeout(browser, budget)
	t.Cleanup(cancel)

	return ctx
}

// TestSimulatorShowsBotAndAgentReplies chats through the simulator page
// in sandbox mode and sees an agent's answer arrive on the "phone".
func TestSimulatorShowsBotAndAgentReplies(t *testing.T) {
	chromium := findChromium()
	if chromium == "" {
		t.Skip("no Chromium binary (install Debian's chromium package; .ci/run does)")
	}
	s := newTestServer(t, true)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.App().Listener(ln)
	t.Cleanup(func() { _ = s.Shutdown(5 * time.Second) })
	ctx := newBrowser(t, chromium)

	if err := chromedp.Do(ctx,
		chromedp.Navigate("http://"+ln.Addr().String()+"/simulator/"),
		chromedp.WaitVisible(chromedp.CSS("#chat .sys")), // the script has run and knows the number
		chromedp.SendKeys(chromedp.CSS("#text"), "hello"),
		chromedp.Click(chromedp.CSS("#send")),
		chromedp.WaitVisible(chromedp.CSS(`.replybtns button[data-id="menu_human"]`)),
		chromedp.Click(chromedp.CSS(`.replybtns button[data-id="menu_human"]`)),
	); err != nil {
		t.Fatalf("ask for a person in the simulator: %v", err)
	}
	// The page shows the reply; the handoff exists once it does.
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`.b.me ~ .b.me ~ .b:not(.me)`))); err != nil {
		t.Fatalf("no reply to the tap: %v", err)
	}
	chat, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#chat")))
	if err != nil || !strings.Contains(chat, "You are next in the queue") {
		t.Fatalf("the simulator does not show the place in the queue: %q %v", chat, err)
	}
	hs, err := s.desk.List(handoffs.Waiting)
	if err != nil || len(hs) != 1 {
		t.Fatalf("waiting handoffs %v, %v; want 1", hs, err)
	}
	if _, err := s.desk.Claim(hs[0].ID, "amira"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.desk.Reply(hs[0].ID, "amira", handoffs.AgentReply{Text: "Amira here, how can I help?"}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(".b.agent"))); err != nil {
		t.Fatalf("the agent's reply did not appear in the simulator: %v", err)
	}
}

// TestAgentSendsTemplateInARealBrowser: a person whose 24-hour window has
// closed can be answered only with an approved template. The agent picks
// it from the synced list, fills its parameter, sees the body as the
// person will read it, and sends it; the Graph API gets the template
// with the parameter, and the transcript shows it.
func TestAgentSendsTemplateInARealBrowser(t *testing.T) {
	chromium := findChromium()
	if chromium == "" {
		t.Skip("no Chromium binary (install Debian's chromium package; .ci/run does)")
	}
	const user = "15550008888"
	rig := newConsoleRig(t)
	now := time.Now()
	list := []store.Template{
		{Name: "follow_up", Language: "en_US", Status: "APPROVED", Body: "Hello {{1}}, are you safe?", BodyParams: 1, UpdatedAt: now},
		{Name: "follow_up", Language: "ar", Status: "APPROVED", Body: "مرحباً {{1}}", BodyParams: 1, UpdatedAt: now},
	}
	if err := rig.db.WriteAny(context.Background(), func(w store.Writer) error {
		return store.ReplaceTemplates(context.Background(), w, list, store.TemplateSync{At: now, Source: "test", Templates: len(list)})
	}); err != nil {
		t.Fatal(err)
	}
	rig.postAt(user, "Sam", `"type":"text","text":{"body":"I need a person"}`, now.Add(-25*time.Hour))

	ctx := newBrowser(t, chromium)
	w := &workspace{t: t, ctx: ctx, width: 1280, name: "laptop", shots: os.Getenv("LIFELINE_SCREENSHOTS")}
	item := `#queue-list li[data-id="` + user + `"]`
	w.do("log in and claim",
		chromedp.Navigate(rig.base+"/console/"),
		chromedp.WaitVisible(chromedp.CSS(`#login-user`)),
		chromedp.SendKeys(chromedp.CSS(`#login-user`), "amira"),
		chromedp.SendKeys(chromedp.CSS(`#login-password`), rigPassword),
		chromedp.Click(chromedp.CSS(`#login-submit`)),
		chromedp.WaitVisible(chromedp.CSS(item)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('`+item+`').click()`),
		chromedp.WaitVisible(chromedp.CSS(`#btn-claim`)),
		chromedp.Click(chromedp.CSS(`#btn-claim`)),
		chromedp.WaitVisible(chromedp.CSS(`#reply-template-box`)),
	)
	w.until("the closed window is said and only the template box shows",
		`document.getElementById("window-info").classList.contains("closed") && document.getElementById("reply-text-box").hidden`)
	// The Arabic template is offered but not for this English writer.
	w.until("the picker lists the synced templates", `document.querySelectorAll("#template-pick option").length === 3`)
	if got := evalIn[string](w, `[...document.querySelectorAll("#template-pick option")].slice(1).map((o) => o.value + (o.disabled ? " off" : " on")).sort().join()`); got != "follow_up|ar off,follow_up|en_US on" {
		t.Errorf("the picker offers %q, want follow_up in en_US on and in ar off", got)
	}
	w.do("pick it", chromedp.SetValue(chromedp.CSS(`#template-pick`), "follow_up|en_US"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("template-pick").dispatchEvent(new Event("change"))`),
		chromedp.WaitVisible(chromedp.CSS(`#template-params input[data-key="b1"]`)))
	w.do("send with a parameter missing", chromedp.Click(chromedp.CSS(`#btn-send-template`)))
	w.until("it asks for every parameter", `document.getElementById("conv-error").textContent === "Fill every parameter."`)
	w.do("fill it", chromedp.SendKeys(chromedp.CSS(`#template-params input[data-key="b1"]`), "Sam"))
	w.until("the preview reads as the person will", `document.getElementById("template-preview").textContent === "Hello Sam, are you safe?"`)
	w.screenshot("template")
	w.do("send it", chromedp.Click(chromedp.CSS(`#btn-send-template`)))
	rig.sent(user, `"name":"follow_up"`)
	rig.sent(user, `"text":"Sam"`)
	w.until("the transcript shows the template", `[...document.querySelectorAll("#transcript li.msg.agent")].length === 1 && document.getElementById("template-pick").value === ""`)

	// The same conversation had the person last written by SMS: marked
	// SMS in the queue, a text reply offered, the template button off
	// (templates do not go by SMS). Rendered from the detail as the API
	// would give it with "channel": "sms".
	sms := evalIn[map[string]any](w, `(() => {
		const d = Object.assign({}, state.detail, { channel: "sms" });
		renderWindow(d);
		const r = { send: document.getElementById("btn-send-template").disabled, text: !document.getElementById("reply-text-box").hidden,
			info: document.getElementById("window-info").textContent, badge: !!queueItem(d).querySelector(".badge.sms") };
		renderWindow(state.detail);
		r.after = document.getElementById("btn-send-template").disabled;
		return r; })()`)
	if sms["send"] != true || sms["text"] != true || sms["badge"] != true || sms["after"] != false || !strings.Contains(fmt.Sprint(sms["info"]), "SMS") {
		t.Errorf("an SMS conversation renders as %v: want the template button off, the text box on, an SMS badge and the window line saying SMS", sms)
	}
}
