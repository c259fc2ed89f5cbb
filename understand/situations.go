package understand

import (
	"strings"
	"unicode/utf8"
)

// Situations are dangers told by what is happening to whom, in whatever
// words: a concept made of broad word classes (a person, gone, a hostile
// place) rather than of the phrases one message used. Five are read here,
// in the nine varieties:
//   - someone not back, missing or not heard of while the message names a
//     hazard or a hostile place (a storm, a sandstorm, the sea, a well, a
//     canal overflowing, a wildfire, snow, the desert), or someone fallen
//     into a well or a pit; not when found or back;
//   - "we are all fine but <someone> ...": a person gone or trapped in the
//     clause after "but" outranks the safe clause before it;
//   - a device that needs power (ventilator, oxygen concentrator, suction,
//     home dialysis, LVAD, feeding pump) in a power cut, its battery told
//     low in any way (bars, percent, "red", "almost dead", hours left);
//   - a fever told as a number in someone on chemotherapy or dialysis who
//     shivers or is confused, or in a baby under three months;
//   - someone who cannot move themselves with a hazard coming and no way
//     out (the road closed, no car, the lift broken).
//
// Questions, events long past and what-ifs are kept apart by dangerRule,
// as for every concept; news from elsewhere is an unless of each.

// sitPerson names someone who can be at risk: the people of the concepts
// and the relatives, with the honorifics and dialect words people use.
// Pronouns are left out: "it didn't reach us" and "el incendio no llegó"
// name nobody, and a person gone is named by who they are.
var sitPerson = append(withoutPronouns(careRelative),
	"uncle", "auntie", "oncle", "tante", "tío", "tía", "tio", "tia", "onkel", "عمي", "خالي", "عمتي", "خالتي", "3ammi", "khali", "3ami", "khalti",
	"चाचा", "मामा", "ताऊ", "chacha", "mamu", "mamoo", "چچا", "ماموں", "تایا",
	"pescador", "pescadores", "pêcheur", "pêcheurs", "fischer", "berger", "pastor", "hirte", "vô", "vó", "bba", "bouya", "pitaji", "पिता", "पिता जी",
	"grandad", "granddad", "grandpa's", "the kids", "the children", "my boy", "my girl", "shepherd", "fisherman", "fishermen",
	"pépé", "mémé", "les enfants", "los niños", "los chicos", "mi viejo", "mi vieja", "die kinder", "opi", "omi", "as crianças", "vovô", "vovó", "vovo", "vova",
	"جدو", "جدي", "جدتي", "ستي", "بنت الجيران", "ابن الجيران", "بنت جارتنا", "بنت جارنا", "الراعي", "الصياد", "الصيادين",
	"jidi", "jiddi", "jeddi", "jaddi", "jeddo", "jedda", "tata", "bent jara", "bent jiran", "bent jarna", "weld jara", "wld jiran", "ibn el jiran",
	"bint el jiran", "bent el jiran", "jda", "jdati", "l7aj", "el 7aj", "l7ajja", "weldi", "benti", "bnti", "khoya", "khti", "mra", "rajli", "rajel",
	"दादाजी", "नानाजी", "दादीजी", "नानीजी", "पिताजी", "माताजी", "बाबा", "बाबूजी", "भैया", "चाचा", "चाची", "मामा", "मामी", "ताऊ", "बेटा", "बिटिया",
	"dadaji", "nanaji", "dadiji", "naniji", "pitaji", "babuji", "chacha", "mama", "bhaiya", "bitiya",
	"دادا جی", "نانا جی", "دادی جی", "نانی جی", "ابا جی", "ابا", "اماں", "بابا", "چاچا", "ماموں", "بھیا", "abba", "ammi", "abbu", "abba ji", "dada ji", "nana ji",
)

// withoutPronouns is list without the personal pronouns of the nine
// varieties.
func withoutPronouns(list []string) []string {
	pronoun := map[string]bool{}
	for _, w := range []string{"he", "she", "he's", "she's", "him", "her", "his", "il", "elle", "él", "el", "ella", "er", "sie", "ele", "ela",
		"هو", "هي", "huwe", "hiye", "howa", "hiya", "वह", "वो", "woh", "wo", "وہ"} {
		pronoun[w] = true
	}
	var out []string
	for _, w := range list {
		if !pronoun[w] {
			out = append(out, w)
		}
	}
	return out
}

// sitGone says someone is not back, missing or cannot be reached.
var sitGone = append(append([]string{}, careMissing...),
	"not heard from", "haven't heard", "havent heard", "no sign of", "can't get hold of", "cant get hold of", "can't contact", "cant contact",
	"voicemail", "goes to voicemail", "can't get through", "cant get through", "nobody can get through", "no signal from", "sin señal de",
	"nicht aufgetaucht", "ninguém tem notícia", "sem notícia", "notícia dele", "notícia dela", "messagerie", "buzón de voz", "mailbox",
	"تلفونه مطفي", "تلفونها مطفي", "موبايله مطفي", "جواله مقفل", "جواله مغلق", "تلفونه مغلق", "tilifounou tafi", "tilifounha tafi", "tilifoun tafi",
	"telephone tafi", "tel tafi", "tilifono mtaffi", "कोई संपर्क नहीं", "फोन बंद आ रहा", "फ़ोन बंद", "phone band aa raha", "فون بند آ رہا",
	"not answering", "no answer from", "phone is off", "phone off", "still out", "still not home", "not home yet", "hasn't come home", "never arrived",
	"n'est pas rentré", "pas rentrée", "pas de nouvelles", "ne répond pas", "ne répond plus", "aucun signe",
	"no ha vuelto", "no contesta", "no responde", "no sabemos nada de", "ni rastro", "sin aparecer", "no aparece",
	"nicht zurück", "nicht erreichbar", "geht nicht ran", "meldet sich nicht", "keine spur",
	"não voltou", "nao voltou", "não atende", "nao atende", "não responde", "nao responde", "sumiu", "sumida", "sumido",
	"ما رجع", "ما رجعت", "ما رجعش", "ما رجعتش", "مارجعتش", "ما عرفناش فين", "ما نعرف وين", "ما نقدر نتصل", "ما قدرنا نتصل", "ما نگدر نتصل", "ما يرد",
	"ما ترد", "ما بترد", "ما عم ترد", "لا خبر", "ما في خبر", "ما عندنا خبر", "ما وصلنا خبر",
	"ma rj3atch", "ma rej3atch", "ma rja3tch", "ma3rafnach fin", "ma 3rafnach fin", "ma n3rfou fin", "ma na3rf fin", "ma nagder nettasel", "ma ngdar ntasel",
	"ma 2dirna nettasel", "ma nqder ntasel", "ma n9der ntasel", "ma kayjawebch", "ma katjawebch", "ma byrod", "ma btrod", "ma trod", "ma yrod", "ma wselnach khbar",
	"ma fi khabar", "la khabar", "ma 3ana khabar",
	"नहीं लौटे", "नहीं लौटी", "नहीं लौटा", "वापस नहीं", "कोई खबर नहीं", "कोई ख़बर नहीं", "फोन नहीं उठा", "फ़ोन नहीं उठा", "पता नहीं कहां", "पता नहीं कहाँ",
	"संपर्क नहीं हो", "nahi laute", "nahi lauti", "wapas nahi", "phone nahi utha", "pata nahi kahan", "khabar nahi",
	"نہیں لوٹے", "نہیں لوٹی", "نہیں لوٹا", "واپس نہیں", "کوئی خبر نہیں", "فون نہیں اٹھا", "پتہ نہیں کہاں", "پتا نہیں کہاں", "رابطہ نہیں ہو",
	"wapis nahi", "rabta nahi", "koi khabar nahi",
)

