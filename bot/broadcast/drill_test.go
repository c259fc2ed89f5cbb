package broadcast

import (
	"strings"
	"testing"
	"time"

	"lifeline/bot/contacts"
)

// A drill says so to everyone it reaches, in their language, and is
// never critical.
func TestDrillMustSayDrillInEachLanguage(t *testing.T) {
	tpl := func(name, lang string, params ...string) Template {
		t := Template{Name: name, Language: lang}
		for _, p := range params {
			t.Body = append(t.Body, Param{Value: p})
		}
		return t
	}
	spec := func(drill bool, ts map[string]Template) Spec {
		return Spec{Name: "evacuation drill", Kind: KindNotice, Audience: contacts.Audience{All: true}, Templates: ts, FallbackLanguage: "en", Drill: drill}
	}
	cases := []struct {
		label string
		spec  Spec
		want  string // part of the refusal; "" when accepted
	}{
		{"not a drill: no rule", spec(false, map[string]Template{"en": tpl("port_notice", "en_US", "{{name}}")}), ""},
		{"name says drill", spec(true, map[string]Template{"en": tpl("evacuation_drill", "en_US", "{{name}}")}), ""},
		{"English parameter, any case", spec(true, map[string]Template{"en": tpl("port_notice", "en_US", "Drill - {{name}}")}), ""},
		{"English missing", spec(true, map[string]Template{"en": tpl("port_notice", "en_US", "{{name}}")}),
			`templates[en]: a drill must say so in language en: use a template whose name contains "drill" or add a parameter with "DRILL"`},
		{"Arabic word", spec(true, map[string]Template{"en": tpl("n", "en_US", "DRILL"), "ar": tpl("n", "ar", "تمرين: {{name}}")}), ""},
		{"English word in an Arabic template is not enough", spec(true, map[string]Template{"en": tpl("n", "en_US", "DRILL"), "ar": tpl("n", "ar", "DRILL")}),
			`templates[ar]: a drill must say so in language ar`},
		{"French", spec(true, map[string]Template{"en": tpl("n", "en", "drill"), "fr": tpl("n", "fr", "exercice")}), ""},
		{"Spanish", spec(true, map[string]Template{"en": tpl("n", "en", "drill"), "es": tpl("n", "es_MX", "Simulacro")}), ""},
		{"German lower case", spec(true, map[string]Template{"en": tpl("n", "en", "drill"), "de": tpl("n", "de", "übung")}), ""},
		{"Portuguese missing", spec(true, map[string]Template{"en": tpl("n", "en", "drill"), "pt": tpl("n", "pt_BR", "{{name}}")}),
			`language pt: use a template whose name contains "drill" or add a parameter with "SIMULADO"`},
		{"Hindi", spec(true, map[string]Template{"en": tpl("n", "en", "drill"), "hi": tpl("n", "hi", "अभ्यास")}), ""},
		{"Urdu", spec(true, map[string]Template{"en": tpl("n", "en", "drill"), "ur": tpl("n", "ur", "مشق")}), ""},
		{"language without a word takes English", spec(true, map[string]Template{"en": tpl("n", "en", "drill"), "tr": tpl("n", "tr", "DRILL")}), ""},
		{"header counts", spec(true, map[string]Template{"en": {Name: "n", Language: "en", Header: []Param{{Value: "DRILL"}}}}), ""},
		{"critical", func() Spec {
			s := spec(true, map[string]Template{"en": tpl("evacuation_drill", "en")})
			s.Critical = true
			return s
		}(),
			"a drill is never critical"},
		{"reminder without DRILL", func() Spec {
			s := spec(true, map[string]Template{"en": tpl("checkin_drill", "en")})
			s.Kind = KindCheckin
			s.Reminders = &Reminders{Every: Duration(time.Hour), Count: 1, Templates: map[string]Template{"en": tpl("checkin_reminder", "en", "{{name}}")}}
			return s
		}(), "reminders.templates[en]: a drill must say so"},
	}
	for _, c := range cases {
		err := c.spec.Validate(time.Now())
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: refused: %v", c.label, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %v, want an error containing %q", c.label, err, c.want)
		}
	}
}
