package understand

// A roll call ticked through ("mum ✅ dad ✅ gran ✅ all upstairs before the
// water came") counts the sender's people as well one by one: the hazard
// it names is what they got away from. It is read as safe only when every
// mark is a tick, nothing is contrasted or negated, and no situation
// concept names someone at risk: "mum ✅ dad ✅ grandpa ❌ still inside" and
// "all ✅ but the neighbour is trapped" stay danger.

// rollCallMin is the fewest ticks that make a roll call: one or two ticks
// are a "✅ got it".
const rollCallMin = 3

// rollCallTicked reports whether text is a roll call with everyone ticked.
func rollCallTicked(text string, rd *reading) bool {
	ticks := 0
	for _, r := range text {
		switch r {
		case '✅', '✔', '☑':
			ticks++
		case '❌', '✖', '❎', '⛔', '❓', '❗', '⁉', '?', '؟', '🆘':
			return false // someone not ticked, or a question
		}
	}
	if ticks < rollCallMin || negatedSet.match(rd.padded) || conceptAt(rd.masked) >= 0 {
		return false
	}
	return !rollCallButSet.match(rd.padded)
}

// rollCallBut are the contrast words that can add someone not ticked; the
// Hindi and Urdu "पर", "پر" are left out, as they are also "on" ("छत पर").
var rollCallButSet = compile([]string{
	"but", "except", "apart from", "mais", "sauf", "à part", "pero", "menos", "excepto", "salvo", "aber", "außer", "ausser", "mas", "exceto", "menos",
	"بس", "لكن", "الا", "ما عدا", "غير", "bas", "bass", "lakin", "ghir", "लेकिन", "मगर", "सिवाय", "lekin", "magar", "siwaye", "sivay",
	"لیکن", "مگر", "سوائے",
})