// sitHostile is a hazard or a hostile place that makes being gone a
// danger: weather, water, fire, earth moving, the desert, a well.
var sitHostile = append(append(append(append([]string{}, conceptWeather...), careWater...),
	"thunderstorm", "gewitter", "orage", "chta kbira", "बर्फबारी", "बर्फ़बारी", "برفباری", "barfbari",
	"sandstorm", "sand storm", "dust storm", "forest fire", "the fire", "avalanche", "mudslide",
	"explosion", "blast", "tornado", "the sea", "at sea", "the desert", "desert",
	"snow", "the mountains", "the well", "a well", "whiteout", "the rapids", "strong current", "rip current",
	"tempête de sable", "feux de forêt", "feu de forêt", "avalanche", "explosion",
	"la mer", "en mer", "le désert", "désert", "neige", "la montagne", "le puits",
	"tormenta de arena", "incendio forestal", "alud", "avalancha", "explosión", "explosion",
	"huracan", "el mar", "en el mar", "el desierto", "desierto", "nieve", "la sierra", "el pozo", "la montaña",
	"sandsturm", "buschfeuer", "lawine", "explosion", "wirbelsturm", "das meer", "auf see",
	"die wüste", "wüste", "schnee", "die berge", "der brunnen",
	"tempestade de areia", "queimada", "avalanche", "explosão", "explosao", "furacao",
	"o mar", "no mar", "o deserto", "deserto", "neve", "a serra", "o poço", "o poco",
	"العاصفه الرمليه", "عاصفه رمليه", "العجاج", "الغبار", "حريق", "الحرايق", "انهيار", "انفجار", "الانفجار",
	"الصحرا", "الصحراء", "البر", "الجبل", "البير", "البئر", "الثلج",
	"3asifa ramliya", "el 3asifa", "l3ajaj", "ghbar", "7ari9", "l7ari9", "infijar", "tfjir",
	"lba7r", "l ba7r", "ba7r", "bahr", "mawj", "sa7ra", "essa7ra", "lbir", "el bir", "jbel", "ljbel", "tlj", "ttalj",
	"रेतीला तूफान", "धूल भरी आंधी", "जंगल की आग", "धमाका", "विस्फोट", "रेगिस्तान", "पहाड़", "कुआं",
	"कुएं", "उफान", "andhi", "jangal ki aag", "dhamaka", "samudra", "registan", "pahad", "kuan", "kuen", "ufaan",
	"ریتلا طوفان", "جنگل کی آگ", "دھماکہ", "ریگستان", "صحرا", "پہاڑ", "کنواں", "کنویں", "طغیانی",
), hazardOut...)

// sitFound says the person is found, back or safe: the situation is over.
var sitFound = append([]string{
	"we found", "came home",
	"is home", "is with us", "called us", "he called", "she called",
	"a appelé", "sauvé", "sauvée",
	"ya volvió", "ya regresó", "llamó",
	"hat angerufen",
	"já chegou", "ja chegou", "ligou",
	"رجع بالسلامه", "رجعت بالسلامه", "وصل بالسلامه", "رجع الحمد", "رجعت الحمد", "اتصل", "اتصلت",
	"la2ino", "la2ineha", "rje3 bslama", "ttasel", "ttaslat", "3ayyet", "3aytat",
	"फोन आया",
	"فون آیا",
}, foundBack...)

// sitElsewhere tells of others far away, as the news does.
var sitElsewhere = []string{
	"on the news", "in the news", "the news said", "news says", "i read that", "i saw on", "on tv", "documentary", "a film", "the movie",
	"aux infos", "à la télé", "dans le journal", "en las noticias", "en la tele", "en el periódico", "in den nachrichten", "im fernsehen",
	"in der zeitung", "no jornal", "na tv", "nas notícias", "nas noticias", "في الاخبار", "بالاخبار", "عالاخبار", "عالتلفزيون", "فالاخبار",
	"f lakhbar", "fel akhbar", "bel akhbar", "खबरों में", "न्यूज़ में", "न्यूज में", "टीवी पर", "news mein", "news me", "tv pe",
	"خبروں میں", "نیوز میں", "ٹی وی پر",
}

// sitOver tells the person well again: the fever or the danger is past.
var sitOver = []string{
	"fine now", "ok now", "okay now", "better now", "recovered", "all good now", "is fine now", "she's fine now", "he's fine now",
	"va mieux", "va bien maintenant", "guéri", "guérie", "ya está bien", "ya se recuperó", "está mejor", "se recuperó", "geht es wieder gut",
	"geht's wieder gut", "wieder gesund", "es geht ihr besser", "es geht ihm besser", "já está bem", "ja esta bem", "está melhor", "se recuperou",
	"صار منيح", "صارت منيحه", "تحسن", "تحسنت", "بخير هلق", "مزيان دابا", "wella mzyan", "wellat mzyana", "tsa77a", "t7assan", "sar mni7", "sarat mni7a",
	"अब ठीक", "ठीक हो गए", "ठीक हो गई", "ठीक हो गया", "ab theek", "theek ho gaye", "اب ٹھیک", "ٹھیک ہو گئے", "ٹھیک ہو گئی", "ٹھیک ہو گیا",
}

// sitFell and sitShaft: fallen into a well, a pit or a shaft.
var sitFell = []string{
	"fell", "fallen", "has fallen", "slipped into", "fell down", "tombé", "tombée", "tombé dans", "se cayó", "cayó", "se ha caído", "gefallen",
	"gestürzt", "hineingefallen", "reingefallen", "caiu", "caído", "وقع", "وقعت", "طاح", "طاحت", "سقط", "سقطت",
	"tay7", "ta7", "ta7et", "tay7a", "we2e3", "wa9e3", "w9e3", "t7", "गिर गया", "गिर गई", "गिर गए", "गिरा", "गिरी", "gir gaya", "gir gayi", "gira",
	"گر گیا", "گر گئی", "گر گئے", "گرا", "گری",
}

