package understand

import (
	"slices"
	"strings"
)

// Emergency signs as first aid and civil protection teach them, in the nine
// varieties: what makes a situation life-threatening whatever the disaster
// that caused it. Each sign is either a phrase that names a person at risk
// by itself (signPhrases: "face drooping", "took all the pills") or a
// concept of two or three meanings that must all be present (a sting and
// swelling, a generator and a headache, a collapse and someone still
// inside). Like every danger rule they can only raise a message; questions
// ("what to do if ...") and events told as over are kept apart by the
// callers (hypothetical, resolved).

// signPeople are the people a sign can be about, the sender included.
var signPeople = append(append([]string{}, conceptPerson...),
	"we", "we're", "us", "i", "i'm", "me", "my", "kids", "children", "family", "people",
	"nous", "on", "moi", "mon", "ma", "enfants", "gens", "nosotros", "estamos", "yo", "mi", "niños", "gente",
	"wir", "ich", "mein", "meine", "kinder", "leute", "nós", "estamos", "eu", "meu", "minha", "crianças", "gente", "vó", "vovó", "vô", "vovô",
	"احنا", "نحن", "انا", "عيال", "الولاد", "الاطفال", "اطفال", "معايا", "معي", "ناس", "e7na", "ne7na", "ana", "el wlad", "3iyal", "ma3i", "ma3aya",
	"हम", "मैं", "मेरा", "मेरी", "बच्चे", "लोग", "hum", "main", "mera", "meri", "bacche", "log",
	"ہم", "میں", "میرا", "میری", "بچے", "لوگ",
	"worker", "workers", "ouvrier", "ouvriers", "obrero", "obreros", "trabajador", "arbeiter", "bauarbeiter", "operário", "pedreiro",
	"عامل", "العامل", "3amel", "el 3amel", "मज़दूर", "मजदूर", "mazdoor", "مزدور",
)

