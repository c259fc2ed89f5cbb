package understand

import (
	"strings"
	"unicode/utf8"
)

// Concept rules find a life threat told as a situation, with no danger word
// in it: "the baby is floppy", "grandma is confused and it's 45 degrees",
// "my brother went out before the blizzard, phone off, we can't find him",
// "dad is on a ventilator and the power is out". Each concept is a small
// conjunction of meanings (who is at risk, what state, what makes it
// critical); a message holding a phrase of every part names a person at
// risk now, like a danger phrase. Parts marked neg do not count when a
// negator stands just before their phrase ("no smoke in the house") or,
// in Hindi and Urdu, just after it. A concept does not fire when a phrase
// of its unless list is present ("water in the kitchen from a burst pipe").
type concept struct {
	name   string
	parts  []conceptPart
	unless []string
	// hazard concepts name a hazard in a place, not a person: like hazard
	// phrases, they do not raise a message that asserts well-being ("the
	// gas smell was from the bins, false alarm, we're good").
	hazard bool
	// check, when set, must also hold once every part is hit: a reading
	// phrases cannot make, such as a temperature told as a number or a
	// clause after "but" (situations.go). It runs only on the rare
	// messages that hold every part.
	check func(padded string) bool
}

type conceptPart struct {
	phrases []string
	neg     bool // a negated phrase does not count
}

// Shared phrase lists.
var (
	// conceptWeather is the weather that turns "out for hours" or "not
	// back" into a life threat.
	conceptWeather = []string{
		"blizzard", "snowstorm", "snow storm", "minus", "below zero", "freezing", "flood", "floods", "storm", "heatwave",
		"tempête de neige", "tempête", "moins", "en dessous de zéro", "inondation", "crue", "canicule",
		"nevada", "tormenta de nieve", "tormenta", "bajo cero", "inundación", "ola de calor", "ventisca",
		"schneesturm", "sturm", "unter null", "hochwasser", "hitzewelle", "frost",
		"nevasca", "tempestade de neve", "tempestade", "abaixo de zero", "enchente", "onda de calor",
		"عاصفه ثلجيه", "عاصفه", "ثلج*", "التلج", "تلج", "تحت الصفر", "فيضان", "السيل",
		"talj", "el talj", "tal3", "3asfe", "3asifa", "ta7t el sefr", "fayadan", "sayl",
		"बर्फ़ीला तूफ़ान", "बर्फीला तूफान", "तूफान", "तूफ़ान", "बर्फ", "बर्फ़", "माइनस", "बाढ़", "toofan", "barf", "minus", "baadh",
		"برفانی طوفان", "طوفان", "برف", "منفی", "سیلاب",
	}
	// conceptPerson names a person who can be at risk.
	conceptPerson = []string{
		"he", "she", "he's", "she's", "him", "her", "baby", "son", "daughter", "child", "kid", "boy", "girl", "husband", "wife", "mum", "mom", "mother",
		"dad", "father", "grandma", "grandpa", "grandmother", "grandfather", "granny", "brother", "sister", "uncle", "aunt", "neighbour", "neighbor",
		"patient", "friend", "man", "woman", "ami", "amie", "amigo", "amiga", "freund", "freundin", "صديقي", "صاحبي", "sa7bi", "दोस्त", "dost", "دوست", "toddler", "infant", "newborn", "his",
		"il", "elle", "bébé", "fils", "fille", "enfant", "mari", "femme", "mère", "père", "maman", "papa", "mamie", "papi", "grand-mère", "grand-père",
		"frère", "sœur", "soeur", "voisin", "voisine", "patient", "homme",
		"él", "ella", "bebé", "hijo", "hija", "niño", "niña", "esposo", "esposa", "madre", "padre", "mamá", "papá", "abuela", "abuelo", "hermano",
		"hermana", "vecino", "vecina", "paciente", "señor", "señora",
		"er", "sie", "baby", "sohn", "tochter", "kind", "mann", "frau", "mutter", "vater", "mama", "papa", "oma", "opa", "bruder", "schwester",
		"nachbar", "nachbarin", "patient", "patientin",
		"ele", "ela", "bebê", "filho", "filha", "criança", "menino", "menina", "marido", "esposa", "mãe", "pai", "avó", "avô", "irmão", "irmã",
		"vizinho", "vizinha", "paciente",
		"هو", "هي", "طفل*", "ابني", "بنتي", "ولدي", "البيبي", "الرضيع", "زوجي", "زوجتي", "امي", "ابوي", "ابي", "بابا", "ماما", "جدي", "جدتي", "ستي",
		"اخوي", "اخي", "اختي", "جاري", "جارتي", "الجار", "الجاره", "المريض", "المريضه", "الزلمه", "الراجل", "الست",
		"huwe", "hiye", "howa", "hiya", "ibni", "binti", "bnti", "wlidi", "weldi", "baby", "tifl", "jouzi", "mrati", "emmi", "ommi", "baba", "bayye",
		"bayi", "mama", "jeddo", "teta", "sitti", "akhi", "akhoy", "ukhti", "jari", "jarti", "el jara", "el mareed",
		// brother and sister as Arabizi spells them, with kh or 5 ("okhti", "a5oy")
		"okhti", "o5ti", "u5ti", "ukhtii", "khti", "a5i", "a5oy", "a5oya", "akhoya", "khoya", "5ayi", "khayi", "jeddi", "abouy", "abouya",
		"वह", "वो", "बच्चा", "बच्ची", "बच्चे", "बेटा", "बेटे", "बेटी", "बच्चों", "भैया", "पति", "पत्नी", "माँ", "मां", "पापा", "पिताजी", "दादी", "दादा", "नानी", "नाना", "भाई",
		"बहन", "पड़ोसी", "पड़ोसन", "मरीज",
		"woh", "wo", "bachcha", "bacha", "bachchi", "beta", "beti", "pati", "patni", "maa", "papa", "dadi", "dada", "nani", "nana", "bhai", "behen",
		"padosi", "mareez",
		"وہ", "بچہ", "بچی", "بچے", "بیٹا", "بیٹی", "شوہر", "بیوی", "امی", "ابو", "دادی", "دادا", "نانی", "نانا", "بھائی", "بہن", "پڑوسی", "پڑوسن",
		"مریض",
	}

	// conceptElder names an old or frail person, whom heat and cold kill.
	conceptElder = append([]string{
		"aunty", "auntie", "tante", "tía", "tia", "خالتي", "عمتي", "الخاله", "khalti", "3ammti", "आंटी", "मौसी", "चाची", "آنٹی", "خالہ", "چاچی",
		"old", "granny", "neighbour", "neighbor", "mum", "mom", "dad",
		"mother", "father", "aunt", "uncle",
		"vieille", "vieux", "grand-mère", "grand-père", "voisine", "voisin", "ma mère", "mon père",
		"vecina", "vecino", "mayor", "mi mamá", "mi papá", "mi madre", "mi padre",
		"nachbarin", "nachbar", "ältere", "älterer", "alte", "alter", "mutter", "vater", "mama", "papa",
		"vizinha", "vizinho", "minha mãe", "meu pai",
		"ستي", "الجاره", "جارتنا", "جارنا", "الجار", "عجوز", "الختيار*", "الحجه", "الحاج",
		"jeddo", "el jara", "jaritna", "jarna", "emmi", "ommi", "baba", "l7ajja", "el 7ajje", "khtiyar*",
		"पड़ोसी", "पड़ोसन", "बूढ़ी", "माँ", "मां", "पिताजी",
		"dada", "nana", "padosi", "padosan", "boodhi",
		"پڑوسی", "پڑوسن", "بوڑھی", "بوڑھے", "امی", "ابو",
	}, elderWords...)

	// conceptHeatCold is weather that kills the frail: heat, extreme cold.
	conceptHeatCold = []string{
		"heat", "hot", "heatwave", "heat wave", "degrees", "cold", "freezing", "blizzard",
		"canicule", "chaleur", "chaud", "degrés", "froid", "gel",
		"ola de calor", "calor", "grados", "frío", "helada",
		"hitze", "hitzewelle", "heiß", "grad", "kälte", "frost",
		"onda de calor", "calor", "graus", "frio",
		"حر", "الحر", "شوب", "الشوب", "حراره", "موجه حر", "درجه", "برد", "البرد", "صقيع",
		"7ar", "el 7ar", "shob", "sho2", "7arara", "bard", "el bard", "daraje",
		"गर्मी", "लू", "डिग्री", "ठंड", "सर्दी", "garmi", "loo", "degree", "thand", "sardi",
		"گرمی", "لو", "ڈگری", "ٹھنڈ", "سردی",
	}

	// conceptNegators make the phrase after them say the opposite.
	conceptNegators = []string{
		"not", "no", "isn't", "isnt", "wasn't", "never", "without", "nobody", "pas", "plus", "sans", "aucun", "aucune", "ni", "nada", "sin",
		"nunca", "nicht", "kein", "keine", "keinen", "ohne", "não", "nao", "sem", "nenhum", "nenhuma", "مش", "مو", "لا", "ما", "بدون", "مافي",
		"ما في", "ليس", "mesh", "mish", "msh", "mafi", "bidun", "bala", "नहीं", "ना", "न", "बिना", "nahi", "nahin", "bina",
		"نہیں", "نہ", "بغیر",
	}
)

