package understand

import "testing"

// Self-harm and farewell told in every variety are danger, named self_harm.
func TestSelfHarmToldByMeaning(t *testing.T) {
	m := Default()
	for _, tc := range []struct{ lang, text string }{
		{"en", "i dont want to be here anymore"},
		{"en", "i wrote letters for everyone, tell my mum i love her"},
		{"en", "just wanted to say goodbye to someone before i go"},
		{"en", "i cant do this anymore tonight is the night"},
		{"en", "i took the whole bottle of sleeping pills an hour ago"},
		{"en", "im on the bridge and im going to jump"},
		{"es", "ya no quiero estar aqui"},
		{"es", "todos estarian mejor sin mi ya tengo la soga"},
		{"es", "me tome todas las pastillas para dormir hace una hora"},
		{"fr", "je veux plus être là"},
		{"fr", "les cachets sont devant moi je vais tous les prendre"},
		{"pt", "nao quero mais estar aqui"},
		{"pt", "to pensando em pular to no alto do estacionamento"},
		{"de", "wollte mich nur noch von jemandem verabschieden bevor ich geh"},
		{"de", "ich habe alle schlaftabletten genommen"},
		{"ar", "ما عاد بدي عيش خلص"},
		{"ar", "ابغى اموت"},
		{"ar", "قررت انتحر"},
		{"ar", "انا ع الجسر وخلاص رح نط"},
		{"ar", "هاي اخر رسالة مني سامحوني"},
		{"ar-latn", "ma 3ad bidi 3eesh khalas"},
		{"ar-latn", "mish 3ayez a3eesh tani"},
		{"ar-latn", "hay a5er risale mni sam7ooni"},
		{"ar-latn", "mabghitch n3ich"},
		{"ar-latn", "ana ta3ban ktir w bade 5alles 7ayati el leile"},
		{"fr", "j'ai écrit une lettre pour chacun dites a maman que je l'aime"},
		{"pt", "deixei cartas pra todo mundo fala pra minha mae que eu amo ela"},
		{"de", "hab für alle briefe geschrieben sagt mama dass ich sie lieb hab"},
		{"ar", "ما بدي كون عبء على حدا ودعتكم"},
		{"hi", "ये मेरा आखिरी मैसेज है सबको माफ करना"},
		{"hi", "अब जीने का मन नहीं है"},
		{"hi", "मैं छत के किनारे खड़ा हूं कूदने वाला हूं"},
		{"hi", "नींद की गोलियां सामने रखी हैं सब खा लूंगी"},
		{"hi", "ab jeene ka man nahi hai yaar"},
		{"ur", "اب جینے کو دل نہیں کرتا"},
		{"ur", "یہ میرا آخری پیغام ہے سب مجھے معاف کرنا"},
		{"ur", "میں چھت کے کنارے کھڑا ہوں چھلانگ لگانے والا ہوں"},
		// cutting oneself
		{"es", "otra vez me corto los brazos en el baño y no sé parar"},
		{"fr", "j'ai envie de m'ouvrir les veines ce soir"},
		{"pt", "cortei os pulsos agora pouco"},
		{"de", "hab mich wieder geritzt, ziemlich tief diesmal"},
		{"ar-latn", "3awart nafsi tani el leila"},
		{"ar", "جرحت نفسي بالشفرة"},
		// someone else's farewell, then silence
		{"hi", "भाई ने लिखा मुझे माफ कर देना और फोन बंद है"},
		{"ar-latn", "sa7bi katab post wada3 w ma 7ada 3aref wino"},
		{"en", "my friend posted goodbye everyone and his phone is off"},
	} {
		r := m.Understand(tc.text)
		if r.Class != Danger || r.Rule != RuleSelfHarm {
			t.Errorf("%s %q: got %s rule %q, want danger rule %q", tc.lang, tc.text, r.Class, r.Rule, RuleSelfHarm)
		}
	}
}

// The sender is fine or out and someone else is still in danger: danger.
func TestLeftBehindIsDanger(t *testing.T) {
	m := Default()
	for _, tc := range []struct{ lang, text string }{
		{"hi", "हम ठीक हैं पर मामा अभी भी जलती बिल्डिंग में हैं"},
		{"hi", "hum theek hain lekin mamoo abhi tak jalti imarat mein hain"},
		{"fr", "nous ça va mais mamie est encore dans la maison et le feu approche"},
		{"ar", "الحمد لله طلعنا بس جارتنا العجوز لسا تحت"},
		{"ar-latn", "el 7amdella tele3na bas jaretna el 3ajooz lessa ta7t"},
		{"en", "we got out but my little brother went back in for the cat"},
		{"es", "salimos pero mi hermano volvió adentro por el perro"},
		{"pt", "estamos bem mas a vovó ainda está dentro da casa"},
		{"de", "wir sind raus aber mein bruder ist noch im haus"},
		{"de", "wir sind raus aber mein kleiner bruder ist nochmal rein wegen der katze"},
		{"pt", "saimos mas meu irmaozinho voltou pra pegar o gato"},
		{"en", "we're safe at the shelter but my uncle is still on the roof"},
		{"ur", "ہم ٹھیک ہیں لیکن ماموں ابھی تک جلتی عمارت میں ہیں"},
		// a neighbour known by sight, upstairs or in the smoke
		{"en", "we got out fine but the old man from the top floor is still upstairs"},
		{"fr", "on est sortis mais la vieille dame du troisième est encore en haut"},
		{"es", "salimos bien pero la señora del quinto sigue arriba y sale humo"},
		{"pt", "estamos bem mas a senhora do terceiro ainda está lá em cima"},
		{"ar", "طلعنا الحمد لله بس الختيارة اللي بالطابق الرابع لسا فوق"},
	} {
		if r := m.Understand(tc.text); r.Class != Danger {
			t.Errorf("%s %q: got %s rule %q, want danger", tc.lang, tc.text, r.Class, r.Rule)
		}
	}
}

// Figures of speech, negations and things (not people) left behind hold
// parts of the rules but tell of no danger: the rules do not fire.
func TestSelfHarmNearMisses(t *testing.T) {
	m := Default()
	for _, text := range []string{
		"this job is killing me lol",
		"i could die of embarrassment",
		"forgive me for the late reply",
		"last message of the day: thanks team",
		"goodbye, see you tomorrow",
		"i dont want to be here in the rain",
		"i dont want to die, how do i stay warm tonight",
		"we are fine but the car is still under water",
		"nous ça va mais la maison est encore dans l'eau",
		"the movie's last scene he jumps off the bridge",
		"tomei todos os remédios certinho hoje",
		"hum theek hain par bijli abhi bhi nahi hai",
		"we are all fine, my brother is still at work",
		"we got out of the shop, the old man is still upstairs in his flat watching tv, all calm",
		"we're fine but my cousin is still up there at the ski lodge enjoying the snow",
	} {
		padded := " " + Normalize(text) + " "
		masked := maskNotHazard(padded)
		if name := selfHarmRule(masked); name != "" {
			t.Errorf("%q: harm rule %s fired", text, name)
		}
		if leftBehind(masked) {
			t.Errorf("%q: read as someone left behind", text)
		}
		if r := m.Understand(text); r.Rule == RuleSelfHarm {
			t.Errorf("%q: got rule %s", text, r.Rule)
		}
	}
}
