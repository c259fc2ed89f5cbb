package understand

import "strings"

// Self-harm and farewell are told in many more ways than the fixed phrases
// of selfHarmPhrases: "i wrote letters for everyone, tell my mum i love
// her", "les cachets sont devant moi je vais tous les prendre", "मैं छत के
// किनारे खड़ा हूं कूदने वाला हूं". Each harmRule below is a conjunction of
// meanings (a wish not to live, pills with taking them all, a last message
// with forgiveness asked, a jump with a high place); a message holding a
// phrase of every part, once the negated and figurative look-alikes of
// notSelfHarm are blanked out, tells of danger to the sender or to the
// person whose farewell it passes on.
type harmRule struct {
	name   string
	parts  [][]string
	unless []string // a phrase of these keeps the rule from firing
}

// Shared parts.
var (
	// harmPills are pills and tablets, the means of an overdose.
	harmPills = []string{
		"pills", "tablets", "sleeping pills", "painkillers", "meds", "pilules", "cachets", "comprimés", "somnifères", "médicaments",
		"pastillas", "píldoras", "tabletas", "pastillas para dormir", "tabletten", "schlaftabletten", "pillen",
		"comprimidos", "pílulas", "remédios", "cartela", "حبوب", "الحبوب", "حبات", "دوا", "الدوا", "ادويه", "7boub", "7bob", "7oboub", "dwa",
		"गोलियां", "गोलियाँ", "गोली", "नींद की गोलियां", "दवाइयां", "goliyan", "goliyaan", "goli", "گولیاں", "گولی", "نیند کی گولیاں",
	}
	// harmAllTaken takes all of something at once, or is about to.
	harmAllTaken = []string{
		"took all", "taken all", "swallowed all", "took the whole", "swallowed the whole", "whole box", "whole bottle", "whole packet",
		"take them all", "take all of them", "swallow them all", "going to take all",
		"pris toutes", "pris tous", "avalé toutes", "avalé tous", "toute la boîte", "toute la plaquette", "tous les prendre", "toutes les prendre",
		"tomé todas", "tome todas", "me tomé todas", "me tome todas", "tomé todos", "me tomé todos", "toda la caja", "todo el frasco",
		"tomarme todas", "tomármelas todas", "voy a tomar todas",
		"alle genommen", "alle schlaftabletten", "alle tabletten", "alle pillen", "alle geschluckt", "ganze packung", "alle nehmen", "alle schlucken",
		"tomei todos", "tomei todas", "engoli todos", "engoli todas", "caixa inteira", "cartela inteira", "vou tomar todos", "vou tomar todas",
		"بلعت كل", "علبه كامله", "علبه دوا كامله", "شريط كامل", "اخدت كل", "اخذت كل", "شربت كل", "كل الحبوب", "العلبه كلها", "رح اخدهم كلهم", "bla3t kel", "akhadt kel", "kel el 7boub",
		"सारी खा", "सब खा", "सब खा ली", "पूरी शीशी", "पूरा पत्ता", "saari kha", "sab kha", "sab kha li", "سب کھا", "ساری کھا", "پوری شیشی",
		"in front of me", "devant moi", "delante de mí", "frente a mí", "na minha frente", "vor mir", "قدامي", "2eddemi", "सामने रखी", "سامنے رکھی",
	}
	// harmLast is a last message, a farewell or letters left behind.
	harmLast = []string{
		"last message", "final message", "my last", "letters for everyone", "letter for everyone", "wrote letters", "goodbye letter",
		"say goodbye", "saying goodbye", "goodbye to", "goodbye everyone",
		"dernier message", "mon dernier", "une lettre pour chacun", "lettre pour chacun", "écrit une lettre", "lettres pour chacun", "lettres pour tout le monde", "dire au revoir", "dire adieu", "adieu à",
		"último mensaje", "mi último", "cartas para todos", "despedirme",
		"letzte nachricht", "briefe für alle", "für alle briefe", "briefe geschrieben", "brief für jeden", "verabschieden", "abschied nehmen",
		"última mensagem", "minha última", "cartas para todos", "cartas pra todo mundo", "cartas para todo mundo", "deixei cartas", "deixei uma carta", "me despedir", "despedir de",
		"اخر رساله", "رسالتي الاخيره", "اخر مسج", "رسائل للكل", "اودعكم", "اودع", "a5er risale", "akher risale", "a5er risala", "akher risala",
		"a5er message", "akher message", "كتبت رسايل لولادي", "كتبت رسائل لاولادي", "كتبت رسايل للولاد", "katabt rasayel la wlade",
		"katabt rasayel la wladi", "katabt rasa2el la wlade",
		"आखिरी मैसेज", "आख़िरी मैसेज", "आखिरी संदेश", "आखरी मैसेज", "aakhri message", "akhri message", "aakhri sandesh",
		"آخری پیغام", "آخری میسج", "akhri paigham",
	}
	// harmFarewellEnd asks forgiveness, sends love or goes away for good.
	harmFarewellEnd = []string{
		"forgive me", "i love her", "i love him", "i love you", "love you all", "tell my", "before i go", "before i leave this", "take care of",
		"pardonnez-moi", "pardonne-moi", "je l'aime", "dites à maman", "dites à papa", "je vous aime", "je t'aime", "avant de partir", "avant que je parte", "dites à",
		"perdónenme", "perdóname", "los quiero", "las quiero", "te quiero", "antes de irme", "díganle",
		"verzeiht mir", "verzeih mir", "lieb hab", "hab euch lieb", "hab dich lieb", "sagt mama", "sagt papa", "ich liebe euch", "bevor ich geh", "bevor ich gehe", "sagt meiner", "sagt meinem",
		"me perdoem", "me perdoa", "fala pra minha", "fala pro meu", "diz pra minha", "eu amo ela", "eu amo ele", "que eu amo", "amo vocês", "te amo", "antes de ir", "antes de partir", "digam para",
		"سامحوني", "سامحني", "سامحيني", "بحبكم", "احبكم", "قبل ما روح", "قبل ما امشي", "ما بقيت قادره", "ما بقيت قادر", "بس بدي حدا يعرف",
		"ma b2et 2adra", "ma b2et 2ader", "bas badde 7ada ya3ref", "bas bidi 7ada ya3ref", "sam7ooni", "sam7ouni", "sam7oni", "sam7ni", "b7ebkon", "bhebkon",
		"माफ करना", "माफ़ करना", "माफ कर देना", "माफ़ कर देना", "maaf karna", "maaf kar dena", "maf karna", "अलविदा", "alvida",
		"معاف کرنا", "معاف کر دینا", "معاف کردینا", "الوداع",
	}
	// harmJump is the sender about to jump.
	harmJump = []string{
		"going to jump", "gonna jump", "about to jump", "i'll jump", "i will jump", "want to jump", "thinking of jumping", "thinking about jumping",
		"vais sauter", "veux sauter", "je saute", "voy a saltar", "quiero saltar", "voy a tirarme", "me voy a tirar",
		"werde springen", "will springen", "springe jetzt",
		"pensando em pular", "vou pular", "quero pular", "vou me jogar", "pensando em me jogar",
		"رح نط", "رح انط", "بدي نط", "بدي انط", "راح انط", "رح اقفز", "بدي اقفز", "راح اقفز", "ra7 not", "ra7 nat", "bidi not",
		"कूदने वाला", "कूदने वाली", "कूद जाऊंगा", "कूद जाऊंगी", "कूदने जा रहा", "कूदने जा रही", "kudne wala", "koodne wala", "kud jaunga",
		"چھلانگ لگانے والا", "چھلانگ لگانے والی", "کود جاؤں گا", "کودنے والا", "chalang lagane wala", "chhalang lagane wala",
	}
	// harmHigh is a high place or an edge.
	harmHigh = []string{
		"bridge", "roof", "edge", "ledge", "railing", "rooftop", "top of", "balcony", "cliff", "tracks",
		"pont", "toit", "bord", "rebord", "balcon", "falaise", "puente", "techo", "azotea", "borde", "balcón", "barandilla",
		"brücke", "dach", "kante", "geländer", "balkon", "ponte", "telhado", "beira", "alto do", "alto da", "parapeito", "sacada", "estacionamento",
		"الجسر", "جسر", "السطح", "سطح", "الحافه", "حافه", "البلكون*", "el jisr", "jisr", "el sat7", "sat7",
		"छत", "किनारे", "पुल", "बालकनी", "chhat", "chat", "kinare", "pul",
		"چھت", "کنارے", "پل", "بالکونی",
	}
)

