package understand

// Hardship told beside a hazard is a need, not a danger. People who ask
// for rent, food, work, insurance, papers, a roof or someone to mind the
// children often name what caused the hardship (the fire that burnt the
// shop, the flood that closed the school, the hospital a relative was in)
// and the children they must feed; the classifier has met those words
// mostly in emergencies. When the best class after danger is need_help, a
// need of this kind is told, and nothing names a person at risk now (no
// danger phrase, no risk pair, no situation about a person, no self-harm,
// nothing urgent unless the person is told well), the classifier must be
// as sure as for any request for supplies (NeedDangerFloor), and a hazard
// phrase alone does not raise the message.

// hardshipNeeds name what a need is about: money and debts, food, rent
// and a roof, work and wages, insurance and aid, papers, school, supplies,
// a way to get somewhere or something, someone to help with forms.
var hardshipNeeds = append(withoutPhrases(lossWords, "laden"), // German "zum laden" is a walk to the shop, not a need
	"money", "no money", "can't pay", "cant pay", "pay the", "bills", "food", "feed", "groceries", "nothing to eat", "housing", "a flat", "an apartment", "no kitchen",
	"accommodation", "b&b", "hostel", "laundry", "nappies", "diapers", "formula", "school", "childcare", "no one to watch", "volunteer",
	"donate", "donation", "lift to", "a ride", "transport", "bus fare", "internet", "phone credit", "id card", "passport", "benefits", "council", "loan",
	"debt", "water bottles", "bottled water", "hearing aid", "glasses", "wheelchair", "shower chair", "insurer", "refill", "refilled",
	"argent", "pas d'argent", "payer", "factures", "nourriture", "manger", "courses", "logement", "hébergement", "école", "garde", "bénévole",
	"transport", "bouteilles", "carte d'identité", "aides", "prêt", "dette", "couches", "lait en poudre", "appareil auditif", "lunettes",
	"dinero", "sin dinero", "pagar", "facturas", "comida", "comer", "despensa", "vivienda", "piso", "escuela", "colegio", "guardería", "con quien dejar",
	"voluntario", "donar", "donación", "transporte", "pasaje", "dni", "tarjeta sanitaria", "erte", "subsidio", "ayudas", "préstamo", "deuda", "pañales",
	"quincena", "medicación", "medicamentos", "lentes",
	"geld", "kein geld", "bezahlen", "rechnungen", "essen", "lebensmittel", "wohnung", "schule", "kita", "betreuung", "ehrenamtliche", "spende", "spenden",
	"fahrkarte", "ausweis", "kurzarbeit", "kurzarbeitergeld", "bürgergeld", "antrag", "kredit", "schulden", "windeln", "hörgerät", "brille",
	"treppenlift", "flaschen", "wasserflaschen",
	"dinheiro", "sem dinheiro", "pagar", "contas", "comida", "comer", "cesta básica", "moradia", "casa pra morar", "escola", "creche", "voluntário",
	"doa", "doação", "doar", "transporte", "passagem", "identidade", "inss", "auxílio", "benefício", "empréstimo", "dívida", "fraldas", "óculos",
	"cadeira de banho", "cadeira de rodas", "papéis",
	"فلوس", "مصاري", "مصريات", "ما معي", "ادفع", "ندفع", "فواتير", "اكل", "الاكل", "طعام", "سكن", "شقه", "مدرسه", "المدرسه", "متطوع", "تبرع", "مواصلات",
	"هويه", "بطاقه", "قرض", "دين", "ديون", "حفاضات", "حليب", "نظارات", "تعبي", "يعبي", "يعبيها", "انترنت", "الانترنت", "قارورات", "مي شرب",
	"flous", "floos", "msari", "masari", "lkra", "lekra", "l7el", "chi 7el", "akl", "makla", "madrasa", "ta2meen", "shoghl", "el shoghl",
	"khedma", "lkhedma", "dayn", "kredi",
	"पैसे", "पैसा", "पैसों", "किराया", "खाना", "राशन", "मकान", "स्कूल", "दाखिला", "वॉलंटियर", "दान", "किराए", "कर्ज", "क़र्ज़", "इंटरनेट", "चश्मा",
	"paise", "paisa", "khana", "rashan", "ration", "makaan", "school", "dakhila", "daakhila", "karz", "karza", "qarz", "internet", "chashma",
	"پیسے", "پیسہ", "کھانا", "راشن", "مکان", "اسکول", "سکول", "داخلہ", "میٹرک", "قرض", "قرضہ", "انٹرنیٹ", "چشمہ", "رضاکار",
	// medicines and aids left behind or run out, a ride to an
	// appointment, bedding: things to get, not a person at risk. A phone
	// and milk are left out: a phone taken or off and milk not taken in
	// tell a person at risk as often as a need.
	"medicine", "medicines", "meds", "medication", "prescription", "walker", "walking frame", "no car", "mattresses", "hotel",
	"médicaments", "ordonnance", "déambulateur", "pas de voiture", "matelas", "hôtel", "comment j'emmène",
	"medicinas", "remedios", "andadera", "andador", "audífono", "sin coche", "sin carro", "colchones", "cómo llevo",
	"medikamente", "rollator", "kein auto", "matratzen", "zimmer",
	"remédios", "aparelho auditivo", "não temos carro", "sem carro", "colchões",
	"الادويه", "ادويه", "الدوا", "ووكر", "ما عندنا سياره", "فرشات", "حوايج", "adweye", "adwiya", "tomobil",
	"दवाइयाँ", "दवाइयां", "दवा", "वॉकर", "गाड़ी नहीं", "डायपर", "dawaiyan", "dawa", "gaari nahi", "gadi nahi",
	"دوائیاں", "دوا", "واکر", "گاڑی نہیں", "ڈائپر", "kaise le jaoon", "کیسے لے جاؤں",
)