// concepts are the life-threat situations read by meaning: the first
// ones below, then the emergency signs of signs.go.
var concepts = append(append(append(append(append(append(append(append(append(coreConcepts[:len(coreConcepts):len(coreConcepts)], signConcepts...), welfareConcepts...),
	newKindConcepts...), lifeKindConcepts...), careKindConcepts...), situationConcepts...), unseenKindConcepts...), violentKindConcepts...),
	longStoryConcepts...) // longstory.go

var coreConcepts = []concept{
	{name: "unresponsive", parts: []conceptPart{
		{phrases: conceptPerson},
		{neg: true, phrases: []string{
			"unresponsive", "floppy", "not reacting", "doesn't react", "won't react", "no reaction", "eyes rolled back", "eyes rolling back",
			"eyes are rolling", "lips are going blue", "lips turning blue", "turned grey", "gone grey", "can't keep his eyes open", "can't keep her eyes open",
			"ne réagit pas", "ne réagit plus", "réagit plus", "tout mou", "toute molle", "yeux révulsés", "lèvres bleues", "lèvres violettes",
			"no reacciona", "flácido", "flácida", "ojos en blanco", "labios morados", "labios azules",
			"reagiert nicht", "reagiert nicht mehr", "schlaff", "verdreht die augen", "blaue lippen", "lippen sind blau",
			"não reage", "nao reage", "mole demais", "todo mole", "toda mole", "olhos revirados", "lábios roxos", "labios roxos",
			"ما يستجيب", "لا يستجيب", "ما بيستجيب", "ما عم يستجيب", "ما بيتفاعل", "مرتخي", "رخو", "عيونه مقلوبه", "شفايفه زرق", "شفايفه زرقا",
			"ma byestajeb", "ma 3am yestajeb", "ma 3am yetfa3al", "mre5i", "mrakhi", "3younou ma2loube", "shfafo zer2", "chfayfo zre9",
			"कोई हरकत नहीं", "ढीला पड़*", "आंखें पलट*", "आँखें पलट*", "होंठ नीले", "koi harkat nahi", "dheela pad", "aankhen palat", "honth neele",
			"کوئی حرکت نہیں", "ڈھیلا پڑ*", "آنکھیں الٹ*", "ہونٹ نیلے",
		}},
	}},
	{name: "breathing", parts: []conceptPart{
		{phrases: append(append([]string{}, conceptPerson...), "we", "we're", "i", "i'm", "kids", "children", "nous", "on", "enfants", "nosotros",
			"niños", "wir", "kinder", "nós", "crianças", "احنا", "نحن", "الولاد", "الاطفال", "e7na", "ne7na", "el wlad", "हम", "बच्चे", "hum", "ہم")},
		{neg: true, phrases: []string{
			"can hardly breathe", "hard to breathe", "struggling to breathe", "gasping", "gasping for air",
			"respire mal", "respire difficilement", "a du mal à respirer", "suffoque", "suffoquent", "respira mal", "le cuesta respirar",
			"nos cuesta respirar", "le falta el aire", "kaum luft", "kriegen kaum luft", "bekommt kaum luft", "ringt nach luft", "atemnot",
			"falta de ar", "respirando mal", "ما عم يقدر يتنفس", "عم يلهث", "ضيق نفس شديد", "ما فيني اتنفس", "ma 3am y2der yetnaffas",
			"3am yelhath", "सांस लेने में दिक्कत", "सांस फूल रही", "saans lene me dikkat", "saans phool rahi", "سانس لینے میں دشواری", "سانس پھول رہی",
			"سانس نہیں آ رہی",
			// barely breathing
			"barely breathing", "hardly breathing", "barely breathes", "respire à peine", "respire juste à peine", "respire tout juste", "respire très faiblement",
			"apenas respira", "casi no respira", "respira muy débil", "atmet kaum", "atmet nur noch schwach", "atmet ganz schwach", "mal respira", "quase não respira",
			"respira bem fraquinho", "بالكاد يتنفس", "بالكاد تتنفس", "نفسه ضعيف كتير", "نفسها ضعيف كتير", "yadoub yetnaffas", "nafaso da3eef ktir",
			"मुश्किल से सांस", "बहुत धीमी सांस", "mushkil se saans", "مشکل سے سانس", "بہت آہستہ سانس",
		}},
	}},
	// floodwater up to the chest or neck
	{name: "water_chest", hazard: true, parts: []conceptPart{
		{phrases: []string{
			"water", "flood", "l'eau", "eau", "agua", "wasser", "água", "agua", "enxurrada", "المي", "الميه", "المياه", "الما", "el mayya", "el mayye",
			"el mayy", "mayya", "mayye", "lma", "पानी", "pani", "paani", "پانی",
		}},
		{phrases: []string{
			"chest", "chests", "neck", "necks", "chin", "poitrine", "cou", "menton", "pecho", "cuello", "brust", "hals", "kinn", "peito", "pescoço",
			"pescoco", "صدر*", "لصدر*", "رقبت*", "رقبه*", "sadr*", "ra2bet*", "ra2ab*", "छाती", "गर्दन", "chhati", "gardan", "سینے", "گردن",
		}},
	}},
	// gas smelled now
	{name: "gas_smell", hazard: true, parts: []conceptPart{
		{phrases: []string{"gas", "gaz", "gás", "غاز", "الغاز", "ghaz", "gaz", "गैस", "گیس"}},
		{neg: true, phrases: []string{
			"smell", "smells", "smelling", "stink", "odeur", "olor", "huele", "riecht", "geruch", "gestank", "cheiro", "fedor",
			"ريحه", "ريحة", "رائحه", "ri7a", "ri7et", "बदबू", "गंध", "badboo", "gandh", "بدبو", "بو",
		}},
	}},
	{name: "seizure", parts: []conceptPart{
		{phrases: conceptPerson},
		{neg: true, phrases: []string{
			"seizure", "seizing", "having a fit", "convulsion", "convulsions", "convulsing",
			"crise d'épilepsie", "crise d'epilepsie", "crise convulsive", "convulse", "convulsions",
			"convulsión", "convulsion", "convulsiones", "convulsionando", "ataque epiléptico", "ataque epileptico", "crisis epiléptica",
			"krampfanfall", "epileptischer anfall", "krampft", "krampfen",
			"convulsão", "convulsao", "convulsionando", "crise epiléptica", "crise epileptica", "ataque epiléptico",
			"نوبه صرع", "صرع", "يتشنج", "عم يتشنج", "تشنجات", "نوبه تشنج", "جاته نوبه", "جاتو نوبه",
			"sar3", "nawbet sar3", "tashannoj", "3am yetshannaj", "ytshannaj", "kayt9ella9",
			"मिर्गी", "दौरा पड़*", "झटके आ*", "mirgi", "daura pad", "jhatke aa",
			"مرگی", "دورہ پڑ*", "جھٹکے آ*",
		}},
	}},
	{name: "heat_cold_frail", parts: []conceptPart{
		{phrases: conceptElder},
		{neg: true, phrases: []string{
			"hasn't been in touch", "no sign of", "doesn't recognise", "doesn't recognize", "not drinking", "won't drink",
			"ne donne plus de nouvelles", "ne reconnaît personne", "ne reconnaît plus", "ne boit plus", "no da señales", "no reconoce", "no quiere beber",
			"ya no bebe", "meldet sich nicht", "meldet sich seit", "erkennt niemanden", "erkennt uns nicht", "trinkt nichts", "trinkt nicht",
			"não dá notícias", "nao da noticias", "não reconhece", "nao reconhece", "não bebe", "nao bebe",
			"ما عم تعرف حدا", "ما عرفتنا", "ما عم تشرب", "ما بتشرب", "ma 3am ta3ref 7ada", "ma 3am teshrab", "ma btishrab",
			"पहचान नहीं", "पानी नहीं पी", "pehchan nahi", "paani nahi pi", "پہچان نہیں", "پانی نہیں پی",
			"confused", "disoriented", "not making sense", "talking nonsense", "doesn't know where", "hasn't answered", "hasnt answered", "not answering",
			"doesn't answer", "doesnt answer", "won't answer", "no answer", "door is locked", "won't open the door", "not opening the door",
			"confuse", "confus", "désorientée", "désorienté", "dit n'importe quoi", "ne répond plus", "ne répond pas", "répond plus",
			"confundida", "confundido", "desorientada", "desorientado", "no contesta", "no responde", "no abre la puerta", "dice cosas sin sentido",
			"verwirrt", "orientierungslos", "antwortet nicht", "macht nicht auf", "redet wirr", "geht nicht ans telefon",
			"confusa", "confuso", "desorientada", "desorientado", "não atende", "nao atende", "não responde", "nao responde", "falando coisas sem sentido",
			"مش عارفه وين", "مخربطه", "مخربط", "تهذي", "يهذي", "ما ترد", "ما بترد", "ما عم ترد", "مش بترد", "ما يرد", "ما عم يرد", "مش واعيه", "تخرف",
			"تايهه", "ما بتفتح الباب", "الباب مسكر",
			"m5arbta", "m5arbat", "ma btrod", "ma 3am trod", "mesh 3am trod", "ma 3am tjaweb", "ma jawabet", "3am tehdi", "ma 3am yrod", "ma byrod",
			"el bab msakkar",
			"उलझन", "बहकी बातें", "बहकी-बहकी", "जवाब नहीं दे*", "फोन नहीं उठा*", "दरवाजा नहीं खोल*", "दरवाज़ा नहीं खोल*", "behki baatein", "jawab nahi de",
			"phone nahi utha", "darwaza nahi khol",
			"بہکی باتیں", "الجھن", "جواب نہیں دے*", "فون نہیں اٹھا*", "دروازہ نہیں کھول*",
		}},
		{phrases: append(append([]string{}, conceptHeatCold...),
			"smell", "odeur", "huele", "riecht", "geruch", "cheiro", "ريحه", "ri7a", "बदबू", "badboo", "بدبو",
			// a hazard in the house of someone who does not answer
			"gas", "smoke", "gaz", "fumée", "humo", "rauch", "gás", "fumaça", "غاز", "دخان", "ghaz", "dukhan", "गैस", "धुआं", "گیس", "دھواں",
			"गरम", "गर्म", "garam", "گرم", "سخن", "skhoun")},
	}},
	{name: "missing_weather", parts: []conceptPart{
		{neg: true, phrases: []string{
			"no contact", "hasn't returned", "didn't return", "didn't come back", "aucun contact", "pas de contact", "n'est pas revenu",
			"sin contacto", "no regresaron", "kein kontakt", "nicht zurückgekehrt", "sem contato", "sem contacto", "não retornou",
			"ما في اتصال", "ما رجعو", "ما رجعوا", "ma fi ettisal", "ma rej3o", "नहीं लौट*", "कोई संपर्क नहीं", "nahi lauta", "nahi laute",
			"koi sampark nahi", "واپس نہیں لوٹ*", "نہیں لوٹ*", "کوئی رابطہ نہیں",
			"can't find him", "cant find him", "can't find her", "cant find her", "cannot find him", "cannot find her",
			"hasn't come back", "hasnt come back", "not back yet", "no news of", "still out there", "never came back", "never returned",
			"no radio contact", "lost contact", "lost radio contact", "jamais revenu", "plus de contact radio", "nunca volvió", "sin contacto por radio",
			"nie zurückgekommen", "kein funkkontakt", "nunca voltou", "sem contato por rádio", "ما رجع ابدا", "انقطع الاتصال", "in2ata3 el ettisal",
			"कभी नहीं लौट", "संपर्क टूट", "رابطہ ٹوٹ",
			"on le trouve pas", "on la trouve pas", "on ne le trouve pas", "on ne la trouve pas", "n'est pas rentré",
			"n'est pas rentrée", "pas revenu", "pas revenue",
			"no lo encontramos", "no la encontramos", "no lo encuentro", "no la encuentro", "no ha vuelto",
			"no ha regresado", "no regresó", "no volvió",
			"finden ihn nicht", "finden sie nicht", "nicht zurück", "nicht zurückgekommen",
			"não encontramos", "nao encontramos", "não achamos", "nao achamos", "não voltou", "nao voltou",
			"ما لقيناه", "ما لقيناها", "ما لاقيينه", "مش لاقيينه", "مش لاقيينها", "ما رجع",
			"ما رجعت", "لسه ما رجع", "لسا ما رجع",
			"mesh la2ino", "mesh la2yino", "ma la2ayneh", "ma l9inah", "ma l9inahch", "ma raje3", "ma rje3", "lessa ma raje3",
			"नहीं मिल रहा", "नहीं मिल रही", "वापस नहीं आया", "वापस नहीं आई", "वापस नहीं आए", "नहीं मिल रहे", "nahi mil raha", "nahi mil rahi", "wapas nahi aaya",
			"نہیں مل رہا", "نہیں مل رہی", "واپس نہیں آیا", "واپس نہیں آئی", "واپس نہیں آئے", "نہیں مل رہے",
		}},
		{phrases: conceptWeather},
	}, unless: concat(utilitiesBack, suppliesNotFound)},
	// out in the storm for hours, phone off: lost even if nobody says so
	{name: "missing_phone_weather", parts: []conceptPart{
		{phrases: conceptPerson},
		{phrases: []string{
			"phone off", "phone is off", "phone's off", "phone dead", "téléphone coupé", "téléphone éteint", "portable éteint", "celular apagado",
			"teléfono apagado", "handy aus", "handy ist aus", "telefon aus", "celular desligado", "telefone desligado", "التلفون مسكر",
			"الموبايل مسكر", "تلفونه مسكر", "جواله مقفل", "جواله مسكر", "telefon msakkar", "el telefon msakkar", "el telephone msakkar",
			"tilifoun msakkar", "फोन बंद", "phone band", "فون بند",
		}},
		{phrases: []string{
			"hours", "hrs", "heures", "horas", "stunden", "ساعات", "ساعه", "sa3at", "sa3a", "घंटे", "घंटों", "ghante", "گھنٹے", "گھنٹوں",
		}},
		{phrases: conceptWeather},
	}},
	// no way out while a hazard comes
	{name: "no_way_out", hazard: true, parts: []conceptPart{
		{phrases: []string{
			"no way out", "can't get out", "nowhere to go", "sin salida", "no hay salida", "no tenemos salida", "pas d'issue", "aucune issue",
			"n'arrive pas à sortir", "arrive pas à sortir", "kein ausweg", "kommen nicht weg", "sem saída", "sem saida", "não tem saída",
			"ما في مخرج", "ما في طريق نطلع", "مافي مطلع", "ma fi makhraj", "ma fi tari2 nitla3", "koi rasta nahi", "कोई रास्ता नहीं", "کوئی راستہ نہیں",
		}},
		{phrases: []string{
			"water", "flood", "fire", "smoke", "flames", "attic", "roof", "eau", "inondation", "feu", "fumée", "flammes", "grenier", "toit", "agua",
			"inundación", "fuego", "humo", "llamas", "altillo", "ático", "techo", "wasser", "hochwasser", "feuer", "rauch", "flammen", "dachboden",
			"dach", "água", "enchente", "fogo", "fumaça", "chamas", "sótão", "telhado", "المي", "الميه", "المياه", "النار", "حريق", "دخان", "السطح",
			"mayye", "mayya", "nar", "7ari2", "dukhan", "sat7", "पानी", "बाढ़", "आग", "धुआं", "छत", "pani", "paani", "aag", "chhat", "پانی", "سیلاب", "آگ",
			"دھواں", "چھت",
		}},
	}},
	{name: "life_support", parts: []conceptPart{
		{phrases: lifeSupportDevices},
		{neg: true, phrases: []string{
			"no power", "power went", "power just went", "power's gone", "lost power", "without power", "without electricity", "power cut", "power is out", "power's out", "power went out", "power outage", "outage", "no electricity", "blackout",
			"battery is dying", "battery dying", "battery low", "battery running out", "battery is dead", "battery died", "left him", "left her",
			"on battery", "on batteries", "3al batarya", "3ala batarya", "batarya",
			// the backup power that should have taken over did not
			"generator never started", "generator didn't start", "generator did not start", "generator won't start", "generator failed",
			"groupe électrogène n'a pas démarré", "le groupe n'a pas démarré", "la planta no arrancó", "el generador no arrancó",
			"notstrom ist nicht angesprungen", "aggregat springt nicht an", "o gerador não ligou", "o gerador nao ligou", "gerador não pegou",
			"المولد ما اشتغل", "المولد ما اشتغلش", "المولد ما شتغل", "el moulid ma shta3al", "el moulid ma eshta3al", "el moulid ma ishta3al",
			"जनरेटर नहीं चला", "जनरेटर चालू नहीं", "جنریٹر نہیں چلا", "جنریٹر چالو نہیں",
			"left alone", "abandoned", "alone",
			"plus de courant", "pas de courant", "coupure de courant", "coupure d'électricité", "panne de courant", "panne d'électricité", "batterie",
			"laissé seul", "laissée seule", "abandonné", "abandonnée", "tout seul", "toute seule",
			"sin luz", "se fue la luz", "no hay luz", "apagón", "apagon", "batería", "bateria", "sin electricidad", "lo dejaron solo", "la dejaron sola",
			"abandonado", "abandonada", "solo", "sola",
			"kein strom", "stromausfall", "strom ist weg", "strom weg", "akku", "batterie", "allein gelassen", "zurückgelassen", "allein",
			"sem luz", "sem energia", "falta de luz", "acabou a luz", "apagão", "apagao", "bateria", "deixaram ele sozinho", "deixaram ela sozinha",
			"abandonado", "abandonada", "sozinho", "sozinha",
			"ما في كهربا", "مافي كهربا", "ما في كهرباء", "الكهربا مقطوعه", "انقطاع الكهرباء", "قطعت الكهربا", "انقطعت الكهربا", "الكهربا قاطعه", "البطاريه",
			"تركوه", "تركوها", "لحاله", "لحالها", "لوحده", "لوحدها",
			"ma fi kahraba", "mafi kahraba", "el kahraba ma2tou3a", "2at3et el kahraba", "batterie", "battery", "tarakouh", "tarakoh", "tarakouha",
			"la7alo", "la7alha", "lwa7do", "bou7do",
			"बिजली नहीं", "बिजली चली गई", "बिजली कटी", "बिजली गुल", "बैटरी", "अकेला छोड़*", "अकेले छोड़*", "bijli nahi", "bijli chali gayi", "bijli gul",
			"battery", "akela chhod", "akele chhod",
			"بجلی نہیں", "بجلی چلی گئی", "بجلی گئی", "لوڈشیڈنگ", "بیٹری", "اکیلا چھوڑ*", "اکیلے چھوڑ*",
			// the device itself failing or its supply running out
			"machine stopped", "machine switched off", "machine turned off", "stopped working", "switched off", "turned off", "beeping",
			"running out", "run out", "ran out", "almost empty", "nearly empty", "missed dialysis", "missed his dialysis", "missed her dialysis",
			"s'est arrêté", "s'est éteint", "éteinte", "bip", "presque vide", "bientôt vide", "va manquer", "plus d'oxygène", "raté sa dialyse",
			"se apagó", "dejó de funcionar", "pita", "se acaba", "se está acabando", "casi vacío", "casi vacía", "perdió la diálisis", "sin oxígeno",
			"ist aus", "ging aus", "hat sich abgeschaltet", "funktioniert nicht", "piept", "geht zu ende", "fast leer", "dialyse verpasst", "kein sauerstoff",
			"desligou", "parou de funcionar", "apitando", "acabando", "quase vazio", "quase vazia", "perdeu a diálise", "sem oxigênio", "sem oxigenio",
			"طفى", "طفت", "انطفى", "وقف الجهاز", "الجهاز وقف", "الجهاز طفى", "خلص الاكسجين", "رح يخلص", "عم يخلص", "قرب يخلص", "فاتته الغسيل", "ما غسل",
			"el jihaz wa2af", "wa2af el jihaz", "tefi", "ra7 yekhlas", "3am yekhlas", "khelis el oxygen",
			"मशीन बंद", "बंद हो गई", "बंद हो गया", "खत्म होने", "ख़त्म होने", "खत्म हो रहा", "डायलिसिस छूट", "machine band", "khatam hone",
			"مشین بند", "بند ہو گئی", "بند ہو گیا", "ختم ہونے", "ختم ہو رہا", "ڈائلیسز چھوٹ",
			// the device's alarm
			"bipe", "bipent", "pita y pita", "pitando", "apitar", "apita", "piepst", "بيزمر", "بيصفر", "عم يصفر", "kaysoffar", "kaysafar",
			"बीप", "بیپ",
		}},
	}, unless: []string{
		// the person is well for now: a need to be met, not an emergency
		"ok at the moment", "okay at the moment", "ok for now", "okay for now", "fine for now", "fine at the moment", "ok during the day",
		"ok in the day", "fine during the day", "bien pour l'instant", "bien pour l instant", "va bien pour le moment", "bien por ahora",
		"bien por el momento", "de día está bien", "de dia esta bien", "im moment gut", "im moment geht's", "im moment gehts", "tagsüber geht's",
		"tagsüber gehts", "bem por enquanto", "bem por agora", "de dia ele tá bem", "de dia ele ta bem", "de dia ela tá bem", "منيحه هلق", "منيح هلق",
		"كويس دلوقتي", "كويسه دلوقتي", "بخير هلق", "بالنهار هو منيح", "بالنهار منيح", "mnee7a halla2", "mni7a halla2", "mnee7 halla2", "mni7 halla2",
		"bel nhar huwe mni7", "labas daba", "अभी वो ठीक", "अभी ठीक है", "अभी ठीक हैं", "दिन में ठीक", "abhi theek", "abhi wo theek", "ابھی وہ ٹھیک",
		"ابھی ٹھیک", "دن میں وہ ٹھیک", "دن میں ٹھیک",
		// a working backup keeps the person supplied
		"backup battery", "battery backup", "backup is working", "on the backup", "spare cylinder", "spare tank", "generator is running",
		"generator running", "have a generator", "batterie de secours", "bouteille de secours", "groupe électrogène marche", "batería de respaldo",
		"tanque de repuesto", "planta de luz funciona", "ersatzakku", "notstrom läuft", "ersatzflasche", "bateria reserva", "cilindro reserva",
		"gerador funcionando", "بطاريه احتياط", "بطاريه احتياطيه", "اسطوانه احتياط", "المولد شغال", "batterie i7tiyat", "el moulid sha8al",
		"बैकअप", "जनरेटर चल रहा", "इन्वर्टर", "بیک اپ", "جنریٹر چل رہا", "یو پی ایس", "ups",
	}},
	{name: "water_inside", hazard: true, parts: []conceptPart{
		{neg: true, phrases: []string{
			"water", "floodwater", "flood water", "l'eau", "eau", "agua", "wasser", "hochwasser", "água", "agua",
			"الماء", "المي", "الميه", "المياه", "الموي", "الما", "مي", "ميه", "mayye", "mayya", "el mayy", "el may", "lma", "l ma",
			"पानी", "paani", "pani", "پانی",
		}},
		{phrases: []string{
			"living room", "kitchen", "bedroom", "ground floor", "downstairs", "hallway", "in the house", "into the house", "in our house",
			"inside the house", "stairs", "step", "steps", "second step",
			"salon", "cuisine", "chambre", "rez-de-chaussée", "dans la maison", "marche", "escalier",
			"sala", "cocina", "dormitorio", "planta baja", "en la casa", "dentro de la casa", "escalón", "escalon", "escalera",
			"wohnzimmer", "küche", "schlafzimmer", "erdgeschoss", "im haus", "ins haus", "treppe", "stufe",
			"sala", "cozinha", "quarto", "térreo", "terreo", "dentro de casa", "na casa", "degrau", "escada",
			"الصالون", "الصاله", "المطبخ", "غرفه النوم", "جوا البيت", "داخل البيت", "بالبيت", "جوه البيت", "الدرج", "السلم",
			"el salon", "el sale", "el matbakh", "jowwa el beit", "bel beit", "el daraj", "el sellom",
			"बैठक", "रसोई", "कमरे", "घर में", "घर के अंदर", "सीढ़ी", "ghar me", "ghar mein", "kamre", "seedhi", "sidhi",
			"بیٹھک", "باورچی خانہ", "کمرے", "گھر میں", "گھر کے اندر", "سیڑھی",
		}},
		{phrases: []string{
			"rising", "risen", "coming in", "came in", "got in", "up to", "already", "reached", "entered", "keeps rising",
			"monte", "est entrée", "rentre", "jusqu'à", "déjà", "deja",
			"sube", "subiendo", "entró", "entro", "ya está", "ya esta", "llega", "llegó", "arriba de", "hasta",
			"steigt", "ist schon", "schon im", "schon in", "bis zum", "bis zur", "läuft rein", "dringt",
			"sobe", "subindo", "entrou", "já", "ja ta", "ja está", "chegou", "até",
			"ترتفع", "عم تطلع", "دخلت", "دخل", "وصلت", "وصل", "صارت", "لحد",
			"btetla3", "3am tetla3", "fetet", "dakhlet", "weslet", "la7ad",
			"बढ़ रहा", "आ गया", "घुस गया", "तक", "पहुंच", "पहुँच", "aa gaya", "badh raha", "tak", "pahunch",
			"بڑھ رہا", "آ گیا", "گھس گیا", "تک", "پہنچ",
		}},
	}, unless: []string{
		"pipe", "leak", "leaking", "plumber", "dried", "mopped", "tuyau", "fuite", "plombier", "tubería", "tuberia", "fontanero", "gotera",
		"rohr", "klempner", "tropft", "cano", "encanador", "goteira", "بايب", "سباك", "تسريب", "ينقط", "पाइप", "प्लंबर", "टपक", "پائپ", "پلمبر", "ٹپک",
		"plombi", "tasrib",
	}},
	{name: "trapped_lift", hazard: true, parts: []conceptPart{
		{phrases: []string{
			"lift", "elevator", "ascenseur", "ascensor", "aufzug", "fahrstuhl", "elevador", "المصعد", "مصعد", "الاسانسير", "اسانسير", "el asanseur",
			"asanseur", "l'ascenseur", "लिफ्ट", "लिफ़्ट", "لفٹ",
		}},
		{neg: true, phrases: []string{
			"stuck", "locked in", "doors won't open", "door won't open", "won't open", "can't open", "jammed", "people inside", "inside it",
			"bloqué", "bloqués", "bloquée", "bloquées", "portes ne s'ouvrent pas", "porte ne s'ouvre pas", "enfermé", "enfermés",
			"atascado", "atascados", "atascada", "encerrado", "encerrados", "la puerta no abre", "no abre",
			"feststecken", "stecken fest", "steckt fest", "stecken", "tür geht nicht auf", "eingesperrt",
			"trancado", "trancados", "travado", "porta não abre", "porta nao abre", "parado com",
			"علقنا", "علقوا", "علقت", "واقف فينا", "وقف فينا", "الباب ما بيفتح", "ما بيفتح", "ما يفتح",
			"3el2na", "3el2ou", "3al2anin", "wa2ef fina", "ma byefta7", "el bab ma byefta7",
			"फंस*", "फँस*", "अटक*", "दरवाजा नहीं खुल*", "phas", "fans", "atak", "darwaza nahi khul",
			"پھنس*", "اٹک*", "دروازہ نہیں کھل*",
		}},
	}},
	{name: "vehicle_in_water", hazard: true, parts: []conceptPart{
		{phrases: []string{
			"car", "bus", "van", "truck", "voiture", "bus", "camion", "coche", "carro", "auto", "autobús", "camioneta", "wagen", "auto", "bus", "carro",
			"ônibus", "onibus", "السياره", "سياره", "العربيه", "الباص", "sayyara", "el sayyara", "3arabiyye", "tomobil", "गाड़ी", "कार", "बस", "gaadi",
			"gadi", "گاڑی", "کار",
		}},
		{neg: true, phrases: []string{
			"with us inside", "with people inside", "avec nous dedans", "con nosotros adentro", "con nosotros dentro", "mit uns drin",
			"com a gente dentro", "conosco dentro", "levando o carro", "ونحنا جواها", "واحنا جواها", "w ne7na jowwaha", "हम अंदर हैं", "ہم اندر ہیں",
			"in the water", "in the river", "sinking", "submerged", "swept", "filling with water", "under water", "underwater",
			"dans l'eau", "dans la rivière", "coule", "submergée", "emportée", "se remplit d'eau",
			"en el agua", "en el río", "hundiendo", "se hunde", "arrastró", "se llena de agua", "bajo el agua",
			"im wasser", "im fluss", "sinkt", "unter wasser", "weggespült", "läuft voll",
			"na água", "no rio", "afundando", "submerso", "arrastou", "enchendo de água", "debaixo d'água",
			"بالمي", "بالميه", "في الماء", "في النهر", "بالنهر", "تغرق", "عم تغرق", "جرفها", "غرقانه",
			"bel mayy", "bel mayye", "bel nahr", "3am tegra2", "3am tghra2", "jarafha",
			"पानी में", "नदी में", "डूब रही", "बह गई", "pani me", "paani mein", "nadi me", "doob rahi", "beh gayi",
			"پانی میں", "دریا میں", "ڈوب رہی", "بہہ گئی",
		}},
	}},
	{name: "smoke_inside", hazard: true, parts: []conceptPart{
		{neg: true, phrases: []string{
			"smoke", "fumée", "humo", "rauch", "fumaça", "fumo", "دخان*", "dukhan", "dokhan", "dkhan", "d5an", "धुआं", "धुआँ", "dhuan", "dhua", "دھواں",
		}},
		{phrases: []string{
			"in the house", "in the room", "in the flat", "in the apartment", "in the stairwell", "in the hallway", "in the corridor", "under the door",
			"coming in", "getting in", "filling the",
			"dans la maison", "dans l'appartement", "dans la chambre", "dans l'escalier", "dans le couloir", "sous la porte", "entre dans", "rentre dans",
			"en la casa", "en el departamento", "en la habitación", "en la escalera", "en el pasillo", "debajo de la puerta", "por debajo de la puerta",
			"entrando", "entra por",
			"im haus", "in der wohnung", "im zimmer", "im treppenhaus", "im flur", "unter der tür", "kommt rein", "dringt ein",
			"em casa", "na casa", "no apartamento", "no quarto", "na escada", "no corredor", "debaixo da porta", "entrando",
			"بالبيت", "في البيت", "جوا البيت", "بالشقه", "في الشقه", "بالغرفه", "في الغرفه", "عالدرج", "على الدرج", "بالممر", "من تحت الباب",
			"عم يفوت", "عم يدخل", "داخل علينا",
			"bel beit", "bel sha2a", "bel ouda", "men ta7t el bab", "3am yfout", "dakhel 3lina", "f dar", "fed dar",
			"घर में", "कमरे में", "सीढ़ियों में", "दरवाजे के नीचे", "अंदर आ*", "ghar me", "kamre me", "andar aa*",
			"گھر میں", "کمرے میں", "سیڑھیوں میں", "دروازے کے نیچے", "اندر آ*",
		}},
	}, unless: []string{
		"outside", "out there", "dehors", "afuera", "fuera", "draußen", "lá fora", "la fora", "برا", "بره", "barra", "بالخارج", "بره البيت", "बाहर",
		"bahar", "باہر",
	}},
	{name: "person_in_water", parts: []conceptPart{
		{phrases: conceptPerson},
		{neg: true, phrases: []string{
			"courant l'a emporté", "courant l'a emportée", "on ne la voit plus", "on ne le voit plus",
			"fell in the river", "fell into the river", "fell in the water", "fell into the water", "fell in the canal", "fell into the sea",
			"water took", "water swept", "lost sight of", "el agua arrastró", "la corriente arrastró", "lo perdimos de vista", "la perdimos de vista",
			"l'eau a emporté", "perdu de vue", "aus den augen verloren", "a água levou", "a correnteza levou", "perdemos de vista",
			"المي جرفت*", "السيل اخد*", "el mayy jarafet", "पानी बहा ले गया", "pani baha le gaya", "پانی بہا لے گیا",
			"caught in the current", "current took", "pulled under", "went under", "being carried",
			"tombé dans la rivière", "tombée dans la rivière", "tombé dans l'eau", "tombée dans l'eau", "emporté par le courant", "emportée par le courant",
			"se cayó al río", "se cayó al agua", "lo arrastra la corriente", "la arrastra la corriente", "se lo llevó la corriente",
			"in den fluss gefallen", "ins wasser gefallen", "von der strömung", "strömung hat",
			"caiu no rio", "caiu na água", "caiu na agua", "levado pela correnteza", "levada pela correnteza", "a correnteza levou",
			"وقع بالنهر", "وقع في النهر", "وقع بالمي", "وقع في الماء", "وقعت بالنهر", "جرفه التيار", "سحبه التيار", "التيار سحب*",
			"we2e3 bel nahr", "we2e3 bel mayy", "wa9e3 f lwad", "tay7 f lwad", "ja3rou l wad", "jarafo el tayyar", "sa7abo el tayyar",
			"नदी में गिर*", "पानी में गिर*", "बहाव में बह*", "nadi me gir", "pani me gir", "paani mein gir",
			"دریا میں گر*", "پانی میں گر*", "بہاؤ میں بہہ*",
		}},
	}},
	{name: "labour_bleeding", parts: []conceptPart{
		{phrases: []string{
			"giving birth", "in labour", "in labor", "contractions", "waters broke", "water broke",
			"accouche", "en travail", "contractions", "perdu les eaux",
			"dando a luz", "de parto", "contracciones", "rompió fuente", "rompio fuente",
			"wehen", "entbindet", "fruchtblase geplatzt", "geburt",
			"em trabalho de parto", "parindo", "contrações", "contracoes", "bolsa estourou",
			"تولد", "بتولد", "عم تولد", "الطلق", "طلق", "المخاض", "مخاض",
			"katwled", "kat wled", "btwled", "3am twled", "3am tewled", "tal2", "ma5ad",
			"प्रसव", "डिलीवरी", "दर्द उठ*", "delivery", "dard uth", "prasav",
			"زچگی", "ڈیلیوری", "درد زہ", "درد اٹھ*",
		}},
		{neg: true, phrases: []string{
			"bleeding", "blood", "saigne", "sang", "sangre", "sangra", "sangrando", "blut", "blutet", "sangue", "sangrando",
			"دم", "بالدم", "نزيف*", "تنزف", "dem", "b dem", "bel dam", "dam", "nazif", "नज़ीफ़", "खून", "ख़ून", "khoon", "khun", "خون",
		}},
	}},
}