var sitShaft = []string{
	"the well", "a well", "down a well", "down the well", "old well", "dry well", "water well", "into the well", "in the well", "borehole", "manhole", "mine shaft", "shaft", "pit", "sinkhole", "cistern",
	"puits", "fosse", "regard", "pozo", "aljibe", "fosa", "brunnen", "schacht", "grube", "poço", "poco", "cisterna", "fossa", "buraco",
	"البير", "بير", "البئر", "بئر", "حفره", "الحفره", "الجب", "خزان", "lbir", "el bir", "bir", "7ofra", "l7ofra", "jobb",
	"कुआं", "कुएं", "कुँए", "कुंए", "बोरवेल", "गड्ढे", "गड्ढा", "kuan", "kuen", "kuyen", "borewell", "gaddha", "gaddhe",
	"کنواں", "کنویں", "بورویل", "گڑھے", "گڑھا",
}

// sitTrapped says someone is still inside or cannot get out.
var sitTrapped = []string{
	"trapped", "stuck inside", "stuck under", "can't get out", "cant get out", "still inside", "still in there", "still there", "stayed behind", "under the rubble",
	"coincé", "coincée", "bloqué", "bloquée", "encore dedans", "toujours là-bas", "sous les décombres",
	"atrapado", "atrapada", "sigue adentro", "sigue dentro", "no puede salir", "bajo los escombros",
	"eingeschlossen", "eingeklemmt", "noch drin", "kommt nicht raus", "unter den trümmern",
	"preso", "presa", "ainda lá dentro", "ainda la dentro", "não consegue sair", "nao consegue sair", "debaixo dos escombros",
	"محاصر", "محاصره", "عالق", "عالقه", "علق", "لسا جوا", "لسه جوه", "ما قدر يطلع", "تحت الانقاض", "ma9dersh ykhrej", "ma 2der yetla3", "3al2an", "3al2a",
	"फंसे", "फंसा", "फंसी", "फँसे", "अंदर ही", "निकल नहीं", "मलबे में", "phase", "phansa", "phansi", "nikal nahi",
	"پھنسے", "پھنسا", "پھنسی", "اندر ہی", "نکل نہیں", "ملبے میں",
}

var situationConcepts = []concept{
	// someone gone near a hazard, fallen into a well, or gone after "we're
	// fine but": one concept, so that its people and its ways of being
	// gone are looked up once per message (see personGone)
	{name: "person_gone", parts: []conceptPart{
		{phrases: sitPerson},
		{neg: true, phrases: append(append(append([]string{}, sitGone...), sitTrapped...), sitFell...)},
	}, unless: concat(sitElsewhere, suppliesNotFound), check: personGone},
	// a device that needs power, a power cut, its battery told low
	{name: "device_battery_low", parts: []conceptPart{
		{phrases: sitDevice},
		{phrases: sitPowerOut},
		{phrases: sitBattery},
	}, unless: sitDeviceWell, check: batteryLow},
	// a fever told as a number in someone whom it endangers
	{name: "fever_vulnerable", parts: []conceptPart{
		{phrases: append(append([]string{}, sitImmunoLow...), sitNewborn...)},
	}, unless: append(append([]string{}, sitElsewhere...), sitOver...), check: feverVulnerable},
	// someone who cannot move, a hazard coming, no way out
	{name: "immobile_cornered", parts: []conceptPart{
		{phrases: sitImmobile},
		{neg: true, phrases: sitComing},
		{neg: true, phrases: sitNoWayOut},
	}, unless: append(append(append([]string{}, sitElsewhere...), sitOutAlready...), sitOver...)},
}

// personGone reports whether padded, which names a person and a way of
// being gone, tells someone gone while a hazard or a hostile place is named,
// someone fallen into a well or a pit, or someone gone or trapped after
// "we're fine but"; not when the person is told found or back.
func personGone(padded string) bool {
	if sitFellSet.match(padded) && sitShaftSet.match(padded) && !sitShaftOutSet.match(padded) {
		return true
	}
	if !notFound(padded) {
		return false
	}
	return goneOfSomeone(padded, sitGoneSet) && sitHostileSet.match(padded) || safeButGone(padded)
}

var (
	sitFellSet     = compile(sitFell)
	sitShaftSet    = compile(sitShaft)
	sitShaftOutSet = compile([]string{"got him out", "got her out", "pulled him out", "pulled her out", "sortie du puits", "sorti du puits",
		"lo sacamos", "la sacamos", "rausgeholt", "tiramos", "طلعناه", "طلعوه", "khrrjnah", "निकाल लिया", "نکال لیا"})
)

// safeButGone reports whether a clause after a contrast word ("but",
// "mais", "بس", "lekin") names a person gone or trapped, in a message that
// says its sender's people are well: the clause after the contrast is the
// news, and the safe clause before it must not hide it.
func safeButGone(padded string) bool {
	if !wellSet.match(padded) && !sitWellSet.match(padded) {
		return false // no safe clause: the other situations decide
	}
	first := len(padded)
	for _, w := range contrastWords {
		if i := strings.Index(padded, w); i >= 0 && i < first {
			first = i
		}
	}
	if first == len(padded) {
		return false
	}
	if before := padded[:first+1]; !wellSet.match(before) && !sitWellSet.match(before) {
		return false
	}
	after := padded[first:]
	if !sitPersonSet.match(after) {
		return false
	}
	// gone or trapped; or out of reach, alone or unable to move while a
	// hazard is named ("but my brother doesn't answer, he must be asleep"
	// is no emergency)
	if goneOfSomeone(after, sitGoneTrappedSet) {
		return true
	}
	return (goneOfSomeone(after, sitUnreachSet) || affirmed(after, sitAloneSet)) && sitHostileSet.match(padded)
}

// sitUnreach are the phrases of sitGone that tell someone out of reach
// rather than gone: not answering, the phone off, no contact.
var sitUnreach, sitGoneOnly = func() (unreach, gone []string) {
	cues := []string{"answer", "reach", "contest", "respon", "atend", "erreich", "geht nicht ran", "meldet", "voicemail", "messagerie", "buzón",
		"mailbox", "get through", "signal", "señal", "phone", "tilif", "telef", "télé", "fon", "contact", "contato", "kontakt", "sampark",
		"rabta", "يرد", "ترد", "اتصال", "نتصل", "تلفون", "جوال", "موبايل", "yrod", "trod", "jaweb", "ntasel", "nettasel", "ttasel", "tafi",
		"संपर्क", "फोन", "फ़ोन", "उठा", "رابطہ", "فون", "اٹھا"}
	for _, p := range sitGone {
		n := Normalize(p)
		out := false
		for _, c := range cues {
			if strings.Contains(n, Normalize(c)) {
				out = true
				break
			}
		}
		if out {
			unreach = append(unreach, p)
		} else {
			gone = append(gone, p)
		}
	}
	return unreach, gone
}()

