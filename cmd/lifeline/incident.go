package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"lifeline/bot/contacts"
	"lifeline/incident"
)

const incidentUsage = `Usage: lifeline incident COMMAND [flags]

  list [--state open|closed]          list incidents, newest first, with real and drill counts apart
  open --name NAME --kind KIND [--drill] [--tag T]... [--region R]... [--all] [--notes TEXT]
                                      open an incident affecting the people with any of the tags or in
                                      any of the regions (or everyone with --all)
  show ID                             the incident as JSON (with its closing report once closed)
  close ID                            close it; prints its closing report
  timeline ID [--csv]                 what happened, oldest first; --csv writes CSV with a header row
  report ID [--html]                  the figures against their targets as JSON; --html a printable page

KIND is one of flood, fire, outage, outbreak, recall, data_breach, other. A drill's broadcasts must
say DRILL in each recipient's language, and its figures are kept apart from real incidents.

Flags: --server URL (LIFELINE_SERVER, default http://127.0.0.1:8080)
  --token TOKEN (LIFELINE_TOKEN or LIFELINE_ADMIN_TOKEN)
`

// listFlag collects a repeated flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// runIncident is `lifeline incident ...` against a running server. The
// server checks everything; its refusals are printed as they come.
func runIncident(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stderr, incidentUsage)
		return 2
	}
	cmd := args[0]
	fs := flag.NewFlagSet("incident "+cmd, flag.ContinueOnError)
	name := fs.String("name", "", "name of the incident")
	kind := fs.String("kind", "", "kind of incident")
	notes := fs.String("notes", "", "notes")
	drill := fs.Bool("drill", false, "open a drill")
	all := fs.Bool("all", false, "the incident affects every contact")
	state := fs.String("state", "", "list only open or closed incidents")
	asCSV := fs.Bool("csv", false, "timeline as CSV")
	asHTML := fs.Bool("html", false, "report as a printable HTML page")
	var tags, regions listFlag
	fs.Var(&tags, "tag", "a tag of the people affected (repeatable)")
	fs.Var(&regions, "region", "a region of the people affected (repeatable)")
	api, rest, _, _, err := newAPIClient(fs, args[1:], stderr)
	if err != nil {
		fmt.Fprintf(stderr, "lifeline incident %s: %v\n", cmd, err)
		return 2
	}
	need := func(n int, what string) bool {
		if len(rest) != n {
			fmt.Fprintf(stderr, "lifeline incident %s: want %s\n\n%s", cmd, what, incidentUsage)
			return false
		}
		return true
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "lifeline incident %s: %v\n", cmd, err)
		return 1
	}
	pretty := func(b []byte) {
		var out bytes.Buffer
		if json.Indent(&out, b, "", "  ") != nil {
			out.Reset()
			out.Write(b)
		}
		fmt.Fprintln(stdout, out.String())
	}
	switch cmd {
	case "list":
		if !need(0, "no arguments") {
			return 2
		}
		path := "/admin/incidents"
		if *state != "" {
			path += "?state=" + url.QueryEscape(*state)
		}
		var r struct {
			Incidents []incident.Incident `json:"incidents"`
			Summary   incident.Summary    `json:"summary"`
		}
		if err := api.getJSON(path, &r); err != nil {
			return fail(err)
		}
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		for _, in := range r.Incidents {
			sort := "real"
			if in.Drill {
				sort = "drill"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\topened %s\t%s\n", in.ID, in.State, in.Kind, sort, in.OpenedAt.UTC().Format(time.RFC3339), in.Name)
		}
		if err := tw.Flush(); err != nil {
			return fail(err)
		}
		s := r.Summary
		fmt.Fprintf(stdout, "real: %d open, %d closed; drills: %d open, %d closed\n", s.Real.Open, s.Real.Closed, s.Drill.Open, s.Drill.Closed)
		return 0
	case "open":
		if !need(0, "flags only (--name, --kind, ...)") {
			return 2
		}
		n := incident.New{Name: *name, Kind: incident.Kind(*kind), Drill: *drill, Notes: *notes,
			Audience: contacts.Audience{All: *all, TagsAny: tags, Regions: regions}}
		body, err := json.Marshal(n)
		if err != nil {
			return fail(err)
		}
		var buf bytes.Buffer
		if _, err := api.do(http.MethodPost, "/admin/incidents", "application/json", body, &buf); err != nil {
			return fail(err)
		}
		var in incident.Incident
		if err := json.Unmarshal(buf.Bytes(), &in); err != nil {
			return fail(err)
		}
		what := "incident"
		if in.Drill {
			what = "drill incident"
		}
		fmt.Fprintf(stdout, "%s %s %s\nattach broadcasts with \"incident\": %q; close it with: lifeline incident close %s\n", what, in.ID, in.State, in.ID, in.ID)
		return 0
	case "show", "close", "report", "timeline":
		if !need(1, "ID") {
			return 2
		}
		id := url.PathEscape(rest[0])
		var buf bytes.Buffer
		switch {
		case cmd == "show":
			_, err = api.do(http.MethodGet, "/admin/incidents/"+id, "", nil, &buf)
		case cmd == "close":
			_, err = api.do(http.MethodPost, "/admin/incidents/"+id+"/close", "", nil, &buf)
		case cmd == "report" && *asHTML:
			_, err = api.do(http.MethodGet, "/admin/incidents/"+id+"/report?format=html", "", nil, stdout)
			if err != nil {
				return fail(err)
			}
			return 0
		case cmd == "report":
			_, err = api.do(http.MethodGet, "/admin/incidents/"+id+"/report", "", nil, &buf)
		case *asCSV:
			_, err = api.do(http.MethodGet, "/admin/incidents/"+id+"/timeline?format=csv", "", nil, stdout)
			if err != nil {
				return fail(err)
			}
			return 0
		default:
			var tl incident.Timeline
			if err := api.getJSON("/admin/incidents/"+id+"/timeline", &tl); err != nil {
				return fail(err)
			}
			tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
			for _, r := range tl.Rows {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.At.UTC().Format(time.RFC3339), r.Kind, dash(r.Actor), r.Subject, r.Detail)
			}
			if err := tw.Flush(); err != nil {
				return fail(err)
			}
			for _, nd := range tl.NotDerivable {
				fmt.Fprintf(stdout, "not derivable: %s\n", nd)
			}
			return 0
		}
		if err != nil {
			return fail(err)
		}
		pretty(buf.Bytes())
		return 0
	}
	fmt.Fprintf(stderr, "lifeline incident: unknown command %q\n\n%s", cmd, incidentUsage)
	return 2
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
