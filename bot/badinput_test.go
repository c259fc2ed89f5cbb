package bot

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"lifeline/catalog"
)

// outcome names what the bot did with a message, from the first text it
// sent back, in whichever language it chose.
func outcome(t *testing.T, sent []json.RawMessage) string {
	t.Helper()
	if len(sent) == 0 {
		return "nothing"
	}
	var m struct {
		Text struct {
			Body string `json:"body"`
		} `json:"text"`
		Interactive struct {
			Body struct {
				Text string `json:"text"`
			} `json:"body"`
		} `json:"interactive"`
	}
	if err := json.Unmarshal(sent[0], &m); err != nil {
		t.Fatal(err)
	}
	body := m.Text.Body + m.Interactive.Body.Text
	for _, lang := range catalog.Languages() {
		c := catalog.For(lang)
		welcome, _, _ := strings.Cut(c.Welcome, "%s")
		emergency, _, _ := strings.Cut(c.Emergency, "%s")
		for name, text := range map[string]string{
			"unreadable": c.Unreadable, "clarify": c.Clarify, "off-topic": c.OffTopic, "person": c.HumanQueued,
			"safe": c.SafeThanks, "thanks": c.ThanksReply,
		} {
			if body == text {
				return name
			}
		}
		switch {
		case strings.HasPrefix(body, welcome):
			return "menu"
		case strings.HasPrefix(body, emergency):
			return "danger"
		case strings.HasPrefix(body, c.QueueUpdate+c.QueuePassed):
			return "passed"
		}
	}
	return "unexpected: " + body
}

// TestBadInputIsReadOrClassedOther sends what a keyboard, a copy and
// paste or a broken phone can produce through the whole engine: each is
// read as what it says or as something the bot could not place, and gets
// an answer; none stops the engine or another person's conversation.
func TestBadInputIsReadOrClassedOther(t *testing.T) {
	// "could not place": a clarifying question, what the bot can help
	// with, or the menu; never silence, never an FAQ guess.
	unplaced := []string{"clarify", "off-topic", "menu"}
	cases := []struct {
		label string
		text  string
		want  []string
	}{
		{"empty text", "", []string{"unreadable"}},
		{"only spaces and line breaks", " \n\t \r\n", []string{"unreadable"}},
		{"only invisible characters", "\u200b\u200d\u2060\ufeff", append([]string{"unreadable"}, unplaced...)},
		// A smiling face is read as "we're fine", as 👍 is: understood, as
		// the issue allows for emoji, or not placed at all.
		{"only emoji", "😀🎉🌈", append([]string{"safe"}, unplaced...)},
		{"emoji with skin tones and joiners", "👨‍👩‍👧‍👦👍🏽", append([]string{"safe", "thanks"}, unplaced...)},
		{"4,096 Latin letters", strings.Repeat("abcdefg ", 512), unplaced},
		{"one short word a thousand times", strings.Repeat("the ", 1000), unplaced},
		{"4,096 Arabic letters", strings.Repeat("ثقصفغعهخ", 512), unplaced},
		{"4,096 characters of a real request", (strings.Repeat("please, I want to talk to a person ", 118))[:4096], []string{"person"}},
		{"mixed scripts in one greeting", "hello مرحبا नमस्ते", append([]string{"menu"}, unplaced...)},
		{"mixed scripts in one request", "I need help مساعدة please", append([]string{"person"}, unplaced...)},
		{"zero-width joiner inside a word", "I want to talk to a per\u200dson", append([]string{"person"}, unplaced...)},
		{"zero-width space inside danger", "my father col\u200blapsed and is not breathing", []string{"danger"}},
		{"right-to-left override around a request", "\u202eplease help us\u202c", append([]string{"person"}, unplaced...)},
		{"right-to-left override inside Arabic danger", "نحن محاصرون\u202e على السطح", []string{"danger"}},
		{"control characters", "\x00\x01\x02\x1b[31m", append([]string{"unreadable"}, unplaced...)},
		{"bytes that are not UTF-8", "\xff\xfe\xfd", append([]string{"unreadable"}, unplaced...)},
	}
	var script []act
	for i, c := range cases {
		script = append(script, act{From: fmt.Sprintf("4477009%05d", i), Says: c.text})
	}
	// Afterwards the engine still answers a new person.
	script = append(script, act{From: "447700999999", Says: "hello"})
	turns := play(t, script)
	for i, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			// The person's own replies; to anyone else only the notice
			// that someone in danger or needing help was placed ahead.
			var own []json.RawMessage
			for _, raw := range turns[i].Sent {
				if r := recipient(raw); string(r) == turns[i].From {
					own = append(own, raw)
				} else if got := outcome(t, []json.RawMessage{raw}); got != "passed" {
					t.Errorf("a reply went to %s: %s", r, got)
				}
			}
			got := outcome(t, own)
			if slices.Contains(c.want, got) {
				return
			}
			t.Errorf("%.60q: the bot answered %s, want one of %v", c.text, got, c.want)
		})
	}
	if got := outcome(t, turns[len(cases)].Sent); got != "menu" {
		t.Errorf("after the bad input a greeting got %s, want the menu", got)
	}
}