var sitUnreachSet = compile(sitUnreach)

// sitAlone is someone alone or unable to move away.
var sitAloneSet = compile(append([]string{
	"alone", "by himself", "by herself", "on his own", "on her own", "seul", "seule", "tout seul", "toute seule", "solo", "sola", "allein",
	"sozinho", "sozinha", "لحاله", "لحالها", "لوحده", "لوحدها", "بروحه", "بروحها", "la7do", "la7alo", "la7alha", "bou7do", "bo7do", "wa7do", "wa7dha",
	"अकेले", "अकेली", "अकेला", "akele", "akeli", "akela", "اکیلے", "اکیلی", "اکیلا",
}, sitImmobile...))

var sitHostileSet = compile(sitHostile)

// sitWellSet holds spoken ways of saying "we are fine" that the well-being
// phrases do not: enough for the clause before a "but".
var sitWellSet = compile([]string{
	"we're alright", "we are alright", "we're all right", "us lot are fine", "on est ok", "on est bien", "nous on va bien", "nosotros bien",
	"nosotros estamos bien", "acá estamos bien", "wir sind ok", "wir sind okay", "bei uns ist alles gut", "a gente tá bem", "a gente ta bem",
	"a gente está bem", "tamo bem", "nós estamos bem", "احنا مناح", "احنا كويسين", "نحنا مناح", "احنا تمام", "e7na mna7", "e7na kwayseen", "7na labas",
	"7na mzyanin", "hna labas", "हम लोग ठीक", "हम ठीक", "ham log theek", "hum log theek", "hum thik", "ہم لوگ ٹھیک", "hum log thik",
})

// notFound reports whether padded does not tell the person found or back:
// "never came back" and "não voltou" are not "came back".
func notFound(padded string) bool { return !affirmed(padded, sitFoundSet) }

var (
	sitFoundSet       = compile(sitFound)
	sitPersonSet      = compile(sitPerson)
	sitGoneSet        = compile(sitGone)
	sitGoneTrappedSet = compile(append(append([]string{}, sitGoneOnly...), sitTrapped...))
)

// goneOfSomeone reports whether padded tells someone gone: a phrase of
// sitGone not negated and not told of a thing ("the power hasn't come
// back", "the bus didn't return", "la luz no ha vuelto").
func goneOfSomeone(padded string, gone phraseSet) bool {
	return each(padded, gone, func(start, end int) bool {
		return !negatedAround(padded, start, end) && !thingBefore(padded, start)
	})
}

// thingBefore reports whether one of the three words before start names a
// thing that can be "not back" (sitThingSet): the power, the bus, the water.
func thingBefore(padded string, start int) bool {
	from := start
	for n := 0; n < 3 && from > 0; n++ { // the three words before
		from = strings.LastIndexByte(padded[:from-1], ' ') + 1
		if from <= 0 {
			from = 0
			break
		}
	}
	return sitThingSet.match(" " + strings.TrimSpace(padded[from:start]) + " ")
}

// sitThing are what can be "not back" without a person being gone.
var sitThingSet = compile(append(append([]string{}, utilitiesBack...),
	"bus", "train", "ferry", "the car", "the truck", "the van", "the phone", "phones", "the line", "water", "gas", "heating", "the insurance",
	"le bus", "le train", "l'eau", "le gaz", "le chauffage", "el autobús", "el bus", "el tren", "el agua", "el gas", "la calefacción",
	"der bus", "der zug", "das wasser", "die heizung", "o ônibus", "o onibus", "o trem", "a água", "a agua", "o gás",
	"الباص", "الحافله", "القطار", "المي", "الميه", "الماء", "الغاز", "التدفئه", "el bas", "tobis", "lma", "el mayye", "el ghaz",
	"ट्रेन", "पानी", "गैस", "bus", "train", "pani", "paani", "ٹرین", "پانی", "گیس",
))

// each calls f for every phrase of ps found in padded, by its bounds, and
// reports whether f returned true for one.
func each(padded string, ps phraseSet, f func(start, end int) bool) bool {
	for i, at := range ps.byKey.at(padded) {
		for _, p := range at {
			if strings.HasPrefix(padded[i:], p.text) && f(i, i+len(p.text)) {
				return true
			}
		}
	}
	for _, p := range ps.short {
		if j := strings.Index(padded, p.text); j >= 0 && f(j, j+len(p.text)) {
			return true
		}
	}
	return false
}

// affirmed reports whether padded holds a phrase of ps that no negator
// just before (or, in Hindi and Urdu, just after) turns around.
func affirmed(padded string, ps phraseSet) bool {
	return each(padded, ps, func(start, end int) bool { return !negatedAround(padded, start, end) })
}

// numberAt reads the number token that padded[i:] starts with (ASCII or
// Devanagari digits; "38 5" after normalising "38.5" read as 38.5) and
// returns it with the index after it; ok is false when no digit starts
// there.
func numberAt(padded string, i int) (v float64, end int, ok bool) {
	j := i
	for j < len(padded) {
		r, size := utf8.DecodeRuneInString(padded[j:])
		d := -1
		switch {
		case r >= '0' && r <= '9':
			d = int(r - '0')
		case r >= '०' && r <= '९':
			d = int(r - '०')
		}
		if d < 0 {
			break
		}
		v = v*10 + float64(d)
		j += size
	}
	if j == i || (j < len(padded) && padded[j] != ' ') {
		return 0, i, false // no number, or digits glued to letters ("b5air")
	}
	// a single digit after a space is the decimal of a temperature
	if j+2 < len(padded) && padded[j] == ' ' && padded[j+1] >= '0' && padded[j+1] <= '9' && padded[j+2] == ' ' && v >= 35 && v <= 110 {
		v += float64(padded[j+1]-'0') / 10
		j += 2
	}
	return v, j, true
}

// numbers calls f for every number in padded with the word after it.
func numbers(padded string, f func(v float64, next string) bool) bool {
	for i := 1; i < len(padded); i++ {
		if padded[i-1] != ' ' {
			continue
		}
		v, end, ok := numberAt(padded, i)
		if !ok {
			continue
		}
		next := strings.TrimLeft(padded[end:], " ")
		if k := strings.IndexByte(next, ' '); k >= 0 {
			next = next[:k]
		}
		if f(v, next) {
			return true
		}
		i = end
	}
	return false
}

