package main

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"lifeline/admin"
	"lifeline/bot"
	"lifeline/bot/pace"
	"lifeline/catalog"
	"lifeline/cluster"
	"lifeline/kb"
	"lifeline/places"
	"lifeline/privacy"
	"lifeline/sms"
	"lifeline/store"
)

// Config is every setting of `lifeline serve`: defaults, then the
// environment, then flags; Validate names the first bad setting.
type Config struct {
	Addr           string
	DataDir        string
	AdminToken     string
	VerifyToken    string
	AppSecret      string
	AccessToken    string
	PhoneNumberIDs []string
	APIURL         string
	APIVersion     string
	RatePerNumber  float64
	Workers        int
	SendWorkers    int
	MaxInFlight    int // most Graph API sends in flight per number (LIFELINE_MAX_IN_FLIGHT); the count follows the latency up to it
	Expiry         time.Duration
	// AlertTopic is what a person who asks for alerts is asked to consent
	// to (LIFELINE_ALERT_TOPIC), in their language: "Reply YES to receive
	// alerts about ...". One topic ("floods in the east") or one per
	// language ("en=floods in the east,ar=..."). Empty: their keyword is
	// recorded as the opt-in at once.
	AlertTopic       catalog.Topics
	ReengageTemplate string // "name:language", sent when the 24-hour window has closed
	// WABAID is the WhatsApp business account whose message templates are
	// synced (LIFELINE_WABA_ID, or WA_BUSINESS_ACCOUNT_ID); without it,
	// and in sandbox mode, they come from TemplatesFile.
	WABAID string
	// TemplatesFile is a JSON template list of the management API's shape
	// (LIFELINE_TEMPLATES_FILE); in sandbox mode without it, a built-in
	// list with the README's templates.
	TemplatesFile  string
	LogLevel       string
	TrustedProxies []string // addresses or CIDR ranges of reverse proxies whose ProxyHeader names the client
	ProxyHeader    string

	// TemplateWait is how long a template keeps waiting through a Graph
	// API outage before it fails (LIFELINE_TEMPLATE_WAIT, default 24h).
	TemplateWait time.Duration
	// UnknownGrace is how long a send whose outcome is unknown waits for
	// its status webhook before it is sent again (LIFELINE_UNKNOWN_GRACE, default 1m).
	UnknownGrace time.Duration

	// EncryptionKey encrypts the data directory at rest (AES, 16, 24 or
	// 32 bytes), from LIFELINE_ENCRYPTION_KEY or _FILE; nil for none.
	EncryptionKey []byte
	Retention     privacy.Retention // zero keeps forever
	// Emergency is the number people in danger are told to call, by
	// country (LIFELINE_EMERGENCY_NUMBERS, e.g. "SA=911,AE=999,default=112")
	// over a built-in table.
	Emergency bot.EmergencyNumbers
	// DiskReserve is the free space kept on the data directory's disk;
	// below it new work is refused with 503 (LIFELINE_DISK_RESERVE).
	DiskReserve uint64
	freeSpace   store.FreeSpace // nil: statfs; tests simulate a full disk
	// broadcastNow is the broadcasts' clock; nil: time.Now. Tests move
	// it past reminder intervals and SMS delays, which are minutes long.
	broadcastNow func() time.Time
	Broadcast    BroadcastSettings // see broadcast.go
	// ThesaurusDir holds the MyThes thesauri the FAQ search reads
	// (LIFELINE_THESAURUS_DIR; set and empty turns them off). The default
	// directory may be absent: the search then goes without.
	ThesaurusDir string
	// thesaurusSet records that LIFELINE_THESAURUS_DIR was given: a
	// directory someone named must exist, even the default one.
	thesaurusSet bool

	// InstanceID names this process as a lease holder (a broadcast's
	// dispatcher) among several instances (LIFELINE_INSTANCE_ID; default
	// host name and process id).
	InstanceID string
	// LeaseTTL is how long a lease lasts without a renewal: how long a
	// dead instance's broadcast waits before another continues it
	// (LIFELINE_LEASE_TTL, default 15s).
	LeaseTTL time.Duration
	// EventBuffer is how many live events one console stream may fall
	// behind before it loses some (LIFELINE_EVENT_BUFFER, default 64).
	EventBuffer int
	// MapTileURL is a map tile URL template with {z}, {x} and {y} for the
	// console's map (LIFELINE_MAP_TILE_URL); empty: the map draws its
	// points without tiles, offline.
	MapTileURL string
	// SMS is the SMS fallback channel (LIFELINE_SMS_*); all empty is off.
	SMS sms.Config
	// Backend is where the store keeps its records (LIFELINE_BACKEND):
	// badger (the default, one machine) or nats (JetStream); see
	// backend.go.
	Backend string
	// NATS is the JetStream cluster of several instances (LIFELINE_NATS_*),
	// read by `lifeline cluster` and by LIFELINE_BACKEND=nats; see
	// cluster.go.
	NATS NATSSettings
	// Media is the downloader of the files people send (LIFELINE_MEDIA_*);
	// see media_config.go.
	Media MediaSettings
	// PlacesRadiusKm is how far a place may be from a shared location
	// and still be offered as near (LIFELINE_PLACES_RADIUS_KM, default
	// 50); see places_config.go.
	PlacesRadiusKm float64
}

