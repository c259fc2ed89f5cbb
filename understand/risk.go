package understand

// Dangers no single phrase names: someone who cannot walk while water or
// fire comes, an infant with a severe sign of dehydration or illness. Each
// is a pair of phrase sets; a message holding a phrase of both names a
// person at risk now, like a danger phrase.

// riskPhrases name a person at risk now in words not tied to one hazard:
// not waking, fainting, convulsing, turning blue, a boat capsized, someone
// missing in the disaster. They are added to the danger phrases.
var riskPhrases = []string{
	"won't wake", "wont wake", "not waking", "doesn't wake", "doesnt wake", "does not wake", "can't wake", "cant wake", "cannot wake",
	"can't be woken", "won't come round", "fainted", "keeps fainting", "convulsing", "convulsions", "turning blue", "gone blue",
	"went blue", "lips are blue", "lips blue", "capsized", "kids in the water", "children in the water", "people in the water", "someone in the water", "enfants dans l'eau", "niños en el agua", "kinder im wasser", "crianças na água", "बच्चे पानी में", "بچے پانی میں", "الاولاد في المي", "الاطفال في الماء", "الاطفال في المي", "el wlad fel maya", "boat overturned", "boat flipped", "still missing", "missing in the", "missing after the", "disparu dans", "disparue dans", "went missing",
	"gone missing", "swept off", "barely conscious", "semi conscious",
	// nobody knows where someone is, no news of them: a person missing now
	"nobody knows where he is", "nobody knows where she is", "no one knows where he is", "no one knows where she is", "no news of him", "no news of her",
	"laapata", "laapta", "لا نعرف وينه", "ما حدا بيعرف وينه", "محدش عارف هو فين", "حتى خبر ماكاين", "حتى خبر ما كاين", "ma 7ada b3ref weno", "mahadesh 3aref howa fein",
	"personne ne sait où il est", "personne ne sait où elle est", "nadie sabe dónde está", "niemand weiß wo er ist", "niemand weiß wo sie ist",
	"ninguém sabe onde ele está", "ninguém sabe onde ela está", "किसी को नहीं पता कहां है", "کسی کو نہیں پتہ کہاں ہے",
	// hiding from an attacker
	"we're hiding", "we are hiding", "hiding from him", "hiding from them", "on est cachés", "nous sommes cachés", "on se cache", "estamos escondidos",
	"nos escondimos", "verstecken uns", "haben uns versteckt", "nos escondemos", "مختبئين", "مستخبيين", "مخبايين", "مستخبين", "mkhabbayin", "mitkhabbyin",
	"mstakhbyin",
	// burns and scalds
	"scalded", "badly burned", "badly burnt", "boiling water on", "boiling oil", "se quemó con", "quemadura grave", "aceite hirviendo", "agua hirviendo",
	"ébouillanté*", "brûlé gravement", "gravement brûlé*", "huile bouillante", "eau bouillante", "verbrüht", "verbrannt am", "kochendem wasser", "heißem öl",
	"se queimou com", "queimadura grave", "óleo quente", "água fervendo", "झुलस गया", "झुलस गई", "खौलता पानी", "खौलते पानी", "جھلس گیا", "جھلس گئی", "کھولتا پانی",
	"انكب عليه مي مغلي", "مي مغليه", "زيت مغلي", "انحرق بالزيت", "zeit maghli", "mayy maghliye",
	"ما يصحى", "ما بيصحى", "مش بيصحى", "ما عم يصحى", "ما يفيق", "ما فاق", "ما صحي", "مش راضي يصحى", "اغمي علي*", "اغمى علي*", "غاب عن الوعي",
	"تشنج*", "يتشنج", "ازرق", "زرقا", "زرق", "انقلب القارب", "انقلبت القارب", "انقلب المركب", "انقلبت السفينه", "انقلبت المركب", "مفقود*", "اختفى", "اختفت", "جرفته", "جرفتهم", "جرفها",
	"ma bisa7i", "ma byis7a", "msh biy9a7a", "ma fa2", "ma fe2", "mesh bisha7i", "oghmi 3aleh", "ghayeb 3an el wa3i", "ytshannaj", "tshannuj",
	"azra2", "zar2a", "en2alab el markab", "in2alab el 2areb", "2lb el markab", "mafqood", "mafkoud", "mafqoud", "mafqouda", "mafqudin",
	"ekhtafa", "jarafto", "jarafhom",
	// Maghrebi: gone blue ("zre9", "zr9")
	"chfayfo zr9in", "chfayfha zr9in", "chfayfo zer9in", "chfayfha zer9in", "zr9o chfayfo", "zr9o chfayfha", "wlla zre9", "wella zre9",
	"wllat zer9a", "wellat zer9a", "kayzra9", "katzra9",
	"ne se réveille pas", "se réveille pas", "ne reprend pas connaissance", "s'est évanoui*", "évanoui*", "convulse", "convulsions", "devient bleu*",
	"lèvres bleues", "a chaviré", "chaviré", "bateau retourné", "porté disparu",
	"no despierta", "no se despierta", "no reacciona", "se desmayó", "desmayado", "desmayada", "convulsiona*", "convulsiones", "se está poniendo morado",
	"labios azules", "se volcó la lancha", "se volcó el bote", "zozobró", "desaparecido*", "desaparecida*",
	"no aparece", "arrastrado*", "arrastrada*", "se lo llevó el agua",
	"wacht nicht auf", "wacht nicht mehr auf", "nicht mehr wach", "nicht wach zu kriegen", "ohnmächtig", "bewusstlos", "krampft", "krämpfe",
	"läuft blau an", "blaue lippen", "wird blau", "gekentert", "boot gekippt", "vermisst", "mitgerissen", "nicht ansprechbar",
	"não acorda", "não desperta", "nao desperta", "desmaiou", "convulsionando", "convulsões", "ficando roxo", "ficando roxa", "lábios roxos",
	"virou o barco", "barco virou", "o barco virou", "canoa virou", "desaparecido*", "desaparecida*", "arrastado*",
	"arrastada*",
	"होश में नहीं", "होश नहीं", "उठ नहीं रहा", "उठ नहीं रही", "उठ नहीं रहे", "उठ ही नहीं", "जाग नहीं", "बेसुध", "झटके आ रहे", "दौरा पड़", "नीला पड़", "होंठ नीले",
	"नाव पलट", "नाव डूब", "लापता",
	"hosh mein nahi", "hosh nahi", "uth nahi raha", "uth nahi rahi", "jaag nahi", "behosh", "jhatke aa rahe", "daura pad", "neela pad",
	"naav palat", "nav palat", "naav doob", "lapata",
	"ہوش میں نہیں", "ہوش نہیں", "اٹھ نہیں رہا", "اٹھ نہیں رہی", "اٹھ نہیں رہے", "جاگ نہیں", "جھٹکے آ رہے", "دورہ پڑ", "نیلا پڑ", "ہونٹ نیلے", "کشتی الٹ",
	"کشتی ڈوب", "لاپتہ",
}

