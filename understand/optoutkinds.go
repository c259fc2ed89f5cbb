package understand

// Opt-outs told in three more ways: a number that never signed up ("never
// signed up, wrong number, delete me", "ما اشتركت، امسحوني"), a dead
// relative's number to take off the alerts ("my father passed away, take
// his number off the alerts"), and an angry "get me off this list" after
// too many messages ("nehmt mich raus", "مجھے لسٹ سے نکالو"). Each is an
// order to the service about a number, read by optOutTold like the phrases
// of optout.go; a danger still decides first (see Understand).
var optOutMore = []string{
	// off the list, delete me
	"delete me", "delete me from", "get me off", "take me off this", "off this list", "off your list",
	"effacez-moi", "effacez moi", "enlevez-moi", "retirez-moi", "sortez-moi de",
	"bórrenme", "borrenme", "sáquenme", "saquenme", "quítenme", "quitenme",
	"nehmt mich raus", "löscht mich", "loescht mich", "streicht mich", "tragt mich aus",
	"me tira dessa lista", "me tirem", "me apaguem", "me apaga",
	"امسحوني", "شيلوني", "احذفوني", "طلعوني من القايمه", "طلعوني من القائمه", "ms7ouni", "m7iwni", "sheelooni", "shiloni", "e7zfouni",
	"मुझे लिस्ट से हटाओ", "लिस्ट से हटाओ", "लिस्ट से हटा दो", "डिलीट करो", "delete karo", "list se hatao",
	"مجھے لسٹ سے نکالو", "لسٹ سے نکالو", "لسٹ سے ہٹاؤ", "ڈیلیٹ کرو", "ڈیلیٹ کر دو",
	// a number that never signed up
	"never signed up", "never subscribed", "never joined", "jamais inscrit", "jamais inscrite", "nunca me suscribí", "nunca me suscribi",
	"nie angemeldet", "nunca me inscrevi", "ما اشتركت", "ما سجلت", "ma shtarakt", "ma sajjalt", "kabhi join nahi", "कभी जॉइन नहीं",
	"کبھی جوائن نہیں",
	// a dead relative's number off the alerts
	"his number off", "her number off", "his number from", "her number from", "son numéro des alertes", "son numero des alertes",
	"su número de las alertas", "su numero de las alertas", "seine nummer aus", "ihre nummer aus", "o número dele", "o numero dele",
	"o número dela", "o numero dela", "شيلوا رقمه", "شيلوا رقمها", "احذفوا رقمه", "احذفوا رقمها", "امسحوا رقمه", "امسحوا رقمها",
	"7iydo nnmra dyalo", "7iydo nnmra dyalha", "sheelo ra2mo", "उनका नंबर", "ان کا نمبر",
}
