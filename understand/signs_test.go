package understand

import "testing"

// TestSignConcepts is the specification of the emergency-sign concepts:
// each sign with its person or context in several varieties, and the near
// misses (negated, a thing lost instead of a child, a backup that works,
// the generator outside) that must not fire.
func TestSignConcepts(t *testing.T) {
	cases := []struct {
		name string
		text string
		want string // concept that fires, "" for none
	}{
		// a building failing with people in it
		{"en wall shaking", "the wall is shaking and the kids are with me", "structure_failing"},
		{"fr wall moving", "le mur bouge et nous sommes dedans", "structure_failing"},
		{"es wall cracking", "las paredes se agrietan y estamos adentro con los niños", "structure_failing"},
		{"de wall", "die wand wackelt, wir sind noch im haus", "structure_failing"},
		{"pt ceiling", "o teto está caindo e eu estou com meu filho", "structure_failing"},
		{"ar wall shaking", "الحيطه عم تهتز واحنا جوا البيت", "structure_failing"},
		{"ar-latn wall", "el 7et 3am yehtazz w e7na bel beit", "structure_failing"},
		{"ar ceiling crumbling", "السقف عم يهر واحنا جوا مع الولاد", "structure_failing"},
		{"ar near miss ceiling nobody home", "السقف عم يهر بس ما في حدا بالبيت", ""},
		{"hi wall", "दीवार हिल रही है और हम अंदर हैं", "structure_failing"},
		{"ur wall", "دیوار ہل رہی ہے اور ہم اندر ہیں", "structure_failing"},
		{"en near miss not shaking", "the wall is not shaking anymore, we checked", ""},

		// a fall from a height, told as a hazard
		{"en fell balcony", "my sister fell from the balcony on the second floor", "fall_height"},
		{"fr fell roof", "mon père est tombé du toit en réparant l'antenne", "fall_height"},
		{"es scaffold", "un obrero se cayó del andamio y no se mueve", "fall_height"},
		{"de ladder", "opa ist von der leiter gestürzt und blutet am kopf", "fall_height"},
		{"pt laje", "meu filho caiu da laje", "fall_height"},
		{"ar-latn balcony", "ibni we2e3 mn el balakona", "fall_height"},
		{"hi roof", "beta chhat se gir gaya, hil nahi raha", "fall_height"},
		{"ur roof", "بچہ چھت سے گر گیا", "fall_height"},
		{"en near miss thing", "the flower pot fell off the balcony onto the car", ""},
		{"en near miss no height", "she fell out of love with the city", ""},

		// a collapse with someone still inside
		{"en still inside", "the building collapsed and my neighbour is still inside", "buried_inside"},
		{"ar-latn still inside", "gar-na lessa gowa el 3omara elli we23et", "buried_inside"},
		{"es voices", "se derrumbó la casa y se oye llorar a un niño", "buried_inside"},
		{"ur voice under", "لینڈ سلائیڈ سے گھر دب گیا، نیچے سے آواز آ رہی ہے", "buried_inside"},
		{"en near miss all out", "the shed collapsed in the storm, nobody was in it", ""},

		// a young child lost now
		{"en lost child", "I can't find my son at the festival, he is 5", "missing_child"},
		{"pt lost child", "perdi meu filho de 6 anos na feira", "missing_child"},
		{"de lost child", "finde meinen 6jährigen nicht mehr", "missing_child"},
		{"ur lost child", "میرا ۶ سال کا بیٹا گم ہو گیا", "missing_child"},
		{"fr dementia", "ma mère a alzheimer et a disparu depuis ce matin", "missing_child"},
		{"en near miss found", "I couldn't find my son for ten minutes but we found him at the gate", ""},
		{"en near miss thing lost", "my son lost his phone in the evacuation", ""},
		{"ur near miss insulin", "انخلا میں انسولین کا بیگ گم ہو گیا، دو دن کی بچی ہے", ""},

		// carbon monoxide
		{"en co", "the generator ran in the garage all night and we all have headaches", "co_poisoning"},
		{"ar-latn co", "ibni mesh 3am yfi2, kan el generator sha8al jowa el bet", "co_poisoning"},
		{"es co", "prendimos el generador adentro y estamos mareados", "co_poisoning"},
		{"hi co", "कमरे में अंगीठी जलाई थी, सबको चक्कर आ रहे हैं", "co_poisoning"},
		{"en near miss outside", "the generator is outside and it gives me a headache with its noise", ""},
		{"de near miss none", "wir haben einen generator, keine kopfschmerzen", ""},

		// a sting or bite with a systemic sign
		{"ar sting", "خويا لسعو عقرب وولا كيترعد", "sting_bite"},
		{"en snake", "a snake bit her and her leg is swelling fast", "sting_bite"},
		{"fr wasp", "piqué par une guêpe, il a la bouche qui gonfle", "sting_bite"},
		{"pt scorpion", "meu filho foi picado por escorpião e está tremendo", "sting_bite"},
		{"en near miss no swelling", "stung by a bee, no swelling at all", ""},

		// poison swallowed
		{"en bleach", "my toddler drank bleach", "poisoning"},
		{"de cleaner", "mein sohn hat reiniger getrunken", "poisoning"},
		{"hi kerosene", "बच्चे ने मिट्टी का तेल पी लिया", "poisoning"},
		{"en near miss water", "he drank some water and feels fine", ""},

		// heat stroke
		{"de heat stroke", "oma ist total verwirrt und glüht", "heat_stroke"},
		{"en heat stroke", "dad is burning up and confused after working outside", "heat_stroke"},
		{"en near miss drinking", "the baby is very hot but drinking well, not confused", ""},

		// someone out by water who does not answer
		{"en boat", "my father in law went out to check the boat and he's not answering his phone", "out_near_water"},
		{"pt boat", "meu sogro saiu pra ver o barco e não atende o celular", "out_near_water"},
		{"en creek no signal", "we're all fine except my brother, he went to check the creek three hours ago and there's no signal", "out_near_water"},
		{"es cruzó sin señal", "todos bien menos mi tío que cruzó el río con las vacas, ya no hay señal", "out_near_water"},
		{"ur nullah phone band", "hum sab theek hain magar abbu nullah paar gaye thay, phone band hai", "out_near_water"},
		{"en armed person down", "two armed men are in the pharmacy downstairs and the pharmacist is on the floor", "armed_person_down"},
		{"fr armés par terre", "des voleurs armés dans la pharmacie, le pharmacien est par terre", "armed_person_down"},
		{"en armed near miss", "the armed guard at the bank was friendly", ""},
		{"de building leaning", "unser Haus neigt sich und die Risse werden größer, es sind noch Leute drin", "building_leaning"},
		{"pt building leaning", "o prédio está inclinando e as rachaduras aumentam, tem gente lá dentro", "building_leaning"},
		{"en honey floppy", "we gave the 3 month old honey yesterday, now his eyelids are drooping and he has a weak cry", "honey_infant"},
		{"fr miel mou", "ma belle-mère a donné du miel au bébé de 4 mois, il a les paupières tombantes", "honey_infant"},
		{"en honey near miss", "can i give honey to my 2 year old for a cough", ""},
		{"es tren volcado gritos", "dos vagones del tren se volcaron y hay gente gritando", "vehicle_overturned_inside"},
		{"en fell same question", "grandpa fell off the chair and keeps asking the same question", "child_head_injury"},
		{"es cayó misma pregunta", "mi papá se cayó en el baño y repite la misma pregunta", "child_head_injury"},
		{"pt fumes fainted", "dois funcionários desmaiaram no porão, tem um cheiro forte de cloro", "fumes_fainted"},
		{"en fumes near miss", "the pool smells of chlorine today", ""},
		{"en crowd smashing", "a mob is smashing the windows of the van and my kids are inside", "crowd_smashing_in"},
		{"de crowd split", "Fans schlagen gerade die Fenster vom Auto ein und meine Kinder sind drin", "crowd_smashing_in"},
		{"hi ferry in water", "नाव पलट गई है, लोग पानी में हैं", "vehicle_overturned_inside"},
		{"en fever confused", "grandma has a high fever and doesn't recognise us anymore", "fever_disoriented"},
		{"fr fièvre désorienté", "mon grand-père a de la fièvre depuis hier et il est désorienté", "fever_disoriented"},
		{"en fever near miss", "my son has a fever but is playing and not confused", ""},
		{"de bach handy aus", "uns geht es gut, aber Opa ist zum Bach gegangen und sein Handy ist aus", "out_near_water"},

		// life support without power, unless a backup works
		{"hi concentrator", "बिजली गई है और पापा घर पर ऑक्सीजन पर हैं, मशीन बंद हो गई", "life_support"},
		{"ur concentrator", "ابو آکسیجن پر ہیں، مشین بند ہو گئی", "life_support"},
		{"en cylinder", "mum is on home oxygen and the cylinder is running out", "life_support"},
		{"en near miss backup", "dad is on oxygen, power cut but the backup battery is working", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := conceptRisk(maskNotHazard(" " + Normalize(c.text) + " "))
			if got != c.want {
				t.Errorf("conceptRisk(%q) = %q, want %q", c.text, got, c.want)
			}
		})
	}
}

