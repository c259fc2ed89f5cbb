package understand

import "strings"

// Kinds of life threat told without a danger word, each a conjunction of
// meanings: a fever with the mind going, fumes with someone fainted, a
// crowd smashing in on people inside, armed men with someone down, a building leaning while its
// cracks grow with people in it, and honey given to a baby who turns
// floppy or cannot swallow (infant botulism), a big wild animal loose
// where people, children above all, are outside, fingers or a limb cut
// off, and a boat adrift at sea for days or with no water. The overturned train or bus
// with people screaming is hardship.go's vehicle_overturned_inside, whose
// lists take the carriages and the screams.

var (
	// kindBodyPart: fingers, a hand, a limb.
	kindBodyPart = []string{
		"finger", "fingers", "thumb", "hand", "toe", "toes", "arm", "leg", "foot", "doigt", "doigts", "pouce", "main", "orteil", "bras", "jambe",
		"dedo", "dedos", "mano", "brazo", "pierna", "pie", "finger", "daumen", "hand", "zeh", "zehen", "arm", "bein", "fuß", "dedo", "dedos",
		"polegar", "mão", "braço", "perna", "pé", "اصبع", "اصبعه", "اصابعه", "اصبعين", "صباعه", "صوابعه", "ايده", "ايدها", "يده", "رجله", "isb3",
		"isb3ein", "isba3", "esba3", "sabe3", "swabe3o", "ido", "idha", "rejlo", "उंगली", "उंगलियां", "अंगूठा", "हाथ", "पैर", "ungli", "ungliyan",
		"angootha", "haath", "pair", "انگلی", "انگلیاں", "انگوٹھا", "ہاتھ", "پاؤں",
	}
	// kindSevered: cut off, blown off, hanging.
	kindSevered = []string{
		"cut off", "severed", "blown off", "ripped off", "torn off", "hanging off", "coupé net", "coupés", "arraché", "arrachés", "sectionné",
		"amputado", "amputados", "cortados", "arrancado", "arrancados", "colgando", "abgetrennt", "abgerissen", "decepado", "decepados",
		"arrancou", "pendurado", "مقطوعين", "مقطوعه", "ma2tou3in", "ma2tou3a", "ma2tou3", "maqtou3in", "कट कर अलग", "कटकर अलग", "कट के अलग",
		"kat kar alag", "کٹ کر الگ", "کٹ کے الگ",
	}
	// kindBoat: a boat with people on it.
	kindBoat = []string{
		"boat", "dinghy", "raft", "bateau", "barque", "embarcation", "cayuco", "patera", "bote", "lancha", "balsa", "embarcación", "boot",
		"schlauchboot", "barco", "barca", "قارب", "القارب", "مركب", "المركب", "زورق", "flouka", "markeb", "2areb", "नाव", "नौका", "naav", "کشتی",
		"kashti",
	}
	// kindAtSea: out at sea, adrift, stopped at sea.
	kindAtSea = []string{
		"adrift", "drifting", "at sea", "in the sea", "à la dérive", "en mer", "a la deriva", "en el mar", "en alta mar", "auf see", "treibt",
		"im meer", "à deriva", "no mar", "em alto mar", "في البحر", "بالبحر", "بعرض البحر", "fel ba7r", "bel ba7r", "समुद्र में", "samundar mein",
		"سمندر میں",
	}
	// kindAdriftNeed: days out, no water, the engine dead, many aboard.
	kindAdriftNeed = []string{
		"no water", "no food", "engine died", "engine is dead", "engine failed", "sans eau", "moteur en panne", "sin agua", "sin comida",
		"motor parado", "kein wasser", "motor ausgefallen", "sem água", "sem agua", "motor parou", "بلا مي", "ما في مي", "بدون ماء",
		"المحرك خربان", "mafi may", "bala may", "पानी नहीं", "پانی نہیں",
	}
	// kindWildAnimal: an animal that kills, kept as a pet or escaped.
	kindWildAnimal = []string{
		"lion", "lioness", "tiger", "leopard", "bear", "crocodile", "alligator", "lionne", "tigre", "léopard", "ours", "crocodile",
		"león", "leona", "oso", "cocodrilo", "löwe", "löwin", "tiger", "leopard", "bär", "krokodil", "leão", "leoa", "onça", "urso", "jacaré",
		"اسد", "الاسد", "نمر", "النمر", "دب", "الدب", "تمساح", "التمساح", "asad", "nemr", "nimr", "dob", "timsa7",
		"शेर", "बाघ", "तेंदुआ", "भालू", "मगरमच्छ", "sher", "baagh", "tendua", "bhalu", "magarmachh",
		"پالتو شیر", "شیر باہر", "ببر شیر", "باگھ", "چیتا", "تیندوا", "ریچھ", "مگرمچھ",
	}
	// kindLoose: it got out and is in the street.
	kindLoose = []string{
		"escaped", "got out", "is loose", "on the loose", "running loose", "in our street", "s'est échappé", "s'est échappée",
		"en liberté", "dans notre rue", "se escapó", "suelto", "suelta", "en nuestra calle", "ausgebrochen",
		"entlaufen", "frei herum", "in unserer straße", "fugiu", "solto", "solta", "na nossa rua",
		"هرب", "هربان", "طلع من القفص", "بالشارع", "بحارتنا", "في حارتنا", "hereb", "harban", "bel share3", "b7aritna",
		"भाग गया", "भाग निकला", "बाहर निकल आया", "बाहर आ गया", "bhaag gaya", "bahar nikal aaya", "بھاگ گیا", "باہر نکل آیا", "باہر آ گیا", "bahar nikal aya",
	}
	// kindOutside: people, children above all, out near it.
	kindOutside = []string{
		"kids", "children", "child", "people", "enfants", "gens", "niños", "niñas", "gente", "kinder", "leute", "crianças", "pessoas",
		"اطفال", "الاطفال", "الولاد", "ولاد", "العيال", "ناس", "wlad", "el wlad", "3iyal", "nas",
		"बच्चे", "लोग", "bacche", "bachche", "log", "بچے", "لوگ",
	}
	// kindCaught: the animal caught or shot, back in its cage.
	kindCaught = []string{
		"caught", "captured", "sedated", "darted", "back in", "capturé", "capturée", "endormi", "capturado", "capturada", "sedado",
		"eingefangen", "betäubt", "capturado", "sedado", "مسكوه", "امسكوه", "خدروه", "masakouh", "पकड़ लिया", "पकड़ा गया", "pakad liya",
		"پکڑ لیا", "پکڑا گیا", "قابو کر لیا",
	}
	// kindArmed: attackers with weapons.
	kindArmed = []string{
		"armed", "with guns", "with a gun", "gunmen", "with knives", "armés", "armé", "avec des armes", "avec un flingue", "armados", "armado",
		"con pistolas", "con armas", "bewaffnet", "bewaffnete", "mit waffen", "mit pistolen", "armados", "com armas", "com arma",
		"مسلحين", "مسلح", "معاهم سلاح", "معهم سلاح", "معاه سلاح", "بسلاح", "بالسلاح", "msal7in", "m3ahom sla7", "ma3hom sla7",
		"हथियार", "हथियारबंद", "बंदूक", "hathiyar", "bandook", "bandooq", "اسلحہ", "مسلح", "بندوق", "اسلحے",
	}
	// kindDown: someone lying on the floor or shot.
	kindDown = []string{
		"on the floor", "on the ground", "lying there", "shot", "par terre", "au sol", "à terre", "en el suelo", "en el piso", "tirado", "tirada",
		"am boden", "auf dem boden", "liegt da", "no chão", "no chao", "caído", "caida", "baleado",
		"على الارض", "عالارض", "مرمي", "ممدد", "انضرب بالرصاص", "3al ard", "3ala l2ard", "mermi",
		"ज़मीन पर", "जमीन पर", "गोली लगी", "zameen par", "zameen pe", "goli lagi", "زمین پر", "گولی لگی",
	}
	// kindLeaning: a building tilting or its cracks growing.
	kindLeaning = []string{
		"is tilting", "tilting", "is leaning", "leaning over", "cracks are getting bigger", "cracks getting bigger", "cracks are growing", "cracks growing",
		"penche", "se penche", "s'incline", "fissures s'agrandissent", "les fissures grandissent", "se inclina", "se está inclinando", "inclinado",
		"grietas crecen", "grietas se hacen más grandes", "las grietas crecen", "neigt sich", "schief", "risse werden größer", "risse werden grösser",
		"risse wachsen", "inclinando", "inclinado", "rachaduras aumentam", "rachaduras aumentando", "rachaduras crescendo",
		"عم تميل", "بتميل", "مايله", "مايل", "الشقوق عم تكبر", "الشقوق بتكبر", "التشققات بتزيد", "3am tmeel", "mayle", "el shou2ou2 3am tekbar",
		"टेढ़ी हो रही", "टेढ़ा हो रहा", "झुक रही", "दरारें बढ़ रही", "tedhi ho rahi", "jhuk rahi", "dararein badh rahi",
		"ٹیڑھی ہو رہی", "ٹیڑھا ہو رہا", "جھک رہی", "دراڑیں بڑھ رہی", "tedhi ho rahi",
	}
	kindBuilding = []string{
		"building", "block", "house", "flats", "immeuble", "bâtiment", "maison", "edificio", "casa", "gebäude", "haus", "wohnblock", "prédio", "predio", "prédio",
		"العماره", "البنايه", "البيت", "عمارتنا", "بنايتنا", "el 3emara", "el binaye", "बिल्डिंग", "इमारत", "मकान", "building", "imarat", "بلڈنگ", "عمارت", "مکان",
	}
	// kindHoney: honey given to a baby.
	kindHoney  = []string{"honey", "miel", "honig", "mel", "عسل", "العسل", "3asal", "शहद", "shahad", "شہد"}
	kindInfant = []string{
		"baby", "newborn", "infant", "months old", "month old", "bébé", "nourrisson", "mois", "bebé", "bebe", "meses", "recién nacido", "säugling",
		"monate", "monaten", "bebê", "nenê", "nene", "البيبي", "الرضيع", "رضيع", "شهور", "اشهر", "el baby", "bebe", "बच्चा", "बच्ची", "महीने",
		"mahine", "بچہ", "بچی", "مہینے",
	}
	kindFloppy = []string{
		"floppy", "limp", "can't swallow", "cant swallow", "not swallowing", "won't feed", "eyelids drooping", "droopy eyes", "weak cry",
		"tout mou", "toute molle", "mou", "n'avale plus", "n'avale pas", "paupières tombantes", "pleure faiblement",
		"flojito", "flácido", "no traga", "casi no traga", "párpados caídos", "parpados caidos", "llora bajito", "llora débil",
		"schlaff", "schluckt nicht", "kann nicht schlucken", "hängende augenlider", "weint schwach",
		"molinho", "mole", "não engole", "nao engole", "pálpebras caídas", "chora fraco", "chorinho fraco",
		"مرخي", "رخو", "ما بيبلع", "ما عم يبلع", "مش قادر يبلع", "جفونه نازله", "بكاه ضعيف", "ma 3am yebla3", "mrakhi",
		"ढीला", "निगल नहीं", "पलकें झुकी", "कमज़ोर रोना", "dheela", "nigal nahi", "ڈھیلا", "نگل نہیں", "پلکیں جھکی",
	}
)

