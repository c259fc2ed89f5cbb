package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// TestIncidentCommands runs `lifeline incident ...` against a real server
// in sandbox mode: each command's output, and the server's refusals
// shown as they come.
func TestIncidentCommands(t *testing.T) {
	dir := t.TempDir()
	cfg := defaultConfig()
	cfg.Addr = freeAddr(t)
	cfg.DataDir = filepath.Join(dir, "data")
	cfg.AdminToken = "incident-cli-admin-token-0123456789"
	var log bytes.Buffer
	inst, err := start(cfg, zerolog.Nop(), &log)
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = inst.listen() }()
	t.Cleanup(func() { _ = inst.close() })
	base := "http://" + cfg.Addr
	waitReady(t, base, 10*time.Second)
	auth := []string{"--server", base, "--token", cfg.AdminToken}

	people := filepath.Join(dir, "people.csv")
	notice := filepath.Join(dir, "notice.json")
	files := map[string]string{
		people: "phone,name,region,opted_in\n+966501234567,Ahmed,Dammam,yes\n+966501234568,Sara,Dammam,yes\n",
		notice: `{"name": "stay indoors", "kind": "notice", "incident": "inc000001", "audience": {"regions": ["Dammam"]},
		  "templates": {"en": {"name": "flood_notice", "language": "en_US", "body": [{"value": "{{name}}"}]}}}`,
	}
	for path, body := range files {
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		label      string
		args       []string
		wantCode   int
		wantOut    []string // parts of stdout
		wantErr    []string // parts of stderr
		wantNotOut string
	}{
		{"import people", []string{"contacts", "import", people}, 0, nil, nil, ""},
		{"open", []string{"incident", "open", "--name", "Dammam flood", "--kind", "flood", "--region", "Dammam"}, 0,
			[]string{"incident inc000001 open", `"incident": "inc000001"`}, nil, ""},
		{"the server's refusal as it comes", []string{"incident", "open", "--name", "x", "--kind", "storm", "--region", "Dammam"}, 1,
			nil, []string{"http 400", `kind \"storm\": want one of flood`}, ""},
		{"nobody affected", []string{"incident", "open", "--name", "x", "--kind", "fire"}, 1, nil, []string{"http 400", "audience"}, ""},
		{"open a drill", []string{"incident", "open", "--name", "Evacuation drill", "--kind", "fire", "--drill", "--all"}, 0,
			[]string{"drill incident inc000002 open"}, nil, ""},
		{"list", []string{"incident", "list"}, 0,
			[]string{"inc000001  open", "flood", "Dammam flood", "inc000002", "drill", "real: 1 open, 0 closed; drills: 1 open, 0 closed"}, nil, ""},
		{"list closed", []string{"incident", "list", "--state", "closed"}, 0, []string{"real: 0 open, 0 closed"}, nil, "inc000001"},
		{"a broadcast in it", []string{"broadcast", "start", notice}, 0, []string{"broadcast bc000001"}, nil, ""},
		{"show", []string{"incident", "show", "inc000001"}, 0, []string{`"id": "inc000001"`, `"state": "open"`, `"kind": "flood"`}, nil, ""},
		{"timeline", []string{"incident", "timeline", "inc000001"}, 0, []string{"incident.opened", "broadcast.create", "bc000001", "not derivable: "}, nil, ""},
		{"timeline as CSV", []string{"incident", "timeline", "inc000001", "--csv"}, 0, []string{"at,kind,actor,subject,detail\n", ",incident.opened,"}, nil, ""},
		{"report", []string{"incident", "report", "inc000001"}, 0, []string{`"incident": "inc000001"`, `"delivery": {`, `"id": "bc000001"`}, nil, ""},
		{"report as HTML", []string{"incident", "report", "inc000001", "--html"}, 0, []string{"<!DOCTYPE html>", "<h1>Dammam flood</h1>"}, nil, ""},
		{"close", []string{"incident", "close", "inc000001"}, 0, []string{`"state": "closed"`, `"closing_report": {`}, nil, ""},
		{"close again", []string{"incident", "close", "inc000001"}, 1, nil, []string{"http 409", "cannot close incident inc000001: it is closed"}, ""},
		{"unknown incident", []string{"incident", "show", "inc999999"}, 1, nil, []string{"http 404", `no incident \"inc999999\"`}, ""},
		{"no id", []string{"incident", "show"}, 2, nil, []string{"want ID"}, ""},
		{"unknown command", []string{"incident", "reopen", "inc000001"}, 2, nil, []string{`unknown command "reopen"`}, ""},
		{"no token", []string{"incident", "list", "--server", base, "--token", ""}, 2, nil, []string{"no API token"}, ""},
	}
	for _, st := range steps {
		var out, errb bytes.Buffer
		args := st.args
		if st.label != "no token" {
			args = append(append([]string{}, st.args...), auth...)
		}
		code := run(args, &out, &errb)
		if code != st.wantCode {
			t.Errorf("%s: exit %d, want %d\nstdout %s\nstderr %s", st.label, code, st.wantCode, out.String(), errb.String())
			continue
		}
		for _, w := range st.wantOut {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%s: stdout lacks %q:\n%s", st.label, w, out.String())
			}
		}
		for _, w := range st.wantErr {
			if !strings.Contains(errb.String(), w) {
				t.Errorf("%s: stderr lacks %q:\n%s", st.label, w, errb.String())
			}
		}
		if st.wantNotOut != "" && strings.Contains(out.String(), st.wantNotOut) {
			t.Errorf("%s: stdout has %q:\n%s", st.label, st.wantNotOut, out.String())
		}
	}
}