// TestSignsInUnderstand checks the signs end to end: each raises its
// message to danger, and the questions, past events, recoveries and
// harmless senses that share their words do not.
func TestSignsInUnderstand(t *testing.T) {
	m := Default()
	cases := []struct {
		name   string
		text   string
		danger bool
	}{
		{"en stroke", "my dad's face is drooping and he is slurring", true},
		{"es stroke", "a mi abuelo se le cae la cara y habla arrastrando", true},
		{"ur stroke", "ابو کا منہ ٹیڑھا ہو گیا ہے اور بول نہیں پا رہے", true},
		{"fr chest pain", "mon père a une douleur à la poitrine et transpire", true},
		{"hi chest pain", "पापा के सीने में दर्द है और पसीना आ रहा है", true},
		{"de allergy", "die zunge schwillt, er kann nicht schlucken", true},
		{"pt overdose", "minha irmã tomou todos os comprimidos", true},
		{"ar violence", "جوزي عم يضربني ومعه سكين", true},
		{"en suicide", "I want to kill myself tonight", true},
		{"ar-latn co", "ibni mesh 3am yfi2, kan el generator sha8al jowa el bet kel el leil", true},
		{"de lost child", "finde meinen 6jährigen auf dem stadtfest nicht mehr, seit 40 min weg", true},

		// questions about danger topics: not an emergency
		{"en what if gas", "what should I do if I smell gas in my building?", false},
		{"de what if snake", "was tun bei einem schlangenbiss bis hilfe kommt", false},
		{"fr what if", "que faire si quelqu'un fait un malaise cardiaque ?", false},
		{"es signs", "cuáles son las señales de un golpe de calor", false},
		{"en two sentences stays danger", "my son swallowed bleach. what do I do if he vomits?", true},
		{"en urgent stays danger", "what do I do if he is not breathing, help now", true},

		// good news about a vulnerable person, and a working backup
		{"en baby better", "the baby is sleeping well now", false},
		{"en grandma better", "grandma is resting and feeling better", false},
		{"es fever down", "a la abuela le bajó la fiebre, gracias", false},
		{"en backup", "dad is on oxygen, power is out but the backup battery is working", false},

		// harmless senses and help that arrived
		{"en flu shot", "where can I get a flu shot this week", false},
		{"en ambulance came", "thank you so much, the ambulance came and she's ok", false},
		{"en since explosion", "my mum needs her blood pressure tablets, pharmacy closed since the explosion", false},
		{"en sinkhole car", "not hurt just shaken, the sinkhole swallowed our car and we cant get to work", false},
		{"ar-latn nobody injured", "ma 7ada majrou7 bas el 7ofra bal3et el sayyara", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := m.Understand(c.text)
			if (r.Class == Danger) != c.danger {
				t.Errorf("Understand(%q) = %s (rule %q, %.2f), want danger %v", c.text, r.Class, r.Rule, r.Confidence, c.danger)
			}
		})
	}
}

