package understand

// Four kinds of danger that come from care cut off or from something
// swallowed or breathed at home, read by meaning in the nine varieties: a
// treatment that did not happen (dialysis cancelled by a cyberattack, a
// clinic without power) and the body now failing; a small child who
// swallowed pills; someone who took too many pills and now shows it; a
// relative missing since they went near a river, canal or flood. Medical
// devices that need power are the life_support concept of concepts.go, and
// fuel burnt indoors is co_poisoning of signs.go; both gained words here.
// Each kind is a conjunction, so one part alone ("his dialysis is tomorrow
// and the transport cancelled", "my son took his pills", "my nephew went
// fishing at the canal") names nothing.

// careTreatment names a treatment a person depends on to stay alive.
var careTreatment = append([]string{
	"transfusion", "insulin",
	"transfusion", "insuline",
	"transfusión", "insulina",
	"transfusion", "insulin",
	"transfusão", "insulina",
	"نقل دم", "الانسولين", "انسولين",
	"insulin", "insuline", "ansolin",
	"इंसुलिन",
	"انسولین",
}, chemoDialysis...)

// careNotGiven says the treatment was cancelled, missed or refused.
var careNotGiven = []string{
	"cancelled", "canceled", "missed", "couldn't go", "could not go", "couldn't get", "didn't get", "didnt get", "turned away", "turned us away",
	"postponed", "no dialysis", "sent home", "ran out", "run out", "haven't had", "hasn't had", "hasnt had", "not had",
	"annulé", "annulée", "annulées", "raté", "ratée", "pas pu", "reporté", "reportée", "renvoyé", "renvoyée", "plus de", "pas eu",
	"cancelaron", "cancelada", "cancelado", "suspendieron", "suspendida", "perdió", "no pudo", "no le hicieron", "no le dieron", "lo mandaron a casa",
	"la mandaron a casa", "se acabó", "se nos acabó",
	"abgesagt", "ausgefallen", "fällt aus", "verpasst", "nicht machen", "nicht gemacht", "weggeschickt", "nicht bekommen", "ist aus",
	"cancelaram", "cancelada", "cancelado", "perdeu", "não conseguiu", "nao conseguiu", "não fez", "nao fez", "mandaram embora", "acabou",
	"انلغى", "انلغت", "اتلغى", "اتلغت", "لغوا", "لغو", "الغوا", "ملغي", "ملغيه", "تلغى", "تأجل", "تاجل", "ما قدر يروح", "ما قدرت تروح", "فاتته",
	"فاتها", "ما عملش", "ما عمل", "رجعوه", "ما استقبلوه", "خلص",
	"tlgha", "tlghat", "itlagha", "etlagha", "t2ajjal", "t2ajal", "ma 9derch ymchi", "ma 2der yrou7", "fatto", "ma 3amal", "rj3ouh", "khlas", "5eles",
	"रद्द", "कैंसिल", "नहीं हो पाया", "नहीं हुआ", "नहीं कर रहे", "छूट गया", "छूट गई", "लौटा दिया", "खत्म", "ख़त्म", "cancel", "radd", "nahi hua",
	"منسوخ", "کینسل", "نہیں ہو سکا", "نہیں ہوا", "نہیں کر رہے", "چھوٹ گیا", "چھوٹ گئی", "واپس بھیج", "ختم",
}