// partBits is a set of concept parts by bit index: three words, as the
// concepts have more than 128 parts between them.
// maxParts is how many parts all concepts together may have: the bits of
// partBits.
const maxParts = 256

type partBits [maxParts / 64]uint64

func (b partBits) with(i uint8) partBits {
	b[i>>6] |= 1 << (i & 63)
	return b
}

func (b partBits) or(c partBits) partBits {
	for i := range b {
		b[i] |= c[i]
	}
	return b
}

func (b partBits) andNot(c partBits) partBits {
	for i := range b {
		b[i] &^= c[i]
	}
	return b
}

// covers reports whether b holds every part of need.
func (b partBits) covers(need partBits) bool {
	for i := range b {
		if b[i]&need[i] != need[i] {
			return false
		}
	}
	return true
}

// conceptPhrase is one normalised phrase and the concept parts it stands
// in: a word shared by many concepts (a person, a hazard) is looked up
// once.
type conceptPhrase struct {
	text string   // normalised, padded when whole words must match
	bits partBits // the parts, by bit index over all concepts' parts
	neg  partBits // those of bits whose phrase does not count when negated
}

var (
	conceptByKey  keyIndex[conceptPhrase]
	conceptShort  []conceptPhrase
	conceptNeed   []partBits // per concept: the part bits that must all be hit
	conceptUnless []phraseSet
	// conceptPlainNeed are the needs of the concepts about a person with
	// no unless and no check: once one is covered, the answer is known.
	conceptPlainNeed []partBits
	conceptNegWord   map[string]bool
)

