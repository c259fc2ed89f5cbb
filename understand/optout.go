package understand

// Opting out told at length shares its words with a need: "I've moved away
// so I don't need the alerts for the coast any more" holds "need", and the
// classifier reads a request for help. These phrases say, in every
// language, that the alerts are no longer wanted or the number should go;
// they make a message that is not danger opt_out. Danger wins over them:
// the safety layer has decided before.
var optOutPhrases = []string{
	"don't need the alerts", "dont need the alerts", "don't need alerts", "dont need alerts", "no longer need the alerts",
	"don't need the warnings", "dont need the warnings", "no longer need the warnings", "don't need these messages", "dont need these messages",
	"don't need the messages", "remove my number", "delete my number", "take my number off", "take me off", "remove me from",
	"plus besoin des alertes", "plus besoin des messages", "n'ai plus besoin des alertes", "retirez mon numéro", "supprimez mon numéro",
	"enlevez mon numéro", "effacez mon numéro", "retirez-moi",
	"ya no necesito las alertas", "ya no necesito los avisos", "ya no necesito los mensajes", "no necesito más las alertas", "borren mi número",
	"borra mi número", "quiten mi número", "eliminen mi número", "saquen mi número", "sáquenme de",
	"warnungen nicht mehr", "warnungen brauche ich nicht mehr", "nachrichten nicht mehr", "meine nummer löschen", "löscht meine nummer",
	"nummer bitte löschen", "tragt mich aus", "tragen sie mich aus", "austragen",
	"não preciso mais dos alertas", "nao preciso mais dos alertas", "não preciso mais das mensagens", "não preciso dos alertas",
	"tirem o meu número", "tirem meu número", "apaguem o meu número", "apaguem meu número", "removam o meu número", "removam meu número",
	"alert nahi chahiye", "alerts nahi chahiye", "alert nahin chahiye", "alerts ki zaroorat nahi", "alerts ki zarurat nahi", "alert ki zaroorat nahi",
	"list se hata do", "list se nikal do", "number hata do", "number hata dein", "अलर्ट नहीं चाहिए", "लिस्ट से हटा दो", "नंबर हटा दो",
	"الرٹ نہیں چاہیے", "لسٹ سے ہٹا دیں", "لسٹ سے نکال دیں", "نمبر ہٹا دیں",
	"ما عاد احتاج التنبيهات", "ما عاد احتاج تنبيهات", "ما عدت احتاج التنبيهات", "مش محتاج التنبيهات", "ما احتاج التنبيهات", "احذفوا رقمي",
	"امسحوا رقمي", "شيلوا رقمي", "وقفوا الرسائل", "وقفوا الرسايل",
	"ma 3ad a7tej tanbihat", "ma 3ad a7taj el tanbihat", "mesh m7tej el tanbihat", "wa22fu el rasa2el", "wa2fu el rasa2el", "waqfou el rasa2el",
	"e7zefo ra2mi", "imsa7o ra2mi",
	// Arabizi and Arabic across dialects: take my number off, cancel my subscription, don't send
	"shilo ra2mi", "shilu ra2mi", "sheelo ra2mi", "sheelu ra2mi", "shilouni mn", "shiluni mn", "e7zfo ra2mi", "i7zfo ra2mi",
	"lghiw l abonnement", "lghiw abonnement", "lghi l abonnement", "lghiw l ishtirak", "elghu el eshtirak", "elghou el ishtirak",
	"la tarsloun", "la tersloun", "la tb3touli", "ma tb3atouli", "matb3atolich", "ma tba3tuli", "ma baddi rasa2el", "ma baddi tanbihat",
	"ma bghitch rasa2el", "ma bghitch tanbihat", "wa22fu el tanbihat", "wa2fu el tanbihat", "battlo tb3atu", "battlu tba3tu",
	"الغوا الاشتراك", "الغوا اشتراكي", "لا ترسلوا", "لا ترسلون", "ما تبعتولي", "ما بدي رسائل", "ما بدي تنبيهات", "وقفوا التنبيهات",
	"بطلوا تبعتوا", "شيلوني من", "شيلو رقمي",
}

// keepPhrases ask to stay: "please don't remove my number".
var keepPhrases = []string{
	"don't remove", "dont remove", "do not remove", "don't delete", "dont delete", "do not delete", "don't take me off", "do not take me off",
	"still need the alerts", "ne retirez pas", "ne supprimez pas", "no borren", "no quiten", "no eliminen", "nicht löschen", "nicht austragen",
	"não tirem", "não apaguem", "nao tirem", "mat hatao", "mat hatana", "na hatayein", "لا تحذفوا", "ما تحذفوا", "متحذفوش",
}

var optOutSet, keepSet = compile(concat(optOutPhrases, optOutMore)), compile(keepPhrases) // optOutMore: optoutkinds.go

// optOutTold reports whether padded asks, in words, to stop the alerts or
// drop the number, and does not ask to stay.
func optOutTold(padded string) bool {
	return optOutSet.match(padded) && !keepSet.match(padded)
}

// Asking to be called back or for someone of the team, told politely at
// length ("I'd be grateful if somebody from your team could ring me back,
// it's about my father"), names a relative and reads to the classifier like
// a plea. These phrases make a message with no danger sign a request for a
// person; a danger sign keeps the safety layer's reading.
var humanPhrases = []string{
	"someone from your team", "somebody from your team", "someone from the team", "one of your team", "ring me back", "call me back",
	"phone me back", "get back to me", "talk to a real person", "speak to a real person", "talk to a person", "speak to a person",
	"un membre de votre équipe", "quelqu'un de votre équipe", "me rappelle", "me rappeler", "rappelez-moi", "parler à quelqu'un",
	"parler à une personne", "alguien de su equipo", "alguien del equipo", "me devuelva la llamada", "me llame", "llámenme", "hablar con alguien",
	"hablar con una persona", "jemand aus ihrem team", "jemand von ihrem team", "jemand vom team", "mich zurückrufen", "rufen sie mich zurück",
	"ruft mich zurück", "mit jemandem sprechen", "mit einem menschen", "alguém da equipe", "alguém da sua equipe", "alguém da vossa equipa",
	"me ligue de volta", "me liguem", "retornar a ligação", "falar com alguém", "falar com uma pessoa",
	"team mein se koi", "team se koi", "mujhe call kar", "mujhe call karein", "mujhe call kare", "mujhe phone kar", "wapas call", "kisi insaan se baat",
	"टीम में से कोई", "मुझे कॉल कर", "मुझे फोन कर", "ٹیم میں سے کوئی", "مجھے کال کر", "مجھے فون کر",
	"حد من الفريق", "احد من الفريق", "حدا من الفريق", "حد من فريقكم", "يتصل فيني", "يتصل بي", "يتواصل معي", "يتصلوا فيني", "اتصلوا فيني",
	"7ad men el fari2", "7ada men el fari2", "7ad mn el fari2", "yettasel fiya", "yetasal fiya", "yetsal fiya", "etasalo fiya", "ytasel biya",
}

var humanSet = compile(humanPhrases)