// careFailing are the signs of a body failing without its treatment.
var careFailing = []string{
	"breathless", "can't breathe", "cant breathe", "can barely breathe", "barely breathing", "short of breath", "struggling to breathe",
	"heart is fluttering", "heart fluttering", "heart racing", "heart is racing", "heart is pounding", "chest pain", "legs swollen", "swollen legs",
	"legs feel heavy", "confused", "passed out", "won't wake", "wont wake", "vomiting", "breathing fast", "breathing really fast",
	"essoufflé", "essoufflée", "respire mal", "du mal à respirer", "n'arrive pas à respirer", "n'arrive plus à respirer", "coeur qui s'emballe",
	"coeur bat", "palpitations", "douleur à la poitrine", "jambes gonflées", "confus", "confuse", "vomit", "respire très vite",
	"le falta el aire", "no puede respirar", "casi no respira", "se ahoga", "corazón acelerado", "corazon acelerado", "palpitaciones",
	"dolor de pecho", "piernas hinchadas", "confundido", "confundida", "vomita", "respira muy rápido",
	"kriegt kaum luft", "bekommt kaum luft", "keine luft", "atemnot", "herzrasen", "herzstolpern", "herz rast", "herz stolpert", "brustschmerzen",
	"beine geschwollen", "geschwollene beine", "verwirrt", "erbricht", "atmet ganz schnell",
	"falta de ar", "não consegue respirar", "nao consegue respirar", "mal consegue respirar", "coração disparado", "coracao disparado",
	"coração acelerado", "dor no peito", "pernas inchadas", "confuso", "confusa", "vomitando", "respirando muito rápido",
	"ما عم يقدر يتنفس", "ما قادر يتنفس", "مش قادر يتنفس", "ما يقدر يتنفس", "ضيق نفس", "ضيق تنفس", "نفسه مقطوع", "قلبه عم يدق", "قلبه بيدق",
	"دقات قلبه", "وجع بصدره", "رجليه منفوخين", "منفوخ*", "مخربط", "عم يستفرغ", "بيستفرغ", "نفسه سريع",
	"ma y9derch ytnfs", "ma kay9derch ytnfs", "ma 3am y2der yetnaffas", "msh 2ader yetnaffes", "mesh 2ader yetnaffas", "9albo kaydrab",
	"9albo kaydreb", "2albo 3am yde22", "nafaso sari3", "3am yestafregh", "dayi9 nafas", "di9 nfas",
	"सांस नहीं", "साँस नहीं", "सांस फूल", "साँस फूल", "सांस उखड़", "साँस उखड़", "दिल तेज", "धड़कन", "सीने में दर्द", "पैर सूज", "उल्टी",
	"saans nahi", "saans phool", "dil tez", "dhadkan",
	"سانس نہیں", "سانس پھول", "سانس اکھڑ", "دل تیز", "دل بے ترتیب", "دھڑکن", "سینے میں درد", "پاؤں سوج", "الٹی",
}

// careChild names a small child, by word or by age.
var careChild = append(append([]string{}, smallChild...),
	"toddler", "little one", "little boy", "little girl", "years old", "year old", "2yo", "3yo",
	"ans", "petit", "petite", "la petite", "le petit", "años", "añitos", "el nene", "la nena", "la niña", "el niño",
	"jahre", "jährige*", "der kleine", "die kleine", "anos", "aninhos", "o pequeno", "a pequena", "menino", "menina",
	"عمرها", "عمره", "سنتين", "سنين", "الصغير", "الصغيره", "الزغير", "الولد", "البنت",
	"sghir", "sghira", "seghir", "zghir", "zghira", "l3ayel", "3omro", "3omra", "3omrha", "sentin",
	"साल का", "साल की", "छोटा", "छोटी", "छोटू", "saal ka", "saal ki", "chhota", "chhoti", "chotu",
	"سال کا", "سال کی", "چھوٹا", "چھوٹی", "منا", "منی", "munna", "munni",
)

// careSwallowed says the child got something into their mouth.
var careSwallowed = append([]string{
	"ate", "has eaten", "eaten", "got into", "chewed", "gulped", "drank",
	"mangé", "croqué", "bu",
	"tragó", "se tragó", "comió", "se comió", "se bebió", "masticó",
	"verschluckt", "gegessen", "aufgegessen", "getrunken", "zerkaut",
	"engoliu", "comeu", "bebeu", "mastigou",
	"بلع", "ابتلع", "ابتلعت", "اكل", "اكلت", "كلا", "كلات", "اكلو", "شرب",
	"bla3", "bla3at", "bal3et", "bala3", "kla", "klat", "akal", "akalet", "chreb", "shereb",
	"निगला", "निगली", "खा गया", "खा गई", "खा लिया", "खा लिए", "kha gaya", "kha gayi", "kha liya",
	"نگلا", "نگلی", "کھا گیا", "کھا گئی", "کھا لیا",
}, swallowWords...)

// carePills are tablets and medicine, which poison a child in numbers.
var carePills = append(append([]string{}, harmPills...),
	"pill", "tablet", "medicine", "medication", "capsules", "iron tablets", "iron pills", "vitamins", "paracetamol",
	"pilule", "comprimé", "gélules", "médicament", "pastilla", "medicina", "medicamento", "medicamentos", "cápsulas",
	"tablette", "pille", "medikament", "kapseln", "eisentabletten", "comprimido", "remédio", "remedio", "cápsulas",
	"حبه", "حبة", "حبات", "حبوب*", "دواء", "دوا", "ادويه", "كبسولات", "7ba", "7abba", "7bob", "7boub", "dwa", "dawa",
	"गोलियाँ", "दवा", "दवाई", "कैप्सूल", "dawai",
	"گولیاں", "دوا", "دوائی", "کیپسول", "goliyan", "dawai",
)