func init() {
	conceptNegWord = map[string]bool{}
	for _, w := range conceptNegators {
		for _, f := range strings.Fields(Normalize(w)) {
			conceptNegWord[f] = true
		}
	}
	byText := map[string]int{}
	var phrases []conceptPhrase
	bit := 0
	for _, c := range concepts {
		var need partBits
		for _, p := range c.parts {
			if bit >= maxParts {
				panic("understand: more concept parts than maxParts")
			}
			need = need.with(uint8(bit))
			for _, raw := range p.phrases {
				for _, v := range accentVariants(raw) {
					n, ok := conceptText(v)
					if !ok {
						continue
					}
					i, seen := byText[n]
					if !seen {
						i = len(phrases)
						byText[n] = i
						phrases = append(phrases, conceptPhrase{text: n})
					}
					phrases[i].bits = phrases[i].bits.with(uint8(bit))
					if p.neg {
						phrases[i].neg = phrases[i].neg.with(uint8(bit))
					}
				}
			}
			bit++
		}
		conceptNeed = append(conceptNeed, need)
		if !c.hazard && len(c.unless) == 0 && c.check == nil {
			conceptPlainNeed = append(conceptPlainNeed, need)
		}
		conceptUnless = append(conceptUnless, compile(c.unless))
	}
	for _, ph := range phrases {
		if k, ok := key(ph.text); ok {
			conceptByKey.add(k, ph)
		} else {
			conceptShort = append(conceptShort, ph)
		}
	}
}

