package catalog

import (
	"strings"
	"testing"
)

func TestParseTopics(t *testing.T) {
	for _, c := range []struct {
		in      string
		want    map[string]string // language ("" the default) to topic; nil when refused
		wantErr string
	}{
		{in: "", want: map[string]string{"": "", "en": "", "ar": ""}},
		{in: "floods in Dammam", want: map[string]string{"": "floods in Dammam", "ar": "floods in Dammam"}},
		{in: "floods, landslides and storms", want: map[string]string{"en": "floods, landslides and storms"}},
		{in: "en=floods in the east,ar=الفيضانات في الشرق", want: map[string]string{"en": "floods in the east", "ar": "الفيضانات في الشرق", "fr": "floods in the east", "": ""}},
		{in: "floods in the east, AR = الفيضانات, والعواصف", want: map[string]string{"fr": "floods in the east", "ar": "الفيضانات, والعواصف"}},
		{in: "en=floods,en=storms", wantErr: "en is given twice"},
		{in: "en=floods,zz=storms", wantErr: `language "zz" has no texts`},
		{in: "en=,ar=الفيضانات", wantErr: "the en topic is empty"},
		{in: "en=" + strings.Repeat("f", 201), wantErr: "the en topic is over 200 characters"},
		{in: strings.Repeat("f", 201), wantErr: "the topic is over 200 characters"},
	} {
		got, err := ParseTopics(c.in)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("ParseTopics(%.40q) error %v, want %q", c.in, err, c.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseTopics(%.40q): %v", c.in, err)
			continue
		}
		for lang, want := range c.want {
			if lang == "" {
				if got.Default != want {
					t.Errorf("ParseTopics(%.40q) default %q, want %q", c.in, got.Default, want)
				}
				continue
			}
			if g := got.For(lang); g != want {
				t.Errorf("ParseTopics(%.40q).For(%s) = %q, want %q", c.in, lang, g, want)
			}
		}
	}
}
