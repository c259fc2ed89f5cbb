package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"lifeline/bot/broadcast"
)

// BroadcastSettings are the broadcast part of Config.
type BroadcastSettings struct {
	DailyLimit    int      // LIFELINE_BROADCAST_DAILY_LIMIT: unique users per rolling 24 h (the messaging limit tier); 0 = unlimited
	FrequencyCap  int      // LIFELINE_BROADCAST_FREQUENCY_CAP: non-critical broadcasts per contact per 24 h; -1 disables
	Concurrency   int      // LIFELINE_BROADCAST_CONCURRENCY: sends in flight per number
	WebhookURLs   []string // LIFELINE_WEBHOOK_URLS: integration endpoints (comma-separated)
	WebhookSecret string   // LIFELINE_WEBHOOK_SECRET: HMAC key of X-Lifeline-Signature-256
	// LIFELINE_BROADCAST_INFLIGHT_GRACE: after a restart, how long sends
	// that were in flight at the crash wait for WhatsApp's statuses before
	// they are sent again; 0 sends them again at once.
	InFlightGrace time.Duration
	// Two-person approval. LIFELINE_BROADCAST_APPROVAL (off|on): every
	// broadcast waits for a second admin. LIFELINE_APPROVAL_ABOVE: an
	// audience of more contacts always does (0 = never forced).
	// LIFELINE_APPROVAL_EXPIRES: how long it waits before it is cancelled.
	// Integration tokens carry no settings of their own, so these hold
	// for the whole organisation.
	Approval        bool
	ApprovalAbove   int
	ApprovalExpires time.Duration
}

// Defaults of the approval settings.
const (
	defaultApprovalAbove   = 10000
	defaultApprovalExpires = 24 * time.Hour
)

// loadBroadcastEnv reads the broadcast settings from the environment.
func loadBroadcastEnv(b *BroadcastSettings, getenv func(string) string) []error {
	var errs []error
	for _, err := range []error{
		setting(getenv, "LIFELINE_BROADCAST_DAILY_LIMIT", &b.DailyLimit, strconv.Atoi, "not a whole number"),
		setting(getenv, "LIFELINE_BROADCAST_FREQUENCY_CAP", &b.FrequencyCap, strconv.Atoi, "not a whole number"),
		setting(getenv, "LIFELINE_BROADCAST_CONCURRENCY", &b.Concurrency, strconv.Atoi, "not a whole number"),
		setting(getenv, "LIFELINE_APPROVAL_ABOVE", &b.ApprovalAbove, strconv.Atoi, "not a whole number"),
		setting(getenv, "LIFELINE_APPROVAL_EXPIRES", &b.ApprovalExpires, time.ParseDuration, "not a duration, e.g. 24h"),
	} {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if v := getenv("LIFELINE_BROADCAST_INFLIGHT_GRACE"); v != "" {
		d, err := time.ParseDuration(v)
		switch {
		case err != nil || d < 0 || d > time.Hour:
			errs = append(errs, fmt.Errorf("LIFELINE_BROADCAST_INFLIGHT_GRACE=%q: want a duration from 0s to 1h, e.g. 60s", v))
		case d == 0:
			b.InFlightGrace = -1 // the service reads 0 as its default
		default:
			b.InFlightGrace = d
		}
	}
	switch v := getenv("LIFELINE_BROADCAST_APPROVAL"); strings.ToLower(strings.TrimSpace(v)) {
	case "":
	case "off":
		b.Approval = false
	case "on":
		b.Approval = true
	default:
		errs = append(errs, fmt.Errorf("LIFELINE_BROADCAST_APPROVAL=%q: want off or on", v))
	}
	if v := getenv("LIFELINE_WEBHOOK_URLS"); v != "" {
		b.WebhookURLs = splitList(v)
	}
	if v := getenv("LIFELINE_WEBHOOK_SECRET"); v != "" {
		b.WebhookSecret = v
	}
	return errs
}

func (b BroadcastSettings) validate() error {
	if b.DailyLimit < 0 {
		return fmt.Errorf("LIFELINE_BROADCAST_DAILY_LIMIT=%d: want 0 (unlimited) or the messaging limit, e.g. 10000", b.DailyLimit)
	}
	if b.FrequencyCap < -1 || b.FrequencyCap > 100 {
		return fmt.Errorf("LIFELINE_BROADCAST_FREQUENCY_CAP=%d: want -1 (off) to 100", b.FrequencyCap)
	}
	if b.Concurrency < 0 || b.Concurrency > 1024 {
		return fmt.Errorf("LIFELINE_BROADCAST_CONCURRENCY=%d: want 1 to 1024", b.Concurrency)
	}
	if b.ApprovalAbove < 0 {
		return fmt.Errorf("LIFELINE_APPROVAL_ABOVE=%d: want 0 (never forced) or an audience size, e.g. 10000", b.ApprovalAbove)
	}
	if b.ApprovalExpires < time.Minute || b.ApprovalExpires > 7*24*time.Hour {
		return fmt.Errorf("LIFELINE_APPROVAL_EXPIRES=%s: want 1m to 168h (7 days)", b.ApprovalExpires)
	}
	for _, u := range b.WebhookURLs {
		if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
			return fmt.Errorf("LIFELINE_WEBHOOK_URLS: %q is not an http(s) URL", u)
		}
	}
	if len(b.WebhookURLs) > 0 && len(b.WebhookSecret) < 16 {
		return errors.New("LIFELINE_WEBHOOK_SECRET: set a secret of at least 16 characters to sign integration webhooks")
	}
	return nil
}

