package understand

// belongings are things a household owns and lives by, named as theirs: a
// car or van, a cart or boat, a charger, papers and passports, school
// books, furniture, animals and crops. People who ask for help after a
// hazard name it as what took them ("the fire last week burnt our van, I
// can't get to the market", "la crue a emporté nos chèvres", "آگ میں ہماری
// گاڑی جل گئی"); with no danger phrase naming a person at risk, the hazard
// phrase alone then does not raise the message (see lossWords). They are
// named with a possessive or as a household's, so "a car hit him" or "the
// boat capsized with people" are read by their danger phrases as before.
var belongings = []string{
	"our car", "my car", "our van", "my van", "our truck", "my truck", "our pickup", "my scooter", "my motorbike", "our motorbike", "my bike",
	"my cart", "our cart", "our boat", "my boat", "my charger", "our papers", "my papers", "our documents", "my documents",
	"our passports", "my passport", "my id", "school books", "our furniture", "our cows", "our goats", "our sheep", "our chickens", "our hens",
	"our cattle", "our livestock", "our horse", "our crops", "our harvest", "our field", "our fields", "our bakery",
	"notre voiture", "ma voiture", "notre camionnette", "ma camionnette", "mon camion", "mon scooter", "ma moto", "mon vélo", "ma charrette",
	"notre bateau", "ma barque", "mon chargeur", "nos papiers", "mes papiers", "les papiers", "nos documents", "nos passeports", "mon passeport",
	"mes livres", "nos meubles", "nos vaches", "nos chèvres", "nos moutons", "nos poules", "notre bétail", "notre cheval", "notre récolte",
	"nos champs", "notre boulangerie",
	"nuestro carro", "mi carro", "nuestro coche", "mi coche", "la camioneta", "mi camioneta", "mi moto", "mi bici", "mi carreta", "mi lancha",
	"nuestra lancha", "mi cargador", "nuestros papeles", "mis papeles", "los papeles", "los documentos", "mis documentos", "mi pasaporte",
	"mi cédula", "los libros", "nuestros muebles", "las vacas", "nuestras vacas", "las cabras", "las gallinas", "el ganado", "mi caballo",
	"la cosecha", "la milpa", "mi parcela", "nuestra panadería",
	"unser auto", "mein auto", "unseren transporter", "unser transporter", "meinen roller", "mein motorrad", "mein fahrrad", "unser boot",
	"mein ladegerät", "unsere papiere", "meine papiere", "unsere dokumente", "meinen pass", "unsere pässe", "meine bücher", "unsere möbel",
	"unsere kühe", "unsere ziegen", "unsere schafe", "unsere hühner", "unser vieh", "unser pferd", "die ernte", "unsere felder", "unsere bäckerei",
	"nosso carro", "meu carro", "a caminhonete", "minha caminhonete", "meu caminhão", "minha moto", "minha bicicleta", "a carroça", "nosso barco",
	"meu barco", "meu carregador", "nossos papéis", "meus papéis", "os documentos", "meus documentos", "meu passaporte", "minha identidade",
	"meus livros", "nossos móveis", "as vacas", "nossas vacas", "as cabras", "as galinhas", "o gado", "o cavalo", "a colheita", "a roça",
	"a lavoura", "nossa padaria",
	"سيارتنا", "سيارتي", "الفان تبعنا", "شاحنتي", "الموتور تبعي", "قاربي", "مركبي", "الشاحن تبعي", "اوراقنا", "اوراقي", "الاوراق الثبوتيه",
	"جوازاتنا", "جوازي", "هويتي", "كتب المدرسه", "عفشنا", "اثاثنا", "بقراتنا", "غنماتنا", "الغنم", "الماعز", "الدجاجات", "حصاني", "المحصول",
	"الموسم", "ارضنا", "دكاني", "دكانتي", "فرني",
	"el van taba3na", "sayyaretna", "sayyarti", "tomobilti", "el motor taba3i", "markabi", "flouka", "el charger taba3i", "awra2na", "awra2i",
	"el awra2", "basborat", "jawazi", "el hawiye", "kotob el madrase", "3afshna", "el ba2ar", "el ghanam", "el djej", "7sani", "el ma7soul",
	"dokkani", "l7anout dyali",
	"हमारी गाड़ी", "मेरी गाड़ी", "मेरा स्कूटर", "मेरी बाइक", "ठेला", "मेरी नाव", "मेरा चार्जर", "सारे कागज़", "कागजात", "दस्तावेज", "पासपोर्ट",
	"आधार कार्ड", "राशन कार्ड", "किताबें", "नोट्स", "फर्नीचर", "गाय", "भैंस", "बकरियां", "बकरियाँ", "मुर्गियां", "फसल", "खेत",
	"hamari gaadi", "meri gaadi", "mera scooter", "meri bike", "thela", "kagzat", "passport", "aadhaar", "ration card", "kitaben", "bhains",
	"bakriyan", "fasal",
	"ہماری گاڑی", "میری گاڑی", "میری موٹر سائیکل", "ریڑھی", "میری کشتی", "میرا چارجر", "کاغذات", "دستاویزات", "پاسپورٹ", "شناختی کارڈ",
	"کتابیں", "فرنیچر", "گائے", "بھینس", "بکریاں", "مرغیاں", "فصل",
}

