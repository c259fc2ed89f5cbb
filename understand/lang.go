package understand

import (
	"iter"
	"slices"
	"unicode"
	"unicode/utf8"
)

// Language detection is script first, then words: the message is short, so a
// handful of function words and letters say more than any statistics would.

// urduLetters are used in Urdu and not in Arabic.
var urduLetters = map[rune]bool{
	'ٹ': true, 'ڈ': true, 'ڑ': true, 'ں': true, 'ے': true, 'ھ': true, 'ۓ': true, 'ۂ': true,
	'ہ': true, 'ک': true, 'ی': true, 'گ': true, 'چ': true, 'پ': true,
}

// urduWords are common Urdu words written with letters Arabic shares.
var urduWords = set("ہے", "میں", "کیا", "نہیں", "ہیں", "ہم", "آپ", "کے", "کی", "کو", "سے", "اور", "ہو", "تھا")

// arabiziWords are Arabic words as people write them in Latin letters.
var arabiziWords = set("ana", "enta", "inta", "enti", "inti", "ehna", "e7na", "7na", "mafi", "mafe", "mish", "msh", "mesh", "mush",
	"3ayez", "3ayz", "3ayza", "bidi", "biddi", "baddi", "abi", "abgha", "abga", "yalla", "yallah", "inshallah", "inshalla",
	"habibi", "7abibi", "shu", "sho", "shou", "wein", "fein", "feen", "wayn", "ahla", "ahlan", "marhaba", "mar7aba",
	"salam", "assalamu", "alaikum", "alaykum", "shukran", "shokran", "choukran", "mashkour", "kifak", "keefak", "kifik", "izzayak", "ezayak",
	"ezay", "izay", "ma3", "m3", "bas", "la2", "aywa", "aiwa", "mnee7", "mni7", "mnih", "tamam", "5alas", "khalas", "khalas", "kwayes",
	"kwayyes", "kwayseen", "bkhair", "b5air", "bekhair", "bikhair", "alhamdulillah", "hamdulillah", "el7amdulilah", "wallah", "wallahi",
	"3ndna", "3andna", "3andi", "3ndi", "fi", "fih", "mana", "labas", "bzaf", "bezaf", "wach", "kayn", "makayn", "mazal",
	"3afak", "3awn", "sa3ed", "sa3dona", "sa3doni", "sa3douna", "elhaq", "el7a2", "il7a2", "illi", "elli", "hayda",
	"lesh", "leh", "lih", "emta", "imta", "emteen", "ba3d", "lessa", "lsa", "kaman", "kman", "ktir", "kteer", "awi", "2awi",
	"m3ana", "walad", "wlad", "w", "we7ed", "wa7ed", "ahl", "beit", "bait", "bayt", "maya", "mayya", "nar",
	"7ari2", "7aree2", "5atar", "khatar", "ghar2an", "gharqan", "mayyit", "mat", "ta3ban", "ta3bana", "mareed", "marid", "shokrn",
	"tayyeb", "tayeb", "zay", "kda", "keda", "dol", "feh", "mafeesh", "mafish", "mafesh")

// hinglishWords are Hindi and Urdu written in Latin letters.
var hinglishWords = set("mujhe", "mujhko", "madad", "chahiye", "chahie", "hai", "hain", "nahi", "nahin", "nai", "kya", "kyaa", "hum", "humein", "hame", "hamein", "bachao", "bachaao", "theek", "thik", "thick", "ghar", "paani", "pani", "aag", "kripya",
	"bhai", "bhaiya", "ji", "koi", "ko", "ka", "ki", "ke", "aap", "apka", "aapka", "shukriya", "dhanyavad", "dhanyawad", "haan",
	"kab", "kaise", "kahan", "kitna", "kitni", "abhi", "jaldi", "bahut", "sab", "baat", "karna", "karo", "kar", "raha",
	"rahe", "rahi", "gaya", "gaye", "gayi", "hua", "hui", "bhi", "aur", "lekin", "mera", "meri", "mere", "hamara", "hamari",
	"karo", "fas", "phas", "phanse", "phase", "namaste", "namaskar", "salaam", "insaan", "aadmi", "yahan", "wahan", "kuch")