// Sandbox reports whether no WhatsApp credentials are configured.
func (c Config) Sandbox() bool { return c.AccessToken == "" && len(c.PhoneNumberIDs) == 0 }

func defaultConfig() Config {
	return Config{
		Addr: ":8080", DataDir: "./data", APIURL: "https://graph.facebook.com", APIVersion: "v23.0",
		RatePerNumber: 80, Workers: 32, SendWorkers: 64, MaxInFlight: pace.DefaultCeiling, Expiry: 2 * time.Hour, LogLevel: "info",
		TemplateWait: 24 * time.Hour, UnknownGrace: time.Minute,
		Retention:   privacy.Retention{Messages: 90 * day, Locations: 30 * day, CheckIns: 90 * day},
		DiskReserve: 256 << 20, ThesaurusDir: kb.DefaultThesaurusDir,
		InstanceID: defaultInstanceID(), LeaseTTL: 15 * time.Second, EventBuffer: 64,
		Broadcast: BroadcastSettings{ApprovalAbove: defaultApprovalAbove, ApprovalExpires: defaultApprovalExpires},
		Media:     defaultMediaSettings(),

		PlacesRadiusKm: places.DefaultRadiusKm,
	}
}

// defaultInstanceID is the host name and process id: unique among the
// instances running at one time, which is all a lease holder needs.
func defaultInstanceID() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "lifeline"
	}
	id := instanceRe.ReplaceAllString(host, "-")
	return fmt.Sprintf("%.56s-%d", id, os.Getpid())
}

