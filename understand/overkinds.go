package understand

import "strings"

// Two ways of telling a danger as over that the resolution reading
// (resolved.go) did not know: a light injury or a scare told with the care
// already given ("the burn was small, the nurse dressed it and he's back
// playing", "CT normal, no bleeding, he comes home tonight", "3 points à la
// joue, il mange une glace"), and a hazard told as stopped before it
// reached the sender ("the flood stopped two streets away, no water in the
// house"). Both are resolution markers: the message is then read as over
// only with how the people are now, no plea, no need, nothing still going
// on and no sign of illness told after the marker, so "they bandaged him
// but he won't wake up" and "the water never got in downstairs but grandma
// is trapped upstairs" stay danger.

// careGiven tell that care for an injury or a scare has been given and
// was enough: stitched, bandaged, a plaster cast, the injection or
// antidote given, checked over, tests or a scan normal, sent home.
var careGiven = []string{
	"stitched", "stitched up", "got stitches", "had stitches", "few stitches", "bandaged", "bandaged up", "dressed it", "dressed the wound",
	"patched up", "patched him up", "patched her up", "in a cast", "put a cast", "got the injection", "had the injection", "had his injection",
	"had her injection", "got the antivenom", "had the antivenom", "got his jab", "had his jab", "took his antihistamine", "took her antihistamine",
	"checked him over", "checked her over", "checked them over", "checked us over", "came back clear", "came back normal", "tests are normal",
	"scan was normal", "scan is normal", "discharged", "sent home", "sent us home", "doctor says he's fine", "doctor says she's fine",
	"doctor said it's nothing", "nurse dressed",
	"recousu", "recousue", "points de suture", "bandé", "bandée", "fait le pansement", "un pansement", "plâtré", "plâtrée",
	"a eu sa piqûre", "a eu son vaccin", "a eu l'injection", "l'ont examiné", "l'ont examinée", "bilan est bon", "examens normaux",
	"scanner normal", "radio normale", "ils l'ont soigné", "ils l'ont soignée", "sorti des urgences", "sortie des urgences", "rentrés des urgences",
	"lo vendó", "la vendó", "lo vendaron", "la vendaron", "vendado", "vendada", "le pusieron puntos", "puntos de sutura", "le cosieron",
	"enyesado", "enyesada", "le pusieron la vacuna", "le pusieron la inyección", "le pusieron el antídoto", "lo revisaron", "la revisaron",
	"lo curaron", "la curaron", "le dieron de alta", "dado de alta", "dada de alta", "los estudios salieron bien", "salió normal",
	"genäht", "wurde genäht", "verband drauf", "pflaster drauf", "gegipst", "eingegipst", "spritze bekommen", "impfung bekommen",
	"durchgecheckt", "ist unauffällig", "war unauffällig", "verarztet",
	"levou pontos", "deram pontos", "enfaixou", "enfaixaram", "enfaixado", "enfaixada", "fez o penso", "fez o curativo", "fizeram o curativo",
	"engessado", "engessada", "tomou a vacina", "tomou a injeção", "tomou o soro", "examinaram", "teve alta", "deu alta", "recebeu alta",
	"exames normais",
	// a boat towed in, a breathing treatment given
	"towed in", "towed back", "towed to shore", "got towed", "remorqué", "remorqués", "remolcaron", "remolcado", "abgeschleppt", "eingeschleppt",
	"rebocaram", "rebocado", "سحبوه", "سحبوهم", "سحبوا القارب", "sa7abouh", "sa7abouhom", "nebuliser", "nebulizer", "had her inhaler",
	"a pris la nébulisation", "la nebulizaron", "inhaliert", "fez nebulização", "اخذت البخار", "اخذ البخار", "a5det el ba5a5", "a5ad el ba5a5",
	"khadet el bukhar", "भाप ली", "भाप दी", "نیبولائزر", "بھاپ لی",
	"خيطوا", "خيطوه", "خيطوها", "غرز", "ضمدوه", "ضمدوها", "ضمدته", "لفوه", "لفوها", "جبسوه", "جبسوها", "اخذ الابره", "اخذت الابره",
	"اخذ الحقنه", "اخذت الحقنه", "اخذ المصل", "فحصوه", "فحصوها", "طمنونا", "الاشعه سليمه", "التحاليل سليمه", "كتبوا له خروج",
	"laffeto", "laffouh", "laffoha", "dammadouh", "dammadoha", "khayyatouh", "5ayyatouh", "ghoraz", "jabbasouh", "5ad el ebra", "khad el ebra",
	"5ad el masl", "fa7asouh", "fa7asoha", "tamanouna",
	"टांके लगे", "टांके लग गए", "टाँके लगे", "पट्टी कर दी", "पट्टी बांध दी", "पट्टी बाँध दी", "पट्टी है", "प्लास्टर चढ़ा", "इंजेक्शन लग गया",
	"इंजेक्शन लग गए", "टीका लग गया", "डॉक्टर ने देख लिया", "रिपोर्ट नॉर्मल", "नॉर्मल आया", "नॉर्मल आई", "छुट्टी मिल गई", "अब खतरा नहीं",
	"tanke lage", "patti kar di", "patti bandh di", "injection lag gaya", "injection lag gaye", "tika lag gaya", "report normal", "chutti mil gayi",
	"ab khatra nahi",
	"ٹانکے لگے", "ٹانکے لگ گئے", "پٹی کر دی", "پٹی باندھ دی", "پٹی ہے", "پلستر چڑھا", "انجکشن لگ گیا", "انجکشن لگ گئے", "ٹیکہ لگ گیا",
	"ویکسین لگ گئی", "ڈاکٹر نے دیکھ لیا", "رپورٹ نارمل", "نارمل آیا", "نارمل آئی", "چھٹی مل گئی", "اب خطرہ نہیں",
}

