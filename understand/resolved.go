package understand

import (
	"strings"
)

// A danger that is over is told in the words of the danger itself: a child
// lost and found with the police, a man pulled out of the canal and sitting
// in the fire engine, grandmother asleep now the power is back, an alert
// cancelled, a swallowed coin passed. The classifier has met those words in
// emergencies and reads such messages as one. The resolution reading names
// the end of the danger (a resolution marker) and looks for any sign that a
// danger still goes on; with a marker and no such sign the message is safe,
// whatever the classifier alone or its danger score says. A danger phrase or
// a current situation it does not tell as over keeps the safety rules'
// voice ("we found him but he is not breathing").

// The tags of resolutionTags, found in one keyed pass over a message.
const (
	resMark   uint8 = 1 << iota // the danger is over: found, came back, pulled out, power back, cancelled
	resStill                    // it goes on: still, not yet, keeps
	resPlea                     // help, urgent, hurry
	resGone                     // someone missing or lost: live when told after the last marker
	resCalm                     // how the people are now: talking, sitting, eating, at home, with the police
	resThreat                   // a threat or a hiding place: the danger is someone, and he is there
	resSign                     // a sign of illness: live when told after the last marker
	resTurn                     // now, again: after a contrast word, a new turn ("but now ...", "flared up again")
)

// resolutionTurns, after a contrast word, start a new turn unless the part
// tells how the people are: "the fire was under control but it flared up
// again", "he came back but now he shakes".
var resolutionTurns = []string{
	"now", "right now", "again", "once more", "maintenant", "là", "de nouveau", "à nouveau", "ahora", "otra vez", "de nuevo", "jetzt",
	"wieder", "erneut", "agora", "de novo", "outra vez", "هلق", "الحين", "دلوقتي", "الان", "مره تانيه", "مره ثانيه", "من جديد", "daba",
	"halla2", "hala2", "delwa2ti", "el7in", "tani", "marra tanya", "अब", "फिर से", "दोबारा", "ab", "phir se", "dobara", "اب", "پھر سے", "دوبارہ",
}

// resolutionThreats name someone threatening or the sender hiding or
// locked in: "he came back" is then the danger itself.
var resolutionThreats = []string{
	"kill", "will kill", "kill me", "kill us", "hit me", "hits me", "beat me", "beats me", "finish it", "finish me", "hiding", "locked in", "locked myself",
	"tuer", "me tuer", "caché", "cachée", "cachés", "enfermé", "enfermée",
	"matar", "matarme", "escondido", "escondida", "escondidos", "encerrado", "encerrada",
	"umbringen", "töten", "versteckt", "eingesperrt", "eingeschlossen",
	"escondido", "escondida", "trancado", "trancada",
	"قتل*", "يقتل*", "يذبح*", "ذبح*", "مخبي*", "مخبا*", "مستخبي*", "محبوس*", "مقفول علي*",
	"y9telni", "yo2tolni", "yedba7", "m5abbi", "mkhabbi", "m5abya", "mkhabya", "mkhabbya", "ma7bous",
	"जान से", "मार दूंगा", "मार देंगे", "मार डालेगा", "छिप*", "बंद हूं", "बंद हूँ", "maar dunga", "maar denge", "maar doon", "maar dalega",
	"jaan se", "chhupi", "chhupa", "chupi", "band hoon",
	"جان سے", "مار دوں", "مار دیں", "مار ڈالے", "چھپ*", "بند ہوں",
}