// sitDevice is a device a life depends on that runs on power.
var sitDevice = []string{
	"ventilator", "home ventilator", "respirator", "breathing machine", "bipap", "cpap", "oxygen concentrator", "oxygen machine", "concentrator",
	"on oxygen", "home oxygen", "oxygen", "suction machine", "suction pump", "dialysis machine", "home dialysis", "lvad", "heart pump", "feeding pump", "tube feeding pump",
	"machine d'aspiration", "aspirateur trachéal", "respirateur", "ventilateur", "concentrateur d'oxygène", "concentrateur", "machine à oxygène", "aspirateur de mucosités", "appareil d'aspiration",
	"dialyse à domicile", "pompe d'alimentation", "pompe cardiaque", "sous oxygène", "oxygène",
	"respirador", "ventilador", "concentrador de oxígeno", "concentrador de oxigeno", "concentrador", "máquina de oxígeno", "aspirador", "diálisis en casa",
	"bomba de alimentación", "bomba de alimentacion", "oxígeno", "oxigeno",
	"sauerstoff", "beatmungsgerät", "beatmungsgeraet", "sauerstoffgerät", "sauerstoffkonzentrator", "absauggerät", "heimdialyse", "ernährungspumpe", "herzpumpe", "kunstherz",
	"respirador", "ventilador", "concentrador de oxigênio", "aparelho de oxigênio", "aparelho de oxigenio", "aspirador", "diálise em casa",
	"bomba de dieta", "bomba de alimentação", "oxigênio", "oxigenio",
	"جهاز التنفس", "جهاز تنفس", "جهاز الاكسجين", "جهاز اكسجين", "مكثف الاكسجين", "جهاز الشفط", "جهاز شفط", "جهاز الغسيل", "مضخه التغذيه", "مضخه القلب",
	"الاكسجين", "اكسجين", "oxygen", "oksijen", "l oxygene", "jihaz el tanaffos", "jhaz tanaffos", "jihaz tanaffus", "jhaz l oxygene", "jihaz el oxygen", "jhaz dyal l oxygene", "makinat oxygen", "jhaz chfat",
	"वेंटिलेटर", "ऑक्सीजन", "ऑक्सीजन मशीन", "ऑक्सीजन कंसंट्रेटर", "सक्शन मशीन", "डायलिसिस मशीन", "फीडिंग पंप", "ventilator", "oxygen machine",
	"وینٹی لیٹر", "وینٹیلیٹر", "آکسیجن", "آکسیجن مشین", "آکسیجن کنسنٹریٹر", "سکشن مشین", "ڈائلیسز مشین", "فیڈنگ پمپ",
}

// sitPowerOut says the mains are gone or the generator will not run.
var sitPowerOut = []string{
	"power cut", "power is out", "power's out", "power went", "no power", "lost power", "blackout", "outage", "no electricity", "power has been off",
	"power off", "generator won't start", "generator wont start", "generator died", "generator broke", "no fuel",
	"coupure", "panne de courant", "panne d'électricité", "panne électrique", "plus de courant", "pas de courant", "plus d'électricité", "le groupe ne démarre pas", "groupe électrogène en panne",
	"sin luz", "se fue la luz", "no hay luz", "apagón", "apagon", "corte de luz", "sin electricidad", "la planta no arranca", "el generador no arranca",
	"kein strom", "stromausfall", "strom ist weg", "strom weg", "aggregat springt nicht an", "generator springt nicht an",
	"sem luz", "sem energia", "acabou a luz", "faltou luz", "falta de luz", "apagão", "apagao", "gerador não liga", "gerador nao liga", "gerador quebrou",
	"ما في كهربا", "مافي كهربا", "ما في كهرباء", "الكهربا مقطوعه", "الكهرباء مقطوعه", "انقطعت الكهربا", "قطعت الكهربا", "راحت الكهربا", "الضو مقطوع",
	"المولد ما اشتغل", "المولد خربان", "الموتور ما بيشتغل",
	"ma fi kahraba", "mafi kahraba", "el kahraba ma2tou3a", "ra7et el kahraba", "2at3et el kahraba", "d9o ma9tou3", "dow ma9tou3", "ma kaynch d9o",
	"ma kaynach draw", "l moteur ma bghach", "el moulid ma eshte3al", "kahraba ma2tou3a", "tqta3 dow", "t9ta3 d9o",
	"बिजली नहीं", "बिजली चली गई", "बिजली कटी", "बिजली गुल", "बिजली गई", "लाइट नहीं", "लाइट गई", "जनरेटर नहीं चल", "जनरेटर खराब",
	"bijli nahi", "bijli chali gayi", "bijli gul", "light nahi", "light gayi", "generator nahi chal",
	"بجلی نہیں", "بجلی چلی گئی", "بجلی گئی", "لوڈشیڈنگ", "لوڈ شیڈنگ", "لائٹ نہیں", "جنریٹر نہیں چل", "جنریٹر خراب", "bijli nahi", "light nahi",
}

// sitBattery names the battery, its level or its alarm.
var sitBattery = []string{
	"battery", "batteries", "bar", "bars", "percent", "charge", "beeping", "alarm",
	"batterie", "barre", "barres", "pour cent", "charge", "bip", "bipe", "alarme",
	"batería", "bateria", "raya", "rayita", "rayitas", "barra", "barras", "por ciento", "carga", "pita", "alarma",
	"akku", "batterie", "balken", "prozent", "ladung", "piept", "alarm",
	"bateria", "barrinha", "barra", "por cento", "carga", "apitando", "alarme",
	"البطاريه", "بطاريه", "الشحن", "شحن", "خط", "شرطه", "بالميه", "يصفر", "يزمر",
	"batterie", "battery", "batteria", "bataria", "chahn", "sha7n", "ch7en", "khat", "kaysoffar", "kaysafar", "3am ysaffer",
	"बैटरी", "चार्ज", "प्रतिशत", "परसेंट", "बीप", "इन्वर्टर", "यूपीएस", "battery", "charge", "percent", "inverter", "ups",
	"بیٹری", "چارج", "فیصد", "پرسنٹ", "بیپ", "انورٹر", "یو پی ایس",
}