// harmRules are the conjunctions; see harmRule.
var harmRules = []harmRule{
	// a wish not to live or not to be here any more, whole
	{name: "wish_gone", parts: [][]string{{
		"want to die", "wanna die", "wish i was dead", "wish i were dead", "want to be dead", "want to be here anymore", "want to be here any more",
		"want to exist anymore", "want to wake up anymore", "better off without me", "better off dead",
		"veux plus être là", "veux plus etre la", "veux plus vivre", "envie de mourir", "veux en finir", "mieux sans moi", "ce soir c'est la fin",
		"ya no quiero estar aquí", "ya no quiero estar aqui", "no quiero estar aquí nunca", "no quiero seguir viviendo", "no quiero vivir más",
		"no quiero vivir mas", "estarían mejor sin mí", "estarian mejor sin mi", "mejor sin mí", "mejor sin mi", "me quiero morir", "quiero morirme",
		"will nicht mehr hier sein", "will nicht mehr leben", "möchte sterben", "besser ohne mich",
		"não quero mais estar aqui", "nao quero mais estar aqui", "não quero mais viver", "nao quero mais viver", "quero morrer", "melhor sem mim",
		"ما عاد بدي عيش", "ما بدي عيش", "ما بدي اعيش", "مابدي عيش", "ما عاد بدي اعيش", "ما ابغى اعيش", "ما ابي اعيش", "مش عايز اعيش",
		"مش عاوز اعيش", "ما بغيتش نعيش", "ما بقيتش باغي نعيش", "ابغى اموت", "ابي اموت", "بدي اموت", "بدي موت", "عايز اموت", "عاوز اموت",
		"نبغي نموت", "بغيت نموت", "اريد ان اموت", "اريد الموت", "قررت انتحر", "رح انتحر", "بدي انتحر", "بنتحر", "احسن بدوني", "ارتاحوا مني",
		"ma 3ad bidi 3eesh", "ma 3ad baddi 3ish", "ma bidi 3eesh", "ma baddi 3eesh", "ma badde 3ish", "ma bade 3ish", "mish 3ayez a3eesh",
		"msh 3ayez a3eesh", "mish 3ayza a3eesh", "mish 3ayez a3ish", "mabghitch n3ich", "ma bghitch n3ich", "mabghitch n3ish", "bidi moot",
		"baddi mout", "bghit nmout", "abi amoot", "abi amout", "abgha amoot", "abgha amout", "ente7er", "enta7er", "2arrart ente7er", "3ayez amoot", "3ayez amout", "bade ento7er", "ra7 ento7er",
		"जीने का मन नहीं", "जीने का दिल नहीं", "जीने की इच्छा नहीं", "मरना है मुझे", "मर जाना चाहता", "मर जाना चाहती", "jeene ka man nahi",
		"jeene ka mann nahi", "jeene ka dil nahi", "marna hai mujhe", "mar jana chahta", "mar jana chahti",
		"جینے کو دل نہیں", "جینے کا دل نہیں", "جینے کا من نہیں", "جینے کی خواہش نہیں", "مر جانا چاہتا", "مر جانا چاہتی", "jeene ko dil nahi karta",
	}}},
	// ending one's own life, told as a plan
	{name: "end_life", parts: [][]string{{
		"end my life", "take my own life", "take my life", "mettre fin à mes jours", "mettre fin à ma vie", "acabar con mi vida", "terminar con mi vida",
		"quitarme la vida", "meinem leben ein ende", "mein leben beenden", "acabar com minha vida", "acabar com a minha vida", "tirar minha vida",
		"tirar a minha vida", "انهي حياتي", "اخلص حياتي", "خلص حياتي", "اخلص على حياتي", "5alles 7ayati", "khalles 7ayati", "5alis 7ayati",
		"khalis 7ayati", "anhi 7ayati", "ne5los men 7ayati", "अपनी जान ले लूं", "अपनी जान ले लूंगा", "अपनी जान ले लूंगी", "ज़िंदगी खत्म कर", "जिंदगी खत्म कर",
		"apni jaan le lun", "apni jaan le lunga", "zindagi khatam kar", "اپنی جان لے لوں", "زندگی ختم کر",
	}}},
	// can't go on, with the night or the means named
	{name: "cant_go_on", parts: [][]string{
		{"can't do this anymore", "cant do this anymore", "can't do this any more", "can't take it anymore", "cant take it anymore", "can't go on", "cant go on",
			"n'en peux plus", "j'en peux plus", "c'est fini pour moi", "peux plus continuer", "no puedo más", "no puedo mas", "kann nicht mehr", "não aguento mais", "nao aguento mais"},
		{"tonight", "the night", "goodbye", "pills", "rope", "ce soir", "adieu", "esta noche", "adiós", "heute nacht", "esta noite", "adeus",
			"acaba tudo", "hoje acaba", "c'est fini pour moi", "se acaba todo", "it ends tonight", "ends tonight"},
	}},
	// a burden to others, with a farewell
	{name: "burden_farewell", parts: [][]string{
		{"a burden", "burden to", "un fardeau", "une charge pour", "una carga", "eine last", "um fardo", "عبء", "عبئ", "حمل على", "3eb2", "bojh",
			"बोझ", "بوجھ"},
		{"goodbye", "farewell", "adieu", "adiós", "adios", "lebt wohl", "adeus", "ودعتكم", "وداعا", "مع السلامه للكل", "wada3tkon", "wada3an",
			"अलविदा", "alvida", "الوداع", "خدا حافظ سب"},
	}},
	// a rope or noose, with wanting to end it or being better off gone
	{name: "rope", parts: [][]string{
		{"the rope", "a rope", "noose", "la corde", "la soga", "una soga", "die schlinge", "das seil", "a corda", "uma corda", "الحبل", "حبل المشنقه",
			"el 7abel", "फंदा", "रस्सी", "fanda", "rassi", "پھندا", "رسی"},
		{"ready", "i have", "got", "without me", "tengo", "ya tengo", "sin mí", "sin mi", "j'ai", "sans moi", "ich habe", "ohne mich", "tenho", "sem mim",
			"جاهز", "جهزت", "عندي", "بدوني", "तैयार", "तैयार है", "tayyar", "تیار"},
	}},
	// pills with all of them taken, or about to be
	{name: "overdose", parts: [][]string{harmPills, harmAllTaken},
		unless: []string{"certinho", "direitinho", "as prescribed", "like the doctor said", "comme prescrit", "como me recetaron", "wie verschrieben"}},
	// a last message or letters left, with forgiveness or love sent
	{name: "farewell", parts: [][]string{harmLast, harmFarewellEnd},
		unless: []string{"see you tomorrow", "see you", "à demain", "hasta mañana", "bis morgen", "até amanhã", "holiday", "vacation", "trip", "flight"}},
	// a jump from a high place
	{name: "jump", parts: [][]string{harmJump, harmHigh},
		unless: []string{"pool", "piscine", "piscina", "schwimmbad", "parachute", "bungee", "trampoline", "movie", "film", "scene", "game"}},
	// someone else's farewell, then silence
	{name: "farewell_relayed", parts: [][]string{
		{"wrote", "posted", "texted", "a écrit", "a posté", "escribió", "publicó", "schrieb", "hat geschrieben", "escreveu", "postou",
			"كتب", "كتبت", "نزل بوست", "katab", "katbet", "لिखा", "ने लिखा", "likha", "لکھا"},
		{"goodbye", "farewell", "forgive me", "adieu", "pardonnez", "despedida", "perdónenme", "abschied", "verzeiht", "despedida", "me perdoem",
			"وداع", "سامحوني", "wada3", "sam7ooni", "माफ कर देना", "माफ़ कर देना", "माफ करना", "alvida", "अलविदा", "maaf kar dena", "معاف کر دینا", "معاف کرنا"},
		{"phone off", "phone is off", "phone's off", "not answering", "nobody knows where", "no one knows where", "can't reach", "cant reach",
			"téléphone éteint", "répond plus", "personne ne sait où", "teléfono apagado", "no contesta", "nadie sabe dónde", "handy aus", "geht nicht ran",
			"niemand weiß wo", "telefone desligado", "não atende", "ninguém sabe onde", "تلفونه مسكر", "جواله مقفل", "ما حدا عارف وين", "محدش عارف هو فين",
			"ma 7ada 3aref wino", "ma 7ada 3arif wein", "ma 7ada 3aref wen", "फोन बंद", "फ़ोन बंद", "phone band", "फोन नहीं उठा", "فون بند", "فون نہیں اٹھا"},
	}},
}