// liftedBack tell that an evacuation or a cordon was lifted, or that
// someone was brought back: the people are back where they live.
var liftedBack = []string{
	"evacuation lifted", "evacuation order lifted", "cordon lifted", "cordon removed", "let us back", "allowed back", "allowed home",
	"évacuation levée", "périmètre est levé", "périmètre levé", "on a pu rentrer", "nous a ramenés", "ramené", "ramenée", "ramenés",
	"levantaron la evacuación", "quitaron el cerco", "nos dejaron volver", "nos trajeron", "lo trajeron", "la trajeron",
	"absperrung aufgehoben", "durften zurück", "zurückgebracht",
	"evacuação suspensa", "liberaram a área", "deixaram voltar", "pudemos voltar", "nos trouxeram", "trouxeram de volta",
	"رفعوا الاخلاء", "الغوا الاخلاء", "سمحوا لنا نرجع", "رجعونا", "رجعوه", "رجعوها",
	"rafa3o el i5la2", "rafa3o el ikhla2", "raf3o el i5la2", "rag3ouna", "rj3ouna",
	"घेरा हटा", "वापस जाने दिया", "वापस ले आए", "ghera hata", "wapas le aaye",
	"گھیرا ہٹا", "واپس جانے دیا", "واپس لے آئے",
	// someone on a bridge's wrong side came back over
	"came back over", "climbed back over", "came down off the", "wapas is taraf aa gaya", "wapas is taraf aa gya", "वापस इस तरफ आ गया",
	"वापस इस तरफ़ आ गया", "واپس اس طرف آ گیا", "نزل من على سور", "نزل عن السور", "nezel mn 3ala sour", "nezel men 3ala sour",
	"est revenu de ce côté", "est redescendu", "volvió a este lado", "se bajó de la baranda", "zurückgeklettert", "voltou para o lado de cá",
}

