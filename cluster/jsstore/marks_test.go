package jsstore

import (
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// markMsg is a stored message as an export reads it: a subject, headers
// and data.
type markMsg struct {
	jetstream.Msg
	subject string
	data    []byte
}

func (m markMsg) Subject() string      { return m.subject }
func (m markMsg) Headers() nats.Header { return nats.Header{} }
func (m markMsg) Data() []byte         { return m.data }

// An export passes over a scope's markers, of this build's kind and of
// kinds a later build may add (a rolling upgrade runs both), exports a
// record, and fails on a subject that is neither.
func TestExportSkipsMarkersOfEveryKind(t *testing.T) {
	base := "rec.u.3.15550001"
	cases := []struct {
		label   string
		subject string
		record  bool
		fails   bool
	}{
		{"this build's marker", base + "." + markToken, false, false},
		{"a marker kind added later", base + ".fold", false, false},
		{"a record", subjectOf(base, []byte("s15550001")), true, false},
		{"a record whose key is one byte", subjectOf(base, []byte("m")), true, false},
		{"a key token that is not hex", base + ".zz", false, true},
		{"a word under a key token", subjectOf(base, []byte("s")) + ".mark", false, true},
		{"an upper-case word", base + ".MARK", false, true},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			var got []Exported
			err := exportOne(markMsg{subject: c.subject, data: []byte("v")}, &jetstream.MsgMetadata{Timestamp: time.Now()},
				func(r Exported) error { got = append(got, r); return nil })
			switch {
			case c.fails && err == nil:
				t.Fatalf("%s exported as %v, want an error", c.subject, got)
			case !c.fails && err != nil:
				t.Fatalf("%s: %v", c.subject, err)
			case c.record != (len(got) == 1):
				t.Fatalf("%s exported %v, want a record: %v", c.subject, got, c.record)
			}
		})
	}
}
