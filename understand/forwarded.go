package understand

// Forwarded messages that name a hazard are not the sender's emergency: a
// chain prayer or blessing to pass on ("send this to 10 people and your
// house will be safe from floods") is chatter, and a rumour passed on and
// asked about ("my aunt forwarded that the dam breaks tonight, true or
// fake?") is a question. Both yield to a danger phrase naming a person at
// risk and to any situation concept: "is it true the dam broke? my kids
// are at the river" stays danger.

var (
	forwardedSet = compile([]string{
		"forwarded", "forwarded many times", "fwd", "fw", "someone sent", "going around", "chain message", "voice note saying", "rumour", "rumor",
		"transféré", "message transféré", "transféré plusieurs fois", "ça circule", "rumeur", "reenviado", "reenvió", "reenvio", "me llegó", "rumor",
		"anda circulando", "weitergeleitet", "kettenbrief", "gerücht", "geht rum", "encaminhada", "encaminhado", "encaminhou", "boato", "tá rodando",
		"رساله معاد توجيهها", "معاد توجيهها", "متداوله", "رساله متداوله", "اشاعه", "عم يقولوا", "بعتولي", "forward", "msg forward",
		"फॉरवर्ड", "फारवर्ड", "अफवाह", "forward kiya", "afwah", "فارورڈ", "افواہ", "فارورڈ کیا",
	})
	// chainAskSet asks to pass the message on: a chain.
	chainAskSet = compile([]string{
		"send this to", "share this", "send it to", "pass it on", "forward this", "envoie ce", "envoie cette", "partage ce", "partage cette",
		"envía esto", "envia esto", "comparte esta", "comparte este", "schick dieses", "schick diese", "teile diese", "teile dieses",
		"mande essa", "mande esse", "manda pra", "compartilhe", "شاركها", "شاركه", "ارسل هذا", "ارسلها", "انشرها", "sharekha",
		"भेजो", "भेजें", "शेयर करो", "shair karo", "bhejo", "بھیجیں", "بھیجو", "شیئر کریں",
	})
	// truthAskSet asks whether something told is true.
	truthAskSet = compile([]string{
		"is that true", "is it true", "is this true", "true or fake", "true or false", "is that real", "is this real", "real or fake", "fake news",
		"c'est vrai", "est-ce vrai", "vrai ou faux", "es verdad", "es cierto", "verdad o mentira", "cierto o falso", "es falso", "stimmt das",
		"ist das wahr", "oder fake", "é verdade", "e verdade", "verdade ou mentira", "é fake", "e fake", "صحيح", "صح ولا", "صحيح ولا كذب", "حقيقي",
		"sa7", "sa7i7", "क्या यह सच", "सच है", "सच या झूठ", "sach hai", "sach ya jhooth", "کیا یہ سچ", "سچ ہے", "سچ یا جھوٹ",
	})
)

// forwardedReading is the class a forwarded message takes instead of
// danger, "" when it is not one.
func forwardedReading(rd *reading) Class {
	if !forwardedSet.match(rd.padded) {
		return ""
	}
	if strong, _ := dangerSet.scan(rd.masked); strong || pairedRisk(rd.masked) || conceptAt(rd.masked) >= 0 {
		return ""
	}
	switch {
	case truthAskSet.match(rd.padded):
		return Question
	case chainAskSet.match(rd.padded):
		return Other
	}
	return ""
}