// conceptText returns raw normalised for matching, padded when whole
// words must match; false when nothing is left.
func conceptText(raw string) (string, bool) {
	n := Normalize(strings.TrimSuffix(raw, "*"))
	if n == "" {
		return "", false
	}
	// Arabic script glues و, ب, ال, ع to the next word ("والتلج",
	// "بالمصعد"): its phrases of two or more words match inside words, and
	// its single words may start inside a word but must end with it, so
	// "بالمي" (in the water) is not read in "بالميناء" (in the port).
	inner := strings.HasSuffix(raw, "*") || (arabicScript(n) && strings.Contains(n, " "))
	switch {
	case inner:
	case arabicScript(n) && utf8.RuneCountInString(n) >= 3:
		n += " "
	default:
		n = " " + n + " "
	}
	return n, true
}

// accentClash are words whose unaccented form is another, common word:
// Spanish "él" (he) is "el" (the) without its accent, and as a person it
// made "el deslave no llegó" someone at risk. They are matched as typed.
var accentClash = map[string]bool{"él": true, "tú": true, "sí": true, "más": true, "é": true, "à": true, "où": true}

// accentVariants returns raw and, unless it clashes with another word,
// raw without its accents.
func accentVariants(raw string) []string {
	if d := deaccent(raw); d != raw && !accentClash[raw] {
		return []string{raw, d}
	}
	return []string{raw}
}