// A person who cannot move away from a hazard that is coming.
var immobile = []string{
	"can't walk", "cant walk", "cannot walk", "unable to walk", "bedridden", "wheelchair", "can't stand", "cannot stand", "can't climb", "cant climb",
	"ما يقدر يمشي", "ما تقدر تمشي", "مش قادر يمشي", "مش قادره تمشي", "ما بيقدر يمشي", "ما بتقدر تمشي", "كرسي متحرك", "مقعد*", "طريح الفراش",
	"ma yi2dar yimshi", "ma bi2dar yemshi", "msh 2ader yemshi", "mesh 2adra temshi", "ma t2dar tmshi", "kursi mota7arrek",
	"ne peut pas marcher", "peut pas marcher", "fauteuil roulant", "alité*", "grabataire",
	"no puede caminar", "no camina", "no puede andar", "silla de ruedas", "postrado*",
	"kann nicht laufen", "kann nicht gehen", "rollstuhl", "bettlägerig", "kann nicht aufstehen",
	"não consegue andar", "nao consegue andar", "não anda", "cadeira de rodas", "acamado*", "acamada*",
	"चल नहीं सक*", "चल नहीं पा*", "व्हीलचेयर", "बिस्तर पर हैं", "chal nahi sak*", "chal nahi pa*", "wheelchair",
	"چل نہیں سک*", "چل نہیں پا*", "وہیل چیئر", "بستر پر ہیں",
}

var comingHazard = []string{
	"water", "flood", "flooding", "fire", "smoke", "rising", "coming in", "getting in",
	"broke the bank", "broke its bank*", "burst its bank*", "burst the bank*", "overflow*",
	"الماء", "المياه", "المي", "الميه", "الموي", "الماي", "السيل", "فيضان", "النار", "حريق", "دخان", "داخل*", "تدخل", "يدخل", "ترتفع", "يرتفع", "تطلع",
	"maya", "mayye", "moya", "sayl", "fayadan", "nar", "7aree2", "dukhan", "dakhle", "btidkhol", "te5ol", "tetla3",
	"l'eau", "eau", "inondation", "crue", "feu", "fumée", "monte", "entre",
	"agua", "inundación", "inundacion", "fuego", "humo", "sube", "entra",
	"wasser", "hochwasser", "flut", "feuer", "rauch", "steigt", "kommt rein", "dringt",
	"água", "agua", "enchente", "cheia", "fogo", "fumaça", "fumo", "subindo", "entrando",
	"पानी", "बाढ़", "आग", "धुआं", "धुआँ", "घुस*", "बढ़*", "paani", "pani", "baadh", "aag", "ghus*",
	"پانی", "سیلاب", "آگ", "دھواں", "داخل", "گھس*", "بڑھ*",
}

