package understand

// Kinds of life threat told without a danger word, each a conjunction of
// meanings: armed men with someone down, a building leaning while its
// cracks grow with people in it, and honey given to a baby who turns
// floppy or cannot swallow (infant botulism). The overturned train or bus
// with people screaming is hardship.go's vehicle_overturned_inside, whose
// lists take the carriages and the screams.

var (
	// kindArmed: attackers with weapons.
	kindArmed = []string{
		"armed", "with guns", "with a gun", "gunmen", "with knives", "armés", "armé", "avec des armes", "avec un flingue", "armados", "armado",
		"con pistolas", "con armas", "bewaffnet", "bewaffnete", "mit waffen", "mit pistolen", "armados", "com armas", "com arma",
		"مسلحين", "مسلح", "معاهم سلاح", "معهم سلاح", "معاه سلاح", "بسلاح", "بالسلاح", "msal7in", "m3ahom sla7", "ma3hom sla7",
		"हथियार", "हथियारबंद", "बंदूक", "hathiyar", "bandook", "bandooq", "اسلحہ", "مسلح", "بندوق", "اسلحے",
	}
	// kindDown: someone lying on the floor or shot.
	kindDown = []string{
		"on the floor", "on the ground", "lying there", "shot", "par terre", "au sol", "à terre", "en el suelo", "en el piso", "tirado", "tirada",
		"am boden", "auf dem boden", "liegt da", "no chão", "no chao", "caído", "caida", "baleado",
		"على الارض", "عالارض", "مرمي", "ممدد", "انضرب بالرصاص", "3al ard", "3ala l2ard", "mermi",
		"ज़मीन पर", "जमीन पर", "गोली लगी", "zameen par", "zameen pe", "goli lagi", "زمین پر", "گولی لگی",
	}
	// kindLeaning: a building tilting or its cracks growing.
	kindLeaning = []string{
		"is tilting", "tilting", "is leaning", "leaning over", "cracks are getting bigger", "cracks getting bigger", "cracks are growing", "cracks growing",
		"penche", "se penche", "s'incline", "fissures s'agrandissent", "les fissures grandissent", "se inclina", "se está inclinando", "inclinado",
		"grietas crecen", "grietas se hacen más grandes", "las grietas crecen", "neigt sich", "schief", "risse werden größer", "risse werden grösser",
		"risse wachsen", "inclinando", "inclinado", "rachaduras aumentam", "rachaduras aumentando", "rachaduras crescendo",
		"عم تميل", "بتميل", "مايله", "مايل", "الشقوق عم تكبر", "الشقوق بتكبر", "التشققات بتزيد", "3am tmeel", "mayle", "el shou2ou2 3am tekbar",
		"टेढ़ी हो रही", "टेढ़ा हो रहा", "झुक रही", "दरारें बढ़ रही", "tedhi ho rahi", "jhuk rahi", "dararein badh rahi",
		"ٹیڑھی ہو رہی", "ٹیڑھا ہو رہا", "جھک رہی", "دراڑیں بڑھ رہی", "tedhi ho rahi",
	}
	kindBuilding = []string{
		"building", "block", "house", "flats", "immeuble", "bâtiment", "maison", "edificio", "casa", "gebäude", "haus", "wohnblock", "prédio", "predio", "prédio",
		"العماره", "البنايه", "البيت", "عمارتنا", "بنايتنا", "el 3emara", "el binaye", "बिल्डिंग", "इमारत", "मकान", "building", "imarat", "بلڈنگ", "عمارت", "مکان",
	}
	// kindHoney: honey given to a baby.
	kindHoney  = []string{"honey", "miel", "honig", "mel", "عسل", "العسل", "3asal", "शहद", "shahad", "شہد"}
	kindInfant = []string{
		"baby", "newborn", "infant", "months old", "month old", "bébé", "nourrisson", "mois", "bebé", "bebe", "meses", "recién nacido", "säugling",
		"monate", "monaten", "bebê", "nenê", "nene", "البيبي", "الرضيع", "رضيع", "شهور", "اشهر", "el baby", "bebe", "बच्चा", "बच्ची", "महीने",
		"mahine", "بچہ", "بچی", "مہینے",
	}
	kindFloppy = []string{
		"floppy", "limp", "can't swallow", "cant swallow", "not swallowing", "won't feed", "eyelids drooping", "droopy eyes", "weak cry",
		"tout mou", "toute molle", "mou", "n'avale plus", "n'avale pas", "paupières tombantes", "pleure faiblement",
		"flojito", "flácido", "no traga", "casi no traga", "párpados caídos", "parpados caidos", "llora bajito", "llora débil",
		"schlaff", "schluckt nicht", "kann nicht schlucken", "hängende augenlider", "weint schwach",
		"molinho", "mole", "não engole", "nao engole", "pálpebras caídas", "chora fraco", "chorinho fraco",
		"مرخي", "رخو", "ما بيبلع", "ما عم يبلع", "مش قادر يبلع", "جفونه نازله", "بكاه ضعيف", "ma 3am yebla3", "mrakhi",
		"ढीला", "निगल नहीं", "पलकें झुकी", "कमज़ोर रोना", "dheela", "nigal nahi", "ڈھیلا", "نگل نہیں", "پلکیں جھکی",
	}
)

var violentKindConcepts = []concept{
	{name: "armed_person_down", parts: []conceptPart{{phrases: kindArmed}, {phrases: kindDown}}, unless: kindOver},
	{name: "building_leaning", hazard: true, parts: []conceptPart{{phrases: kindBuilding}, {neg: true, phrases: kindLeaning}, {phrases: signPeople}}, unless: kindOver},
	{name: "honey_infant", parts: []conceptPart{{phrases: kindHoney}, {phrases: kindInfant}, {neg: true, phrases: kindFloppy}}, unless: kindOver},
}
