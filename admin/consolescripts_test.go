package admin

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestConsoleScriptsDoNotRedefineAGlobal: the console's scripts are
// classic scripts sharing one global scope, so a function declared twice
// silently replaces the first (a later file's loadTemplates once took the
// agents' template picker's place). Each top-level name is declared once.
func TestConsoleScriptsDoNotRedefineAGlobal(t *testing.T) {
	files, err := filepath.Glob("web/console/*.js")
	if err != nil || len(files) == 0 {
		t.Fatalf("no console scripts: %v", err)
	}
	decl := regexp.MustCompile(`(?m)^(?:async\s+)?function\s+([A-Za-z_$][\w$]*)|^(?:const|let|var|class)\s+([A-Za-z_$][\w$]*)`)
	seen := map[string]string{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range decl.FindAllStringSubmatch(string(src), -1) {
			name := m[1] + m[2]
			if was, ok := seen[name]; ok {
				t.Errorf("%s is declared in %s and again in %s", name, was, filepath.Base(f))
			}
			seen[name] = filepath.Base(f)
		}
	}
}
