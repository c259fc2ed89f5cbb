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
		{"en wedding", "my cousin is getting married in June", false},
		{"fr wedding", "mon cousin se marie en juin", false},
		{"es wedding", "mi primo se casa en junio", false},
		{"de wedding", "meine cousine heiratet im juni", false},
		{"pt wedding", "meu primo vai casar em junho", false},
		{"ar wedding", "ابن عمي بيتزوج في يونيو", false},
		{"ur wedding", "میرے کزن کی شادی جون میں ہے", false},
		{"en wedding, collapse", "at my sister's wedding a man collapsed and has no pulse", true},
		{"en wedding, not breathing", "my son fainted at the wedding and is not breathing", true},
		// "will kill me" over everyday trouble
		{"en report card", "my mum will kill me when she sees my report card 😂", false},
		{"fr report card", "ma mère va me tuer quand elle verra mon bulletin 😂", false},
		{"pt report card", "minha mãe vai me matar quando vir meu boletim 😂", false},
		{"es grades", "mi mamá me va a matar cuando vea mis notas 😂", false},
		{"de report card", "meine mutter bringt mich um wenn sie mein zeugnis sieht 😂", false},
		{"ar-latn exam", "mama hatmawetni law 3erfet eni sa2att fel imti7an 😂", false},
		{"ar report card", "امي راح تقتلني لما تشوف الشهادة 😂", false},
		{"en threat, knife", "my dad will kill me, I broke his phone, he has a knife and is at the door", true},
		{"en threat, husband", "my husband will kill me if he finds out I'm late, he said so with the gun on the table", true},
		{"fr threat, door", "mon copain va me tuer, il tape sur la porte", true},
		// a hazard named as the cause of a loss
		{"en job lost", "lost my job at the warehouse after the fire, rent due monday", false},
		{"es stall lost", "perdimos el puesto del mercado en el incendio y era lo unico que teniamos", false},
		{"pt tools", "o incêndio queimou a minha oficina e as ferramentas, não sei como vou trabalhar", false},
		{"hi wages", "फैक्ट्री में आग के बाद दो महीने से तनख्वाह नहीं मिली", false},
		{"en stall, trapped", "the market is on fire and my son is trapped in our stall", true},
		{"en warehouse, inside", "the fire spread to the warehouse and my brother is still inside", true},
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
