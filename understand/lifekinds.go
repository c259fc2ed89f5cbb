package understand

// Three kinds of danger a responder must never miss, read by meaning: a
// fit that has gone on for minutes or will not stop (status epilepticus),
// a person buried under earth, mud or snow, and a baby or small child whose
// lips or fingers have gone blue or grey (cyanosis). Each is a conjunction,
// so one part alone ("he had a seizure last year", "the kids buried dad in
// the sand", "blue lips from the ice lolly") names nothing. A fit told as
// going on stays danger even when another clause says help went elsewhere
// ("the ambulance was sent to another town and she has been fitting for ten
// minutes"): see liveConcept.

// fitWords names a seizure in progress.
var fitWords = []string{
	"seizure", "seizures", "seizing", "fitting", "having a fit", "convulsing", "convulsion", "convulsions", "jerking and shaking",
	"crise d'épilepsie", "crise d'epilepsie", "crise convulsive", "convulse", "convulsions", "convulser", "en train de convulser",
	"convulsionando", "convulsión", "convulsion", "convulsiones", "convulsiona", "ataque epiléptico", "crisis epiléptica", "crisis convulsiva",
	"krampfanfall", "krampfanfälle", "krampft", "krampfen", "epileptischer anfall", "zuckt am ganzen körper",
	"convulsão", "convulsao", "convulsões", "convulsionando", "convulsiona", "crise epiléptica", "crise epileptica", "crise convulsiva",
	"تشنج*", "يتشنج", "تتشنج", "بيتشنج", "بتتشنج", "نوبه صرع", "نوبة صرع", "صرع",
	"tashannoj", "tshannoj", "yetshannaj", "tetshannaj", "btetshannaj", "byetshannaj", "sar3", "kat9ella9", "kay9ella9", "kattshenn9", "crise d sar3",
	"दौरा", "दौरे", "झटके", "मिर्गी", "daura", "daure", "dora", "jhatke", "mirgi",
	"دورہ", "دورے", "جھٹکے", "مرگی", "jhatkay",
}

// fitGoingOn says the fit has lasted minutes or does not stop.
var fitGoingOn = []string{
	"minutes", "mins", "for ten", "won't stop", "wont stop", "not stopping", "isn't stopping", "hasn't stopped", "doesn't stop", "keeps going", "still",
	"one after another", "non stop", "nonstop",
	"minutes", "depuis", "n'arrête pas", "s'arrête pas", "ne s'arrête pas", "toujours", "encore", "l'une après l'autre",
	"minutos", "lleva", "llevan", "no para", "no se le pasa", "no se detiene", "sigue", "desde hace", "una tras otra",
	"minuten", "seit", "hört nicht auf", "hoert nicht auf", "immer noch", "noch immer", "einer nach dem anderen",
	"minutos", "há", "faz", "não para", "nao para", "não passa", "nao passa", "continua", "ainda", "um atrás do outro",
	"دقايق", "دقائق", "دقيقه", "دقيقة", "صرلها", "صرله", "صارلها", "صارله", "لسا", "لسه", "ما وقف", "ما عم يوقف", "ما بيوقف", "ما بتوقف",
	"ما وقفت", "مش راضي يوقف", "مش عايز يقف", "ما حبسش", "مازال", "ورا بعض",
	"d2aye2", "da2aye2", "d9aye9", "dqayeq", "sarlo", "sarla", "sarlha", "lessa", "lissa", "ma wa2af", "ma 3am ywa2ef", "ma bi wa2ef",
	"mazal", "ma bghach y7bes", "ma 7besch", "wara ba3d",
	"मिनट", "मिनिट", "रुक नहीं", "रुक ही नहीं", "अभी भी", "लगातार", "बार बार", "minute", "minat", "ruk nahi", "ruk hi nahi", "abhi bhi", "lagatar",
	"منٹ", "رک نہیں", "رک ہی نہیں", "ابھی بھی", "مسلسل", "بار بار", "musalsal", "baar baar",
}

