package understand

import "strings"

// A message that says the sender's people are well ("all fine", "nobody
// hurt", "سالمين") and names nobody at risk now is read as safe unless the
// classifier is much surer of danger: people tell of storms, fires and
// derailments that are over, elsewhere or missed them in the same words
// the examples use for emergencies. A phrase naming a person at risk ("we're
// fine but grandpa can't get out") keeps the ordinary floor and the
// safety phrases.

// wellPhrases assert that the sender and theirs are well.
var wellPhrases = []string{
	"all fine", "all good", "all ok", "all okay", "all safe", "all well", "we're fine", "we are fine", "we're ok", "we are ok", "we're okay",
	"we are okay", "we're safe", "we are safe", "we're all", "we are all", "nobody hurt", "no one hurt", "nobody was hurt", "no one was hurt",
	"nobody's hurt", "nobody is hurt", "no one is hurt", "nobody injured", "no one injured", "no injuries", "not hurt", "unhurt", "safe and sound",
	"everyone is fine", "everyone's fine", "everyone is ok", "everyone's ok", "everyone is safe", "everybody is fine", "everybody's fine",
	"got home safe", "home safe", "made it home", "false alarm", "we're good", "we are good", "i'm fine", "i am fine", "i'm ok", "i'm safe",
	"all of us are fine", "is fine", "is safe", "are safe", "are fine", "nobody got hurt", "no one got hurt",
	"بخير", "سالم*", "بامان", "ما حد تاذي", "ما حدا تاذي", "محدش اتاذي", "ما احد تاذي", "ما احد تضرر", "ما حد تضرر", "ما في اصابات", "لا اصابات",
	"بدون اصابات", "لا يوجد اصابات", "ما تاذي*", "كلنا منيح*", "كلنا كويس*", "كلنا زين*", "كلنا تمام", "كله تمام", "كلشي تمام", "كل شي تمام",
	"الحمد لله", "انذار كاذب", "منيحين", "كويسين", "زينين", "مرتاحين", "لاباس", "لا باس",
	"b5air", "bkhair", "bekhir", "salmin", "salmeen", "salmiin", "mni7", "mni7in", "kwayseen", "kwayes", "zeenin", "zenin", "tamam", "labes",
	"labas", "la bas", "hamdulilah", "hamdella", "7amdella", "7amdulillah", "el7amdulillah", "ma 7ada t2azza", "ma 7ad t2azza", "ma 7ada et2azza", "ma 7ad et2azza", "ma 7ada tsab",
	"ma7adesh et3awar", "mafi isabat", "salim", "salmeen", "mnee7", "mnee7in", "mnee7een", "el7amdella", "el7amdulillah", "alhamdulillah",
	// all out and counted, minor injuries only
	"all accounted for", "everyone accounted for", "everyone is out", "everyone got out", "all got out", "out and counted",
	"just bruises", "only bruises", "just scratches", "only scratches", "minor scratches", "juste des bleus", "que des bleus", "tout le monde est sorti",
	"solo rasguños", "solo moretones", "todos salieron", "nur prellungen", "alle sind draußen", "durchgezählt", "só arranhões", "todos saíram",
	"خدوش بسيطه", "khdoosh baseeta", "5edoosh baseeta", "تم عدهم", "3addouhom", "ginti ho gayi", "गिनती हो गई", "گنتی ہو گئی",
	"tout va bien", "tout le monde va bien", "on va bien", "on va tous bien", "nous allons bien", "sains et saufs", "saine et sauve", "sain et sauf",
	"personne n'est blessé", "personne de blessé", "personne blessé", "aucun blessé", "pas de blessé*", "pas blessé*", "rien de grave", "fausse alerte",
	"en sécurité", "ça va", "ca va",
	"todos bien", "todo bien", "estamos bien", "estoy bien", "a salvo", "sanos y salvos", "nadie herido", "nadie salió herido", "nadie está herido",
	"ningún herido", "no hay heridos", "sin heridos", "falsa alarma", "todo tranquilo", "sin problema", "estamos tranquilos",
	"alle wohlauf", "alles gut", "alles ok", "alles in ordnung", "uns geht es gut", "uns geht's gut", "mir geht es gut", "geht es gut", "geht's gut",
	"niemand verletzt", "verletzt ist niemand", "verletzt wurde niemand", "keiner verletzt", "nicht verletzt", "unverletzt", "keine verletzten", "in sicherheit", "falscher alarm", "wohlbehalten",
	"tudo bem", "tudo certo", "estamos bem", "estou bem", "todos bem", "ninguém ferido", "ninguem ferido", "ninguém se machucou", "ninguem se machucou",
	"sem feridos", "não se machucou", "a salvo", "em segurança", "sãos e salvos", "alarme falso", "falso alarme", "sem problema",
	"सब ठीक", "सब सुरक्षित", "हम ठीक", "ठीक हैं", "ठीक है", "सुरक्षित हैं", "कोई घायल नहीं", "घायल नहीं", "चोट नहीं", "सही सलामत", "झूठा अलार्म",
	"sab theek", "sab thik", "sab theek", "hum theek", "theek hain", "thik hain", "surakshit hain", "koi ghayal nahi", "chot nahi", "sahi salamat",
	"سب خیریت", "خیریت سے", "سب ٹھیک", "ہم ٹھیک", "ٹھیک ہیں", "محفوظ ہیں", "کوئی زخمی نہیں", "زخمی نہیں", "چوٹ نہیں", "صحیح سلامت", "جھوٹا الارم",
	// a false alarm, sirens for nothing, nothing happened to us, everyone healthy
	"sirens for nothing", "alarm for nothing", "went off for nothing", "nothing happened to us", "nothing happened to me", "nothing happened to anyone", "everyone healthy", "everyone is healthy",
	"all healthy", "we're all healthy", "all good here",
	"انذار خاطئ", "انذار خاطيء", "ما صار لنا شي", "ما صار لنا شيء", "ما حصلنا حاجه", "ما جرى لنا شي", "ما وقع لنا والو", "ما وقع لينا والو", "الكل بصحه جيده",
	"كلنا بصحه جيده", "بصحه جيده", "صفارات بلا سبب",
	"ma sar lna shi", "ma sarelna shi", "ma wqe3 lina walo", "ma w9e3 lina walo", "ma sra lna walo", "ma sar shi", "kolchi labas", "kolna labas", "bi sa7a jayda",
	"fausse alarme", "il ne nous est rien arrivé", "rien ne nous est arrivé", "il ne s'est rien passé", "tout le monde est en bonne santé", "en bonne santé",
	"sirènes pour rien", "alarme pour rien",
	"no nos pasó nada", "no nos ha pasado nada", "no pasó nada", "todos sanos", "estamos sanos", "sirenas por nada", "sirenas sin motivo",
	"fehlalarm", "gesund", "alle gesund", "uns ist nichts passiert", "mir ist nichts passiert", "nichts passiert", "sirenen umsonst", "alarm umsonst",
	"ótimo", "ótima", "ótimos", "ótimas", "otimo", "otima", "alarme falsa", "nada nos aconteceu", "não nos aconteceu nada", "não aconteceu nada",
	"nao aconteceu nada", "todos saudáveis", "sirenes à toa", "alarme à toa", "com saúde",
	"गलतफहमी", "ग़लतफ़हमी", "गलत अलार्म", "हमें कुछ नहीं हुआ", "कुछ नहीं हुआ", "सब स्वस्थ", "सायरन बेवजह", "galat alarm", "kuch nahi hua", "hume kuch nahi hua",
	"غلط فہمی", "غلط الارم", "ہمیں کچھ نہیں ہوا", "کچھ نہیں ہوا", "سب صحت مند", "سائرن بلاوجہ",
}