// resolutionSigns are signs of illness; told after the last marker they
// are a new turn ("found him sitting under a tree, raving and burning
// hot"), told before it what was over.
var resolutionSigns = []string{
	"confused", "raving", "delirious", "burning up", "burning hot", "hot to the touch", "fever", "vomiting", "throwing up", "shaking", "fitting",
	"pale", "blue", "very cold", "ice cold", "freezing", "floppy", "drowsy", "won't wake", "not waking", "not responding", "unresponsive", "doesn't recognise", "doesn't know who", "doesn't know where",
	"can't breathe", "cant breathe", "barely breathing", "hardly breathing", "not talking", "won't talk", "not answering", "wheezing", "bleeding", "swollen", "swelling", "rash", "pain",
	"confus", "confuse", "délire", "brûlant", "brûlante", "fièvre", "vomit*", "tremble", "pâle", "bleu", "bleue", "somnolent", "somnolente",
	"répond pas", "parle pas", "parle plus", "respire mal", "respire à peine", "respire juste à peine", "respire tout juste", "saigne", "gonfl*", "douleur",
	"confundido", "confundida", "delira", "ardiendo", "fiebre", "vomit*", "tiembla", "pálido", "pálida", "morado", "morada", "adormilado",
	"adormilada", "no responde", "no habla", "no contesta", "no respira", "apenas respira", "casi no respira", "sangra", "hinchad*", "dolor",
	"verwirrt", "fantasiert", "glüht", "fieber", "erbricht", "zittert", "blass", "reagiert nicht", "redet nicht", "spricht nicht", "antwortet nicht", "atmet schwer", "atmet kaum", "blutet", "geschwollen",
	"schmerzen",
	"confuso", "confusa", "delirando", "ardendo", "febre", "tremendo", "roxo", "roxa", "sonolento", "sonolenta", "não responde", "não fala", "respira mal", "mal respira", "quase não respira",
	"sangrando", "inchad*", "dor",
	"يخرف", "بيخرف", "يهلوس", "جسمه نار", "جسمها نار", "سخن", "سخنه", "حرارته", "حرارتها", "يستفرغ", "بيستفرغ", "ترجع", "يرجع", "بيرجع",
	"يرتجف", "مصفر*", "ازرق", "زرقا", "ما يرد", "ما بيرد", "ما ترد", "ما يحكي", "ما بيحكي", "ما يعرفني", "مش عارف*", "ما يتنفس", "بالكاد يتنفس", "بالكاد تتنفس", "ينزف", "تنزف", "نزيف", "منفوخ*",
	"beykhareef", "yekhareef", "y5areef", "gesmo nar", "gesmaha nar", "s5oun", "sokhn", "7arara", "7rara", "yestafreg", "kayt9iya", "yertje",
	"asfar", "azra2", "zor2", "ma yrud", "ma byrod", "ma ye7kish", "msh bey7ki", "ma kayjawebch", "ma 3erfatnich", "ma yetnafas", "yadoub yetnaffas", "byenzef", "nazif", "manfou5",
	"बुखार", "उल्टी", "कांप*", "नीला", "नीले", "जवाब नहीं", "पहचान नहीं", "बोल नहीं", "सांस नहीं", "मुश्किल से सांस", "mushkil se saans", "खून", "सूज*", "दर्द", "bukhar", "ulti", "kaanp",
	"khoon", "sooj", "dard", "bol nahi", "jawab nahi",
	"بخار", "الٹی", "کانپ*", "نیلا", "نیلے", "جواب نہیں", "پہچان نہیں", "بول نہیں", "مشکل سے سانس", "خون", "سوج*", "درد",
}