// signConcepts are appended to the concepts of concepts.go.
var signConcepts = []concept{
	// a fall from a height: "my sister fell from the balcony on the second
	// floor". Told as a hazard, so "he fell off the ladder but he's fine"
	// stays safe.
	{name: "fall_height", hazard: true, parts: []conceptPart{
		{phrases: []string{
			"fell from", "fell off", "fell out of", "fallen from", "fallen off", "tombé du", "tombée du", "tombé de", "tombée de", "tombé d'", "tombée d'",
			"se cayó del", "se cayó de", "cayó del", "se cayó desde", "ist vom", "ist von", "gestürzt", "runtergefallen", "heruntergefallen",
			"caiu do", "caiu da", "caiu de", "وقع من", "وقعت من", "طاح من", "طاحت من", "سقط من", "سقطت من", "we2e3 mn", "we23et mn", "wi2i3 mn",
			"wa9e3 mn", "wa9a3 mn", "ta7 mn", "t7at mn", "ta7et mn", "se gir", "se gira", "se giri", "से गिर", "سے گر",
		}},
		{phrases: []string{
			"balcony", "roof", "ladder", "scaffold", "scaffolding", "window", "floor", "cliff", "balcon", "toit", "échelle", "échafaudage", "fenêtre",
			"étage", "falaise", "balcón", "tejado", "techo", "andamio", "ventana", "piso", "acantilado", "balkon", "dach", "leiter", "gerüst", "fenster",
			"stock", "klippe", "sacada", "varanda", "telhado", "laje", "andaime", "janela", "andar", "penhasco", "بلكون*", "البلكون*", "الشرفه",
			"البرندا", "السطح", "سطح", "السلم", "السقاله", "الشباك", "الطابق", "الدور", "balakona", "balkon", "el sat7", "sat7", "el sullam",
			"shebbak", "el shebbak", "el dor", "el tabe2", "बालकनी", "छत", "सीढ़ी", "मचान", "खिड़की", "मंजिल", "balcony", "chhat", "chat", "seedhi",
			"sidhi", "manzil", "khidki", "بالکونی", "چھت", "سیڑھی", "کھڑکی", "منزل",
		}},
		{phrases: signPeople},
	}},
	// a building failing now with people in it: "the wall is shaking,
	// three children with me"
	{name: "structure_failing", hazard: true, parts: []conceptPart{
		{neg: true, phrases: []string{
			"wall is shaking", "walls are shaking", "wall shaking", "wall is moving", "wall moving", "wall is cracking", "walls are cracking",
			"ceiling is cracking", "ceiling is falling", "ceiling coming down", "roof is caving", "roof caving in", "about to collapse",
			"going to collapse", "could collapse any", "is collapsing", "house is shaking", "building is shaking", "building is leaning",
			"le mur bouge", "les murs bougent", "le mur tremble", "les murs tremblent", "le mur se fissure", "les murs se fissurent",
			"le plafond tombe", "le plafond s'effondre", "va s'effondrer", "risque de s'effondrer", "s'effondre",
			"la pared se mueve", "las paredes se mueven", "la pared tiembla", "la pared se agrieta", "las paredes se agrietan",
			"el techo se cae", "el techo se está cayendo", "se va a derrumbar", "se está derrumbando", "se va a caer la casa",
			"wand wackelt", "wände wackeln", "wand bewegt sich", "wand reißt", "decke bricht", "decke kommt runter", "stürzt ein",
			"droht einzustürzen", "einsturzgefahr",
			"wall is swaying", "walls are swaying", "le mur vacille", "les murs vacillent", "la pared se tambalea", "la pared se balancea",
			"wand schwankt", "wände schwanken", "parede tá balançando", "parede está balançando", "parede balançando", "parede tá mexendo",
			"parede está mexendo", "parede mexendo", "parede tremendo", "parede rachando", "paredes rachando", "teto está caindo",
			"teto caindo", "vai desabar", "está desabando", "esta desabando",
			"الحيطه بتتهز", "الحيط بيتهز", "الحيطه تتهز", "الجدار يهتز", "الحيط عم يهتز", "الحيطه عم تهتز", "الجدار يتشقق", "الحيطان عم تتشقق",
			"السقف بيقع", "السقف رح يوقع", "السقف عم يوقع", "السقف بلش يوقع", "السقف بلش يهر", "السقف عم يهر", "السقف بيهر", "بلش يهر", "عم يهر", "السقف راح يطيح", "رح ينهار", "بينهار", "عم ينهار", "الحيط كيتحرك", "الحيط غادي يطيح",
			"3am yehtazz", "3am tehtazz", "bttehez", "btehtazz", "el sa2f 3am yo2a3", "el sa2f ra7 yo2a3", "el sa2f 3am yhor", "el sa2f ballash yhor", "ra7 yenhar", "3am yenhar",
			"l7it kayt7errek", "l7it ghadi yti7",
			"दीवार हिल रही", "दीवारें हिल रही", "छत गिर रही", "छत गिरने वाली", "गिरने वाला है", "गिरने वाली है",
			"deewar hil rahi", "diwar hil rahi", "chhat gir rahi", "girne wala",
			"دیوار ہل رہی", "دیواریں ہل رہی", "چھت گر رہی", "گرنے والی ہے", "گرنے والا ہے",
		}},
		{phrases: signPeople},
	}},
	// a collapse with someone still inside or under it
	{name: "buried_inside", parts: []conceptPart{
		{phrases: []string{
			"collapsed", "caved in", "buried", "rubble", "landslide", "mudslide", "mine", "tunnel", "سرنگ", "بیٹھ گئی", "बैठ गई", "सुरंग",
			"effondré", "effondrée", "effondrés", "décombres", "enseveli", "ensevelie", "ensevelis", "glissement de terrain",
			"se derrumbó", "derrumbó", "derrumbe", "escombros", "sepultado", "sepultada", "deslave", "deslizamiento",
			"eingestürzt", "trümmer", "verschüttet", "erdrutsch", "desabou", "desmoronou", "soterrado", "soterrada", "soterrou", "deslizamento",
			"وقعت", "وقع", "انهار*", "انهدم*", "الردم", "ردم", "انقاض", "الانقاض", "انزلاق",
			"we23et", "wi2i3", "we2e3", "inhar", "rdem", "ta7t el rdem",
			"गिर गया", "गिर गई", "दब गया", "दब गई", "दब गए", "मलबा", "मलबे", "भूस्खलन", "लैंडस्लाइड", "dab gaya", "malba", "landslide",
			"گر گیا", "گر گئی", "دب گیا", "دب گئی", "دب گئے", "ملبہ", "ملبے", "لینڈ سلائیڈ",
		}},
		{neg: true, phrases: []string{
			"people inside", "gens dedans", "gente adentro", "gente dentro", "leute drin", "ناس جوا", "ناس جوه", "nas jowa", "लोग अंदर", "لوگ اندر",
			"still down there", "encore en bas", "todavía abajo", "noch unten", "ainda lá embaixo", "لسه تحت", "अभी नीचे", "ابھی نیچے",
			"still inside", "still in there", "still under", "under the rubble", "crying under", "voices under", "knocking from", "hear him", "hear her",
			"encore dedans", "encore à l'intérieur", "toujours dedans", "toujours à l'intérieur", "on l'entend", "on entend crier", "on entend pleurer",
			"todavía adentro", "todavia adentro", "sigue adentro", "siguen adentro", "siguen dentro", "se oye llorar", "se escuchan gritos", "lo escuchamos",
			"noch drin", "noch drinnen", "noch darunter", "hören ihn", "hören sie rufen", "man hört", "klopfen",
			"ainda dentro", "ainda lá dentro", "ouvimos chorar", "ouvimos gritos", "dá pra ouvir",
			"لسه جوه", "لسا جوا", "لسه جوا", "لسا جوه", "لسه جواها", "لسا جواها", "لسه تحت", "لسا تحت", "بعده جوا", "باقي داخل", "باقي لداخل",
			"صوت بكا", "صوت بكاء", "نسمع صوته", "سامعين صوت",
			"lessa gowa", "lessa jowa", "lessa jowwa", "lissa jowa", "lissa gowa", "ba3do jowa", "ba9i dakhel", "lessa ta7t",
			"अभी भी अंदर", "अब भी अंदर", "अंदर फंसे", "नीचे से आवाज", "नीचे से आवाज़", "रोने की आवाज", "रोने की आवाज़", "abhi bhi andar", "neeche se awaaz",
			"ابھی بھی اندر", "اب بھی اندر", "اندر پھنسے", "نیچے سے آواز", "نیچے سے بچے", "رونے کی آواز",
		}},
	}},
	// a young child or a person with dementia lost now
	{name: "missing_child", parts: []conceptPart{
		{phrases: []string{
			"my son", "my daughter", "my child", "my boy", "my girl", "my little", "year old", "year-old", "yr old", "toddler", "my kid",
			"dementia", "alzheimer's", "alzheimers",
			"mon fils", "ma fille", "mon enfant", "mon petit", "ma petite", "ans", "démence", "alzheimer",
			"mi hijo", "mi hija", "mi niño", "mi niña", "mi nene", "mi nena", "años", "demencia",
			"mein sohn", "meine tochter", "mein kind", "meinen sohn", "meine kleine", "meinen kleinen", "jährige*", "jährigen", "demenz",
			"meu filho", "minha filha", "meu menino", "minha menina", "anos", "demência",
			"ابني", "بنتي", "ولدي", "طفلي", "بنيتي", "سنين", "سنوات", "الزهايمر", "خرف",
			"ibni", "binti", "bnti", "weldi", "wlidi", "tefli", "sneen", "snin",
			"बेटा", "बेटी", "बच्चा", "बच्ची", "साल का", "साल की", "डिमेंशिया", "beta", "beti", "bachcha", "saal ka", "saal ki",
			"بیٹا", "بیٹی", "بچہ", "سال کا", "سال کی", "ڈیمنشیا",
			"1jährig*", "2jährig*", "3jährig*", "4jährig*", "5jährig*", "6jährig*", "7jährig*", "8jährig*", "9jährig*", "10jährig*", "11jährig*",
			"12jährig*",
		}},
		{neg: true, phrases: []string{
			"can't find my", "cant find my", "cannot find my", "can't find him", "can't find her", "can't find our", "lost my", "is missing", "went missing", "gone missing", "wandered off", "disappeared",
			"ne trouve plus", "trouve plus", "trouve pas mon", "trouve pas ma", "introuvable", "perdu mon", "perdu ma", "a disparu", "s'est perdu", "s'est perdue",
			"no encuentro a", "no encontramos a", "no lo encuentro", "no la encuentro", "perdí a", "perdi a", "se perdió", "desapareció", "se nos perdió",
			"finde meinen", "finde meine", "finden unseren", "finden unsere", "verschwunden", "hat sich verlaufen", "verloren gegangen",
			"perdi meu", "perdi minha", "não acho meu", "não acho minha", "nao acho meu", "não encontro meu", "não encontro minha", "não achamos", "sumiu", "desapareceu", "se perdeu",
			"ضاع", "ضايع", "ضاعت", "ضايعه", "تاه", "تاهت", "تايه", "اختفى", "اختفت", "مش لاقيه", "مش لاقيها", "ما لقيته", "ما لقيتها",
			"da3", "daye3", "d'a3", "ta2", "tayeh", "mesh la2ih", "mesh la2yah", "ma l2ito", "ma l9itoch", "tlef", "tlfat",
			"गुम हो", "खो गया", "खो गई", "गायब", "gum ho", "kho gaya", "kho gayi", "gayab",
			"گم ہو", "کھو گیا", "کھو گئی", "غائب",
		}},
	}, unless: []string{
		// found again, or a thing lost, not the child
		"found him", "found her", "we found", "is back", "came back", "retrouvé", "retrouvée", "lo encontramos", "la encontramos", "apareció",
		"gefunden", "ist wieder da", "achamos ele", "achamos ela", "encontramos ele", "encontramos ela", "apareceu", "لقيناه", "لقيناها", "رجع",
		"la2ino", "la2enah", "mil gaya", "mil gayi", "मिल गया", "मिल गई", "مل گیا", "مل گئی",
		"phone", "passport", "documents", "papers", "toy", "teddy", "shoes", "keys", "inhaler", "téléphone", "papiers", "doudou", "teléfono", "papeles",
		"juguete", "handy", "papiere", "spielzeug", "celular", "documentos", "brinquedo", "تلفون", "موبايل", "اوراق", "جواز", "العاب",
		"फोन", "कागज", "खिलौना", "فون", "کاغذات", "کھلونا",
		"bag", "insulin", "medicine", "sac", "insuline", "bolsa", "insulina", "tasche", "شنطه", "انسولين", "बैग", "इंसुलिन", "दवाई", "بیگ", "انسولین", "دوائی",
	}},
	// carbon monoxide: a fuel burning indoors and its symptoms
	{name: "co_poisoning", parts: []conceptPart{
		{phrases: []string{
			"generator", "genny", "charcoal", "brazier", "barbecue inside", "bbq inside", "groupe électrogène", "groupe electrogene", "générateur",
			"brasero", "charbon", "generador", "planta eléctrica", "planta de luz", "carbón", "anafre", "stromaggregat", "notstromaggregat",
			"holzkohle", "gerador", "carvão", "braseiro", "مولد*", "جنريتور", "الجنريتور", "موتور الكهربا", "فحم", "منقل", "كانون",
			"moulid", "el moulid", "generator", "jnerator", "fa7m", "जनरेटर", "अंगीठी", "कोयला", "angithi", "جنریٹر", "انگیٹھی", "کوئلہ",
			// heaters and stoves that burn fuel in a closed room
			"gas heater", "paraffin heater", "kerosene heater", "patio heater", "camping stove", "wood stove", "chauffage au gaz", "poêle à pétrole",
			"poêle à bois", "chauffage d'appoint", "estufa de gas", "estufa de leña", "estufa de lena", "calentador de gas", "gasofen", "gasheizung",
			"heizpilz", "gasheizer", "aquecedor a gás", "aquecedor a gas", "fogareiro", "صوبيا", "صوبا", "صوبه", "دفايه غاز", "كانون", "kanoun", "kanun",
			"mangal", "man9al", "sobia", "soba", "gas heater", "गैस हीटर", "सिगड़ी", "sigdi", "گیس ہیٹر", "سگڑی",
		}},
		{neg: true, phrases: []string{
			"headache", "headaches", "head hurts", "dizzy", "dizziness", "vomiting", "throwing up", "nausea", "sleepy", "drowsy", "won't wake",
			"not waking", "confused", "fainted", "passed out",
			"mal de tête", "mal à la tête", "maux de tête", "vertige", "vertiges", "étourdi", "étourdis", "vomit", "vomissent", "nausée", "somnolent",
			"dolor de cabeza", "mareado", "mareados", "mareo", "mareos", "vómito", "vómitos", "vomitando", "náuseas", "somnoliento",
			"kopfschmerzen", "kopfweh", "schwindel", "schwindlig", "erbrechen", "übergeben", "benommen",
			"dor de cabeça", "tontura", "tonto", "tontos", "vomitando", "enjoo", "sonolento", "desmaiou",
			"صداع", "وجع راس", "وجع راسي", "دوخه", "دايخ*", "دوخان", "ترجيع", "استفراغ", "يستفرغ", "نعسان*", "ما عم يفيق", "مش عم يفيق",
			"waja3 ras", "waja3 rass", "dawkha", "dayekh", "dayi5", "mdawwakh", "3am ystafreg", "ma 3am yfi2", "mesh 3am yfi2", "msh 3am yfi2",
			"सिरदर्द", "सिर दर्द", "चक्कर", "उल्टी", "उल्टियां", "sir dard", "chakkar", "ulti",
			"سر درد", "سر میں درد", "چکر", "الٹی", "الٹیاں",
			// hardly waking, a head bursting
			"won't wake up properly", "wont wake up properly", "can't wake", "cant wake", "splitting headache",
			"se réveille pas", "se reveille pas", "mal de crâne", "mal de crane", "mal au crâne", "no despierta", "no se despierta", "dolor de cabeza terrible",
			"wacht nicht richtig auf", "wacht nicht auf", "wird nicht wach", "não acorda", "nao acorda", "não acorda direito",
			"ما عم تفيق", "ما بتفيق", "ما كتفيقش", "ما كيفيقش", "راسنا عم يوجعنا", "راسي عم يوجعني", "بيوجعنا راسنا",
			"ma katfi9ch", "ma kayfi9ch", "ma katfi9", "sda3", "sda3 khayb", "rasi kaydrni", "ma 3am tfi2",
			"उठ नहीं रही", "उठ नहीं रहा", "सिर फट", "uth nahi rahi", "sir phat",
			"اٹھ نہیں رہی", "اٹھ نہیں رہا", "سر پھٹ",
		}},
	}, unless: []string{
		"outside", "noise", "dehors", "bruit", "afuera", "ruido", "draußen", "lärm", "lá fora", "barulho", "برا البيت", "شور", "बाहर", "शोर", "باہر",
	}},
	// a sting or bite with a systemic sign
	{name: "sting_bite", parts: []conceptPart{
		{phrases: []string{
			"stung", "bitten", "bit him", "bit her", "snake", "scorpion", "jellyfish", "wasp", "bees",
			"piqué", "piquée", "mordu", "mordue", "serpent", "vipère", "guêpe", "méduse",
			"picó", "picado", "picada", "mordió", "mordido", "mordida", "serpiente", "culebra", "víbora", "alacrán", "escorpión", "avispa",
			"gestochen", "gebissen", "schlange", "skorpion", "wespe", "qualle", "kreuzotter",
			"picou", "mordeu", "cobra", "escorpião", "vespa", "água-viva",
			"لسع*", "لدغ*", "لسعو", "لسعته", "لدغته", "عقرب*", "افعى", "حيه", "ثعبان", "دبور",
			"lasa3", "lasa3o", "lasa3ha", "ladagh", "3a2rab", "3a9rab", "af3a", "7aye",
			"साँप", "सांप", "बिच्छू", "डस लिया", "डंक", "काट लिया", "saanp", "sanp", "bichhu", "das liya",
			"سانپ", "بچھو", "ڈس لیا", "ڈنک", "کاٹ لیا",
			"bee sting", "stung by", "मधुमक्खी", "ततैया", "काटने के बाद", "शहद की मक्खी", "شہد کی مکھی", "بھڑ", "کاٹنے کے بعد", "نحله", "na7le",
		}},
		{neg: true, phrases: []string{
			"swelling", "swollen", "swelling up", "can't breathe", "trouble breathing", "hard to breathe", "shaking", "trembling", "numb", "can't feel",
			"dizzy", "vomiting", "fainted", "drowsy",
			"gonfle", "gonflé", "gonflée", "enfle", "enflé", "enflée", "respire mal", "tremble", "engourdi", "engourdie", "sent plus", "vomit", "vertige",
			"hinchado", "hinchada", "se hincha", "inflamado", "tiembla", "temblando", "entumecido", "entumecida", "no siente", "vomitando", "mareado",
			"geschwollen", "schwillt", "zittert", "taub", "spürt", "erbricht", "schwindlig",
			"inchado", "inchada", "inchando", "tremendo", "treme", "dormente", "não sente", "nao sente", "tonto",
			"منفوخ*", "انتفخ*", "ورم", "متورم*", "يرجف", "برجف", "يرتعد", "كيترعد", "يرعش", "ما بقاش كيحس", "ما يحس", "ما بيحس", "مش حاسس", "تنميل",
			"يستفرغ", "دايخ",
			"mnfoukh", "wrem", "waram", "3am yerjof", "ma by7es", "ma 3am y7es", "kayrte3d",
			"सूज", "सूजन", "कांप", "काँप", "सुन्न", "उल्टी", "चक्कर", "sooj", "soojan", "kaanp", "sunn",
			"سوج", "سوجن", "کانپ", "سن ہو", "الٹی", "چکر",
		}},
	}},
	// a deep or wide burn from a hot liquid or surface
	{name: "burn", parts: []conceptPart{
		{phrases: []string{
			"kettle", "boiling", "hot water", "hot oil", "stove", "pot of", "bouilloire", "eau bouillante", "huile chaude", "casserole",
			"tetera", "olla", "agua hirviendo", "aceite caliente", "wasserkocher", "kochendes wasser", "kochendem wasser", "heißes öl", "topf",
			"chaleira", "panela", "água fervendo", "óleo quente", "غلايه", "ابريق", "كتلي", "مي سخنه", "مي مغلي", "زيت", "طنجره",
			"ghallaye", "ebri2", "mayy s5ne", "zeit", "tanjara", "केतली", "खौलता", "गरम पानी", "गर्म पानी", "गरम तेल", "कड़ाही",
			"ketli", "garam pani", "کیتلی", "کھولتا", "گرم پانی", "گرم تیل", "کڑاہی",
		}},
		{neg: true, phrases: []string{
			"blisters", "blistering", "skin peeling", "skin came off", "skin is coming off", "cloques", "la peau part", "la peau s'en va",
			"ampollas", "se le cayó la piel", "se le pela la piel", "blasen", "haut löst sich", "haut geht ab", "bolhas", "pele soltando",
			"pele saindo", "فقاعات", "نفاطات", "جلده انسلخ", "جلدها انسلخ", "جلده طالع", "faq3at", "jeldo nsalakh",
			"छाले", "खाल उतर", "चमड़ी उतर", "chhale", "چھالے", "کھال اتر", "جلد اتر",
		}},
	}},
	// labour with no way to reach care
	{name: "labour_cut_off", parts: []conceptPart{
		{phrases: []string{
			"in labour", "in labor", "contractions", "waters broke", "water broke", "baby is coming", "giving birth",
			"en travail", "contractions", "perdu les eaux", "accouche", "de parto", "contracciones", "rompió fuente", "rompio fuente", "dando a luz",
			"wehen", "fruchtblase geplatzt", "das baby kommt", "em trabalho de parto", "contrações", "bolsa estourou", "o bebê está nascendo",
			"الطلق", "طلق", "المخاض", "عم تولد", "بتولد", "tal2", "3am twled", "katwled", "प्रसव", "दर्द शुरू", "डिलीवरी", "dard shuru",
			"زچگی", "درد زہ", "ڈیلیوری",
		}},
		{neg: true, phrases: []string{
			"route est coupée", "routes sont coupées", "camino está cortado", "carretera está cortada", "estrada está bloqueada", "estrada fechada",
			"cut off", "can't reach the hospital", "can't get to the hospital", "no way to the hospital", "roads are closed", "road is closed",
			"no ambulance", "road is flooded", "coupés du monde", "route coupée", "routes coupées", "pas d'ambulance", "peut pas aller à l'hôpital",
			"incomunicados", "camino cortado", "no podemos llegar al hospital", "no hay ambulancia", "abgeschnitten", "straße gesperrt",
			"kommen nicht ins krankenhaus", "kein krankenwagen", "isolados", "estrada bloqueada", "não conseguimos chegar ao hospital",
			"sem ambulância", "الطريق مقطوع", "الطرقات مقطوعه", "ما في اسعاف", "ما فينا نوصل", "ما قدرنا نوصل", "el tari2 ma2tou3", "ma fina nousal",
			"रास्ता बंद", "अस्पताल नहीं पहुंच", "एम्बुलेंस नहीं", "rasta band", "راستہ بند", "ہسپتال نہیں پہنچ", "ایمبولینس نہیں",
		}},
	}},
	// a relative missing and unreachable
	{name: "person_missing", parts: []conceptPart{
		{phrases: conceptPerson},
		{neg: true, phrases: []string{
			"disappeared", "is missing", "went missing", "has vanished", "a disparu", "est introuvable", "ha desaparecido", "desapareció",
			"ist verschwunden", "wird vermisst", "desapareceu", "sumiu", "اختفى", "اختفت", "مفقود", "مفقوده", "ekhtafa", "ekhtafet", "mafqoud",
			"गायब है", "गायब हो गया", "गायब हो गई", "लापता है", "gayab hai", "غائب ہے", "غائب ہو گیا", "غائب ہو گئی", "لاپتہ ہے",
		}},
		{phrases: []string{
			"not answering", "no answer", "phone off", "phone is off", "no news", "can't reach", "ne répond pas", "répond pas", "pas de nouvelles",
			"injoignable", "no contesta", "no responde", "no sabemos nada", "sin noticias", "antwortet nicht", "nicht erreichbar", "keine nachricht",
			"não atende", "nao atende", "sem notícias", "não responde", "ما بيرد", "ما عم يرد", "ما في خبر", "ما في اخبار", "تلفونه مسكر", "ma byrod",
			"ma 3am yrod", "ma fi khabar", "फोन नहीं उठा", "फ़ोन नहीं उठा", "फोन बंद", "कोई खबर नहीं", "phone nahi utha", "فون نہیں اٹھا", "فون بند",
			"کوئی خبر نہیں",
		}},
	}},
	// poison swallowed
	{name: "poisoning", parts: []conceptPart{
		{phrases: []string{
			"swallowed", "drank", "ate some", "drunk some", "avalé", "a bu", "ingéré", "tragó", "se tomó", "bebió", "ingirió",
			"verschluckt", "getrunken", "geschluckt", "engoliu", "bebeu", "ingeriu",
			"ابتلع", "ابتلعت", "بلع", "بلعت", "شرب", "شربت", "bala3", "bal3et", "shereb", "sherbet", "chreb",
			"निगल", "निगला", "निगली", "पी लिया", "पी ली", "nigal", "pee liya", "pi liya", "pi li",
			"نگل", "نگلا", "نگلی", "پی لیا", "پی لی",
		}},
		{phrases: []string{
			"bleach", "chemical", "chemicals", "detergent", "rat poison", "poison", "kerosene", "petrol", "paraffin", "pesticide", "button battery",
			"cleaning product", "drain cleaner", "antifreeze",
			"javel", "eau de javel", "produit ménager", "mort-aux-rats", "pétrole", "pesticide", "déboucheur", "antigel", "pile bouton",
			"lejía", "cloro", "veneno", "raticida", "queroseno", "gasolina", "plaguicida", "desatascador", "anticongelante",
			"bleichmittel", "chlorreiniger", "reiniger", "rattengift", "gift", "lampenöl", "benzin", "pflanzenschutzmittel", "frostschutz",
			"água sanitária", "cândida", "veneno", "chumbinho", "querosene", "gasolina", "desentupidor",
			"كلور", "كلوركس", "مبيض", "منظف*", "سم", "سم فيران", "كاز", "بنزين", "مبيد*", "فلاش",
			"clorox", "samm", "kaz", "benzin", "mobid", "jafel",
			"ब्लीच", "तेज़ाब", "तेजाब", "चूहे मार", "ज़हर", "जहर", "कीटनाशक", "मिट्टी का तेल", "केरोसिन", "zeher", "zehar", "keetnashak",
			"بلیچ", "تیزاب", "چوہے مار", "زہر", "کیڑے مار", "مٹی کا تیل",
		}},
	}},
	// heat stroke: a person burning hot and confused or collapsing
	{name: "heat_stroke", parts: []conceptPart{
		{phrases: signPeople},
		{phrases: []string{
			"burning up", "very hot", "hot to the touch", "skin is hot", "stopped sweating", "not sweating", "isn't sweating",
			"brûlant", "brûlante", "ne transpire plus", "transpire plus", "ardiendo", "muy caliente", "dejó de sudar", "no suda",
			"glüht", "glühend heiß", "schwitzt nicht mehr", "schwitzt nicht", "queimando", "fervendo", "muito quente", "parou de suar", "não sua",
			"سخن كتير", "مولع", "بيغلي", "ما عم يعرق", "وقف عرق", "skhoun ktir", "3am yeghli", "ma 3am ya3ra2",
			"बहुत गर्म", "तप रहा", "तप रही", "पसीना नहीं", "tap raha", "tap rahi", "paseena nahi",
			"بہت گرم", "تپ رہا", "تپ رہی", "پسینہ نہیں",
		}},
		{neg: true, phrases: []string{
			"confused", "not making sense", "collapsed", "fainted", "passed out", "won't drink", "not drinking", "delirious", "seizure",
			"confus", "confuse", "délire", "s'est effondré", "évanoui", "évanouie", "ne boit plus", "ne boit pas",
			"confundido", "confundida", "delira", "se desplomó", "desmayó", "no quiere beber", "no toma agua",
			"verwirrt", "fantasiert", "zusammengebrochen", "ohnmächtig", "will nichts trinken", "trinkt nichts",
			"confuso", "confusa", "delirando", "desmaiou", "não quer beber", "não bebe",
			"مخربط*", "يهذي", "تهذي", "اغمي", "مش عارف وين", "ما بدو يشرب", "ما بدها تشرب", "m5arbat", "m5arbta", "3am yehdi", "ma baddo yeshrab",
			"बेहोश", "बहकी", "पानी नहीं पी", "उलझन", "behosh", "behki",
			"بے ہوش", "بہکی", "پانی نہیں پی", "الجھن",
		}},
	}},
	// someone out by water who went out and does not answer
	{name: "out_near_water", parts: []conceptPart{
		{neg: true, phrases: []string{
			"not answering his phone", "not answering her phone", "isn't answering", "not picking up", "phone goes to voicemail",
			"ne répond pas au téléphone", "ne décroche pas", "ne répond plus", "no contesta el teléfono", "no contesta", "no coge el teléfono",
			"geht nicht ans handy", "geht nicht ran", "nicht erreichbar", "não atende o celular", "não atende", "nao atende",
			"ما بيرد عالتلفون", "ما عم يرد", "ما يرد على جواله", "مش بيرد", "ma byrod", "ma 3am yrod", "mesh biyrod",
			"फ़ोन नहीं उठा", "फोन नहीं उठा", "phone nahi utha", "فون نہیں اٹھا",
			// no signal or the phone off since: nobody can reach them either
			"no signal", "phone is off", "phone's off", "phone off", "phone dead", "plus de réseau", "pas de réseau", "téléphone éteint",
			"sin señal", "sin senal", "no hay señal", "no hay senal", "não tem sinal", "nao tem sinal", "pas de signal", "celular apagado", "teléfono apagado", "kein empfang", "kein netz", "handy aus", "handy ist aus",
			"sem sinal", "celular desligado", "telefone desligado", "جواله مقفل", "تلفونه مسكر", "تلفونه مطفي", "ما في شبكه", "telefono msakkar",
			"mobilo msakkar", "ma fi shabake", "फोन बंद", "फ़ोन बंद", "नेटवर्क नहीं", "phone band", "phone bhi band", "network nahi", "فون بند",
			"نیٹ ورک نہیں", "signal nahi",
		}},
		{phrases: []string{
			// a stream or ravine in spate is as deadly as a river
			"creek", "stream", "the ford", "ruisseau", "le gué", "arroyo", "quebrada", "zum bach", "am bach", "den bach", "im bach", "riacho", "córrego", "corrego", "نالہ", "नाला",
			"nullah", "nala", "naala", "الساقيه", "el wadi", "wadi",
			"river", "the sea", "boat", "the coast", "the dam", "rivière", "fleuve", "la mer", "bateau", "barque", "río", "el mar", "barco", "lancha",
			"fluss", "meer", "boot", "rio", "mar", "barco", "canoa", "النهر", "البحر", "القارب", "المركب", "الشط", "الوادي", "nahr", "ba7r",
			"markab", "2areb", "lwad", "नदी", "नाव", "समुद्र", "दरिया", "nadi", "naav", "دریا", "کشتی", "سمندر", "ندی",
		}},
		{phrases: []string{
			"went out", "went to", "went down to", "is out", "est parti", "est allé", "est sorti", "salió", "fue a", "se fue", "ist raus", "ging",
			"ist los", "saiu", "foi", "طلع", "راح", "نزل", "tele3", "ra7", "nezel", "गए थे", "गया था", "गई थी", "निकले", "gaye the", "gaya tha",
			// crossed it: on the far side or in it
			"crossed", "traversé", "cruzó", "cruzo", "überquert", "atravessou", "عبر", "पार", "paar", "پار",
			"gaye thay", "gaya thay", "salio", "gegangen", "gefahren",
			"گئے تھے", "گیا تھا", "گئی تھی", "نکلے",
		}},
	}},
	// meningitis: a fever with a stiff neck (a rash that does not fade
	// under pressure is a sign phrase of its own)
	{name: "fever_stiff_neck", parts: []conceptPart{
		{phrases: []string{
			"fever", "temperature", "fièvre", "fiebre", "calentura", "fieber", "febre", "حراره", "حمى", "سخونيه", "skhouneh", "7arara", "7ama",
			"बुखार", "bukhar", "bukhaar", "بخار",
		}},
		{neg: true, phrases: []string{
			"stiff neck", "neck is stiff", "neck stiff", "can't bend his neck", "can't bend her neck", "can't move his neck", "can't move her neck",
			"nuque raide", "cou raide", "raideur de la nuque", "cuello tieso", "cuello rígido", "cuello duro", "rigidez de nuca", "nuca rígida",
			"steifen nacken", "steifer nacken", "nacken steif", "genickstarre", "nackensteife", "pescoço duro", "pescoço rígido", "pescoço travado",
			"nuca rígida", "رقبته ناشفه", "رقبتها ناشفه", "رقبته متيبسه", "رقبتها متيبسه", "تيبس الرقبه", "ra2bto nashfe", "ra2abto nashfe",
			"ra2bta nashfe", "गर्दन अकड़", "गर्दन अकड", "गर्दन जकड़", "gardan akad", "gardan akar", "gardan jakad", "گردن اکڑ", "گردن جکڑ",
		}},
	}},
	// cold exposure with the mind failing: a frail person hypothermic
	// ("no heating for two days in the ice, grandma shivers and talks
	// nonsense")
	{name: "cold_confused", parts: []conceptPart{
		{phrases: []string{
			"no heating", "no heat", "freezing", "ice", "icy", "snow", "frost", "cold house", "house is cold", "below zero",
			"sans chauffage", "pas de chauffage", "plus de chauffage", "verglas", "neige", "gel", "glacial", "glaciale", "gelé", "froid",
			"sin calefacción", "sin calefaccion", "no hay calefacción", "hielo", "helada", "nieve", "congelando", "frío", "frio", "bajo cero",
			"keine heizung", "ohne heizung", "heizung ist aus", "glatteis", "eis", "schnee", "frost", "eiskalt", "kalt",
			"sem aquecimento", "sem calefação", "gelo", "neve", "geada", "gelada", "gelado", "congelando", "frio",
			"برد", "البرد", "تلج", "التلج", "ثلج", "الثلج", "صقيع", "ما في تدفئه", "بدون تدفئه", "bard", "talj", "tal2", "bala tadfi2a",
			"ठंड", "ठंडी", "बर्फ", "हीटर नहीं", "thand", "thandi", "barf", "heater nahi", "ٹھنڈ", "ٹھنڈی", "برف", "ہیٹر نہیں",
		}},
		{neg: true, phrases: []string{
			"confused", "talking nonsense", "makes no sense", "not making sense", "doesn't make sense", "slurring", "drowsy", "can't stay awake",
			"dit n'importe quoi", "dit des choses sans sens", "confuse", "désorientée", "désorienté", "somnolent", "somnolente",
			"dice cosas sin sentido", "dice incoherencias", "desorientada", "desorientado", "confundida", "confundido", "no se despierta bien",
			"redet wirr", "redet unsinn", "verwirrt", "ganz benommen", "schläfrig und",
			"diz coisas sem sentido", "fala coisas sem sentido", "falando coisa sem sentido", "confusa", "desorientada", "desorientado",
			"بيحكي كلام مش مفهوم", "عم يخرف", "عم تخرف", "مش مركزه", "مش مركز", "تايه", "تايهه", "3am ykharref", "3am tkharref",
			"बहकी बातें", "बेतुकी बातें", "उलटी सीधी बातें", "उल्टी सीधी बातें", "होश नहीं", "ulti seedhi baatein", "behki baatein",
			"الٹی سیدھی باتیں", "بہکی باتیں", "ہوش نہیں",
		}},
	}},
	// people cut off underground by water with no word from them: a
	// flooded tunnel or mine with workers behind the water
	{name: "cut_off_underground", parts: []conceptPart{
		{phrases: []string{
			"tunnel", "the mine", "mine shaft", "the pit", "cave", "tunel", "túnel", "la mina", "el socavón", "la cueva", "galería",
			"le tunnel", "la mine", "la galerie", "la grotte", "stollen", "bergwerk", "grube", "höhle", "tunnel", "a mina", "a caverna", "a gruta",
			"نفق", "النفق", "المنجم", "منجم", "مغاره", "nafa2", "manjam", "सुरंग", "खदान", "surang", "khadan", "سرنگ", "کان میں",
		}},
		{phrases: []string{
			"flooded", "flooding", "water", "inondé", "inondée", "l'eau", "noyé", "inundó", "inundado", "inundada", "el agua", "agua",
			"überflutet", "geflutet", "wasser", "alagou", "alagado", "inundou", "água", "agua", "غرق", "المي", "المايه", "الميه", "مي", "ma2",
			"mayye", "पानी", "भर गया", "pani", "bhar gaya", "پانی", "بھر گیا",
		}},
		{phrases: []string{
			"other side", "behind the water", "lost contact", "no contact", "not answering", "don't answer", "cut off",
			"l'autre côté", "derrière l'eau", "plus de contact", "sans contact", "répondent pas", "répondent plus",
			"otro lado", "no contestan", "sin contacto", "no responden", "incomunicados", "andere seite", "anderen seite", "kein kontakt",
			"antworten nicht", "abgeschnitten", "outro lado", "sem contato", "sem contacto", "não respondem", "nao respondem",
			"الجهه التانيه", "الطرف التاني", "ما بيردو", "ما عم يردو", "انقطع الاتصال", "el taraf el tani", "ma 3am yrodo",
			"दूसरी तरफ", "संपर्क नहीं", "जवाब नहीं", "doosri taraf", "sampark nahi", "دوسری طرف", "رابطہ نہیں", "جواب نہیں",
		}},
	}},
	// a toxic cloud with people already breathing it: "a yellow cloud
	// from the plant, the kids cough and their eyes burn"
	{name: "toxic_cloud", parts: []conceptPart{
		{phrases: []string{
			"cloud", "fumes", "chemical smoke", "nuage", "vapeurs", "nube", "vapores", "wolke", "dämpfe", "nuvem", "vapores",
			"سحابه", "غيمه", "ابخره", "sa7abe", "ghaime", "बादल", "धुंध", "badal", "بادل", "دھند",
		}},
		{neg: true, phrases: []string{
			"coughing", "cough", "eyes burn", "eyes are burning", "eyes burning", "throat burns", "toussent", "tousse", "yeux brûlent",
			"brûlent les yeux", "les yeux qui brûlent", "la gorge brûle", "tosen", "tose", "tosiendo", "arden los ojos", "les arden", "me arden",
			"arde la garganta", "husten", "augen brennen", "brennen die augen", "hals brennt", "tossindo", "tossem", "olhos ardendo",
			"ardem os olhos", "arde os olhos", "garganta ardendo", "عم يسعلو", "عم يكحو", "بيكحو", "عيونهم بتحرق", "عيونا عم تحرق",
			"3am yes3alo", "3am yko7o", "3youn 3am t7re2", "खांस रहे", "खाँस रहे", "आंखें जल", "आँखें जल", "khaans rahe", "aankhein jal",
			"کھانس رہے", "آنکھیں جل",
		}},
	}},
	// a threat to take a child, with those making it at hand: "they say
	// they will take my son, a car circles the house"
	{name: "threat_at_hand", parts: []conceptPart{
		{phrases: []string{
			"kidnap", "take my son", "take my daughter", "take my kids", "take my child", "snatch my",
			"enlever mon", "enlever ma", "enlever mes", "kidnapper", "secuestrar", "llevarse a mi", "llevarse a mis",
			"entführen", "sequestrar", "levar minha", "levar meu", "levar meus",
			"يخطفو", "يخطفوا", "بيخطفو", "خطف", "ykhatfo", "khatf",
			"अगवा", "अपहरण", "उठा ले जाएंगे", "agwa", "utha le jayenge", "اغوا", "اٹھا لے جائیں گے",
		}},
		{phrases: []string{
			"circling", "outside the house", "outside our house", "in front of the house", "parked outside", "following us", "following me",
			"watching the house", "tourne autour", "devant la maison", "devant chez", "garée devant", "nous suit", "me suit",
			"da vueltas", "frente a la casa", "afuera de la casa", "fuera de casa", "nos sigue", "me sigue", "vigilando la casa",
			"vor dem haus", "ums haus", "folgt uns", "folgt mir", "parado na frente", "na frente de casa", "em frente de casa", "rondando",
			"nos seguindo", "me seguindo", "قدام البيت", "قدام الدار", "برا البيت", "عم يلف", "bara el beit", "2eddam el beit",
			"घर के बाहर", "घर के सामने", "पीछा कर", "ghar ke bahar", "ghar ke samne", "peecha kar", "گھر کے باہر", "گھر کے سامنے", "پیچھا کر",
		}},
	}},
}

