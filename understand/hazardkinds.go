package understand

// Four kinds of danger told in everyday words, which the classifier alone
// read as other or need_help: someone not back since a storm, flood or
// fire (a boat not returned, no contact since); a person locked in and
// threatened with death; a pregnant woman or new mother with a fit or a
// sudden severe headache (eclampsia); and people upstairs after the stairs
// or the only way down collapsed. Each is a conjunction of meanings, so
// one part alone ("the power hasn't come back since the storm", "he took
// my phone", "I'm pregnant and tired", "the stairs at the park collapsed
// years ago") stays what it was.

// notBackWho names who can be missing: relatives, neighbours, fishermen
// and their boats. Pronouns are left out: "it hasn't come back" is most
// often the power or the water.
var notBackWho = append(append([]string{}, leftPerson...),
	"boat", "fishing boat", "dinghy", "canoe", "crew", "fishermen", "fisherman", "trawler", "cousins", "boys", "the men",
	"bateau", "barque", "chalutier", "pêcheur", "pêcheurs", "pecheurs", "équipage",
	"lancha", "barca", "bote", "barco", "pescador", "pescadores", "tripulación", "panga",
	"boot", "fischerboot", "kutter", "fischer", "besatzung",
	"barco", "canoa", "jangada", "pescador", "pescadores", "traineira", "tripulação",
	"قارب*", "القارب", "الشختوره", "شختوره", "المركب", "مركب", "الفلوكه", "فلوكه", "البحاره", "الصيادين", "الصياد", "الفلوكة", "الصيادة",
	"flouka", "markeb", "el markeb", "sha5toura", "chakhtoura", "qareb", "l9arib", "lflouka", "sayyadin", "el ba7ara", "lbateau", "lbato",
	"नाव", "नौका", "मछुआरे", "नाविक", "naav", "kashti", "machhuare", "machuare",
	"کشتی", "ناؤ", "مچھیرے", "ملاح", "mallah",
)

// notBackSince says they have not come back or answered.
var notBackSince = []string{
	"hasn't come back", "hasnt come back", "has not come back", "haven't come back", "have not come back", "isn't back", "isnt back", "is not back",
	"aren't back", "arent back", "not back yet", "still not back", "hasn't returned", "has not returned", "hasnt returned", "haven't returned",
	"didn't come back", "didnt come back", "didn't come home", "didnt come home", "hasn't come home", "hasnt come home", "never came home",
	"no word from", "no news from", "no news of", "nothing on the radio", "no answer on the radio", "not answering the radio", "radio is silent",
	"no contact since", "lost contact", "haven't heard from", "havent heard from", "not heard from", "can't reach", "cant reach", "unreachable",
	"not answering his phone", "not answering her phone", "not answering their phones",
	"n'est pas revenu", "n'est pas revenue", "ne sont pas revenus", "pas revenu", "pas revenue", "pas rentré", "pas rentrée", "pas rentrés",
	"toujours pas rentré", "pas de nouvelles", "aucune nouvelle", "plus de nouvelles", "sans nouvelles", "rien à la radio", "ne répond pas à la radio",
	"injoignable", "injoignables", "aucun contact", "plus de contact",
	"no ha vuelto", "no han vuelto", "no volvió", "no volvieron", "no ha regresado", "no regresó", "no regresaron", "no ha llegado", "no llegó",
	"sin noticias", "no sabemos nada de", "no contesta el radio", "no contesta la radio", "no responde el radio", "nada por el radio", "nada por la radio",
	"perdimos contacto", "sin contacto", "no hay contacto",
	"nicht zurück", "nicht zurückgekommen", "nicht zurückgekehrt", "nicht nach hause gekommen", "nicht heimgekommen", "noch nicht zurück",
	"keine nachricht", "nichts von ihm gehört", "nichts von ihr gehört", "kein funkkontakt", "funk ist still", "nicht erreichbar", "kein kontakt",
	"não voltou", "nao voltou", "não voltaram", "nao voltaram", "não chegou", "nao chegou", "não retornou", "não voltou para casa",
	"sem notícias", "sem noticias", "rádio mudo", "radio mudo", "rádio está mudo", "sem contato", "sem contacto", "perdemos contato", "perdemos o contato",
	"ما رجع", "ما رجعت", "ما رجعوا", "ما رجعو", "لسا ما رجع", "لسه ما رجع", "ما وصل", "ما وصلوا", "ما في خبر", "ما في اخبار", "ما في رد",
	"ما بيرد", "ما عم يرد", "مش بيرد", "تلفونه مسكر", "انقطع الاتصال", "ما رجعش", "مارجعش", "ما جاش", "لم يعد", "لم يرجع", "لم يعودوا",
	"ما نعرف عنه شي", "ما منعرف عنه شي", "الجهاز ساكت", "اللاسلكي ساكت", "ماكاينش خبار", "ما عندنا خبر",
	"ma rje3", "ma raje3", "ma rij3et", "ma rej3o", "ma rej3ou", "lessa ma rje3", "lessa ma raje3", "ma wesel", "ma wessel", "ma fi khabar",
	"ma fi rad", "ma 3am yrod", "ma byrod", "mesh biyrod", "ma rje3ch", "ma rj3ch", "ma jach", "ma rja3ch", "telefono msakkar", "telefono mtaffi",
	"ma na3ref 3anno shi", "in2ata3 el ettisal", "makaynch lkhbar", "ma 3ndna khbar", "ma 3andna 5abar",
	"वापस नहीं आया", "वापस नहीं आई", "वापस नहीं आए", "वापस नहीं लौटा", "नहीं लौटा", "नहीं लौटी", "नहीं लौटे", "कोई खबर नहीं", "कोई ख़बर नहीं",
	"संपर्क नहीं", "फोन नहीं लग रहा", "फ़ोन नहीं लग रहा", "फोन बंद", "wapas nahi aaya", "wapas nahi aaye", "wapas nahi aayi", "nahi lauta",
	"nahi laute", "koi khabar nahi", "phone nahi lag raha", "sampark nahi",
	"واپس نہیں آیا", "واپس نہیں آئی", "واپس نہیں آئے", "نہیں لوٹا", "نہیں لوٹے", "کوئی خبر نہیں", "رابطہ نہیں", "فون نہیں لگ رہا", "فون بند",
	"wapas nahi aya", "wapis nahi aaya", "rabta nahi",
}