// keptAway tell that a hazard stopped before it reached the sender's
// home or people: it never got in, stopped streets away, went past.
var keptAway = []string{
	"never got in", "water didn't get in", "water didnt get in", "nothing got in", "stopped short", "stopped two streets", "stopped a street",
	"stayed two streets", "stayed a street", "missed us", "missed the house",
	"n'est pas entrée", "rien n'est entré", "pas d'eau dans la maison", "nous a épargnés",
	"el agua no entró", "no entró agua", "no entró nada", "no llegó a la casa", "no nos tocó", "nos salvamos",
	"wasser kam nicht ins haus", "nicht ins haus gekommen", "hat uns verschont",
	"água não entrou", "agua nao entrou", "a água não chegou", "agua nao chegou", "parou antes", "nos poupou",
	"ما دخلش", "وقف قبل", "وقفت قبل", "w2ef 2abl", "wa2fet 2abl",
	"पानी अंदर नहीं आया", "पानी घर तक नहीं", "पहले रुक गया", "pani andar nahi aaya", "pani ghar tak nahi",
	"پانی اندر نہیں آیا", "پانی گھر تک نہیں", "پہلے رک گیا",
	// the fire turned away from the sender
	"ont tourné vers", "a tourné vers", "turned away from", "turned towards the hills", "turned toward the hills", "giró hacia", "cambió de dirección",
	"hat gedreht", "drehte ab", "virou para", "mudou de direção", "غير اتجاهه", "لفت عالجبل", "ghayyar ettijaho", "रुख बदल", "رخ بدل",
}

// calmAfterCare tell how one person is once it is over: he is fine, she is
// ok, at home tonight, out of danger.
var calmAfterCare = []string{
	"he's fine", "hes fine", "she's fine", "shes fine", "he's ok", "hes ok", "she's ok", "shes ok", "he's okay", "she's okay", "totally fine",
	"perfectly fine", "home tonight", "home today", "coming home", "going home",
	"il va bien", "elle va bien", "chez lui", "chez elle", "c'est tout", "rien de cassé",
	"está bien", "esta bien", "perfectamente", "en su casa", "nada más",
	"geht gut", "gut zwäg", "ist daheim", "nichts gebrochen",
	"tá bem", "ta bem", "está bem", "esta bem", "tá ótimo", "em casa",
	"ما فيها شي", "ما فيه شي", "عايش", "منيح", "منيحه", "ma fiha shi", "ma fih shi", "mnee7a", "mni7a",
	"घबराने की बात नहीं", "खतरे से बाहर", "ठीक है", "ghabrane ki baat nahi", "khatre se bahar",
	"گھبرانے کی بات نہیں", "خطرے سے باہر", "ہوش میں",
	// fine again, told as a state
	"fine now", "ok now", "okay now", "better now", "safe now", "breathing easy", "breathing normally", "breathing fine", "va bien maintenant",
	"respire bien", "remange", "ya está bien", "está bien ahora", "respira bien", "geht es wieder gut", "atmet normal", "está bem agora",
	"tá bem agora", "respira bem", "a brincar", "a comer", "منيح هلق", "كويس دلوقتي", "بخير الحين", "يتنفس عادي", "yetnaffas 3adi", "अब ठीक",
	"ab theek", "सांस ठीक", "اب ٹھیک", "سانس ٹھیک", "खतरा नहीं", "khatra nahi", "خطرہ نہیں",
	// back home or on the way, the police or family with them
	"on est rentrés", "nous sommes rentrés", "kommt heim", "heute heim", "kommt nach hause", "घर आ रहे", "ghar aa rahe", "گھر آ رہے",
	"rje3na", "رجعنا البيت", "ورجعنا", "estamos con ella", "estamos con él", "police are with him", "police are with her", "police with him",
	"police with her", "police uske saath", "पुलिस उसके साथ", "पुलिस साथ है", "polícia tá com", "policia ta com", "الشرطه معاه", "الشرطه معه", "shorta ma3ah", "پولیس ساتھ",
	"bekhair", "bi khair", "عايش*",
	// cold but well, talking, breathing and feeding again
	"fine just cold", "fine but cold", "b5eir bas bardanin", "بخير بس بردانين", "bien mais frigorifiés", "bien pero con frío",
	"talking to us", "he's talking", "she's talking", "bat kar raha", "baat kar raha", "baat kar rahi", "बात कर रहा", "बात कर रही", "بات کر رہا", "بات کر رہی",
	"breathing normally again", "رجع طبيعي", "رجعت طبيعيه", "rege3 tabi3i", "rej3 tabi3i", "بتتنفس كويس", "بيتنفس كويس", "btetnaffas kwayyes",
	"وبترضع", "بترضع", "ta mamando", "tá mamando", "está mamando", "mamando direitinho", "ja fez xixi", "já fez xixi", "tete bien", "feeding well",
	"respire normalement", "tout le monde respire", "atmet wieder",
	// a light injury: a scratch, a bruise, a sprain
	"scratches", "a scratch", "a bruise", "just a bruise", "a sprain", "une entorse", "une égratignure", "un rasguño", "rasguños", "moretón",
	"esguince", "kratzer", "prellung", "verstaucht", "arranhão", "arranhões", "torção", "خدوش", "خربوش", "رضوض", "5doosh", "khdoosh", "खरोंच",
	"kharonch", "kharoch", "موچ", "خراشیں", "خراش",
}