// Roman Urdu and Roman Hindi share their grammar ("hai", "nahi", "ghar"):
// only the vocabulary tells them apart. Urdu draws on Persian and Arabic
// words ("mehfooz", "khairiyat", "walid", "meherbani"), Hindi on Sanskrit
// ones ("surakshit", "kripya", "sahayata", "parivar"). A message in Latin
// letters read as Hindi is Urdu when it holds more Urdu-only words than
// Hindi-only ones.

// romanUrduWords are words an Urdu speaker writes and a Hindi speaker
// seldom does.
var romanUrduWords = set("mehfooz", "mahfooz", "mehfuz", "khairiyat", "khairiat", "khair", "meherbani", "mehrbani", "meharbani", "farma", "farmaen",
	"farmain", "farmaiye", "walid", "walida", "waldain", "ammi", "abbu", "ammy", "janab", "sahab", "sahib", "begum", "inshallah",
	"inshaallah", "mashallah", "khuda", "jazakallah", "jazak", "assalam", "assalamualaikum",
	"aslam", "walaikum", "hukumat", "intezam", "intizam", "intezar", "intizar", "fauran", "foran", "ijazat", "darkhwast", "guzarish", "guzaarish",
	"muntazir", "masla", "maamla", "mamla", "masail", "ilaqa", "ilaqe", "ilaaqa", "ilaake", "qaboo", "qabu", "zaroorat", "zarurat", "baraye",
	"baraaye", "barae", "taluq", "mutalliq", "mutaliq", "itlaa", "ittila", "ittilaa", "hifazat", "hifazati", "jumeraat", "jummay", "juma", "jumma",
	"itwaar", "shukar", "shukr", "tashreef",
	"bohat", "bohot", "buhat", "rabta", "raabta", "ghabrahat",
	"bachay", "nalka", "nalke", "sailab", "selab", "imdad", "imdaad",
	"rukawat", "idara", "adara",
	"1122", "edhi", "chhipa", "aik", "shohar", "darakht", "jism", "pohanch", "pohanchi", "pohancha", "pohanche", "wapis", "mehsoos", "fikr",
	"zalzala", "zalzale", "maghrib", "sakht", "jamni", "shalwar", "kameez", "gari", "hamsaya", "hamsayi", "hamsaye", "banday")

// romanHindiWords are words a Hindi speaker writes and an Urdu speaker
// seldom does.
var romanHindiWords = set("kripya", "kripaya", "dhanyavad", "dhanyawad", "dhanyavaad", "namaste", "namaskar", "bhagwan", "bhagvan", "ishwar",
	"surakshit", "sahayata", "sahayta", "samay", "kshama", "avashyak", "jaankari", "jankari", "turant", "parivar", "pariwar", "shanivar",
	"ravivar", "somvar", "mangalvar", "budhvar", "guruvar", "shukravar", "sampark", "prashasan", "suchna", "vyavastha", "chikitsa", "aspatal",
	"bhaiya", "didi", "pitaji", "mataji", "prabhu", "hanuman", "mandir", "jai", "yatri",
	"karyalay", "vibhag", "pradhan", "nagar", "nigam", "sewa", "seva", "kendra", "upchar", "swasthya", "rog", "lakshan",
	"khatarnaak", "shighra", "atyant")