// hardshipRisk are body signs and threats that put a person at risk now
// whatever need is told beside them: breathing, bleeding, pallor, eyes not
// opening, a threat, people inside what is threatened ("si no pagamos la
// renta nos queman la tienda con nosotros adentro").
var hardshipRisk = []string{
	"breathing", "breathe", "breath", "bleeding", "blood", "pale", "eyes", "threat*", "threaten*", "inside", "unconscious", "not responding",
	"respire", "respirer", "saigne", "sang", "pâle", "yeux", "menace*", "dedans", "à l'intérieur",
	"respira", "respirar", "sangra", "sangre", "pálido", "pálida", "ojos", "amenaz*", "adentro", "dentro",
	"atmet", "atmen", "atem", "blutet", "blut", "blass", "augen", "droh*", "drinnen",
	"respirando", "sangrando", "sangue", "olhos", "ameaç*",
	"يتنفس", "تتنفس", "نفسه", "نفسها", "ينزف", "تنزف", "نزيف", "دم", "عيونه", "عيونها", "عينيه", "هدد*", "يهدد*", "جوا", "جوه", "داخل",
	"yetnaffas", "btetnaffas", "tatnaffas", "dam", "nazif", "3younu", "3younha", "hadad", "biyhadded", "jowa", "juwwa", "jouwa",
	"सांस", "साँस", "खून", "आंखें", "आँखें", "धमकी", "अंदर", "saans", "sans", "khoon", "khun", "aankh", "aankhen", "dhamki",
	"سانس", "خون", "آنکھیں", "آنکھ", "دھمکی", "اندر",
}

var (
	hardshipSet     = compileWhole(withDeaccent(hardshipNeeds))
	hardshipRiskSet = compile(withDeaccent(hardshipRisk))
)

// hardshipOnly reports whether the message, whose best class after danger
// is other (the class the classifier would give it were danger not
// counted), tells a need of hardship with nobody at risk now.
func hardshipOnly(rd *reading, other Class) bool {
	if other != NeedHelp || !hardshipSet.match(rd.masked) {
		return false
	}
	masked := rd.masked
	if strong, _ := dangerSet.scan(masked); strong || hardshipRiskSet.match(masked) || pairedRisk(masked) || selfHarmTold(masked) {
		return false
	}
	if c := conceptAt(masked); c >= 0 && !concepts[c].hazard {
		return false // a situation about a person: someone gone, a device failing
	}
	// "now" is urgent unless it tells the person well ("he is fine now")
	return cueSets.scan(rd.padded)&cueUrgent == 0 || rd.wellNoRisk()
}