// notSelfHarm are negated wishes and figures of speech that hold a part
// of a harm rule: they are blanked out before the rules are read.
var notSelfHarm = []string{
	"don't want to die", "dont want to die", "do not want to die", "not going to jump", "won't jump", "wont jump", "never jump",
	"could die of", "die of embarrassment", "die laughing", "dying to", "killing me", "to die for",
	"ne veux pas mourir", "no quiero morir", "will nicht sterben", "não quero morrer", "nao quero morrer", "ما بدي موت", "ما بدي اموت",
	"won't end my life", "will not end my life", "ma baddi moot", "मरना नहीं चाहता", "मरना नहीं चाहती", "مرنا نہیں چاہتا",
}

type harmCompiled struct {
	name   string
	parts  []phraseSet
	unless phraseSet
}

var (
	harmSets       []harmCompiled
	notSelfHarmSet phraseSet
	// harmFirst holds the first part of every rule: one pass over a
	// message rules them all out in the common case.
	harmFirst phraseSet
)

func init() {
	var first []string
	for _, r := range harmRules {
		first = append(first, r.parts[0]...)
		c := harmCompiled{name: r.name, unless: compile(withDeaccent(r.unless))}
		for _, p := range r.parts {
			c.parts = append(c.parts, compile(withDeaccent(p)))
		}
		harmSets = append(harmSets, c)
	}
	notSelfHarmSet = compile(withDeaccent(notSelfHarm))
	harmFirst = compile(withDeaccent(first))
}