// buriedUnder says someone is covered by what fell on them.
var buriedUnder = []string{
	"buried", "buried under", "covered by", "covered in", "swallowed",
	"enseveli", "ensevelie", "ensevelis", "enterré", "enterrés", "recouvert", "recouverts", "tapado", "tapados", "tapada", "sepultado", "sepultados", "sepultada", "enterrado", "enterrados", "enterrada", "cubierto", "cubiertos",
	"verschüttet", "verschuettet", "begraben",
	"soterrado", "soterrados", "soterrada", "enterrado", "enterrados", "coberto", "cobertos",
	"مدفون", "مدفونين", "انطمر", "انطمروا", "طمر*", "انردم", "تحت التراب", "تحت الطين", "تحت التلج", "تحت الثلج", "غطاه", "غطاهم",
	"madfoun", "madfounin", "ntamar", "tamar", "t7t trab", "ta7t el trab", "ta7t ettrab", "ta7t el tin", "ta7t el talj", "ta7t tlj", "ghtah", "ghattah",
	"दब गया", "दब गई", "दब गए", "दबे", "दफ़न", "दफन", "नीचे दबा", "dab gaya", "dab gaye", "dab gayi", "dabe", "dafan",
	"دب گیا", "دب گئی", "دب گئے", "دبے", "دفن", "نیچے دبا",
}

// buriedBy is the earth, mud, snow or slide that covered them.
var buriedBy = append([]string{
	"earth", "mud", "dirt", "soil", "landslide", "mudslide", "hill", "bank", "trench", "roof snow",
	"terre", "boue", "glissement", "colline", "tranchée",
	"tierra", "lodo", "barro", "cerro", "deslave", "derrumbe", "zanja", "ladera",
	"erde", "schlamm", "dachlawine", "hang", "erdrutsch", "mure", "graben",
	"terra", "lama", "barro", "barranco", "deslizamento", "morro", "encosta", "vala",
	"تراب", "التراب", "طين", "الطين", "وحل", "تلج", "التلج", "الجبل", "انهيار", "الانهيار",
	"trab", "ettrab", "tin", "ttin", "tlj", "ljbel", "el jabal", "inhiyar",
	"मिट्टी", "कीचड़", "कीचड", "बर्फ़", "पहाड़", "भूस्खलन", "mitti", "keechad", "kichad", "pahad",
	"مٹی", "کیچڑ", "پہاڑ", "لینڈ سلائیڈ", "keechar",
}, snowWords...)

// showingOnly says all that shows of a person is a limb or a boot.
var showingOnly = []string{
	"sticking out", "poking out", "only his", "only her", "only a", "all we can see",
	"dépasse", "dépassent", "on ne voit que", "on voit juste",
	"asoma", "asomando", "sobresale", "solo se ve", "sólo se ve", "se le ve",
	"rausschauen", "rausschaut", "schaut raus", "ragt heraus", "ragt raus", "nur noch",
	"aparecendo", "só aparece", "so aparece", "só se vê", "so se ve", "pra fora",
	"طالع", "طالعه", "بس بيبان", "بس باين", "غير باين", "tale3", "bass bayen", "ghir bayn",
	"बाहर निकला", "सिर्फ़", "सिर्फ", "bahar nikla", "sirf",
	"باہر نکلا", "صرف",
}

// buriedLimb is the limb, boot or head that shows.
var buriedLimb = []string{
	"boot", "foot", "feet", "hand", "arm", "leg", "head", "shoe",
	"botte", "pied", "main", "bras", "jambe", "tête", "chaussure",
	"bota", "pie", "mano", "brazo", "pierna", "cabeza", "zapato",
	"stiefel", "fuß", "fuss", "hand", "arm", "bein", "kopf", "schuh",
	"bota", "pé", "mão", "braço", "perna", "cabeça", "sapato",
	"جزمه", "رجل", "ايد", "ايده", "راس", "صباط", "sabat", "rjel", "id", "ras",
	"जूता", "पैर", "हाथ", "सिर", "joota", "pair", "haath", "sir",
	"جوتا", "پیر", "پاؤں", "ہاتھ", "سر", "joota", "haath",
}

// smallChild names a baby or young child.
var smallChild = []string{
	"baby", "babies", "newborn", "infant", "toddler", "my little", "month old", "months old", "month-old", "year old", "year-old", "kid", "child",
	"bébé", "nourrisson", "nouveau-né", "petit", "petite", "mois", "enfant",
	"bebé", "bebe", "bebita", "recién nacido", "niño", "niña", "meses", "nena", "nene",
	"baby", "säugling", "neugeborenes", "kleinkind", "monate", "kind", "kleine", "kleiner",
	"bebê", "bebe", "nenê", "recém-nascido", "criança", "meses", "filhinho", "filhinha",
	"البيبي", "بيبي", "الرضيع", "رضيع", "الطفل", "طفل", "طفله", "بنتي", "ابني", "شهور", "اشهر", "شهرين",
	"bebe", "lbebe", "redi3", "tfel", "tefl", "tifl", "bnti", "binti", "ebni", "ibni", "shhour", "chhor", "shahrain",
	"बच्चा", "बच्ची", "बच्चे", "शिशु", "बेटी", "बेटा", "महीने", "bachcha", "bachchi", "baccha", "bacchi", "mahine",
	"بچہ", "بچی", "بچے", "بیٹی", "بیٹا", "مہینے", "bacha", "bachi",
}

