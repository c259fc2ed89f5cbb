// Package metrics owns Lifeline's Prometheus metrics: what the engine
// reports through bot.Observer, what the webhook middleware measures, and
// what is read from the store at scrape time (queue depths, store size,
// the handoff queue). Labels never hold a phone number of a person: only
// sending phone-number ids, status codes and WhatsApp error codes.
package metrics

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"lifeline/admin/httpstatus"
	"lifeline/bot"
	"lifeline/bot/handoffs"
	"lifeline/catalog"
	"lifeline/flows"
	"lifeline/kb"
	"lifeline/store"
)

// Metrics holds the collectors and the registry they are registered in.
type Metrics struct {
	reg *prometheus.Registry

	webhookRequests *prometheus.CounterVec
	webhookLatency  *prometheus.HistogramVec
	processed       *prometheus.CounterVec
	processLatency  *prometheus.HistogramVec
	sendAttempts    *prometheus.CounterVec
	sendLatency     prometheus.Histogram
	sendFailed      *prometheus.CounterVec
	attachFailed    *prometheus.CounterVec
	faqDecisions    *prometheus.CounterVec
	emergencies     *prometheus.CounterVec
	templateStatus  *prometheus.GaugeVec
	ignored         *prometheus.CounterVec
	stalled         *prometheus.GaugeVec
	outages         *prometheus.CounterVec

	mu        sync.Mutex
	templates map[[2]string]string // template name and language -> status shown
}

var (
	_ bot.Observer           = (*Metrics)(nil)
	_ bot.AttachmentObserver = (*Metrics)(nil)
)

// Sources are read at scrape time; any may be nil.
type Sources struct {
	DB     *store.DB
	Engine *bot.Engine
}

// New builds the metrics and registers the collectors, including the Go
// runtime and process collectors. Call Watch once the store and the engine
// exist (the engine takes the Metrics as its Observer when it is built).
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	latency := []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}
	m.webhookRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "lifeline_webhook_requests_total", Help: "Webhook requests by HTTP status."}, []string{"method", "status"})
	m.webhookLatency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "lifeline_webhook_request_duration_seconds", Help: "Time to acknowledge a webhook request, by HTTP status.", Buckets: latency},
		[]string{"status"})
	m.processed = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "lifeline_inbound_processed_total", Help: "Inbound events committed, by kind (message, status, error, template)."}, []string{"kind"})
	m.processLatency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "lifeline_inbound_processing_seconds", Help: "From webhook acknowledgement to the committed reply, by kind.",
		Buckets: append(latency, 60, 300)}, []string{"kind"})
	m.sendAttempts = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "lifeline_send_attempts_total",
		Help: "Graph API calls by sending phone-number id, result (sent, error) and WhatsApp error code (0 for none); rate() of it is the per-number send rate."},
		[]string{"phone_number_id", "result", "code"})
	m.sendLatency = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "lifeline_send_duration_seconds", Help: "Duration of Graph API send calls.", Buckets: latency})
	m.sendFailed = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "lifeline_sends_failed_total", Help: "Messages given up for good, by WhatsApp error code."}, []string{"code"})
	m.attachFailed = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "lifeline_faq_attachments_failed_total",
		Help: "FAQ answers' files given up for good (the person is told to ask a person for it), by WhatsApp error code (0 for none)."}, []string{"code"})
	m.faqDecisions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "lifeline_faq_decisions_total", Help: "FAQ searches by decision (answer, suggest, none)."}, []string{"decision"})
	m.ignored = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "lifeline_inbound_ignored_total", Help: "Inbound messages not answered, by reason (group, no_sender, invalid_sender)."}, []string{"reason"})
	m.emergencies = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "lifeline_emergencies_total", Help: "Messages about danger to life that opened or raised an urgent handoff, by language."}, []string{"lang"})
	m.templateStatus = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "lifeline_template_status",
		Help: "1 for the status WhatsApp last reported for a template in a language (APPROVED, PAUSED, DISABLED, REJECTED, ...), since the process started."},
		[]string{"template", "language", "status"})
	m.stalled = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "lifeline_sending_stalled",
		Help: "1 while sends from a number keep failing beyond the fast retries (messages wait, none dropped), 0 once one succeeds; by sending phone-number id."},
		[]string{"phone_number_id"})
	m.outages = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "lifeline_sending_outages_total", Help: "Outages of sending, one per number each time sends start failing beyond the fast retries."},
		[]string{"phone_number_id"})
	m.templates = map[[2]string]string{}
	m.reg.MustRegister(m.webhookRequests, m.webhookLatency, m.processed, m.processLatency, m.sendAttempts, m.sendLatency,
		m.sendFailed, m.attachFailed, m.faqDecisions, m.emergencies, m.templateStatus, m.ignored, m.stalled, m.outages,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Watch adds the gauges read from src at scrape time. Call it once.
func (m *Metrics) Watch(src Sources) { m.reg.MustRegister(&scrapeCollector{src: src}) }

// Registry is where the collectors live; tests and extra collectors use it.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() fiber.Handler {
	return adaptor.HTTPHandler(promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
}

// Webhook measures the requests of the route it wraps: status and latency.
func (m *Metrics) Webhook() fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		status, err := httpstatus.After(c, c.Next())
		code := strconv.Itoa(status)
		// c.Method() points into fiber's reused request buffer; the
		// counter keeps its labels, so they must be copies.
		m.webhookRequests.WithLabelValues(strings.Clone(c.Method()), code).Inc()
		m.webhookLatency.WithLabelValues(code).Observe(time.Since(start).Seconds())
		return err
	}
}

