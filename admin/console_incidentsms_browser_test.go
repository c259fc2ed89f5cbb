package admin

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestIncidentFormTakesAnSMSDefaultInARealBrowser: the console's
// incident form opens an incident with a default SMS fallback from its
// English and Arabic texts and the minutes for critical broadcasts; the
// API then holds it as the form gave it.
func TestIncidentFormTakesAnSMSDefaultInARealBrowser(t *testing.T) {
	chromium := findChromium()
	if chromium == "" {
		t.Skip("no Chromium binary (install Debian's chromium package; .ci/run does)")
	}
	base, token := newAdminRig(t)
	ctx := newBrowser(t, chromium)
	w := &workspace{t: t, ctx: ctx, width: 1366, name: "laptop"}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 900)); err != nil {
		t.Fatalf("viewport: %v", err)
	}
	w.do("log in as an admin",
		chromedp.Navigate(base+"/console/"),
		chromedp.WaitVisible(chromedp.CSS(`#login-user`)),
		chromedp.SendKeys(chromedp.CSS(`#login-user`), "nadia"),
		chromedp.SendKeys(chromedp.CSS(`#login-password`), coordinatorPassword),
		chromedp.Click(chromedp.CSS(`#login-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#page-queue`)),
	)
	w.do("open an incident with an SMS default",
		chromedp.Evaluate[chromedp.Void](`location.hash = "#incidents"`),
		chromedp.WaitVisible(chromedp.CSS(`#inc-new summary`)),
		chromedp.Click(chromedp.CSS(`#inc-new summary`)),
		chromedp.SendKeys(chromedp.CSS(`#inc-name`), "Riverside storm"),
		chromedp.SendKeys(chromedp.CSS(`#inc-tags`), "employees"),
		chromedp.SendKeys(chromedp.CSS(`#inc-sms-en`), "Storm: go to the north shelter."),
		chromedp.SendKeys(chromedp.CSS(`#inc-sms-ar`), "عاصفة: اذهبوا إلى الملجأ الشمالي."),
		chromedp.SendKeys(chromedp.CSS(`#inc-sms-after`), "15"),
		chromedp.Click(chromedp.CSS(`#inc-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#incident-table tr[data-state="open"]`)),
	)
	if v := evalIn[string](w, `document.getElementById("inc-sms-en").value + document.getElementById("inc-sms-after").value`); v != "" {
		t.Errorf("the form kept %q after opening the incident", v)
	}
	req, _ := http.NewRequest("GET", base+"/admin/incidents/inc000001", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var in struct {
		SMS *struct {
			Texts            map[string]string `json:"texts"`
			FallbackLanguage string            `json:"fallback_language"`
			After            string            `json:"after"`
		} `json:"sms"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&in); err != nil {
		t.Fatal(err)
	}
	if s := in.SMS; s == nil || s.Texts["en"] != "Storm: go to the north shelter." || s.Texts["ar"] != "عاصفة: اذهبوا إلى الملجأ الشمالي." ||
		s.FallbackLanguage != "en" || s.After != (15*time.Minute).String() {
		t.Errorf("the incident's sms is %+v", in.SMS)
	}
}