// withDeaccent returns list with the unaccented form of each phrase added,
// as people often type it.
func withDeaccent(list []string) []string {
	out := append([]string{}, list...)
	for _, p := range list {
		if d := deaccent(p); d != p {
			out = append(out, d)
		}
	}
	return out
}

// selfHarmTold reports whether padded (" "+normalised text+" ", hazard
// words masked) tells of suicide or self-harm: a phrase of selfHarmPhrases
// or a harm rule, once the negated wishes and figures of speech
// (notSelfHarm) are blanked, so that "i dont want to die, how do i stay
// warm" is never labelled self-harm for holding "want to die".
func selfHarmTold(padded string) bool {
	if notSelfHarmSet.match(padded) {
		padded = notSelfHarmSet.blank(padded)
	}
	return selfHarmSet.match(padded) || selfHarmRule(padded) != ""
}

// selfHarmRule returns the name of the harm rule padded (" "+normalised
// text+" ") tells, "" when none.
func selfHarmRule(padded string) string {
	if !harmFirst.match(padded) {
		return "" // the common case
	}
	if notSelfHarmSet.match(padded) {
		padded = notSelfHarmSet.blank(padded)
	}
next:
	for _, r := range harmSets {
		for _, p := range r.parts {
			if !p.match(padded) {
				continue next
			}
		}
		if !r.unless.match(padded) {
			return r.name
		}
	}
	return ""
}