// selfHarmPhrases tell of suicide or self-harm. They are danger phrases
// and name the rule RuleSelfHarm, so the reply points to the emergency
// number as a line to talk to as well.
var selfHarmPhrases = []string{
	"kill myself", "end my life", "want to die", "going to jump", "suicide", "suicidal", "took all the pills", "took all my pills",
	"taken all my pills", "don't want to be alive", "dont want to be alive", "don't want to live", "dont want to live", "better off without me",
	"end it all", "no reason to live", "hang myself", "cut myself", "cutting myself", "hurt myself",
	"me tuer", "me suicider", "veux mourir", "plus envie de vivre", "en finir", "mieux sans moi", "pris toutes les pilules", "pris tous mes médicaments",
	"matarme", "suicidarme", "quiero morir", "quitarme la vida", "no quiero vivir", "acabar con todo", "mejor sin mí", "me tomé todas las pastillas",
	"mich umbringen", "will sterben", "selbstmord", "suizid", "will nicht mehr leben", "nicht mehr da sein", "alle tabletten genommen", "besser ohne mich",
	"me matar", "quero morrer", "suicídio", "suicidio", "não quero mais viver", "nao quero mais viver", "acabar com tudo", "tomei todos os comprimidos",
	"بدي موت", "بدي انتحر", "انتحار", "اقتل حالي", "اقتل نفسي", "ما بدي عيش", "بدي انهي حياتي", "اخذت كل الحبوب", "baddi moot", "baddi enta7er",
	"enti7ar", "ma baddi 3ish",
	"खुद को मार", "आत्महत्या", "मरना चाहता", "मरना चाहती", "जीना नहीं चाहता", "जीना नहीं चाहती", "सारी गोलियां खा", "khud ko maar", "marna chahta",
	"marna chahti", "jeena nahi chahta", "jeena nahi chahti", "jeene ko dil nahi", "sari goliyan kha", "saari goliyan kha",
	"خودکشی", "خود کو مار", "مرنا چاہتا", "مرنا چاہتی", "جینا نہیں چاہتا", "جینا نہیں چاہتی", "ساری گولیاں کھا",
	// cutting oneself
	"slit my wrists", "cut my wrists", "je me fais du mal", "ouvert les veines", "m'ouvrir les veines", "me scarifie", "me mutile",
	"cortarme las venas", "me corté las venas", "me corte las venas", "me corto los brazos", "me corté los brazos", "hacerme daño", "autolesión",
	"cortar os pulsos", "cortei os pulsos", "me cortei de propósito", "automutilação", "me automutilo", "ritze mich", "mich geritzt", "mich wieder geritzt", "mich ritzen",
	"pulsadern aufgeschnitten", "3awart nafsi", "3awwart nafsi", "jara7t nafsi", "عورت نفسي", "جرحت نفسي", "قطعت شرايني",
	"khud ko kaat", "apne aap ko kaat", "nas kaat", "नस काट", "खुद को काट", "خود کو کاٹ", "نس کاٹ",
}