// loadConfig reads the environment (lookup is os.LookupEnv, or a map in
// tests), then the flags of `lifeline serve`.
func loadConfig(args []string, lookup func(string) (string, bool)) (Config, error) {
	c := defaultConfig()
	getenv := func(name string) string { v, _ := lookup(name); return v }
	var errs []error
	str := func(dst *string, name string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	str(&c.Addr, "LIFELINE_ADDR")
	str(&c.DataDir, "LIFELINE_DATA_DIR")
	c.Backend = strings.TrimSpace(getenv("LIFELINE_BACKEND"))
	if c.Backend == "" {
		c.Backend = backendBadger
	}
	str(&c.AdminToken, "LIFELINE_ADMIN_TOKEN")
	str(&c.VerifyToken, "WA_VERIFY_TOKEN")
	str(&c.AppSecret, "WA_APP_SECRET")
	str(&c.AccessToken, "WA_ACCESS_TOKEN")
	str(&c.APIURL, "WA_API_URL")
	str(&c.APIVersion, "WA_API_VERSION")
	str(&c.ReengageTemplate, "WA_REENGAGE_TEMPLATE")
	str(&c.WABAID, "WA_BUSINESS_ACCOUNT_ID")
	str(&c.WABAID, "LIFELINE_WABA_ID")
	str(&c.TemplatesFile, "LIFELINE_TEMPLATES_FILE")
	str(&c.LogLevel, "LIFELINE_LOG_LEVEL")
	str(&c.InstanceID, "LIFELINE_INSTANCE_ID")
	str(&c.MapTileURL, "LIFELINE_MAP_TILE_URL")
	c.ThesaurusDir = thesaurusDir(lookup)
	_, c.thesaurusSet = lookup("LIFELINE_THESAURUS_DIR")
	if v := getenv("WA_PHONE_NUMBER_ID"); v != "" {
		c.PhoneNumberIDs = splitList(v)
	}
	if v := getenv("LIFELINE_TRUSTED_PROXIES"); v != "" {
		c.TrustedProxies = splitList(v)
		for _, p := range c.TrustedProxies {
			if net.ParseIP(p) == nil {
				if _, _, err := net.ParseCIDR(p); err != nil {
					errs = append(errs, fmt.Errorf("LIFELINE_TRUSTED_PROXIES: %q is neither an IP address nor a CIDR range such as 10.0.0.0/8", p))
				}
			}
		}
	}
	str(&c.ProxyHeader, "LIFELINE_PROXY_HEADER")
	if v := getenv("WA_RATE_PER_NUMBER"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("WA_RATE_PER_NUMBER=%q: not a number", v))
		}
		c.RatePerNumber = f
	}
	intVar := func(dst *int, name string) {
		if err := setting(getenv, name, dst, strconv.Atoi, "not a whole number"); err != nil {
			errs = append(errs, err)
		}
	}
	intVar(&c.Workers, "LIFELINE_WORKERS")
	intVar(&c.SendWorkers, "LIFELINE_SEND_WORKERS")
	intVar(&c.MaxInFlight, "LIFELINE_MAX_IN_FLIGHT")
	intVar(&c.EventBuffer, "LIFELINE_EVENT_BUFFER")
	errs = append(errs, loadBroadcastEnv(&c.Broadcast, getenv)...)
	for _, err := range []error{loadMediaEnv(&c.Media, getenv), loadPlacesEnv(&c.PlacesRadiusKm, getenv)} {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if t, err := catalog.ParseTopics(getenv("LIFELINE_ALERT_TOPIC")); err != nil {
		errs = append(errs, fmt.Errorf("LIFELINE_ALERT_TOPIC: %w (one topic, or one per language like \"en=floods in the east,ar=...\")", err))
	} else {
		c.AlertTopic = t
	}
	if v := getenv("LIFELINE_CONVERSATION_EXPIRY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("LIFELINE_CONVERSATION_EXPIRY=%q: not a duration such as 2h or 30m", v))
		}
		c.Expiry = d
	}
	for name, dst := range map[string]*time.Duration{"LIFELINE_TEMPLATE_WAIT": &c.TemplateWait, "LIFELINE_UNKNOWN_GRACE": &c.UnknownGrace,
		"LIFELINE_LEASE_TTL": &c.LeaseTTL} {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: not a duration such as 24h or 1m", name, v))
			}
			*dst = d
		}
	}
	for name, dst := range map[string]*time.Duration{
		"LIFELINE_RETENTION_MESSAGES": &c.Retention.Messages, "LIFELINE_RETENTION_LOCATIONS": &c.Retention.Locations,
		"LIFELINE_RETENTION_CHECKINS": &c.Retention.CheckIns,
	} {
		if v := getenv(name); v != "" {
			d, err := parseRetention(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: %w", name, v, err))
			}
			*dst = d
		}
	}
	if v := getenv("LIFELINE_EMERGENCY_NUMBERS"); v != "" {
		n, err := bot.ParseEmergencyNumbers(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("LIFELINE_EMERGENCY_NUMBERS: %w", err))
		}
		c.Emergency = n
	}
	if v := getenv("LIFELINE_DISK_RESERVE"); v != "" {
		n, err := parseSize(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("LIFELINE_DISK_RESERVE=%q: %w", v, err))
		}
		c.DiskReserve = n
	}
	key, err := encryptionKey(getenv)
	if err != nil {
		errs = append(errs, err)
	}
	if c.SMS, err = sms.FromEnv(getenv); err != nil {
		errs = append(errs, err)
	}
	c.EncryptionKey = key
	c.NATS, err = loadNATSEnv(lookup)
	if err != nil {
		errs = append(errs, err)
	}
	if c.Backend == backendNATS && c.NATS.URL == "" && c.NATS.Name == "" {
		// JetStream with no cluster configured: this machine embeds one
		// node, which the node settings (LIFELINE_NATS_LISTEN) then set.
		c.NATS.Name = defaultNATSName
	}
	if len(errs) > 0 {
		return c, errors.Join(errs...)
	}

	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address (LIFELINE_ADDR)")
	fs.StringVar(&c.DataDir, "data", c.DataDir, "data directory (LIFELINE_DATA_DIR)")
	fs.StringVar(&c.APIURL, "api-url", c.APIURL, "Graph API base URL (WA_API_URL)")
	fs.StringVar(&c.APIVersion, "api-version", c.APIVersion, "Graph API version (WA_API_VERSION)")
	fs.Float64Var(&c.RatePerNumber, "rate", c.RatePerNumber, "messages per second per sending number (WA_RATE_PER_NUMBER)")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error (LIFELINE_LOG_LEVEL)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return c, c.Validate()
}

