package admin

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestFirstAccountFromTheLoginPage: on a first start nobody has an
// account, only the admin token the server printed. On the login page,
// in Arabic at a phone's size, "First start" takes the token and the new
// admin's name and password: a wrong token is refused in the page with
// the API's words and creates nothing; the right one creates the admin
// account and logs in with it, and the token is not left in the page.
func TestFirstAccountFromTheLoginPage(t *testing.T) {
	chromium, axe := browserTools(t)
	rig := newAdminRigWith(t, "")
	w := openScreen(t, chromium, screenSizes[1], 5*time.Minute)
	w.name += "-ar"

	w.do("open the login page in Arabic",
		chromedp.Navigate(rig.base+"/console/"),
		chromedp.WaitVisible(chromedp.CSS(`#login-user`)),
		chromedp.Evaluate[chromedp.Void](`(() => { const s = document.getElementById("lang"); s.value = "ar"; s.dispatchEvent(new Event("change")); })()`),
		chromedp.Click(chromedp.CSS(`#first-start summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#first-token`)),
	)
	if !evalIn[bool](w, `document.documentElement.scrollWidth <= window.innerWidth`) {
		t.Error("the login page with first start open scrolls sideways")
	}
	checkA11y(w, axe, "first-start")
	w.screenshot("first-start")

	fill := func(token string) chromedp.Action[chromedp.Void] {
		return chromedp.Evaluate[chromedp.Void](`(() => {
			const set = (id, v) => { document.getElementById(id).value = v; };
			set("first-token", ` + strconv.Quote(token) + `); set("first-id", "huda"); set("first-name", "هدى");
			set("first-password", "a long first passphrase");
			document.getElementById("first-error").textContent = "";
			document.getElementById("first-submit").click();
		})()`)
	}
	admins := func() map[string]string {
		t.Helper()
		req, _ := http.NewRequest("GET", rig.base+"/admin/agents", nil)
		req.Header.Set("Authorization", "Bearer "+rig.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		var list struct {
			Agents []struct{ ID, Role string } `json:"agents"`
		}
		if err := json.Unmarshal(body, &list); err != nil {
			t.Fatalf("agents: %d %s", resp.StatusCode, body)
		}
		roles := map[string]string{}
		for _, a := range list.Agents {
			roles[a.ID] = a.Role
		}
		return roles
	}
	w.do("a wrong token", fill("not-the-token"))
	w.until("the refusal is shown", `document.getElementById("first-error").textContent.length > 0`)
	if role, ok := admins()["huda"]; ok {
		t.Fatalf("a wrong token created the account (role %s)", role)
	}

	w.do("the admin token", fill(rig.token))
	w.until("logged in as the new admin", `!document.getElementById("page-queue").hidden && document.getElementById("who").textContent.includes("هدى")`)
	if evalIn[string](w, `document.getElementById("first-token").value`) != "" {
		t.Error("the admin token is left in the page after use")
	}
	if role := admins()["huda"]; role != RoleAdmin {
		t.Fatalf("huda's role %q: want %s", role, RoleAdmin)
	}
	w.until("the admin pages are offered", `document.body.classList.contains("is-admin")`)
}
