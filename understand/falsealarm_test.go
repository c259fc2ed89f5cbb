package understand

import "testing"

// Everyday things told with words the classifier and the safety phrases
// know from emergencies are not danger: a family event or plan, someone
// "killing" the sender over a report card, a hazard named as the cause of
// a lost job or stall. The same words with a person at risk, a weapon or
// a partner's threat stay danger.
func TestEverydayNotDanger(t *testing.T) {
	m := Default()
	for _, tc := range []struct {
		label, text string
		danger      bool
	}{
		// family events and plans
		{"en wedding", "my cousin is getting married in September", false},
		{"fr wedding", "ma cousine se marie en septembre", false},
		{"es wedding", "mi prima se casa en septiembre", false},
		{"de wedding", "mein cousin heiratet im september", false},
		{"pt wedding", "minha prima vai casar em setembro", false},
		{"ar wedding", "بنت خالتي بتتزوج في سبتمبر", false},
		{"ur wedding", "میری کزن کی شادی ستمبر میں ہے", false},
		{"en wedding, collapse", "at my sister's wedding a man collapsed and has no pulse", true},
		{"en wedding, not breathing", "my son fainted at the wedding and is not breathing", true},
		// "will kill me" over everyday trouble
		{"en report card", "my mum will kill me when she sees my maths grades 😂", false},
		{"fr report card", "mon père va me tuer quand il verra mes notes 😂", false},
		{"pt report card", "meu pai vai me matar quando vir minhas notas 😂", false},
		{"es grades", "mi papá me va a matar, llegué tarde otra vez 😂", false},
		{"de report card", "mein vater bringt mich um wenn er mein zeugnis sieht 😂", false},
		{"ar-latn exam", "baba hay2telni lama yshouf el natiga 😂", false},
		{"ar report card", "ابوي راح يقتلني لما يشوف علاماتي 😂", false},
		{"en threat, knife", "my dad will kill me, I broke his phone, he has a knife and is at the door", true},
		{"en threat, husband", "my husband will kill me if he finds out I'm late, he said so with the gun on the table", true},
		{"fr threat, door", "mon copain va me tuer, il tape sur la porte", true},
		// a hazard named as the cause of a loss
		{"en job lost", "lost my job at the bakery after the fire, the rent is due friday", false},
		{"es stall lost", "se quemó nuestro puesto en el incendio del mercado, ya no tenemos trabajo", false},
		{"pt tools", "o incêndio queimou a minha oficina e as ferramentas, não sei como vou trabalhar", false},
		{"hi wages", "कारखाने में आग लगने के बाद से तनख्वाह नहीं मिली, किराया कैसे दें", false},
		{"en landlord", "after the fire the landlord says we have to leave by friday, where can we go", false},
		{"pt landlord", "depois do incêndio o dono da casa quer despejar a gente, pra onde vamos", false},
		{"en stall, trapped", "the market is on fire and my son is trapped in our stall", true},
		{"en landlord, inside", "the landlord's flat is on fire and my son is trapped inside", true},
		{"en warehouse, inside", "the fire spread to the warehouse and my brother is still inside", true},
		// a danger word as a figure, in chatter
		{"es match", "qué final, el partido fue de infarto hasta el último minuto", false},
		{"en workload", "drowning in emails at work today lol", false},
		{"pt party", "o show de ontem tava pegando fogo 🔥", false},
		{"ur exam", "اردو کا پیپر تو قتل عام تھا یار", false},
		{"en group chat", "the family group chat is on fire today 😂", false},
		{"de goal", "🔥🔥🔥 was für ein tor in der nachspielzeit", false},
		{"hi song", "ये गाना तो आग है 🔥", false},
		{"fr inbox", "ma boîte mail brûle depuis ce matin, 150 mails", false},
		{"en boredom", "stuck in the queue at the bank for an hour, i am dying of boredom", false},
		{"es aburrimiento", "tres horas esperando el bus, me muero de aburrimiento", false},
		{"ar game", "اللعبه اللي نزلت امبارح فيها قتل ودم كتير بس ممتعه", false},
		{"de hitze", "diese Hitze bringt mich um, ich geh ins Freibad", false},
		{"hi garmi", "ये गर्मी जान ले लेगी यार, चलो लस्सी पीते हैं", false},
		{"pt tédio", "três horas na fila do detran, morrendo de tédio", false},
		{"en heat, grandma confused", "this heat will kill me, and grandma is confused and not drinking", true},
		{"en phone lost", "my phone fell in the river during the floods, writing from my brother's phone, please send the alerts here", false},
		{"pt celular", "meu celular morreu na enchente, to escrevendo do celular da minha sogra", false},
		{"en phone taken, hit", "writing from my sister's phone, my husband took mine and he is hitting me, i'm not safe", true},
		{"en bored, collapsed", "i was bored in the queue and then the man next to me collapsed and isn't breathing", true},
		{"en kitchen, help", "my kitchen is on fire help", true},
		{"en goal, son hurt", "that goal was fire but my son got hit by a firework and is bleeding", true},
		{"es party, shot", "en la fiesta le dispararon a mi primo y está sangrando mucho", true},
		// a home or a journey made impossible, a bed or a way home asked for
		{"en smoke, a bed", "the flat is full of smoke from the fire downstairs, we can't sleep there, need somewhere to stay", false},
		{"es stuck, way home", "cancelaron el bus y estoy atrapado en la terminal sin plata para volver a casa", false},
		{"en smoke, inside", "the flat is full of smoke and dad is still inside, we need somewhere to stay", true},
		{"en stuck, water", "we are stuck on the roof with the baby and the water is rising, nowhere to sleep", true},
		// the alarm told as something else, read as safe
		{"en checked", "that smell of gas came from the cooker next door, the fitter checked everything, we're fine", false},
		{"fr false alarm", "fausse alerte, l'odeur de gaz venait du barbecue du voisin, tout va bien", false},
		{"en false alarm, unconscious", "false alarm about the gas but my son is unconscious and not breathing", true},
	} {
		r := m.Understand(tc.text)
		if got := r.Class == Danger; got != tc.danger {
			t.Errorf("%s: %q: class %s (rule %q), want danger %v", tc.label, tc.text, r.Class, r.Rule, tc.danger)
		}
	}
}

func TestScoldHyperbole(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"my mum will kill me when she sees my report card", true},
		{"ma mère va me tuer, j'ai cassé son vase", true},
		{"papa vai me matar, cheguei atrasado", true},
		{"my mum will kill me", false},                              // no everyday trouble told
		{"my husband will kill me, I was late", false},              // a partner
		{"he will kill me with the knife, I broke the vase", false}, // a weapon
	} {
		if got := scoldHyperbole(" " + Normalize(tc.text) + " "); got != tc.want {
			t.Errorf("scoldHyperbole(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}