// concat returns the lists joined in a new slice.
func concat(lists ...[]string) []string {
	var all []string
	for _, l := range lists {
		all = append(all, l...)
	}
	return all
}

// signGone tell, right after a sign of illness, that it has gone: "swelling
// gone", "fever down", "la fièvre est tombée", "الحرارة نزلت", "बुखार उतर
// गया". The sign is then what ended, a resolution marker, not a new turn.
var signGone = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{
		"gone", "down", "went", "has", "is", "broke", "disparu", "disparue", "tombée", "tombé", "baissé", "est", "a", "bajó", "se", "ya", "weg",
		"runter", "gesunken", "ist", "sumiu", "baixou", "passou", "راح", "راحت", "نزلت", "نزل", "خف", "خفت", "ra7", "ra7et", "nezlet", "5aff",
		"उतर", "चला", "चली", "कम", "utar", "chala", "kam", "اتر", "چلا", "چلی", "کم",
	} {
		m[Normalize(w)] = true
	}
	return m
}()

// signGoneAfter are the second words that, after an auxiliary in signGone
// ("has gone", "est tombée", "se fue", "ist weg"), finish telling it.
var signGoneAfter = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{
		"gone", "down", "away", "disparu", "disparue", "tombée", "tombé", "baissé", "partie", "parti", "fue", "bajó", "weg", "runter", "gesunken",
		"गया", "गई", "हो", "gaya", "gayi", "ho", "گیا", "گئی", "ہو",
	} {
		m[Normalize(w)] = true
	}
	return m
}()

// signEnded returns the end in padded of the words telling that the sign
// ending at end has gone, 0 when they do not.
func signEnded(padded string, end int) int {
	rest := padded[min(end, len(padded)):]
	words := strings.Fields(rest)
	if len(words) == 0 || !signGone[words[0]] {
		return 0
	}
	n := 1
	switch words[0] {
	case "went", "has", "is", "est", "a", "se", "ya", "ist", "उतर", "चला", "चली", "कम", "utar", "chala", "kam", "اتر", "چلا", "چلی", "کم":
		// an auxiliary or a verb that needs its second word
		if len(words) < 2 || !signGoneAfter[words[1]] {
			return 0
		}
		n = 2
	}
	at := end
	for i := 0; i < n; i++ {
		j := strings.Index(padded[at:], words[i])
		at += j + len(words[i])
	}
	return at + 1
}