// suppliesNotFound tell that rations, aid or help cannot be had ("राशन
// नहीं मिल रहा", "امداد نہیں مل رہی"): in Hindi and Urdu the words are
// those of someone not found ("नहीं मिल रहा"), so beside a flood they
// would read as a person missing in the weather. Papers ruined in the
// mud and the rations they no longer bring are a need.
var suppliesNotFound = []string{
	"राशन नहीं मिल", "राहत नहीं मिल", "मदद नहीं मिल", "सामान नहीं मिल", "पैसे नहीं मिल", "खाना नहीं मिल", "दवा नहीं मिल",
	"ration nahi mil", "rashan nahi mil", "madad nahi mil", "rahat nahi mil", "khana nahi mil", "dawa nahi mil", "paise nahi mil",
	"راشن نہیں مل", "امداد نہیں مل", "مدد نہیں مل", "سامان نہیں مل", "پیسے نہیں مل", "کھانا نہیں مل", "دوا نہیں مل", "imdad nahi mil",
}

// belongingsLeftInside returns the phrases that tell a household's papers,
// medicines or things left inside a building that was shut ("our
// medicines and passports are still inside", "pässe sind noch drin",
// "documentos ficaram lá dentro", "कागज़ अंदर रह गए", "جوازاتنا جوا"):
// "still inside" then names no person, and is blanked with the harmless
// compounds (see maskNotHazard). "My son is still inside" keeps its phrase.
// Each language's things are joined with its ways of saying inside; the
// phone dropped in flood water is a thing lost the same way.
func belongingsLeftInside() []string {
	var l []string
	for _, g := range []struct{ things, inside []string }{
		{[]string{"passports", "papers", "documents", "medicines", "meds", "medication", "clothes", "phones", "laptop", "bags", "belongings", "stuff", "tools"},
			[]string{"are still inside", "still inside", "are inside", "left inside", "are still in there"}},
		{[]string{"pässe", "papiere", "dokumente", "medikamente", "sachen", "kleider", "handys", "werkzeug"},
			[]string{"sind noch drin", "noch drin", "sind noch im haus", "sind drin"}},
		{[]string{"passeports", "papiers", "documents", "médicaments", "affaires", "vêtements", "téléphones", "outils"},
			[]string{"sont encore dedans", "encore à l'intérieur", "sont restés dedans", "sont restés à l'intérieur", "sont dedans"}},
		{[]string{"pasaportes", "papeles", "documentos", "medicinas", "medicamentos", "cosas", "ropa", "herramientas"},
			[]string{"siguen adentro", "siguen dentro", "están adentro", "se quedaron adentro", "quedaron adentro", "quedaron dentro"}},
		{[]string{"passaportes", "documentos", "remédios", "remedios", "papéis", "papeis", "roupas", "coisas", "ferramentas"},
			[]string{"ficaram lá dentro", "ficaram la dentro", "estão lá dentro", "estao la dentro", "ainda lá dentro", "ficaram dentro"}},
		{[]string{"جوازاتنا", "جوازاتي", "الجوازات", "اوراقنا", "الاوراق", "ادويتنا", "الادويه", "اغراضنا", "هدومنا", "اواعينا",
			"basborat", "el basborat", "awra2na", "el awra2", "adweye", "el adweye", "adwiye", "8radna", "gharadna", "awa3ina"},
			[]string{"جوا", "جوه", "لسا جوا", "لسه جوه", "بالداخل", "جوات البيت", "gowwa", "jowwa", "juwwa", "lessa gowwa", "lissa jowwa"}},
		{[]string{"कागज़", "कागज", "कागजात", "दवाइयाँ", "दवाइयां", "दवाई", "सामान", "कपड़े", "kagaz", "kagzat", "dawaiyan", "dawai", "samaan", "samaan",
			"کاغذات", "کاغذ", "دوائیاں", "دوائیں", "سامان", "کپڑے"},
			[]string{"अंदर रह गए", "अंदर रह गई", "अंदर रह गयी", "अंदर ही हैं", "andar reh gaye", "andar reh gayi", "andar hi hain",
				"اندر رہ گئے", "اندر رہ گئیں", "اندر رہ گئی", "اندر ہی ہیں"}},
	} {
		for _, t := range g.things {
			for _, in := range g.inside {
				l = append(l, t+" "+in)
			}
		}
	}
	return append(l,
		"phone fell in the water", "phone fell in the flood", "dropped my phone in the", "tel est tombé dans l'eau", "téléphone est tombé dans l'eau",
		"celular caiu na água", "celular caiu na agua", "se me cayó el celular al agua", "handy ist ins wasser gefallen", "التلفون وقع بالمي",
		"الموبايل وقع بالمي", "el telefon w2e3 bel may", "पानी में फोन गिर गया", "फोन पानी में गिर गया", "پانی میں فون گر گیا", "فون پانی میں گر گیا",
		"pani mein phone gir gaya", "phone pani mein gir gaya",
	)
}
