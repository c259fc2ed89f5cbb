package understand

import "testing"

// The three kinds of lifekinds.go in the nine varieties, end to end, and
// the near misses that share a part of them and are not danger.
func TestLifeKinds(t *testing.T) {
	cases := []struct {
		name, text string
		danger     bool
	}{
		// a fit going on for minutes or not stopping
		{"en fit", "my nephew has been seizing for about eight minutes and we can't wake him between the jerks", true},
		{"fr fit", "ma sœur fait des convulsions depuis un quart d'heure, ça ne s'arrête pas", true},
		{"es fit", "mi abuelo sigue convulsionando, ya van como siete minutos", true},
		{"es fit help elsewhere", "la ambulancia se fue al otro lado del río y mi tía lleva 12 minutos con convulsiones", true},
		{"de fit", "meine Tochter krampft jetzt seit sechs Minuten und hört nicht auf", true},
		{"pt fit", "meu pai está convulsionando há uns 9 minutos e não para", true},
		{"ar fit", "اخوي الصغير عم يتشنج صرله ربع ساعة وما عم يوقف", true},
		{"ar-latn fit", "khouya 3am yetshannaj sarlo 10 d2aye2 w ma 3am ywa2ef", true},
		{"hi fit", "मेरी बहन को दौरा पड़ा है, दस मिनट से झटके रुक नहीं रहे", true},
		{"ur fit", "میرے بیٹے کو دورہ پڑا ہے، پندرہ منٹ سے جھٹکے رک نہیں رہے", true},
		{"en near miss past fit", "my son had a seizure for two minutes last year, the neurologist checked him and he has been fine since", false},
		{"es near miss fit over", "mi hija tuvo una convulsión hace un mes, el médico la revisó y está perfectamente", false},

		// buried under earth, mud or snow
		{"en buried", "the bank of the trench gave way and two workers are buried under the mud", true},
		{"fr buried", "une coulée de boue a enseveli la maison du voisin, ils sont recouverts de terre", true},
		{"es buried", "se vino la ladera abajo y hay dos vecinos sepultados en el barro", true},
		{"de buried", "ein Hang ist abgerutscht und mein Kollege ist unter Erde verschüttet", true},
		{"de showing", "die Lawine hat ihn mitgenommen, von ihm schaut nur noch eine Hand aus dem Schnee raus", true},
		{"pt buried", "a encosta caiu e tem duas crianças soterradas na lama", true},
		{"ar buried", "الجبل نزل على البيوت وفي ناس مدفونين تحت التراب", true},
		{"ar-latn buried", "el jabal nezel w fi 3ayle madfounin ta7t el trab", true},
		{"hi buried", "पहाड़ से मलबा गिरा और दो लोग मिट्टी में दब गए", true},
		{"ur buried", "پہاڑ کا ایک حصہ گرا اور تین لوگ مٹی میں دب گئے", true},
		{"en showing", "the slide came down on the path, only a hand is sticking out of the mud", true},
		{"en near miss beach", "the kid was buried in sand at the beach, laughing the whole time", false},
		{"en near miss dog", "our dog buried a bone in the snow again", false},
		{"es near miss treasure", "los niños enterraron un tesoro en la tierra del jardín", false},

		// a baby or small child with blue or grey lips or fingers
		{"en cyanosis", "my 3 month old baby's lips have gone a bit blue and she just keeps sleeping", true},
		{"fr cyanosis", "mon bébé de 5 mois a les lèvres et les doigts tout bleus", true},
		{"es cyanosis", "mi bebé de dos meses tiene los labios morados y casi no se mueve", true},
		{"de cyanosis", "unser Baby hat ganz blaue Lippen und schläft nur noch", true},
		{"pt cyanosis", "meu bebê está com os lábios roxos e os dedinhos acinzentados, cinza", true},
		{"ar cyanosis", "ابني الرضيع شفايفه زرقا وما عم يصحى منيح", true},
		{"ar-latn cyanosis", "lbebe dyali chfayf dyalo zr9in w ghir n3ss", true},
		{"hi cyanosis", "मेरी तीन महीने की बच्ची के होंठ नीले पड़ गए हैं", true},
		{"ur cyanosis", "میرے بچے کے ہونٹ نیلے ہو گئے ہیں اور وہ سست پڑا ہے", true},
		{"en near miss lolly", "blue lips from the ice lolly, my kid looks like a smurf", false},
		{"es near miss paleta", "mi niño tiene los labios azules de la paleta de mora jaja", false},
		{"de near miss berries", "das Kind hat blaue Lippen von den Heidelbeeren 😂", false},
	}
	m := Default()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := m.Understand(c.text)
			if (r.Class == Danger) != c.danger {
				t.Errorf("Understand(%q) = %s (rule %q), want danger %v", c.text, r.Class, r.Rule, c.danger)
			}
		})
	}
}

// A fit told as going on outlives a clause that tells help elsewhere; one
// told as stopped, or long ago, does not.
func TestLiveConcept(t *testing.T) {
	cases := []struct {
		text string
		want bool
	}{
		{"the ambulance went to another street and she has been fitting for seven minutes", true},
		{"la ambulancia se fue a otro lado y mi tío sigue convulsionando", true},
		{"الاسعاف راح لمكان تاني وابني عم يتشنج صرله ربع ساعة", true},
		{"the ambulance went to another street but her fit stopped after four minutes", false},
		{"a ambulância foi pra outro lado mas a convulsão parou depois de 3 minutos", false},
		{"he had seizures for minutes at a time years ago", false},
		{"she has been coughing for ten minutes", false},
	}
	for _, c := range cases {
		if got := liveConcept(maskNotHazard(" " + Normalize(c.text) + " ")); got != c.want {
			t.Errorf("liveConcept(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}
