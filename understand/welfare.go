package understand

// Kinds of danger told without a danger word that the concepts of
// concepts.go and signs.go do not cover: a person living alone who has
// gone silent behind their door, a worker held captive abroad, near
// fainting with the heart racing, a child's head injury showing its red
// flags, and a child in a tank or well that nobody can reach. Each is a
// conjunction of meanings, so one of them alone ("he hasn't replied for two
// days", "they kept my passport", "my heart was racing at the concert",
// "he fell off the bed") stays what it was. None is a hazard concept: the
// person is at risk even when the sender says "we are fine, but ...".
var welfareConcepts = []concept{
	// someone alone who has not answered or opened the door for a day or
	// more, with a sign that something is wrong inside
	{name: "welfare_check", parts: []conceptPart{
		{phrases: []string{
			"not answering", "isn't answering", "hasn't answered", "has not answered", "hasn't been answering", "not opening", "won't open",
			"hasn't opened", "has not opened", "doesn't open", "not picking up", "no answer", "hasn't been seen", "nobody has seen", "no one has seen",
			"haven't seen her", "haven't seen him", "not been seen",
			"ne répond pas", "ne répond plus", "n'ouvre pas", "n'a pas ouvert", "ne décroche pas", "pas de réponse", "personne ne l'a vue",
			"personne ne l'a vu", "on ne l'a pas vue", "on ne l'a pas vu",
			"no contesta", "no responde", "no abre", "no ha abierto", "no ha salido", "nadie la ha visto", "nadie lo ha visto", "no la hemos visto",
			"no lo hemos visto",
			"macht nicht auf", "macht nicht mehr auf", "tür nicht auf", "seit gestern nicht auf", "seit tagen nicht auf",
			"seit zwei tagen nicht auf", "seit drei tagen nicht auf", "seit 2 tagen nicht auf", "öffnet nicht", "nicht gemeldet", "nicht aufgemacht", "geht nicht ran", "meldet sich nicht", "antwortet nicht", "keine antwort",
			"nicht gesehen", "niemand hat sie gesehen", "niemand hat ihn gesehen",
			"não atende", "nao atende", "não abre", "nao abre", "não responde", "ninguém viu", "ninguem viu", "não sai de casa",
			"ما بيرد", "ما عم يرد", "ما عم ترد", "ما بترد", "ما يرد", "ما ترد", "مش بيرد", "مش بترد", "ما فتح*", "ما فتحت", "ما بيفتح", "ما بتفتح",
			"ما حدا شافه", "ما حدا شافها", "محد شافه", "محد شافها",
			"ma katjawebch", "ma kayjawebch", "ma kat7elch", "ma kay7elch", "ma 3am yrod", "ma 3am trod", "ma byrod", "ma btrod", "mesh biyrod",
			"ma fata7", "ma fat7et", "7ta wa7d ma chafha", "7ta wa7d ma chafo", "ma 7ada shafo", "ma 7ada shafa",
			"दरवाज़ा नहीं खोल", "दरवाजा नहीं खोल", "जवाब नहीं दे", "फ़ोन नहीं उठा", "फोन नहीं उठा", "किसी ने नहीं देखा", "darwaza nahi khol",
			"phone nahi utha", "jawab nahi de",
			"دروازہ نہیں کھول", "جواب نہیں دے", "فون نہیں اٹھا", "کسی نے نہیں دیکھا",
		}},
		{phrases: []string{
			"since yesterday", "two days", "three days", "2 days", "3 days", "for days", "all day yesterday", "since monday",
			"depuis hier", "deux jours", "trois jours", "2 jours", "3 jours", "depuis des jours",
			"desde ayer", "dos días", "tres días", "2 días", "3 días", "hace días",
			"seit gestern", "zwei tagen", "drei tagen", "2 tagen", "3 tagen", "seit tagen",
			"desde ontem", "dois dias", "três dias", "2 dias", "3 dias", "há dias",
			"من امبارح", "من مبارح", "من امس", "من يومين", "من ٣ ايام", "من تلات ايام", "من ثلاث ايام", "من كم يوم",
			"men lbare7", "mn lbare7", "men yomayn", "mn yomayn", "men yumein", "min yomein", "men 2 iyam", "mn embare7", "min mbere7",
			"कल से", "दो दिन", "तीन दिन", "2 दिन", "kal se", "do din", "teen din",
			"کل سے", "دو دن", "تین دن", "2 دن",
		}},
		{phrases: []string{
			"alone", "lives alone", "elderly", "old lady", "old man", "dog", "cat", "barking", "meowing", "mail piling up", "post piling up", "newspapers piling up", "letterbox is full", "lights on all night",
			"seule", "seul", "âgée", "âgé", "vieille", "vieux", "chien", "chat", "aboie", "miaule", "courrier s'accumule", "boîte aux lettres pleine",
			"sola", "solo", "anciana", "anciano", "mayor", "perro", "gato", "ladra", "maúlla", "buzón lleno", "se acumula el correo",
			"allein", "alte", "alter", "ältere", "älterer", "hund", "katze", "bellt", "miaut", "briefkasten quillt", "briefkasten voll",
			"sozinha", "sozinho", "idosa", "idoso", "cachorro", "gato", "late", "mia", "caixa de correio cheia", "cartas acumuladas",
			"لحالها", "لحاله", "وحدها", "وحده", "عايشه لوحدها", "عايش لوحده", "كبيره بالسن", "كبير بالسن", "العجوز", "الكلب", "كلبها", "كلبه", "القطه",
			"قطتها", "بينبح", "عم ينبح", "البريد متكوم", "الجرايد متكومه",
			"lw7dha", "lw7do", "wa7edha", "la7alha", "la7alo", "l chien", "lkelb", "el kalb", "l9et", "el 2otta", "kaybki", "kaynbe7",
			"अकेली", "अकेले", "बुज़ुर्ग", "बुजुर्ग", "कुत्ता", "बिल्ली", "akeli", "akele", "buzurg", "kutta", "billi",
			"اکیلی", "اکیلے", "بزرگ", "کتا", "بلی",
		}},
	}},
	// lost outdoors with someone injured and night, cold or a dying phone
	// coming: nobody knows where they are and they cannot walk out
	{name: "stranded_injured", parts: []conceptPart{
		{phrases: []string{
			"we're lost", "we are lost", "we got lost", "got lost on", "got lost in", "lost on the", "lost in the fog", "lost in the woods", "lost our way",
			"can't find the path", "can't find the trail", "cant find the trail",
			"on est perdus", "nous sommes perdus", "on s'est perdus", "on s'est perdu", "perdus dans", "perdus sur", "retrouve plus le sentier",
			"nos perdimos", "estamos perdidos", "perdidos en", "nos extraviamos", "no encontramos el camino", "no encontramos el sendero",
			"verirrt", "verlaufen", "finden den weg nicht", "finden nicht zurück",
			"estamos perdidos", "nos perdemos", "nos perdemos na", "perdidos na", "perdidos no", "não achamos a trilha", "nao achamos a trilha",
			"ضعنا", "ضايعين", "تهنا", "تايهين", "ضلينا الطريق", "ما لاقيين الطريق",
			"d3na", "da3na", "dayy3in", "day3in", "tohna", "tayhin", "tl9na", "twdrna", "tweddrna", "ma la2yin el tari2",
			"रास्ता भटक", "भटक गए", "भटक गये", "रास्ता नहीं मिल", "rasta bhatak", "bhatak gaye", "rasta nahi mil", "kho gaye",
			"راستہ بھٹک", "بھٹک گئے", "راستہ نہیں مل", "کھو گئے",
		}},
		{neg: true, phrases: []string{
			"broke his", "broke her", "broke my", "is broken", "broken ankle", "broken leg", "injured", "twisted his ankle", "twisted her ankle", "can't walk",
			"cant walk", "cannot walk",
			"s'est cassé", "s'est cassée", "cassé la", "cassée", "blessé", "blessée", "entorse", "peut plus marcher", "peut pas marcher",
			"se rompió", "se rompio", "roto", "rota", "herido", "herida", "se torció", "se torcio", "no puede caminar",
			"gebrochen", "verletzt", "umgeknickt", "kann nicht laufen", "kann nicht mehr laufen",
			"quebrou", "quebrado", "quebrada", "machucado", "machucada", "ferido", "ferida", "torceu", "não consegue andar", "nao consegue andar",
			"انكسر*", "مكسور*", "انصاب", "انصابت", "مصاب", "ما يقدر يمشي", "ما تقدر تمشي", "ما بيقدر يمشي", "مش قادر يمشي",
			"tkasret", "tkasar", "t9ass", "maksoura", "maksour", "mkasra", "msab", "ensab", "ma y9derch ymchi", "ma yi2dar yimshi", "ma bi2dar yemshi",
			"टूट गया", "टूट गई", "घायल", "मोच", "चल नहीं पा", "toot gaya", "toot gayi", "tut gaya", "ghayal", "moch", "chal nahi pa",
			"ٹوٹ گیا", "ٹوٹ گئی", "زخمی", "موچ", "چل نہیں پا",
		}},
		{phrases: []string{
			"getting dark", "it's dark", "its dark", "dark soon", "night is falling", "battery", "phone on", "freezing", "so cold",
			"nuit tombe", "il fait nuit", "fait noir", "batterie", "on gèle", "froid",
			"oscurece", "anochece", "está oscuro", "batería", "bateria", "frío", "frio",
			"dunkel", "akku", "eiskalt", "kalt",
			"escurecendo", "escuro", "anoitecendo", "bateria", "frio",
			"عتمت", "صارت عتمه", "الدنيا ليل", "بطاريه", "البطاريه", "برد", "بردانين",
			"3tamet", "sar lil", "sar leil", "battariye", "batri", "lbatri", "bard", "bardanin",
			"अंधेरा", "बैटरी", "ठंड", "andhera", "battery", "thand",
			"اندھیرا", "بیٹری", "ٹھنڈ",
		}},
	}},
	// a worker held abroad: the passport taken and locked in, beaten or
	// not fed (a passport kept with unpaid wages alone is need_help)
	{name: "held_captive", parts: []conceptPart{
		{neg: true, phrases: []string{
			"took her passport", "took his passport", "took my passport", "taken her passport", "taken his passport", "taken my passport",
			"passport taken", "passport was taken", "confiscated", "kept her passport", "kept his passport", "took our passports",
			"pris son passeport", "pris mon passeport", "confisqué son passeport", "confisqué mon passeport", "gardé son passeport",
			"quitaron el pasaporte", "quitado el pasaporte", "le quitaron el pasaporte", "me quitaron el pasaporte", "retienen su pasaporte",
			"pass abgenommen", "pass weggenommen", "reisepass abgenommen", "reisepass weggenommen", "pass einbehalten",
			"tomaram o passaporte", "pegaram o passaporte", "tomaram o passaporte dela", "ficaram com o passaporte", "retiveram o passaporte",
			"اخذوا جواز*", "ساحبين جواز*", "اخدوا جواز*", "سحبوا جواز*", "ماخدين جواز*", "واخدين جواز*", "حاجزين جواز*",
			"khdaw lpaspor", "khdaw lpasspor", "khdaw l passport", "akhado el jawaz", "a5adu el jawaz", "sa7abo el jawaz",
			"पासपोर्ट छीन", "पासपोर्ट ले लिया", "पासपोर्ट रख लिया", "पासपोर्ट जब्त", "passport chheen", "passport le liya",
			"پاسپورٹ چھین", "پاسپورٹ لے لیا", "پاسپورٹ رکھ لیا", "پاسپورٹ ضبط",
		}},
		{phrases: []string{
			"locked in", "lock her in", "lock him in", "locks her in", "locked up", "beat her", "beat him", "beating her", "hit her", "beaten",
			"don't feed", "not fed", "no food", "not allowed out", "not allowed to leave", "won't let her leave", "won't let her out",
			"l'enferme", "l'enferment", "enfermée", "enfermé", "la frappe", "le frappe", "la frappent", "battue", "pas à manger",
			"pas le droit de sortir", "ne la laissent pas sortir",
			"encerrada", "encerrado", "la encierran", "la golpean", "le pegan", "no le dan de comer", "no la dejan salir",
			"eingesperrt", "sperren sie ein", "schlagen sie", "geschlagen", "kein essen", "darf nicht raus", "nichts zu essen",
			"trancada", "trancado", "presa", "batem nela", "apanha", "não dão comida", "nao dao comida", "não deixam sair", "nao deixam sair",
			"قافلين عليها", "قافلين عليه", "قفلوا عليها", "حابسينها", "حابسينه", "محبوسه", "بيضربوها", "يضربوها", "بيضربوه", "ضربوها",
			"ما بيطعموها", "ما يعطوها اكل", "ما بيعطوها اكل", "ما يخلوها تطلع", "ما بيخلوها تطلع",
			"msakrin 3liha", "msakrin 3leha", "2aflin 3leha", "7absinha", "kaydrboha", "kayderbouha", "byedrbuha", "3am yedrbuha",
			"ma kay3tiwhach tkoul", "ma bya3touha akl",
			"बंद रखते", "बंद कर", "मारते", "पीटते", "खाना नहीं देते", "बाहर नहीं जाने", "band rakhte", "marte", "peet",
			"بند رکھتے", "بند کر", "مارتے", "پیٹتے", "کھانا نہیں دیتے", "باہر نہیں جانے",
		}},
	}},
	// near fainting with the heart racing, chest pain or short breath
	{name: "faint_heart", parts: []conceptPart{
		{neg: true, phrases: []string{
			"pass out", "passing out", "going to faint", "gonna faint", "about to faint", "feel faint", "fainting", "blacking out",
			"m'évanouir", "évanouir", "tomber dans les pommes", "je vais tomber", "desmayar", "desmayarme", "desmayo",
			"ohnmächtig", "umkippen", "kippe gleich um", "desmaiar", "desmaio", "vou cair",
			"يغمى علي", "يغمى عليه", "يغمى عليها", "رح يغمى", "رح اغيب عن الوعي", "رح اوقع", "حاسس حالي رح اوقع", "داخ", "دايخ", "دايخه",
			"ghadi ntle7", "ghadi nsqet", "ra7 yoghma 3alay", "ra7 o2a3", "dayekh", "daykha",
			"बेहोश", "चक्कर", "behosh", "chakkar",
			"بے ہوش", "بیہوش", "چکر",
		}},
		{neg: true, phrases: []string{
			"heart is racing", "heart racing", "heart is going so fast", "heart going so fast", "heart is pounding", "heart pounding", "palpitations",
			"chest pain", "chest hurts", "pain in my chest", "short of breath", "can't breathe", "can't catch my breath",
			"coeur bat", "cœur bat", "cœur qui bat", "coeur qui bat", "douleur à la poitrine", "mal à la poitrine", "essoufflé", "essoufflée",
			"corazón acelerado", "corazón me late", "corazón late muy", "dolor en el pecho", "me falta el aire", "no puedo respirar",
			"herzrasen", "herz rast", "herz klopft", "brustschmerzen", "schmerzen in der brust", "atemnot", "keine luft",
			"coração acelerado", "coração disparado", "coração batendo", "dor no peito", "falta de ar",
			"قلبي يدق", "قلبي عم يدق", "قلبي بيدق", "دقات قلبي", "خفقان", "وجع بصدري", "الم في الصدر", "الم بصدري", "ضيق نفس", "نفسي مقطوع",
			"2albi 3am yde2", "2albi byde2", "galbi kaydg", "9albi kaydg", "wja3 f sdri", "waja3 b sadri", "ma 3am ba2der etnaffas",
			"दिल तेज़", "दिल तेज", "धड़कन", "सीने में दर्द", "सांस फूल", "सांस नहीं", "dil tez", "dhadkan", "seene mein dard", "saans phool",
			"دل تیز", "دھڑکن", "سینے میں درد", "سانس پھول", "سانس نہیں",
		}},
	}},
	// a child's head injury after a fall with its red flags, even when
	// all seemed well at first
	{name: "child_head_injury", parts: []conceptPart{
		{phrases: append(append([]string{}, conceptPerson...),
			"der kleine", "die kleine", "kleiner", "le petit", "la petite", "el niño", "el nene", "o pequeno", "a pequena", "el baby", "el bebe",
			"البيبي", "الولد", "wld", "lwld", "बच्चा", "بچہ")},
		{phrases: []string{
			"fell", "fallen", "hit his head", "hit her head", "bumped his head", "bumped her head",
			"tombé", "tombée", "cogné la tête", "se cayó", "cayó", "golpeó la cabeza", "gefallen", "gestürzt", "kopf gestoßen", "kopf angeschlagen",
			"caiu", "bateu a cabeça", "وقع", "وقعت", "طاح", "طاحت", "انضرب على راس*", "we2e3", "we2e3et", "wi2i3", "wi2i3it", "wi2e3", "wi2e3et", "wa2a3", "ta7", "t7at", "ta7et",
			"गिर", "सिर पर चोट", "सिर में चोट", "gir gaya", "gir gayi", "گر", "سر پر چوٹ", "سر میں چوٹ",
		}},
		{neg: true, phrases: []string{
			"vomited", "vomiting", "threw up", "throwing up", "been sick twice", "very sleepy", "keeps falling asleep", "won't wake", "can't wake",
			"hard to wake", "had a fit",
			"vomi", "vomit", "a vomi", "somnolent", "somnolente", "s'endort tout le temps", "n'arrive pas à le réveiller", "ne se réveille pas",
			"vomitó", "vomitando", "muy dormido", "somnoliento", "no despierta", "se queda dormido", "no se despierta",
			"gespuckt", "erbrochen", "übergeben", "schläft dauernd ein", "schläft ständig ein", "schläfrig", "wacht nicht auf",
			"vomitou", "vomitando", "sonolento", "sonolenta", "muito sono", "não acorda", "nao acorda",
			"استفرغ*", "يستفرغ*", "تستفرغ*", "تقيا*", "رجع مرتين", "رجعت مرتين", "عم يرجع", "نعسان كتير", "نايم كتير", "ما عم يصحى", "ما بيصحى", "ما عم تصحى",
			"rege3 martein", "3am tenam kteer", "ma 3am tes7a", "rege3 marten", "raja3 marten", "sta3frag", "starja3", "tqaya", "3am yenam kteer", "3am ynam ktir", "ma 3am yes7a",
			"ma bghach yfi9", "m3ass bzaf",
			// the same question over and over, a head bleeding after the fall
			"same question", "asks the same thing", "même question", "la misma pregunta", "lo mismo una y otra vez", "dieselbe frage", "das gleiche immer wieder",
			"a mesma pergunta", "mesma coisa toda hora", "نفس السؤال", "nafs el so2al", "nafs so2al", "ek hi sawal", "एक ही सवाल", "ایک ہی سوال",
			"head is bleeding", "bleeding from his head", "bleeding from her head", "la tête saigne", "saigne de la tête", "sangra de la cabeza",
			"kopf blutet", "cabeça sangrando", "sangrando da cabeça", "راسه بينزف", "راسه عم ينزف", "راسها عم ينزف",
			"rasso bitnazzel dam", "raso 3am ynazzef", "rasso 3am ynazzef", "सिर से खून", "sir se khoon", "سر سے خون",
			"उल्टी", "बहुत सो रहा", "बहुत सो रही", "उठ नहीं रहा", "उठ नहीं रही", "ulti", "bahut so raha",
			"الٹی", "بہت سو رہا", "بہت سو رہی", "اٹھ نہیں رہا", "اٹھ نہیں رہی",
		}},
	}},
	// a child in a tank, well, basin or pool that nobody can reach
	{name: "child_in_water", parts: []conceptPart{
		{phrases: []string{
			"fell in", "fell into", "fallen in", "fallen into", "tombé dans", "tombée dans", "se cayó en", "se cayó al", "se cayó a", "cayó en", "cayó al",
			"gefallen", "reingefallen", "caiu no", "caiu na", "caiu dentro",
			"وقع ب*", "وقع في", "وقعت ب*", "وقعت في", "طاح في", "طاح ف", "طاحت ف", "ta7 f", "t7at f", "ta7 fi", "we2e3 b", "we2e3 fi", "wa9e3 f",
			"में गिर", "me gir", "mein gir", "میں گر",
		}},
		{phrases: []string{
			"basin", "tank", "well", "pool", "cistern", "pond", "bassin", "citerne", "puits", "piscine", "mare",
			"alberca", "aljibe", "pozo", "tanque", "piscina", "estanque", "brunnen", "becken", "zisterne", "teich", "pool",
			"poço", "caixa d'água", "caixa d'agua", "cisterna", "piscina", "tanque",
			"البير", "بير", "بئر", "البئر", "الخزان", "خزان", "المسبح", "مسبح", "البركه", "بركه", "الصهريج", "صهريج",
			"sahrij", "sehrij", "bir", "el bir", "lbir", "khazzan", "el khazzan", "birka", "masba7",
			"कुआं", "कुएं", "टंकी", "तालाब", "पूल", "kuan", "kuen", "tanki", "talab",
			"کنواں", "کنویں", "ٹینکی", "تالاب",
		}},
		{phrases: []string{
			"can't swim", "cannot swim", "nobody can swim", "no one can swim", "nobody here can swim", "no one here can swim", "none of us can swim", "can't reach", "cannot reach", "can't get him out", "can't get her out",
			"ne sait pas nager", "ne savent pas nager", "personne ne sait nager", "n'arrive pas à l'attraper", "n'arrive pas à le sortir",
			"no sabe nadar", "no saben nadar", "nadie sabe nadar", "no lo alcanzamos", "no la alcanzamos", "no podemos sacarlo", "no podemos sacarla",
			"kann nicht schwimmen", "niemand kann schwimmen", "können nicht schwimmen", "kommen nicht ran", "kriegen ihn nicht raus",
			"não sabe nadar", "nao sabe nadar", "ninguém sabe nadar", "ninguem sabe nadar", "não alcança", "não conseguimos tirar",
			"ما حدا بيعرف يسبح", "محد يعرف يسبح", "ما بيعرف يسبح", "ما يعرف يسبح", "ما يعرف يعوم", "ما بيعرف يعوم", "مش بيعرف يعوم", "ما قادرين نطلعه", "ما قادرين نوصله", "ما نقدر نطلعه",
			"ma kay3ref y3oum", "ma kay3rfo y3oumo", "ma y3refch y3oum", "ma bya3ref yesba7", "ma 7ada bya3ref yesba7", "ma 9adrinch nkhrjoh", "ma 2adrin ntal3o",
			"तैरना नहीं आता", "कोई तैर नहीं", "निकाल नहीं पा", "tairna nahi aata",
			"تیرنا نہیں آتا", "کوئی تیر نہیں", "نکال نہیں پا",
		}},
	}},
}