// InboundIgnored implements bot.IgnoreObserver.
func (m *Metrics) InboundIgnored(reason string) { m.ignored.WithLabelValues(reason).Inc() }

// Processed implements bot.Observer.
func (m *Metrics) Processed(kind string, latency time.Duration) {
	m.processed.WithLabelValues(kind).Inc()
	m.processLatency.WithLabelValues(kind).Observe(max(latency, 0).Seconds())
}

// SendAttempt implements bot.Observer.
func (m *Metrics) SendAttempt(phoneNumberID string, ok bool, code int, latency time.Duration) {
	result := "sent"
	if !ok {
		result = "error"
	}
	m.sendAttempts.WithLabelValues(phoneNumberID, result, strconv.Itoa(code)).Inc()
	m.sendLatency.Observe(latency.Seconds())
}

// SendFailed implements bot.Observer.
func (m *Metrics) SendFailed(_ string, code int) {
	m.sendFailed.WithLabelValues(strconv.Itoa(code)).Inc()
}

// AttachmentFailed implements bot.AttachmentObserver.
func (m *Metrics) AttachmentFailed(_ string, code int) {
	m.attachFailed.WithLabelValues(strconv.Itoa(code)).Inc()
}

// Emergency implements bot.Observer. The language label is bounded to the
// languages of the catalogue; anything else counts as "other".
func (m *Metrics) Emergency(lang string) {
	lang = catalog.Base(lang)
	switch {
	case lang == "":
		lang = "unknown"
	case !catalog.Has(lang):
		lang = "other"
	}
	m.emergencies.WithLabelValues(lang).Inc()
}

// templateStatuses bounds the status label to what WhatsApp documents.
var templateStatuses = map[string]bool{
	"APPROVED": true, "PAUSED": true, "DISABLED": true, "REJECTED": true, "PENDING": true, "IN_APPEAL": true,
	"PENDING_DELETION": true, "DELETED": true, "FLAGGED": true, "REINSTATED": true, "LIMIT_EXCEEDED": true, "ARCHIVED": true,
}

// SendingStalled implements bot.OutageObserver: the engine calls it once
// per outage of a number, so an alert rule can fire on the gauge.
func (m *Metrics) SendingStalled(phoneNumberID string, _ int) {
	m.stalled.WithLabelValues(phoneNumberID).Set(1)
	m.outages.WithLabelValues(phoneNumberID).Inc()
}

// SendingRecovered implements bot.OutageObserver.
func (m *Metrics) SendingRecovered(phoneNumberID string, _ time.Duration) {
	m.stalled.WithLabelValues(phoneNumberID).Set(0)
}

// TemplateStatus implements bot.Observer: the template's series moves to
// its new status, so exactly one status per template and language is 1.
func (m *Metrics) TemplateStatus(name, language, status string) {
	if !templateStatuses[status] {
		status = "OTHER"
	}
	k := [2]string{name, language}
	m.mu.Lock()
	defer m.mu.Unlock()
	if old, ok := m.templates[k]; ok && old != status {
		m.templateStatus.DeleteLabelValues(name, language, old)
	}
	m.templates[k] = status
	m.templateStatus.WithLabelValues(name, language, status).Set(1)
}

// Answerer counts the decisions of the FAQ searches the conversation
// flows make; it wraps the knowledge base handed to the engine.
func (m *Metrics) Answerer(next flows.Answerer) flows.Answerer {
	return countingAnswerer{next: next, m: m}
}

type countingAnswerer struct {
	next flows.Answerer
	m    *Metrics
}

func (a countingAnswerer) Search(query, lang string, limit int) kb.Result {
	r := a.next.Search(query, lang, limit)
	a.m.faqDecisions.WithLabelValues(string(r.Decision)).Inc()
	return r
}

// scrapeCollector reads the gauges at scrape time, so they are never stale
// and cost nothing between scrapes.
type scrapeCollector struct{ src Sources }