var selfHarmSet = compile(selfHarmPhrases)

// signPhrases name a person at risk now on their own: stroke, chest pain,
// severe allergy, overdose, violence, suicidal intent, not waking. They are
// added to the danger phrases (so questions and resolved events keep apart).
var signPhrases = []string{
	// stroke: face, arm, speech
	"face drooping", "face is drooping", "face droops", "mouth drooping", "one side of his face", "one side of her face", "slurring",
	"slurred speech", "can't speak properly", "can't lift his arm", "can't lift her arm", "one side is weak", "signs of a stroke",
	"visage paralysé", "bouche de travers", "la bouche tombe", "parle plus correctement", "n'arrive plus à parler", "un côté paralysé",
	"cara caída", "boca torcida", "se le cae la cara", "no puede hablar bien", "habla arrastrando", "un lado paralizado",
	"mundwinkel hängt", "hängender mundwinkel", "hängenden mundwinkel", "gesicht hängt", "spricht verwaschen", "spricht undeutlich", "kann nicht mehr sprechen", "arm gelähmt", "eine seite gelähmt",
	"boca torta", "rosto caído", "rosto torto", "não consegue falar", "nao consegue falar", "fala enrolada", "lado paralisado",
	"وجهه مايل", "تمه معوج", "فمه معوج", "لسانه تقيل", "ما بيقدر يحكي", "ما عم يقدر يحكي", "نصه مشلول", "جلطه",
	"wejjo mayel", "temmo m3awwaj", "ma 3am y2der y7ki", "ma bi2der y7ki", "jalta demagh",
	"मुंह टेढ़ा", "चेहरा टेढ़ा", "बोल नहीं पा रहे", "बोल नहीं पा रहा", "बोल नहीं पा रही", "लकवा", "muh tedha", "bol nahi pa", "lakwa",
	"منہ ٹیڑھا", "چہرہ ٹیڑھا", "بول نہیں پا رہے", "بول نہیں پا رہا", "بول نہیں پا رہی", "فالج",
	// chest pain
	"chest pain", "pain in his chest", "pain in her chest", "crushing chest", "douleur à la poitrine", "douleur dans la poitrine", "mal à la poitrine",
	"dolor en el pecho", "dolor de pecho", "brustschmerzen", "schmerzen in der brust", "dor no peito", "dores no peito",
	"وجع بصدره", "وجع في صدره", "الم في الصدر", "الم بالصدر", "waja3 b sadro", "sadro 3am yuja3o",
	"सीने में दर्द", "सीने में तेज दर्द", "सीने में बहुत दर्द", "छाती में दर्द", "سینے میں شدید درد", "سینے میں تیز درد", "seene mein dard", "chhati me dard", "سینے میں درد", "چھاتی میں درد",
	// severe allergy, choking
	"throat is swelling", "throat swelling", "throat is closing", "tongue is swelling", "tongue swelling", "can't swallow", "anaphylactic",
	"anaphylaxis", "is choking", "choking on", "la gorge gonfle", "gorge enflée", "n'arrive pas à avaler", "choc anaphylactique", "s'étouffe",
	"se le hincha la lengua", "no puede tragar", "choque anafiláctico", "se está atragantando", "se atragantó", "zunge schwillt",
	"kann nicht schlucken", "anaphylaktischer schock", "verschluckt sich", "hat sich verschluckt", "língua inchando", "não consegue engolir",
	"choque anafilático", "engasgado", "engasgada", "engasgou", "زورو عم ينفخ", "حلقه منفوخ", "حلقها منفوخ", "ما بيقدر يبلع",
	"7al2o mnfoukh", "ma bi2der yebla3", "shere2", "गला बंद हो", "निगल नहीं पा", "गले में अटक", "gala band", "gale me atak",
	"گلا بند ہو", "نگل نہیں پا", "گلے میں اٹک",
	// overdose
	"took all the pills", "took all his pills", "took all her pills", "whole bottle of pills", "whole packet of", "overdosed",
	"a pris toutes", "avalé toutes", "boîte entière de", "surdose", "tomó todas las pastillas", "se tomó todas", "sobredosis",
	"alle tabletten", "ganze packung", "überdosis", "tomou todos os comprimidos", "tomou todos os remédios", "overdose de",
	"بلع كل الحبوب", "اخد كل الحبوب", "شرب كل الدوا", "جرعه زايده", "bala3 kel el 7boub", "akhad kel el dawa",
	"सारी गोलियां", "पूरी शीशी", "ओवरडोज़", "ओवरडोज", "saari goliyan", "ساری گولیاں", "پوری شیشی", "اوور ڈوز",
	// violence now
	"he's hitting", "he is hitting", "hitting me", "hitting her", "beating her", "beating him", "threatening to kill", "has a knife", "has a gun",
	"someone broke in", "intruder", "someone is in the house", "trying to get in", "il me frappe", "il la frappe", "menace de tuer", "menace de me tuer",
	"a un couteau", "quelqu'un est entré", "me pega", "le pega", "la pega", "amenaza con matar", "tiene un cuchillo", "alguien entró",
	"schlägt mich", "schlägt sie", "droht mich umzubringen", "droht zu töten", "hat ein messer", "jemand ist eingebrochen", "einbrecher",
	"me bate", "está batendo", "ameaça matar", "ameaçando matar", "tem uma faca", "alguém entrou", "invadiram",
	"عم يضربني", "عم يضربها", "بيضربني", "بيضربها", "هددني بالقتل", "بدو يقتل", "معه سكين", "معو سكين", "حدا فات عالبيت", "حرامي جوا",
	"3am yedrebni", "3am yedreba", "bido yi2tol", "ma3o sikkeen",
	"मुझे मार रहा", "उसे मार रहा", "जान से मारने", "चाकू लेकर", "घर में घुस आया", "mujhe maar raha", "jaan se maarne",
	"مجھے مار رہا", "جان سے مارنے", "چاقو لے کر", "گھر میں گھس آیا",
	"trying to break down the door", "trying to break in", "tentando arrombar", "tentam arrombar", "tentando invadir", "intentan entrar a la fuerza",
	"essaient d'entrer de force", "versuchen einzubrechen", "انضرب بالرصاص", "انضرب واحد بالرصاص", "اصيب بالرصاص", "انصاب بالرصاص", "ضربوه بالرصاص",
	"ضربوها بالرصاص", "ndarab bel rsas", "indarab bel rsas", "nsab bel rsas", "گولی لگی", "گولی لگ گئی", "गोली लगी", "गोली लग गई",
	// not waking, Levantine Arabizi and script
	"ma 3am yfi2", "mesh 3am yfi2", "msh 3am yfi2", "ma byfi2", "مش عم يفيق", "ما عم يفيق", "مش بيفوق", "مابيفوقش",
	// a person missing since an event
	"missing since", "has been missing since", "disappeared since", "a disparu depuis", "disparu depuis", "disparue depuis", "desaparecido desde",
	"desaparecida desde", "desapareció desde", "vermisst seit", "verschwunden seit", "desaparecido desde", "sumiu desde", "sumida desde",
	"مفقود من", "مختفي من", "ضايع من", "mafqoud men", "m5tefi men", "से लापता", "से गायब", "سے لاپتہ", "سے غائب",
	// Tunisian: they cannot get out
	"ma najmouch yokhorjou", "ma najmouch yokhrjou", "ma ynajmouch yokhorjou", "ma najmouch nokhorjou", "ma najjmouch yokhorjou",
	// hypothermia
	"stopped shivering", "ne frissonne plus", "dejó de temblar", "zittert nicht mehr", "parou de tremer",
	// cardiac arrest
	"heart stopped", "heart has stopped", "his heart stopped", "her heart stopped", "son cœur s'est arrêté", "coeur s'est arrêté",
	"el corazón se le paró", "se le paró el corazón", "corazón se detuvo", "herz steht still", "herz hat aufgehört", "herzstillstand",
	"coração parou", "o coração dele parou", "o coração dela parou", "وقف قلبه", "وقف قلبها", "قلبه وقف", "قلبها وقف", "wa2af 2albo",
	"wa2af 2alba", "2albo wa2af", "दिल रुक गया", "दिल की धड़कन रुक", "dil ruk gaya", "dil band ho gaya", "دل رک گیا", "دل کی دھڑکن رک",
	// stroke in Gulf Arabic, in script and Latin letters
	"wajhaa mayil", "wajha mayil", "wajhah mayil", "wajho mayil", "wajhe mayil", "wijha mayil", "وجهها مايل", "وجهه معوج", "وجهها معوج",
	// a rash that does not fade under a pressed glass: meningococcal sepsis
	"rash that doesn't fade", "spots that don't fade", "don't fade when", "doesn't fade when", "glass test", "purple spots", "purple rash",
	"taches violettes", "ne s'effacent pas", "test du verre", "manchas moradas", "manchitas moradas", "no se quitan al apretar", "prueba del vaso",
	"violette punkte", "violette flecken", "glastest", "gehen nicht weg beim", "manchas roxas", "manchinhas roxas", "teste do copo",
	"não somem ao apertar", "nao somem ao apertar", "بقع بنفسجيه", "بقع بنفسجي", "बैंगनी धब्बे", "جامنی دھبے",
}