var (
	// kindFumes: a strong chemical smell in a closed place.
	kindFumes = []string{
		"ammonia", "chlorine", "fumigation", "fumigated", "strong smell", "chemical smell", "ammoniac", "chlore", "odeur forte", "forte odeur",
		"odeur chimique", "amoníaco", "amoniaco", "cloro", "olor fuerte", "olor a químico", "fumigación", "ammoniak", "chlor", "stechender geruch",
		"starker geruch", "chemischer geruch", "begasung", "amônia", "amonia", "cheiro forte", "cheiro de químico", "fumigação",
		"امونيا", "كلور", "ريحه قويه", "ريحه كيماويه", "تبخير", "amonia", "ri7a 2awiye", "अमोनिया", "क्लोरीन", "तेज़ गंध", "तेज गंध", "तेज़ बदबू",
		"ammonia", "tez gandh", "امونیا", "کلورین", "تیز بو", "tez boo",
	}
	// kindFainted: someone collapsed or passed out.
	kindFainted = []string{
		"fainted", "passed out", "keeled over", "collapsed", "unconscious", "s'est évanoui", "s'est évanouie", "se sont évanouis", "évanoui", "inconscient",
		"se desmayó", "se desmayaron", "desmayado", "desmayados", "inconsciente", "ohnmächtig", "bewusstlos", "zusammengebrochen",
		"desmaiou", "desmaiaram", "desmaiado", "desmaiados", "inconsciente", "اغمي عليه", "اغمي عليهم", "غاب عن الوعي", "فقد الوعي", "وقعوا مغمى",
		"ghayib 3an el wa3i", "oghmi 3aleh", "बेहोश", "गिर पड़े", "behosh", "بے ہوش", "بیہوش",
	}
	// kindSmashing: a crowd smashing its way at people.
	kindSmashing = []string{
		"smashing the windows", "smashing the windscreen", "breaking the windows", "kicking the door in", "cassent les vitres", "défoncent la porte",
		"rompen los vidrios", "rompiendo los vidrios", "rompen las ventanas", "tumbando la puerta", "scheiben ein", "schlagen die scheiben",
		"treten die tür ein", "quebrando os vidros", "quebram os vidros", "arrombando a porta", "عم يكسروا القزاز", "بيكسروا الشبابيك", "عم يكسروا الباب",
		"3am ykassro el 2azaz", "शीशे तोड़ रहे", "दरवाज़ा तोड़ रहे", "दरवाजा तोड़ रहे", "sheeshe tod rahe", "شیشے توڑ رہے", "دروازہ توڑ رہے",
	}
)

