package understand

import "testing"

// TestRetracted checks that a message taking back an earlier one is read
// from what follows the retraction: a danger told after a retracted "we
// are fine" is danger, a well-being told after a retracted danger is not.
func TestRetracted(t *testing.T) {
	checkClasses(t, []classCase{
		{"forget my last message where i said all good, the river broke the bank and my grandad is stuck upstairs in his wheelchair", Danger}, // en water after retraction
		{"oubliez mon message de ce matin où je disais que tout va bien, l'eau monte dans la cave et papi ne peut pas marcher", Danger},       // fr after retraction
		{"olviden mi mensaje de antes que estábamos bien, se está cayendo el techo y la abuela no puede caminar", Danger},                     // es after retraction
		{"पिछला मैसेज भूल जाओ, घर में पानी घुस रहा है और दादी चल नहीं सकती", Danger},                                                          // hi after retraction
		{"forget my last message, we're all fine now, the power is back", Safe},                                                               // en fine after retraction
	})
	for _, c := range []struct{ text, rest string }{
		{"ignore what i said, the roof is cracking", "the roof is cracking"},
		{"the roof is cracking", "the roof is cracking"},
		{"forget my message.", "forget my message."}, // nothing follows: kept whole
	} {
		if got, _ := retracted(c.text); got != c.rest {
			t.Errorf("retracted(%q) = %q, want %q", c.text, got, c.rest)
		}
	}
}
