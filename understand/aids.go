package understand

// A personal aid lost or ruined, the person well: hearing aids soaked in
// the flood, glasses lost in the rubble, an electric wheelchair that took
// water or is on its last 10 percent, often written for a grandparent who
// cannot type ("writing for my grandad, his hearing aids got soaked and he
// can't hear the sirens, who gives replacements?"). What is lost is a
// thing, the need a replacement; the rubble or the flood named is where it
// was lost. Told with the person well or a replacement asked for, and no
// urgent cue, plea, situation or person entering danger, the message is a
// need, whatever hazard it names. "Grandma lost her glasses and she's
// trapped under the wall" names a person trapped and stays a danger.

// RuleAids marks a danger read as a need: a personal aid lost, the person
// well.
const RuleAids = "aids"

// aidSet names personal aids.
var aidSet = compile(withDeaccent([]string{
	"hearing aid", "hearing aids", "glasses", "spectacles", "electric wheelchair", "power chair", "mobility scooter", "walker", "dentures",
	"appareil auditif", "appareils auditifs", "lunettes", "fauteuil électrique", "fauteuil roulant électrique", "déambulateur", "dentier",
	"audífono", "audifono", "audífonos", "lentes", "anteojos", "gafas", "silla eléctrica", "silla de ruedas eléctrica", "andadera", "dentadura",
	"hörgerät", "hoergeraet", "hörgeräte", "brille", "elektrorollstuhl", "e-rollstuhl", "rollator", "gebiss",
	"aparelho auditivo", "aparelhos auditivos", "óculos", "oculos", "cadeira motorizada", "cadeira de rodas motorizada", "andador", "dentadura",
	"سماعه الاذن", "سماعة الاذن", "السماعه", "نظارته", "نظارتها", "النظاره", "الكرسي الكهربائي", "طقم الاسنان",
	"nnadador", "nadador", "nnadadir", "sma3a", "essama3a", "ennadara", "el kursi el kahraba2i",
	"सुनने की मशीन", "कान की मशीन", "चश्मा", "बिजली वाली व्हीलचेयर", "इलेक्ट्रिक व्हीलचेयर", "नकली दांत", "chashma",
	"سننے کا آلہ", "سننے کی مشین", "عینک", "الیکٹرک وہیل چیئر", "بجلی والی وہیل چیئر", "مصنوعی دانت",
}))

// aidLostSet tells the aid lost, broken, soaked or its battery low.
var aidLostSet = compile(withDeaccent([]string{
	"lost", "soaked", "got soaked", "got wet", "broke", "broken", "ruined", "swept away", "per cent", "percent", "battery",
	"perdu", "perdues", "perdus", "pris l'eau", "mouillé", "cassé", "cassées", "plus de batterie",
	"perdió", "perdieron", "se perdieron", "mojó", "mojaron", "se mojó", "rompió", "rompieron", "por ciento", "batería",
	"verloren", "kaputt", "nass geworden", "abgesoffen", "prozent", "akku",
	"perdeu", "perderam", "molhou", "molharam", "quebrou", "estragou", "por cento", "bateria",
	"ضاعت", "ضاع", "انكسرت", "انكسر", "تبللت", "خربت", "خرب", "غرقت", "t7rrso", "t7errsou", "tkessrat", "dayya3", "daa3et", "5erbet",
	"खो गई", "खो गया", "खो गए", "टूट गई", "टूट गया", "भीग गई", "खराब हो गई", "बह गई",
	"گم ہو گیا", "گم ہو گئی", "ٹوٹ گیا", "ٹوٹ گئی", "بھیگ گیا", "خراب ہو گیا", "بہہ گیا",
}))

// aidReplaceSet asks for a replacement or tells the person well.
var aidReplaceSet = compile(withDeaccent([]string{
	"he's fine", "hes fine", "she's fine", "shes fine", "il va bien", "elle va bien", "está bien", "esta bien", "geht es gut", "gehts gut",
	"ele está bem", "ela está bem", "هو بخير", "هي بخير", "هو منيح", "هي منيحه", "howa labas", "hiya labas", "labas 3lih", "labas 3liha",
	"replacement", "replacements", "a new one", "new ones", "where can", "who gives", "where to get",
	"remplacer", "remplacement", "où trouver", "ou trouver", "des nouvelles", "un nouveau",
	"reponer", "repuesto", "dónde consigo", "donde consigo", "unos nuevos", "de salud está bien", "de salud esta bien",
	"ersatz", "neue", "wo bekommt", "wo kriegt",
	"onde consegue", "onde consigo", "outro", "um novo", "ele tá bem", "ele ta bem", "ela tá bem", "ela ta bem",
	"بديل", "وحده جديده", "واحد جديد", "مين بيعطي", "وين القى", "kay3ti", "chi wa7ed kay3ti", "wach kayn chi", "jdida", "jdid",
	"नई कहां मिलेगी", "नया कहां मिलेगा", "कहां मिलेगी", "कहां मिलेगा", "वो ठीक हैं", "वो ठीक है",
	"نیا کہاں سے ملے گا", "نئی کہاں سے ملے گی", "کہاں سے ملے", "وہ ٹھیک ہیں", "وہ ٹھیک ہے",
}))

// aidOnly reports a personal aid lost or ruined, with a replacement asked
// for or the person told well, and nothing urgent.
func aidOnly(rd *reading) bool {
	p := rd.padded
	if !aidSet.match(p) || !aidLostSet.match(p) || !(aidReplaceSet.match(p) || wellSet.match(p) && !negatedSet.match(p)) {
		return false
	}
	if cueSets.scan(p)&cueUrgent != 0 || pleaSet.match(p) || personEnteredSet.match(p) {
		return false
	}
	c := conceptAt(rd.masked)
	return c < 0 || concepts[c].hazard
}
