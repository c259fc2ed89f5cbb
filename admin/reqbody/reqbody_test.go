package reqbody

import (
	"strings"
	"testing"
)

type audience struct {
	TagsAny []string `json:"tags_any"`
	All     bool     `json:"all"`
}

type spec struct {
	Name     string   `json:"name"`
	Audience audience `json:"audience"`
}

func TestUnmarshalIsStrict(t *testing.T) {
	for _, tc := range []struct {
		label, body, wantErr string
	}{
		{"known fields", `{"name": "x", "audience": {"tags_any": ["t1"]}}`, ""},
		{"misspelled top-level field", `{"name": "x", "audiense": {"all": true}}`, `unknown field "audiense"`},
		{"misspelled nested field", `{"name": "x", "audience": {"tag_any": ["t1"]}}`, `unknown field "tag_any"`},
		{"wrong type names the field", `{"name": "x", "audience": {"tags_any": "t1"}}`, `field "audience.tags_any": want a list`},
		{"empty body", ``, "empty"},
		{"two values", `{"name": "x"} {"name": "y"}`, "more than one JSON value"},
		{"broken JSON", `{"name": }`, "not valid JSON"},
		{"not an object", `[1]`, "want an object"},
	} {
		t.Run(tc.label, func(t *testing.T) {
			var s spec
			err := Unmarshal([]byte(tc.body), &s)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}