// broadcastConfig turns the settings into the service's configuration.
func broadcastConfig(c Config) broadcast.Config {
	return broadcast.Config{
		PhoneNumberIDs: c.PhoneNumberIDs, RatePerNumber: c.RatePerNumber, Concurrency: c.Broadcast.Concurrency,
		DailyLimit: c.Broadcast.DailyLimit, FrequencyCap: c.Broadcast.FrequencyCap,
		WebhookURLs: c.Broadcast.WebhookURLs, WebhookSecret: c.Broadcast.WebhookSecret,
		InFlightGrace: c.Broadcast.InFlightGrace, LeaseTTL: c.LeaseTTL,
		// The replies' template lifetime: one setting for every template.
		TemplateWait: c.TemplateWait,
		Approval:     c.Broadcast.Approval, ApprovalAbove: c.Broadcast.ApprovalAbove, ApprovalExpires: c.Broadcast.ApprovalExpires,
	}
}

const broadcastUsage = `Usage: lifeline broadcast COMMAND [flags]

  start FILE.json            start a broadcast (the JSON body of POST /admin/broadcasts)
  preview FILE.json          show what each language's recipients will get; nothing is sent
  status ID [--watch]        show live counts; --watch redraws until it is done
  list                       list broadcasts
  pause|resume|cancel ID     control a broadcast
  approve|reject ID          decide on a broadcast pending approval (another admin than its creator)
  recipients ID              write per-recipient results as CSV to stdout

The JSON names its audience: "audience": {"tags_any": ["employees"]} (or tags_all, languages,
regions, fields), or {"all": true} for every contact; a field the server does not know is
refused by name. Only contacts who opted in are sent to; a "critical": true broadcast reaches
the others only with a "consent_override_reason", which the audit log keeps.

Flags (before the arguments): --server URL (LIFELINE_SERVER, default http://127.0.0.1:8080)
  --token TOKEN (LIFELINE_TOKEN or LIFELINE_ADMIN_TOKEN) --interval 1s

Also: lifeline contacts import FILE.csv [--charset windows-1252] [--server URL --token TOKEN]
`

// apiClient talks to a running server.
type apiClient struct {
	base, token string
	http        *http.Client
}

