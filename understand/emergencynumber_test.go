package understand

import "testing"

// TestAsksNumber: which messages ask for the emergency number, in the
// bot's languages; the message that tells of calling it, or asks for
// another number, does not.
func TestAsksNumber(t *testing.T) {
	cases := []struct {
		text string
		asks bool
	}{
		{"What is the number for emergency services", true},
		{"what number do I call in an emergency", true},
		{"emergency number?", true},
		{"I need the emergency number", true},
		{"who do I call for an ambulance", true},
		{"what's the ambulance number", true},
		{"which number do I call for the fire brigade", true},
		{"ambulance number pls", true},
		{"رقم الطوارئ كم", true},
		{"ما هو رقم الإسعاف", true},
		{"شو رقم الطوارئ؟", true},
		{"رقم الاسعاف كام", true},
		{"numéro des urgences ?", true},
		{"numéro des pompiers ?", true},
		{"numero de urgence svp", true},
		{"¿cuál es el número de emergencias?", true},
		{"cuál es el número de la ambulancia", true},
		{"Wie ist die Notrufnummer?", true},
		{"Notrufnummer Krankenwagen?", true},
		{"Notruf?", true},
		{"qual é o número de emergência?", true},
		{"qual o número do SAMU", true},
		{"इमरजेंसी नंबर क्या है", true},
		{"आपातकालीन नंबर क्या है?", true},
		{"एम्बुलेंस का नंबर क्या है", true},
		{"ایمرجنسی نمبر کیا ہے", true},
		{"ایمبولینس کا نمبر کیا ہے", true},
		{"emergency ka number kya hai", true},
		{"🚑 number?", true},

		{"I called the emergency number but nobody answers", false},
		{"what is your phone number", false},
		{"hotline number?", false},
		{"what is the number for the shelter", false},
		{"is there an emergency shelter open", false},
		{"what's Samuel's number", false},
		{"", false},
		{"we have been trying to reach someone for hours, the water is rising in the street and my neighbours say the emergency number is busy, what do we do now", false},
	}
	for _, c := range cases {
		if got := asksNumber(fields(Normalize(c.text))); got != c.asks {
			t.Errorf("asksNumber(%q) = %v, want %v", c.text, got, c.asks)
		}
	}
}

// TestNumberAskedReadings: a question for the emergency number that tells
// no emergency is no danger, in every language of the bot; the same
// question with an emergency in it is danger. The first say that the
// number was asked for.
func TestNumberAskedReadings(t *testing.T) {
	m := Default()
	cases := []struct {
		lang, text string
		danger     bool
	}{
		// asks only
		{"en", "what's the ambulance number", false},
		{"en", "which number do I call for the fire brigade", false},
		{"en", "ambulance number pls", false},
		{"en", "What is the number for emergency services", false},
		{"ar", "رقم الاسعاف كام", false},
		{"ar", "ما هو رقم الإسعاف؟", false},
		{"fr", "numéro des pompiers ?", false},
		{"fr", "quel est le numéro du samu", false},
		{"es", "cuál es el número de la ambulancia", false},
		{"es", "¿cuál es el número de los bomberos?", false},
		{"de", "Notrufnummer Krankenwagen?", false},
		{"de", "welche Nummer hat die Feuerwehr?", false},
		{"pt", "qual o número do SAMU", false},
		{"pt", "qual é o número dos bombeiros?", false},
		{"hi", "एम्बुलेंस का नंबर क्या है", false},
		{"hi", "इमरजेंसी नंबर क्या है", false},
		{"ur", "ایمبولینس کا نمبر کیا ہے", false},
		{"ur", "ریسکیو کا نمبر کیا ہے؟", false},

		// asks, and tells an emergency
		{"en", "what number do I call my husband is not breathing", true},
		{"en", "ambulance number quick my dad collapsed", true},
		{"en", "is this the ambulance number? my son fell off the roof and isn't moving", true},
		{"ar", "رقم الإسعاف بسرعة أبوي طاح", true},
		{"ar", "هل هذا رقم الطوارئ؟ ابني وقع من السطح وما يتحرك", true},
		{"fr", "numéro des pompiers vite la maison brûle et ma fille est dedans", true},
		{"es", "cuál es el número de la ambulancia, mi hijo no respira", true},
		{"de", "Notrufnummer? mein Vater ist bewusstlos und atmet kaum", true},
		{"pt", "qual o número do SAMU meu pai desmaiou e não acorda", true},
		{"hi", "एम्बुलेंस का नंबर क्या है मेरे पापा बेहोश हो गए", true},
		{"ur", "ایمبولینس کا نمبر کیا ہے میرے ابو بے ہوش ہو گئے ہیں", true},
	}
	for _, c := range cases {
		r := m.Understand(c.text)
		if !c.danger && !r.NumberAsked {
			t.Errorf("%s %q: NumberAsked false, want true (%s, rule %q)", c.lang, c.text, r.Class, r.Rule)
		}
		if got := r.Class == Danger; got != c.danger {
			t.Errorf("%s %q: %s (rule %q, %.2f), want danger %v", c.lang, c.text, r.Class, r.Rule, r.Confidence, c.danger)
		}
		if !c.danger && r.Has(Danger) {
			t.Errorf("%s %q: carries danger in Also %v: an emergency where no question can follow", c.lang, c.text, r.Also)
		}
	}
}

// TestServiceCalledForStaysDanger: a call for the service itself ("call
// an ambulance!"), urgency or a hazard beside the question is never
// lowered by the reading of a question for the number.
func TestServiceCalledForStaysDanger(t *testing.T) {
	m := Default()
	for _, text := range []string{
		"call an ambulance!",
		"please call an ambulance now",
		"appelez les pompiers !",
		"llamen a una ambulancia ya",
		"ruft den Krankenwagen, schnell",
		"اتصلوا بالاسعاف الحين",
		"what's the ambulance number, quick",
		"emergency number now",
		"एम्बुलेंस का नंबर जल्दी",
		"what's the emergency number? there's a fire in our building",
		"رقم الطوارئ كم؟ في حريق بالعمارة",
	} {
		if r := m.Understand(text); r.Rule == RuleNumberAsked {
			t.Errorf("%q: read as a question for the number (%s), want its own reading kept", text, r.Class)
		}
	}
}
