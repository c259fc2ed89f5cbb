package understand

import "strings"

// Hardship told as a question: "I'm stuck on the other side since the
// bridge fell, how do I get home?", "ضاع جواز سفري بالفيضان، كيف بطلع
// غيره؟". The classifier reads the question's form and sends it to the
// FAQ; the sender is in a predicament and needs a person. A message the
// classifier reads as a question, with need_help as its next reading, is a
// need when a clause before the last tells a predicament of the sender's
// own (stuck, lost, left without) and the message asks how or ends with a
// question mark. A question with no predicament told ("how do I get a
// refund for the cancelled train") stays a question.

// predicamentPhrases tell, in the first person, that the sender is stuck,
// has lost what they need or is left without it.
var predicamentPhrases = []string{
	"i'm stuck", "i am stuck", "we're stuck", "we are stuck", "stuck on the", "stuck at the", "stranded", "i lost", "we lost", "lost my", "lost our",
	"i have no", "we have no", "i don't have a", "i dont have a", "we don't have a", "no car", "washed away", "swept away", "we had to leave",
	"had to leave", "ran out of", "roof is half", "half the roof",
	"je suis bloqué", "je suis bloquée", "on est bloqués", "coincé", "coincée", "coincés", "j'ai perdu", "on a perdu", "nous avons perdu",
	"j'ai pas de", "je n'ai pas de", "on a pas de", "on n'a pas de", "on n'a plus", "on a plus de", "on a dû laisser", "on a du laisser",
	"quedé del otro lado", "me quedé", "quedé varado", "quedamos varados", "varado", "varada", "perdí", "perdimos", "se perdieron", "no tengo coche",
	"no tengo carro", "no tenemos", "nos tocó dejar", "tuvimos que dejar",
	"sitz fest", "sitze fest", "sitzen fest", "festgesessen", "hab kein", "habe kein", "haben kein", "verloren", "weggeschwemmt", "mussten zurücklassen",
	"fiquei do outro lado", "fiquei preso do outro lado", "perdi", "perdemos", "não tenho carro", "nao tenho carro", "não temos", "tivemos que deixar",
	"phans gaya", "phas gaya", "fans gaya", "fas gaya", "phans gaye", "kho gaya", "kho gaye", "kho gayi", "gaadi nahi", "gadi nahi", "chhor ke nikalna",
	"chhod ke nikalna", "फंस गया", "फँस गया", "खो गया", "खो गए", "गाड़ी नहीं", "پھنس گیا", "کھو گیا", "کھو گئے", "گاڑی نہیں", "چھوڑ کے نکلنا",
	"علقت", "عالق", "عالقين", "ضاع", "ضاعت", "ضيعت", "ما عندي سياره", "ما عندي عربيه", "معنديش عربيه", "مفيش عربيه", "ما عندنا سياره",
	"3l9t", "3le2t", "3al2an", "dey3", "da3", "daya3t", "ma 3andi sayyara", "ma3andich tomobil",
}

var predicamentSet = compile(predicamentPhrases)

// askedNeed reports whether text tells a predicament of the sender's in a
// clause before the last and then asks (see predicamentPhrases).
func askedNeed(text string) bool {
	clauses := strings.FieldsFunc(text, clauseEnd)
	if len(clauses) < 2 {
		return false
	}
	told := false
	for _, c := range clauses[:len(clauses)-1] {
		if predicamentSet.match(" " + Normalize(c) + " ") {
			told = true
			break
		}
	}
	if !told {
		return false
	}
	last := " " + Normalize(clauses[len(clauses)-1]) + " "
	return howSet.match(last) || strings.HasSuffix(strings.TrimSpace(text), "?") || strings.HasSuffix(strings.TrimSpace(text), "؟")
}