func newAPIClient(fs *flag.FlagSet, args []string, stderr io.Writer) (*apiClient, []string, time.Duration, bool, error) {
	server, token := clientDefaults(os.Getenv)
	fs.SetOutput(stderr)
	fs.StringVar(&server, "server", server, "server URL")
	fs.StringVar(&token, "token", token, "API token")
	interval := fs.Duration("interval", time.Second, "refresh interval of --watch")
	watch := fs.Bool("watch", false, "redraw the status until the broadcast is done")
	// Flags may come before or after the arguments.
	var rest []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return nil, nil, 0, false, err
		}
		args = fs.Args()
		if len(args) > 0 {
			rest = append(rest, args[0])
			args = args[1:]
		}
	}
	if token == "" {
		return nil, nil, 0, false, errors.New("no API token: use --token or set LIFELINE_TOKEN")
	}
	return &apiClient{base: strings.TrimRight(server, "/"), token: token, http: &http.Client{Timeout: 60 * time.Second}}, rest, *interval, *watch, nil
}

func (c *apiClient) do(method, path, contentType string, body []byte, out io.Writer) (int, error) {
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	if res.StatusCode >= 300 {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
		return res.StatusCode, fmt.Errorf("%s %s: http %d: %s", method, path, res.StatusCode, strings.TrimSpace(string(b)))
	}
	_, err = io.Copy(out, res.Body)
	return res.StatusCode, err
}

func (c *apiClient) getJSON(path string, v any) error {
	var buf bytes.Buffer
	if _, err := c.do(http.MethodGet, path, "", nil, &buf); err != nil {
		return err
	}
	return json.Unmarshal(buf.Bytes(), v)
}

// runBroadcast is `lifeline broadcast ...` against a running server.
func runBroadcast(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" {
		fmt.Fprint(stderr, broadcastUsage)
		return 2
	}
	cmd := args[0]
	api, rest, interval, watch, err := newAPIClient(flag.NewFlagSet("broadcast "+cmd, flag.ContinueOnError), args[1:], stderr)
	if err != nil {
		fmt.Fprintf(stderr, "lifeline broadcast %s: %v\n", cmd, err)
		return 2
	}
	need := func(n int, what string) bool {
		if len(rest) != n {
			fmt.Fprintf(stderr, "lifeline broadcast %s: want %s\n\n%s", cmd, what, broadcastUsage)
			return false
		}
		return true
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "lifeline broadcast %s: %v\n", cmd, err)
		return 1
	}
	switch cmd {
	case "start", "preview":
		if !need(1, "FILE.json") {
			return 2
		}
		body, err := os.ReadFile(rest[0])
		if err != nil {
			return fail(err)
		}
		path := "/admin/broadcasts"
		if cmd == "preview" {
			path += "/preview"
		}
		var buf bytes.Buffer
		if _, err := api.do(http.MethodPost, path, "application/json", body, &buf); err != nil {
			return fail(err)
		}
		if cmd == "preview" {
			var pretty bytes.Buffer
			if json.Indent(&pretty, buf.Bytes(), "", "  ") == nil {
				buf = pretty
			}
			fmt.Fprintln(stdout, buf.String())
			return 0
		}
		var r struct{ ID, State string }
		if err := json.Unmarshal(buf.Bytes(), &r); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "broadcast %s %s\nfollow it with: lifeline broadcast status %s --watch\n", r.ID, r.State, r.ID)
		return 0
	case "status":
		if !need(1, "ID") {
			return 2
		}
		return watchStatus(api, rest[0], watch, interval, stdout, stderr)
	case "list":
		var r struct {
			Broadcasts []broadcast.Status `json:"broadcasts"`
		}
		if err := api.getJSON("/admin/broadcasts", &r); err != nil {
			return fail(err)
		}
		for _, b := range r.Broadcasts {
			fmt.Fprintf(stdout, "%s  %-13s %-12s %7d targeted %7d sent  %s\n", b.ID, b.State, b.Kind, b.Targeted, b.Sent, b.Name)
		}
		return 0
	case "pause", "resume", "cancel", "approve", "reject":
		if !need(1, "ID") {
			return 2
		}
		var buf bytes.Buffer
		if _, err := api.do(http.MethodPost, "/admin/broadcasts/"+rest[0]+"/"+cmd, "", nil, &buf); err != nil {
			return fail(err)
		}
		fmt.Fprintln(stdout, strings.TrimSpace(buf.String()))
		return 0
	case "recipients":
		if !need(1, "ID") {
			return 2
		}
		if _, err := api.do(http.MethodGet, "/admin/broadcasts/"+rest[0]+"/recipients.csv", "", nil, stdout); err != nil {
			return fail(err)
		}
		return 0
	}
	fmt.Fprintf(stderr, "lifeline broadcast: unknown command %q\n\n%s", cmd, broadcastUsage)
	return 2
}