// resolutionCalm tell how the people are once the danger is over: talking,
// sitting, eating or drinking, playing, resting, at home, with the police
// or with us, only a fright. With the well-being phrases they are what a
// message telling a danger as over says after its marker; sleep alone is
// not among them ("the kids are asleep upstairs" during a fire).
var resolutionCalm = []string{
	"sitting", "eating", "ate", "drinking", "had her", "had his", "had some", "playing", "laughing", "smiling", "talking", "chatting",
	"walked away", "without a scratch", "not a scratch", "just a fright", "only a fright", "minor", "just shaken", "a bit shaken", "resting",
	"sleeping peacefully", "at home", "home now", "we're home", "we are home", "back home", "with the police", "with us", "with me",
	"with the firefighters", "with the rescuers", "warm and dry", "back to normal", "feel fine", "feeling fine", "we feel ok",
	"on se sent bien", "nos sentimos bien", "uns gehts gut", "uns geht's gut", "uns geht es gut", "geht uns gut", "nos sentimos bem",
	"il parle", "elle parle", "parle", "assis", "assise", "mange", "boit", "rigole", "rit", "sourit", "joue", "se repose", "au chaud",
	"à la maison", "chez nous", "avec nous", "avec moi", "avec les secours", "avec les pompiers", "avec la police", "rien de grave", "simple",
	"juste", "plus de peur que de mal", "sans une égratignure", "légèrement", "abrité", "abritée", "à l'abri",
	"habla", "sentado", "sentada", "comiendo", "come", "tomando", "jugando", "juega", "riendo", "se ríe", "sonríe", "descansando", "en casa",
	"con nosotros", "conmigo", "con la policía", "la tiene", "lo tiene", "con los bomberos", "nada grave", "solo un susto", "sin un rasguño",
	"tranquila", "tranquilo", "no tocó", "no llegó",
	"redet", "spricht", "sitzt", "sitzen", "isst", "trinkt", "trinken", "spielt", "lacht", "lächelt", "ruht", "zu hause", "bei uns", "bei mir",
	"bei der polizei", "nichts schlimmes", "nur ein schreck", "ohne kratzer", "tee", "auf station",
	"fala", "falando", "sentado", "sentada", "comendo", "bebendo", "tomando", "brincando", "rindo", "sorrindo", "descansando", "em casa",
	"com a gente", "comigo", "com os bombeiros", "com a polícia", "nada grave", "só um susto", "só engoliu", "sem um arranhão", "segura",
	"seguro", "no carro",
	"بيحكي", "يحكي", "تحكي", "قاعد", "قاعده", "ياكل", "تاكل", "بياكل", "يشرب", "تشرب", "يلعب", "تلعب", "بيلعب", "يضحك", "تضحك", "مرتاح",
	"مرتاحه", "بالبيت", "في البيت", "بالدار", "معنا", "معانا", "معي", "مع الشرطه", "مع الدفاع المدني", "ما دخله شي", "ما فيه شي", "بسيطه",
	"خفيف*", "خضه", "شغال",
	"ye7ki", "bi7ki", "te7ki", "kayhder", "2a3ed", "ga3ed", "9a3ed", "bya3kol", "kaykoul", "kayakol", "yeshrab", "chrbat", "chreb", "yel3ab",
	"kayl3ab", "da7ek", "dahka", "da7ka", "kayd7ak", "mertah", "mrta7", "fel bet", "fl dar", "ldar", "m3ana", "ma3na", "m3aya", "5adda",
	"khadda", "basita", "mzyan", "mni7", "kwayes", "labas",
	"बात कर", "बोल रहे", "बोल रही", "बोल रहा", "बैठे", "बैठी", "बैठा", "खा रहे", "खा रही", "खा रहा", "पी रही", "पी रहे", "पी रहा", "खेल रहा",
	"खेल रही", "हंस*", "हँस*", "मुस्कुरा*", "आराम", "घर पर", "घर में", "हमारे साथ", "मेरे साथ", "पुलिस के पास", "मामूली", "सिर्फ डर",
	"baat kar", "bol raha", "bol rahi", "baithe", "baithi", "kha raha", "kha rahi", "pi rahi", "pi raha", "khel raha", "khel rahi", "has raha",
	"aaram", "araam", "ghar pe", "ghar par", "mamuli", "mamooli",
	"بات کر", "بول رہے", "بول رہی", "بیٹھے", "بیٹھی", "بیٹھا", "کھا رہا", "کھا رہی", "کھا رہے", "پی رہی", "پی رہے", "کھیل رہا", "ہنس*",
	"مسکرا*", "آرام", "گھر پر", "گھر میں", "ہمارے ساتھ", "میرے ساتھ", "معمولی", "باہر ہیں", "محفوظ",
}

