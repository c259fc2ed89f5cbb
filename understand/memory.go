package understand

// An old disaster remembered aloud, the way a parent always tells it ("been
// thinking about the 76 heatwave my dad always goes on about, tar melting on
// the road, anyway", "je repensais à la tempête de 99 que mon père raconte
// tout le temps, bref", "lembrei da cheia de 41 que meu bisavô contava,
// enfim"): chatter. The classifier reads the disaster's words as today's.
// Told with a remembering phrase, no danger phrase naming a person, no
// situation and no urgent cue, a danger the classifier alone read is
// chatter; "I remember the 2010 flood and now the water is at the door
// again" holds an urgent cue and stays a danger.

// RuleMemory marks a danger read as chatter: an old disaster remembered.
const RuleMemory = "memory"

// rememberSet tells an old event remembered or retold as a habit.
var rememberSet = compile(withDeaccent([]string{
	"been thinking about the", "thinking about the", "i remember the", "remember the", "reminded me of the", "always goes on about",
	"always tells", "used to tell", "goes on about",
	"je repensais à", "je repensais a", "je me souviens de", "ça me rappelle", "raconte tout le temps", "racontait",
	"me acordé de", "me acorde de", "me acordé del", "me acorde del", "me recuerda", "siempre contaba", "contaba mi", "cuenta siempre",
	"musste an", "denken an den", "erinnere mich an", "immer erzählt", "immer erzaehlt", "erzählt immer", "hat immer erzählt",
	"lembrei da", "lembrei do", "me lembro da", "me lembro do", "contava", "sempre contava",
	"تذكرت", "افتكرت", "بتذكر", "كان يحكي عنه", "كان دايما يحكي", "tfakkart", "tfkkrt", "dima kay7ki", "kay7ki 3lih", "kan y7ki",
	"याद आ गई", "याद आया", "याद है वो", "सुनाया करते", "सुनाते थे", "yaad aa gayi", "sunaya karte",
	"یاد آ گئی", "یاد آیا", "سنایا کرتے", "سناتے تھے",
}))

// memoryOnly reports an old disaster remembered, nothing naming a person
// at risk, no situation and nothing urgent.
func memoryOnly(rd *reading) bool {
	if !rememberSet.match(rd.padded) {
		return false
	}
	strong, _ := dangerSet.scan(rd.masked)
	return !strong && !pairedRisk(rd.masked) && conceptAt(rd.masked) < 0 && cueSets.scan(rd.padded)&cueUrgent == 0 && !pleaSet.match(rd.padded)
}
