package understand

import "testing"

// TestResolvedReading checks the resolution reading itself: a danger told
// as over, with how the people are now, in the nine varieties; and the
// near misses where something still goes on.
func TestResolvedReading(t *testing.T) {
	cases := []struct {
		label, text string
		want        bool
	}{
		// over
		{"en found with police", "we found my little brother at the police station, he is eating an ice cream", true},
		{"en pulled out", "the lorry driver who went into the river was pulled out, he is sitting in the ambulance wrapped in a blanket", true},
		{"en power back", "the power came back and grandad's oxygen machine is running, he is resting", true},
		{"en alert off", "the flood warning was called off, we are at home having dinner", true},
		{"en coin passed", "the button my son swallowed has passed, the doctor says all fine and he is playing", true},
		{"fr retrouvé", "on a retrouvé papi au marché, il est assis au café avec un voisin", true},
		{"fr alerte levée", "l'alerte a été levée, on est à la maison et tout va bien", true},
		{"es rescatado", "lo rescataron del pozo, está sentado con los bomberos y habla normal", true},
		{"es luz", "ya volvió la luz, mi abuela está tranquila tomando su té", true},
		{"de gefunden", "Opa wurde im Park gefunden, er sitzt jetzt bei uns in der Küche", true},
		{"de Entwarnung", "Entwarnung für das Hochwasser, wir sind zu hause und alles gut", true},
		{"pt achamos", "achamos a vó na praça, ela está sentada com a polícia tomando água", true},
		{"ar found", "لقيناه عند الجيران، قاعد ياكل وبخير", true},
		{"ar power", "الكهربا رجعت وجهاز جدي شغال وهو مرتاح", true},
		{"ar-latn found", "l9inah f l commissariat, ga3ed m3ana daba", true},
		{"ar-latn came back", "rje3 l dar w howa mni7, ghir 5adda", true},
		{"hi found", "भाई मिल गया, पुलिस के पास बैठा था, अब हमारे साथ है", true},
		{"hi roman", "chhota bhai mil gaya, ghar pe hai aur khana kha raha hai", true},
		{"ur found", "بچہ مل گیا، پولیس والوں کے ساتھ بیٹھا ہے اور ٹھیک ہے", true},
		{"ur power", "بجلی آ گئی، امی کی مشین چل رہی ہے اور وہ آرام سے ہیں", true},

		// still going on
		{"en found not breathing", "we found him but he is not breathing", false},
		{"en ventilator beeping", "power came back but dad's ventilator alarm keeps beeping", false},
		{"en other child in water", "my son came back but my daughter is still in the water", false},
		{"en flared up", "the fire was under control but it flared up again and is at our fence, we are at home", false},
		{"en someone else missing", "we found the boy sitting by the road, his sister is missing", false},
		{"en new sign", "we found grandad sitting in the garden, he is confused and burning up", false},
		{"en attacker back", "he came back and is banging on the door, i am hiding with the kids", false},
		{"en question", "we found him sitting by the lake, what should we do now?", false},
		{"en not found", "they have not found him yet, we are at home waiting", false},
		{"fr toujours", "on a retrouvé mon fils mais ma fille est toujours dans la voiture", false},
		{"fr parle pas", "mon frère est revenu, il parle pas et il tremble", false},
		{"es sigue", "sacaron a mi tío pero mi primo sigue atrapado, estamos sentados esperando", false},
		{"es help", "encontramos a mi papá sentado en la calle, ayuda por favor", false},
		{"de noch", "Mama ist gefunden, Papa ist noch im Keller", false},
		{"pt ainda", "achamos o menino, a menina ainda está desaparecida", false},
		{"ar still", "لقينا ابني بس بنتي لسه بالميه", false},
		{"ar-latn not back", "ma rje3ch baba, ana ga3ed fl dar", false},
		{"hi not found", "दादी नहीं मिलीं, हम घर पर बैठे हैं", false},
		{"hi still", "बेटा मिल गया पर बेटी अभी भी लापता है", false},
		{"hi not talking", "मिल गया, घर पर है पर बोल नहीं रहा", false},
		{"en but negated", "found dad sitting in the shed but he doesn't know where he is", false},
		{"ur still", "بیٹا مل گیا لیکن بیٹی ابھی تک لاپتہ ہے", false},
		{"no marker", "we are at home and eating dinner", false},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			rd := newReading(" " + Normalize(c.text) + " ")
			if got := resolvedTold(c.text, &rd); got != c.want {
				t.Errorf("resolvedTold(%q) = %v, want %v", c.text, got, c.want)
			}
		})
	}
}