func TestHypothetical(t *testing.T) {
	cases := []struct {
		text string
		want bool
	}{
		{"what should I do if I smell gas in my building?", true},
		{"que faire si l'eau monte dans la maison", true},
		{"qué hacer si alguien se desmaya", true},
		{"o que fazer em caso de incêndio", true},
		{"ماذا افعل اذا شممت رائحة غاز", true},
		{"अगर गैस की बदबू आए तो क्या करें", true},
		{"اگر گیس کی بو آئے تو کیا کریں", true},
		// asked ahead of time, said in a sentence of its own
		{"what do we do if a kid swallows a magnet? just asking before it happens", true},
		{"إذا طفل بلع مغناطيس شو لازم نعمل؟ بسأل احتياطاً", true},
		{"my son swallowed a magnet. what do I do if he vomits? just in case", false},
		{"ابني بلع مغناطيس، شو لازم نعمل؟", false},
		{"what do I do if he stops breathing, help now", false},
		{"my son swallowed bleach. what do I do if he vomits?", false},
		{"what do I do, my son is not breathing", false},
		{"there is smoke in the kitchen", false},
	}
	for _, c := range cases {
		if got := hypothetical(c.text, " "+Normalize(c.text)+" "); got != c.want {
			t.Errorf("hypothetical(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}

// TestHistoryIsNotDanger: a sign told as long past names nobody at risk
// now; the same sign today, or with an urgent word, does.
func TestHistoryIsNotDanger(t *testing.T) {
	m := Default()
	cases := []struct {
		text   string
		danger bool
	}{
		{"my son swallowed bleach last year, is the new cleaner safer?", false},
		{"mi papá tuvo dolor en el pecho el año pasado, qué pastillas le dan", false},
		{"पिछले साल दादा को लकवा हुआ था, अब वो ठीक हैं", false},
		{"my son swallowed bleach", true},
		{"he had chest pain last year and now again, help now", true},
		// remembrance: an anniversary, a grandparent's story of childhood
		{"twenty years ago today the mudslide buried our street, we light candles for the neighbours", false},
		{"mon oncle nous a encore raconté l'explosion de la raffinerie quand il était petit", false},
		{"cuando era niña mi abuela vio arder el mercado, todavía le da miedo el humo", false},
		{"jahrestag vom grubenunglück, wir gehen heute zur gedenkfeier", false},
		{"nana ne bachpan mein dekhi aag ki kahani sunai aaj phir", false},
		// a season past, or as a baby
		{"last winter grandad got hypothermia in the caravan, what heaters are safe indoors", false},
		{"el invierno pasado hubo una fuga de gas en el edificio, cada cuánto revisan las tuberías", false},
		{"पिछली सर्दी में चाचा को अंगीठी के धुएं से चक्कर आए थे, कौन सा हीटर ठीक रहेगा", false},
		{"last winter she got hypothermia and now she is shivering and confused again, help now", true},
		// the same words now, or with someone at risk now, stay danger
		{"the mudslide buried our street, my neighbour is under it", true},
		{"quand il était petit il était asthmatique, là il respire plus du tout", true},
		{"jahrestag hin oder her, mein vater ist gerade zusammengebrochen und atmet nicht", true},
	}
	for _, c := range cases {
		r := m.Understand(c.text)
		if (r.Class == Danger) != c.danger {
			t.Errorf("Understand(%q) = %s (rule %q), want danger %v", c.text, r.Class, r.Rule, c.danger)
		}
	}
}

func TestBurnAndBoatConcepts(t *testing.T) {
	cases := []struct{ text, want string }{
		{"my son pulled the kettle down and his chest is all blisters", "burn"},
		{"بیٹے نے کیتلی گرا لی، سینے پر چھالے ہیں", "burn"},
		{"se le cayó la olla de agua hirviendo y tiene ampollas", "burn"},
		{"the kettle is broken, no blisters on anyone", ""},
		{"شہد کی مکھی کے کاٹنے کے بعد بیوی کا چہرہ سوج رہا ہے", "sting_bite"},
		{"my uncle's fishing boat never came back after the storm", "missing_weather"},
	}
	for _, c := range cases {
		if got := conceptRisk(maskNotHazard(" " + Normalize(c.text) + " ")); got != c.want {
			t.Errorf("conceptRisk(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

// TestHarmlessSenses: danger words in a harmless sense are not danger, and
// a real danger next to them still is.
func TestHarmlessSenses(t *testing.T) {
	m := Default()
	cases := []struct {
		text   string
		danger bool
	}{
		{"we have a fire drill at school tomorrow", false},
		{"got my tetanus shot today, arm is a bit sore", false},
		{"I took a shot of the damage for the insurance", false},
		{"the gas bill is due, can I pay later because of the outage", false},
		{"fire drill tomorrow? there is real smoke in the hallway now", true},
		{"the ambulance came but he is not breathing", true},
		{"this new album is fire 🔥🔥", false},
		{"mi jefe está que echa humo porque llegué tarde jaja", false},
		{"boss aaj aag babula ho raha tha lol", false},
		{"we're shooting the wedding video saturday, bring your camera", false},
		{"thank you so much, the ambulance got here in time", false},
		{"atomi bijli ghar ke alert mein iodine ki goli ka kaha hai, kahan se milegi?", false},
		{"im drowning in emails at work lol", false},
		{"tô afogado em trabalho kkkk", false},
		{"my phone battery is dying so if i dont reply thats why x", false},
		{"my boss is going to kill me, i deleted the whole client folder", false},
		{"ce partiel va me tuer, trois heures de maths", false},
		{"a prova vai me matar, não estudei nada kkk", false},
		{"مصيبة، المدير رح يقتلني نسيت الاجتماع", false},
		// a person at home as the killer is a threat, not a figure
		{"my husband is going to kill me, he is at the door with a knife", true},
		{"il va me tuer, il a cassé la porte", true},
		{"grandma is out of intensive care and asking for soup", false},
		{"los niños del campamento fueron revisados y nos dieron el alta a todos", false},
		{"he was discharged yesterday and now he collapsed and isn't breathing", true},
		// the same words with a person at risk still raise the message
		{"the wedding hall is on fire and people are trapped inside", true},
		{"they are shooting at the wedding, my brother was shot", true},
		{"ambulance got here but she stopped breathing", true},
		{"my son is drowning in the lake, please come", true},
	}
	for _, c := range cases {
		r := m.Understand(c.text)
		if (r.Class == Danger) != c.danger {
			t.Errorf("Understand(%q) = %s (rule %q, %.2f), want danger %v", c.text, r.Class, r.Rule, r.Confidence, c.danger)
		}
	}
}

func TestPersonMissing(t *testing.T) {
	cases := []struct{ text, want string }{
		{"my brother disappeared after the blast and he is not answering", "person_missing"},
		{"mon frère a disparu depuis l'explosion au marché, il répond pas", "person_missing"},
		{"mi hermano desapareció en la evacuación y no contesta", "person_missing"},
		{"my brother's bike disappeared, the shop is not answering", ""},
		{"my brother is not missing, he answered", ""},
	}
	for _, c := range cases {
		if got := conceptRisk(maskNotHazard(" " + Normalize(c.text) + " ")); got != c.want {
			t.Errorf("conceptRisk(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

func TestLabourCutOff(t *testing.T) {
	cases := []struct{ text, want string }{
		{"my wife is in labour and the road is flooded, we are cut off", "labour_cut_off"},
		{"ma femme a des contractions et la route est coupée", "labour_cut_off"},
		{"زوجتي عم تولد والطريق مقطوع", "labour_cut_off"},
		{"contractions started, the ambulance is on its way and the road is open", ""},
	}
	for _, c := range cases {
		if got := conceptRisk(maskNotHazard(" " + Normalize(c.text) + " ")); got != c.want {
			t.Errorf("conceptRisk(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

// TestPresentThreatToldCalmly is the specification of the signs of a life
// at risk now that people tell without an alarm word: meningitis, a frail
// person hypothermic, workers cut off underground by water, a threat to
// take a child with those making it at hand, gunfire nearby. Each raises
// its message; the hardship, past events and single signs that share their
// words do not.
func TestPresentThreatToldCalmly(t *testing.T) {
	m := Default()
	cases := []struct {
		name   string
		text   string
		danger bool
	}{
		// meningitis: fever and stiff neck, or a rash that does not fade
		{"en fever neck", "my boy has a high fever and a stiff neck, he keeps crying", true},
		{"fr fever neck", "mon fils a de la fièvre et la nuque raide depuis ce matin", true},
		{"pt rash", "o bebê está com febre e manchas roxas que não somem ao apertar", true},
		{"hi fever neck", "बेटी को तेज़ बुखार है और गर्दन अकड़ गई है", true},
		{"en neck only", "i have a stiff neck from sleeping on the camp bed, any spare pillows?", false},
		{"es fever only", "mi hijo tiene fiebre y tos, ¿dónde hay una farmacia abierta?", false},

		// cold exposure and a failing mind
		{"en cold confused", "no heating since friday and snow outside, my grandad is shivering and confused", true},
		{"es cold confused", "sin calefacción con la helada, mi abuela de 90 tiembla y dice cosas sin sentido", true},
		{"de cold confused", "seit zwei tagen keine heizung bei dem frost, opa zittert und redet wirr", true},
		{"en cold only", "no heating since friday and the house is freezing, can someone bring a heater", false},
		{"fr dementia no cold", "mon père a alzheimer, il est un peu confus le soir, besoin d'une aide à domicile", false},

		// cut off underground by water
		{"en tunnel", "water filled the tunnel and two workers are on the other side, they don't answer", true},
		{"de tunnel", "der stollen ist überflutet, drei kollegen sind auf der anderen seite, kein kontakt", true},
		{"en tunnel road", "the road tunnel is flooded, which way should we drive to the shelter?", false},
		{"en tunnel past", "the mine flooded last year and my husband lost his job, we need help with rent", false},

		// a threat to take a child, those making it at hand
		{"en kidnap car", "they called saying they will kidnap my daughter, a car is parked outside the house now", true},
		{"es kidnap car", "me dijeron que van a secuestrar a mi hijo y hay una camioneta frente a la casa", true},
		{"en car only", "a car is parked outside the house and blocks our driveway, who do we call", false},

		// gunfire nearby
		{"es balacera", "hay balacera en la esquina y los niños están en la sala", true},
		{"fr fusillade", "fusillade devant l'immeuble, on est couchés par terre", true},
		{"es balacera over", "la balacera fue la semana pasada, nadie salió herido, queremos mudarnos", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := m.Understand(c.text)
			if (r.Class == Danger) != c.danger {
				t.Errorf("Understand(%q) = %s (rule %q, %.2f), want danger %v", c.text, r.Class, r.Rule, r.Confidence, c.danger)
			}
		})
	}
}

// TestToxicCloudAndGulfStroke: a toxic cloud being breathed now and the
// face of a stroke in Gulf Arabic raise a message; a cloud with nobody
// affected and a cough alone do not.
func TestToxicCloudAndGulfStroke(t *testing.T) {
	m := Default()
	cases := []struct {
		name   string
		text   string
		danger bool
	}{
		{"en cloud cough", "a green cloud came from the factory and the kids are coughing, eyes burning", true},
		{"fr cloud", "un nuage orange sort de l'usine, les enfants toussent et ont les yeux qui brûlent", true},
		{"de cloud", "eine gelbe wolke vom werk, die kinder husten und die augen brennen", true},
		{"ar-latn stroke", "abooy wajha mayil w ma ygdar yetkallam", true},
		{"en cloud nobody", "is the cloud from the factory fire dangerous for the garden vegetables?", false},
		{"en cough only", "my son has a cough since the rain, where can we get syrup", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := m.Understand(c.text)
			if (r.Class == Danger) != c.danger {
				t.Errorf("Understand(%q) = %s (rule %q, %.2f), want danger %v", c.text, r.Class, r.Rule, r.Confidence, c.danger)
			}
		})
	}
}

// TestCardiacArrest: a heart that has stopped is danger in every variety;
// a question about a heart that "almost stopped" from fright is not.
func TestCardiacArrest(t *testing.T) {
	m := Default()
	cases := []struct {
		name   string
		text   string
		danger bool
	}{
		{"hi heart", "नाना जी का दिल रुक गया है, हम छाती दबा रहे हैं", true},
		{"ar-latn heart", "jeddo wa2af 2albo fjaa", true},
		{"pt heart", "o coração dele parou, estamos fazendo massagem", true},
		{"en fright", "the thunder was so loud, what a scare, all good here", false},
		{"en idiom", "my heart stopped when i saw the electricity bill", false},
		{"hi idiom", "match ka score dekh ke dil ruk gaya tha", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := m.Understand(c.text)
			if (r.Class == Danger) != c.danger {
				t.Errorf("Understand(%q) = %s (rule %q, %.2f), want danger %v", c.text, r.Class, r.Rule, r.Confidence, c.danger)
			}
		})
	}
}

// A message that sets a condition and then asks how, what or where is a
// what-if question, however it names the emergency services; someone at
// risk, a third clause or a request keeps the ordinary reading.
func TestConditionalAsk(t *testing.T) {
	m := Default()
	cases := []struct {
		text   string
		danger bool
	}{
		{"if the emergency number is down during the outage, how do we get an ambulance", false},
		{"si le 15 ne répond pas pendant la coupure, comment on fait venir une ambulance", false},
		{"si el 112 no contesta durante el apagón, cómo pedimos una ambulancia", false},
		{"wenn die 112 beim Stromausfall nicht geht, wie holen wir einen Krankenwagen", false},
		{"se o 112 não atender durante o apagão, como chamamos uma ambulância", false},
		{"إذا رقم الطوارئ ما اشتغل وقت انقطاع الشبكة، كيف نطلب الإسعاف", false},
		{"eza el ra2m ma 7ada by2ool alo bel 3atel, kif mnotlob is3af", false},
		// someone at risk, a reflexive "se", a request, a third clause: danger
		{"if anyone hears this, how do we get off the roof, water is rising", true},
		{"if anyone can read this, how do we get out, my son is trapped", true},
		{"se desplomó un señor en la plaza, no tiene pulso, dónde hay un desfibrilador", true},
		{"se afogando no rio, como tiramos ele", true},
		{"if you can, send an ambulance to the school", true},
		{"wenn ihr das lest, mein Vater atmet nicht, wo ist der nächste Defibrillator", true},
	}
	for _, c := range cases {
		r := m.Understand(c.text)
		if (r.Class == Danger) != c.danger {
			t.Errorf("Understand(%q) = %s (rule %q), want danger %v", c.text, r.Class, r.Rule, c.danger)
		}
	}
}

// A danger phrase right after a negation ("no bleeding", "pas de
// saignement", "ما في نزيف") is told as absent and raises nothing; a danger
// whose negated form is itself a danger ("no pulse", "not breathing"), or a
// live danger beside the negated one, still does.
func TestNegatedDangerPhrase(t *testing.T) {
	m := Default()
	cases := []struct {
		text   string
		danger bool
	}{
		{"le scanner de maman est normal, pas de saignement, elle rentre demain", false},
		{"الحمد لله صورة الأشعة لأمي سليمة ما في نزيف ورجعت البيت", false},
		{"el7amdella el radio ta3 mama mli7a ma kaynch nazif w rj3at ldar", false},
		// still danger
		{"no pulse, he is grey, please come", true},
		{"he's not breathing", true},
		{"pas de saignement mais il ne respire plus", true},
		{"no bleeding outside but he is unconscious after the fall", true},
		{"kein Puls, sie atmet nicht", true},
		{"ما في نبض وما يتنفس", true},
		{"sin heridos aquí, pero mi vecino está atrapado bajo los escombros", true},
	}
	for _, c := range cases {
		r := m.Understand(c.text)
		if (r.Class == Danger) != c.danger {
			t.Errorf("Understand(%q) = %s (rule %q), want danger %v", c.text, r.Class, r.Rule, c.danger)
		}
	}
	for _, p := range []string{"no bleeding", "pas de saignement", "keine blutung", "ما في نزيف"} {
		if !notHazardSet.match(" " + Normalize(p) + " ") {
			t.Errorf("%q is not masked as a negated danger", p)
		}
	}
	for _, p := range []string{"no pulse", "not breathing"} {
		if notHazardSet.match(" " + Normalize(p) + " ") {
			t.Errorf("%q, itself a danger, is masked", p)
		}
	}
}

// Hindi and Urdu negate after the verb: a danger phrase followed by
// "नहीं है", "nahi tha", "نہیں لگی" (or "koi ... nahi") names nothing,
// while a negation that is itself the danger ("आग नहीं बुझ रही", the fire
// won't go out; "khoon nahi ruk raha") keeps it.
func TestPostVerbNegation(t *testing.T) {
	for _, c := range []struct {
		phrase string
		masked bool
	}{
		{"बेहोश नहीं है", true},
		{"koi aag nahi thi", true},
		{"dhuan nahi tha", true},
		{"آگ نہیں لگی", true},
		{"کوئی گولی نہیں", true},
		{"कोई आग नहीं", true},
		{"आग नहीं बुझ रही", false},
		{"khoon nahi ruk raha", false},
		{"saans nahi le raha", false},
		{"ہل نہیں رہا", false},
	} {
		if got := notHazardSet.match(" " + Normalize(c.phrase) + " "); got != c.masked {
			t.Errorf("%q masked as a negated danger: %v, want %v", c.phrase, got, c.masked)
		}
	}
	m := Default()
	for _, c := range []struct {
		text   string
		danger bool
	}{
		{"आग नहीं बुझ रही, बच्चे अंदर हैं", true},
		{"wo behosh nahi hai par saans nahi le raha", true},
		{"بجلی کا تار گرا ہے، آگ نہیں لگی لیکن بچہ ہل نہیں رہا", true},
		{"alarm galat tha, koi aag nahi thi, sab theek hain", false},
		{"अलार्म गलत था, कोई धुआं नहीं था, हम सब घर पर ठीक हैं", false},
	} {
		if r := m.Understand(c.text); (r.Class == Danger) != c.danger {
			t.Errorf("Understand(%q) = %s (rule %q, %.2f), want danger %v", c.text, r.Class, r.Rule, r.Confidence, c.danger)
		}
	}
}

// An armed attacker named as one ("un tireur", "hombre armado", "ein
// Amokläufer") and a child gone blue in Maghrebi Arabizi are danger
// phrases; a word that only contains one is not.
func TestArmedAttackerAndBlue(t *testing.T) {
	m := Default()
	for _, c := range []struct {
		text   string
		danger bool
	}{
		{"il y a un tireur à la gare, on s'est cachés dans les toilettes", true},
		{"hay un hombre armado en la escuela, los niños están en el salón", true},
		{"ein amokläufer ist im einkaufszentrum, wir sind im lager", true},
		{"tem um atirador no shopping e estamos presos na loja", true},
		{"school ke bahar bandookdhari khade hain, bachche andar hain", true},
		{"mall میں ایک بندوق بردار ہے، ہم اسٹور روم میں ہیں", true},
		{"wlidi tal3 mn lma w chfayfo zr9in, ma kayhdrch", true},
		{"le schützenfest est annulé à cause de la pluie", false},
		{"j'ai acheté un tire-bouchon au marché", false},
	} {
		if r := m.Understand(c.text); (r.Class == Danger) != c.danger {
			t.Errorf("Understand(%q) = %s (rule %q, %.2f), want danger %v", c.text, r.Class, r.Rule, r.Confidence, c.danger)
		}
	}
}