// sitBatteryLow tells a battery low in words.
var sitBatteryLow = compileWhole([]string{
	"low", "red", "almost dead", "nearly dead", "almost flat", "nearly flat", "almost empty", "nearly empty", "dying", "running out", "running low",
	"last bar", "one bar", "beeping", "flashing", "blinking",
	"faible", "rouge", "presque vide", "presque morte", "se vide", "dernière barre", "une barre", "bip", "bipe", "clignote",
	"baja", "bajita", "en rojo", "roja", "casi vacía", "casi vacia", "casi muerta", "se acaba", "se está acabando", "una raya", "una rayita", "pita", "parpadea",
	"schwach", "leer", "fast leer", "rot", "ein balken", "letzter balken", "piept", "blinkt",
	"fraca", "vermelha", "no vermelho", "quase vazia", "quase acabando", "acabando", "uma barrinha", "um risquinho", "apitando", "piscando",
	"ضعيفه", "حمرا", "احمر", "قربت تخلص", "رح تخلص", "عم تخلص", "شارفت", "خط واحد", "شرطه وحده", "يصفر", "يزمر",
	"d3ifa", "da3ifa", "7amra", "qrbat tsali", "9rbat tsali", "ghadi tsali", "ra7 tekhlas", "3am tekhlas", "khat wa7ed", "kaysoffar",
	"कम है", "कम हो", "लाल", "खत्म होने", "ख़त्म होने", "एक लाइन", "एक डंडी", "बीप", "kam hai", "khatam hone", "ek line", "ek dandi",
	"کم ہے", "کم ہو", "لال", "ختم ہونے", "ایک لائن", "ایک ڈنڈی", "بیپ",
})

// sitDeviceWell: power back or the person told well for now.
var sitDeviceWell = []string{
	"power is back", "power's back", "power came back", "power back on", "electricity is back", "fine for now", "ok for now", "okay for now",
	"ok at the moment", "fully charged", "charging again", "le courant est revenu", "volvió la luz", "ya hay luz", "strom ist wieder da", "voltou a luz",
	"رجعت الكهربا", "اجت الكهربا", "rj3at d9o", "ejet el kahraba", "बिजली आ गई", "bijli aa gayi", "بجلی آ گئی",
	"bien pour l'instant", "bien por ahora", "im moment gut", "bem por enquanto", "منيح هلق", "منيحه هلق", "अभी ठीक", "ابھی ٹھیک",
	// needed at night only: the day gives time to find power
	"during the day", "in the day", "pendant la journée", "la journée ça va", "de día", "de dia", "tagsüber", "durante o dia", "de dia ele",
	"بالنهار", "بالنهار منيح", "bel nhar", "fl nhar", "दिन में", "din mein", "دن میں",
}

// batteryLow reports whether padded tells a battery low: in words, as one
// or two bars, as at most 30 percent, or as a few hours left.
func batteryLow(padded string) bool {
	if affirmed(padded, sitBatteryLow) {
		return true
	}
	return numbers(padded, func(v float64, next string) bool {
		switch next {
		case "bar", "bars", "barre", "barres", "raya", "rayas", "rayita", "barra", "barras", "balken", "barrinha", "barrinhas", "risquinho",
			"خط", "شرطه", "khat", "लाइन", "डंडी", "line", "dandi", "لائن", "ڈنڈی":
			return v <= 2
		case "percent", "pour", "por", "prozent", "%", "بالميه", "في", "प्रतिशत", "परसेंट", "فیصد", "پرسنٹ", "pc":
			return v <= 30
		case "hours", "hour", "hrs", "h", "heures", "heure", "horas", "hora", "stunden", "stunde", "ساعات", "ساعه", "sa3at", "sa3a",
			"घंटे", "घंटा", "ghante", "ghanta", "گھنٹے", "گھنٹہ":
			return v <= 6
		}
		return false
	}) || lowNearBattery(padded)
}

// lowNearBattery reports whether a number from 1 to 30 stands within four
// words of a battery word: "battery 12%" and "20% de batterie" lose their
// percent sign in normalising.
func lowNearBattery(padded string) bool {
	words := strings.Fields(padded)
	for i, w := range words {
		v, _, ok := numberAt(" "+w+" ", 1)
		if !ok || v < 1 || v > 30 {
			continue
		}
		for j := max(0, i-4); j <= min(len(words)-1, i+4); j++ {
			if batteryWord[words[j]] {
				return true
			}
		}
	}
	return false
}

// batteryWord are the words for a battery or its charge.
var batteryWord = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{"battery", "batterie", "batería", "bateria", "akku", "البطاريه", "بطاريه", "بالبطاريه", "عالبطاريه", "batterie",
		"बैटरी", "بیٹری", "charge", "carga", "ladung", "الشحن", "شحن", "chahn", "sha7n", "चार्ज", "چارج", "inverter", "इन्वर्टर", "انورٹر"} {
		m[Normalize(w)] = true
	}
	return m
}()

// sitImmunoLow is someone whom infection kills fast: on chemotherapy, on
// dialysis, after a transplant.
var sitImmunoLow = append([]string{
	"transplant", "leukemia", "leukaemia", "neutropenic",
	"greffe", "leucémie",
	"trasplante", "leucemia",
	"transplantation", "leukämie",
	"transplante", "leucemia",
	"زراعه", "لوكيميا", "سرطان الدم",

	"ट्रांसप्लांट", "ल्यूकेमिया",
	"ٹرانسپلانٹ",
}, chemoDialysis...)

// sitNewborn is a baby, whose fever is an emergency under three months.
var sitNewborn = []string{
	"newborn", "new born", "baby", "infant", "weeks old", "week old", "month old", "months old",
	"nouveau-né", "nouveau né", "nourrisson", "bébé", "semaines", "mois", "recién nacido", "recien nacido", "recién nacida", "bebé", "semanas",
	"meses", "mes", "neugeborenes", "neugeborene", "säugling", "baby", "wochen", "monate", "monat", "recém-nascido", "recem nascido", "recém nascida",
	"bebê", "nenê", "semanas", "meses", "mês",
	"المولود", "مولود", "رضيع", "الرضيع", "البيبي", "بيبي", "اسابيع", "اسبوع", "شهر", "شهرين", "شهور",
	"rdi3", "radi3", "mawloud", "bebe", "lbebe", "baby", "asabi3", "jom3at", "chher", "chhar", "shahr", "shahrein", "chhrin",
	"नवजात", "शिशु", "बच्चा", "बच्ची", "हफ्ते", "हफ़्ते", "महीने", "महीना", "navjaat", "hafte", "mahine", "mahina",
	"نومولود", "شیر خوار", "بچہ", "بچی", "ہفتے", "مہینے", "مہینہ",
}