// TestResolvedStaysDanger checks, end to end, that a danger told with a
// resolution word and something still going on stays danger.
func TestResolvedStaysDanger(t *testing.T) {
	m := Default()
	for _, text := range []string{
		"we found him but he is not breathing",
		"power came back but dad's ventilator alarm keeps beeping",
		"my son came back but my daughter is still in the water",
		"the fire was under control but it flared up again and is at our fence",
		"on l'a retrouvé mais il ne respire plus",
		"lo sacaron del agua pero no respira",
		"wir haben ihn gefunden aber er atmet nicht",
		"achamos ele mas ele não está respirando",
		// a hazard with a plea, whatever the classifier's best reading
		"घर में आग लग गई बचाओ",
		"la maison brûle au secours",
		// a falling ceiling on us, after a retracted first message
		"انسوا رسالتي الأولى، السقف بلش يهر علينا",
		"لقيناه بس ما عم يتنفس",
		"वो मिल गया लेकिन सांस नहीं ले रहा",
		"وہ مل گیا لیکن سانس نہیں لے رہا",
		// found and calm, but barely breathing
		"on l'a retrouvé assis contre le mur, il respire à peine",
		// repaired, but then a sign
		"there was a gas smell but they fixed it, now my son is not breathing",
		"ça sentait le gaz mais c'est réparé, maintenant mamie ne répond plus",
		"they got us out of the lift but my husband is still trapped inside",
		"we found grandpa sitting in the shed, he is barely breathing",
		"lo encontramos sentado en el patio, casi no respira",
		"wir haben opa im garten gefunden, er sitzt da und atmet kaum",
	} {
		if r := m.Understand(text); r.Class != Danger {
			t.Errorf("Understand(%q) = %s (rule %q), want danger", text, r.Class, r.Rule)
		}
	}
}

// TestResolvedIsSafe checks, end to end, that a danger told as over is
// not an emergency.
func TestResolvedIsSafe(t *testing.T) {
	m := Default()
	for _, text := range []string{
		"the man who fell through the ice was pulled out, he is sitting in the fire engine with a blanket",
		"l'enfant perdu à la fête a été retrouvé, il est avec la police et il rigole",
		"encontramos a la abuela en la iglesia, está sentada tomando un café",
		"der vermisste Junge ist wieder da, er sitzt bei uns und isst",
		"بیٹا مل گیا، پولیس کے پاس بیٹھا چائے پی رہا تھا",
		// a leak repaired, told after a contrast word
		"there was a smell of gas in the hall yesterday but the engineer repaired it, we feel fine",
		"गैस की गंध आ रही थी लेकिन मिस्त्री ने ठीक कर दी, हम सब ठीक हैं",
		"hier ça sentait le gaz mais le technicien a réparé, on se sent bien",
		// trapped, then taken out by others
		"we were trapped in the car park lift for forty minutes but the caretaker got us out, we're at home",
		"estuvimos atrapados en el metro una hora pero nos sacaron, estamos en casa",
	} {
		if r := m.Understand(text); r.Class == Danger {
			t.Errorf("Understand(%q) = danger (rule %q, %.2f), want not danger", text, r.Rule, r.Confidence)
		}
	}
}
