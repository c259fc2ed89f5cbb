package understand

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// PlaceKind is a kind of place a person may ask the way to; the values
// are those of package places.
type PlaceKind string

// Kinds of place a person can ask for.
const (
	PlaceShelter  PlaceKind = "shelter"
	PlaceClinic   PlaceKind = "clinic"
	PlaceWater    PlaceKind = "water"
	PlaceFood     PlaceKind = "food"
	PlaceCharging PlaceKind = "charging"
	PlaceOffice   PlaceKind = "office"
)

// placeWindow is how many words may stand between the word that asks
// where ("where", "nearest", "أقرب") and the place ("shelter"): "where
// can I get water" has two, "where is my son? he was at the shelter"
// is a question about a son, not a place.
const placeWindow = 4

// placeCues ask where something is or which is nearest, in the nine
// varieties the classifier reads.
var placeCues = []string{
	// en
	"where", "where's", "wheres", "nearest", "closest", "near me", "nearby", "close to me", "how do i get to", "how can i get to",
	// ar
	"وين", "أين", "فين", "أقرب", "اقرب", "قريب مني", "قريبة مني",
	// ar-latn
	"wein", "wen", "ween", "wain", "fein", "fen", "feen", "aqrab", "a2rab", "2a2rab", "a8rab",
	// fr
	"où", "plus proche", "plus près", "près de moi", "proche de moi", "trouver",
	// es
	"dónde", "donde", "más cercano", "más cercana", "mas cercano", "mas cercana", "cerca de mí", "cerca de mi",
	// de
	"wo", "nächste", "nächsten", "nächstgelegene", "naechste", "in der nähe", "wohin",
	// pt
	"onde", "mais próximo", "mais próxima", "mais proximo", "mais proxima", "mais perto", "perto de mim",
	// hi
	"कहाँ", "कहां", "नज़दीकी", "नजदीकी", "नज़दीक", "नजदीक", "सबसे करीब", "करीबी", "पास में",
	// ur
	"کہاں", "قریب ترین", "نزدیک ترین", "قریبی", "نزدیکی",
}

// placeWords name each kind of place.
var placeWords = map[PlaceKind][]string{
	PlaceShelter: {
		"shelter", "shelters", "evacuation centre", "evacuation center", "refuge",
		"ملجأ", "ملجا", "ملاجئ", "مأوى", "ماوى", "مركز إيواء", "ايواء", "إيواء",
		"malja", "malja2", "malga", "ma2wa", "mawa",
		"abri", "refuge", "hébergement", "centre d'hébergement",
		"albergue", "refugio",
		"notunterkunft", "unterkunft", "schutzraum", "notquartier",
		"abrigo", "refúgio",
		"आश्रय", "शेल्टर", "राहत शिविर", "शिविर",
		"پناہ گاہ", "شیلٹر", "کیمپ",
	},
	PlaceClinic: {
		"clinic", "hospital", "doctor", "health centre", "health center", "first aid", "medical",
		"مستشفى", "مستشفي", "مستوصف", "عيادة", "طبيب", "دكتور", "مركز صحي",
		"mostashfa", "mustashfa", "mosta4fa", "3iyada", "eyada", "3yada",
		"clinique", "hôpital", "médecin", "centre de santé", "dispensaire",
		"clínica", "médico", "centro de salud",
		"klinik", "krankenhaus", "arzt", "ärztin", "spital",
		"posto de saúde",
		"अस्पताल", "क्लिनिक", "डॉक्टर", "दवाखाना",
		"ہسپتال", "اسپتال", "کلینک", "ڈاکٹر",
	},
	PlaceWater: {
		"water", "drinking water",
		"مياه", "مية", "مويه", "ماي", "ماء",
		"moya", "mayye", "mayya", "mayy",
		"eau",
		"agua",
		"wasser", "trinkwasser",
		"água",
		"पानी", "पीने का पानी",
		"پانی",
	},
	PlaceFood: {
		"food", "meal", "meals", "food distribution",
		"أكل", "اكل", "طعام", "غذاء", "وجبات",
		"akl", "2akl",
		"nourriture", "repas",
		"comida", "alimentos",
		"essen", "lebensmittel", "essensausgabe", "nahrung",
		"refeição",
		"खाना", "भोजन", "राशन",
		"کھانا", "راشن",
	},
	PlaceCharging: {
		"charge", "charging", "charger", "charging point",
		"شحن", "شاحن",
		"sha7en", "sha7n",
		"recharger", "recharge", "chargeur",
		"cargar", "cargador",
		"aufladen", "laden", "ladestation", "ladegerät",
		"carregar", "carregador",
		"चार्ज", "चार्जिंग",
		"چارج", "چارجنگ",
	},
	PlaceOffice: {
		"office", "help desk", "aid office",
		"مكتب",
		"maktab",
		"bureau",
		"oficina",
		"büro", "amt",
		"escritório",
		"कार्यालय", "दफ्तर", "ऑफिस",
		"دفتر", "آفس",
	},
}

