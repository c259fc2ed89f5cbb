package admin

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/rs/zerolog"

	"lifeline/sms"
	"lifeline/sms/smstest"
)

// TestSMSConversationIsMarkedInARealBrowser: a person with no WhatsApp
// writes by SMS, through the provider's signed webhook on the server's
// real port, and asks for help. The agent's console shows the queue item
// with the SMS badge as it arrives, and the conversation says that it
// goes by SMS, with WhatsApp's templates off.
func TestSMSConversationIsMarkedInARealBrowser(t *testing.T) {
	chromium := findChromium()
	if chromium == "" {
		t.Skip("no Chromium binary (install Debian's chromium package; .ci/run does)")
	}
	prov := smstest.New()
	t.Cleanup(prov.Close)
	cfg := prov.Config(smsBase)
	client, err := sms.New(cfg, sms.Options{Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	db, faq := openStore(t)
	engine := startEngine(t, db, faq)
	s := New(Deps{DB: db, Engine: engine, KB: faq, Logger: zerolog.Nop(), SMS: &cfg, SMSSender: client})
	if _, err := CreateAgent(context.Background(), db, "amira", "Amira", RoleAgent, coordinatorPassword, "test", time.Now()); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.App().Listener(ln)
	t.Cleanup(func() { _ = s.Shutdown(5 * time.Second) })
	base := "http://" + ln.Addr().String()

	ctx := newBrowser(t, chromium)
	w := &workspace{t: t, ctx: ctx, width: 1366, name: "laptop"}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 900)); err != nil {
		t.Fatalf("viewport: %v", err)
	}
	w.do("log in as an agent",
		chromedp.Navigate(base+"/console/"),
		chromedp.WaitVisible(chromedp.CSS(`#login-user`)),
		chromedp.SendKeys(chromedp.CSS(`#login-user`), "amira"),
		chromedp.SendKeys(chromedp.CSS(`#login-password`), coordinatorPassword),
		chromedp.Click(chromedp.CSS(`#login-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#page-queue`)),
	)
	w.until("the live stream is connected", `document.getElementById("live").textContent === "live"`)

	// The provider signs over the public callback URL the server was
	// configured with, whatever address the request reached.
	const user = "447700900777"
	form := smstest.InboundForm("SM77", "+"+user, cfg.From[0], "please help, the water is rising in our house")
	req, _ := http.NewRequest("POST", base+sms.InboundPath, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(sms.SignatureHeader, sms.Sign(smstest.AuthToken, smsBase+sms.InboundPath, form))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("inbound SMS = %d", resp.StatusCode)
	}

	item := `#queue-list li[data-id="` + user + `"]`
	w.until("the SMS conversation is in the queue with its badge", `!!document.querySelector('`+item+` .badge.sms')`)
	if n := evalIn[int](w, `document.querySelectorAll("#queue-list .badge.sms").length`); n != 1 {
		t.Errorf("%d SMS badges in the queue, want 1", n)
	}
	w.do("open it", chromedp.Click(chromedp.CSS(item)))
	w.until("the conversation says SMS", `document.getElementById("window-info").textContent.includes("SMS")`)
	if !evalIn[bool](w, `document.getElementById("btn-send-template").disabled`) {
		t.Errorf("the template button is on for an SMS conversation")
	}
	w.until("the person's message is marked SMS", `!!document.querySelector("#transcript li.msg .badge.sms")`)
}