// notBackHazard is the storm, sea, flood, fire or quake they were out in.
var notBackHazard = append(append(append([]string{}, conceptWeather...),
	"sea", "fire", "quake", "tsunami",
	"mer", "houle", "feu", "coup de vent",
	"temporal", "mar", "oleaje", "fuego", "dana", "marejada",
	"see", "feuer",
	"mar", "ressaca", "fogo", "temporal",
	"العاصفه", "عاصف*", "حريق*", "النار", "الاعصار", "السيل", "الفيضان", "الشتوه", "النو",
	"lb7er", "mouj", "el mouj", "el 3asfa", "el 7ari2", "sayl", "fayadan",
	"तूफ़ान", "तूफान", "lehren", "chakravat",
	"زلزلے", "طوفان", "سیلاب", "samandar", "zalzala", "toofan",
), hazardOut...)

// confinedIn tells a person locked in or kept from leaving or calling.
var confinedIn = []string{
	"locked me in", "locks me in", "locked us in", "locked in the", "won't let me leave", "wont let me leave", "won't let me out", "wont let me out",
	"not letting me leave", "not letting me out", "took my phone", "taken my phone", "takes my phone", "hid my phone", "took my keys",
	"m'a enfermée", "m'a enfermé", "m'enferme", "nous a enfermés", "me laisse pas sortir", "ne me laisse pas sortir", "a pris mon téléphone",
	"m'a pris mon téléphone", "m'a pris mon portable", "a caché mon portable",
	"me encerró", "me tiene encerrada", "me tiene encerrado", "me encierra", "nos encerró", "no me deja salir", "me quitó el teléfono",
	"me quitó el celular", "me quitó el móvil", "me escondió el teléfono",
	"hat mich eingesperrt", "sperrt mich ein", "uns eingesperrt", "lässt mich nicht raus", "lässt mich nicht gehen", "hat mir das handy weggenommen",
	"mir das handy abgenommen", "handy weggenommen",
	"me trancou", "me tranca", "nos trancou", "me prendeu em casa", "não me deixa sair", "nao me deixa sair", "pegou meu celular", "tirou meu celular",
	"escondeu meu celular",
	"قفل علي", "قفل عليي", "قافل علي", "سكر علي الباب", "مسكر علي", "حابسني", "حبسني", "حبسنا", "ما بيخليني اطلع", "ما يخليني اطلع",
	"ما بيخليني اخرج", "اخذ تلفوني", "اخد تلفوني", "اخذ جوالي", "سحب تلفوني", "اخد موبايلي", "شد ليا التيليفون", "سد علي",
	"2afal 3alayye", "2afal 3layye", "msakker 3layi", "msakker 3alayye", "7abesni", "7absni", "ma bikhallini etla3", "ma bi5allini etla3",
	"ma y5allinish", "a5ad telfoni", "akhad telfoni", "khda lia tilifoun", "khda liya tilifoun", "9fel 3liya", "sedd 3liya", "m9fel 3liya",
	"मुझे बंद कर", "कमरे में बंद", "घर में बंद", "बाहर नहीं जाने दे", "फोन छीन", "फ़ोन छीन", "मेरा फोन ले लिया", "mujhe band kar", "kamre me band",
	"kamre mein band", "bahar nahi jane de", "phone chheen", "phone chhin",
	"مجھے بند کر", "کمرے میں بند", "گھر میں بند", "باہر نہیں جانے دے", "فون چھین", "میرا فون لے لیا",
}