// hypoPhrases ask what to do if something happened, or how to tell it
// ("what should I do if I smell gas", "was tun bei einem Schlangenbiss"):
// a question about a danger, not one happening.
var hypoPhrases = []string{
	"what to do if", "what to do when", "what to do in case", "what should i do if", "what should we do if", "what do i do if", "what do we do if",
	"what do you do if", "what happens if", "how do i know if", "how to tell if", "how to recognise", "how to recognize", "signs of", "symptoms of",
	"first aid for", "in case of",
	// the sender says it never happened to them: asked ahead
	"never happened to me", "it's never happened to me", "ça ne m'est jamais arrivé", "ca ne m'est jamais arrive", "nunca me ha pasado",
	"nunca me pasó", "ist mir noch nie passiert", "nunca me aconteceu", "nunca aconteceu comigo", "عمرها ما صارت معي", "ما صارت معي قبل",
	"3omra ma saret ma3i", "मेरे साथ कभी नहीं हुआ", "कभी हुआ नहीं", "mere saath kabhi nahi hua", "میرے ساتھ کبھی نہیں ہوا", "کبھی ہوا نہیں",
	"que faire si", "que faire en cas", "quoi faire si", "que dois-je faire si", "que faut-il faire si", "comment reconnaître", "signes d'", "signes de",
	"symptômes d'", "symptômes de", "en cas de",
	"qué hacer si", "que hacer si", "qué hago si", "que hago si", "qué hacer en caso", "que hacer en caso", "cómo saber si", "como saber si",
	"síntomas de", "sintomas de", "señales de", "en caso de",
	"was tun wenn", "was tun bei", "was soll ich tun wenn", "was sollen wir tun wenn", "was mache ich wenn", "woran erkennt man", "anzeichen",
	"symptome", "im falle",
	"o que fazer se", "o que fazer em caso", "o que faço se", "o que fazer quando", "como saber se", "sintomas de", "sinais de", "em caso de",
	"ماذا افعل اذا", "ماذا نفعل اذا", "شو بعمل اذا", "شو لازم اعمل اذا", "شو نعمل اذا", "شو بنعمل اذا", "ايش اسوي اذا", "وش اسوي اذا", "اش ندير ايلا",
	"اش ندير الا", "اعمل ايه لو", "نعمل ايه لو", "ما هي اعراض", "ما هي علامات", "اعراض", "علامات", "كيف اعرف اذا", "كيف اتصرف اذا", "كيف نتصرف اذا",
	"في حال", "في حاله",
	"shu ba3mel iza", "shu lazem a3mel iza", "shu na3mel iza", "a3mel eh law", "n3mel eh law", "ash ndir ila", "kif ba3ref iza", "a3rad",
	"के लक्षण", "लक्षण क्या", "कैसे पहचान", "की स्थिति में", "ke lakshan", "kaise pehchan",
	"کی علامات", "علامات کیا", "کیسے پہچان", "کی صورت میں",
}

// hypoIf are the words for "if" in Hindi and Urdu, which put the question
// at the end ("अगर गैस की बदबू आए तो क्या करें").
var hypoIf = []string{"अगर", "यदि", "agar", "اگر", "اذا", "إذا", "لو", "iza", "eza",
	// Hindi and Urdu also tell a condition by the verb: "आग लग जाए तो"
	"जाए तो", "जाये तो", "jaye to", "jaaye to", "جائے تو", "جاے تو"}

