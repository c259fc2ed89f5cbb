package understand

import "testing"

// The kinds of carekinds.go, and the words added to life_support and
// co_poisoning, in the nine varieties, end to end; with the near misses
// that share a part of them and are not danger. The messages are new
// wording, not copied from any evaluation set.
func TestCareKinds(t *testing.T) {
	cases := []struct {
		name, text string
		danger     bool
	}{
		// a device that needs power, power out or battery low
		{"en device", "my dad is on a heart pump, the power has been out all night and the controller is beeping, battery nearly flat", true},
		{"fr device", "ma mère a un cœur artificiel, panne de courant depuis ce matin et la batterie est presque à plat, le boîtier bipe", true},
		{"es device", "mi abuela usa concentrador de oxígeno y se fue la luz hace 6 horas, el aparato se apagó", true},
		{"de device", "meine Frau hat eine Herzpumpe, seit gestern Stromausfall und der Akku ist fast leer", true},
		{"pt device", "meu avô depende do concentrador de oxigênio, acabou a luz e a máquina desligou", true},
		{"ar device", "ابوي على جهاز الاكسجين والكهربا مقطوعة من الصبح والجهاز طفى", true},
		{"ar-latn device", "jeddo 3al oxygen w el kahraba ma2tou3a men el sob7, el jihaz wa2af", true},
		{"hi device", "दादाजी ऑक्सीजन मशीन पर हैं, सुबह से बिजली नहीं है और मशीन बंद हो गई", true},
		{"ur device", "دادا آکسیجن مشین پر ہیں، صبح سے بجلی نہیں اور مشین بند ہو گئی", true},
		{"en near miss device fine for now", "mums oxygen machine is on the generator and the diesel is running out, shes fine for now, where can we buy fuel", false},
		{"es near miss device fine for now", "el concentrador de mi tío va con la planta y se está acabando la gasolina, él está bien por ahora", false},
		{"de near miss device fine for now", "Omas Sauerstoffgerät hängt am Aggregat, der Diesel geht zu Ende, im Moment geht's ihr gut", false},
		{"ar near miss device fine for now", "جهاز الاكسجين لجدي على المولد والمازوت عم يخلص، هو منيح هلق", false},

		// a treatment not given and the body failing without it
		{"en treatment", "the clinic had no power so mums dialysis was cancelled on monday and now she is short of breath and her legs are swollen", true},
		{"fr treatment", "sa dialyse a été annulée à cause de la panne informatique, maintenant il est essoufflé et il a des palpitations", true},
		{"es treatment", "le cancelaron la diálisis a mi papá por el ciberataque y ahora le falta el aire y tiene las piernas hinchadas", true},
		{"de treatment", "die Dialyse meiner Mutter ist wegen des Hackerangriffs ausgefallen, jetzt kriegt sie kaum Luft und hat Herzrasen", true},
		{"pt treatment", "cancelaram a hemodiálise do meu tio por causa do ataque hacker e agora ele está com falta de ar", true},
		{"ar treatment", "انلغى غسيل الكلى لأمي بسبب الاختراق وهلق ما عم تقدر تتنفس منيح وضيق نفس", true},
		{"ar-latn treatment", "l ghasil dyal mama tlgha 3la 9bal l hack, daba dayi9 nafas w 9alba kaydrab bzaf", true},
		{"hi treatment", "साइबर हमले से पापा का डायलिसिस रद्द हो गया, अब सांस फूल रही है और दिल तेज धड़क रहा है", true},
		{"ur treatment", "ہیکنگ کی وجہ سے امی کا ڈائلیسز منسوخ ہو گیا، اب سانس پھول رہی ہے", true},
		{"en near miss treatment tomorrow", "dads dialysis is tomorrow morning and the hospital transport cancelled, we have no car", false},
		{"es near miss treatment moved", "le cambiaron la diálisis a mi mamá para el jueves, ella está bien", false},

		// a small child who swallowed pills
		{"en pills child", "my 2 year old got into the bathroom cabinet and swallowed a handful of my iron tablets", true},
		{"fr pills child", "mon petit de 3 ans a avalé des comprimés de paracétamol, on ne sait pas combien", true},
		{"es pills child", "mi niña de dos años se tragó unas pastillas de la presión de su abuela", true},
		{"de pills child", "unser Kleinkind hat Eisentabletten aus meiner Tasche geschluckt, mindestens zehn", true},
		{"pt pills child", "meu filho de 2 anos engoliu os comprimidos de ferro da minha gravidez", true},
		{"ar pills child", "ابني عمره سنتين بلع حبوب الضغط تبع جدته", true},
		{"ar-latn pills child", "bnti sghira bla3at 7bob dyal l7did dyal mama", true},
		{"hi pills child", "मेरी दो साल की बच्ची ने दादी की बीपी की गोलियाँ निगल लीं", true},
		{"ur pills child", "میرے دو سال کے بچے نے نانی کی دوائی کی گولیاں نگل لیں", true},
		{"en near miss pills refuses", "my toddler refuses to swallow his antibiotic tablets, any tips", false},
		{"fr near miss pills cannot", "ma fille de 6 ans n'arrive pas à avaler les comprimés, on peut les écraser ?", false},

		// too many pills, and it shows
		{"en too many", "grandad took his heart pills twice by mistake and now he's very dizzy and confused", true},
		{"es too many", "mi mamá se tomó pastillas de más por error, doble dosis, y está muy mareada", true},
		{"de too many", "Opa hat aus Versehen seine Tabletten zweimal genommen und ist jetzt ganz verwirrt", true},
		{"en near miss too many question", "I took my vitamins twice by mistake, is that ok?", false},

		// fuel burnt indoors with its symptoms
		{"en co", "we had the charcoal grill in the tent for warmth and now my brother won't wake up properly and I have a splitting headache", true},
		{"fr co", "on a mis le poêle à pétrole dans la chambre toute la nuit, ma fille ne se réveille pas vraiment et on a tous mal au crâne", true},
		{"es co", "dejamos la estufa de gas prendida en el cuarto y ahora mi mamá no despierta bien y todos mareados", true},
		{"de co", "wir haben den Holzkohlegrill in der Garage angemacht, jetzt haben alle Kopfschmerzen und Papa wird nicht wach", true},
		{"pt co", "acendemos o braseiro no quarto por causa do frio e agora a vó não acorda direito e todo mundo com dor de cabeça", true},
		{"ar co", "ولعنا الصوبيا بالغرفة طول الليل وهلق ابني ما عم يفيق منيح وكلنا عندنا صداع", true},
		{"ar-latn co", "cha3lna l kanoun f lbit dyal n3as w daba bba ma kayfi9ch w 3ndna sda3", true},
		{"hi co", "रात को कमरे में सिगड़ी जलाकर सोए, अब माँ उठ नहीं रही और सबको चक्कर आ रहे हैं", true},
		{"ur co", "رات کمرے میں انگیٹھی جلا کر سوئے، اب ابو اٹھ نہیں رہے اور سب کو سر درد ہے", true},
		{"en near miss co question", "what are the signs of carbon monoxide from a gas heater in children", false},
		{"en near miss co outside", "the generator is outside by the shed, the noise gives me a headache", false},

		// a relative missing near a river, canal or flood
		{"en water", "we haven't heard from my nephew since he went down to the canal after the storm, it's flooding", true},
		{"fr water", "mon neveu de 9 ans a disparu près de la rivière qui a débordé depuis ce matin", true},
		{"es water", "no sabemos dónde está mi sobrino, fue al arroyo que se desbordó con la lluvia", true},
		{"de water", "meine Nichte ist seit dem Hochwasser verschwunden, sie war zuletzt am Bach", true},
		{"pt water", "minha sobrinha sumiu perto do córrego que transbordou, já faz três horas", true},
		{"ar water", "ابن اخوي مفقود من امبارح وكان رايح عالنهر اللي فاض", true},
		{"ar-latn water", "wld khouya tlef 7da lwad mn l bare7 w ma l9inahch", true},
		{"hi water", "मेरा भतीजा नहर के पास खेलने गया था और अब लापता है", true},
		{"ur water", "میرا بھتیجا نہر کے پاس کھیلنے گیا تھا اور اب لاپتہ ہے", true},
		{"en near miss water found", "my nephew went missing by the river this morning but we found him at a friends house", false},
		{"es near miss water fishing", "mi sobrino fue a pescar al arroyo, vuelve a las seis", false},
	}
	m := Default()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			concept := conceptRisk(maskNotHazard(" " + Normalize(c.text) + " "))
			if !c.danger {
				// The classifier alone may still read a near miss as
				// danger; what this file adds must not.
				if concept != "" {
					t.Errorf("concept %q named in %q, want none", concept, c.text)
				}
				return
			}
			if r := m.Understand(c.text); r.Class != Danger {
				t.Errorf("Understand(%q) = %s (rule %q, concept %q), want danger", c.text, r.Class, r.Rule, concept)
			}
		})
	}
}