// deathThreat says they will kill or not let out alive.
var deathThreat = []string{
	"kill me", "kill us", "kill her", "won't leave alive", "wont leave alive", "won't get out alive", "not leave here alive", "not get out alive",
	"leave here alive", "end my life", "going to kill",
	"me tuer", "nous tuer", "la tuer", "va me tuer", "sortirai pas vivante", "sortirai pas vivant", "sortiras pas vivante", "sortir vivante",
	"me va a matar", "nos va a matar", "matarme", "matarnos", "salgo viva", "salgo vivo", "sales viva", "sales vivo", "salir viva", "salir vivo",
	"mich umbringen", "bringt mich um", "uns umbringen", "nicht lebend", "töten", "mich töten",
	"me matar", "vai me matar", "nos matar", "saio viva", "saio vivo", "sair viva", "sair vivo", "sai viva",
	"يقتلني", "رح يقتلني", "بدو يقتلني", "حيقتلني", "هيقتلني", "راح يقتلني", "يقتلنا", "يموتني", "ما رح اطلع عايشه", "ما رح اطلع طيبه",
	"ما راح اطلع حيه", "ما رح اطلع حيه", "غادي يقتلني", "غيقتلني",
	"bi2telni", "ra7 yi2telni", "ra7 ye2telni", "baddo yi2telni", "ghadi y9telni", "ghay9telni", "y9tlni", "ha yeftelni", "hay2telni", "ma ra7 etla3 3aysha",
	"जान से मार", "मार डालेगा", "मार डालूंगा", "मार देगा", "जिंदा नहीं", "ज़िंदा नहीं", "jaan se maar", "maar dalega", "maar dega", "zinda nahi",
	"جان سے مار", "مار ڈالے", "مار دے گا", "زندہ نہیں", "maar dalega", "jaan se mar",
}

// pregnantOrNewMother tells a pregnancy or a birth in the last days.
var pregnantOrNewMother = []string{
	"pregnant", "months pregnant", "weeks pregnant", "gave birth", "just had a baby", "had the baby", "had her baby", "after the delivery",
	"after giving birth", "c-section", "caesarean", "postpartum", "new mum", "new mom", "delivered",
	"enceinte", "accouché", "vient d'accoucher", "après l'accouchement", "césarienne", "a accouché",
	"embarazada", "dio a luz", "acaba de dar a luz", "parió", "después del parto", "cesárea", "recién parida", "puérpera",
	"schwanger", "entbunden", "nach der geburt", "kaiserschnitt", "wochenbett", "hat entbunden",
	"grávida", "gravida", "deu à luz", "deu a luz", "pariu", "depois do parto", "cesárea", "resguardo", "ganhou o bebê", "ganhou neném",
	"حامل", "الحامل", "ولدت", "بعد الولاده", "قيصري*", "النفاس", "نفسه", "والده جديد", "ولدات",
	"7amel", "7amil", "7amla", "wildet", "wlldat", "wildat", "ba3d el wilade", "ba3d l wilada", "nifas", "nfissa",
	"गर्भवती", "प्रेग्नेंट", "डिलीवरी", "डिलिवरी", "बच्चा हुआ", "बच्चे को जन्म", "जचगी", "प्रसव", "सिजेरियन", "garbhvati", "delivery", "bacha hua",
	"bachcha hua", "jachgi",
	"حاملہ", "ڈلیوری", "زچگی", "بچہ ہوا", "بچے کی پیدائش", "hamla", "zachgi",
}

