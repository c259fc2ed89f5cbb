package understand

// Dangers told in the middle of a long, calm message, between praise for a
// shelter and a question about forms, with no danger word: a diabetic
// husband trembling, sweating and no longer answering; bleeding with
// pain in the eighth month of a pregnancy; a worker who stopped sweating
// and talks nonsense in 49 degrees; a child who ate from a recalled jar
// with glass in it and whose mouth bleeds. The calm around them makes the
// classifier read a need; each is a situation (concepts.go), so a question
// about it or a story long past stays apart as for every concept.

// bleedingWords tell bleeding now.
var bleedingWords = []string{
	"bleeding", "is bleeding", "blood coming", "losing blood", "saigne", "saignement", "saignements", "perd du sang", "sangra", "sangrando",
	"sangrado", "está sangrando", "blutet", "blutung", "blutungen", "verliert blut", "sangrando", "sangramento", "perdendo sangue",
	"نزيف", "تنزف", "بتنزف", "بينزف", "بينزل دم", "بينزلها دم", "نازل دم", "نازلها دم", "ينزل دم", "بينزل منه دم",
	"beynazzel dam", "bynazzel dam", "3am ynazzel dam", "nazel dam", "nazla dam", "nazif", "btenzef",
	"खून आ रहा", "खून बह रहा", "खून निकल रहा", "ब्लीडिंग", "khoon aa raha", "khoon beh raha",
	"خون آ رہا", "خون بہہ رہا", "خون نکل رہا", "بلیڈنگ",
}

// lateMonths tell a pregnancy in its last months, as a month counted.
var lateMonths = []string{
	"eighth month", "ninth month", "seventh month", "8 months pregnant", "9 months pregnant", "7 months pregnant",
	"huitième mois", "neuvième mois", "septième mois", "enceinte de 8 mois", "enceinte de 7 mois",
	"octavo mes", "noveno mes", "séptimo mes", "achten monat", "neunten monat", "siebten monat", "oitavo mês", "nono mês", "sétimo mês",
	"الشهر الثامن", "الشهر التاسع", "الشهر السابع", "بالتامن", "بالشهر التامن", "fi tamen shahr", "bel shahr el tamen",
	"आठवां महीना", "आठवाँ महीना", "नौवां महीना", "सातवां महीना", "aathwan mahina",
	"آٹھواں مہینہ", "نواں مہینہ", "ساتواں مہینہ", "aathwan maheena",
}

// diabeticWords name a person living with diabetes.
var diabeticWords = []string{
	"diabetic", "diabetes", "type 1", "on insulin", "diabétique", "diabète", "diabético", "diabética", "diabetiker", "diabetikerin", "zuckerkrank",
	"سكري", "عنده سكر", "عندها سكر", "sokkari", "sukkari", "3ando sokkar", "3andha sokkar",
	"डायबिटीज", "शुगर है", "शुगर के मरीज", "sugar hai", "ذیابیطس", "شوگر ہے", "شوگر کے مریض",
}

// noAnswerNear tell a person beside the writer who no longer answers, or
// trembles and sweats (a low sugar before it).
var noAnswerNear = []string{
	"not answering me", "doesn't answer me", "won't answer me", "not responding", "doesn't respond", "stopped answering", "shaking and sweating",
	"me répond plus", "me repond plus", "répond plus quand", "il tremble il transpire", "tremble et transpire",
	"no me responde", "ya no responde", "no me contesta", "tiembla y suda",
	"antwortet mir nicht", "antwortet nicht mehr", "reagiert nicht", "zittert und schwitzt",
	"não me responde", "nao me responde", "não responde mais", "treme e sua", "tremendo e suando",
	"ما عم يرد علي", "ما عاد يرد", "مش بيرد عليا", "ما يرد علي", "بيرجف وبيعرق", "يرجف ويعرق",
	"ma 3am yrod", "ma 3ad yrod", "mesh beyrod", "ma kayjawbnich", "kayrje7 w kay3re9",
	"जवाब नहीं दे रहे", "जवाब नहीं दे रहा", "जवाब नहीं दे रही", "कांप रहे हैं और पसीना", "jawab nahi de rahe",
	"جواب نہیں دے رہے", "جواب نہیں دے رہا", "جواب نہیں دے رہی", "کانپ رہے ہیں اور پسینہ",
}

// workers name people at work in the heat, beside the people of signs.
var workers = []string{
	"worker", "the worker", "labourer", "ouvrier", "trabajador", "peón", "arbeiter", "trabalhador", "peão",
	"العامل", "عامل", "الشغيل", "الصنايعي", "el 3amel", "l3amel", "मजदूर", "कारीगर", "مزدور", "کاریگر",
}

// glassWords name glass found in food.
var glassWords = []string{
	"glass", "shards", "verre", "éclats de verre", "vidrio", "glas", "glassplitter", "vidro", "caco de vidro",
	"زجاج", "قزاز", "ezaz", "2ezaz", "qezaz", "zjaj", "कांच", "kaanch", "کانچ", "شیشہ",
}

// ateWords tell something eaten or swallowed.
var ateWords = []string{
	"ate", "eaten", "swallowed", "a mangé", "a avalé", "comió", "se tragó", "gegessen", "verschluckt", "comeu", "engoliu",
	"اكل", "أكل", "بلع", "كلا", "akal", "kla", "bla3", "खाया", "खा लिया", "निगल", "کھایا", "کھا لیا", "نگل",
}

var longStoryConcepts = []concept{
	{name: "pregnancy_bleeding", parts: []conceptPart{
		{phrases: concat(pregnantOrNewMother, lateMonths)},
		{neg: true, phrases: bleedingWords},
	}},
	{name: "diabetic_no_answer", parts: []conceptPart{
		{phrases: diabeticWords},
		{neg: true, phrases: noAnswerNear},
	}},
	{name: "heat_stroke_worker", parts: []conceptPart{
		{phrases: workers},
		{phrases: []string{"stopped sweating", "ne transpire plus", "dejó de sudar", "schwitzt nicht mehr", "parou de suar", "وقف عرق", "ما عم يعرق",
			"w9ef l3r9", "पसीना बंद", "پسینہ بند"}},
		{neg: true, phrases: []string{"confused", "not making sense", "confus", "confundido", "verwirrt", "confuso", "يخربط*", "مخربط*", "يهذي",
			"kaykhrbe9", "m5arbat", "बहकी बातें", "उलझन", "بہکی باتیں", "الجھن"}},
	}},
	{name: "glass_swallowed", parts: []conceptPart{
		{phrases: ateWords},
		{phrases: glassWords},
		{neg: true, phrases: bleedingWords},
	}},
}