// careTooMany says more was taken than the dose.
var careTooMany = []string{
	"too many", "double dose", "twice the dose", "extra dose", "took them twice", "by mistake",
	"trop de", "double dose", "par erreur", "deux fois",
	"demasiadas", "demasiados", "doble dosis", "por error", "dos veces",
	"zu viele", "doppelte dosis", "aus versehen", "versehentlich", "zweimal",
	"demais", "dose dupla", "por engano", "duas vezes",
	"زياده", "كتير حبوب", "جرعه مضاعفه", "بالغلط", "مرتين", "bzaf", "ktir 7boub", "bel ghalat", "b lghalat", "marrtein",
	"ज़्यादा", "ज्यादा", "गलती से", "दो बार", "zyada", "galti se", "do baar",
	"زیادہ", "غلطی سے", "دو بار", "ghalti se",
}

// careOverdoseSign is what too many pills show.
var careOverdoseSign = []string{
	"dizzy", "drowsy", "very sleepy", "can't stay awake", "won't wake", "wont wake", "not waking", "confused", "vomiting", "throwing up",
	"slurring", "breathing slow", "heart racing", "shaking",
	"vertige", "somnolent", "somnolente", "ne se réveille pas", "confus", "confuse", "vomit", "tremble",
	"mareado", "mareada", "somnoliento", "somnolienta", "no despierta", "confundido", "confundida", "vomitando", "tiembla",
	"schwindlig", "benommen", "schläfrig", "wacht nicht auf", "verwirrt", "erbricht", "zittert",
	"tonto", "tonta", "sonolento", "sonolenta", "não acorda", "nao acorda", "confuso", "confusa", "vomitando", "tremendo",
	"دايخ*", "نعسان*", "ما عم يفيق", "ما بيفيق", "مخربط*", "عم يستفرغ", "يرجف",
	"dayekh", "mdawakh", "ma 3am yfi2", "ma kayfi9ch", "3am ystafreg", "kaytqiya",
	"चक्कर", "नींद", "होश नहीं", "उल्टी", "chakkar", "ulti",
	"چکر", "نیند", "ہوش نہیں", "الٹی",
}

// careRelative names who can go missing near water: the people of
// conceptPerson and the wider family.
var careRelative = append(append([]string{}, conceptPerson...),
	"nephew", "niece", "cousin", "grandson", "granddaughter",
	"neveu", "nièce", "cousin", "cousine", "petit-fils", "petite-fille",
	"sobrino", "sobrina", "primo", "prima", "nieto", "nieta",
	"neffe", "nichte", "cousin", "cousine", "enkel", "enkelin",
	"sobrinho", "sobrinha", "primo", "prima", "neto", "neta",
	"ابن اخوي", "ابن اختي", "بنت اخوي", "بنت اختي", "ابن عمي", "ابن خالي", "حفيدي", "ولد خويا", "ولد ختي",
	"ibn akhi", "ibn ukhti", "ould khouya", "wld khouya", "wld khti", "ibn 3ammi", "7afidi",
	"भतीजा", "भतीजी", "भांजा", "भांजी", "पोता", "पोती", "bhatija", "bhanja",
	"بھتیجا", "بھتیجی", "بھانجا", "بھانجی", "پوتا", "پوتی", "bhateeja", "bhanja",
)

// careMissing says they are missing, unheard of or not found.
var careMissing = append(append([]string{}, notBackSince...),
	"missing", "is missing", "went missing", "disappeared", "can't find him", "can't find her", "cant find him", "cant find her",
	"don't know where he is", "dont know where he is", "don't know where she is", "dont know where she is",
	"a disparu", "disparu", "disparue", "introuvable", "on ne sait pas où il est", "on ne sait pas où elle est", "on sait pas où il est",
	"desaparecido", "desaparecida", "desapareció", "no sabemos dónde está", "no sabemos donde esta", "no sabemos de", "no lo encontramos",
	"no la encontramos",
	"vermisst", "verschwunden", "wissen nicht wo er ist", "wissen nicht wo sie ist", "finden ihn nicht", "finden sie nicht",
	"desaparecido", "desaparecida", "sumiu", "não sabemos do", "nao sabemos do", "não sabemos da", "nao sabemos da", "não sabemos onde",
	"nao sabemos onde", "não achamos", "nao achamos",
	"مفقود", "مفقوده", "اختفى", "اختفت", "ضايع", "ضاع", "ما منعرف وين", "ما نعرف وين", "مش عارفين هو فين", "مش لاقيينه", "مش لاقيينها",
	"mafqoud", "ekhtafa", "ma mna3ref wein", "mesh 3arfin howa fein", "ma 3arfinch fin", "ma l9inahch", "msh la2yino", "tlef",
	"लापता", "गायब", "पता नहीं कहां", "पता नहीं कहाँ", "नहीं मिल रहा", "नहीं मिल रही", "lapata", "gayab", "pata nahi kahan",
	"لاپتہ", "غائب", "پتا نہیں کہاں", "پتہ نہیں کہاں", "نہیں مل رہا", "نہیں مل رہی",
)