// resolutionMarkers tell that a danger has ended, in the nine varieties.
// A marker negated nearby ("hasn't come back", "नहीं मिले") does not count
// (see markerNegated).
var resolutionMarkers = append([]string{
	// found, came back, rescued, pulled out
	"found", "were found",
	"back home", "home now", "made it home", "made it back", "pulled out", "pulled him out",
	"pulled her out", "pulled them out", "got him out", "got her out", "got them out", "got us out", "got me out", "pulled us out", "pulled me out",
	"climbed out", "ils nous ont sortis", "nous ont sortis", "m'ont sorti", "m'ont sortie", "nos sacaron", "me sacaron", "haben uns rausgeholt",
	"holten uns raus", "nos tiraram", "tiraram a gente", "me tiraram", "طلعونا", "طلعوني", "خرجونا", "خرجوني", "tal3ouna", "tala3ouna", "5arrajouna",
	"khrjouna", "हमें निकाल लिया", "हमें निकाला", "hume nikal liya", "humein nikal liya", "ہمیں نکال لیا", "ہمیں نکالا", "dug out", "dug him out", "dug her out", "fished out",
	"winched up", "brought back", "brought him back", "brought her back",
	// out of hospital, fine now, stable, walked away
	"out of hospital", "out of the hospital", "home from hospital", "home from the hospital", "fine now", "ok now", "okay now", "better now",
	"safe now", "stable", "walked away", "back to normal", "recovered", "woke up", "came round", "is awake",
	// cancelled, under control, passed, x-ray clear, power back
	"cancelled", "canceled", "called off", "all clear", "lifted", "under control", "has passed", "it passed", "passed it",
	"xray clear", "x ray clear", "ray clear", "scan was clear", "scan clear", "power back", "power is back", "power's back", "power came back",
	"power came on", "power is on", "electricity is back", "electricity came back", "lights are back", "lights came back", "lights back on",
	// the attacker taken away
	"arrested", "in custody", "was caught", "got caught",
	// what leaked or broke repaired: "the gas smell was the cooker, fixed now"
	"fixed now", "fixed it", "got it fixed", "was fixed", "is fixed", "been fixed", "repaired", "is repaired", "réparé", "réparée", "c'est réparé",
	"ont réparé", "la arreglaron", "lo arreglaron", "arreglado", "arreglada", "reparado", "reparada", "repariert", "ist repariert", "behoben",
	"consertaram", "consertado", "consertada", "consertou", "صلحناها", "صلحناه", "صلحوها", "صلحوه", "تصلحت", "انصلحت", "salla7naha", "salla7nah",
	"salla7oha", "salla7o", "sal7ouha", "tsalla7et", "ठीक करवा ली", "ठीक करवा लिया", "ठीक करा ली", "ठीक कर दी", "ठीक कर दिया", "मरम्मत हो गई",
	"theek karwa li", "theek karwa liya", "theek kara li", "theek kar di", "thik karwa li", "ٹھیک کروا لی", "ٹھیک کروا لیا", "ٹھیک کر دی",
	"ٹھیک کر دیا", "مرمت ہو گئی",

	"retrouvées", "sont revenus", "sont rentrés",
	"rentré à la maison", "rentrée à la maison", "de retour", "secouru", "secourue", "secourus", "est sauvé", "est sauvée", "sont sauvés", "été sauvé", "été sauvée", "été sauvés", "repêché",
	"repêchée", "sorti de", "sortie de", "sortis de", "dégagé", "dégagée", "désincarcéré", "désincarcérée", "va bien maintenant",
	"ça va maintenant", "stable", "hors de danger", "annulé", "annulée", "alerte levée", "été levée", "fin de l'alerte", "maîtrisé", "maîtrisée",
	"sous contrôle", "est passé", "est passée", "est sortie", "radio normale", "radio ok", "courant est revenu", "courant revenu",
	"électricité est revenue", "lumière est revenue", "réveillé", "réveillée", "a été arrêté", "interpellé",
	"en garde à vue",

	"ya apareció", "los encontramos", "encontrado", "encontrada", "encontrados", "lo hallaron",
	"la hallaron", "volvió", "regresó", "llegó a casa", "ya está en casa", "ya en casa", "rescatados",
	"lo rescataron", "la rescataron", "lo sacaron", "la sacaron", "los sacaron", "salió del hospital", "ya está bien", "está bien ahora",
	"estable", "fuera de peligro", "cancelaron", "cancelada", "cancelado", "levantaron la alerta", "controlado", "controlada", "bajo control",
	"ya pasó", "lo expulsó", "salió sola", "salió solo", "volvió la luz", "ya hay luz", "llegó la luz", "regresó la luz",
	"despertó", "lo detuvieron", "arrestado", "arrestaron",

	"wiedergefunden", "aufgetaucht", "sind wieder da", "zurückgekommen", "sind zurück",
	"wieder zu hause", "wieder daheim", "sind zu hause", "geborgen", "rausgeholt", "herausgezogen", "rausgezogen",
	"befreit", "aus dem krankenhaus", "geht es wieder gut", "stabil", "außer gefahr", "aufgehoben", "entwarnung", "abgesagt",
	"unter kontrolle", "ist durch", "vorbei", "ist raus", "rausgekommen", "röntgen unauffällig", "strom ist wieder da", "strom wieder da",
	"strom ist zurück", "licht ist wieder da", "aufgewacht", "festgenommen", "verhaftet",

	"encontrado", "encontrada", "encontraram", "voltaram", "chegou em casa", "já está em casa",
	"já tá em casa", "tá em casa", "resgataram", "tiraram", "puxaram", "apanhou o", "apanhou a", "saiu do hospital",
	"está bem agora", "tá bem agora", "estável", "fora de perigo", "cancelado", "cancelada", "cancelaram", "sob controle", "já passou",
	"raio x normal", "a luz voltou", "voltou a luz", "a energia voltou", "acordou", "foi preso", "prenderam",

	"لقيناهم", "لقيته", "لقيتها", "وجدناه", "وجدناها", "عثرنا", "تم العثور", "لقوه", "لقوها", "لقاوها",
	"رجع", "رجعت", "رجعو", "رجعوا", "ورجع", "ورجعت", "رجعت الكهربا", "الكهربا رجعت", "عاد", "عادت", "وصل البيت", "وصلت البيت", "انقذوها", "انقذوهم", "تم انقاذ*", "طلعوه", "طلعوها", "طلعوهم", "خرجوه",
	"خرجوها", "خرجوهم", "سحبوه", "سحبوها", "منيح هلق", "منيحه هلق", "كويس دلوقتي", "كويسه دلوقتي", "بخير الحين", "مستقر*", "الغو*",
	"الغيت", "انلغى", "تم الغاء", "عدى", "اجت الكهربا", "اجت الكهرباء", "الضو اجا", "صحي", "صحيت", "فاق", "فاقت",
	"مسكوه", "اعتقلوه", "القبض عليه",

	"l9inahom", "la2eenah", "la2eenaha", "la2enah", "la2ynah", "l2inah", "l2ynah", "lqinah", "rja3", "rj3", "rje3",
	"reje3", "rege3", "rig3", "rg3", "rje3at", "rege3et", "rja3at", "3adda", "5rjoh", "khrjoh", "tal3ooh", "tal3oh",
	"tala3ooh", "n9adouh", "anqathooh", "daba mzyan", "daba labas", "mni7 halla2", "mnee7 halla2", "kwayes delwa2ti", "kwayesa delwa2ti",
	"mesta2er", "mesta2era", "lghaw", "etlagha", "etlaghat", "fa9", "fa9at", "fa9t", "ch9ouh", "chedouh",
	"msakouh",

	"मिल गईं", "मिल गयी", "मिला", "मिली", "मिले",
	"घर आ गया", "घर आ गई", "घर आ गए", "घर पर हैं", "घर पर है", "बचा लिए", "निकाल लिया", "निकाल लिए",
	"बाहर निकाला", "अब ठीक", "स्थिर", "रद्द", "काबू में", "काबू पा लिया", "नियंत्रण में", "निकल गया", "निकल गई", "बिजली आ गई",
	"बिजली आ गयी", "लाइट आ गई", "बिजली वापस", "होश आ गया", "पकड़ लिया", "गिरफ्तार",
	"mil gaye", "mil gai", "laut aaya", "laut aayi", "wapas aa gayi",
	"vapas aa gaya", "vapas aa gaye", "ghar aa gaya", "ghar aa gaye", "ghar pe hai", "ghar par hai", "ghar pe hain", "bacha liya", "6ele3 mn", "tele3 mn", "tla3 mn", "5rej mn", "khrej mn", "5arag mn", "kharag mn",
	"nikal liya", "nikaal liya", "ab theek", "ab thik", "stable hai", "cancel ho gaya", "cancel ho gayi", "kabu mein", "qaboo mein",
	"bijli aa gayi", "bijli aa gai", "light aa gayi", "light aa gai", "hosh aa gaya",
	"pakad liya", "pakar liya", "giraftar", "arrest ho gaya",

	"مل گئیں", "ملا", "ملی", "واپس آگیا", "واپس آگئے",
	"گھر آ گیا", "گھر آ گئے", "گھر پر ہیں", "گھر پہ ہیں", "بچا لیے", "نکال لیا", "نکال لیے", "کھینچ لیا", "چھڑوا لیا",
	"چھڑا لیا", "اب ٹھیک", "اب آرام سے", "مستحکم", "منسوخ", "کینسل", "قابو میں", "قابو پا لیا", "نکل گیا", "بجلی آ گئی", "بجلی آگئی",
	"لائٹ آ گئی", "بجلی واپس", "ہوش آ گیا", "پکڑ لیا", "گرفتار",
	"khench liya", "kheench liya", "chhurwa liya", "chhura liya", "bijli wapas",
}, concat(foundBack, careGiven, liftedBack, keptAway, homeAgain)...)