// deaccent drops the accents of Latin letters, as people often type them
// ("convulsion" for "convulsión").
func deaccent(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case 'á', 'à', 'â', 'ã', 'ä':
			return 'a'
		case 'é', 'è', 'ê', 'ë':
			return 'e'
		case 'í', 'ì', 'î', 'ï':
			return 'i'
		case 'ó', 'ò', 'ô', 'õ', 'ö':
			return 'o'
		case 'ú', 'ù', 'û', 'ü':
			return 'u'
		case 'ç':
			return 'c'
		case 'ñ':
			return 'n'
		}
		return r
	}, s)
}

// conceptRisk returns the name of the concept padded (" "+normalised
// text+" ", hazard look-alikes masked) names, "" when none.
func conceptRisk(padded string) string {
	c := conceptAt(padded)
	if c < 0 {
		return ""
	}
	return concepts[c].name
}

// conceptAt returns the index of the concept padded names, -1 when none.
func conceptAt(padded string) int {
	var hit partBits
	complete := false
	record := func(i int, p conceptPhrase) {
		add := p.bits.andNot(hit)
		if add == (partBits{}) {
			return
		}
		if add.andNot(p.neg) != add && negatedAround(padded, i, i+len(p.text)) {
			add = add.andNot(p.neg)
			if add == (partBits{}) {
				return
			}
		}
		hit = hit.or(add)
		for _, need := range conceptPlainNeed {
			if hit.covers(need) {
				complete = true // nothing later can change the answer
			}
		}
	}
	for i := 0; i < len(padded); i++ {
		// Phrases start at a word (padded with a space, or a star phrase
		// from its first letter) or, in Arabic script, anywhere in one:
		// other positions cannot start a phrase and are not looked up.
		// Bytes, not runes, are walked: this loop runs over every message.
		if b := padded[i]; i > 0 && b != ' ' && padded[i-1] != ' ' && (b < 0xD8 || b > 0xDB) {
			continue
		}
		k, _, ok := keyAt(padded, i)
		if !ok {
			break
		}
		for _, p := range conceptByKey.get(k) {
			if strings.HasPrefix(padded[i:], p.text) {
				record(i, p)
			}
		}
		if complete {
			break
		}
	}
	for _, p := range conceptShort {
		if j := strings.Index(padded, p.text); j >= 0 {
			record(j, p)
		}
	}
	if hit == (partBits{}) {
		return -1
	}
	// A concept about a person wins over one about a hazard in a place:
	// only the latter yields to an assertion of well-being.
	found := -1
	for c, need := range conceptNeed {
		if hit.covers(need) && !conceptUnless[c].match(padded) && (concepts[c].check == nil || concepts[c].check(padded)) {
			if !concepts[c].hazard {
				return c
			}
			if found < 0 {
				found = c
			}
		}
	}
	return found
}

// negatedAround reports whether one of the two words before padded[start:end]
// is a negator, or, in Hindi and Urdu, which negate after the verb, the
// word right after it is. It reads the words in place, without allocating.
func negatedAround(padded string, start, end int) bool {
	i := start
	if i < len(padded) && padded[i] != ' ' && i > 0 && padded[i-1] != ' ' {
		// inside a word: skip back over the word the phrase starts in
		for i > 0 && padded[i-1] != ' ' {
			i--
		}
	}
	for n := 0; n < 2; n++ {
		for i > 0 && padded[i-1] == ' ' {
			i--
		}
		j := i
		for i > 0 && padded[i-1] != ' ' {
			i--
		}
		if i == j {
			break
		}
		if conceptNegWord[padded[i:j]] {
			return true
		}
	}
	rest := strings.TrimLeft(padded[min(end, len(padded)):], " ")
	if k := strings.IndexByte(rest, ' '); k >= 0 {
		rest = rest[:k]
	}
	return rest == "नहीं" || rest == "نہیں" || rest == "nahi" || rest == "nahin"
}