// kindFever and kindDisoriented: a high fever with the mind going, the
// sign of sepsis, meningitis or Legionnaires' disease in the old.
var (
	kindFever = []string{
		"fever", "high temperature", "fièvre", "de la fièvre", "fiebre", "calentura", "fieber", "febre", "حراره", "سخونه", "حمى", "skhoune", "7arara",
		"बुखार", "ताप", "bukhar", "bukhaar", "بخار", "تیز بخار",
	}
	kindDisoriented = []string{
		"confused", "doesn't know where he is", "doesn't know where she is", "doesn't know what day", "doesn't recognise", "doesn't recognize",
		"désorienté", "désorientée", "confus", "confuse", "ne sait plus où", "ne reconnaît plus", "ne sait plus quel jour",
		"confundido", "confundida", "desorientado", "desorientada", "no sabe dónde está", "no sabe qué día", "no nos reconoce",
		"verwirrt", "desorientiert", "weiß nicht mehr wo", "weiss nicht mehr wo", "erkennt uns nicht", "weiß nicht welcher tag", "weiss nicht welcher tag",
		"weiss nicht mehr welcher", "weiß nicht mehr welcher",
		// the same in a subordinate clause: "dass er nicht mehr weiß, wo er ist"
		"nicht mehr weiß wo", "nicht mehr weiss wo", "nicht mehr weiß welcher", "nicht mehr weiss welcher", "uns nicht mehr erkennt",
		"confuso", "confusa", "desorientado", "desorientada", "não sabe onde está", "não reconhece", "nao reconhece",
		"مش عارف وين هو", "ما عم يعرفنا", "ما بيعرف وين", "مخربط", "تايه", "mkharbat", "ma 3am ya3refna", "ما عرفنا",
		"पहचान नहीं रहे", "पहचान नहीं रही", "कुछ समझ नहीं", "बहकी बातें", "pehchan nahi", "پہچان نہیں رہے", "پہچان نہیں رہی", "بہکی باتیں",
	}
)