// setting reads the variable name into dst with parse when it is set. A
// value that does not parse is an error naming the variable and its value,
// with want saying what was expected; dst is left as it was.
func setting[T any](getenv func(string) string, name string, dst *T, parse func(string) (T, error), want string) error {
	v := getenv(name)
	if v == "" {
		return nil
	}
	x, err := parse(v)
	if err != nil {
		return fmt.Errorf("%s=%q: %s", name, v, want)
	}
	*dst = x
	return nil
}

// thesaurusDir is LIFELINE_THESAURUS_DIR when it is set, even empty (no
// thesaurus), and the default directory otherwise.
func thesaurusDir(lookup func(string) (string, bool)) string {
	if v, ok := lookup("LIFELINE_THESAURUS_DIR"); ok {
		return strings.TrimSpace(v)
	}
	return kb.DefaultThesaurusDir
}

// checkThesaurusDir refuses a thesaurus directory that cannot be read. The
// default one may be missing unless someone named it (named): a machine
// without thesauri searches without.
func checkThesaurusDir(dir string, named bool) error {
	if dir == "" {
		return nil
	}
	if _, err := os.ReadDir(dir); err != nil {
		if !named && dir == kb.DefaultThesaurusDir && errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("LIFELINE_THESAURUS_DIR=%q: not a readable directory of MyThes thesauri (%v); set it empty to search without", dir, err)
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

var (
	versionRe = regexp.MustCompile(`^v\d+\.\d+$`)
	digitsRe  = regexp.MustCompile(`^\d+$`)
	tplRe     = regexp.MustCompile(`^[a-z0-9_]+:[A-Za-z_]{2,8}$`)
	// instanceRe matches what may not appear in an instance id: it names
	// the holder in lease records, which a NATS KV bucket also keeps.
	instanceRe = regexp.MustCompile(`[^A-Za-z0-9_.-]`)
)

// Validate checks every setting and names the first one that is wrong.
func (c Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("LIFELINE_ADDR=%q: want host:port such as :8080 (%v)", c.Addr, err)
	}
	if strings.TrimSpace(c.DataDir) == "" {
		return errors.New("LIFELINE_DATA_DIR is empty")
	}
	u, err := url.Parse(c.APIURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("WA_API_URL=%q: want an http(s) URL such as https://graph.facebook.com", c.APIURL)
	}
	if !versionRe.MatchString(c.APIVersion) {
		return fmt.Errorf("WA_API_VERSION=%q: want a Graph API version such as v23.0", c.APIVersion)
	}
	if c.RatePerNumber <= 0 || c.RatePerNumber > 1000 {
		return fmt.Errorf("WA_RATE_PER_NUMBER=%v: want a rate above 0 and at most 1000 messages per second", c.RatePerNumber)
	}
	if c.Workers < 1 || c.Workers > 1024 {
		return fmt.Errorf("LIFELINE_WORKERS=%d: want 1 to 1024", c.Workers)
	}
	if c.SendWorkers < 1 || c.SendWorkers > 4096 {
		return fmt.Errorf("LIFELINE_SEND_WORKERS=%d: want 1 to 4096", c.SendWorkers)
	}
	if c.MaxInFlight < 1 || c.MaxInFlight > 10000 {
		return fmt.Errorf("LIFELINE_MAX_IN_FLIGHT=%d: want 1 to 10000 sends in flight per number", c.MaxInFlight)
	}
	if c.Expiry < time.Minute {
		return fmt.Errorf("LIFELINE_CONVERSATION_EXPIRY=%s: want at least 1m", c.Expiry)
	}
	if c.TemplateWait < time.Minute || c.TemplateWait > 7*day {
		return fmt.Errorf("LIFELINE_TEMPLATE_WAIT=%s: want 1m to 168h (7 days)", c.TemplateWait)
	}
	if c.UnknownGrace < time.Second || c.UnknownGrace > time.Hour {
		return fmt.Errorf("LIFELINE_UNKNOWN_GRACE=%s: want 1s to 1h", c.UnknownGrace)
	}
	if c.InstanceID == "" || len(c.InstanceID) > 64 || instanceRe.MatchString(c.InstanceID) {
		return fmt.Errorf("LIFELINE_INSTANCE_ID=%q: want 1 to 64 letters, digits, '.', '_' or '-', unique per running instance", c.InstanceID)
	}
	if c.LeaseTTL < time.Second || c.LeaseTTL > 5*time.Minute {
		return fmt.Errorf("LIFELINE_LEASE_TTL=%s: want 1s to 5m", c.LeaseTTL)
	}
	if c.EventBuffer < 1 || c.EventBuffer > 65536 {
		return fmt.Errorf("LIFELINE_EVENT_BUFFER=%d: want 1 to 65536 events", c.EventBuffer)
	}
	if err := admin.CheckTileURL(c.MapTileURL); err != nil {
		return fmt.Errorf("LIFELINE_MAP_TILE_URL=%q: %w", c.MapTileURL, err)
	}
	if c.AdminToken != "" && len(c.AdminToken) < 16 {
		return errors.New("LIFELINE_ADMIN_TOKEN is too short: use at least 16 random characters")
	}
	if c.WABAID != "" && strings.Trim(c.WABAID, "0123456789") != "" {
		return fmt.Errorf("LIFELINE_WABA_ID=%q: want the business account id, digits only", c.WABAID)
	}
	if c.ReengageTemplate != "" && !tplRe.MatchString(c.ReengageTemplate) {
		return fmt.Errorf("WA_REENGAGE_TEMPLATE=%q: want name:language such as crisis_update:en", c.ReengageTemplate)
	}
	switch c.LogLevel {
	case "trace", "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("LIFELINE_LOG_LEVEL=%q: want debug, info, warn or error", c.LogLevel)
	}
	if err := c.Broadcast.validate(); err != nil {
		return err
	}
	if err := c.Media.validate(); err != nil {
		return err
	}
	if err := validatePlacesRadius(c.PlacesRadiusKm); err != nil {
		return err
	}
	if err := checkThesaurusDir(c.ThesaurusDir, c.thesaurusSet); err != nil {
		return err
	}
	if c.TemplatesFile != "" {
		if _, err := os.Stat(c.TemplatesFile); err != nil {
			return fmt.Errorf("LIFELINE_TEMPLATES_FILE=%q: cannot read the template list (%v)", c.TemplatesFile, err)
		}
	}
	if err := c.SMS.Validate(); err != nil {
		return err
	}
	if err := c.validateBackend(); err != nil {
		return err
	}
	if err := c.NATS.validate(); err != nil {
		return err
	}
	if c.Sandbox() {
		return nil
	}
	// Credentials given: they must be complete.
	switch {
	case c.AccessToken == "":
		return errors.New("WA_ACCESS_TOKEN is not set, but WA_PHONE_NUMBER_ID is: set both, or neither for sandbox mode")
	case len(c.PhoneNumberIDs) == 0:
		return errors.New("WA_PHONE_NUMBER_ID is not set, but WA_ACCESS_TOKEN is: set both, or neither for sandbox mode")
	case c.AppSecret == "":
		return errors.New("WA_APP_SECRET is not set: the webhook never accepts unsigned events, so Lifeline will not start without the app secret")
	case c.VerifyToken == "":
		return errors.New("WA_VERIFY_TOKEN is not set: Meta's webhook verification needs it")
	}
	for _, id := range c.PhoneNumberIDs {
		if !digitsRe.MatchString(id) {
			return fmt.Errorf("WA_PHONE_NUMBER_ID: %q is not a phone-number id (digits only)", id)
		}
	}
	return nil
}

const day = 24 * time.Hour

// parseSize reads a byte count: 268435456, 256MB, 256MiB, 1GB, 0.
// MB and GB are read as MiB and GiB: the reserve is a floor, never less.
func parseSize(v string) (uint64, error) {
	const want = "want a size such as 256MB, 1GB or 0 for no reserve"
	s := strings.ToUpper(strings.TrimSpace(v))
	mult := uint64(1)
	for _, u := range []struct {
		suffix string
		mult   uint64
	}{{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30}, {"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}} {
		if rest, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = strings.TrimSpace(rest), u.mult
			break
		}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, errors.New(want)
	}
	if n > (1<<40)/mult {
		return 0, errors.New("over 1TB; " + want)
	}
	return n * mult, nil
}

// parseRetention reads a retention period: a Go duration (720h) or a
// number of days (90d); 0 keeps data forever.
func parseRetention(v string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(v, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 {
			return 0, errors.New("want a number of days such as 90d, a duration such as 720h, or 0 to keep forever")
		}
		return time.Duration(days) * day, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, errors.New("want a number of days such as 90d, a duration such as 720h, or 0 to keep forever")
	}
	if d > 0 && d < time.Hour {
		return 0, errors.New("want at least 1h (or 0 to keep forever)")
	}
	return d, nil
}

// encryptionKey reads LIFELINE_ENCRYPTION_KEY or the file named by
// LIFELINE_ENCRYPTION_KEY_FILE: 16, 24 or 32 bytes written as hex or
// base64. Neither set means no encryption.
func encryptionKey(getenv func(string) string) ([]byte, error) {
	v, file := getenv("LIFELINE_ENCRYPTION_KEY"), getenv("LIFELINE_ENCRYPTION_KEY_FILE")
	name := "LIFELINE_ENCRYPTION_KEY"
	switch {
	case v != "" && file != "":
		return nil, errors.New("LIFELINE_ENCRYPTION_KEY and LIFELINE_ENCRYPTION_KEY_FILE are both set: set one")
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("LIFELINE_ENCRYPTION_KEY_FILE=%q: %v", file, err)
		}
		v, name = strings.TrimSpace(string(b)), "LIFELINE_ENCRYPTION_KEY_FILE ("+file+")"
	case v == "":
		return nil, nil
	}
	key, err := decodeKey(v)
	if err != nil {
		// Never echo the key itself.
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return key, nil
}

func decodeKey(v string) ([]byte, error) {
	const want = "want 16, 24 or 32 random bytes written as hex (32, 48 or 64 characters) or base64; make one with: openssl rand -hex 32"
	var key []byte
	if b, err := hex.DecodeString(v); err == nil {
		key = b
	} else if b, err := base64.StdEncoding.DecodeString(v); err == nil {
		key = b
	} else if b, err := base64.RawStdEncoding.DecodeString(v); err == nil {
		key = b
	} else if b, err := base64.URLEncoding.DecodeString(v); err == nil {
		key = b
	} else {
		return nil, errors.New("not hex or base64; " + want)
	}
	switch len(key) {
	case 16, 24, 32:
		return key, nil
	}
	return nil, fmt.Errorf("decodes to %d bytes; %s", len(key), want)
}

// NATSSettings say how `lifeline cluster` reaches JetStream: connect to
// an existing cluster (URL, with Creds) or run an embedded node (Name and
// the rest). Neither set: no cluster configured.
type NATSSettings struct {
	URL   string // LIFELINE_NATS_URL: client URLs of an existing cluster, comma-separated
	Creds string // LIFELINE_NATS_CREDS: credentials file for URL

	Name          string   // LIFELINE_NATS_NAME: this node's name, unique in the cluster
	Listen        string   // LIFELINE_NATS_LISTEN: client address, default 127.0.0.1:4222
	ClusterListen string   // LIFELINE_NATS_CLUSTER: route address of this node
	Routes        []string // LIFELINE_NATS_ROUTES: nats-route:// URLs of the other nodes
	TLSCert       string   // LIFELINE_NATS_TLS_CERT: certificate of the cluster port
	TLSKey        string   // LIFELINE_NATS_TLS_KEY
	TLSCA         string   // LIFELINE_NATS_TLS_CA: verifies the other nodes

	// Partitions is P, fixed when the streams are created
	// (LIFELINE_NATS_PARTITIONS, default 64).
	Partitions int
	// Replicas of every stream (LIFELINE_NATS_REPLICAS); 0: min(3, nodes).
	Replicas int

	listenSet bool
}

const defaultNATSListen = "127.0.0.1:4222"

// Configured reports whether a cluster is configured at all.
func (n NATSSettings) Configured() bool { return n.URL != "" || n.Name != "" }

func loadNATSEnv(lookup func(string) (string, bool)) (NATSSettings, error) {
	get := func(name string) string { v, _ := lookup(name); return strings.TrimSpace(v) }
	n := NATSSettings{
		URL: get("LIFELINE_NATS_URL"), Creds: get("LIFELINE_NATS_CREDS"), Name: get("LIFELINE_NATS_NAME"),
		Listen: defaultNATSListen, ClusterListen: get("LIFELINE_NATS_CLUSTER"), Routes: splitList(get("LIFELINE_NATS_ROUTES")),
		TLSCert: get("LIFELINE_NATS_TLS_CERT"), TLSKey: get("LIFELINE_NATS_TLS_KEY"), TLSCA: get("LIFELINE_NATS_TLS_CA"),
		Partitions: cluster.DefaultPartitions,
	}
	if v := get("LIFELINE_NATS_LISTEN"); v != "" {
		n.Listen, n.listenSet = v, true
	}
	for name, dst := range map[string]*int{"LIFELINE_NATS_PARTITIONS": &n.Partitions, "LIFELINE_NATS_REPLICAS": &n.Replicas} {
		if v := get(name); v != "" {
			i, err := strconv.Atoi(v)
			if err != nil {
				return n, fmt.Errorf("%s=%q: not a whole number", name, v)
			}
			*dst = i
		}
	}
	return n, nil
}

// validate names the first wrong or incomplete NATS setting.
func (n NATSSettings) validate() error {
	if n.Partitions < 1 || n.Partitions > cluster.MaxPartitions {
		return fmt.Errorf("LIFELINE_NATS_PARTITIONS=%d: want 1 to %d (fixed when the streams are created)", n.Partitions, cluster.MaxPartitions)
	}
	if n.Replicas < 0 || n.Replicas > 5 {
		return fmt.Errorf("LIFELINE_NATS_REPLICAS=%d: want 1 to 5, or unset for min(3, nodes)", n.Replicas)
	}
	if n.URL != "" && n.Name != "" {
		return errors.New("LIFELINE_NATS_URL and LIFELINE_NATS_NAME are both set: connect to an existing cluster (URL) or run an embedded node (NAME), not both")
	}
	if n.URL != "" {
		for _, s := range splitList(n.URL) {
			u, err := url.Parse(s)
			if err != nil || u.Host == "" || (u.Scheme != "nats" && u.Scheme != "tls" && u.Scheme != "ws" && u.Scheme != "wss") {
				return fmt.Errorf("LIFELINE_NATS_URL: %q is not a NATS URL such as nats://10.0.0.1:4222", redactUserinfo(s))
			}
		}
	}
	if n.Creds != "" {
		if n.URL == "" {
			return errors.New("LIFELINE_NATS_CREDS is set without LIFELINE_NATS_URL: credentials are for connecting to an existing cluster")
		}
		if _, err := os.Stat(n.Creds); err != nil {
			return fmt.Errorf("LIFELINE_NATS_CREDS=%q: cannot read the credentials file (%v)", n.Creds, err)
		}
	}
	if n.Name == "" {
		// Settings of an embedded node without its name are a mistake, not a default.
		for _, s := range []struct {
			name string
			set  bool
		}{{"LIFELINE_NATS_LISTEN", n.listenSet}, {"LIFELINE_NATS_CLUSTER", n.ClusterListen != ""}, {"LIFELINE_NATS_ROUTES", len(n.Routes) > 0},
			{"LIFELINE_NATS_TLS_CERT", n.TLSCert != ""}, {"LIFELINE_NATS_TLS_KEY", n.TLSKey != ""}, {"LIFELINE_NATS_TLS_CA", n.TLSCA != ""}} {
			if s.set && n.URL != "" {
				return fmt.Errorf("%s is set with LIFELINE_NATS_URL: it configures an embedded node, which connecting to an existing cluster does not run", s.name)
			}
			if s.set {
				return fmt.Errorf("%s is set without LIFELINE_NATS_NAME: name this node to run an embedded NATS node", s.name)
			}
		}
		return nil
	}
	if len(n.Name) > 64 || instanceRe.MatchString(n.Name) {
		return fmt.Errorf("LIFELINE_NATS_NAME=%q: want 1 to 64 letters, digits, '.', '_' or '-', unique in the cluster", n.Name)
	}
	if err := checkHostPort(n.Listen); err != nil {
		return fmt.Errorf("LIFELINE_NATS_LISTEN=%q: %w", n.Listen, err)
	}
	if n.ClusterListen != "" {
		if err := checkHostPort(n.ClusterListen); err != nil {
			return fmt.Errorf("LIFELINE_NATS_CLUSTER=%q: %w", n.ClusterListen, err)
		}
		if len(n.Routes) == 0 {
			return errors.New("LIFELINE_NATS_ROUTES is empty but LIFELINE_NATS_CLUSTER is set: list the other nodes as nats-route://host:port, comma-separated")
		}
	}
	for _, r := range n.Routes {
		if n.ClusterListen == "" {
			return errors.New("LIFELINE_NATS_ROUTES is set without LIFELINE_NATS_CLUSTER: routes need this node's cluster address")
		}
		u, err := url.Parse(r)
		if err != nil || u.Scheme != "nats-route" || checkHostPort(u.Host) != nil {
			return fmt.Errorf("LIFELINE_NATS_ROUTES: %q is not a route URL such as nats-route://10.0.0.2:6222", r)
		}
	}
	switch {
	case n.TLSCert != "" && n.TLSKey == "":
		return errors.New("LIFELINE_NATS_TLS_KEY is not set but LIFELINE_NATS_TLS_CERT is: set both")
	case n.TLSKey != "" && n.TLSCert == "":
		return errors.New("LIFELINE_NATS_TLS_CERT is not set but LIFELINE_NATS_TLS_KEY is: set both")
	case n.TLSCA != "" && n.TLSCert == "":
		return errors.New("LIFELINE_NATS_TLS_CA is set without LIFELINE_NATS_TLS_CERT and LIFELINE_NATS_TLS_KEY: the cluster port needs its own certificate too")
	case n.TLSCert != "" && n.ClusterListen == "":
		return errors.New("LIFELINE_NATS_TLS_CERT is set without LIFELINE_NATS_CLUSTER: TLS secures the cluster port")
	}
	for _, f := range []struct{ name, path string }{{"LIFELINE_NATS_TLS_CERT", n.TLSCert}, {"LIFELINE_NATS_TLS_KEY", n.TLSKey}, {"LIFELINE_NATS_TLS_CA", n.TLSCA}} {
		if f.path == "" {
			continue
		}
		if _, err := os.Stat(f.path); err != nil {
			return fmt.Errorf("%s=%q: cannot read the file (%v)", f.name, f.path, err)
		}
	}
	return nil
}

// checkHostPort accepts host:port with a port from 1 to 65535.
func checkHostPort(addr string) error {
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("want host:port (%v)", err)
	}
	if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("port %q: want 1 to 65535", p)
	}
	return nil
}

// redactUserinfo hides a password written into a URL before it is shown.
func redactUserinfo(s string) string {
	if i := strings.Index(s, "@"); i >= 0 {
		if j := strings.Index(s, "://"); j >= 0 && j < i {
			return s[:j+3] + "…@" + s[i+1:]
		}
	}
	return s
}