// urgentNow are words that make a question a plea: "what do I do if he
// stops breathing, help", or put a sign in the present after a story ("quand
// il était petit il était asthmatique, là il respire plus": "là il" is "now
// he" in spoken French).
var urgentNow = []string{
	"now", "right now", "sos", "hurry", "asap", "quick", "quickly", "help me", "help us", "please help", "already",
	"maintenant", "vite", "au secours", "aidez", "déjà", "là il", "là elle", "là on", "et là", "ahora", "ya mismo", "rápido", "ayuda", "auxilio", "ya está",
	"jetzt", "sofort", "schnell", "hilf mir", "helft uns", "schon", "agora", "socorro", "já",
	"الحين", "هلق", "هلا", "دلوقتي", "الان", "ساعدونا", "ساعدوني", "الحقونا", "الحقوني", "النجده", "hala2", "halla2", "delwa2ti", "sa3dona", "sa3douna",
	"अभी", "जल्दी", "बचाओ", "मदद करो", "abhi", "jaldi", "bachao", "ابھی", "جلدی", "بچاؤ", "مدد کرو",
}

// The cues of this file, found in one pass over a message (see cues).
const (
	cueHypo uint8 = 1 << iota
	cueIf
	cueUrgent
	cueLongAgo
	cueAhead
)

// askingAhead says the question is asked ahead of time, in a sentence of
// its own after it: "what do we do if a child swallows a button battery?
// I'm asking before it happens". It lets a what-if question run to a second
// sentence; an urgent word still keeps the ordinary reading.
var askingAhead = []string{
	"just in case", "asking in case", "asking ahead", "asking before it happens", "before it happens", "asking for the future", "just asking",
	"au cas où", "au cas ou", "je demande avant", "avant que ça arrive", "avant que ca arrive", "par précaution", "par precaution",
	"por si acaso", "por si las moscas", "pregunto por si", "antes de que pase", "antes de que ocurra", "por precaución",
	"nur für den fall", "vorsichtshalber", "frag nur", "bevor es passiert", "só por precaução", "por precaução", "so por precaucao",
	"antes que aconteça", "antes que aconteca", "só perguntando",
	"احتياطا", "للاحتياط", "بسال احتياطا", "اسال احتياطا", "قبل ما يصير", "قبل ما يحصل", "e7tiyatan", "ehtiyatan", "7tiyatan", "9bel ma ytra",
	"ehtiyat ke liye", "ehtiyatan", "एहतियात के लिए", "एहतियातन", "पहले से पूछ", "احتیاط کے طور پر", "احتیاطاً", "احتیاطا", "پہلے سے پوچھ",
	// only to know, for later
	"for the future", "just want to know", "just wondering", "just curious", "juste pour savoir", "pour plus tard", "solo pregunto",
	"solo para saber", "nur zur info", "nur interessehalber", "só pra saber", "so pra saber", "só para saber", "بس بسال", "بس اسال",
	"اسال بس", "بس بدي اعرف", "bas bade a3ref", "bas baddi a3ref", "ghir kanswel", "bas bas2al", "सिर्फ जानने के लिए", "बस पूछ रहा", "बस पूछ रही",
	"sirf jaanne ke liye", "bas pooch raha", "bas pooch rahi", "صرف جاننے کے لیے", "بس پوچھ رہا", "بس پوچھ رہی",
}

// cueSets finds every cue of the lists above in one keyed pass: the
// readings below run on most danger messages, and one pass costs what a
// single phrase set does.
var cueSets tagSet

func init() {
	cueSets = compileTags(map[uint8][]string{cueHypo: hypoPhrases, cueIf: hypoIf, cueUrgent: urgentNow, cueLongAgo: longAgo,
		cueAhead: askingAhead})
}

// hypothetical reports whether text asks what to do if a danger happened,
// or how to recognise one, in a single sentence with nothing urgent in it
// (a sentence saying it is asked ahead of time aside, see askingAhead).
// Such a question is not an emergency, however many danger words it holds:
// a second sentence ("My son swallowed bleach. What do I do if he
// vomits?") or an urgent word keeps the ordinary reading.
func hypothetical(text, padded string) bool {
	return hypotheticalCues(text, padded, cueSets.scan(padded))
}

func hypotheticalCues(text, padded string, cues uint8) bool {
	if cues&cueHypo == 0 && !(cues&cueIf != 0 && howSet.match(padded)) && !conditionalAsk(text, padded) && !choiceAsk(padded) && !plannedAhead(padded) {
		return false
	}
	if plannedAhead(padded) {
		// "if the water reaches the door tonight, roof or leave? we're
		// fine now": its "tonight" and "now" are the plan's and the
		// status's, not a call for help
		return true
	}
	if cues&cueUrgent != 0 {
		return false
	}
	if cues&cueAhead == 0 {
		body := strings.TrimRight(strings.TrimSpace(text), "?؟!. ")
		return !strings.ContainsAny(body, ".!\n؟?۔।")
	}
	sentences := 0
	for _, sn := range strings.FieldsFunc(text, sentenceEnd) {
		if strings.TrimSpace(sn) == "" {
			continue
		}
		if aheadSet.match(" " + Normalize(sn) + " ") {
			continue // "I'm asking before it happens" is no second sentence
		}
		sentences++
	}
	return sentences <= 1
}

var aheadSet = compile(askingAhead)

func sentenceEnd(r rune) bool {
	return strings.ContainsRune(".!\n؟?۔।", r)
}

// tagSet is a phrase set whose phrases carry tags; scan returns the union
// of the tags found.
type tagSet struct {
	byKey keyIndex[tagPhrase]
	short []tagPhrase
}

type tagPhrase struct {
	text string
	tag  uint8
}

func compileTags(lists map[uint8][]string) tagSet {
	var ts tagSet
	for tag := uint8(1); tag != 0; tag <<= 1 { // a fixed order: deterministic
		for _, p := range lists[tag] {
			n := Normalize(strings.TrimSuffix(p, "*"))
			if n == "" {
				continue
			}
			if !strings.HasSuffix(p, "*") && !(arabicScript(n) && strings.Contains(n, " ")) {
				n = " " + n + " "
			}
			tp := tagPhrase{text: n, tag: tag}
			if k, ok := key(n); ok {
				ts.byKey.add(k, tp)
			} else {
				ts.short = append(ts.short, tp)
			}
		}
	}
	return ts
}

func (ts tagSet) scan(padded string) uint8 {
	var tags uint8
	for i, at := range ts.byKey.at(padded) {
		for _, p := range at {
			if tags&p.tag == 0 && strings.HasPrefix(padded[i:], p.text) {
				tags |= p.tag
			}
		}
	}
	for _, p := range ts.short {
		if tags&p.tag == 0 && strings.Contains(padded, p.text) {
			tags |= p.tag
		}
	}
	return tags
}

// harmlessSenses are compounds in which a danger word names no danger (a
// flu shot, a fire drill, the gas bill), help that has arrived, and a
// hazard named only as the time since which something is so ("the pharmacy
// has been closed since the explosion"). They are blanked out with the
// notHazard compounds; a danger phrase elsewhere in the message still counts.
var harmlessSenses = []string{
	"flu shot", "booster shot", "covid shot", "tetanus shot", "vaccine shot", "got my shot", "took a shot of", "a shot of the", "screenshot", "water bill", "gas bill", "electricity bill", "gas station", "fire exit", "fire extinguisher",
	"fire alarm test", "fire station", "firewall", "photo shoot", "no smoking", "smoke alarm battery", "smoke detector battery",
	"exercice incendie", "extincteur", "simulacro de incendio", "simulacro", "extintor", "feuerlöscher", "probealarm", "brandschutzübung",
	"simulado de incêndio", "simulado",
	// buried in play, or a bone or a treasure buried: nobody under anything
	"buried in sand", "buried in the sand", "buried him in the sand", "buried her in the sand", "buried me in the sand", "buried us in the sand",
	"buried a bone", "buried his bone", "buried her bone", "buried its bone", "buried treasure", "buried the treasure",
	"enterré dans le sable", "enterrée dans le sable", "enterrado en la arena", "enterrada en la arena", "im sand eingegraben", "im sand vergraben",
	"enterrado na areia", "enterrada na areia",
	"ambulance came", "the ambulance came", "ambulance arrived", "the ambulance arrived", "ambulance is here", "ambulance has arrived",
	"l'ambulance est arrivée", "ambulance est arrivée", "la ambulancia llegó", "llegó la ambulancia", "krankenwagen ist da", "der krankenwagen ist da",
	"krankenwagen ist gekommen", "a ambulância chegou", "ambulância chegou", "chegou a ambulância", "الاسعاف وصل", "وصل الاسعاف", "اجا الاسعاف",
	"الاسعاف اجا", "el is3af wesel", "wesel el is3af", "एम्बुलेंस आ गई", "एंबुलेंस आ गई", "ایمبولینس آ گئی", "ایمبولینس پہنچ گئی",
	"since the explosion", "since the fire", "since the blast", "since the shooting", "depuis l'explosion", "depuis l'incendie",
	"desde la explosión", "desde el incendio", "seit der explosion", "seit dem brand", "seit dem feuer", "desde a explosão", "desde o incêndio",
	"من وقت الانفجار", "من يوم الانفجار", "من وقت الحريق", "من يوم الحريق", "men wa2t el enfijar", "धमाके के बाद से", "دھماکے کے بعد سے",
	// the fire named as the time after which something was done ("the
	// fire brigade shut our block after the fire, we're fine but our
	// medicines are inside")
	"after the fire", "after the explosion", "after the blast", "après l'incendie", "après l'explosion", "después del incendio",
	"después de la explosión", "nach dem brand", "nach dem feuer", "nach der explosion", "depois do incêndio", "depois da explosão",
	"بعد الحريق", "بعد الانفجار", "ba3d el 7ari2", "ba3d el 7aree2", "आग के बाद", "धमाके के बाद", "aag ke baad", "آگ کے بعد", "دھماکے کے بعد",
	"after the gas leak", "après la fuite de gaz", "después de la fuga de gas", "nach dem gasleck", "depois do vazamento de gás", "بعد تسرب الغاز",
	"गैस लीक के बाद", "گیس لیک کے بعد",
	"preso no aeroporto", "presos no aeroporto", "presa no aeroporto", "coincés à l'aéroport", "coincé à l'aéroport", "coincés à la gare",
	"atrapados en el aeropuerto", "atrapado en el aeropuerto", "varados",
	// a hole or flood that took a car, nobody in it
	"swallowed our car", "swallowed the car", "swallowed my car", "bal3et el sayyara", "bal3et sayyartna", "ہماری گاڑی دھنس گئی", "گاڑی دھنس گئی",
	"गाड़ी धंस गई", "हमारी गाड़ी धंस गई", "a englouti notre voiture", "se tragó el carro", "se tragó el coche", "engoliu o carro",
	// fire and smoke as figures of speech: praise ("this album is fire",
	// "c'est le feu") and anger ("echa humo", "aag babula")
	"is fire", "was fire", "is fire fire", "is fire fire fire", "was fire fire", "album is fire", "song is fire", "track is fire", "c'est le feu", "est le feu", "está que arde", "esta que arde",
	"echa humo", "echando humo", "aag babula", "aag bagula", "आग बबूला", "آگ بگولا", "ekdum aag", "ekdam aag", "एकदम आग", "كان نار", "كانت نار",
	"kan nar", "kanet nar",
	// drowning in work, a phone's battery dying
	"drowning in work", "drowning in emails", "drowning in paperwork", "drowning in homework", "drowning in debt",
	"afogado em trabalho", "afogada em trabalho", "afogado de trabalho", "afogada de trabalho", "ahogado en trabajo", "ahogada en trabajo",
	"ahogado de trabajo", "noyé sous le travail", "noyée sous le travail", "noyé de travail", "ertrinke in arbeit",
	"battery is dying", "battery's dying", "battery dying", "phone is dying", "phone's dying", "bateria morrendo", "batería se muere",
	// filming, not gunfire
	"shooting the video", "shooting a video", "shooting the wedding", "shooting the film", "video shoot", "film shoot", "video ki shooting",
	"video shoot", "वीडियो शूट", "ویڈیو کی شوٹنگ",
	// damage left by a hazard that is over
	"smoke damage", "fire damage", "dégâts de fumée", "daños por humo", "rauchschaden", "brandschaden", "danos de fumaça",
	// help that has arrived
	"ambulance got here", "the ambulance got here", "ambulance came in time", "es3af wesel", "el es3af wesel", "एम्बुलेंस समय पर आ गई",
	"ایمبولینس وقت پر آ گئی", "la ambulancia llegó a tiempo", "a ambulância chegou a tempo", "l'ambulance est arrivée à temps",
	"krankenwagen kam rechtzeitig",
	// iodine tablets: "goli" is a pill as well as a bullet
	"iodine ki goli", "iodine goli", "iodine ki goliyan", "आयोडीन की गोली", "آیوڈین کی گولی",
	// nobody injured, Arabic varieties
	"ma 7ada majrou7", "ma 7ada mjrou7", "ma 7ad majrou7", "mafi 7ada majrou7", "ma fi 7ada majrou7", "ما حدا مجروح", "ما في حدا مجروح",
	"مافي حدا مجروح", "محدش اتعور", "محدش مجروح", "ما حد مجروح", "ما احد مجروح",
	// a heart that stopped at a sight: fright or surprise, not an arrest
	"heart stopped when", "heart stopped for a second", "dekh ke dil ruk gaya", "dekh kar dil ruk gaya", "dekhkar dil ruk gaya",
	"देख के दिल रुक गया", "देखकर दिल रुक गया", "देख कर दिल रुक गया", "دیکھ کے دل رک گیا", "دیکھ کر دل رک گیا",
	// "my boss will kill me", "this exam is killing me": a boss, a teacher
	// or schoolwork as the killer is hyperbole; a person at home is not
	// listed, since "he is going to kill me" is a threat
	"boss is going to kill me", "boss is gonna kill me", "boss will kill me", "boss would kill me", "boss will murder me", "boss is going to murder me",
	"teacher is going to kill me", "teacher will kill me", "exam is going to kill me", "exam will kill me", "homework is going to kill me",
	"chef va me tuer", "patron va me tuer", "prof va me tuer", "profs vont me tuer", "examen va me tuer", "exam va me tuer", "partiel va me tuer",
	"devoirs vont me tuer", "jefe me va a matar", "jefe me mata", "jefa me va a matar", "profe me va a matar", "examen me va a matar",
	"examen me está matando", "tarea me va a matar", "chef bringt mich um", "chefin bringt mich um", "chef killt mich", "chefin killt mich",
	"lehrer bringt mich um", "prüfung bringt mich um", "klausur bringt mich um", "chefe vai me matar", "chefe me mata", "patrão vai me matar",
	"professor vai me matar", "prova vai me matar", "prova tá me matando", "trabalho vai me matar",
	"المدير رح يقتلني", "المدير بدو يقتلني", "المدير هيقتلني", "المدير هيموتني", "المدير راح يذبحني", "المدير غادي يقتلني", "الاستاذ رح يقتلني",
	"الامتحان رح يقتلني", "الامتحان هيموتني", "el modir ra7 yi2tolni", "el modir bado yi2tolni", "el modir hay2tolni", "el modir 7ay2otolni",
	"el modir hayemawetni", "boss mujhe maar dalega", "boss maar dalega", "boss zinda nahi chhodega", "boss zinda nahi chhoray ga",
	"exam maar dalega", "बॉस मुझे मार डालेगा", "बॉस मार डालेगा", "बॉस जिंदा नहीं छोड़ेगा", "باس مجھے مار ڈالے گا", "باس زندہ نہیں چھوڑے گا",
}