var violentKindConcepts = []concept{
	{name: "fever_disoriented", parts: []conceptPart{{phrases: kindFever}, {neg: true, phrases: kindDisoriented}}, unless: kindOver},
	{name: "fumes_fainted", parts: []conceptPart{{phrases: kindFumes}, {neg: true, phrases: kindFainted}}, unless: kindOver},
	{name: "crowd_smashing_in", parts: []conceptPart{{phrases: kindSmashing}, {phrases: kindInside}}, unless: kindOver},
	// German splits the verb round its object: "sie schlagen jetzt die Scheiben ein"
	{name: "crowd_smashing_in", parts: []conceptPart{
		{phrases: []string{"die scheiben", "die fenster", "die tür", "die windschutzscheibe"}},
		{phrases: []string{"schlagen", "hauen", "treten", "brechen"}},
		{phrases: kindInside},
	}, unless: kindOver},
	{name: "armed_person_down", parts: []conceptPart{{phrases: kindArmed}, {phrases: kindDown}}, unless: kindOver},
	{name: "building_leaning", hazard: true, parts: []conceptPart{{phrases: kindBuilding}, {neg: true, phrases: kindLeaning}, {phrases: signPeople}}, unless: kindOver},
	{name: "part_severed", parts: []conceptPart{{phrases: kindBodyPart}, {neg: true, phrases: kindSevered}}, unless: kindOver, check: severedNear},
	{name: "boat_adrift", hazard: true, parts: []conceptPart{{phrases: kindBoat}, {phrases: kindAtSea}, {phrases: kindAdriftNeed}}, unless: kindOver},
	{name: "wild_animal_loose", parts: []conceptPart{{phrases: kindWildAnimal}, {neg: true, phrases: kindLoose}, {phrases: kindOutside}}, unless: concat(kindOver, kindCaught)},
	{name: "honey_infant", parts: []conceptPart{{phrases: kindHoney}, {phrases: kindInfant}, {neg: true, phrases: kindFloppy}}, unless: kindOver},
}

// severedNear reports a body part with a word telling it cut off within
// the five words after it ("isb3ein menno ta2riban ma2tou3in", "two
// fingers hanging off"): "el kahraba ma2tou3a ... w ido wja3ato" (the
// power is cut ... his hand hurts) names both, apart.
func severedNear(padded string) bool {
	words := strings.Fields(padded)
	for i, w := range words {
		if !bodyPartWords[w] {
			continue
		}
		rest := " " + strings.Join(words[i+1:min(len(words), i+7)], " ") + " "
		if severedSet.match(rest) {
			return true
		}
	}
	return false
}

var (
	bodyPartWords = wordSet(kindBodyPart...)
	severedSet    = compile(kindSevered)
)