// latinWords are function words and a few unmistakable words per language.
var latinWords = map[string]map[string]bool{
	"en": set("the", "is", "are", "we", "i", "i'm", "im", "my", "you", "and", "to", "of", "in", "it", "not", "can't", "cant", "don't",
		"dont", "please", "help", "with", "our", "us", "me", "what", "how", "when", "where", "is", "there", "have", "has", "need", "safe",
		"thanks", "thank", "hi", "hello", "stop", "will", "can", "do", "does", "a", "an", "am", "we're", "fine", "someone", "water",
		"fire", "get", "out", "still", "now", "here", "be", "that", "this", "want", "talk", "person", "hey", "waiting", "long", "on", "at", "for", "from", "trapped", "roof"),
	"fr": set("le", "la", "les", "des", "du", "est", "sont", "nous", "je", "j'ai", "vous", "et", "pas", "ne", "n'est", "une", "un", "il",
		"elle", "mon", "ma", "mes", "notre", "avec", "pour", "sur", "dans", "aide", "aidez", "moi", "merci", "bonjour", "salut", "sommes",
		"suis", "c'est", "qu'il", "quand", "comment", "où", "ou", "personne", "sécurité", "securite", "eau", "feu", "bien", "tout", "ça",
		"ca", "au", "aux", "y", "a-t-il", "est-ce", "que", "qui", "quoi", "plus", "veux", "parler", "combien", "temps", "attendre", "désabonner", "arrêter", "bloqués", "coincés", "toit"),
	"es": set("el", "los", "las", "del", "es", "son", "estamos", "estoy", "está", "esta", "nosotros", "yo", "y", "no", "una", "un", "mi",
		"mis", "nuestra", "nuestro", "con", "para", "por", "en", "ayuda", "ayúdenme", "ayudenme", "gracias", "hola", "bien", "hay", "que",
		"qué", "cómo", "como", "cuándo", "cuando", "dónde", "donde", "agua", "fuego", "todos", "necesito", "necesitamos", "quiero",
		"hablar", "persona", "operador", "cuánto", "cuanto", "tiempo", "esperando", "seguros", "seguro", "atrapados", "techo", "muy", "pero", "se", "lo", "le", "me"),
	"de": set("der", "die", "das", "den", "dem", "ist", "sind", "wir", "ich", "und", "nicht", "ein", "eine", "mein", "meine", "unser",
		"unsere", "mit", "für", "fur", "auf", "im", "hilfe", "helft", "danke", "hallo", "sicher", "alles", "gut", "gibt", "es", "wie",
		"wann", "wo", "was", "wasser", "feuer", "brauche", "brauchen", "möchte", "mochte", "will", "sprechen", "mensch", "lange", "noch",
		"warten", "uns", "mir", "bitte", "kein", "keine", "abmelden", "eingeschlossen", "dach", "schon", "aber", "auch", "zu", "hier"),
	"pt": set("o", "os", "as", "da", "do", "das", "dos", "é", "são", "sao", "estamos", "estou", "está", "nós", "nos", "eu", "e", "não",
		"nao", "uma", "um", "meu", "minha", "nossa", "nosso", "com", "para", "pra", "por", "em", "no", "na", "ajuda", "socorro", "obrigado",
		"obrigada", "olá", "ola", "oi", "bem", "há", "tem", "que", "quê", "como", "quando", "onde", "água", "agua", "fogo", "todos",
		"preciso", "precisamos", "quero", "falar", "pessoa", "atendente", "quanto", "tempo", "esperando", "seguros", "seguro", "presos",
		"telhado", "muito", "mas", "você", "voce", "vocês", "isso", "ainda"),
}

// latinMarks are letters that point at one or two languages.
var latinMarks = map[rune][]string{
	'ñ': {"es"}, 'ß': {"de"}, 'ä': {"de"}, 'ö': {"de"}, 'ü': {"de"}, 'ç': {"fr", "pt"}, 'ã': {"pt"}, 'õ': {"pt"},
	'è': {"fr"}, 'ê': {"fr", "pt"}, 'à': {"fr", "pt"}, 'ù': {"fr"}, 'œ': {"fr"}, 'â': {"fr", "pt"}, 'î': {"fr"}, 'ô': {"fr", "pt"},
	'á': {"es", "pt"}, 'í': {"es", "pt"}, 'ó': {"es", "pt"}, 'ú': {"es", "pt"}, 'é': {"fr", "es", "pt"},
}

// latinOrder breaks ties in a fixed order so detection is deterministic.
var latinOrder = latinLangs[:]

var latinLangs = [...]string{"en", "fr", "es", "de", "pt"}

// Bits of latinWordBits beyond one per language of latinOrder.
const (
	wordArabizi = 1 << (len(latinLangs) + iota)
	wordHinglish
	wordRomanUrdu
	wordRomanHindi
)