// eclampsiaSign is a fit, a sudden severe headache or the signs before one.
var eclampsiaSign = []string{
	"had a fit", "having a fit", "fitting", "seizure", "convulsion", "convulsions", "shaking all over", "jerking", "severe headache",
	"terrible headache", "worst headache", "blinding headache", "blurred vision", "blurry vision", "seeing spots", "seeing flashes",
	"face is swollen", "swollen face", "face and hands swollen",
	"crise", "convulsion", "convulse", "mal de tête terrible", "très mal à la tête", "violent mal de tête", "vision floue", "voit flou",
	"voit des taches", "visage gonflé", "visage enflé",
	"convulsión", "convulsiones", "convulsionó", "dolor de cabeza muy fuerte", "dolor de cabeza fuerte", "dolor de cabeza terrible",
	"visión borrosa", "ve borroso", "ve lucecitas", "ve manchas", "cara hinchada",
	"krampfanfall", "krampfte", "krampft", "starke kopfschmerzen", "heftige kopfschmerzen", "schlimme kopfschmerzen", "sieht verschwommen",
	"sieht flimmern", "sieht sterne", "gesicht geschwollen",
	"convulsão", "convulsao", "convulsionou", "dor de cabeça muito forte", "dor de cabeça forte", "dor de cabeça terrível", "vista embaçada",
	"vista turva", "vendo pontinhos", "vendo estrelinhas", "rosto inchado",
	"تشنج*", "نوبه صرع", "صداع شديد", "صداع قوي", "وجع راس قوي", "وجع راس شديد", "راسها رح ينفجر", "نظرها مغبش", "ما عم تشوف منيح",
	"وجهها منفوخ", "وجهها وارم", "شدتها الصرعه", "جاتها نوبه", "جاتها حاله",
	"tashannoj", "tshannajet", "3am tetshannaj", "suda3 qawi", "suda3 shdid", "waja3 ras", "wja3 ras", "ras-ha ra7 yenfjer", "ma 3am tshouf mni7",
	"wejja warem", "wejha mnfou5", "jatha crise", "jat-ha l7ala", "rasha kaydrbha bzaf",
	"दौरा", "झटका", "झटके", "मिर्गी", "सिर में तेज दर्द", "सिर में बहुत तेज दर्द", "सिर दर्द बहुत", "तेज सिरदर्द", "धुंधला", "आंखों के आगे",
	"चेहरा सूज", "daura", "jhatka", "jhatke", "sir me tez dard", "sir mein tez dard", "sar me tez dard", "dhundhla", "chehra sooj",
	"دورہ", "جھٹکا", "جھٹکے", "سر میں شدید درد", "سر میں تیز درد", "شدید سر درد", "دھندلا", "چہرہ سوج", "sar mein shadeed dard", "dhundla",
}

// stairsWords name the way down of a building.
var stairsWords = []string{
	"stairs", "staircase", "stairwell", "steps", "fire escape", "escalier", "escaliers", "l'escalier", "les escaliers", "cage d'escalier",
	"escalera", "escaleras", "treppe", "treppenhaus", "escada", "escadas", "escadaria",
	"درج", "الدرج", "السلم", "السلالم", "الدروج", "daraj", "el daraj", "sellom", "e drouj", "drouj", "sullam", "ddrouj",
	"सीढ़ी", "सीढ़ियां", "सीढ़ियाँ", "जीना", "seedhi", "seedhiyan", "sidhi", "sidhiyan",
	"سیڑھی", "سیڑھیاں", "seerhiyan", "seerhi", "sirhiyan",
}