// Someone left behind: the sender is out or fine ("we got out", "الحمد لله
// طلعنا", "hum theek hain"), and after a contrast word a named person is
// still inside, still under, or went back in ("but grandma is still in the
// house and the fire is coming"). wellNoRisk reads such a message as safe
// when no danger phrase is in it; this reading raises it. A thing still
// under water ("the car is still under water") names no person and is not
// raised.
var (
	// leftWriterOut says the sender is out or fine.
	leftWriterOut = []string{
		"we got out", "got out", "we're out", "we are out", "made it out", "on est sortis", "nous sommes sortis", "on a pu sortir",
		"salimos", "logramos salir", "pudimos salir", "saímos", "saimos", "conseguimos sair", "wir sind raus", "wir sind draußen", "rausgekommen",
		"طلعنا", "خرجنا", "نجينا", "tele3na", "tla3na", "tle3na", "5rajna", "kharajna", "हम निकल आए", "हम बाहर", "nikal aaye", "hum bahar",
		"ہم نکل آئے", "ہم باہر",
	}
	// leftPerson names a person other than the sender.
	leftPerson = []string{
		"brother", "sister", "mum", "mom", "mother", "dad", "father", "grandma", "grandpa", "grandmother", "grandfather", "granny", "uncle", "aunt",
		"neighbour", "neighbor", "son", "daughter", "baby", "husband", "wife", "friend", "wife's", "cousin",
		"frère", "sœur", "soeur", "maman", "papa", "mère", "père", "mamie", "papi", "grand-mère", "grand-père", "oncle", "tante", "voisin", "voisine",
		"fils", "fille", "bébé", "mari", "femme", "cousin", "cousine",
		"hermano", "hermana", "hermanito", "hermanita", "mamá", "papá", "madre", "padre", "abuela", "abuelo", "tío", "tía", "vecino", "vecina", "hijo", "hija", "bebé", "esposo",
		"esposa", "primo", "prima",
		"bruder", "schwester", "mama", "papa", "mutter", "vater", "oma", "opa", "onkel", "tante", "nachbar", "nachbarin", "sohn", "tochter", "mann", "frau",
		"irmão", "irmã", "irmãozinho", "irmãzinha", "mãe", "pai", "avó", "avô", "vovó", "vovô", "vó", "tio", "tia", "vizinho", "vizinha", "filho", "filha", "bebê", "marido", "esposa",
		"اخوي", "اخي", "اخوك", "اختي", "امي", "ابوي", "ابي", "جدتي", "جدي", "ستي", "تيتا", "عمي", "خالي", "خالتي", "عمتي", "جارتنا", "جارنا", "جاري",
		"جارتي", "جيراننا", "ابني", "بنتي", "زوجي", "زوجتي", "ماما", "بابا",
		"khayye", "akhoy", "akhi", "ekhti", "ukhti", "emmi", "bayye", "teta", "sitti", "jeddo", "3ammi", "khali", "khalti", "jaretna", "jarna", "jirana",
		"ibni", "binti", "jouzi", "mrati",
		"मामा", "मामी", "चाचा", "चाची", "भाई", "बहन", "माँ", "मां", "पापा", "दादी", "दादा", "नानी", "नाना", "पड़ोसी", "बेटा", "बेटी", "पति", "पत्नी",
		"mama", "mamoo", "mamu", "chacha", "chachi", "bhai", "behen", "dadi", "dada", "nani", "nana", "padosi", "beta", "beti",
		"ماموں", "مامو", "چچا", "چاچی", "بھائی", "بہن", "امی", "ابو", "دادی", "دادا", "نانی", "نانا", "پڑوسی", "بیٹا", "بیٹی",
		// a neighbour known by sight
		"old lady", "old man", "old woman", "vieille dame", "vieux monsieur", "la señora", "el señor", "señora mayor", "señor mayor",
		"alte dame", "alter mann", "alte frau", "senhora", "senhor", "idosa", "idoso", "الختياره", "الختيار", "الحجه", "الحجي", "العجوز",
		"el 7ajje", "el 7ajj", "el khetyara", "अम्मा", "बुज़ुर्ग", "buzurg", "amma ji", "بزرگ", "اماں جی",
	}
	// leftStill tells the person is still there or went back.
	leftStill = append([]string{
		"went back", "gone back", "ran back", "retourné", "retournée", "volvió",
		"voltou", "zurück", "wieder rein", "رجع", "رجعت",
		"rje3", "rij3et", "वापस", "wapas", "واپس",
	}, stillWords...)
	// leftPlace is where the danger is.
	leftPlace = []string{
		"inside", "in the house", "in the building", "burning", "fire", "water", "under", "rubble", "in there", "back in", "went in",
		"on the roof", "sur le toit", "en el techo", "en el tejado", "auf dem dach", "no telhado", "على السطح", "عالسطح", "3al sat7", "छत पर", "chhat par", "چھت پر",
		"dedans", "à l'intérieur", "dans la maison", "dans l'immeuble", "le feu", "feu", "l'eau", "sous",
		"dentro", "adentro", "en la casa", "edificio", "fuego", "agua", "debajo", "na casa", "no prédio", "fogo", "água", "embaixo",
		"im haus", "im gebäude", "feuer", "wasser", "drin", "drinnen", "unter",
		"تحت", "جوا", "جوه", "جواه", "بالبيت", "بالبنايه", "بالعماره", "النار", "المي", "الميه", "الحريق", "الردم",
		"ta7t", "jowwa", "jouwa", "juwwa", "bel bet", "bel beit", "el nar", "el mayy", "el mayye",
		"जलती", "बिल्डिंग", "अंदर", "पानी", "आग", "मलबे", "jalti", "building", "imarat", "andar", "paani", "aag", "malbe",
		"جلتی", "عمارت", "اندر", "پانی", "آگ", "ملبے",
		// upstairs or in the smoke
		"upstairs", "top floor", "smoke", "en haut", "à l'étage", "fumée", "arriba", "piso de arriba", "humo", "oben", "rauch",
		"em cima", "lá em cima", "fumaça", "فوق", "الدخان", "دخان", "fo2", "d5an", "dokhan", "ऊपर", "धुआं", "धुआँ", "upar", "dhuan", "dhuaan",
		"اوپر", "دھواں",
	}
	// leftBack tells the person went back in, where the danger is.
	leftBack = []string{
		"went back in", "went back inside", "ran back in", "went back for", "went back to get", "volvió a entrar", "volvió adentro", "volvió por",
		"est retourné chercher", "est retournée chercher", "est retourné à l'intérieur", "est retournée à l'intérieur", "est rentré chercher",
		"est rentrée chercher", "ist nochmal rein", "ist wieder rein", "nochmal reingegangen", "wieder reingegangen", "voltou pra pegar",
		"voltou para pegar", "voltou pra dentro", "voltou lá dentro", "voltou para dentro", "رجع فات", "رجع لجوا", "رجع لجوه", "رجعت فاتت",
		"rje3 fet", "reje3 fet", "वापस अंदर", "wapas andar", "واپس اندر",
	}
	leftWriterSet, leftPersonSet, leftStillSet, leftPlaceSet, leftBackSet phraseSet
)