// An infant or small child with a severe sign.
var infant = []string{
	"baby", "infant", "newborn", "toddler", "my child", "my son", "my daughter", "months old",
	"الرضيع", "رضيع*", "البيبي", "بيبي", "طفلي", "طفلتي", "ابني الصغير", "بنتي الصغيره", "المولود", "مولود*", "شهور",
	"bebe", "el bebe", "tifli", "tefli", "rade3", "el radee3", "ibni el sghir", "binti el sghire", "ashhor",
	"rdi3", "radi3", "rdi3a", "lbebe", "bebe dyali", "weldi sghir", "weldi sghayar", "bent sghira", "chhour", "chhor",
	"ولدي الصغير", "بنتي الصغيره", "الطفل الصغير", "البيبي ديالي",
	"bébé", "nourrisson", "nouveau-né", "mon fils", "ma fille", "mois",
	"bebé", "mi bebé", "recién nacido", "mi hijo", "mi hija", "meses",
	"baby", "säugling", "neugeborene*", "mein sohn", "meine tochter", "monate",
	"bebê", "meu bebê", "recém-nascido", "meu filho", "minha filha", "meses",
	"बच्चा", "बच्चे", "बच्ची", "शिशु", "नवजात", "महीने", "bachcha", "bacche", "bachchi", "mahine",
	"بچہ", "بچے", "بچی", "شیر خوار", "نومولود", "مہینے",
}

var severeSign = []string{
	"not peeing", "hasn't peed", "no wet diaper", "no wet nappy", "dry diaper", "dry nappy", "not drinking", "won't drink", "won't feed", "not feeding",
	"limp", "floppy", "not crying", "stopped crying", "no tears", "sunken", "burning up", "very high fever", "won't stop vomiting",
	"can't keep anything down", "not eating or drinking", "very pale", "dehydrated", "lethargic",
	"ما بيبول", "ما يبول", "ما عم يبول", "ما بيشرب", "ما يشرب", "ما يرضع", "ما بيرضع", "مش راضي يرضع", "مرخي", "رخو", "ما بيبكي", "ما يبكي", "بطل يبكي",
	"بدون دموع", "حرارته عاليه كتير", "حراره عاليه جدا", "ما يوقف استفراغ", "يستفرغ كل شي", "جفاف", "خامل", "شاحب",
	"ma bibool", "ma biyishrab", "mesh biyeshrab", "msh byishrab", "mish biyishrab", "7afada nashfa", "7afade nashfe", "الحفاضه ناشفه", "الحفاض ناشف", "البامبرز ناشف", "ma byirda3", "ma byibki", "btal yebki", "7araro 3alye", "jafaf", "5amel", "msh 3am yirda3",
	"ma kaychrebch", "ma kayachrebch", "ma kaychrbch", "ma yechrebch", "ma yechrabch", "ma yochrobch", "ma kaybolch", "ma kaybouelch", "ma ybolch", "ma ybouelch",
	"ma kayrda3ch", "ma yerda3ch", "ma kaybkich", "couche nachfa", "lcouche nachfa", "couche yabsa", "lcouche yabsa", "mre5i",
	"ما كيشربش", "ما كايشربش", "ما يشربش", "ما كيبولش", "ما يبولش", "ما كيرضعش", "ما يرضعش", "ما رضعش", "ما كيبكيش", "الكوش ناشفه", "الكوش يابسه", "الكوشه ناشفه",
	"ne fait plus pipi", "pas de pipi", "couche sèche", "ne boit plus", "ne boit pas", "ne tète plus", "tout mou", "toute molle", "ne pleure plus",
	"fièvre très forte", "vomit tout", "déshydraté*", "très pâle",
	"no orina", "no hace pipí", "pañal seco", "no toma", "no quiere tomar", "no come ni toma", "no llora", "ya no llora", "flojito", "sin lágrimas",
	"fiebre muy alta", "vomita todo", "deshidratado*", "muy pálido",
	"pinkelt nicht", "windel trocken", "trinkt nicht", "trinkt nichts", "schlapp", "weint nicht mehr", "sehr hohes fieber", "erbricht alles",
	"dehydriert", "ausgetrocknet", "ganz blass", "apathisch",
	"não faz xixi", "não fez xixi", "fralda seca", "não mama", "não bebe", "molinho", "não chora", "parou de chorar", "febre muito alta",
	"vomita tudo", "desidratado*", "muito pálido",
	"पेशाब नहीं", "पानी नहीं पी", "दूध नहीं पी", "सुस्त", "रो नहीं रहा", "रोना बंद", "बहुत तेज बुखार", "सब उलट", "उल्टी बंद नहीं", "डिहाइड्रेशन",
	"peshab nahi", "doodh nahi pi", "sust", "ro nahi raha", "bahut tez bukhar", "ulti band nahi",
	"پیشاب نہیں", "پانی نہیں پی", "دودھ نہیں پی", "سست", "رو نہیں رہا", "رونا بند", "بہت تیز بخار", "الٹی بند نہیں", "پانی کی کمی",
}

type riskPair struct{ a, b phraseSet }

var riskPairs []riskPair

func init() {
	riskPairs = []riskPair{
		{compile(immobile), compile(comingHazard)},
		{compile(infant), compile(severeSign)},
	}
}

// pairedRisk reports whether padded names a person at risk through a pair:
// someone who cannot move while a hazard comes, an infant with a severe sign.
func pairedRisk(padded string) bool {
	for _, p := range riskPairs {
		if p.a.match(padded) && p.b.match(padded) {
			return true
		}
	}
	return false
}