// lipsFingers are where cyanosis shows.
var lipsFingers = []string{
	"lips", "lip", "fingers", "fingertips", "nails", "mouth", "face", "toes",
	"lèvres", "levres", "doigts", "ongles", "bouche", "visage",
	"labios", "labio", "dedos", "dedito", "deditos", "uñas", "boca", "cara",
	"lippen", "lippe", "finger", "fingerchen", "nägel", "mund", "gesicht",
	"lábios", "labios", "dedos", "dedinhos", "unhas", "boca", "rosto",
	"شفايف", "شفايفه", "شفايفها", "شفاه", "شفته", "صوابع", "صوابعه", "صوابعها", "اصابع", "اصابعها", "وجهه", "وجهها",
	"shfayef", "chfayf", "chfaifha", "swabe3", "sawabe3", "sbab3", "wijho", "wejha",
	"होंठ", "होठ", "उंगलियां", "उंगलियाँ", "उँगलियाँ", "नाखून", "चेहरा", "hoth", "honth", "ungliyan", "ungliya",
	"ہونٹ", "انگلیاں", "ناخن", "چہرہ", "hont", "ungliyan",
}

// goneBlue says they turned blue or grey.
var goneBlue = []string{
	"blue", "bluish", "blueish", "grey", "gray", "purple",
	"bleu", "bleue", "bleues", "bleus", "bleuté", "bleutées", "bleutés", "bleuâtre", "bleuâtres", "gris", "grise", "grises", "violet", "violettes",
	"azul", "azules", "azulado", "azulados", "azulada", "azuladas", "morado", "morados", "morada", "moradas", "gris", "grises",
	"blau", "bläulich", "blaeulich", "grau", "lila",
	"azul", "azuis", "azulado", "azulados", "azulada", "roxo", "roxos", "roxa", "roxas", "cinza", "cinzento",
	"زرق", "زرقا", "زرقاء", "ازرق", "ازرقت", "ازرقو", "رمادي", "رماديه", "بنفسجي", "zr9in", "zar2a", "zer2", "ezra2", "zr9a", "rmadi",
	"नीले", "नीली", "नीला", "सलेटी", "बैंगनी", "neele", "neeli", "neela", "nile", "nili",
	"نیلے", "نیلی", "نیلا", "سرمئی", "جامنی", "neelay",
}

// cyanosisUnless is what colours lips blue with nobody ill.
var cyanosisUnless = []string{
	"ice lolly", "lolly", "popsicle", "ice pop", "slush", "slushie", "blueberr*", "candy", "sweets", "lollipop", "paint", "marker", "crayon", "ink", "face paint",
	"costume", "lipstick", "glace", "sucette", "myrtille*", "bonbon*", "peinture", "feutre", "maquillage", "rouge à lèvres",
	"paleta", "helado", "arándano*", "caramelo*", "chuche*", "pintura", "plumón", "rotulador", "disfraz", "pintalabios",
	"eis am stiel", "wassereis", "heidelbeer*", "blaubeer*", "bonbon*", "farbe", "filzstift", "kostüm", "schminke", "lippenstift",
	"picolé", "picole", "sorvete", "mirtilo*", "bala", "tinta", "canetinha", "fantasia", "batom",
	"بوظه", "بوظة", "ايس كريم", "مصاصه", "حلاوه", "الوان", "ألوان", "تلوين", "buza", "glace", "ice cream", "sucette",
	"आइसक्रीम", "कुल्फी", "रंग", "कैंडी", "ice candy", "kulfi", "rang",
	"آئس کریم", "قلفی", "رنگ", "کینڈی",
}