func init() {
	leftWriterSet = compile(withDeaccent(leftWriterOut))
	leftPersonSet = compileWhole(withDeaccent(leftPerson))
	leftStillSet = compile(withDeaccent(leftStill))
	leftPlaceSet = compile(withDeaccent(leftPlace))
	leftBackSet = compile(withDeaccent(leftBack))
}

// leftBehind reports whether padded tells the sender out or fine and, in a
// later clause after a contrast word, a named person still in danger.
func leftBehind(padded string) bool {
	if !leftPersonSet.match(padded) || (!leftStillSet.match(padded) && !leftBackSet.match(padded)) {
		return false // the common case
	}
	parts := splitContrast(padded)
	for i := 1; i < len(parts); i++ {
		before := " " + strings.Join(parts[:i], " ") + " "
		if !wellSet.match(before) && !leftWriterSet.match(before) {
			continue
		}
		p := parts[i]
		if leftPersonSet.match(p) && (leftBackSet.match(p) || leftStillSet.match(p) && leftPlaceSet.match(p)) {
			return true
		}
	}
	return false
}

// "My mum will kill me when she sees my report card", "je vais me faire
// tuer, j'ai cassé le vase": someone at home "killing" the sender over
// everyday trouble (marks, being late, something broken or lost) is a
// figure of speech. A real threat names no such trouble, or names a
// weapon, a locked door or a partner, which keep the ordinary reading.
var (
	// scoldKill is the "will kill me" of the figure, told of someone else.
	scoldKill = []string{
		"kill me", "killing me", "murder me", "gonna kill me", "me tuer", "me faire tuer", "va me tuer", "vont me tuer", "me va a matar", "me mata",
		"me van a matar", "me matar", "vai me matar", "vão me matar", "bringt mich um", "bringen mich um", "killt mich", "macht mich fertig",
		"يقتلني", "تقتلني", "رح تقتلني", "راح تقتلني", "هتقتلني", "حتقتلني", "تموتني", "هتموتني", "يموتني", "هيموتني", "غادي تقتلني", "غتقتلني",
		"bi2telni", "bt2telni", "ra7 t2telni", "hat2telni", "hay2telni", "ra7 y2telni", "hatmawetni", "hayemawetni", "hatmawatni", "haymawetni", "7atmawetni", "ghadi t9telni", "ghat9telni",
		"मार डालेगी", "मार डालेगा", "मार डालेंगे", "जान ले लेगी", "जान ले लेगा", "maar dalegi", "maar dalega", "maar dalenge", "maar degi", "jaan le legi",
		"مار ڈالے گی", "مار ڈالے گا", "مار ڈالیں گے", "جان لے لے گی", "maar daale gi", "mar dalegi",
	}
	// scoldTrouble is the everyday trouble the figure is about.
	scoldTrouble = []string{
		"report card", "grades", "my marks", "my results", "exam", "exams", "test", "homework", "late", "curfew", "broke", "broken", "scratched",
		"dented", "lost my phone", "phone bill", "bulletin", "mes notes", "ma note", "mauvaise note", "en retard", "cassé", "casse", "rayé",
		"notas", "mis notas", "la libreta", "boletín", "boletin", "tarde", "rompí", "rompi", "llegué tarde", "suspendí", "reprobé",
		"boletim", "nota", "notas", "prova", "atrasado", "atrasada", "quebrei", "reprovei", "zeugnis", "noten", "klausur", "zu spät", "kaputt gemacht",
		"الشهاده", "النتيجه", "الامتحان", "العلامات", "علاماتي", "تاخرت", "كسرت", "رسبت", "imti7an", "el imti7an", "natiga", "el natiga", "shahada",
		"el shahada", "sa2att", "saqatt", "rsabt", "t2a5art", "ta2akhart", "kasart", "kassart",
		"रिपोर्ट कार्ड", "नंबर", "रिजल्ट", "परीक्षा", "देर", "फेल", "तोड़ दिया", "report card", "result", "marks", "number kam", "fail", "der se", "tod diya",
		"رپورٹ کارڈ", "رزلٹ", "نمبر", "امتحان", "دیر", "فیل", "توڑ دیا",
	}
	// scoldReal keeps the threat: a weapon, a partner, a locked door (and
	// confinedIn: locked in, the phone taken or broken).
	scoldReal = []string{
		"husband", "boyfriend", "partner", "ex", "stepfather", "stepdad", "knife", "gun", "door", "locked", "hits me", "beats me", "mari", "copain", "couteau", "porte",
		"marido", "novio", "pareja", "cuchillo", "puerta", "ehemann", "freund", "messer", "tür", "namorado", "faca", "porta",
		"زوجي", "جوزي", "سكين", "الباب", "jozi", "zawji", "sikkeen", "पति", "चाकू", "दरवाज", "pati", "chaku", "सौतेले", "sautele", "फोन तोड़", "phone tod", "فون توڑ", "شوہر", "چاقو", "دروازہ",
	}
	scoldKillSet, scoldTroubleSet, scoldRealSet phraseSet
)

func init() {
	scoldKillSet = compile(withDeaccent(scoldKill))
	scoldTroubleSet = compileWhole(withDeaccent(scoldTrouble))
	scoldRealSet = compile(withDeaccent(append(append([]string{}, scoldReal...), confinedIn...))) // locked in, phone taken
}

// scoldHyperbole reports whether padded tells of someone "killing" the
// sender over everyday trouble, with nothing of a real threat in it.
func scoldHyperbole(padded string) bool {
	return scoldKillSet.match(padded) && scoldTroubleSet.match(padded) && !scoldRealSet.match(padded)
}