// resolutionStill tell that a danger goes on, or that something has not
// ended yet.
var resolutionStill = append([]string{
	"not yet", "keeps", "keep", "kept", "keeps on", "continues", "ongoing",
	"pas encore", "continue",
	"todavía no", "aún no",
	"immer noch", "noch nicht", "weiterhin",
	"ainda não", "continua", "continuam",
	"ما زال*", "مازال*", "لا يزال", "لا زال", "باقي", "بعدو", "مزال", "لحد الان", "لحد هلق",
	"lisa", "ba2i", "ba2ye", "ba2ya", "mazal", "ma zal", "ba9i", "baqi", "7ata daba", "mazal ma",
	"अब भी", "अब तक", "ab tak", "اب بھی", "اب تک",
}, stillWords...)

// resolutionPleas ask for help now: a danger told as over would not.
var resolutionPleas = []string{
	"help me", "help us", "please help", "need help", "sos", "urgent", "urgently", "emergency", "hurry", "asap", "come quickly",
	"au secours", "aidez", "aidez nous", "à l'aide", "urgent", "urgence", "vite", "venez",
	"ayuda", "ayúdenme", "ayudenme", "auxilio", "urgente", "rápido", "vengan", "manden",
	"hilfe", "helft", "hilf", "dringend", "notfall", "schnell", "kommt schnell",
	"socorro", "ajuda", "urgente", "rápido", "venham", "mandem",
	"ساعدونا", "ساعدوني", "الحقونا", "الحقوني", "النجده", "ضروري", "بسرعه", "عاجل", "الحقو*",
	"sa3dona", "sa3douna", "sa3edni", "sa3dooni", "el7a2ouna", "il7a2ona", "najda", "daroori", "bsor3a", "bser3a", "3ajel",
	"मदद", "बचाओ", "जल्दी", "तुरंत", "madad", "bachao", "jaldi", "turant", "help",
	"مدد", "بچاؤ", "جلدی", "فوری", "fori", "foran",
}