// recoveredPhrases tell that someone vulnerable is better now ("the baby
// is sleeping well now", "grandma's fever is down"): well-being, like "all
// fine", so the classifier, which has seen those people in emergencies,
// must be surer before it reads danger.
var recoveredPhrases = []string{
	"feeling better", "is better now", "much better", "fever is down", "fever went down", "fever has gone down", "fever broke", "sleeping well",
	"sleeping peacefully", "is recovering", "stable now", "is stable", "out of danger",
	"va mieux", "se sent mieux", "la fièvre a baissé", "la fièvre est tombée", "dort bien", "hors de danger", "est stable",
	"está mejor", "se siente mejor", "bajó la fiebre", "le bajó la fiebre", "duerme bien", "fuera de peligro", "está estable",
	"geht es besser", "geht's besser", "fieber ist gesunken", "fieber ist runter", "schläft gut", "außer lebensgefahr", "ist stabil",
	"está melhor", "a febre baixou", "baixou a febre", "dormindo bem", "fora de perigo", "está estável",
	"صار احسن", "صارت احسن", "احسن الحمد لله", "نزلت الحراره", "نزلت حرارته", "نزلت حرارتها", "نايم منيح", "نايمه منيح", "حالته مستقره",
	"حالتها مستقره", "خارج الخطر", "sar a7san", "sarit a7san", "nezlet el 7arara", "nayem mni7", "mesta2er",
	"बेहतर है", "बेहतर हैं", "बुखार उतर", "अच्छे से सो", "खतरे से बाहर", "हालत स्थिर", "behtar hai", "bukhar utar",
	"بہتر ہے", "بہتر ہیں", "بخار اتر", "اچھی طرح سو", "خطرے سے باہر", "حالت مستحکم",
	// out of intensive care, discharged, examined and sent home
	"out of intensive care", "out of icu", "left intensive care", "discharged", "were discharged", "sent home", "sent us home", "checked and fine",
	"sorti de réa", "sortie de réa", "sorti de réanimation", "sortie de réanimation", "sorti des soins intensifs", "sortie des soins intensifs",
	"sorti de l'hôpital", "sortie de l'hôpital", "ont été examinés", "a été examiné", "salió de terapia intensiva", "salió de cuidados intensivos",
	"salió de la uci", "le dieron el alta", "nos dieron el alta", "dado de alta", "dada de alta", "los revisaron", "von der intensiv",
	"von der intensivstation", "entlassen", "wurden untersucht", "saiu da uti", "teve alta", "tivemos alta", "recebeu alta", "deram alta",
	"foram examinados", "طلع من العنايه", "طلعت من العنايه", "خرج من العنايه", "خرجت من العنايه", "طلع من المستشفى", "طلعت من المستشفى",
	"tele3 mn el 3enaya", "tel3et mn el 3enaya", "khrej mn sbitar", "ICU से बाहर", "आईसीयू से बाहर", "छुट्टी मिल गई", "अस्पताल से छुट्टी",
	"icu se bahar", "chhutti mil gayi", "chutti mil gayi", "آئی سی یو سے باہر", "چھٹی مل گئی", "ہسپتال سے چھٹی", "icu sy bahar",
	// a life-support device with a working backup
	"backup battery", "battery backup", "backup is working", "on the backup", "spare cylinder", "generator is running",
	"batterie de secours", "bouteille de secours", "batería de respaldo", "tanque de repuesto", "ersatzakku", "notstrom läuft",
	"bateria reserva", "cilindro reserva", "بطاريه احتياط", "اسطوانه احتياط", "المولد شغال", "el moulid sha8al", "बैकअप", "इन्वर्टर", "بیک اپ", "یو پی ایس",
}

func init() {
	all := append(append(append(append(append([]string{}, notHazard...), notDanger...), harmlessSenses...), foodStainedLips()...), belongingsLeftInside()...)
	notHazardSet = compileWhole(append(all, negatedDanger()...))
}

// dangerNegators are the words that, right before a danger phrase, tell it
// as absent: "no bleeding", "pas de saignement", "keine Blutung", "ما في
// نزيف", "ma kaynch nazif". Hindi and Urdu negate after the verb ("कोई खून
// नहीं बहा") and are left to the classifier's negation features.
var dangerNegators = map[string][]string{
	"en":      {"no", "not", "without", "zero", "never"},
	"fr":      {"pas de", "pas d'", "sans", "aucun", "aucune", "plus de", "jamais"},
	"es":      {"sin", "no hay", "nada de", "ningún", "ninguna", "ningun", "no"},
	"de":      {"kein", "keine", "keinen", "keiner", "ohne", "nicht"},
	"pt":      {"sem", "não", "nao", "não há", "nenhum", "nenhuma"},
	"ar":      {"ما في", "مافي", "ما فيه", "ما فيش", "مافيش", "ما كاينش", "ماكاينش", "بدون", "بلا", "لا يوجد", "ما كان في"},
	"ar-latn": {"mafi", "ma fi", "mafish", "ma fish", "ma kaynch", "makaynch", "ma kaynsh", "bidoon", "bedoun", "bala", "mesh fi"},
}

// dangerPostNegators tell a Hindi or Urdu danger phrase as absent from
// after it, where these languages put the negation: "बेहोश नहीं है", "koi
// aag nahi thi", "آگ نہیں لگی". The negation must be followed by a copula
// or "lagi" (caught), or the phrase preceded by "koi" (no ... at all), so
// "आग नहीं बुझ रही" (the fire won't go out) stays a danger.
var dangerPostNegators = map[string][]string{
	"hi": {"नहीं है", "नहीं हैं", "नहीं था", "नहीं थी", "नहीं थे", "नहीं लगी", "नहीं लगा", "नहीं हुआ", "नहीं हुई",
		"nahi hai", "nahi hain", "nahi tha", "nahi thi", "nahi the", "nahi lagi", "nahi laga", "nahi hua", "nahi hui",
		"nahin hai", "nahin tha", "nahin thi", "nhi hai", "nhi tha", "nhi thi"},
	"ur": {"نہیں ہے", "نہیں ہیں", "نہیں تھا", "نہیں تھی", "نہیں تھے", "نہیں لگی", "نہیں لگا", "نہیں ہوا", "نہیں ہوئی"},
}

// dangerNoneWords say "no ... at all" before a Hindi or Urdu danger phrase
// negated after it: "कोई आग नहीं", "koi goli nahi chali".
var dangerNoneWords = map[string][]string{
	"hi": {"कोई", "koi"},
	"ur": {"کوئی"},
}

// isLatin reports whether s starts with a Latin letter: romanised Hindi
// phrases take romanised negations.
func isLatin(s string) bool {
	for _, r := range s {
		return r < 0x250
	}
	return false
}

// negatedDanger returns every danger phrase of a language after each of
// its dangerNegators (and, in Hindi and Urdu, before each of its
// dangerPostNegators), for maskNotHazard: a danger told as absent names
// nothing. A negated form that is itself a danger phrase ("no pulse",
// "not breathing") is left out.
func negatedDanger() []string {
	danger := map[string]bool{}
	for _, list := range dangerPhrases {
		for _, p := range list {
			danger[Normalize(strings.TrimSuffix(p, "*"))] = true
		}
	}
	var out []string
	for lang, negs := range dangerNegators {
		for _, p := range dangerPhrases[lang] {
			p = strings.TrimSuffix(p, "*")
			for _, n := range negs {
				v := n + " " + p
				if strings.HasSuffix(n, "'") {
					v = n + p
				}
				if !danger[Normalize(v)] {
					out = append(out, v)
				}
			}
		}
	}
	for lang, negs := range dangerPostNegators {
		for _, p := range dangerPhrases[lang] {
			p = strings.TrimSuffix(p, "*")
			latin := isLatin(p)
			var forms []string
			for _, n := range negs {
				if isLatin(n) == latin {
					forms = append(forms, p+" "+n)
				}
			}
			for _, k := range dangerNoneWords[lang] {
				if isLatin(k) == latin {
					forms = append(forms, k+" "+p+" "+strings.Fields(negs[0])[0])
					if latin {
						forms = append(forms, k+" "+p+" nahi", k+" "+p+" nahin", k+" "+p+" nhi")
					}
				}
			}
			for _, v := range forms {
				if !danger[Normalize(v)] {
					out = append(out, v)
				}
			}
		}
	}
	slices.Sort(out) // map order must not change what is compiled
	return out
}

