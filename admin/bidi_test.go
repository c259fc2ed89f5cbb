package admin

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// TestUserTextIsIsolatedAndNumbersReadLeftToRight checks the console's and
// the simulator's files: a profile name ending in U+202E must not reverse
// the number shown after it. The browser test checks the rendered page
// where Chromium is installed; this check runs everywhere.
func TestUserTextIsIsolatedAndNumbersReadLeftToRight(t *testing.T) {
	read := func(name string) string {
		b, err := fs.ReadFile(web, name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	dom, console, sim := read("web/console/dom.js"), read("web/console/console.js"), read("web/simulator/simulator.js")
	type check struct {
		label string
		ok    bool
	}
	checks := []check{
		{"dom.js: isolate wraps text in <bdi>", regexp.MustCompile(`function isolate\([^)]*\) \{\s*return h\("bdi"`).MatchString(dom)},
		{"dom.js: phone is a left-to-right <bdi class=num>", strings.Contains(dom, `h("bdi", { class: "num", dir: "ltr"`)},
		{"console.js: displayName isolates the name and shows the number with phone()",
			regexp.MustCompile(`function displayName\(x\) \{[^\n]*isolate\(x\.name[^\n]*phone\(x\.user\)`).MatchString(console)},
		{"console.js: the conversation title is built from displayName's nodes", strings.Contains(console, `$("conv-title").replaceChildren(...displayName(d))`)},
		{"console.js: message texts are isolated", strings.Contains(console, "li.append(isolate(text))")},
		{"simulator.js: the user's own number is shown with phone()", strings.Contains(sim, `phone(from)`)},
	}
	// No number is glued to other text as a string: "+" + x.user put
	// whatever came before it (a name) in charge of its direction.
	glued := regexp.MustCompile(`"[^"\n]*\+"\s*\+\s*[\w.]*(user|from|wa_id)`)
	for name, src := range map[string]string{"console.js": console, "simulator.js": sim} {
		if m := glued.FindString(src); m != "" {
			checks = append(checks, check{name + ": number concatenated into a string: " + m, false})
		}
	}
	for _, css := range []string{"web/console/console.css", "web/simulator/simulator.css"} {
		src := read(css)
		checks = append(checks,
			check{css + ": bdi isolates", strings.Contains(src, "bdi { unicode-bidi: isolate; }")},
			check{css + ": .num is left to right and isolated", strings.Contains(src, ".num { direction: ltr; unicode-bidi: isolate; }")})
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: not so", c.label)
		}
	}
}
