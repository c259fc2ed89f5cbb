package understand

import "testing"

// The readings of forms.go, names.go, shelter.go, the hot-food figures of
// hyperbole.go, plannedAhead (choice.go), the Urdu fire told in the past,
// the boats towed in of overkinds.go, supplies not found, a big animal
// loose and "it never happened to me", end to end in several varieties
// each, with near misses that share a part and stay danger. The messages
// are new wording, not copied from any evaluation set.
func TestRound28Readings(t *testing.T) {
	cases := []struct {
		name, text string
		danger     bool
	}{
		// a report form counting nobody harmed
		{"en form zero", "NAME: Sam T / PEOPLE: 5 / INJURED: 0 / NEED: blankets and water", false},
		{"ur form zero", "نام: بشیر / افراد: 6 / زخمی: کوئی نہیں / ضرورت: کمبل اور پانی", false},
		{"pt form zero", "NOME: Ana / PESSOAS: 3 / FERIDOS: 0 / PRECISA: colchões", false},
		{"ar form zero", "الاسم: سامي / العدد: 5 / المصابين: 0 / الحاجة: بطانيات", false},
		{"en near miss form counts", "NAME: Sam T / PEOPLE: 5 / INJURED: 2 / one is bleeding badly from the head", true},
		{"ur near miss form counts", "نام: بشیر / افراد: 6 / زخمی: 2 / ایک کا خون نہیں رک رہا", true},
		{"en near miss no colon", "bus crash on the ring road, 3 injured 0 dead so far, send ambulances", true},

		// hazard words as names
		{"de named cat", "unser nachbar nennt seinen hund Sturm und heute hat er die ganze wäsche runtergerissen 😂", false},
		{"fr named car", "mon cousin appelle sa moto la Foudre, elle démarre une fois sur deux", false},
		{"en named venue", "see you at the bar Inferno at 8, the one by the bus station", false},
		{"ar-latn named restaurant", "el mat3am el jdid esmo Borkan, el akl tayyeb ktir", false},
		{"en near miss venue on fire", "the bar is on fire and people are still inside, come quick", true},
		{"de near miss named then fire", "unser hund heißt Sturm, und jetzt brennt die küche und er ist drin, hilfe", true},

		// a tent torn
		{"en tent torn", "our tent ripped in the wind last night at the camp, five of us squeezed under one tarp", false},
		{"ar tent torn", "الخيمة تمزقت من الريح بالمخيم وصرنا خمسة تحت شادر واحد", false},
		{"fr tent torn", "notre tente s'est déchirée avec le vent au camp, on dort à cinq sous une bâche", false},
		{"de tent torn", "unser zelt ist im wind zerrissen, wir schlafen zu fünft unter einer plane", false},
		{"en near miss tent on child", "the tent came down on my little boy in the storm and he isn't breathing", true},
		{"fr near miss tent unconscious", "la tente s'est déchirée et s'est effondrée sur ma fille, elle est inconsciente", true},

		// hot food told as dying
		{"en spicy", "that vindaloo was so spicy i thought i was dying lol", false},
		{"ar spicy", "الشطة بالكشري كانت قوية لدرجة حسيت اني بموت ههه", false},
		{"pt spicy", "o acarajé com pimenta tava tão forte que achei que ia morrer kkk", false},
		{"hi spicy", "ये मिर्ची वाला समोसा खाकर लगा मर जाऊंगा 😂", false},
		{"en near miss spicy swelling", "he ate spicy wings with peanuts, his throat is swelling and he can't breathe, i thought i was dying watching", true},

		// a plan asked under a condition, fine now
		{"en planned", "if the river comes over the bank tonight, do we go up to the roof or drive out? all fine here for now", false},
		{"ar planned", "اذا النهر فاض الليلة نطلع عالسطح ولا نطلع بالسيارة؟ احنا تمام هلق", false},
		{"ur planned", "اگر رات کو دریا کا پانی گلی میں آ گیا تو چھت پر جائیں یا گاڑی میں نکلیں؟ ابھی سب ٹھیک ہے", false},
		{"ar-latn planned", "iza el nahr fad el leila nitla3 3al sat7 wala netla3 bel sayyara? e7na tamam halla2", false},
		{"en near miss planned then trapped", "if the river comes over the bank, roof or car? grandpa is trapped upstairs and the water is rising", true},
		{"ar near miss planned then trapped", "اذا النهر فاض نطلع عالسطح ولا بالسيارة؟ جدي محاصر فوق والمي عم تطلع", true},

		// a fire told in the past in Urdu script, everyone fine
		{"ur past fire fine", "پرسوں دکان میں آگ لگی تھی لیکن سب خیریت سے ہیں", false},
		{"ur past fire out", "کل باورچی خانے میں آگ لگی تھی، بجھ گئی، ہم سب ٹھیک ہیں", false},
		{"hi past fire fine", "परसों दुकान में आग लगी थी लेकिन सब ठीक हैं", false},
		{"hi pluperfect fire fine", "परसों गोदाम में आग लग गई थी पर सब लोग ठीक हैं", false},
		{"ur pluperfect fire fine", "پرسوں گودام میں آگ لگ گئی تھی لیکن سب لوگ ٹھیک ہیں", false},
		{"ur-latn pluperfect fire fine", "parson godown mein aag lag gayi thi lekin sab log theek hain", false},
		{"hi near miss pluperfect trapped", "गोदाम में आग लग गई थी और चौकीदार अंदर फंसा है", true},
		{"hi near miss fire now", "गोदाम में आग लग गई है, धुआं बढ़ रहा है", true},
		{"ur near miss fire now", "گھر میں آگ لگ گئی ہے، ہم ٹھیک ہیں لیکن دادی اندر پھنسی ہیں", true},
		{"ur near miss fire burning", "دکان میں آگ لگی ہے اور دھواں بڑھ رہا ہے", true},

		// a boat towed in, everyone well
		{"en towed in", "dad's sailing boat got towed in by the coastguard, both of them fine just cold", false},
		{"ar towed in", "قارب عمي سحبوه خفر السواحل والكل بخير بس بردانين", false},
		{"ar-latn towed in", "markeb 3ammi sa7abouh el 5afar w kellon b5eir bas bardanin", false},
		{"en near miss towed one missing", "the boat got towed in but my uncle is missing, he went overboard", true},

		// rations or aid not found beside a flood
		{"hi supplies", "बाढ़ में सारे कागज़ गीले हो गए, अब राशन नहीं मिल रहा", false},
		{"ur supplies", "سیلاب میں کاغذات بھیگ گئے، اب امداد نہیں مل رہی", false},
		{"hi near miss son", "बाढ़ में बेटा नदी की तरफ गया था, नहीं मिल रहा", true},
		{"ur near miss son", "سیلاب میں بیٹا دریا کی طرف گیا تھا، نہیں مل رہا", true},

		// a big animal loose near children
		{"en animal loose", "a tiger escaped from the private zoo up the road and the kids are out on their bikes", true},
		{"ur animal loose", "پالتو شیر فارم سے بھاگ گیا ہے اور بچے باہر کھیل رہے ہیں", true},
		{"ar animal loose", "النمر هرب من المزرعة ونزل على حارتنا والولاد برا", true},
		{"fr animal loose", "un ours s'est échappé du cirque et les enfants sont dehors", true},
		{"en near miss animal caught", "the tiger that escaped was caught last night, the kids are back at school", false},

		// asked ahead: it never happened to the sender
		{"es never happened", "que hago si hay un tiroteo cuando voy en el bus, nunca me ha pasado pero quiero saber", false},
		{"en never happened", "what do you do in a shooting if you're in a car, never happened to me but wondering", false},
		{"fr never happened", "on fait quoi pendant une fusillade en voiture, ça ne m'est jamais arrivé", false},
	}
	m := Default()
	for _, c := range cases {
		r := m.Understand(c.text)
		if got := r.Class == Danger; got != c.danger {
			t.Errorf("%s: %q read as %s (rule %q), want danger=%v", c.name, c.text, r.Class, r.Rule, c.danger)
		}
	}
}
