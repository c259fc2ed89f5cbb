package understand

import "strings"

// A fire told in the pluperfect in Hindi and Urdu ("रसोई में आग लग गई
// थी पर सब ठीक हैं", "آگ لگ گئی تھی لیکن سب ٹھیک ہیں": the fire had
// caught, everyone is fine) is a fire that was, where "आग लग गई" alone
// (the fire has caught) is one burning now and a danger phrase. With its
// past auxiliary the phrase is read as the hazard word alone, which a
// message saying everyone is fine does not raise; someone trapped or hurt
// beside it still does ("आग लग गई थी और दादी अंदर फंसी हैं").

// pastFires are the pluperfect phrases, normalised, with the length of
// their first word (the fire), which stays.
var pastFires = func() []string {
	var l []string
	for _, p := range []string{
		"आग लग गई थी", "आग लग गयी थी", "आग लग गया था", "आग लगी हुई थी",
		"آگ لگ گئی تھی", "آگ لگ گئ تھی", "آگ لگ گیا تھا", "آگ لگی ہوئی تھی",
		"aag lag gayi thi", "aag lag gai thi", "aag lag gaya tha", "aag lagi hui thi",
	} {
		l = append(l, " "+Normalize(p)+" ")
	}
	return l
}()

// pastFireMasked returns masked with each pluperfect fire's verb blanked,
// the fire word kept.
func pastFireMasked(masked string) string {
	for _, p := range pastFires {
		for {
			i := strings.Index(masked, p)
			if i < 0 {
				break
			}
			fire := strings.IndexByte(p[1:], ' ') + 1 // " आग" up to the space after it
			masked = masked[:i+fire] + strings.Repeat(" ", len(p)-fire-1) + masked[i+len(p)-1:]
		}
	}
	return masked
}

// fireHi and fireUr are the words for fire, normalised: a message without
// them or " aag " holds no pluperfect fire.
var (
	fireHi = Normalize("आग")
	fireUr = Normalize("آگ")
)
