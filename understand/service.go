package understand

// Requests about the service itself that name a hazard only as the
// subject of the alerts or of an earlier message:
//   - alerts asked for ("I want the fire alerts for the valley", "start
//     pls, for the fire alerts", "quiero recibir las alertas de incendio",
//     "जंगल की आग वाले अलर्ट चाहिए") or a subscription asked back after a
//     STOP sent by mistake: opt_in;
//   - whether a message arrived ("did my message go through? only one
//     tick", "ist meine Nachricht angekommen?", "وصلت رسالتي؟", "did anyone
//     read what I sent about the roof"): queue_status.
//
// The hazard word is the alerts' subject or the earlier message's, so the
// classifier's danger (which learnt "fire" from emergencies) and the hazard
// rule give way, but only when nothing names a person at risk, a sign, a
// situation or an urgent cue: "did my message arrive? dad is still trapped"
// stays danger.

// RuleService marks a request about the service (alerts asked for, a
// message's arrival asked about) read over a hazard word it names.
const RuleService = "service"

// alertsSet names the alerts the service sends.
var alertsSet = compile(withDeaccent([]string{
	"alert", "alerts", "the alerts",
	"alertes", "alerte", "alertas", "alerta", "avisos", "warnungen", "warnung", "warnmeldungen",
	"تنبيهات", "التنبيهات", "اشعارات", "الاشعارات", "تحذيرات", "التحذيرات", "tanbihat", "tanbeehat", "ish3arat", "el tanbihat",
	"अलर्ट", "alert chahiye", "الرٹ", "الرٹس",
}))

// alertsWantSet asks to receive them (or to be put back on the list).
var alertsWantSet = compile(withDeaccent([]string{
	"i want", "i'd like", "id like", "want the", "want to get", "want to receive", "start", "start pls", "sign me up", "subscribe", "send me", "can i get",
	"can i receive", "add me", "put me", "resubscribe", "sign me back",
	"je veux", "je voudrais", "je veux bien", "recevoir", "je peux les recevoir", "inscrivez", "réinscrivez", "abonnez", "envoyez-moi", "envoyez moi",
	"quiero", "quisiera", "recibir", "mándenme", "mandenme", "envíenme", "envienme", "suscríbanme", "suscribanme", "anótenme", "anotenme",
	"ich möchte", "ich will", "ich hätte gern", "bitte die", "schickt mir", "meldet mich", "anmelden", "wieder an",
	"quero", "queria", "receber", "me manda", "me mandem", "me inscreve", "me cadastra", "me coloca",
	"بدي", "ابي", "أبي", "اريد", "أريد", "عايز", "عاوز", "ارسلوا لي", "ابعتولي", "سجلوني", "رجعوني", "bghit", "baghi", "bade", "biddi", "3ayez", "abghi",
	"चाहिए", "भेजो", "भेजिए", "भेजें", "जोड़ दो", "जोड़ो", "chahiye", "bhejo",
	"چاہیے", "چاہییں", "چاہئیں", "بھیجیں", "بھیجو", "شامل کر",
}))

// alertsRefusedSet turns the request around: alerts not wanted.
var alertsRefusedSet = compile(withDeaccent([]string{
	"don't want", "dont want", "do not want", "no more", "stop sending", "unsubscribe",
	"veux plus", "veux pas", "ne veux", "no quiero", "ya no", "nicht mehr", "will keine", "keine mehr", "não quero", "nao quero", "chega de",
	"ما بدي", "مش عايز", "ما ابي", "ما أبي", "لا اريد", "لا أريد", "ma bghitch", "mabghitch", "ma badde",
	"नहीं चाहिए", "मत भेजो", "بند کرو", "نہیں چاہیے", "مت بھیجو",
}))

// resubscribed ask back onto the list after a STOP sent by mistake.
var resubscribed = withDeaccent([]string{
	"stop by mistake", "stop by accident", "sent stop by mistake", "put me back", "add me back", "sign me back up", "resubscribe",
	"réinscrivez-moi", "réinscrivez moi", "stop par erreur", "réabonnez", "stop por error", "stop sin querer", "vuelvan a inscribirme",
	"meldet mich wieder an", "meldet mich bitte wieder an", "aus versehen stop", "versehentlich stop", "stop sem querer", "stop por engano",
	"me coloca de volta", "رجعوني", "أرجعوني", "ارجعوني", "stop بالغلط", "بالغلط stop", "गलती से stop", "गलती से स्टॉप", "غلطی سے stop",
})