// placeOrder is the order kinds are tried in when one message names two
// ("a shelter with water": the shelter).
var placeOrder = []PlaceKind{PlaceShelter, PlaceClinic, PlaceWater, PlaceFood, PlaceCharging, PlaceOffice}

var (
	cuePhrases   [][]string
	placePhrases = map[PlaceKind][][]string{}
)

func init() {
	for _, c := range placeCues {
		cuePhrases = append(cuePhrases, placeTokens(c))
	}
	for k, ws := range placeWords {
		for _, w := range ws {
			placePhrases[k] = append(placePhrases[k], placeTokens(w))
		}
	}
}

// placeTokens folds text as Normalize does, splits elisions ("l'eau")
// and drops Latin accents, so that "dónde" and "donde" are one word.
func placeTokens(text string) []string {
	s := norm.NFD.String(Normalize(text))
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\'':
			return ' ' // elisions: "l'eau" is "eau"
		case unicode.Is(unicode.Mn, r) && r >= 0x300 && r <= 0x36f:
			return -1
		}
		return r
	}, s)
	return strings.Fields(norm.NFC.String(s))
}

// findPhrases returns the start and end (exclusive) of every occurrence
// of the phrases in words.
func findPhrases(words []string, phrases [][]string) [][2]int {
	var out [][2]int
	for i := range words {
		for _, p := range phrases {
			if len(p) == 0 || i+len(p) > len(words) {
				continue
			}
			match := true
			for j, w := range p {
				if words[i+j] != w {
					match = false
					break
				}
			}
			if match {
				out = append(out, [2]int{i, i + len(p)})
			}
		}
	}
	return out
}

// AskPlace reports whether text asks where to find a kind of place
// ("nearest shelter", "where can I get water", "أقرب ملجأ", "wo ist die
// nächste Notunterkunft"), and which. A place named without asking where
// ("is the shelter open tomorrow?", "I'm at the shelter, we're fine") is
// not such a request: the person is talking about a place they know. The
// cue and the place must stand within a few words of each other, in the
// same sentence.
func AskPlace(text string) (PlaceKind, bool) {
	words := placeTokens(text)
	cues := findPhrases(words, cuePhrases)
	if len(cues) == 0 {
		return "", false
	}
	for _, k := range placeOrder {
		for _, p := range findPhrases(words, placePhrases[k]) {
			for _, c := range cues {
				if placeNear(words, c, p) {
					return k, true
				}
			}
		}
	}
	return "", false
}

// placeNear reports whether spans a and b are at most placeWindow words apart
// with no sentence end ("?", "!!") between them.
func placeNear(words []string, a, b [2]int) bool {
	from, to := a[1], b[0]
	if b[1] <= a[0] {
		from, to = b[1], a[0]
	}
	if to < from { // overlapping spans
		return false
	}
	if to-from > placeWindow {
		return false
	}
	for _, w := range words[from:to] {
		if w == "?" || w == "??" || w == "!!" {
			return false
		}
	}
	return true
}