var (
	sitNewbornWordSet = compileWhole([]string{
		"newborn", "new born", "nouveau-né", "nouveau né", "recién nacido", "recien nacido", "recién nacida", "neugeborenes", "neugeborene",
		"recém-nascido", "recem nascido", "recém nascida", "المولود", "مولود", "حديث الولاده", "mawloud", "नवजात", "navjaat", "نومولود",
	})
	sitImmunoSet = compile(sitImmunoLow)
	sitChillsSet = compileWhole([]string{
		"shivering", "shivers", "shaking", "shakes", "rigors", "rigours", "chills", "trembling", "teeth chattering", "confused", "not making sense",
		"drowsy", "hard to wake", "delirious", "talking nonsense", "redet wirr", "fantasiert", "délire", "delira", "delirando", "delirante",
		"يهلوس", "تهلوس", "بيهلوس", "kayhdar", "kat-hdar", "अनाप शनाप", "بے ربط",
		"frissons", "frissonne", "grelotte", "tremble", "claque des dents", "confus", "confuse", "somnolent", "somnolente",
		"escalofríos", "escalofrios", "tiembla", "temblando", "tiritando", "confundido", "confundida", "adormilado", "adormilada",
		"schüttelfrost", "zittert", "zittern", "friert", "verwirrt", "benommen",
		"calafrios", "calafrio", "tremendo", "tremedeira", "treme", "confuso", "confusa", "sonolento", "sonolenta",
		"رجفه", "رجفة", "يرجف", "ترجف", "بيرجف", "بترجف", "عم يرجف", "عم ترجف", "قشعريره", "برداء", "مخربط", "مخربطه", "يهذي", "تهذي",
		"kayrje3", "katrje3", "kayrj3", "katrj3", "btirjof", "byirjof", "3am yerjof", "3am terjof", "ra3sha", "rajfa", "m5arbat", "m5arbta", "kayhdi",
		"कंपकंपी", "कांप", "कांप रहे", "कांप रही", "कांप रहा", "ठिठुर", "बड़बड़ा", "होश नहीं", "kapkapi", "kaanp", "kaamp", "kanp",
		"کپکپی", "کانپ", "کانپ رہے", "کانپ رہی", "کانپ رہا", "بڑبڑا", "ہوش نہیں",
	})
)

// feverVulnerable reports whether padded tells a fever as a number in
// someone it endangers: 38.5 °C (101 °F) or more with shivering or
// confusion in someone on chemotherapy or dialysis, 38 °C (100.4 °F) or
// more in a baby under three months. A number followed by a unit that is
// not a temperature ("39 weeks", "40 years") is no fever.
func feverVulnerable(padded string) bool {
	young := sitNewbornWordSet.match(padded) || numbers(padded, func(v float64, next string) bool {
		switch next {
		case "weeks", "week", "semaines", "semaine", "semanas", "semana", "wochen", "woche", "اسابيع", "اسبوع", "jom3at", "asabi3",
			"हफ्ते", "हफ़्ते", "hafte", "ہفتے":
			return v <= 13
		case "months", "month", "mois", "meses", "mes", "monate", "monat", "mês", "شهور", "اشهر", "شهر", "chhour", "chhor", "shuhur",
			"महीने", "महीना", "mahine", "mahina", "مہینے", "مہینہ":
			return v <= 2
		}
		return false
	})
	immuno := sitImmunoSet.match(padded)
	if !young && !immuno {
		return false
	}
	minC, minF := 38.5, 101.0
	if young {
		minC, minF = 38.0, 100.4
	}
	fever := numbers(padded, func(v float64, next string) bool {
		if notTemperatureUnit[next] {
			return false
		}
		return v >= minC && v < 43 || v >= minF && v < 108
	})
	if !fever {
		return false
	}
	return young || sitChillsSet.match(padded)
}

// notTemperatureUnit are the words after a number that make it something
// other than a temperature.
var notTemperatureUnit = map[string]bool{}

func init() {
	for _, w := range []string{
		"weeks", "week", "years", "year", "yrs", "kg", "kilos", "minutes", "mins", "min", "hours", "days", "people", "km", "percent", "times",
		"semaines", "ans", "jours", "personnes", "fois", "semanas", "años", "anos", "días", "dias", "personas", "veces", "pessoas", "vezes",
		"wochen", "jahre", "tage", "leute", "mal", "minuten", "stunden", "اسبوع", "اسابيع", "سنه", "سنين", "يوم", "ايام", "كيلو", "دقيقه", "ساعه",
		"sana", "snin", "3am", "iyam", "ayam", "nhar", "kilo", "हफ्ते", "साल", "दिन", "किलो", "मिनट", "घंटे", "लोग", "saal", "din", "log",
		"ہفتے", "سال", "دن", "کلو", "منٹ", "گھنٹے", "لوگ",
	} {
		notTemperatureUnit[Normalize(w)] = true
	}
}

// sitImmobile is someone who cannot move themselves away.
var sitImmobile = append(append([]string{}, immobile...),
	"in a wheelchair", "uses a wheelchair", "bedbound", "bed-bound", "after surgery", "just had surgery", "had an operation", "paralysed", "paralyzed",
	"very old", "blind", "on crutches", "can't move", "cant move", "cannot move", "can't get up", "cant get up",
	"fauteuil", "en fauteuil", "alité", "alitée", "opéré", "opérée", "paralysé", "paralysée", "très âgé", "très âgée", "aveugle", "béquilles",
	"ne peut pas bouger", "ne peut pas se lever", "ne peut pas descendre", "can't do the stairs", "cant do the stairs", "can't manage the stairs",
	"no puede bajar", "kann nicht runter", "não consegue descer",
	"silla de ruedas", "en silla", "encamado", "encamada", "operado", "operada", "paralizado", "paralizada", "muy mayor", "ciego", "ciega", "muletas",
	"no se puede mover", "no puede moverse", "no se puede levantar",
	"im rollstuhl", "rollstuhl", "bettlägerig", "operiert", "gelähmt", "sehr alt", "blind", "krücken", "kann sich nicht bewegen",
	"cadeira de rodas", "acamado", "acamada", "operado", "operada", "paralisado", "paralisada", "muito idoso", "muito idosa", "cego", "cega", "muletas",
	"não consegue se mexer", "nao consegue se mexer", "não consegue levantar",
	"كرسي متحرك", "الكرسي المتحرك", "على كرسي", "مقعد", "طريح الفراش", "بالفراش", "عامل عمليه", "بعد العمليه", "مشلول", "كبير كتير", "اعمى", "عكاز",
	"لا يقدر يمشي", "لا يستطيع المشي", "ما بيقدر يتحرك", "ما يقدر يتحرك", "ما يقدر يقوم",
	"kursi mota7arrek", "3la kursi", "mchlol", "mashloul", "ba3d l3amaliya", "ba3d el 3amaliye", "kbir bzaf", "kbir ktir", "a3ma", "ma y9derch ytharrek",
	"ma bi2dar yet7arrak", "ma y2der yemshi", "ma yegder yemshi", "ma kay9derch ymchi",
	"व्हीलचेयर", "व्हील चेयर", "बिस्तर पर", "ऑपरेशन हुआ", "ऑपरेशन के बाद", "लकवा", "बहुत बूढ़े", "बहुत बुजुर्ग", "अंधे", "अंधी", "बैसाखी",
	"चल नहीं सकते", "चल नहीं सकती", "हिल नहीं", "उठ नहीं सकते", "bistar par", "operation hua", "lakwa", "andhe", "chal nahi sakte",
	"وہیل چیئر", "بستر پر", "آپریشن ہوا", "آپریشن کے بعد", "فالج", "بہت بوڑھے", "بہت بزرگ", "نابینا", "اندھے", "بیساکھی", "چل نہیں سکتے",
	"چل نہیں سکتی", "ہل نہیں", "اٹھ نہیں سکتے",
)

