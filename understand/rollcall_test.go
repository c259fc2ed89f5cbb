package understand

import "testing"

// TestRollCall checks that a roll call ticked through is safe and that one
// not ticked, a contrast or a question keeps the danger it names.
func TestRollCall(t *testing.T) {
	checkClasses(t, []classCase{
		{"mum ✅ dad ✅ nan ✅ dog ✅ all upstairs before the water came, it's going down now", Safe}, // en all ticked
		{"maman ✅ papa ✅ mamie ✅ Léo ✅ tout le monde est monté au grenier avant l'eau", Safe},     // fr all ticked
		{"दादी ✅ चाचा ✅ भाभी ✅ मुन्ना ✅ बाढ़ से पहले सब छत पर पहुँच गए", Safe},                    // hi all ticked
		{"mum ✅ dad ✅ nan ❌ she is still in the flooded kitchen and can't get up", Danger},        // en one crossed
		{"mum ✅ dad ✅ kids ✅ but grandad is trapped in the car in the water", Danger},             // en ticked but
	})
}