// watchStatus prints the counts once, or redraws them until the broadcast
// is done, with a progress bar.
func watchStatus(api *apiClient, id string, watch bool, interval time.Duration, stdout, stderr io.Writer) int {
	tty := isTerminal(stdout)
	for {
		var st broadcast.Status
		if err := api.getJSON("/admin/broadcasts/"+id, &st); err != nil {
			fmt.Fprintf(stderr, "lifeline broadcast status: %v\n", err)
			return 1
		}
		line := statusLine(&st)
		if watch && tty {
			fmt.Fprintf(stdout, "\r\033[K%s", line)
		} else {
			fmt.Fprintln(stdout, line)
		}
		done := st.State == broadcast.StateCompleted || st.State == broadcast.StateCancelled ||
			(st.State == broadcast.StateSent && st.Kind == broadcast.KindNotice)
		if !watch || done {
			if watch && tty {
				fmt.Fprintln(stdout)
			}
			return 0
		}
		time.Sleep(interval)
	}
}

func statusLine(st *broadcast.Status) string {
	const width = 30
	handled := st.Sent + st.Failed + st.Skipped
	frac := 0.0
	if st.Targeted > 0 {
		frac = min(1, float64(handled)/float64(st.Targeted))
	}
	n := int(frac * width)
	bar := strings.Repeat("#", n) + strings.Repeat("-", width-n)
	var b strings.Builder
	fmt.Fprintf(&b, "%s [%s] %3.0f%% %s  targeted %d sent %d delivered %d read %d failed %d", st.ID, bar, frac*100, st.State,
		st.Targeted, st.Sent, st.Delivered, st.Read, st.Failed)
	if st.Safe != nil {
		fmt.Fprintf(&b, "  safe %d need_help %d no_response %d", *st.Safe, *st.NeedHelp, *st.NoResponse)
	}
	for k, v := range st.Options {
		fmt.Fprintf(&b, " %s %d", k, v)
	}
	if st.PossibleDuplicates > 0 {
		fmt.Fprintf(&b, "  possible_duplicates %d (confirmed %d)", st.PossibleDuplicates, st.Duplicates)
	}
	if st.PauseReason != "" {
		fmt.Fprintf(&b, "  (%s)", st.PauseReason)
	}
	return b.String()
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// runContacts is `lifeline contacts import FILE.csv` against a running server.
func runContacts(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "import" {
		fmt.Fprint(stderr, "Usage: lifeline contacts import FILE.csv [--charset windows-1252] [--server URL --token TOKEN]\n")
		return 2
	}
	fs := flag.NewFlagSet("contacts import", flag.ContinueOnError)
	charset := fs.String("charset", "", "the file's encoding when it is not UTF-8 (windows-1252, iso-8859-1, utf-16)")
	api, rest, _, _, err := newAPIClient(fs, args[1:], stderr)
	if err != nil || len(rest) != 1 {
		fmt.Fprintf(stderr, "lifeline contacts import: want FILE.csv and a token (%v)\n", err)
		return 2
	}
	body, err := os.ReadFile(rest[0])
	if err != nil {
		fmt.Fprintf(stderr, "lifeline contacts import: %v\n", err)
		return 1
	}
	var buf bytes.Buffer
	contentType := "text/csv"
	if *charset != "" {
		contentType += "; charset=" + *charset
	}
	if _, err := api.do(http.MethodPost, "/admin/contacts/import", contentType, body, &buf); err != nil {
		fmt.Fprintf(stderr, "lifeline contacts import: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, strings.TrimSpace(buf.String()))
	return 0
}