// stairsGone says the way down collapsed or broke.
var stairsGone = []string{
	"collapsed", "is gone", "are gone", "fell", "fallen", "gave way", "came down", "destroyed", "broke", "caved in",
	"effondré", "effondrée", "effondrés", "écroulé", "écroulée", "tombé", "détruit", "détruite", "cassé",
	"se derrumbó", "derrumbó", "derrumbada", "se cayó", "cayó", "destruida", "colapsó", "se vino abajo",
	"eingestürzt", "zusammengebrochen", "ist weg", "abgestürzt", "kaputt",
	"caiu", "desabou", "desmoronou", "destruída", "ruiu", "quebrou",
	"انهار*", "انهدم*", "وقع", "وقعت", "طاح", "طاحت", "راح", "تكسر*", "تهدم*", "انهد",
	"inhar", "wa2a3", "we2e3", "ta7", "ta7et", "t7ayyad", "tkassar", "t7ayd", "tah", "thdem", "t9ta3",
	"गिर गई", "गिर गया", "गिर गयी", "टूट गई", "टूट गया", "ढह", "gir gayi", "gir gaya", "toot gayi", "toot gaya", "dhah",
	"گر گئی", "گر گیا", "ٹوٹ گئی", "ٹوٹ گیا", "ڈھہ",
}

// upThere says people are up in the building.
var upThere = []string{
	"floor", "upstairs", "up here", "top floor", "we're", "we are", "stuck up", "étage", "en haut", "nous sommes", "on est",
	"piso", "planta", "arriba", "estamos", "stock", "stockwerk", "etage", "oben", "wir sind", "andar", "em cima", "estamos", "lá em cima",
	"طابق", "الطابق", "الدور", "فوق", "احنا", "نحن", "tabe2", "tabi2", "el dor", "fo2", "e7na", "ne7na", "7na", "l'étage", "lfou9", "lfo9",
	"मंजिल", "मंज़िल", "ऊपर", "हम", "manzil", "upar", "hum",
	"منزل", "اوپر", "ہم",
}

var newKindConcepts = []concept{
	// someone out in a storm, at sea, in a flood or fire, not back since
	{name: "not_back_hazard", parts: []conceptPart{
		{phrases: notBackWho},
		{phrases: notBackSince},
		{phrases: notBackHazard},
	}, check: notBackOfSomeone},
	// locked in or kept from calling, and threatened with death
	{name: "confined_threat", parts: []conceptPart{
		{neg: true, phrases: confinedIn},
		// not negatable: the threat is often told with a negation ("won't
		// leave alive", "no salgo viva")
		{phrases: deathThreat},
	}},
	// pregnant or just delivered, and a fit, a sudden severe headache or
	// the signs before a fit
	{name: "eclampsia", parts: []conceptPart{
		{phrases: pregnantOrNewMother},
		{neg: true, phrases: eclampsiaSign},
	}},
	// the stairs collapsed with people up in the building
	{name: "stairs_gone", hazard: true, parts: []conceptPart{
		{phrases: stairsWords},
		{neg: true, phrases: stairsGone},
		{phrases: upThere},
	}},
}

var notBackSinceSet = compile(notBackSince)

// notBackOfSomeone reports whether a "not back" of padded is told of
// someone, not of a thing: in "our neighbour says the power hasn't come
// back since the storm" the neighbour is named, but what is not back is the
// power.
func notBackOfSomeone(padded string) bool {
	return each(padded, notBackSinceSet, func(start, _ int) bool { return !thingBefore(padded, start) })
}

// utilitiesBack names what most often "hasn't come back since the storm"
// when no person is named: the power, the water, the network. The
// missing_weather concept, which names no person, yields to them;
// not_back_hazard names the person and does not.
var utilitiesBack = []string{
	"power", "electricity", "the lights", "internet", "wifi", "signal", "network", "water supply", "running water", "the bus", "buses", "trains",
	"courant", "électricité", "réseau", "l'électricité", "le courant", "luz", "electricidad", "señal", "la red", "el agua potable",
	"strom", "netz", "empfang", "wasserversorgung", "energia", "sinal", "rede", "a luz",
	"الكهربا*", "الكهرباء", "الكهربه", "النت", "الشبكه", "الضو", "المي الحلوه", "الانترنت",
	"kahraba", "el kahraba", "l kahraba", "el net", "daw", "ddaw", "reseau", "network",
	"बिजली", "नेटवर्क", "इंटरनेट", "bijli", "light",
	"بجلی", "نیٹ ورک", "انٹرنیٹ",
}
