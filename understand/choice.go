package understand

import "strings"

// A choice asked about what to do in a hazard ("in a wildfire is it better
// to leave by car or stay in with everything shut", "si l'huile prend feu
// dans la poêle, de l'eau ou un couvercle", "اذا صار تسرب غاز نطلع ولا
// نقعد") is advice sought ahead of time, told with the hazard's words and
// often with no question mark or question word. It is read as a what-if
// (hypotheticalCues): a choice word ("better to", "es mejor", "بہتر") or a
// condition at the start, an alternative ("or", "ou", "ولا", "या") after
// it, and nothing naming a person at risk (no danger phrase, no risk pair,
// no situation about a person). "Is it better to drive him or wait, he is
// not breathing" names a person at risk and keeps the ordinary reading.

// choiceWords ask which of two things is better or safer.
var choiceWords = []string{
	"better to", "safer to", "best to", "is it better", "is it safer", "which is safer", "which is better",
	"vaut mieux", "il vaut mieux", "est-il mieux", "c'est mieux", "mieux de", "plus sûr de",
	"es mejor", "lo mejor es", "qué es mejor", "más seguro",
	"ist es besser", "besser ist es", "sicherer ist", "was ist besser",
	"é melhor", "o melhor é", "mais seguro",
	"احسن", "الاحسن", "افضل", "الافضل", "a7san", "ahsan", "afdal", "el afdal",
	"बेहतर", "behtar", "بہتر",
}

// orWords join the alternatives; normalised, "où" is "ou" too, so the
// alternative must follow the choice word or the condition.
var orWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{"or", "ou", "o", "oder", "ولا", "او", "أو", "walla", "wala", "wella", "wla", "aw", "या", "یا"} {
		m[Normalize(w)] = true
	}
	return m
}()

var choiceSet = compile(withDeaccent(choiceWords))

// choiceAsk reports whether padded asks a choice between two things to do,
// after a choice word or a condition at the start, naming nobody at risk.
func choiceAsk(padded string) bool {
	at := choiceSet.last(padded, false)
	if at < 0 {
		for _, w := range ifOpeners {
			if strings.HasPrefix(padded, w) {
				at = len(w)
				break
			}
		}
	}
	if at < 0 && cueSets.scan(padded)&cueIf != 0 {
		at = 0 // "कड़ाही में आग लग जाए तो पानी डालें या ढक्कन", "اذا صار ... نطلع ولا نقعد"
	}
	if at < 0 {
		return false
	}
	alt := false
	for _, w := range strings.Fields(padded[at:]) {
		if orWords[w] {
			alt = true
			break
		}
	}
	if !alt {
		return false
	}
	masked := maskNotHazard(padded)
	strong, _ := dangerSet.scan(masked)
	if strong || pairedRisk(masked) {
		return false
	}
	c := conceptAt(masked)
	return c < 0 || concepts[c].hazard
}

// A plan asked ahead under a condition, then the sender's status now: "if
// the water reaches the door tonight, roof or leave? we're fine now",
// "اگر رات کو پانی دروازے تک آ گیا تو چھت پر جائیں یا گھر چھوڑ دیں؟ ابھی سب
// ٹھیک ہے". The options name strong places (the roof), which keeps
// choiceAsk from reading a what-if; the condition told first, the question
// mark and the well-being told after it, with nothing naming a danger
// after the question, say the danger is one that may come. Only a
// condition opens it: "we're on the roof, better to stay or swim? ok for
// now" is no what-if.
func plannedAhead(padded string) bool {
	q := strings.LastIndexByte(padded, '?')
	if q < 0 {
		return false
	}
	tail := padded[q+1:]
	if !(wellSet.match(tail) || fineNowSet.match(tail)) || negatedSet.match(tail) || !signlessMasked(maskNotHazard(tail)) {
		return false
	}
	at := -1
	for _, w := range ifOpeners {
		if strings.HasPrefix(padded, w) {
			at = len(w)
			break
		}
	}
	if at < 0 && cueSets.scan(padded[:q+1])&cueIf != 0 {
		at = 0 // "آ گیا تو", "आ गया तो": the condition told by the verb
	}
	if at < 0 || at > q {
		return false
	}
	for _, w := range strings.Fields(padded[at:q]) {
		if orWords[w] {
			return true
		}
	}
	return false
}

// fineNowSet tells the sender's status now in the words wellSet lacks.
var fineNowSet = compile([]string{
	"احنا تمام", "نحنا تمام", "نحن تمام", "كلنا تمام", "تمام هلق", "تمام هلا", "تمام الحين", "تمام دلوقتي", "منيحين هلق", "e7na tamam",
	"ne7na tamam", "tamam halla2", "tamam hala2", "kollna tamam",
})
