package understand

// Idioms of dying from boredom, heat or laughter ("I'm dying of boredom",
// "this heat will kill me", "بوریت سے مر گئی") name no danger: with them
// blanked out, a message where nothing else names one is read as the
// classifier's best other class. The classifier alone, having met "dying"
// and "kill" in emergencies, would raise them.
var hyperboleSet = compile([]string{
	"dying of boredom", "dying of laughter", "bored to death", "dying here", "this heat will kill me", "the heat will kill me", "heat is killing me",
	"this heat is killing me", "je meurs d'ennui", "mort d'ennui", "morte d'ennui", "morts de rire", "mort de rire", "cette chaleur va me tuer",
	"la chaleur va me tuer", "me muero de aburrimiento", "me muero del aburrimiento", "muerto de risa", "muerta de risa", "este calor me va a matar",
	"el calor me mata", "ich sterbe vor langeweile", "sterbe vor langeweile", "zu tode gelangweilt", "die hitze bringt mich um", "diese hitze bringt mich um",
	"morrendo de tédio", "morrendo de tedio", "morrendo de rir", "esse calor vai me matar", "o calor vai me matar",
	"رح موت من الملل", "بموت من الملل", "ميت من الملل", "ميت من الضحك", "هالشوب رح يقتلني", "الحر رح يقتلني", "ra7 mout mn el malal", "mayet mn el malal",
	"mayet mn el d7ak", "mtt b l3ya9a", "l7ar ghadi yqtelni",
	"बोरियत से मर", "बोर होकर मर", "हँसते हँसते मर", "गर्मी जान ले लेगी", "गर्मी मार डालेगी", "boriyat se mar", "garmi maar degi", "garmi to maar hi degi",
	"garmi jaan le legi", "dhoop jaan le legi", "jaan le legi", "بوریت سے مر", "ہنس ہنس کے مر", "گرمی مار ڈالے گی", "گرمی جان لے لے گی",
	// a phone's battery dying
	"phone is dying", "phone's dying", "phones dying", "battery is dying", "battery's dying", "mon tel va mourir", "mon téléphone va mourir",
	"ma batterie va mourir", "se me muere el celular", "se me está muriendo el celular", "se me muere el cel", "mein handy stirbt",
	"mein akku stirbt", "akku stirbt", "meu celular tá morrendo", "meu celular vai morrer", "meu telemóvel vai morrer", "الموبايل رح يموت",
	"تلفوني رح يموت", "جوالي بيموت", "el mobile ra7 ymout", "telefoni ra7 ymout", "फोन मरने वाला", "फ़ोन मरने वाला", "phone marne wala",
	"فون مرنے والا",
	// tired after work, a shift or the gym
	"feet are killing me", "legs are killing me", "back is killing me", "dead tired", "dead on my feet", "mourir de fatigue", "mort de fatigue",
	"morte de fatigue", "va m'achever", "vont m'achever", "m'a achevé", "m'a achevée", "pies a morir", "piernas a morir", "muerto de cansancio",
	"muerta de cansancio", "todmüde", "hundemüde", "morto de cansaço", "morta de cansaço", "ميت من التعب", "ميته من التعب", "mayet mn el ta3ab",
	"mayte mn el ta3ab", "थकान से मर", "पैर जान ले रहे", "thakan se mar", "pair jaan le rahe", "تھکن سے مر", "پاؤں جان لے رہے",
	// hungry before a meal, laughing
	"ميت من الجوع", "mayet mn el jou3", "भूख से जान निकल", "bhook se jaan nikal", "بھوک سے جان نکل", "i'm dead 😂", "im dead 😂",
	"morri de rir", "me morí de risa", "me mori de risa", "totgelacht",
})

// hyperboleOnly reports whether the message names a danger only in an
// idiom of hyperbole.
func hyperboleOnly(rd *reading) bool {
	if !hyperboleSet.match(rd.padded) {
		return false
	}
	// the idiom's heat still counts for a situation: "this heat will kill
	// me, and grandma is confused" is heat and a frail person
	return signlessMasked(hyperboleSet.blank(rd.masked)) && conceptAt(rd.masked) < 0 && cueSets.scan(rd.padded)&cueUrgent == 0
}
