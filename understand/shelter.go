package understand

// A tent or a tarpaulin torn or blown away in a storm, a family sleeping
// under one sheet ("the tent ripped in the storm, six of us under one
// tarp", "الخيمة انشقت بالعاصفة", "das zelt ist im sturm gerissen") is
// a shelter lost: a need. The classifier, having met storms and people
// "under" things in emergencies, reads danger. With a shelter word and a
// word telling it torn, when nothing names a danger (no sign, no danger
// phrase, no situation) and nothing is urgent, the classifier must be all
// but sure (HarmlessReadDangerFloor): "the tent came down on the kids and
// the baby isn't breathing" names a sign and stays with the rules, and a
// sign the phrases do not know stays with a sure classifier.

var tentSet = compile([]string{
	"tent", "tents", "tarp", "tarpaulin", "tente", "tentes", "bâche", "bache", "carpa", "casa de campaña", "lona", "zelt", "zelte", "plane",
	"barraca", "tenda", "خيمه", "الخيمه", "الخيم", "شادر", "الشادر", "5ayma", "el 5ayma", "khayma", "shader", "तंबू", "तम्बू", "तिरपाल",
	"tambu", "tirpal", "خیمہ", "خیمے", "ترپال", "tarpal", "khaima",
})

var tornSet = compile([]string{
	"torn", "ripped", "tore", "split open", "blew away", "blown away", "came down", "flattened", "déchirée", "déchiré", "a craqué", "craqué",
	"arrachée", "envolée", "rota", "se rompió", "se rasgó", "rasgada", "se voló", "gerissen", "zerrissen", "weggeweht", "weggeflogen",
	"rasgou", "rasgada", "rompeu", "voou", "انشقت", "انشق", "تمزقت", "تمزق", "اتقطعت", "طارت", "tsha22et", "sha22et", "et2atta3et",
	"tmazza2et", "tarat", "फट गया", "फट गई", "फटा", "फटी", "उड़ गया", "उड़ गई", "phat gaya", "phat gayi", "ud gaya", "ud gayi",
	"پھٹ گیا", "پھٹ گئی", "پھٹ گئے", "اڑ گیا", "اڑ گئی", "اڑ گئیں",
})

// shelterTorn reports a tent or tarpaulin told torn or blown away, with
// nothing naming a danger and nothing urgent.
func shelterTorn(rd *reading) bool {
	return tentSet.match(rd.padded) && tornSet.match(rd.padded) && rd.signless() && cueSets.scan(rd.padded)&cueUrgent == 0
}
