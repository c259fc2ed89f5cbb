package understand

import "testing"

// TestForwarded checks that a forwarded chain or rumour naming a hazard is
// chatter or a question, and that a person at risk beside it keeps danger.
func TestForwarded(t *testing.T) {
	checkClasses(t, []classCase{
		{"my uncle forwarded a voice note saying the gas plant will blow up at midnight and we must leave, is that true", Question}, // en rumour asked
		{"me llegó un mensaje reenviado de que la presa revienta hoy y que hay que evacuar, es verdad?", Question},                  // es rumor
		{"फॉरवर्ड: यह दुआ 7 लोगों को भेजो, तुम्हारा घर आग और बाढ़ से बचा रहेगा", Other},                                             // hi chain
		{"someone forwarded that the dam broke, is it true? my son is trapped by the water on the bridge", Danger},                  // en rumour, child at risk
	})
	if got := forwardedReading(&reading{padded: " is it true ", masked: " is it true "}); got != "" {
		t.Errorf("not forwarded: got %s", got)
	}
}
