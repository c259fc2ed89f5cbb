package bot

import (
	"fmt"
	"testing"
	"time"

	"lifeline/store"
)

// Each inbound transcript entry keeps what the understanding step read
// and, when the FAQ was searched, what it decided: the incident report
// counts the questions the FAQ answered from these.
func TestInboundEntryRecordsReading(t *testing.T) {
	cases := []struct {
		label, text string
		want        store.Reading
	}{
		{"a question the FAQ answers", "where is the nearest shelter?", store.Reading{Class: "question", Confident: true, FAQ: store.FAQAnswered}},
		{"a question the FAQ cannot answer", "when will the power come back on?", store.Reading{Class: "question", Confident: true, FAQ: store.FAQNone}},
		{"a greeting never reaches the FAQ", "hello", store.Reading{Class: "greeting", Confident: true}},
	}
	h := newHarness(t, harnessOpts{})
	for i, c := range cases {
		user := fmt.Sprintf("96651234000%d", i)
		h.mustAccept(textPayload(fmt.Sprintf("wamid.R%d", i), user, c.text, time.Now()))
		h.graph.WaitMessages(t, i+1, 10*time.Second)
		h.engine.WaitIdle()
		var in []store.Entry
		for _, e := range h.transcript(user) {
			if e.Dir == store.In {
				in = append(in, e)
			}
		}
		if len(in) != 1 || in[0].Read == nil {
			t.Fatalf("%s: inbound entries %+v, want one with a reading", c.label, in)
		}
		if *in[0].Read != c.want {
			t.Errorf("%s: read %+v, want %+v", c.label, *in[0].Read, c.want)
		}
	}
}