var lifeKindConcepts = []concept{
	// a fit going on for minutes or not stopping
	{name: "fit_ongoing", parts: []conceptPart{
		{neg: true, phrases: fitWords},
		{phrases: fitGoingOn},
	}, unless: []string{"last year", "years ago", "as a child", "l'année dernière", "el año pasado", "letztes jahr", "ano passado", "پچھلے سال", "पिछले साल"}},
	// someone buried by earth, mud or snow
	{name: "buried_person", parts: []conceptPart{
		{neg: true, phrases: buriedUnder},
		{phrases: buriedBy},
	}, unless: []string{"treasure", "time capsule", "sandcastle", "snowman", "for fun", "laughing", "dog buried", "bone", "trésor", "tesoro", "schatz", "tesouro", "pipes", "cable", "cables"}},
	// only a boot or a hand shows of someone under the snow or a slide
	{name: "buried_showing", parts: []conceptPart{
		{phrases: showingOnly},
		{phrases: buriedLimb},
		{phrases: buriedBy},
	}},
	// a baby or small child with blue or grey lips or fingers
	{name: "child_cyanosis", parts: []conceptPart{
		{phrases: smallChild},
		{phrases: lipsFingers},
		{neg: true, phrases: goneBlue},
	}, unless: cyanosisUnless},
}

// liveConcept reports whether masked names a fit going on now: a clause
// that tells a hazard as elsewhere or over ("the ambulance went the other
// way") does not make an ongoing fit over.
func liveConcept(masked string) bool {
	return fitWordSet.match(masked) && fitGoingOnSet.match(masked) && !fitPastSet.match(masked) && !fitStoppedSet.match(masked)
}

// fitStopped tells the fit as over: then a clause telling help elsewhere
// or over may make the message calm, as for any danger phrase.
var fitStopped = []string{
	"stopped", "it's over", "has passed", "came round", "came to", "woke up",
	"s'est arrêté", "s'est arrêtée", "c'est passé", "elle est revenue", "il est revenu",
	"paró", "se le pasó", "se detuvo", "ya pasó", "despertó",
	"hat aufgehört", "ist vorbei", "aufgewacht", "wieder wach",
	"parou", "passou", "acordou",
	"وقف", "وقفت", "خلص", "راحت النوبه", "صحي", "صحيت", "wa2af", "wa2fet", "khals", "7bes", "fa9",
	"रुक गया", "रुक गए", "रुक गई", "होश आ गया", "ruk gaya", "ruk gaye", "hosh aa gaya",
	"رک گیا", "رک گئے", "رک گئی", "ہوش آ گیا",
}

var (
	fitWordSet    = compile(fitWords)
	fitGoingOnSet = compile(fitGoingOn)
	fitPastSet    = compile(lifeKindConcepts[0].unless)
	fitStoppedSet = compileWhole(fitStopped)
)

// foodStainedLips are lips told blue from something eaten or drawn ("blue
// lips from the ice lolly", "blaue Lippen von den Heidelbeeren"): blanked
// with the harmless senses, so the danger phrase for blue lips does not
// read them. Lips blue "from the cold" are not among them.
func foodStainedLips() []string {
	type lang struct{ lips, by, what []string }
	langs := []lang{
		{[]string{"blue lips", "lips blue", "purple lips", "lips purple"}, []string{"from the", "from a", "from"},
			[]string{"ice lolly", "lolly", "popsicle", "ice pop", "slushie", "slush", "blueberries", "candy", "sweets", "lollipop", "paint", "marker", "ink"}},
		{[]string{"lèvres bleues", "lèvres toutes bleues", "lèvres violettes"}, []string{"à cause de la", "à cause du", "à cause des", "de la", "du", "des"},
			[]string{"glace", "sucette", "myrtille", "myrtilles", "bonbon", "bonbons", "peinture", "feutre"}},
		{[]string{"labios azules", "labios morados", "boca azul", "boca morada"}, []string{"de la", "del", "de los", "de las", "por la", "por el", "por los"},
			[]string{"paleta", "helado", "arándanos", "arandanos", "mora", "moras", "caramelo", "caramelos", "chuches", "pintura", "plumón", "rotulador", "granizado"}},
		{[]string{"blaue lippen", "lila lippen"}, []string{"von den", "von der", "vom", "von"},
			[]string{"eis", "wassereis", "heidelbeeren", "blaubeeren", "bonbons", "lutscher", "farbe", "filzstift"}},
		{[]string{"lábios azuis", "lábios roxos", "boca azul", "boca roxa"}, []string{"do", "da", "dos", "das", "por causa do", "por causa da"},
			[]string{"picolé", "picole", "sorvete", "mirtilo", "mirtilos", "bala", "balas", "pirulito", "tinta", "canetinha", "amora", "açaí", "acai"}},
	}
	var out []string
	for _, l := range langs {
		for _, lips := range l.lips {
			for _, by := range l.by {
				for _, what := range l.what {
					out = append(out, lips+" "+by+" "+what)
				}
			}
		}
	}
	return out
}