// longAgo words put an event months or years back ("my son swallowed a
// battery last year", "il y a des années"): told as history, a sign names
// nobody at risk now. An urgent word keeps the message live.
var longAgo = []string{
	"last year", "years ago", "a year ago", "last month", "months ago", "when i was a child", "when he was little", "when she was little",
	"l'année dernière", "l'an dernier", "il y a des années", "il y a un an", "le mois dernier", "il y a des mois",
	"el año pasado", "hace años", "hace un año", "el mes pasado", "hace meses", "hace un mes",
	"a month ago", "il y a un mois", "vor einem monat", "há um mês", "um mês atrás", "من شهر", "ek mahina pehle", "एक महीना पहले", "ایک مہینہ پہلے",
	"letztes jahr", "letzten jahr", "vor jahren", "vor einem jahr", "letzten monat", "vor monaten",
	"ano passado", "anos atrás", "há anos", "um ano atrás", "mês passado", "meses atrás",
	"العام الماضي", "السنه الماضيه", "السنه اللي فاتت", "من سنين", "من سنه", "الشهر الماضي", "الشهر اللي فات", "من شهور",
	"el sene el mad", "el sene el madye", "men snin", "men sene", "el shahr el made",
	"पिछले साल", "साल पहले", "सालों पहले", "पिछले महीने", "महीनों पहले", "pichle saal", "saal pehle", "pichle mahine",
	"پچھلے سال", "سال پہلے", "سالوں پہلے", "پچھلے مہینے", "مہینوں پہلے",
	// a season past, or as a baby: "last winter my uncle got hypothermia"
	"last winter", "last summer", "last spring", "last autumn", "last fall", "as a baby", "when he was a baby", "when she was a baby",
	"l'hiver dernier", "l'été dernier", "l'automne dernier", "quand il était bébé", "quand elle était bébé",
	"el invierno pasado", "el verano pasado", "el otoño pasado", "de bebé", "cuando era bebé",
	"letzten winter", "letzten sommer", "letzten herbst", "als baby",
	"no inverno passado", "inverno passado", "no verão passado", "verão passado", "quando era bebê", "quando era bebe",
	"الشتا الماضي", "الشتاء الماضي", "الشتويه الماضيه", "الصيف الماضي", "الصيفيه الماضيه", "وهو رضيع", "وهي رضيعه",
	"el sheta el madi", "sheta elli fat", "el seif el madi",
	"पिछली सर्दी", "पिछली सर्दियों", "पिछली गर्मी", "पिछली गर्मियों", "pichli sardi", "pichli sardiyon", "pichli garmi", "pichli garmiyon",
	"پچھلی سردی", "پچھلی سردیوں", "پچھلی گرمی", "پچھلی گرمیوں", "pichhli sardiyon",
	// remembrance: an anniversary, a story told of childhood
	"years ago today", "anniversary of", "when he was a boy", "when she was a girl", "when he was young", "when she was young", "as a child",
	"when i was little", "told us again about", "the story of",
	"jour pour jour", "anniversaire de", "quand il était petit", "quand elle était petite", "quand j'étais petit", "quand j'étais petite",
	"nous a encore raconté",
	"aniversario de", "cuando era niño", "cuando era niña", "cuando era chico", "cuando era chica", "nos volvió a contar",
	"jahrestag", "als er klein war", "als sie klein war", "als ich klein war", "als kind", "hat wieder erzählt",
	"aniversário d", "quando era criança", "quando era pequeno", "quando era pequena", "contou de novo", "contou outra vez",
	"ذكرى", "وهو صغير", "وهي صغيره", "لما كان صغير", "لما كانت صغيره", "لما كنت صغير",
	"w howa zghir", "w hiya zghira", "lamma kan zghir", "lamma kont zghir", "dikra",
	"बरसी", "बचपन में", "जब वो छोटे थे", "कहानी सुनाई", "barsi", "bachpan mein", "bachpan me", "kahani sunai", "kahani sunayi",
	"برسی", "بچپن میں", "کہانی سنائی",
	// an old disaster retold, again and again, or watched as a documentary
	"still talks about", "still goes on about", "always talks about", "a documentary about",
	"raconte toujours", "raconte encore", "nous raconte", "un documentaire sur", "en parle encore", "en parle toujours", "parle encore de",
	"still mentions", "habla todavía de", "habla todavia de", "spricht immer noch von", "ainda fala d",
	"todavía cuenta", "todavia cuenta", "siempre cuenta", "sigue contando", "un documental sobre",
	"erzählt immer", "erzählt wieder", "hat wieder vom", "hat wieder von", "eine doku über", "eine dokumentation über",
	"ainda conta", "sempre conta", "um documentário sobre",
	"بتحكي عن", "بيحكي عن", "دايما تحكي", "دايما يحكي", "كل ما تشتي", "وثائقي عن", "bt7ki 3an", "bi7ki 3an", "dayman t7ki", "wasa2e2i",
	"साल हो गए जब", "याद करते हैं", "सुनाती रहती", "सुनाते रहते", "डॉक्यूमेंट्री", "saal ho gaye jab", "yaad karte hain", "sunati rehti",
	"سال ہو گئے جب", "یاد کرتے ہیں", "سناتی رہتی", "سناتے رہتے", "ڈاکیومنٹری",
}

func historyCues(cues uint8) bool {
	return cues&cueLongAgo != 0 && cues&cueUrgent == 0
}

// harmlessOnly reports whether padded's danger words are all used in a
// harmless sense ("we have a fire drill tomorrow", "got my tetanus shot"):
// a compound was blanked and no danger phrase, hazard or sign is left. The
// classifier, which learnt "fire" and "shot" from emergencies, must then be
// as sure as for a request for supplies (NeedDangerFloor).
//
// masked is maskNotHazard(padded).
func harmlessOnly(padded, masked string) bool {
	if masked == padded {
		return false
	}
	return !dangerSet.match(masked) && !pairedRisk(masked) && conceptAt(masked) < 0
}

// signFloor returns the danger floor the readings of this file ask for:
// HypoDangerFloor for a what-if question, HistoryDangerFloor for a danger
// long past, NeedDangerFloor when every danger word is used in a harmless
// sense, 0 when none applies. It is read only when the classifier's danger
// probability has reached the ordinary floor, which keeps its cost off
// most messages.
//
// masked is maskNotHazard(padded).
func signFloor(text, padded, masked string) float64 {
	f := 0.0
	cues := cueSets.scan(padded)
	if hypotheticalCues(text, padded, cues) {
		f = HypoDangerFloor
	}
	if historyCues(cues) {
		f = max(f, HistoryDangerFloor)
	}
	if f < NeedDangerFloor && harmlessOnly(padded, masked) {
		f = NeedDangerFloor
	}
	return f
}

// conditionalAsk reports whether text opens with a condition of its own
// and ends by asking how, what or where: "if 112 doesn't work during the
// outage, how do we call an ambulance", "wenn das Wasser kommt, wohin
// sollen wir", "si la luz se va, qué hacemos con la insulina". The danger
// words sit in the condition or the answer sought, not in anything
// happening; the what-if reading (hypotheticalCues) then applies, urgent
// words and a second sentence still keep the ordinary one. The condition
// must be told (ifMinWords), so "if possible, where is the ambulance" and
// a request ("if you can, can you send someone") are not what-ifs; a
// danger phrase naming someone at risk ("if anyone hears this, how do we
// get off the roof") or a third clause keeps the ordinary reading: only
// hazards named as topics ("ambulance", "fire") are held back.
func conditionalAsk(text, padded string) bool {
	open := false
	for _, w := range ifOpeners {
		if strings.HasPrefix(padded, w) {
			open = true
			break
		}
	}
	if !open {
		return false
	}
	if strong, _ := dangerSet.scan(maskNotHazard(padded)); strong || pairedRisk(padded) {
		return false // "if anyone hears us, how do we get off the roof": someone is at risk
	}
	var clauses []string
	for _, c := range strings.FieldsFunc(text, clauseEnd) {
		if hasContent(strings.Fields(Normalize(c))) {
			clauses = append(clauses, c)
		}
	}
	if len(clauses) != 2 {
		return false // the condition, then the question; more tells something else
	}
	first := strings.Fields(Normalize(clauses[0]))
	if len(first) < ifMinWords || (first[0] == Normalize("se") && !seIf[first[1]]) {
		return false // "se desplomó", "se afogando": a reflexive verb, no condition
	}
	words := strings.Fields(Normalize(clauses[1]))
	if len(words) > 1 && askPrepositions[words[0]] {
		words = words[1:] // "de qué otra forma", "à quel numéro"
	}
	return whSet.prefix(" " + strings.Join(words, " ") + " ")
}

// ifMinWords is the fewest words a condition needs, "if" included, to be
// one: "if 999 isn't working".
const ifMinWords = 4

// ifOpeners open a condition at the start of a message, normalised and
// padded: "if", "si", "wenn", "falls", "se", "إذا", "لو", "eza", "agar".
var ifOpeners = func() []string {
	var l []string
	for _, w := range []string{"if", "si", "wenn", "falls", "se", "caso", "إذا", "اذا", "لو", "eza", "iza", "ida", "ila", "ila kan", "agar", "अगर", "यदि", "اگر"} {
		l = append(l, " "+Normalize(w)+" ")
	}
	return l
}()

// seIf are the words after which Portuguese "se" opens a condition ("se o
// 112 não funcionar"); before a verb it is reflexive ("se desplomó").
var seIf = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{"o", "a", "os", "as", "não", "nao", "eu", "ele", "ela", "eles", "elas", "nós", "ninguém", "ninguem", "alguém", "alguem", "tiver", "houver", "um", "uma"} {
		m[Normalize(w)] = true
	}
	return m
}()

// askPrepositions may stand before the question word of a clause.
var askPrepositions = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{"de", "a", "en", "por", "con", "para", "em", "com", "à", "par", "pour", "mit", "auf", "von", "an"} {
		m[Normalize(w)] = true
	}
	return m
}()

// whSet holds the question words that ask how, what, where or when (not
// "can", "is", "هل": "if you can, can you send someone" is a request).
var whSet = compile([]string{
	"how", "what", "what's", "whats", "where", "which", "who", "when", "whom",
	"kif", "kifash", "kifach", "shu", "sho", "wein", "fein", "emta", "imta", "izzay", "ezay", "chno", "achno", "shno", "wa7ed",
	"كيف", "ماذا", "ما هي", "ما هو", "شو", "شنو", "وين", "فين", "اين", "أين", "متى", "كيفاش", "شلون", "منين", "ايش", "إيش",
	"comment", "quoi", "où", "ou est", "quel", "quelle", "quels", "quelles", "que faire", "qui",
	"cómo", "como", "qué", "dónde", "donde", "cuándo", "cuál", "cuáles", "quién", "adónde", "a dónde",
	"wie", "was", "wo", "wohin", "wann", "welche", "welcher", "welches", "wen", "wer",
	"o que", "onde", "quando", "qual", "quais", "quem", "pra onde", "para onde",
	"kaise", "kahan", "kab", "kya karein", "kya karen", "kaun", "कैसे", "कहाँ", "कहां", "कब", "कौन", "क्या करें", "کیسے", "کہاں", "کب", "کون", "کیا کریں",
})