// notDanger are negated danger phrases ("nobody's trapped", "کوئی زخمی
// نہیں") and words that only look like a danger phrase ("la presa" is a dam
// in Spanish, "پرچی نہیں نکل رہی" a prescription that will not print);
// they are blanked out with the notHazard compounds.
var notDanger = []string{
	"nobody's trapped", "nobody is trapped", "no one is trapped", "nobody trapped", "no one trapped", "nobody was trapped", "no one was trapped",
	"nobody's injured", "nobody is injured", "nobody was injured", "no one was injured", "nobody bleeding",
	"personne n'est coincé", "personne coincé", "nadie atrapado", "nadie está atrapado", "niemand eingeschlossen", "ninguém preso",
	"la presa", "las presas", "de la presa", "una presa",
	"कोई घायल नहीं", "कोई फंसा नहीं", "कोई नहीं फंसा", "پرچی نہیں نکل", "नहीं निकल रही पर्ची", "पर्ची नहीं निकल", "नुस्खा नहीं निकल",
	"نسخہ نہیں نکل", "کوئی زخمی نہیں", "کوئی نہیں پھنسا", "کوئی پھنسا نہیں",
	"ما يرد علي احد", "يرد علينا احد", "محد يرد", "ما حد يرد", "ما حدا يرد", "محدش بيرد", "محدش يرد",
	// stranded travellers are stuck, but not in danger
	"stuck at the airport", "stuck at the border", "stuck at the station", "stuck at the bus station", "stuck in the airport", "stuck abroad",
	"stuck in this city", "stuck in another city",
}

var wellSet, recoveredSet phraseSet

func init() {
	wellSet = compile(append(append([]string{}, wellPhrases...), recoveredPhrases...))
	recoveredSet = compile(recoveredPhrases)
}

// wellNoRisk reports whether padded asserts well-being, does not negate it
// ("no estamos bien" holds "estamos bien") and names nobody at risk now.
//
// The assertion must stand in the last clause after a contrast word: "hail
// hit the car but nobody was hurt" is well, "we're fine but grandpa is
// still up there" tells of someone else.
func wellNoRisk(padded string) bool {
	return wellNoRiskMasked(padded, "")
}

// wellNoRiskMasked is wellNoRisk given maskNotHazard(padded), "" when not
// yet made.
func wellNoRiskMasked(padded, masked string) bool {
	if !wellSet.match(padded) {
		return false // the common case, and cheaper than splitting clauses
	}
	last := 0 // the last clause starts after the last contrast word
	for _, w := range contrastWords {
		if i := strings.LastIndex(padded, w); i >= 0 && i+len(w)-1 > last {
			last = i + len(w) - 1
		}
	}
	if !wellSet.match(padded[last:]) || negatedSet.match(padded) {
		return false
	}
	if masked == "" {
		masked = maskNotHazard(padded)
	}
	strong, _ := dangerSet.scan(masked)
	return !strong && !pairedRisk(masked)
}
