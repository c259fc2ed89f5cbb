package understand

// A pet and the weather, with nobody at risk: the cat that takes the
// thunder personally and hides in the laundry basket, the parrot that
// shrieks at every clap (chatter), and the dog out from under the bed once
// the storm has passed, "no damage" (a status). The classifier has learnt
// pets from dangers told through them (a dog howling at a well, a cat back
// soaking from a cellar) and reads these as dangers too. With thunder or a
// storm named, no danger phrase, no situation and no urgent cue, the
// message is chatter, or safe when it says the storm passed or did no harm.

// RulePets marks a pet and the weather read as chatter or a status.
const RulePets = "pets"

// petSet names household pets.
var petSet = compile(withDeaccent([]string{
	"cat", "our cat", "the cat", "kitten", "dog", "our dog", "the dog", "puppy", "parrot", "budgie", "parakeet",
	"chat", "le chat", "chaton", "chien", "le chien", "chiot", "perroquet", "perruche",
	"gato", "el gato", "gatito", "perro", "el perro", "perrito", "loro", "perico", "periquito",
	"katze", "kater", "die katze", "hund", "der hund", "welpe", "papagei", "wellensittich",
	"cachorro", "o cachorro", "cachorrinho", "gata", "papagaio",
	"القطه*", "قطتنا", "البسه*", "الكلب*", "كلبنا", "الببغاء*", "l9etta", "l9ett", "el 2otta", "el otta", "lkelb", "el kalb", "el kelb",
	"बिल्ली", "कुत्ता", "कुत्ते", "तोता", "billi", "kutta", "tota", "بلی", "کتا", "کتے", "طوطا",
}))

// weatherSet names thunder and storms, the pets' fright.
var weatherSet = compile(withDeaccent([]string{
	"thunder", "storm", "lightning", "tonnerre", "orage", "l'orage", "tempête", "tempete", "éclairs", "trueno", "truenos", "tormenta", "rayos", "temporal",
	"gewitter", "donner", "sturm", "blitz", "trovão", "trovao", "trovoada", "tempestade", "الرعد", "رعد", "العاصفه", "العاصفة", "البرق",
	"rr3d", "ra3d", "el ra3d", "l3asifa", "el 3asfa", "गरज", "बादल", "तूफान", "बिजली", "گرج", "کڑک", "کڑکنے", "طوفان", "بجلی",
}))

// stormPassedSet says the storm passed or did no harm.
var stormPassedSet = compile(withDeaccent([]string{
	"storm passed", "storm has passed", "storm is over", "no damage", "nothing damaged",
	"la tempête est passée", "tempete est passee", "l'orage est passé", "aucun dégât", "pas de dégâts",
	"pasó la tormenta", "ya pasó", "sin daños", "ningún daño",
	"gewitter vorbei", "sturm vorbei", "keine schäden", "keine schaeden", "nichts passiert",
	"passou o temporal", "passou a tempestade", "sem estragos", "nenhum estrago",
	"العاصفه عدت", "العاصفة عدت", "عدت العاصفه", "ما في اضرار", "مافي اضرار", "لا اضرار", "l3asifa dazt", "ma w9e3 walo", "ma fi adrar",
	"तूफान निकल गया", "तूफान गुजर गया", "कोई नुकसान नहीं", "طوفان گزر گیا", "کوئی نقصان نہیں",
}))

// petWeather returns the class of a pet and the weather with nobody at
// risk ("" when the message is not one): other, or safe when the storm
// is told as passed.
func petWeather(rd *reading) Class {
	if !petSet.match(rd.padded) || !weatherSet.match(rd.padded) {
		return ""
	}
	strong, _ := dangerSet.scan(rd.masked)
	if strong || pairedRisk(rd.masked) || conceptAt(rd.masked) >= 0 || cueSets.scan(rd.padded)&cueUrgent != 0 {
		return ""
	}
	if stormPassedSet.match(rd.padded) {
		return Safe
	}
	if needSet.match(rd.padded) || pleaSet.match(rd.padded) || helpAskSet.match(rd.padded) {
		return "" // "the dog ran off in the storm, could use help looking": a need
	}
	return Other
}

// helpAskSet asks for help in the words needSet leaves to the classifier.
var helpAskSet = compile(withDeaccent([]string{
	"help", "use help", "help looking", "help finding", "aide", "aidez", "ayuda", "ayúdenme", "hilfe", "helfen", "ajuda", "ajudem",
	"مساعده", "ساعدوني", "ساعدونا", "musa3ada", "sa3douna", "मदद", "madad", "مدد",
}))