// latinWordBits is the word lists above in one map, so that each word of a
// message is looked up once; latinMarkIdx is latinMarks by latinOrder index.
var (
	latinWordBits = map[string]uint16{}
	latinMarkIdx  = map[rune][]int{}
)

func init() {
	for i, l := range latinOrder {
		for w := range latinWords[l] {
			latinWordBits[w] |= 1 << i
		}
	}
	for bit, words := range map[uint16]map[string]bool{wordArabizi: arabiziWords, wordHinglish: hinglishWords,
		wordRomanUrdu: romanUrduWords, wordRomanHindi: romanHindiWords} {
		for w := range words {
			latinWordBits[w] |= bit
		}
	}
	for r, langs := range latinMarks {
		for _, l := range langs {
			latinMarkIdx[r] = append(latinMarkIdx[r], slices.Index(latinOrder, l))
		}
	}
}

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// detectLang returns the message's language and whether it is Arabic written
// in Latin letters. raw is the message as received, words its normalised words.
func detectLang(raw string, words []string, vocab map[string]string) (string, bool) {
	var count [numScripts]int
	for i, n := 0, 0; i < len(raw); {
		if n++; n > maxRunes {
			break
		}
		r, size := runeAt(raw, i)
		i += size
		if r < scriptTabSize {
			count[scriptTab[r]]++
		} else {
			count[scriptOf(r)]++
		}
	}
	arabic, urdu, deva, latin := count[scriptArabic]+count[scriptUrdu], count[scriptUrdu], count[scriptDeva], count[scriptLatin]
	switch {
	case deva > 0 && deva >= arabic && deva >= latin/2:
		return "hi", false
	case arabic > 0 && arabic >= latin/2:
		if urdu > 0 {
			return "ur", false
		}
		if len(raw) > maxRunes*4 {
			raw = raw[:maxRunes*4]
		}
		if hasUrduWord(raw) {
			return "ur", false
		}
		return "ar", false
	case latin == 0:
		return "", false
	}
	return detectLatin(words, vocab)
}

// hasUrduWord reports whether a word of s (as strings.Fields splits it) is
// one of urduWords, without cutting s into a slice of words.
func hasUrduWord(s string) bool {
	for w := range fieldsOf(s) {
		if urduWord(w) {
			return true
		}
	}
	return false
}

// fields is strings.Fields, which splits text beyond ASCII rune by rune
// with unicode.IsSpace: an Arabic paste's words cost more than its phrase
// scans. It walks bytes as fieldsOf does, then fills a slice of the same
// length.
func fields(s string) []string {
	n := 0
	for range fieldsOf(s) {
		n++
	}
	out := make([]string, 0, n)
	for w := range fieldsOf(s) {
		out = append(out, w)
	}
	return out
}

// fieldsOf yields the words of s as strings.Fields splits it. It walks
// bytes: a byte that is no ASCII space and starts no space beyond ASCII
// (U+0085 and U+00A0 start with 0xC2, the others with 0xE1 to 0xE3) is
// inside a word, as is every byte of the rune it begins.
func fieldsOf(s string) iter.Seq[string] {
	return func(yield func(string) bool) {
		start := -1
		for i := 0; i < len(s); {
			c, size, space := s[i], 1, false
			switch {
			case c < utf8.RuneSelf:
				space = asciiSpace(c)
			case c == 0xC2 || c >= 0xE1 && c <= 0xE3:
				var r rune
				r, size = utf8.DecodeRuneInString(s[i:])
				space = unicode.IsSpace(r)
			}
			if space {
				if start >= 0 && !yield(s[start:i]) {
					return
				}
				start = -1
			} else if start < 0 {
				start = i
			}
			i += size
		}
		if start >= 0 {
			yield(s[start:])
		}
	}
}

func asciiSpace(c byte) bool { return c == ' ' || '\t' <= c && c <= '\r' }

// urduWord reports whether w is one of urduWords; longer words are not
// looked up.
func urduWord(w string) bool { return len(w) <= urduWordMax && urduWords[w] }

// urduWordMax is the length in bytes of the longest of urduWords.
var urduWordMax = func() int {
	m := 0
	for w := range urduWords {
		m = max(m, len(w))
	}
	return m
}()