// Smoke from a fire elsewhere drifting in, with masks or an air filter
// asked for, is not raised by a hazard rule; a person at risk in the same
// message still is.
func TestGearRequest(t *testing.T) {
	cases := []struct {
		name, text string
		danger     bool
	}{
		{"en gear", "bushfire smoke comes into the house every afternoon, we're all ok, where can we get masks for the kids", false},
		{"fr gear", "la fumée de l'incendie de la décharge rentre dans l'appartement chaque soir, personne n'est malade, où trouver des masques", false},
		{"es gear", "el humo de los incendios entra en la casa todas las noches, estamos bien, necesitamos mascarillas", false},
		{"de gear", "der Rauch vom Waldbrand zieht jeden Abend in die Wohnung, allen geht's gut, wo bekommen wir FFP2 Masken", false},
		{"pt gear", "a fumaça das queimadas entra no apartamento toda tarde, estamos bem, onde conseguir máscaras", false},
		{"ar gear", "دخان حريق الغابة عم يفوت عالبيت كل مسا، كلنا مناح، بدنا كمامات للولاد", false},
		{"ar-latn gear", "dokhan l 7ri9a kaydkhol l dar kol 3ashiya, kolchi labas, bghina kmamat", false},
		{"hi gear", "जंगल की आग का धुआं हर शाम घर में आता है, सब ठीक हैं, बच्चों के लिए मास्क चाहिए", false},
		{"ur gear", "جنگل کی آگ کا دھواں ہر شام گھر میں آتا ہے، سب ٹھیک ہیں، بچوں کے لیے ماسک چاہیئں", false},
		{"en gear but person at risk", "smoke is filling the flat, we have no masks and grandma can't breathe", true},
		{"es gear but person at risk", "el humo llena la casa, no tenemos mascarillas y mi hijo no puede respirar", true},
	}
	m := Default()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := m.Understand(c.text)
			raised := r.Class == Danger && r.Rule != ""
			if c.danger && r.Class != Danger {
				t.Errorf("Understand(%q) = %s (rule %q), want danger", c.text, r.Class, r.Rule)
			}
			if !c.danger && raised {
				t.Errorf("Understand(%q) raised to danger by rule %q, want no rule", c.text, r.Rule)
			}
		})
	}
}