// pleaSet finds a plea anywhere in a message: a hazard named with a plea
// ("घर में आग लग गई बचाओ") raises it even when the classifier's best
// reading is safe.
var pleaSet = compileWhole(withDeaccent(resolutionPleas))

// rescueVehicles are where people sit once rescued ("sitting in the fire
// engine"): no hazard there.
var rescueSet = compileWhole(withDeaccent([]string{
	"fire engine", "fire truck", "ambulance", "the ambulance", "rescue boat", "lifeboat",
	"camion des pompiers", "camion de pompiers", "l'ambulance", "ambulancia", "camión de bomberos", "la ambulancia",
	"krankenwagen", "rettungswagen", "feuerwehrauto", "ambulância", "caminhão dos bombeiros", "viatura dos bombeiros",
	"سياره الاسعاف", "الاسعاف", "عربيه الاسعاف", "سياره المطافي", "is3af", "el is3af",
	"एम्बुलेंस", "एंबुलेंस", "दमकल", "ambulance", "ایمبولینس", "ریسکیو کی گاڑی", "فائر بریگیڈ",
}))

// resolutionGone tell someone missing or lost.
var (
	resolutionGone = []string{
		"missing", "lost", "can't find", "cannot find", "cant find", "no news", "disappeared",
		"disparu", "disparue", "disparus", "introuvable", "perdu", "perdue", "pas de nouvelles",
		"desaparecido", "desaparecida", "desaparecidos", "perdido", "perdida", "no aparece", "no sabemos nada",
		"vermisst", "verschwunden", "verloren", "keine nachricht",
		"sumiu", "sumida", "sumido", "perdido", "desaparecido", "sem notícias",
		"مفقود*", "ضايع*", "ضاع*", "مختفي*", "اختفى", "اختفت", "mafqoud", "mafqood", "da2e3", "dayi3", "day3", "ghayeb",
		"लापता", "गुम", "खो गया", "खो गई", "खो गए", "lapata", "gum", "kho gaya", "kho gayi", "kho gaye",
		"لاپتہ", "گم", "کھو گیا", "کھو گئی", "کھو گئے",
	}
)

