package understand

import "testing"

// TestDangerRuleScope is the specification of the safety phrases' scope:
// what raises a message the classifier read as top to danger, and what
// does not. Danger phrases only raise; these cases say when they may not.
func TestDangerRuleScope(t *testing.T) {
	cases := []struct {
		name string
		top  Class // what the classifier read
		text string
		want string // rule that fires, "" for none
	}{
		// a hazard told as over, distant or kept away stays safe
		{"en got out before fire", Safe, "not hurt, we got out before the fire came", ""},
		{"en flames did not reach", Safe, "the flames didn't reach our street, all fine", ""},
		{"en fire out", Safe, "the fire is out now and nobody was hurt", ""},
		{"ar fire did not reach", Safe, "النار ما وصلت لعندنا الحمد لله", ""},
		{"ar left before fire", Safe, "طلعنا قبل ما توصل النار ما حد تأذى", ""},
		{"ar-latn left before fire", Safe, "tla3na abel ma toosal el nar, kolna mni7", ""},
		{"fr left before fire", Safe, "on est sortis avant que le feu arrive, personne n'est blessé", ""},
		{"es fire did not reach", Safe, "el fuego no llegó a nuestra calle, estamos bien", ""},
		{"de fire not to us", Safe, "das feuer kam nicht bis zu uns, alles gut", ""},
		{"pt fire out", Safe, "o fogo apagou e ninguém se machucou", ""},
		{"hi fire did not catch", Safe, "आग नहीं लगी, हम ठीक हैं", ""},
		{"hi left before fire", Safe, "आग आने से पहले निकल गए, कोई घायल नहीं", ""},
		{"ur fire did not catch", Safe, "آگ نہیں لگی، ہم ٹھیک ہیں", ""},
		{"ur left before fire", Safe, "آگ آنے سے پہلے نکل گئے، کوئی زخمی نہیں", ""},
		{"en hardship after fire", NeedHelp, "the fire is over but we lost our papers and money", ""},
		// a cue inside the danger phrase itself tells nothing is over
		{"en stopped breathing", Safe, "stuck in the lift for hours, the man next to me stopped breathing", RuleDangerLexicon},
		{"en stopped moving", NeedHelp, "the snake bit him and he stopped moving", RuleDangerLexicon},
		// Maghrebi Arabizi "walakin" starts a new clause
		{"ar-latn fine but cannot get out", Safe, "7na bikhir walakin jeddi ma9derch y5rej w dd5an dakhel", RuleDangerLexicon},
		// hiding from an armed man
		{"ur hiding from armed man", Safe, "دفتر میں کوئی بندوق لے کر آ گیا، ہم الماری کے پیچھے چھپے ہوئے ہیں", RuleDangerLexicon},

		// a live danger in another clause still raises
		{"en got out but trapped", Safe, "we got out but dad is still trapped", RuleDangerLexicon},
		{"en fine but grandpa", Safe, "we're fine but grandpa can't get out", RuleDangerLexicon},
		{"ar out but brother trapped", Safe, "احنا طلعنا بس اخوي محاصر جوا", RuleDangerLexicon},
		{"fr out but smoke", NeedHelp, "on est sortis, mais il y a de la fumée chez le voisin et il est coincé", RuleDangerLexicon},
		{"hi fire spreading", Safe, "आग फैल रही है, हम फंसे हैं", RuleDangerLexicon},
		{"hi house caught fire", Safe, "घर में आग लग गई", RuleDangerLexicon},
		{"ur house caught fire", Safe, "گھر میں آگ لگ گئی", RuleDangerLexicon},
		{"en no cue", NeedHelp, "smoke is coming under the door", RuleDangerConcept},
		{"en resolved but read as danger-ish other", Other, "we left before the fire came", RuleDangerHazard},

		// informational questions with danger words stay questions
		{"hi nosebleed", Question, "नाक से खून बहना कैसे रोकें", ""},
		{"ur gas stove", Question, "کیا زلزلے کے بعد گیس کا چولہا جلانا محفوظ ہے", ""},
		{"hi gas stove", Question, "क्या भूकंप के बाद गैस चूल्हा जलाना सुरक्षित है", ""},
		{"en unconscious someone", Question, "what to do if someone is unconscious", ""},
		{"es fire extinguisher", Question, "cómo se usa un extintor si hay fuego", ""},

		// thanks for help received is not a plea; a hazard in a clause of
		// its own still is
		{"en thanks ambulance", Thanks, "thanks for the ambulance, he is in surgery now", ""},
		{"ar thanks ambulance", Thanks, "شكرا على الاسعاف، هو بالعمليات هلق", ""},
		{"es thanks ambulance", Thanks, "gracias por la ambulancia, ya lo operan", ""},
		{"en thanks then smoke", Thanks, "thank you! the smoke is getting worse", RuleDangerHazard},
		{"en thanks but fire", Thanks, "thanks, but the fire is back", RuleDangerHazard},

		// a situation read by meaning raises whatever the classifier read
		{"en ventilator no power", NeedHelp, "dad is on a ventilator at home and the power is out", RuleDangerConcept},
		{"fr neighbour heat", Safe, "nous on va bien mais la voisine âgée ne répond plus depuis la canicule", RuleDangerConcept},
		{"en question about oxygen", Question, "how long does an oxygen concentrator battery last in a power cut?", ""},

		// a hazard told as what happened, then that nobody came to harm: the
		// need it left is not an emergency; told the other way round, or
		// with the well-being negated, it is
		{"es fire then nobody hurt", NeedHelp, "el incendio se llevó todo, nadie salió herido pero solo tenemos la ropa puesta, somos 5", ""},
		{"de fire then nobody hurt", NeedHelp, "der brand hat alles zerstört, verletzt ist niemand, aber wir haben nur noch was wir anhaben", ""},
		{"ar-latn fire then nobody hurt", NeedHelp, "el 7ari2 akal el sha2a, ma 7ada et2azza bas ma ma3na ghir el tyab", ""},
		{"en fine then fire", NeedHelp, "we are fine but the fire is coming down our street", RuleDangerHazard},
		{"en not fine after fire", NeedHelp, "the fire took the flat and we are not ok", RuleDangerHazard},

		// a hazard word praising a song or film, read as chatter; the same
		// words read as a need, or without a song or film, still raise
		{"ar song is fire", Other, "الأغنية الجديدة نار 🔥", ""},
		{"hi qawwali set fire", Other, "yaar woh qawwali ne toh aag laga di", ""},
		{"fr new track", Other, "ce nouveau son c'est le feu 🔥", ""},
		{"en concert fire as need", NeedHelp, "fire at the concert hall, the exits are blocked", RuleDangerHazard},
		{"en fire without media", Other, "fire 🔥 in the kitchen", RuleDangerHazard},
		// prices and markets "on fire" are a figure of heat too
		{"es prices on fire", Other, "los precios del tomate están que queman, fuego puro 🔥", ""},
		{"ar-latn gold price", Other, "el as3ar nar hal jem3a", ""},
		{"en market fire as need", NeedHelp, "the market caught fire and the stalls near us are burning", RuleDangerHazard},

		// words that only look like hazards
		{"fr curfew", NeedHelp, "il y a un couvre-feu ce soir, on a besoin de pain", ""},
		{"en brand", NeedHelp, "we need milk of another brand for the baby", ""},
		{"hi crops drowned", NeedHelp, "खेत की फसल डूब गई, खाने को कुछ नहीं बचा", ""},
		{"ur rain dripping in", NeedHelp, "چھت ٹوٹ گئی ہے، بارش کا پانی اندر ٹپک رہا ہے", ""},
		{"de fire", NeedHelp, "in der küche ist ein brand", RuleDangerHazard},
		{"fr fire next to curfew", NeedHelp, "couvre-feu mais le feu arrive chez nous", RuleDangerHazard},

		// a question with a person at risk in it is a plea
		{"en my son unconscious", Question, "what do i do my son is unconscious", RuleDangerLexicon},
		{"hi my son bleeding", Question, "मेरे बेटे की नाक से बहुत खून बह रहा है कैसे रोकें", RuleDangerLexicon},
		{"en smell gas is no question", Question, "i can smell gas very strongly", RuleDangerLexicon},
		{"ur trapped we", Question, "ہم پھنسے ہوئے ہیں کیا کریں", RuleDangerLexicon},

		// well-being asserted and nobody at risk named: a hazard word does
		// not raise; a person at risk still does
		{"en well smoke elsewhere", NeedHelp, "all fine here, the smoke from the depot went north", ""},
		{"en nobody trapped", NeedHelp, "nobody's trapped, the bridge fell after the bus crossed", ""},
		{"es dam is no trap", OptIn, "quiero recibir avisos sobre la presa del río", ""},
		{"en well but grandpa", Safe, "we're all fine but grandpa can't get out of the cellar", RuleDangerLexicon},
		{"en well but bleeding", NeedHelp, "all good except my dad is bleeding a lot", RuleDangerLexicon},
		{"es negated well", NeedHelp, "no estamos bien, hay humo en la escalera", RuleDangerConcept},

		// dangers no single phrase names
		{"en unwaking", NeedHelp, "we lit a heater indoors and my aunt won't wake", RuleDangerLexicon},
		{"fr capsized", NeedHelp, "la barque a chaviré au milieu du lac", RuleDangerLexicon},
		{"en immobile and water", NeedHelp, "my father can't walk and the water is rising in the kitchen", RuleDangerLexicon},
		{"ur immobile and water", NeedHelp, "ابو چل نہیں سکتے اور پانی اندر گھس رہا ہے", RuleDangerLexicon},
		{"es infant severe", NeedHelp, "mi bebé de tres meses no orina desde ayer", RuleDangerLexicon},
		{"en immobile alone", NeedHelp, "my mother can't walk far, we need a wheelchair", ""},
		{"en papers swept", NeedHelp, "the flood washed away all our papers", ""},
		{"en fine but child missing", Safe, "we're all ok but the boy next door is missing in the river", RuleDangerLexicon},

		// asking which number to call is a question; a hazard elsewhere is calm
		{"hi which number", Question, "बिजली के तार गिरने की शिकायत के लिए कौन सा नंबर है", ""},
		{"es which number", Question, "a qué número se avisa un incendio", ""},
		{"de other side", Safe, "der Brand war auf der anderen Seite vom Fluss", ""},

		// Maghrebi Arabic and Arabizi name a person at risk in their own words
		{"ar-latn darija cannot get out", NeedHelp, "baba ma yqderch ykhrej men lbit", RuleDangerLexicon},
		{"ar-latn smoke alone is a hazard", NeedHelp, "kayn dkhan f drouj", RuleDangerHazard},
		{"ar-latn under the stones", Other, "khouya ta7t l7ajar mlli t7ayhat ddar", RuleDangerLexicon},
		{"ar-latn under ruins", Safe, "jari mazal t7t l ruines", RuleDangerLexicon},
		{"ar-latn infant not drinking", NeedHelp, "rdi3 dyali ma kaychrebch men sba7", RuleDangerLexicon},
		{"ar darija cannot get out", NeedHelp, "ما قدرتش نخرج من الدار", RuleDangerLexicon},
		{"ar infant dry nappy", NeedHelp, "الرضيع ما كيبولش من البارح", RuleDangerLexicon},
		{"ar under rubble", Question, "خويا تحت الردم", RuleDangerLexicon},

		// bleeding that does not stop, in the words people use
		{"en won't stop bleeding", NeedHelp, "my son fell on the glass table and it won't stop bleeding", RuleDangerLexicon},
		{"fr arrête pas de saigner", NeedHelp, "mon père s'est coupé avec la tronçonneuse, ça s'arrête pas de saigner", RuleDangerLexicon},
		{"es no para de sangrar", NeedHelp, "a mi abuela se le abrió la herida y no para de sangrar", RuleDangerLexicon},
		{"pt não para de sangrar", NeedHelp, "meu filho bateu a cabeça e não para de sangrar", RuleDangerLexicon},
		{"de hört nicht auf zu bluten", NeedHelp, "die Wunde am Bein hört nicht auf zu bluten", RuleDangerLexicon},
		{"ar الدم ما يوقف", NeedHelp, "ابني انجرح بالزجاج والدم ما يوقف", RuleDangerLexicon},
		{"ar-latn dam ma wa2af", NeedHelp, "ibni enjara7 w el dam ma wa2af", RuleDangerLexicon},
		{"hi khoon nahi ruk", NeedHelp, "papa ke pair me kaanch ghusa, khoon nahi ruk raha", RuleDangerLexicon},
		{"ur خون نہیں رک", NeedHelp, "بیٹے کا ہاتھ کٹ گیا خون نہیں رک رہا", RuleDangerLexicon},
		{"es fainted, several", NeedHelp, "tres trabajadores desmayados en el sótano", RuleDangerLexicon},
		{"fr stopped bleeding", Safe, "la coupure a arrêté de saigner, ça va", ""},
		{"es bleeding stopped", Safe, "ya paró de sangrar, estamos bien", ""},

		// stranded is stuck, not trapped
		{"en stranded at the airport", NeedHelp, "we are stuck at the airport with no money", ""},
		{"en stuck in the lift", NeedHelp, "we are stuck in the lift", RuleDangerLexicon},

		// a false alarm or nothing happened, in the words people use
		{"de false alarm healthy", NeedHelp, "Fehlalarm, hier sind alle gesund, auch wenn es Rauch gab", ""},
		{"de not healthy", NeedHelp, "uns geht es nicht gesund, Rauch im Haus", RuleDangerHazard},
		{"pt great after smoke", NeedHelp, "a fumaça passou longe, estamos ótimos", ""},
		{"en sirens for nothing", NeedHelp, "sirens went off for nothing, there was smoke at the depot", ""},
		{"ur misunderstanding", NeedHelp, "غلط فہمی تھی، آگ نہیں تھی", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rd := newReading(" " + Normalize(c.text) + " ")
			if got := dangerRule(c.text, &rd, c.top); got != c.want {
				t.Errorf("dangerRule(%q, top %s) = %q, want %q", c.text, c.top, got, c.want)
			}
		})
	}
}