// careWater is the river, canal or flood they went near.
var careWater = []string{
	"canal", "river", "creek", "stream", "the brook", "riverbank", "floodwater", "flood water", "the flood", "overflowed", "burst its banks", "the lake", "the dam",
	"canal", "rivière", "fleuve", "ruisseau", "la crue", "l'inondation", "débordé", "a débordé", "le lac", "le barrage",
	"canal", "río", "arroyo", "acequia", "la creciente", "la inundación", "se desbordó", "desbordado", "el lago", "la presa", "el dique",
	"kanal", "fluss", "bach", "hochwasser", "über die ufer", "überflutet", "see", "staudamm",
	"canal", "rio", "córrego", "corrego", "riacho", "valão", "valao", "enchente", "transbordou", "a lagoa", "a represa", "a barragem",
	"القناه", "قناه", "الترعه", "ترعه", "النهر", "نهر", "الوادي", "السيل", "الفيضان", "فاض", "البحيره", "السد",
	"tor3a", "nahr", "lwad", "l wad", "el wadi", "sayl", "fayadan", "fad", "sed",
	"नहर", "नदी", "नाला", "बाढ़", "बांध", "nahar", "nadi", "nala", "baadh",
	"نہر", "دریا", "ندی", "نالہ", "سیلاب", "بند", "darya",
}

var careKindConcepts = []concept{
	// a treatment that did not happen and the body failing without it
	{name: "treatment_missed", parts: []conceptPart{
		{phrases: careTreatment},
		{phrases: careNotGiven},
		{neg: true, phrases: careFailing},
	}},
	// a small child who swallowed pills or medicine
	{name: "child_swallowed_pills", parts: []conceptPart{
		{phrases: careChild},
		{neg: true, phrases: careSwallowed},
		{phrases: carePills},
	}, unless: []string{
		// a child who cannot or will not take a pill
		"can't swallow", "cant swallow", "won't swallow", "wont swallow", "refuses", "hard to swallow", "trouble swallowing",
		"n'arrive pas à avaler", "refuse", "no puede tragar", "no quiere", "kann nicht schlucken", "will nicht", "não consegue engolir", "não quer",
		"ما بيقدر يبلع", "ما بدو", "ma kay9derch ybla3", "निगल नहीं", "نگل نہیں",
	}},
	// too many pills taken, and it shows
	{name: "pills_too_many", parts: []conceptPart{
		{phrases: carePills},
		{phrases: careTooMany},
		{neg: true, phrases: careOverdoseSign},
	}},
	// a machine kept going by its backup, and the backup counted in
	// minutes: life_support's unless reads a backup as keeping the person
	// supplied, but one with minutes left does not ("the spare cylinder
	// says 20 minutes")
	{name: "backup_running_out", parts: []conceptPart{
		{phrases: lifeSupportDevices},
		{phrases: careBackup},
		{phrases: careMinutesLeft},
	}, unless: []string{
		// the backup took over and holds
		"kicked in", "took over", "is working", "a pris le relais", "fonctionne", "funciona", "läuft", "funcionando", "شغال", "sha8al", "चल रहा", "چل رہا",
	}},
	// a relative missing since they went near a river, canal or flood
	{name: "missing_near_water", parts: []conceptPart{
		{phrases: careRelative},
		{neg: true, phrases: careMissing},
		{phrases: careWater},
	}, unless: append([]string{
		"found him", "found her", "we found", "is back", "came back", "came home", "retrouvé", "retrouvée", "lo encontramos", "la encontramos",
		"apareció", "gefunden", "ist wieder da", "achamos ele", "achamos ela", "encontramos ele", "encontramos ela", "apareceu", "لقيناه", "لقيناها",
		"la2ino", "l9inah", "मिल गया", "मिल गई", "mil gaya", "مل گیا", "مل گئی",
	}, suppliesNotFound...)},
}