var (
	descInboxDepth   = prometheus.NewDesc("lifeline_inbox_depth", "Acknowledged inbound events not yet processed.", nil, nil)
	descInboxAge     = prometheus.NewDesc("lifeline_inbox_oldest_age_seconds", "Age of the oldest unprocessed inbound event (0 when empty).", nil, nil)
	descOutboxDepth  = prometheus.NewDesc("lifeline_outbox_depth", "Outbound messages and read receipts waiting to be sent.", nil, nil)
	descStoreBytes   = prometheus.NewDesc("lifeline_store_bytes", "On-disk size of the store, by part (lsm, vlog).", []string{"part"}, nil)
	descStoreHealthy = prometheus.NewDesc("lifeline_store_healthy", "1 when the last commit succeeded, 0 when the store cannot write.", nil, nil)
	descHandoffs     = prometheus.NewDesc("lifeline_handoffs", "Open handoffs by status (waiting, active).", []string{"status"}, nil)
	descDiskFree     = prometheus.NewDesc("lifeline_disk_free_bytes", "Free space on the disk holding the store, as last measured.", nil, nil)
	descDiskReserve  = prometheus.NewDesc("lifeline_disk_reserve_bytes", "Free space kept in reserve (LIFELINE_DISK_RESERVE); below it new work gets 503.", nil, nil)
	descDiskLow      = prometheus.NewDesc("lifeline_disk_low", "1 while free space is below the reserve and new work is refused.", nil, nil)
	descHandoffWait  = prometheus.NewDesc("lifeline_handoff_oldest_wait_seconds", "How long the longest-waiting unclaimed handoff has waited.", nil, nil)
)

func (c *scrapeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descInboxDepth, descInboxAge, descOutboxDepth, descStoreBytes, descStoreHealthy, descHandoffs, descHandoffWait, descDiskFree, descDiskReserve, descDiskLow} {
		ch <- d
	}
}

func (c *scrapeCollector) Collect(ch chan<- prometheus.Metric) {
	if e := c.src.Engine; e != nil {
		in, out := e.Depth()
		ch <- prometheus.MustNewConstMetric(descInboxDepth, prometheus.GaugeValue, float64(in))
		ch <- prometheus.MustNewConstMetric(descOutboxDepth, prometheus.GaugeValue, float64(out))
	}
	db := c.src.DB
	if db == nil {
		return
	}
	lsm, vlog := db.Size()
	ch <- prometheus.MustNewConstMetric(descStoreBytes, prometheus.GaugeValue, float64(lsm), "lsm")
	ch <- prometheus.MustNewConstMetric(descStoreBytes, prometheus.GaugeValue, float64(vlog), "vlog")
	healthy := 1.0
	if db.Health() != nil {
		healthy = 0
	}
	ch <- prometheus.MustNewConstMetric(descStoreHealthy, prometheus.GaugeValue, healthy)
	if d := db.Disk(); d.Reserve > 0 {
		low := 0.0
		if d.Low {
			low = 1
		}
		ch <- prometheus.MustNewConstMetric(descDiskFree, prometheus.GaugeValue, float64(d.Free))
		ch <- prometheus.MustNewConstMetric(descDiskReserve, prometheus.GaugeValue, float64(d.Reserve))
		ch <- prometheus.MustNewConstMetric(descDiskLow, prometheus.GaugeValue, low)
	}

	now := time.Now()
	var oldestIn time.Time
	counts := map[string]int{handoffs.Waiting: 0, handoffs.Active: 0}
	var oldestWait time.Time
	// A scrape has no deadline of its own; the registry gives none.
	ctx := context.Background()
	err := db.Read(ctx, func(r store.Reader) error {
		oldestIn, oldestWait = time.Time{}, time.Time{}
		counts = map[string]int{handoffs.Waiting: 0, handoffs.Active: 0}
		first, found, err := store.OldestInbox[struct {
			ReceivedAt time.Time `json:"received_at"`
		}](ctx, r)
		if err != nil {
			return err
		}
		if found {
			oldestIn = first.ReceivedAt
		}
		return store.EachHandoff(ctx, r, func(h struct {
			Status    string    `json:"status"`
			CreatedAt time.Time `json:"created_at"`
		}) error {
			if _, open := counts[h.Status]; open {
				counts[h.Status]++
			}
			if h.Status == handoffs.Waiting && (oldestWait.IsZero() || h.CreatedAt.Before(oldestWait)) {
				oldestWait = h.CreatedAt
			}
			return nil
		})
	})
	if err != nil {
		// A store that cannot be read shows as unhealthy; skip the rest.
		return
	}
	ch <- prometheus.MustNewConstMetric(descInboxAge, prometheus.GaugeValue, age(now, oldestIn))
	for status, n := range counts {
		ch <- prometheus.MustNewConstMetric(descHandoffs, prometheus.GaugeValue, float64(n), status)
	}
	ch <- prometheus.MustNewConstMetric(descHandoffWait, prometheus.GaugeValue, age(now, oldestWait))
}

func age(now, t time.Time) float64 {
	if t.IsZero() || t.After(now) {
		return 0
	}
	return now.Sub(t).Seconds()
}