// resolutionNegators add to the concept negators (negatedAround) the
// negations of a finished action: "hasn't come back", "nadie lo ha
// encontrado", "لم يعد", "ma rj3sh".
var resolutionNegators = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{
		"hasn't", "hasnt", "haven't", "havent", "didn't", "didnt", "doesn't", "doesnt", "don't", "dont", "won't", "wont", "weren't", "can't", "cant", "couldn't", "none",
		"jamais", "personne", "nadie", "nie", "niemand", "ninguém", "ninguem", "لم", "ولا", "محد", "ماحد", "ma", "mashi", "wala",
	} {
		m[Normalize(w)] = true
	}
	return m
}()

var resolutionTags = compileTags(map[uint8][]string{
	resMark: withDeaccent(resolutionMarkers), resStill: withDeaccent(resolutionStill), resPlea: withDeaccent(resolutionPleas),
	resGone: withDeaccent(resolutionGone),
	resCalm: withDeaccent(concat(resolutionCalm, calmAfterCare, keptAway, selfAgain)), resThreat: withDeaccent(resolutionThreats), resSign: withDeaccent(resolutionSigns),
	resTurn: withDeaccent(resolutionTurns),
})

// over reports whether the message tells a danger as over and nothing in
// it as going on; read at most once per message.
func (rd *reading) over(text string) bool {
	if rd.ended == 0 {
		rd.ended = tri(resolvedTold(text, rd))
	}
	return rd.ended > 0
}

// overRead reports whether over was read and found the danger over,
// without reading it.
func (rd *reading) overRead() bool { return rd.ended > 0 }

// resolvedTold reports whether text tells a danger as over: a resolution
// marker, not negated, and how the people are now (a calm phrase or a
// well-being one: "found at the police post, eating sweets"); no word
// saying something goes on or has not ended, no plea, no question, no
// need; no current situation (a concept that is not a hazard); someone
// missing only before the last marker ("lost for three hours, found"), not
// after it ("we found the boy, his sister is missing"); each clause that
// names a danger tells it as over after naming it ("the man who fell in the
// canal was pulled out", "the little one who swallowed a coin is fine");
// and no clause after a contrast word starts a new turn ("the fire was
// under control but it flared up again").
func resolvedTold(text string, rd *reading) bool {
	tags := resolutionTags.scan(rd.padded)
	if tags&(resMark|resSign) == 0 || tags&(resStill|resPlea|resThreat) != 0 {
		return false // the common case: one scan
	}
	if tags&resCalm == 0 && !wellSet.match(rd.padded) {
		return false
	}
	if strings.ContainsAny(text, "?؟") || questionForm(rd.padded) || needSet.match(rd.padded) || negatedSet.match(rd.padded) {
		return false
	}
	if c := conceptAt(rd.masked); c >= 0 && !concepts[c].hazard {
		return false
	}
	lastMark, lastGone, calm := -1, -1, false // lastGone: the last person missing or sign of illness
	resolutionTags.each(rd.padded, func(at, end int, tag uint8) {
		switch {
		case tag == resMark && !markerNegated(rd.padded, at, end):
			lastMark = end
		case tag == resCalm && !markerNegated(rd.padded, at, end):
			calm = true
		case tag == resSign:
			if e := signEnded(rd.padded, end); e > 0 {
				lastMark = max(lastMark, e) // "swelling gone", "la fiebre bajó": the sign is what ended
			} else {
				lastGone = at
			}
		case tag == resGone:
			lastGone = at
		}
	})
	if lastMark < 0 || lastGone >= lastMark || !calm && !wellSet.match(rd.padded) {
		return false
	}
	for _, c := range strings.FieldsFunc(text, clauseEnd) {
		parts := splitContrast(" " + Normalize(c) + " ")
		for k, part := range parts {
			// "there was a gas smell but we had it fixed, all fine": the
			// part after the contrast word ends what the part before named
			if !partOver(part, k > 0) && (k+1 == len(parts) || !markedOver(parts[k+1])) {
				return false
			}
		}
	}
	return true
}