// arrived ask whether a message arrived or was read.
var arrived = withDeaccent([]string{
	"did my message", "did you get my message", "did you receive my message", "did anyone get what i sent", "did anyone see what i sent",
	"did anyone read what i sent", "did you get what i sent", "only one tick", "only shows one tick", "one grey tick", "one gray tick", "single tick",
	"mon message est bien arrivé", "mon message est arrivé", "vous avez reçu mon message", "qu'une coche", "une seule coche", "coche grise",
	"quelqu'un a lu ce que", "quelqu'un a vu ce que",
	"llegó mi mensaje", "les llegó mi mensaje", "recibieron mi mensaje", "una palomita", "una sola palomita", "un solo check", "alguien vio lo que", "alguien leyó lo que",
	"ist meine nachricht angekommen", "meine nachricht angekommen", "nur ein haken", "nur ein häkchen", "ein grauer haken", "hat jemand gelesen was ich",
	"hat jemand gesehen was ich",
	"minha mensagem chegou", "a mensagem chegou", "receberam minha mensagem", "um risquinho", "um tracinho", "só um tique", "alguém leu o que",
	"alguém viu o que",
	"وصلت رسالتي", "وصلتكم رسالتي", "وصلتكم الرساله", "علامه وحده", "علامة وحدة", "صح وحده", "حد شاف اللي بعته", "حد قرا اللي بعته", "حد شاف اللي بعتته",
	"wasalet resalti", "wslat risalti", "wslatkom risalti", "3alame wa7de", "3alama wa7da", "chi wa7ed chaf dakchi li sift", "7ad chaf elli ba3atto",
	"मेरा मैसेज पहुंचा", "मेरा मैसेज पहुँचा", "मैसेज पहुंचा", "एक टिक", "किसी ने", "mera message pahuncha", "ek tick",
	"میرا میسج پہنچا", "میسج پہنچا", "ایک ٹک", "کسی نے",
})

// serviceTags finds the arrival questions and the requests to come back
// in one pass: both are looked for in every message.
var serviceTags = compileTags(map[uint8][]string{svcArrived: arrived, svcBack: resubscribed})

const (
	svcArrived uint8 = 1 << iota // a message's arrival asked about
	svcBack                      // put back on the list after a mistaken STOP
)

// arrivedSeenSet holds the words that, after "did anyone" in Hindi and
// Urdu ("किसी ने ... देखा"), make it a question about the message sent.
var arrivedSeenSet = compile([]string{
	"मैसेज देखा", "मैसेज पढ़ा", "मेसेज देखा", "message dekha", "میسج دیکھا", "میسج پڑھا", "پیغام دیکھا",
	"what i sent", "ce que j'ai envoyé", "ce que j'ai envoye", "lo que mandé", "lo que mande", "lo que envié", "was ich", "o que mandei",
	"اللي بعته", "اللي بعتته", "اللي ارسلته", "dakchi li sift", "elli ba3atto",
	"did my message", "my message", "mon message", "mi mensaje", "meine nachricht", "minha mensagem", "رسالتي", "risalti", "resalti",
	"मेरा मैसेज", "میرا میسج", "tick", "coche", "palomita", "haken", "häkchen", "risquinho", "tracinho", "علامه", "علامة", "3alame", "टिक", "ٹک",
})

// serviceReading returns the class a request about the service takes
// (opt_in or queue_status), "" when the message is none or names someone
// at risk. Only the classifier's reading c is needed besides rd.
func serviceReading(rd *reading, c Class) Class {
	if c == OptIn || c == QueueStatus {
		return ""
	}
	padded := rd.padded
	tags := serviceTags.scan(padded)
	var want Class
	switch {
	case tags&svcArrived != 0 && arrivedSeenSet.match(padded):
		want = QueueStatus
		if c == OptOut || c == Human && humanSet.match(padded) {
			return "" // "did you get my message? I want a person"
		}
	case tags&svcBack != 0:
		want = OptIn // read over an opt-out too: the STOP it names was a mistake
	case c == OptOut || c == Human:
		return ""
	case c == Danger && alertsSet.match(padded) && alertsWantSet.match(padded) && !alertsRefusedSet.match(padded):
		// only over a danger the alerts' hazard raised: beside a need
		// ("my phone got wet, my only way to receive the alerts") or a
		// question, the alerts are what the message is about, not asked for
		want = OptIn
	default:
		return ""
	}
	if c != Danger {
		if c == Thanks || c == Greeting || c == Safe && (want == OptIn || wellSet.match(padded)) {
			return "" // a status or thanks said beside it is read first
		}
		return want
	}
	strong, _ := dangerSet.scan(rd.masked)
	if strong || pairedRisk(rd.masked) || conceptAt(rd.masked) >= 0 || cueSets.scan(padded)&cueUrgent != 0 {
		return ""
	}
	return want
}