// The scripts detectLang counts letters of.
const (
	scriptNone = iota
	scriptDeva
	scriptUrdu // Urdu letters, counted as Arabic too
	scriptArabic
	scriptLatin
	numScripts
)

// scriptOf returns the script detectLang counts r in.
func scriptOf(r rune) uint8 {
	switch {
	case r >= 0x0900 && r <= 0x097F:
		return scriptDeva
	case urduLetters[r]:
		return scriptUrdu
	case unicode.Is(unicode.Arabic, r) && unicode.IsLetter(r):
		return scriptArabic
	case r < 0x250 && unicode.IsLetter(r):
		return scriptLatin
	}
	return scriptNone
}

// scriptTab is scriptOf for the one- and two-byte runes (Latin, Arabic),
// looked up instead of the map and the Unicode tables for every rune.
var scriptTab = func() (t [scriptTabSize]uint8) {
	for r := range rune(scriptTabSize) {
		t[r] = scriptOf(r)
	}
	return t
}()

const scriptTabSize = 0x800

// detectLatin tells en, fr, es, de, pt, Arabizi and Hinglish apart by words.
// vocab adds the words of the training examples that belong to one language.
func detectLatin(words []string, vocab map[string]string) (string, bool) {
	var score [len(latinLangs)]float64 // by latinOrder
	var arabizi, hindi, urduOnly, hindiOnly float64
	for _, w := range words {
		if w == "?" || w == "??" || w == "!!" {
			continue
		}
		hasDigit, hasLetter := false, false
		for _, r := range w {
			switch {
			case r >= '0' && r <= '9':
				hasDigit = true
			case unicode.IsLetter(r):
				hasLetter = true
			}
			if r >= utf8.RuneSelf { // every mark is a letter beyond ASCII
				for _, l := range latinMarkIdx[r] {
					score[l] += 1.5
				}
			}
		}
		if hasDigit && hasLetter {
			arabizi += 2 // "b5air", "sa3dona", "7aree2"
		}
		bits := latinWordBits[w]
		known := false
		if bits&wordArabizi != 0 {
			arabizi++
			known = true
		}
		if bits&wordHinglish != 0 {
			hindi++
			known = true
		}
		switch {
		case bits&wordRomanUrdu != 0:
			urduOnly++
		case bits&wordRomanHindi != 0:
			hindiOnly++
		}
		for l := range latinLangs {
			if bits&(1<<l) != 0 {
				score[l]++
				known = true
			}
		}
		if !known {
			switch l := vocab[w]; l {
			case "":
			case "ar-latn":
				arabizi++
			case "hi", "ur":
				hindi++
			default:
				if i := slices.Index(latinOrder, l); i >= 0 {
					score[i]++
				}
			}
		}
	}
	best, bestScore, second := "", 0.0, 0.0
	for i, l := range latinOrder {
		s := score[i]
		if s > bestScore {
			best, second, bestScore = l, bestScore, s
		} else if s > second {
			second = s
		}
	}
	switch {
	case arabizi >= 1 && arabizi >= bestScore && arabizi >= hindi:
		// Code-switching: an Arabizi word among English ones ("merci ktir",
		// "shukran please") says the person writes Arabic.
		return "ar", true
	case hindi >= 1 && hindi >= bestScore:
		return hindiOrUrdu(urduOnly, hindiOnly), false
	case bestScore >= 1 && bestScore > second:
		return best, false
	case arabizi >= 1 && arabizi > bestScore:
		return "ar", true
	case hindi >= 1 && hindi > bestScore:
		return hindiOrUrdu(urduOnly, hindiOnly), false
	}
	return "", false
}

// hindiOrUrdu names the language of a message in Latin letters read as
// Hindi or Urdu: Urdu when it holds more Urdu-only words than Hindi-only ones.
func hindiOrUrdu(urduOnly, hindiOnly float64) string {
	if urduOnly > hindiOnly {
		return "ur"
	}
	return "hi"
}

func isLatinWord(w string) bool {
	letters := 0
	for _, r := range w {
		if unicode.IsLetter(r) {
			if r >= 0x250 {
				return false
			}
			letters++
		}
	}
	return letters > 1
}
