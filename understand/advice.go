package understand

// Advice given to someone else, told with a complaint that they never
// listen ("told my cousin not to run the generator in the garage, she
// never listens", "قلت لبنت عمي لا تشغل المولد جوا الكراج وهي ما تسمع
// الكلام"): the hazard is what the advice is about, not something
// happening, and the complaint says it is a habit, not an event. Both are
// needed: "I told dad not to go out in the storm and now he's not
// answering" tells an event, and the signs and urgent cues it holds keep
// it to the classifier and the safety rules (see Understand).

// warnedSet tells advice given: "told X (not) to", "said to X".
var warnedSet = compile([]string{
	"told my", "told her", "told him", "told them", "i told", "warned my", "warned her", "warned him", "keep telling", "explained to my",
	"j'ai dit à", "jai dit a", "j'ai dit a", "dit à ma", "dit a ma", "dit à mon", "dit a mon", "prévenu", "j'ai expliqué", "jai explique",
	"le dije", "les dije", "le expliqué", "le explique", "le advertí", "le adverti", "le digo",
	"gesagt", "erklärt", "gewarnt", "sag ihr", "sag ihm",
	"falei pra", "falei para", "disse pra", "disse para", "avisei", "expliquei",
	"قلت ل*", "قلتلها", "قلتله", "نبهت*", "حذرت*", "فهمت*", "2oltelha", "2oltello", "2olt le", "olt le", "2olt la", "olt la", "7azzart*",
	"को बोला", "को कहा", "को समझाया", "को मना किया", "से कहा", "ko bola", "ko kaha", "ko samjhaya",
	"کو بولا", "کو کہا", "کو سمجھایا", "کو منع کیا", "سے کہا", "ko samjhaya",
})

// unheededSet says the advice is not followed, as a habit.
var unheededSet = compile([]string{
	"never listens", "never listen", "doesn't listen", "doesnt listen", "won't listen", "wont listen", "never does", "as usual", "typical",
	"écoute jamais", "ecoute jamais", "n'écoute pas", "écoute pas", "ecoute pas", "comme d'habitude",
	"nunca hace caso", "no hace caso", "nunca escucha", "no escucha", "como siempre", "aguanta todo",
	"hört eh nicht", "hört nie", "hört nicht", "wie immer",
	"nunca escuta", "não escuta", "nao escuta", "nunca ouve", "como sempre",
	"ما تسمع الكلام", "ما بتسمع الكلام", "ما بيسمع الكلام", "ما يسمع الكلام", "مش بتسمع", "ما بتسمع", "كالعاده", "زي العاده",
	"ma btesma3sh", "ma btesma3", "ma bteesma3", "kal3ada", "kal 3ada", "zay el 3ada",
	"सुनती ही नहीं", "सुनता ही नहीं", "सुनती नहीं", "सुनता नहीं", "अपनी ही चलाती", "अपनी ही चलाता", "हमेशा की तरह", "sunti hi nahi", "sunta hi nahi",
	"سنتی ہی نہیں", "سنتا ہی نہیں", "سنتی نہیں", "سنتا نہیں", "اپنی ہی چلاتی", "اپنی ہی چلاتا", "ہمیشہ کی طرح",
})

// warnedUnheeded reports advice told as given and not followed.
func warnedUnheeded(padded string) bool {
	return warnedSet.match(padded) && unheededSet.match(padded)
}
