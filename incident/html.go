package incident

import (
	"fmt"
	"html/template"
	"io"
	"time"
)

// reportPage is the printable report: one plain page, its style inline,
// no scripts and nothing fetched, so that it prints and files as it is.
// html/template escapes every value (names come from admins, numbers
// from contacts).
var reportPage = template.Must(template.New("report").Funcs(template.FuncMap{
	"pct":     pct,
	"seconds": seconds,
	"met":     metText,
	"metRate": func(r Rate) string { return metText(r.Met) },
	"when":    func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 MST") },
	"target":  target,
	"ptrF":    func(f float64) *float64 { return &f },
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Incident report: {{.Name}}</title>
<style>
body { font: 11pt/1.4 Georgia, serif; color: #000; background: #fff; max-width: 60em; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 18pt; margin-bottom: 0.2em; }
h2 { font-size: 13pt; margin-top: 1.6em; border-bottom: 1px solid #000; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0; }
th, td { border: 1px solid #777; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.drill { border: 2px solid #000; padding: 0.3em 0.6em; display: inline-block; font-weight: bold; }
.meta { color: #333; }
@media print { body { margin: 0; max-width: none; } h2 { page-break-after: avoid; } tr { page-break-inside: avoid; } }
</style>
</head>
<body>
<h1>{{.Name}}</h1>
<p class="meta">Incident {{.Incident}} · {{.Kind}} · {{.State}} · from {{when .From}} to {{when .To}}</p>
{{if .Drill}}<p class="drill">DRILL: an exercise, reported apart from real incidents</p>{{end}}

<h2>Figures against targets</h2>
<table>
<thead><tr><th>Figure</th><th>Value</th><th>Of</th><th>Target</th><th>Met</th></tr></thead>
<tbody>
<tr><td>Delivery rate (delivered / sent)</td><td class="n">{{pct .Delivery.Value}}</td><td class="n">{{.Delivery.Numerator}} / {{.Delivery.Denominator}}</td><td>{{target .Delivery.Target}}</td><td>{{metRate .Delivery}}</td></tr>
<tr><td>Engagement rate (replies or taps / delivered)</td><td class="n">{{pct .Engagement.Value}}</td><td class="n">{{.Engagement.Numerator}} / {{.Engagement.Denominator}}</td><td>{{target .Engagement.Target}}</td><td>{{metRate .Engagement}}</td></tr>
<tr><td>Questions the FAQ answered ({{.FAQ.Suggested}} given suggestions, {{.FAQ.None}} without an answer, {{.FAQ.NotSearched}} not searched)</td><td class="n">{{pct .FAQ.Share.Value}}</td><td class="n">{{.FAQ.Share.Numerator}} / {{.FAQ.Share.Denominator}}</td><td>none set</td><td>-</td></tr>
{{with .AccountedFor}}<tr><td>Accounted for (answered or reached by staff / targeted)</td><td class="n">{{pct .Value}}</td><td class="n">{{.Numerator}} / {{.Denominator}}{{if $.ReachedByStaff}} ({{$.ReachedByStaff}} reached by staff){{end}}</td><td>none set</td><td>-</td></tr>{{end}}
<tr><td>First bot reply, median / p90 ({{.BotReply.Count}} people, {{.BotReply.Waiting}} without)</td><td class="n">{{seconds .BotReply.MedianSeconds}} / {{seconds .BotReply.P90Seconds}}</td><td class="n">{{.WroteIn}} wrote in</td><td>p90 under {{seconds (ptrF .BotReply.TargetSeconds)}}</td><td>{{met .BotReply.Met}}</td></tr>
<tr><td>First human reply, median / p90 ({{.HumanReply.Count}} handoffs, {{.HumanReply.Waiting}} without)</td><td class="n">{{seconds .HumanReply.MedianSeconds}} / {{seconds .HumanReply.P90Seconds}}</td><td></td><td>p90 under {{seconds (ptrF .HumanReply.TargetSeconds)}}</td><td>{{met .HumanReply.Met}}</td></tr>
<tr><td>First human reply to urgent requests ({{.HumanReplyUrgent.Count}}, {{.HumanReplyUrgent.Waiting}} without)</td><td class="n">{{seconds .HumanReplyUrgent.MedianSeconds}} / {{seconds .HumanReplyUrgent.P90Seconds}}</td><td></td><td>p90 under {{seconds (ptrF .HumanReplyUrgent.TargetSeconds)}}</td><td>{{met .HumanReplyUrgent.Met}}</td></tr>
</tbody>
</table>

<h2>Broadcasts</h2>
{{if .Broadcasts}}<table>
<thead><tr><th>Broadcast</th><th>Kind</th><th>State</th><th>Targeted</th><th>Delivered / sent</th><th>Delivery</th><th>Engagement</th><th>Accounted for</th><th>Unaccounted</th></tr></thead>
<tbody>
{{range .Broadcasts}}<tr><td>{{.ID}}: {{.Name}}{{if .Drill}} (drill){{end}}</td><td>{{.Kind}}</td><td>{{.State}}</td><td class="n">{{.Targeted}}</td><td class="n">{{.Delivery.Numerator}} / {{.Delivery.Denominator}}</td><td class="n">{{pct .Delivery.Value}} {{metRate .Delivery}}</td><td class="n">{{pct .Engagement.Value}} {{metRate .Engagement}}</td><td class="n">{{with .AccountedFor}}{{pct .Value}}{{else}}-{{end}}</td><td class="n">{{if .AccountedFor}}{{len .Unaccounted}}{{if .Final}} (final){{end}}{{else}}-{{end}}</td></tr>
{{end}}</tbody>
</table>{{else}}<p>No broadcast belongs to this incident.</p>{{end}}

<h2>Unaccounted: {{len .Unaccounted}}</h2>
{{if .Unaccounted}}<table>
<thead><tr><th>Broadcast</th><th>Recipient</th><th>WhatsApp number</th></tr></thead>
<tbody>
{{range .Unaccounted}}<tr><td>{{.Broadcast}}</td><td class="n">{{.Seq}}</td><td>{{if .WaID}}{{.WaID}}{{else}}(erased){{end}}</td></tr>
{{end}}</tbody>
</table>{{else}}<p>Nobody is unaccounted for.</p>{{end}}

<h2>FAQ changes: {{len .FAQChanges}}</h2>
{{if .FAQChanges}}<table>
<thead><tr><th>When</th><th>What</th><th>Who</th><th>Detail</th></tr></thead>
<tbody>
{{range .FAQChanges}}<tr><td>{{when .At}}</td><td>{{.Kind}}</td><td>{{.Actor}}</td><td>{{.Detail}}</td></tr>
{{end}}</tbody>
</table>{{else}}<p>The FAQ did not change while the incident was open.</p>{{end}}

{{if .NotDerivable}}<h2>Not derivable from the records</h2>
<ul>{{range .NotDerivable}}<li>{{.}}</li>{{end}}</ul>{{end}}
<p class="meta">Made {{when .To}} by Lifeline from the incident's records.</p>
</body>
</html>
`))

func pct(v *float64) string {
	if v == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.1f%%", *v*100)
}

func seconds(v *float64) string {
	if v == nil {
		return "n/a"
	}
	d := time.Duration(*v * float64(time.Second)).Round(time.Second)
	return d.String()
}

func target(t *float64) string {
	if t == nil {
		return "none set"
	}
	return "at least " + pct(t)
}

func metText(m *bool) string {
	switch {
	case m == nil:
		return "n/a"
	case *m:
		return "met"
	default:
		return "NOT MET"
	}
}

// WriteHTML writes the report as a printable HTML page.
func (r *Report) WriteHTML(w io.Writer) error {
	if err := reportPage.Execute(w, r); err != nil {
		return fmt.Errorf("render report of incident %s: %w", r.Incident, err)
	}
	return nil
}