// markedOver reports whether a part after a contrast word holds a marker,
// not negated, and tells nothing as going on.
func markedOver(part string) bool {
	marked := false
	resolutionTags.each(part, func(at, end int, tag uint8) {
		if tag == resMark && !markerNegated(part, at, end) {
			marked = true
		}
	})
	return marked && partOver(part, true)
}

// partOver reports whether one clause part tells nothing as going on: a
// danger phrase in it is followed by a marker, a calm or well-being phrase
// or a cue of calm; after a contrast word, a part with a new turn (now,
// again, a negation) holds a marker or a calm or well-being phrase. Only such a part
// counts: "par" and "पर" are contrast words, and also "by" and "on".
func partOver(part string, afterContrast bool) bool {
	masked := rescueSet.blank(maskNotHazard(part))
	d := dangerSet.last(masked, false)
	mark, calm := -1, -1 // the end of the last marker, less its trailing space; the start of the last calm phrase
	turn := false
	resolutionTags.each(part, func(at, end int, tag uint8) {
		switch {
		case tag == resTurn:
			turn = true
		case tag == resMark && !markerNegated(part, at, end):
			mark = end - 1
		case tag == resCalm && !markerNegated(part, at, end):
			calm = at
		}
	})
	well := wellSet.last(part, false)
	if afterContrast && !turn {
		for _, w := range strings.Fields(part) {
			if conceptNegWord[w] || resolutionNegators[w] {
				turn = true // "... but he doesn't talk"
				break
			}
		}
	}
	// A danger phrase starting inside or before a marker is told as over
	// ("foi preso", "pulled out of the canal"); one starting after it is
	// not ("found him not breathing").
	if d >= 0 && d >= mark && calm <= d && well <= d && cueSet.last(dangerSet.blank(masked), false) <= d {
		return false
	}
	return !afterContrast || !turn || mark >= 0 || calm >= 0 || well >= 0
}

// markerNegated reports whether a negator stands within two words before
// padded[at:end] or right after it (Hindi and Urdu, spoken French and
// German).
func markerNegated(padded string, at, end int) bool {
	if negatedAround(padded, at, end) {
		return true
	}
	before := strings.Fields(padded[:at])
	for i := max(0, len(before)-2); i < len(before); i++ {
		if resolutionNegators[before[i]] {
			return true
		}
	}
	after := strings.Fields(padded[min(end, len(padded)):])
	return len(after) > 0 && negatedAfter[after[0]] // "il parle pas", "redet nicht"
}

var negatedAfter = map[string]bool{"pas": true, "plus": true, "nicht": true, "mehr": true, "not": true}

// each calls fn for every phrase of the set found in padded, with its
// byte offsets and tag.
func (ts tagSet) each(padded string, fn func(at, end int, tag uint8)) {
	for i, at := range ts.byKey.at(padded) {
		for _, p := range at {
			if strings.HasPrefix(padded[i:], p.text) {
				fn(i, i+len(p.text), p.tag)
			}
		}
	}
	for _, p := range ts.short {
		for off := 0; ; {
			j := strings.Index(padded[off:], p.text)
			if j < 0 {
				break
			}
			fn(off+j, off+j+len(p.text), p.tag)
			off += j + len(p.text)
		}
	}
}