// helpArrived are help told as come: an ambulance, the rescue, the fire
// brigade arrived. Told with thanks ("thanks bhai, ambulance aa gayi thi")
// the hazard word names help received, not a danger.
var helpArrived = []string{
	"arrived", "came", "is here", "got here", "has come", "arrivée", "arrivé", "est arrivée", "est là", "llegó", "ya llegó", "ya vino", "ist da",
	"angekommen", "gekommen", "chegou", "já chegou", "veio",
	"وصلت", "وصل", "اجت", "جات", "wasalet", "wsolet", "wselt", "wasal", "wsel", "ejat", "jat",
	"आ गई", "आ गया", "पहुंच गई", "पहुँच गई", "पहुंच गया", "aa gayi", "aa gaya", "aa gai", "pahunch gayi", "pohanch gayi", "pahunch gai", "pohanch gai",
	"آ گئی", "آ گیا", "پہنچ گئی", "پہنچ گیا",
}

var helpArrivedSet = compile(withDeaccent(helpArrived))

// thankedArrival reports whether a thanks message tells help as come, with
// nothing urgent in it.
func thankedArrival(padded string) bool {
	return helpArrivedSet.match(padded) && thanksSet.match(padded) && cueSets.scan(padded)&cueUrgent == 0
}

// Dangers told plainly, as what happened, with no danger word: kinds the
// phrase lists did not hold, each read as a concept (so questions, events
// long past and what-ifs stay apart, see dangerRule), in the nine
// varieties:
//   - an old, diabetic or confused person lost for hours (a crowd, a
//     pilgrimage, a market);
//   - someone fallen from a height or hanging from a rope or a scaffold;
//   - a vehicle overturned with people still in it;
//   - a blade in hand with despair told calmly;
//   - a whole box or bottle of pills swallowed;
//   - oxygen saturation told as a number under 90;
//   - no water for days with speech or mind going;
//   - someone under snow after an avalanche;
//   - a person chained or tied by an owner or a creditor;
//   - mushrooms eaten, then vomiting or weakness;
//   - a person just dead at home (in bed, in a chair, on the floor).
var (
	kindVulnerable = append([]string{
		"diabetic", "diabetes", "dementia", "alzheimer", "alzheimer's", "old man", "old woman", "years old",
		"diabétique", "diabète", "démence", "ans", "diabético", "diabética", "diabetes", "demencia", "años",
		"diabetiker", "diabetikerin", "zucker", "demenz", "jahre", "diabético", "diabética", "demência", "anos",
		"سكر", "السكر", "سكري", "الزهايمر", "خرف", "عمرها", "عمره",
		"sokkar", "sukkari", "alzheimer", "3omrha", "3omro", "jedti",
		"शुगर", "डायबिटीज", "साल", "sugar", "budhe", "saal",
		"شوگر", "ذیابیطس", "سال",
	}, elderWords...)
	kindLost = []string{
		"got lost", "is lost", "lost in", "lost her", "lost him", "separated from", "wandered off", "se perdió", "perdida", "perdido", "la perdimos", "lo perdimos",
		"perdue", "perdu", "on l'a perdue", "on l'a perdu", "verlaufen", "verloren", "se perdeu", "perdemos", "perdida", "perdido",
		"ضاعت", "ضاع", "ضايعه", "ضايع", "تاهت", "تاه", "da3et", "da3at", "da3", "tahet",
		"खो गई", "खो गए", "खो गया", "बिछड़", "kho gayi", "kho gaye", "kho gaya", "bichad", "کھو گئی", "کھو گئے", "کھو گیا", "بچھڑ",
		// gone out alone and not back: "walked out in this heat", "est sorti seul"
		"walked out", "wandered out", "went out alone", "left the house alone", "est sorti seul", "est sortie seule", "est partie seule", "est parti seul",
		"salió solo", "salió sola", "se fue solo", "se fue sola", "allein rausgegangen", "allein weggegangen", "ist weggelaufen", "saiu sozinho", "saiu sozinha",
		"طلع لحاله", "طلعت لحالها", "خرج وحده", "خرجت وحدها", "tele3 la7alo", "tel3et la7ala", "khrej bo7do", "khrjat bo7dha",
		"अकेले निकल", "अकेली निकल", "akele nikal", "akeli nikal", "اکیلے نکل", "اکیلی نکل",
	}
	kindMushroom = []string{
		"mushroom", "mushrooms", "toadstool", "toadstools", "champignon", "champignons", "setas", "seta", "hongos", "hongo", "pilze", "pilz",
		"cogumelo", "cogumelos", "فطر", "الفطر", "فطريات", "مشروم", "الفقع", "fo6r", "fotr", "foter", "champignon", "मशरूम", "खुम्भी", "kumbhi",
		"mashroom", "مشروم", "کھمبی", "کھمبیاں",
	}
	kindSick = []string{
		"vomiting", "throwing up", "can't stop being sick", "very weak", "vomit*", "vomi", "très faibles", "très faible", "vomitando", "vómito*", "muy débil*",
		"erbrech*", "übergeb*", "sehr schwach", "vômito*", "vomitou", "muito fraco", "muito fraca",
		"يستفرغ", "تستفرغ", "نستفرغ", "استفراغ", "يرجع كل شي", "تعبانين كتير", "3am yestafregh", "3am nestafregh", "estefragh", "testafregh",
		"उल्टी", "उल्टियां", "उल्टियाँ", "ulti", "ultiyan", "الٹی", "الٹیاں", "qay",
	}
	kindDied = []string{
		"died", "has died", "just died", "passed away", "is dead", "he's dead", "she's dead", "est mort", "est morte", "est décédé", "est décédée",
		"vient de mourir", "murió", "se murió", "falleció", "ha muerto", "está muerto", "está muerta", "ist gestorben", "ist tot", "verstorben",
		"morreu", "faleceu", "está morto", "está morta", "tá morto", "tá morta",
		"توفى", "توفي", "توفت", "توفيت", "مات", "ماتت", "twaffa", "twaffet", "twaffat", "mat", "matet",
		"मर गए", "मर गई", "मर गया", "गुज़र गए", "गुजर गए", "गुज़र गईं", "गुजर गई", "नहीं रहे", "नहीं रहीं", "मौत हो गई", "mar gaye", "mar gayi", "mar gaya",
		"guzar gaye", "guzar gayi", "nahi rahe", "مر گئے", "مر گئی", "مر گیا", "فوت ہو گئے", "فوت ہو گئی", "انتقال ہو گیا", "گزر گئے", "گزر گئی",
	}
	// kindBodyHere is where a body lies at home: a death just found there
	// needs the emergency number, one told from a hospital or with a
	// funeral does not.
	kindBodyHere = []string{
		"bed", "chair", "armchair", "sofa", "couch", "floor", "bathroom", "bath", "lying", "on the ground", "his room", "her room",
		"lit", "fauteuil", "canapé", "par terre", "salle de bain", "allongé", "allongée", "cama", "silla", "sillón", "sofá", "suelo", "baño",
		"tirado", "tirada", "acostado", "acostada", "bett", "sessel", "boden", "badezimmer", "liegt", "cadeira", "chão", "banheiro", "deitado", "deitada",
		"سرير*", "بسرير*", "تخته", "الكنبه", "عالارض", "ع الارض", "على الارض", "الحمام", "ممدد", "ممدده", "serir", "takht", "takhto", "3al ard", "3ala el ard", "fel 7ammam",
		"बिस्तर", "खाट", "चारपाई", "कुर्सी", "ज़मीन पर", "जमीन पर", "फर्श", "बाथरूम", "लेटे", "लेटी", "bistar", "charpai", "zameen par",
		"بستر", "چارپائی", "کرسی", "زمین پر", "فرش", "باتھ روم", "لیٹے", "لیٹی",
	}
	kindDeathTold = []string{
		// a funeral, a hospital, a morgue: the death is in others' hands
		"funeral", "burial", "buried", "condolences", "hospital", "morgue", "hospice", "last week", "last month", "last year", "years ago",
		"enterrement", "obsèques", "funérailles", "condoléances", "hôpital", "morgue", "funeral", "entierro", "velorio", "pésame", "hospital", "morgue",
		"beerdigung", "beileid", "krankenhaus", "klinik", "velório", "enterro", "pêsames", "hospital", "necrotério",
		"جنازه", "الجنازه", "الدفن", "دفن*", "عزا", "العزا", "عزاء", "المستشفى", "مستشفى", "المشفى", "janaze", "dafn", "3aza", "mostashfa", "sbitar",
		"अंतिम संस्कार", "दाह संस्कार", "जनाज़ा", "अस्पताल", "शोक", "antim sanskar", "janaza", "hospital",
		"جنازہ", "تدفین", "ہسپتال", "اسپتال", "تعزیت",
		// things and animals die too
		"phone", "battery", "fridge", "freezer", "engine", "car", "plants", "goat", "goats", "cow", "cows", "cattle", "chickens", "dog", "cat", "fish",
		"téléphone", "portable", "batterie", "frigo", "congélateur", "moteur", "voiture", "chèvre*", "vache*", "poules", "chien", "chat",
		"teléfono", "celular", "batería", "nevera", "heladera", "motor", "cabra*", "vaca*", "gallinas", "perro", "gato",
		"handy", "akku", "kühlschrank", "ziege*", "kuh", "kühe", "hühner", "hund", "katze", "bateria", "geladeira", "galinhas", "cachorro",
		"تلفون", "موبايل", "بطاريه", "تلاجه", "براد", "موتور", "ماعز", "بقر*", "دجاج", "جاج", "كلب*", "قطه", "بسه",
		"telefon", "mobile", "battariye", "tallaje",
		"फोन", "बैटरी", "फ्रिज", "बकरी*", "गाय", "मुर्गी*", "कुत्ता", "भैंस", "phone", "bakri", "gaay", "bhains",
		"فون", "بیٹری", "فریج", "بکری*", "گائے", "مرغی*", "کتا", "بھینس",
	}
	kindHours = []string{
		"hours", "heures", "horas", "stunden", "ساعات", "ساعه", "sa3at", "sa3aat", "घंटे", "घंटों", "ghante", "ghanton", "گھنٹے", "گھنٹوں",
	}
	kindFell = []string{
		"fell from", "fallen from", "fell off", "hanging from", "dangling", "tombé du", "tombée du", "tombé de", "tombée de", "suspendu", "pendu à",
		"se cayó del", "se cayó de", "cayó del", "colgando", "colgado de", "gestürzt", "abgestürzt", "hängt am", "hängt an", "caiu da", "caiu do", "pendurado",
		"طاحت من", "طاح من", "وقعت من", "وقع من", "سقط من", "سقطت من", "معلق", "متعلق", "ta7et men", "ta7 men", "w2e3 mn", "wa2a3 men", "m3alla2",
		"से गिर", "लटक", "se gir", "latak", "سے گر", "لٹک",
	}
	kindHeight = []string{
		"balcony", "roof", "scaffold", "scaffolding", "floor", "storey", "rope", "window", "ladder", "balcon", "toit", "échafaudage", "étage", "corde", "fenêtre", "échelle",
		"balcón", "techo", "tejado", "andamio", "piso", "cuerda", "ventana", "escalera", "balkon", "dach", "gerüst", "stock", "seil", "fenster", "leiter",
		"varanda", "telhado", "andaime", "andar", "corda", "janela", "escada",
		"البلكونه", "بلكونه", "السطح", "السقاله", "الدور", "الطابق", "الحبل", "بالحبل", "الشباك", "السلم", "lbalcon", "sta7", "el dor", "7abl",
		"बालकनी", "छत", "मंजिल", "मंज़िल", "रस्सी", "खिड़की", "सीढ़ी", "balcony", "chhat", "manzil", "rassi",
		"بالکونی", "چھت", "منزل", "رسی", "کھڑکی", "سیڑھی",
	}
	kindUnresponsive = []string{
		"not talking", "not speaking", "not moving", "not responding", "won't answer", "doesn't answer", "can't get down", "scaffold tipped", "scaffold fell",
		"ne parle pas", "ne bouge pas", "ne répond pas", "no habla", "no se mueve", "no responde", "spricht nicht", "bewegt sich nicht", "reagiert nicht",
		"não fala", "não se mexe", "não responde", "nao fala", "nao se mexe",
		"ما تتكلم", "ما يتكلم", "ما تتحرك", "ما يتحرك", "ما يرد", "ما ترد", "انقلبت", "انقلب", "طاحت", "ma tetkallam", "ma yetkallam", "ma tet7arrak", "ma yet7arrak",
		"बोल नहीं", "हिल नहीं", "जवाब नहीं", "bol nahi", "hil nahi", "بول نہیں", "ہل نہیں", "جواب نہیں",
	}
	kindVehicle = []string{
		"car", "van", "bus", "truck", "lorry", "minibus", "voiture", "camion", "camionnette", "coche", "furgoneta", "camioneta", "autobús", "auto", "wagen",
		"transporter", "lkw", "carro", "caminhão", "ônibus", "kombi",
		"السياره", "سياره", "الباص", "الشاحنه", "الكار", "البيكب", "tomobil", "tonobil", "lkar", "el 3arabeya", "sayyara",
		"गाड़ी", "बस", "ट्रक", "जीप", "gaadi", "gadi", "jeep", "گاڑی", "بس", "ٹرک", "ویگن",
		// a train's carriages, a ferry or a boat
		"ferry", "boat", "bateau", "barque", "ferry-boat", "barco", "lancha", "fähre", "boot", "balsa", "القارب", "العباره", "المركب", "flouka", "markab",
		"नाव", "फेरी", "naav", "nav", "کشتی", "ferry",
		"train", "carriage", "carriages", "wagons", "wagon", "voitures du train", "wagons du train", "tren", "vagón", "vagones", "zug", "waggon", "waggons",
		"trem", "vagão", "vagões", "vagao", "القطار", "القطر", "عربيات", "trein", "el 2atar", "ट्रेन", "डिब्बे", "डब्बे", "train", "dibbe", "ٹرین", "ڈبے",
	}
	kindOverturned = []string{
		"overturned", "flipped", "rolled over", "upside down", "renversé", "renversée", "retourné", "retournée", "volcó", "volcado", "volcada", "se volcaron", "volcaron", "volcados", "tombaram", "capotaram",
		"überschlagen", "umgekippt", "capotou", "tombou", "virou",
		"انقلبت", "انقلب", "تقلب", "تقلبت", "ت9لب", "tqleb", "t9leb", "en2alabet", "in2alab",
		"पलट", "palat", "پلٹ", "الٹ",
	}
	kindInside = []string{
		"still inside", "inside", "trapped", "still in", "à l'intérieur", "dedans", "coincés", "coincé", "adentro", "dentro", "atrapados", "atrapado", "drin", "eingeklemmt",
		"presos", "preso", "لداخل", "لداخل", "جوا", "داخل", "محصورين", "عالقين", "ldakhel", "jowa", "अंदर", "फंसे", "andar", "phanse", "اندر", "پھنسے",
		// people in the water by it, or screaming at it: someone is in it or under it
		"in the water", "dans l'eau", "en el agua", "im wasser", "na água", "na agua", "بالمي", "في الماء", "فالما", "bel may", "पानी में", "paani mein",
		"pani mein", "پانی میں", "kinder drin", "children inside",
		"screaming", "people screaming", "crient", "des cris", "gritando", "gritos", "schreien", "schreie", "gritaria", "بيصرخوا", "عم يصرخوا",
		"صريخ", "3am ysarrkho", "चीख", "चिल्ला रहे", "cheekh", "chilla rahe", "چیخ", "چلا رہے",
	}
	kindOut   = append(append([]string{}, sitOutAlready...), "got out", "all out", "everyone out", "sont sortis", "salieron", "raus", "saíram", "طلعوا", "نکل آئے", "निकल आए")
	kindBlade = []string{
		"knife", "blade", "razor", "couteau", "lame", "rasoir", "cuchillo", "navaja", "cuchilla", "messer", "klinge", "rasierklinge", "faca", "lâmina", "gilete",
		"سكين", "السكين", "سكينه", "موس", "شفره", "sekkina", "sikkine", "mous", "चाकू", "ब्लेड", "chaku", "chaaku", "blade", "چاقو", "چھری", "بلیڈ", "churi",
	}
	kindInHand = []string{
		"in my hand", "in hand", "holding", "dans la main", "dans ma main", "en la mano", "en mi mano", "in der hand", "in meiner hand", "na mão", "na minha mão",
		"بايدي", "في ايدي", "بيدي", "f yeddi", "fi idi", "b2idi", "हाथ में", "haath mein", "hath me", "ہاتھ میں",
	}
	kindDespair = []string{
		"not ok", "not okay", "can't anymore", "can't take", "no sleep", "without sleep", "haven't slept", "sorry", "i give up",
		"pas bien", "n'en peux plus", "sans dormir", "pas dormi", "désolé", "désolée", "pardon", "no estoy bien", "ya no puedo", "sin dormir", "perdón", "perdon",
		"nicht gut", "kann nicht mehr", "nicht geschlafen", "entschuldigung", "tut mir leid", "não estou bem", "não aguento", "sem dormir", "desculpa",
		"مش منيح", "مو زين", "ما نمت", "بدون نوم", "ما عدت اتحمل", "تعبت", "اسف", "اسفه", "sorry", "ta3bt", "ma nmt",
		"ठीक नहीं", "सोया नहीं", "नींद नहीं", "माफ़", "माफ", "बर्दाश्त नहीं", "theek nahi", "maaf", "neend nahi",
		"ٹھیک نہیں", "سویا نہیں", "نیند نہیں", "معاف", "برداشت نہیں",
	}
	kindWholePack = []string{
		"whole box", "whole pack", "whole packet", "whole bottle", "all the pills", "all my pills", "all of the pills", "toute la boite", "toute la boîte",
		"toute la plaquette", "tous les comprimés", "toda la caja", "todo el bote", "todas las pastillas", "todo el blíster", "ganze packung", "ganze schachtel",
		"alle tabletten", "ganze flasche", "a caixa toda", "a cartela toda", "todos os comprimidos", "toda a caixa",
		"all her pills", "all his pills", "all her meds", "all his meds", "tous ses médicaments", "tous les médicaments", "todos los remedios", "todas sus pastillas",
		"alle seine tabletten", "alle ihre tabletten", "todos os remédios", "todos os remedios", "todos seus remédios",
		"العلبه كلها", "كل العلبه", "كل الحبوب", "الشريط كله", "el 3elba kolha", "kol el 7boub", "lbo3ba kamla",
		"पूरा पत्ता", "पूरी डिब्बी", "सारी गोलियां", "सारी गोलियाँ", "poora patta", "puri dibbi", "saari goliyan", "sari goliyan",
		"پورا پتا", "پوری ڈبی", "ساری گولیاں",
	}
	kindSwallowed = append([]string{
		"took", "taken", "pris", "tomé", "me tomé", "tomó", "se tomó", "tragué", "genommen", "tomei", "tomou", "engoli",
		"اخذت", "كليت", "klit", "khdit", "5adt", "bla3t", "kha lin",
	}, swallowWords...)
	kindSaturation = []string{
		"saturation", "sats", "spo2", "oxygen level", "oxygen is", "oximeter", "saturación", "saturacion", "la sat", "sättigung", "sauerstoffsättigung",
		"saturação", "oxímetro", "oximetro", "الاكسجين", "نسبه الاكسجين", "الاوكسجين", "el oxygen", "ऑक्सीजन", "oxygen", "آکسیجن",
	}
	kindNoWater = []string{
		"hasn't drunk", "not drunk", "no water for", "nothing to drink for", "n'a pas bu", "rien bu", "no ha bebido", "no ha tomado agua", "sin beber", "sin tomar agua",
		"nichts getrunken", "nicht getrunken", "não bebeu", "sem beber", "ما شربت", "ما شرب", "بدون مي", "ma chrbat", "ma shirbet", "ma sherbet",
		"पानी नहीं पिया", "पानी नहीं पी", "pani nahi piya", "paani nahi piya", "پانی نہیں پیا", "پانی نہیں پی",
	}
	kindMindGoing = []string{
		"can't speak", "cannot speak", "not speaking clearly", "slurring", "confused", "doesn't recognise", "doesn't recognize", "ne parle plus", "confuse", "confus",
		"no puede hablar", "no habla bien", "confundida", "confundido", "verwirrt", "redet wirr", "kann nicht sprechen", "confusa", "confuso", "não consegue falar",
		"ما تقدر تتكلم", "ما يقدر يتكلم", "ما عم تحكي", "مش مركز", "مش مركزه", "بتخرف", "ma t2dar tetkallam", "btkhārref",
		"बोल नहीं", "ठीक से बोल नहीं", "पहचान नहीं", "bol nahi", "pehchan nahi", "بول نہیں", "پہچان نہیں",
	}
	kindSnow = append([]string{
		"انهيار ثلجي", "tal3",
		"हिमस्खलन", "برفانی تودہ",
	}, snowWords...)
	kindUnder = []string{
		"under", "buried", "digging", "dig", "sous", "enseveli", "ensevelie", "creuse", "creusons", "bajo", "debajo", "sepultado", "sepultada", "cavando", "cavamos",
		"unter", "verschüttet", "graben", "debaixo", "soterrado", "soterrada", "tapado", "تحت", "مدفون", "ندفن", "نحفر", "ta7t", "madfoun",
		"नीचे", "दब", "खोद", "neeche", "dab", "khod", "نیچے", "دب", "کھود",
	}
	kindSomeone = append(append([]string{}, sitPerson...), "friend", "my mate", "mon pote", "mon ami", "mon amie", "amigo", "amiga", "freund", "freundin",
		"صاحبي", "صديقي", "sa7bi", "दोस्त", "dost", "دوست", "someone", "quelqu'un", "alguien", "jemand", "alguém")
	kindChained = []string{
		"chained", "in chains", "tied up", "locked up", "enchaîné", "enchaînée", "attaché", "enfermé", "encadenado", "encadenada", "amarrado", "encerrado",
		"angekettet", "gefesselt", "eingesperrt", "acorrentado", "acorrentada", "trancado",
		"بالسلاسل", "مربوط", "مقيد", "محبوس", "زنجير", "باندھ", "jnazir", "mrbot", "ma7bous", "जंजीर", "बांध", "zanjeer", "zanjir", "bandh",
	}
	kindHolder = []string{
		"owner", "boss", "debt", "employer", "propriétaire", "patron", "dette", "patrón", "dueño", "deuda", "besitzer", "chef", "schulden", "arbeitgeber",
		"dono", "patrão", "dívida", "مالك", "صاحب الشغل", "الكفيل", "دين", "مالک", "قرض", "قرضہ", "ٹھیکیدار", "मालिक", "कर्ज", "क़र्ज़", "ठेकेदार",
		"malik", "qarz", "karz", "thekedar",
	}
)