// sitComing is a hazard coming or already at the door.
var sitComing = []string{
	"fire is coming", "fire coming", "heading for", "heading our way", "heading towards", "coming our way", "getting close", "spreading towards",
	"arrive vers", "se rapproche", "avance vers", "se acerca", "viene hacia", "kommt auf", "kommt näher", "está vindo", "se aproxima", "fire is getting closer", "fire getting closer", "flames are coming", "wildfire", "bushfire", "forest fire",
	"water is rising", "water rising", "water keeps rising", "flood is coming", "water is coming", "water reached", "water is in", "smoke everywhere",
	"feu arrive", "le feu approche", "incendie approche", "feu de forêt", "l'eau monte", "l'eau arrive", "l'eau est entrée", "crue arrive",
	"el fuego viene", "el fuego se acerca", "incendio se acerca", "incendio forestal", "el agua sube", "el agua está subiendo", "el agua entró", "viene la crecida",
	"feuer kommt", "waldbrand", "flammen kommen", "das wasser steigt", "wasser steigt", "wasser kommt", "wasser ist drin", "flut kommt",
	"fogo está vindo", "fogo vindo", "fogo chegando", "incêndio chegando", "queimada chegando", "a água está subindo", "água subindo", "agua subindo",
	"a água entrou", "enchente chegando",
	"النار جايه", "النار عم تقرب", "النار قربت", "الحريق قرب", "الحريق عم يقرب", "الماء وصل", "المي وصلت", "المي عم تطلع", "المي طالعه", "الميه بتعلى",
	"المياه ترتفع", "الماء يرتفع", "السيل جاي",
	"l3afya jaya", "l3afya qrbat", "nar jaye", "el nar 3am t2arreb", "lma tal3", "lma dakhel", "el mayy 3am tetla3", "el mayye wesle", "sayl jay",
	"आग आ रही", "आग पास आ", "जंगल की आग", "पानी बढ़ रहा", "पानी चढ़ रहा", "पानी घुस", "पानी आ गया", "पानी पहुंच", "बाढ़ आ रही",
	"aag aa rahi", "pani badh raha", "pani chadh raha", "paani aa gaya",
	"آگ آ رہی", "آگ قریب", "جنگل کی آگ", "پانی بڑھ رہا", "پانی چڑھ رہا", "پانی گھس", "پانی آ گیا", "پانی پہنچ", "سیلاب آ رہا",
}

// sitNoWayOut: no way to leave, or the hazard already where they are.
var sitNoWayOut = []string{
	"road is closed", "road closed", "road is blocked", "road blocked", "road is cut", "no car", "don't have a car", "dont have a car", "no transport",
	"lift is broken", "lift isn't working", "elevator is out", "elevator broken", "lift out", "stairs", "can't carry", "cant carry", "bridge is gone",
	"no way out", "can't get out", "cant get out", "second floor", "ground floor", "upstairs", "top floor", "closed", "blocked", "cut off",
	"fermée", "coupée", "bloquée", "cerrada", "cortada", "bloqueada", "gesperrt", "ist zu", "fechada", "interditada",
	"مسكر", "مسكره", "مقطوع", "مقطوعه", "مسدود", "مسدوده", "msdoda", "msakkar", "ma9tou3a", "mqtou3a", "बंद", "band", "بند",
	"route fermée", "route coupée", "route bloquée", "pas de voiture", "pas de véhicule", "ascenseur en panne", "escaliers", "pont coupé", "étage",
	"carretera cerrada", "camino cortado", "calle cortada", "no tenemos carro", "no tenemos coche", "sin coche", "sin carro", "ascensor no funciona",
	"ascensor roto", "escaleras", "puente caído", "segundo piso", "primer piso",
	"straße ist zu", "strasse ist zu", "straße gesperrt", "straße raus ist zu", "kein auto", "kein fahrzeug", "aufzug kaputt", "fahrstuhl kaputt",
	"aufzug geht nicht", "treppe", "treppen", "brücke weg", "stockwerk",
	"estrada fechada", "estrada bloqueada", "rua bloqueada", "sem carro", "não temos carro", "nao temos carro", "elevador quebrado", "elevador parado",
	"escada", "escadas", "ponte caiu", "segundo andar", "primeiro andar",
	"الطريق مسكر", "الطريق مقطوع", "الطريق مسدود", "الطريق مغلق", "ما عندنا سياره", "ما في سياره", "مافي سياره", "المصعد معطل", "الاسانسير خربان",
	"الدرج", "السلالم", "الجسر انقطع", "الطابق", "للطابق",
	"tri9 msdoda", "triq mqtou3a", "el tari2 msakkar", "el tari2 ma2tou3", "ma 3ndnach tomobil", "ma 3anna sayyara", "ma fi sayyara", "l ascenseur khasr",
	"el asanseur 5arban", "ddraj", "el daraj", "tabi9", "tabe2",
	"रास्ता बंद", "सड़क बंद", "रोड बंद", "गाड़ी नहीं", "कोई गाड़ी नहीं", "लिफ्ट खराब", "लिफ्ट बंद", "सीढ़ियां", "सीढ़ी", "पुल टूट", "मंजिल",
	"rasta band", "sadak band", "road band", "gaadi nahi", "lift kharab", "seedhi", "manzil",
	"راستہ بند", "سڑک بند", "روڈ بند", "گاڑی نہیں", "کوئی گاڑی نہیں", "لفٹ خراب", "لفٹ بند", "سیڑھیاں", "سیڑھی", "پل ٹوٹ", "منزل",
}

// sitOutAlready: they are already out or taken away.
var sitOutAlready = []string{
	"evacuated", "got him out", "got her out", "we're out", "we are out", "at the shelter", "picked him up", "picked her up", "rescued", "took him out",
	"évacué", "évacuée", "évacués", "on l'a sorti", "on l'a sortie", "au refuge", "evacuado", "evacuada", "evacuados", "lo sacamos", "la sacamos",
	"en el albergue", "evakuiert", "rausgeholt", "in der notunterkunft", "evacuado", "evacuada", "tiramos ele", "tiramos ela", "no abrigo",
	"طلعناه", "طلعناها", "اخلوه", "اجلوه", "بالملجا", "khrrjnah", "tla3nah", "निकाल लिया", "निकाल लिए", "शेल्टर में", "نکال لیا", "نکال لیے", "شیلٹر میں",
}