func TestQuestionForm(t *testing.T) {
	cases := []struct {
		text string
		want bool
	}{
		{"is the water safe to drink", true},
		{"i can smell gas", false},
		{"where is the shelter?", true},
		{"hello??", false},
		{"नाक से खून बहना कैसे रोकें", true},
		{"گیس کا چولہا کیسے جلائیں", true},
		{"o que fazer se alguém está inconsciente", true},
		{"we are trapped", false},
	}
	for _, c := range cases {
		if got := questionForm(" " + Normalize(c.text) + " "); got != c.want {
			t.Errorf("questionForm(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}

func TestCalm(t *testing.T) {
	cases := []struct {
		text string
		want bool
	}{
		{"the water came up to the garden wall and stopped, we're ok", true},
		{"المية وصلت لسور الحديقة ووقفت احنا تمام", true},
		{"आग हमारे मोहल्ले से दूर है, सब सुरक्षित", true},
		{"we are ok", false}, // no cue: nothing told as over
		{"the water stopped but grandpa is trapped", false},        // live danger after the contrast
		{"fire stopped at the road, smoke is in our house", false}, // the smoke clause is live
		{"the fire stopped. now the smoke is choking us", false},
	}
	for _, c := range cases {
		if got := calm(c.text, " "+Normalize(c.text)+" "); got != c.want {
			t.Errorf("calm(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}
