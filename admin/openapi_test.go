package admin

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestOpenAPIIsYAML parses the published API description as a client's
// generator would: a description with an unquoted colon or quote parses
// with the line reader of openAPIOps but breaks every YAML tool. Every
// operation the line reader finds must be in the parsed document.
func TestOpenAPIIsYAML(t *testing.T) {
	var doc struct {
		OpenAPI string                    `yaml:"openapi"`
		Paths   map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.yaml does not parse: %v", err)
	}
	if doc.OpenAPI == "" || len(doc.Paths) == 0 {
		t.Fatalf("openapi.yaml parsed without a version or paths: %q, %d paths", doc.OpenAPI, len(doc.Paths))
	}
	parsed := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			if method == "parameters" || method == "summary" || method == "description" {
				continue // a path's own fields, not operations
			}
			parsed[strings.ToUpper(method)+" "+path] = true
		}
	}
	for op := range openAPIOps(t) {
		method, path, _ := strings.Cut(op, " ")
		// openAPIOps speaks fiber's :param; the document speaks {param}.
		parts := strings.Split(path, "/")
		for i, p := range parts {
			if strings.HasPrefix(p, ":") {
				parts[i] = "{" + p[1:] + "}"
			}
		}
		if !parsed[method+" "+strings.Join(parts, "/")] {
			t.Errorf("%s is in openapi.yaml's lines but not in its parsed document", op)
		}
	}
}
