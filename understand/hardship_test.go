package understand

import "testing"

// Hardship told beside a hazard, a hospital or children is a need; the
// same need with a person at risk now (a body sign, a threat, someone
// inside) stays danger.
func TestHardshipNotDanger(t *testing.T) {
	checkDanger(t, []dangerCase{
		{"en fire, rent", "the bakery where i worked burnt down last week and now the rent is due, i have two little ones", false},
		{"en flood, school", "since the flood closed the school i have nobody to watch my kids while i work nights", false},
		{"fr fire, insurance", "notre atelier a brûlé, l'assurance ne paie rien et on n'a plus d'argent pour les courses", false},
		{"es flood, wages", "desde la inundación la fábrica no nos paga y no tengo para la comida de los niños", false},
		{"de fire, money", "seit dem Brand im Lager bekomme ich kein Gehalt, die Rechnungen stapeln sich", false},
		{"pt fire, food", "a feira pegou fogo e perdi a banca, tenho 4 filhos e nada de comida em casa", false},
		{"ar fire, rent", "بعد الحريق سكروا المحل وما عاد معي مصاري للايجار وعندي ثلاث ولاد", false},
		{"ar-latn fire, job", "el ma7al et7ara2 w ma3adsh 3andi shoghl, 3andi 3 wlad", false},
		{"hi flood, ration", "बाढ़ के बाद से काम नहीं है, घर में राशन खत्म है", false},
		{"ur fire, rent", "آگ کے بعد دکان بند ہے اور کرایہ دینا ہے، بچوں کا کھانا بھی نہیں", false},
		{"en meds left, no car", "after the fire alarm they closed our block and my dad's medication is still in the flat, we have no car to get to a pharmacy", false},
		{"hi aid left", "बाढ़ वाले शिविर में आ गए पर पापा का वॉकर घर पर रह गया, कोई ला सकता है?", false},
		// a person at risk now stays danger
		{"es meds out, breathing", "se le acabaron las medicinas del corazón a mi abuelo y ahora respira con mucho esfuerzo", true},
		{"es threat, inside", "el casero amenaza con quemar la casa con nosotros dentro si no pagamos el alquiler, está en la puerta con un bidón de gasolina", true},
		{"en no food, breathing", "grandma hasn't had food for three days and now she is breathing strangely and won't answer", true},
		{"pt rent, bleeding", "não tenho dinheiro pro aluguel e meu marido está sangrando muito da cabeça", true},
	})
}

// A thanks that tells the ambulance or the rescue as come is thanks, not
// a danger; a thanks with the danger still going on is not.
func TestThankedArrival(t *testing.T) {
	for _, tc := range []struct {
		label, text string
		want        bool
	}{
		{"en", "thank you so much, the ambulance came", true},
		{"hi roman", "shukriya, ambulance pahunch gayi", true},
		{"ar", "شكرا الكم، وصلت سيارة الاسعاف", true},
		{"ur", "شکریہ، ایمبولینس آ گئی", true},
		{"en urgent", "thanks, the ambulance came but hurry he is not breathing now", false},
		{"en no thanks", "the ambulance came", false},
	} {
		if got := thankedArrival(" " + Normalize(tc.text) + " "); got != tc.want {
			t.Errorf("%s: thankedArrival(%q) = %v, want %v", tc.label, tc.text, got, tc.want)
		}
	}
}

// Dangers told plainly, with no danger word, are read by kind; a question,
// the past or someone fine now is not.
func TestUnseenKinds(t *testing.T) {
	checkDanger(t, []dangerCase{
		{"en lost diabetic", "my diabetic grandfather got lost in the market crowd three hours ago and has no phone", true},
		{"en fell, not moving", "the painter fell from the scaffold on the third floor, he is breathing but not moving", true},
		{"es vehicle inside", "se volcó la camioneta en la curva y hay dos personas atrapados dentro", true},
		{"en vehicle, all out", "the van flipped on the ice but everyone got out and is sitting on the verge", false},
		{"de whole pack", "ich habe vorhin die ganze packung schlaftabletten geschluckt, mir geht es noch gut", true},
		{"pt saturation", "meu avô está com a saturação em 84 e muito cansado", true},
		{"en no water, confused", "my father hasn't drunk anything since yesterday in this heat and is confused, doesn't recognise me", true},
		{"de under snow", "mein freund liegt seit zehn minuten unter dem schnee nach der lawine, wir graben", true},
		{"hi chained", "ठेकेदार ने मेरे भाई को जंजीर से बांध रखा है, कर्ज के लिए", true},
		{"pt all her pills", "minha irmã tomou todos os remédios da cartela e não quer abrir a porta", true},
		{"en question, whole box", "what happens if someone took a whole box of paracetamol?", false},
		{"fr gone out alone", "ma grand-mère qui a alzheimer est sortie seule ce midi, ça fait quatre heures, il fait 36 degrés", true},
		{"ur gone out alone", "دادا جان کو شوگر ہے، وہ صبح اکیلے نکل گئے تھے اور پانچ گھنٹے ہو گئے", true},
		{"de mushrooms sick", "wir haben im wald pilze gesammelt und gegessen, jetzt muss sich mein mann ständig übergeben", true},
		{"hi mushrooms sick", "खेत से तोड़े मशरूम की सब्ज़ी खाई, अब दोनों बच्चों को उल्टी हो रही है", true},
		{"en died at home", "my father died this morning, he is lying in his bed", true},
		{"ar died at home", "جدتي توفت قبل ساعه وهي على الكنبه", true},
		{"pt died at home", "minha mãe morreu agora de manhã, tá deitada na cama", true},
		{"en died, funeral", "my grandfather passed away in his bed last year, the funeral was lovely", false},
		{"en fridge died", "the fridge died and the floor is wet, kids are fine", false},
		{"en mushrooms fine", "we ate the mushrooms from the market, no vomiting, all fine", false},
		{"es mushroom question", "qué pasa si alguien come setas del monte y empieza a vomitar?", false},
	})
	// found again: the concept yields (the classifier may still read it)
	for _, text := range []string{
		"grandad with dementia walked out, two hours later we found him at the bus stop",
		"mamie qui a alzheimer est sortie seule, trois heures après on l'a retrouvée chez la voisine",
	} {
		if c := conceptAt(" " + Normalize(text) + " "); c >= 0 && concepts[c].name == "vulnerable_lost" {
			t.Errorf("%q: vulnerable_lost, want the finding to yield", text)
		}
	}
}

type dangerCase struct {
	label, text string
	danger      bool
}

// checkDanger reads each case with the default model and reports those
// read as danger (or not) against their label.
func checkDanger(t *testing.T, cases []dangerCase) {
	t.Helper()
	m := Default()
	for _, tc := range cases {
		got := m.Understand(tc.text)
		if (got.Class == Danger) != tc.danger {
			t.Errorf("%s: %q read as %s (rule %q), danger want %v", tc.label, tc.text, got.Class, got.Rule, tc.danger)
		}
	}
}
