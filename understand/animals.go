package understand

// Animals at risk, told with "no person is in danger": goats on a bit of
// high ground in a flooded paddock, cows shut in a barn as the water rises,
// hives and hens on an islet ("no people in danger but they'll drown,
// anyone with a boat?", "kein Mensch in Gefahr, aber sie saufen ab",
// "कोई आदमी खतरे में नहीं पर चारा नहीं है"). The drowning, the being stuck,
// are the animals'; the sender has said so, so it is a need (a boat, fodder),
// not a danger. A person who goes in after them is one ("my uncle swam out
// after the cows"), so a person entering the water, a stable or a pen, or
// a person said to be in danger, keeps the message a danger.

// RuleAnimals marks a danger read as a need: animals at risk, no person.
const RuleAnimals = "animals"

// noPersonAtRiskSet says no person is in danger.
var noPersonAtRiskSet = compile(withDeaccent([]string{
	"no people in danger", "no person in danger", "nobody in danger", "no one in danger", "no one is in danger", "nobody is in danger",
	"no humans in danger", "no human in danger",
	"personne en danger mais", "personne n'est en danger", "aucune personne en danger", "pas de personne en danger",
	"nadie en peligro", "nadie está en peligro", "ninguna persona en peligro", "no hay personas en peligro",
	"kein mensch in gefahr", "niemand in gefahr", "niemand ist in gefahr", "keine menschen in gefahr",
	"ninguém em perigo", "nenhuma pessoa em perigo", "ninguém corre perigo",
	"مفيش بني ادم في خطر", "مافيش بني ادم في خطر", "محدش في خطر", "ما في حدا بخطر", "ما في حدا في خطر", "ما حدا بخطر", "ما في احد في خطر",
	"لا يوجد اشخاص في خطر", "ما فيه احد في خطر",
	"ma fi 7ada bi khatar", "ma fi 7ada b khatar", "ma fi 7ada fi khatar", "ma7adesh fi khatar", "mafish 7ad fi khatar", "7ta wa7ed ma f khatar",
	"कोई आदमी खतरे में नहीं", "कोई इंसान खतरे में नहीं", "कोई खतरे में नहीं", "किसी इंसान को खतरा नहीं", "koi aadmi khatre mein nahi",
	"کوئی انسان خطرے میں نہیں", "کوئی آدمی خطرے میں نہیں", "کوئی خطرے میں نہیں", "کسی انسان کو خطرہ نہیں",
}))

// personAtRiskSet names a person in danger where a word of noPersonAtRisk
// could read as "nobody" ("une personne en danger": a person in danger).
var personAtRiskSet = compile(withDeaccent([]string{
	"une personne en danger", "des personnes en danger", "la personne en danger", "cette personne en danger",
}))

// animalSet names livestock, poultry and hives.
var animalSet = compile(withDeaccent([]string{
	"goats", "sheep", "cows", "cattle", "calves", "buffalo", "buffaloes", "hens", "chickens", "pigs", "hives", "beehives", "horses", "donkeys",
	"camels", "livestock", "herd", "flock", "lambs",
	"chèvres", "moutons", "brebis", "vaches", "veaux", "poules", "cochons", "ruches", "chevaux", "ânes", "bétail", "troupeau", "agneaux",
	"cabras", "ovejas", "vacas", "becerros", "terneros", "gallinas", "cerdos", "colmenas", "caballos", "burros", "ganado", "borregos",
	"ziegen", "schafe", "kühe", "kälber", "rinder", "hühner", "schweine", "bienenstöcke", "bienenvölker", "pferde", "esel", "vieh", "herde",
	"ovelhas", "bezerros", "galinhas", "porcos", "colmeias", "cavalos", "jumentos", "gado", "bois", "rebanho",
	"الماعز", "الغنم", "الخرفان", "البقر", "العجول", "الجاموس", "الدجاج", "الفراخ", "خلايا النحل", "الخيل", "الجمال", "المواشي", "الحلال", "الابل",
	"el 8anam", "el ghanam", "l8nam", "lghnem", "lghanam", "l9er", "el ba2ar", "lb9ar", "el b2ar", "djaj", "jdad", "el jmal", "el mawashi", "lm3iz",
	"बकरियां", "बकरियाँ", "भेड़ें", "गायें", "गाय", "बछड़े", "भैंसें", "भैंस", "मुर्गियां", "मुर्गियाँ", "सूअर", "मधुमक्खी", "घोड़े", "मवेशी", "ऊंट",
	"bakriyan", "gaay", "bhains", "murgiyan", "maveshi",
	"بکریاں", "بھیڑیں", "گائیں", "گائے", "بچھڑے", "بھینسیں", "بھینس", "مرغیاں", "گھوڑے", "مویشی", "اونٹ", "جانور",
}))

// personEnteredSet tells a person going in after the animals: into the
// water, back into a stable or a pen, swimming after them.
var personEnteredSet = compile(withDeaccent([]string{
	"went in after", "gone in after", "swam after", "swimming after", "swam out", "jumped in", "went into the water", "is in the water",
	"went back in", "waded in", "gone into the water",
	"est allé les chercher", "est parti les chercher", "a plongé", "nage vers", "s'est jeté", "est entré dans l'eau", "est dans l'eau",
	"entró al agua", "se metió al agua", "se tiró al agua", "fue por ellas", "fue por ellos", "está en el agua", "nadando hacia",
	"ist reingegangen", "ist ins wasser", "schwimmt zu", "ist im wasser", "ist zurück in den stall", "rein in den stall",
	"entrou na água", "foi buscar", "pulou na água", "está na água", "nadando atrás",
	"نزل ورا", "دخل ورا", "نزل للمي", "نزل عالمي", "نط بالمي", "نط في الميه", "في المي معهم", "raja3 lal", "nzel wara", "dkhel wara",
	"पानी में उतर", "पानी में कूद", "तैर कर", "के पीछे गए", "के पीछे गया", "پانی میں اتر", "پانی میں کود", "تیر کر", "کے پیچھے گئے", "کے پیچھے گیا",
}))

// animalsOnly reports animals at risk told with no person in danger and
// no person going in after them.
func animalsOnly(rd *reading) bool {
	p := rd.padded
	return noPersonAtRiskSet.match(p) && animalSet.match(p) && !personEnteredSet.match(p) && !personAtRiskSet.match(p)
}

// personAfterAnimals reports a person gone in after animals at risk: a
// danger whatever the rest says ("no one in danger we thought, but my
// brother swam out after the goats").
func personAfterAnimals(rd *reading) bool {
	p := rd.padded
	return animalSet.match(p) && personEnteredSet.match(p)
}