// kindOver is sitOver without "अब ठीक" and its kin, which also begin
// "now not properly" ("अब ठीक से बोल नहीं रही"): the whole "fine now" is asked.
var kindOver = append(withoutPhrases(sitOver, "अब ठीक", "ab theek", "اب ٹھیک"), "अब ठीक है", "ab theek hai", "اب ٹھیک ہے")

func withoutPhrases(list []string, drop ...string) []string {
	var out []string
next:
	for _, w := range list {
		for _, d := range drop {
			if w == d {
				continue next
			}
		}
		out = append(out, w)
	}
	return out
}

var unseenKindConcepts = []concept{
	{name: "vulnerable_lost", parts: []conceptPart{{phrases: kindVulnerable}, {phrases: kindLost}, {phrases: kindHours}}, unless: append(append([]string{}, sitFound...), sitElsewhere...)},
	// the kind of signs.go's fall_height, in more words: hanging, Arabic dialects
	{name: "fall_height", parts: []conceptPart{{phrases: kindFell}, {phrases: kindHeight}, {neg: true, phrases: kindUnresponsive}}, unless: kindOver},
	{name: "vehicle_overturned_inside", parts: []conceptPart{{phrases: kindVehicle}, {phrases: kindOverturned}, {phrases: kindInside}}, unless: kindOut},
	{name: "blade_despair", parts: []conceptPart{{phrases: kindBlade}, {phrases: kindInHand}, {phrases: kindDespair}}},
	{name: "whole_pack_swallowed", parts: []conceptPart{{phrases: kindWholePack}, {phrases: kindSwallowed}}},
	{name: "saturation_low", parts: []conceptPart{{phrases: kindSaturation}}, check: saturationLow, unless: kindOver},
	{name: "no_water_mind_going", parts: []conceptPart{{phrases: kindNoWater}, {phrases: kindMindGoing}}, unless: kindOver},
	{name: "under_snow", parts: []conceptPart{{phrases: kindSnow}, {phrases: kindUnder}, {phrases: kindSomeone}}, unless: append(append([]string{}, sitFound...), kindOut...)},
	{name: "held_chained", parts: []conceptPart{{phrases: kindChained}, {phrases: kindHolder}}},
	// wild mushrooms eaten and vomiting or weakness after: the poisoning
	// that kills a day later
	// a person just dead at home, told calmly: "my father died this
	// morning, he is lying in his bed"
	{name: "death_at_home", parts: []conceptPart{{phrases: append(append([]string{}, conceptPerson...), kindSomeone...)}, {neg: true, phrases: kindDied}, {phrases: kindBodyHere}}, unless: kindDeathTold},
	{name: "mushroom_sick", parts: []conceptPart{{phrases: kindMushroom}, {neg: true, phrases: kindSick}}, unless: kindOver},
}

// saturationLow reports whether a number from 50 to 89 stands in the
// message (an oxygen saturation below 90), not followed by another unit.
func saturationLow(padded string) bool {
	return numbers(padded, func(v float64, next string) bool {
		return v >= 50 && v < 90 && !notTemperatureUnit[next]
	})
}
