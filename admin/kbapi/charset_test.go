package kbapi

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
)

// An FAQ file in Windows-1252 is refused with its line named unless its
// charset is declared; declared, it is converted, never stored with
// replacement characters.
func TestImportCharsets(t *testing.T) {
	app, k := newApp(t)
	cp1252 := "id,question,answer\ncafe,Where is the caf\xe9?,Jos\xe9 Mu\xf1oz runs it\n"
	post := func(contentType, body string) (int, string) {
		req := httptest.NewRequest("POST", "/admin/kb/import?mode=replace", strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		resp, err := app.Test(req, 10000)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(raw)
	}
	for _, tc := range []struct {
		label, contentType, body string
		status                   int
		says                     string
	}{
		{"undeclared Windows-1252 CSV", "text/csv", cp1252, 400, "line 2 is not UTF-8"},
		{"undeclared Windows-1252 TSV", "text/tab-separated-values", strings.ReplaceAll(cp1252, ",", "\t"), 400, "line 2 is not UTF-8"},
		{"declared Windows-1252", "text/csv; charset=windows-1252", cp1252, 200, `"imported":1`},
		{"UTF-8 with a byte order mark", "text/csv", "\xef\xbb\xbfid,question,answer\ncafe,Where is the café?,José Muñoz runs it\n", 200, `"imported":1`},
	} {
		t.Run(tc.label, func(t *testing.T) {
			code, body := post(tc.contentType, tc.body)
			if code != tc.status || !strings.Contains(body, tc.says) {
				t.Fatalf("%d %s, want %d saying %q", code, body, tc.status, tc.says)
			}
			if code == 200 {
				e, ok := k.Entry("cafe")
				if !ok || e.Answer != "José Muñoz runs it" || e.Question != "Where is the café?" {
					t.Fatalf("stored %+v", e)
				}
			}
		})
	}
}
