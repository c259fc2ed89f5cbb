package sms_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"lifeline/sms"
	"lifeline/sms/smstest"
)

// BenchmarkSMSPacing sends through the fake provider (80 ms per call) from
// two senders at the configured rate, on the real clock, and reports the
// rate each sender achieved at the provider: it should be the configured
// rate within 2%.
func BenchmarkSMSPacing(b *testing.B) {
	const perSender = 41 // 40 intervals
	for _, rate := range []float64{1, 10} {
		b.Run(map[float64]string{1: "1_per_second", 10: "10_per_second"}[rate], func(b *testing.B) {
			for range b.N {
				p := smstest.New()
				p.Latency(80 * time.Millisecond)
				cfg := p.Config("https://lifeline.example.org", "+15005550006", "+15005550007")
				cfg.Rate = rate
				c, err := sms.New(cfg, sms.Options{})
				if err != nil {
					b.Fatal(err)
				}
				var wg sync.WaitGroup
				for _, from := range c.Senders() {
					jobs := make(chan int, perSender)
					for i := range perSender {
						jobs <- i
					}
					close(jobs)
					// As the broadcast fallback does: Workers sends in flight per sender.
					for range c.Workers() {
						wg.Add(1)
						go func() {
							defer wg.Done()
							for range jobs {
								if _, err := c.Send(context.Background(), sms.Message{To: "+447700900001", Body: "test", From: from}); err != nil {
									b.Error(err)
									return
								}
							}
						}()
					}
				}
				wg.Wait()
				first, last := map[string]time.Time{}, map[string]time.Time{}
				for _, r := range p.Received() {
					if first[r.From].IsZero() {
						first[r.From] = r.At
					}
					last[r.From] = r.At
				}
				worst := 0.0
				for from := range first {
					got := float64(perSender-1) / last[from].Sub(first[from]).Seconds()
					dev := (got - rate) / rate
					if dev < 0 {
						dev = -dev
					}
					worst = max(worst, dev)
					b.ReportMetric(got, "msgs/s/"+from[len(from)-1:])
				}
				b.ReportMetric(worst*100, "worst_dev_%")
				p.Close()
			}
		})
	}
}
