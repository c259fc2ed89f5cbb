package understand

import "testing"

// TestForwarded checks that a forwarded chain or rumour naming a hazard is
// chatter or a question, and that a person at risk beside it keeps danger.
func TestForwarded(t *testing.T) {
	m := Default()
	for _, c := range []struct {
		label, text string
		want        Class
	}{
		{"en rumour asked", "my uncle forwarded a voice note saying the gas plant will blow up at midnight and we must leave, is that true", Question},
		{"es rumor", "me llegó un mensaje reenviado de que la presa revienta hoy y que hay que evacuar, es verdad?", Question},
		{"hi chain", "फॉरवर्ड: यह दुआ 7 लोगों को भेजो, तुम्हारा घर आग और बाढ़ से बचा रहेगा", Other},
		{"en rumour, child at risk", "someone forwarded that the dam broke, is it true? my son is trapped by the water on the bridge", Danger},
	} {
		if got := m.Understand(c.text); got.Class != c.want {
			t.Errorf("%s: %q = %s (rule %q), want %s", c.label, c.text, got.Class, got.Rule, c.want)
		}
	}
	if got := forwardedReading(&reading{padded: " is it true ", masked: " is it true "}); got != "" {
		t.Errorf("not forwarded: got %s", got)
	}
}