// gearWords ask for masks or an air filter: a hazard told with them (smoke
// from a distant fire drifting in each evening) is lived with, and the
// sender asks for protection, not rescue. Only hazard phrases and hazard
// concepts yield to it; a person at risk ("he can't breathe") does not.
var gearWords = []string{
	"masks", "face masks", "n95", "air filter", "air filters", "air purifier",
	"masques", "des masques", "purificateur d'air", "filtre à air",
	"mascarillas", "cubrebocas", "barbijos", "purificador de aire", "filtro de aire",
	"masken", "atemschutzmasken", "ffp2", "luftreiniger", "luftfilter",
	"máscaras", "mascaras", "máscara", "purificador de ar", "filtro de ar",
	"كمامات", "كمامه", "ماسكات", "فلتر هوا", "منقي هوا", "kmamat", "kamamat", "masques", "maskat",
	"मास्क", "एयर प्यूरीफायर", "mask", "masks", "air purifier",
	"ماسک", "ایئر پیوریفائر",
}

var gearSet = compileWhole(gearWords)

// lifeSupportDevices are the machines and treatments a person needs power
// or supply for to stay alive; life_support (concepts.go) and
// backup_running_out (carekinds.go) read them.
var lifeSupportDevices = []string{
	"oxygen concentrator", "oxygen machine", "on oxygen", "home oxygen", "ventilator", "respirator", "breathing machine", "dialysis",
	"concentrateur d'oxygène", "concentrateur d'oxygene", "sous oxygène", "respirateur", "dialyse",
	"concentrador de oxígeno", "concentrador de oxigeno", "oxígeno", "respirador", "ventilador mecánico", "diálisis", "dialisis",
	"sauerstoffgerät", "sauerstoffkonzentrator", "sauerstoff", "beatmungsgerät", "beatmet", "dialyse",
	"concentrador de oxigênio", "oxigênio", "oxigenio", "respirador", "aparelho de oxigênio", "hemodiálise", "diálise", "dialise",
	"جهاز الاكسجين", "جهاز اكسجين", "الاكسجين", "اكسجين", "جهاز التنفس", "جهاز تنفس", "التنفس الصناعي", "غسيل كلى", "غسيل الكلى", "الغسيل الكلوي",
	"oxygen", "oksijen", "oxygene", "jihaz el tanaffos", "jhaz tanaffos", "ghaseel kilya", "ghasil kela", "3al ventilateur", "3ala ventilateur",
	"ventilateur bel mustashfa", "respirateur", "dialyse",
	"ऑक्सीजन", "ऑक्सीजन मशीन", "वेंटिलेटर", "डायलिसिस", "oxygen machine", "ventilator", "dialysis",
	"آکسیجن", "وینٹی لیٹر", "وینٹیلیٹر", "ڈائلیسز",
	// heart pumps (LVAD) run on batteries that an outage drains
	"lvad", "heart pump", "artificial heart", "assistance cardiaque", "coeur artificiel", "cœur artificiel", "pompe cardiaque",
	"bomba en el corazón", "bomba en el corazon", "bomba cardiaca", "corazón artificial", "corazon artificial", "kunstherz", "herzpumpe",
	"coração artificial", "coracao artificial", "bomba no coração", "bomba cardíaca", "مضخه القلب", "مضخة القلب", "قلب صناعي", "مضخه قلب",
	"pompa dyal l9alb", "madakhat el 2alb", "दिल का पंप", "दिल की मशीन", "dil ka pump", "دل کا پمپ", "دل کی مشین",
	// incubators keep babies born early warm and breathing
	"incubator", "incubators", "couveuse", "couveuses", "incubadora", "incubadoras", "inkubator", "brutkasten",
	"الحضانه", "حضانه", "الحضانات", "el mahd", "7adana", "el 7adana", "इनक्यूबेटर", "انکیوبیٹر",
}

// careBackup names the reserve a life-support machine falls back on.
var careBackup = []string{
	"backup", "back-up", "spare cylinder", "spare tank", "reserve tank", "the spare", "battery", "batteries",
	"secours", "réserve", "reserve", "bouteille", "batterie",
	"respaldo", "repuesto", "reserva", "tanque", "batería", "bateria",
	"ersatz", "reserve", "ersatzflasche", "akku", "notstrom",
	"reserva", "cilindro", "bateria", "backup",
	"احتياط", "احتياطي", "احتياطيه", "الاسطوانه", "اسطوانه", "البطاريه", "بطاريه", "i7tiyat", "batarya", "batterie",
	"बैकअप", "सिलेंडर", "बैटरी", "cylinder",
	"بیک اپ", "سلنڈر", "بیٹری",
}

// careMinutesLeft tells time running out in minutes.
var careMinutesLeft = []string{
	"minutes", "mins", "min left", "minutes left",
	"minutes", "minute",
	"minutos", "minuto",
	"minuten", "minute",
	"minutos",
	"دقيقه", "دقايق", "دقائق", "da2i2a", "d2i2a", "da2aye2", "dqay9",
	"मिनट", "minat",
	"منٹ",
}
