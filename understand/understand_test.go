package understand

import (
	"io/fs"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestUnderstandClasses(t *testing.T) {
	m := Default()
	cases := []struct {
		name string
		text string
		want Class
	}{
		// danger, in every language, including mixed and emoji
		{"en roof with kids", "we climbed onto the roof with the kids", Danger},
		{"en mixed safe but trapped", "we're fine but grandpa can't get out", Danger},
		{"en sos emoji", "🆘", Danger},
		{"en gas smell", "strong smell of gas in the kitchen and my mum feels dizzy", Danger},
		{"en unconscious", "my father is unconscious on the floor", Danger},
		{"ar trapped", "محاصرين في البيت والمياه ترتفع", Danger},
		{"ar bleeding", "ابني ينزف كثير", Danger},
		{"ar fire gulf", "في حريق عندنا بسرعة", Danger},
		{"ar-latn fire", "fi 7aree2 bel beit sa3dona", Danger},
		{"fr trapped", "on est coincés dans la voiture l'eau monte", Danger},
		{"es trapped", "estamos atrapados en el techo", Danger},
		{"de unconscious", "mein vater ist bewusstlos", Danger},
		{"pt fire", "tem fogo na cozinha socorro", Danger},
		{"hi trapped", "हम घर में फंसे हैं पानी बढ़ रहा है", Danger},
		{"ur smoke", "گھر میں دھواں بھر گیا ہے سانس نہیں آ رہی", Danger},
		{"en missing nobody knows", "my brother was at the depot when it blew up and nobody knows where he is", Danger},
		{"es scald", "a mi hija le cayó agua hirviendo en las piernas", Danger},
		{"ar-latn infant dry nappy", "el bebe mesh biyeshrab men el sob7 w el 7afada nashfa", Danger},

		// negations are need_help, not safe
		{"en not safe", "not safe", NeedHelp},
		{"en not ok", "we are not ok", NeedHelp},
		{"ar egyptian not ok", "احنا مش كويسين", NeedHelp},
		{"ar msa not ok", "لسنا بخير", NeedHelp},
		{"ar-latn not ok", "msh kwayes", NeedHelp},
		{"fr not safe", "on n'est pas en sécurité", NeedHelp},
		{"es not ok", "no estamos bien", NeedHelp},
		{"de not safe", "wir sind nicht sicher", NeedHelp},
		{"pt not ok", "não estamos bem", NeedHelp},
		{"hi not ok", "हम ठीक नहीं हैं", NeedHelp},
		{"ur not ok", "ہم ٹھیک نہیں ہیں", NeedHelp},
		{"en needs food", "we need food and water for 4 people", NeedHelp},

		// safe
		{"en safe", "we are safe", Safe},
		{"en thumbs up", "👍", Safe},
		{"ar alhamdulillah", "الحمد لله تمام", Safe},
		{"ar-latn fine", "ana b5air", Safe},
		{"fr fine", "on va bien", Safe},
		{"es fine", "estamos bien", Safe},
		{"de fine", "uns geht es gut", Safe},
		{"pt fine", "estamos bem", Safe},
		{"ur fine", "ہم ٹھیک ہیں", Safe},

		// human; a question about people is not a request for one
		{"es operator", "necesito hablar con un operador", Human},
		{"en person", "i want to talk to a person", Human},
		{"ar employee", "بدي احكي مع موظف", Human},
		{"en reinfected is a question", "can a person get reinfected", Question},
		{"en passed between people is a question", "is it passed between people", Question},

		// opt-out; "stop" inside a question is not
		{"en remove me", "remove me from this list", OptOut},
		{"ar stop", "ايقاف", OptOut},
		{"en nosebleed is a question", "how do I stop a nosebleed", Question},
		{"en storm stop is a question", "will the storm stop tonight", Question},

		{"en subscribe", "subscribe", OptIn},
		{"ar hello", "السلام عليكم", Greeting},
		{"en thanks emoji", "🙏", Thanks},
		{"ar thanks", "شكرا جزيلا", Thanks},
		{"en waiting", "how long do i have to wait", QueueStatus},
		{"en hello??", "hello??", QueueStatus},

		// informational questions about danger topics stay questions
		{"en gas safe again", "is the gas supply safe to use again?", Question},
		{"en treat burn", "how do I treat a burn", Question},
		{"ar gas safe", "هل الغاز آمن للاستعمال؟", Question},

		// a hazard told as past or kept away is safe; questions about one are questions
		{"en water did not reach", "we are safe, the water didn't reach us", Safe},
		{"en got out before fire", "not hurt, we got out before the fire came", Safe},
		{"de fire not up to us", "das feuer kam nicht bis zu unserem haus, uns geht es gut", Safe},
		{"hi nosebleed question", "नाक से खून बहना कैसे रोकें", Question},
		{"ur gas stove question", "کیا زلزلے کے بعد گیس کا چولہا جلانا محفوظ ہے", Question},
		{"en out but trapped", "we got out but dad is still trapped", Danger},

		// off-topic
		{"en bakery", "what time does the bakery close", Other},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := m.Understand(c.text)
			if r.Class != c.want {
				t.Errorf("Understand(%q) = %s (%.2f, rule %q, scores %v), want %s", c.text, r.Class, r.Confidence, r.Rule, r.Scores[:3], c.want)
			}
		})
	}
}

func TestDangerCarriesSafe(t *testing.T) {
	r := Default().Understand("we're fine but grandpa can't get out")
	if r.Class != Danger || !r.Has(Safe) || !r.Has(Danger) {
		t.Fatalf("got class %s also %v, want danger also carrying safe", r.Class, r.Also)
	}
	if !r.Confident() {
		t.Error("danger must always be confident")
	}
}

func TestNegatedSafeDoesNotCarrySafe(t *testing.T) {
	r := Default().Understand("not safe")
	if r.Has(Safe) {
		t.Errorf("%q carries safe: %+v", "not safe", r)
	}
}

func TestLang(t *testing.T) {
	cases := []struct {
		text  string
		lang  string
		latin bool
	}{
		{"we climbed onto the roof with the kids", "en", false},
		{"الحمد لله تمام", "ar", false},
		{"احنا مش كويسين", "ar", false},
		{"ana b5air", "ar", true},
		{"sa3dona el mayya dakhla", "ar", true},
		{"fi 7aree2 bel beit", "ar", true},
		{"necesito hablar con un operador", "es", false},
		{"on n'est pas en sécurité", "fr", false},
		{"wir sind nicht sicher", "de", false},
		{"não estamos bem", "pt", false},
		{"हम ठीक नहीं हैं", "hi", false},
		{"mujhe madad chahiye", "hi", false},
		// Roman Urdu and Roman Hindi share their grammar; Urdu-only and
		// Hindi-only words decide, and without either it stays Hindi.
		{"sab khairiyat hai, hum mehfooz hain", "ur", false},
		{"meherbani farma kar mujhe call karein, walid sahab ka maamla hai", "ur", false},
		{"aik banda darakht ke neeche dab gaya hai", "ur", false},
		{"kripya madad karein, parivar surakshit nahi hai", "hi", false},
		{"bhagwan ki kripa se sab theek hai", "hi", false},
		{"abhi tak wait kar raha hoon", "hi", false},
		{"ہم ٹھیک نہیں ہیں", "ur", false},
		{"میں ٹھیک ہوں", "ur", false},
		{"🆘", "", false},
		{"ok", "", false},
		{"", "", false},
	}
	m := Default()
	for _, c := range cases {
		r := m.Understand(c.text)
		if r.Lang != c.lang || r.Latin != c.latin {
			t.Errorf("%q: lang %q latin %v, want %q %v", c.text, r.Lang, r.Latin, c.lang, c.latin)
		}
	}
}

func TestNormalize(t *testing.T) {
	cases := []struct{ in, want string }{
		{"HELPPP!!", "help !!"},
		{"plzzz", "plz"},
		{"we need water", "we need water"},
		{"أَنا بِخَيْر", "انا بخير"},
		{"مـــساء", "مساء"},
		{"مستشفى المدينة", "مستشفي المدينه"},
		{"سؤال رئيس", "سوال رييس"},
		{"کیا ہے یہ", "كيا ہے يہ"},
		{"ana b5air", "ana b5air"},
		{"sa3dona!", "sa3dona"},
		{"🆘🆘", "sos sos"},
		{"ok 👍🏽", "ok ok"},
		{"hello??", "hello ??"},
		{"why?", "why ?"},
		{"he\u200dl\u200blo", "hello"},
		{"\u202eabc\u202c", "abc"},
		{"٣ أشخاص", "3 اشخاص"},
		{"ｆｕｌｌ width", "full width"},
		{"can’t", "can't"},
		// Devanagari vowel signs are spacing marks and stay in the word
		{"घायल नहीं", "घायल नहीं"},
		{"  ", ""},
	}
	for _, c := range cases {
		if got := Normalize(c.in); got != c.want {
			t.Errorf("Normalize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// A word next to a negation gets a feature of its own, before the negation
// ("not hurt", "pas blessé") or after it ("घायल नहीं"): "not hurt" and "so
// hurt" must not look alike to the classifier.
func TestNegationScopeFeature(t *testing.T) {
	has := func(words []string, w string) bool {
		idx := bucket(hashString(hashByte(fnvOffset, seedNeg), Normalize(w)))
		for _, f := range Default().extract(words, nil) {
			if f.idx == idx {
				return true
			}
		}
		return false
	}
	cases := []struct {
		text, word string
		want       bool
	}{
		{"we are not hurt", "hurt", true},
		{"we are so hurt", "hurt", false},
		{"personne n'est blessé", "blessé", true},
		{"कोई घायल नहीं", "घायल", true},
		{"احنا مش كويسين", "كويسين", true},
		{"we are hurt and it is not", "hurt", false},
	}
	for _, c := range cases {
		if got := has(strings.Fields(Normalize(c.text)), c.word); got != c.want {
			t.Errorf("%q: negated %q = %v, want %v", c.text, c.word, got, c.want)
		}
	}
}

func TestBadInput(t *testing.T) {
	long := strings.Repeat("water is rising help ", 200)[:4096]
	cases := []struct {
		name string
		text string
	}{
		{"empty", ""},
		{"spaces", "   \n\t"},
		{"only emoji", "😀😀😀"},
		{"4096 chars", long},
		{"4096 arabic", strings.Repeat("ساعدونا ", 600)},
		{"mixed scripts", "help ساعدوني मदद ayuda 🆘"},
		{"zwj inside word", "tra\u200dpped"},
		{"rlo inside word", "tr\u202eapped"},
		{"invalid utf8", "\xff\xfe trapped \xc3"},
		{"nul", "\x00\x00"},
	}
	m := Default()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := m.Understand(c.text)
			if !slices.Contains(Classes, r.Class) {
				t.Fatalf("class %q not in Classes", r.Class)
			}
			if len(r.Scores) != len(Classes) {
				t.Fatalf("%d scores, want %d", len(r.Scores), len(Classes))
			}
		})
	}
	if r := m.Understand(""); r.Class != Other {
		t.Errorf("empty message: %s, want other", r.Class)
	}
	if r := m.Understand("tr\u202eapped on the ro\u200bof"); r.Class != Danger {
		t.Errorf("invisible characters hid danger: %s", r.Class)
	}
	if r := m.Understand(long); r.Class != Danger {
		t.Errorf("4096-character plea: %s, want danger", r.Class)
	}
}

func TestScoresSumToOne(t *testing.T) {
	r := Default().Understand("we are safe thank you")
	sum := 0.0
	for i, s := range r.Scores {
		sum += s.Score
		if i > 0 && s.Score > r.Scores[i-1].Score {
			t.Fatalf("scores not best first: %v", r.Scores)
		}
	}
	if sum < 0.999 || sum > 1.001 {
		t.Errorf("scores sum to %f", sum)
	}
}

func TestDeterministic(t *testing.T) {
	sub, err := fs.Sub(examples, "examples")
	if err != nil {
		t.Fatal(err)
	}
	a, err := Train(sub)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Train(sub)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.w, b.w) || a.bias != b.bias {
		t.Fatal("two trainings gave different weights")
	}
	for _, text := range []string{"we are safe", "help trapped", "شكرا", "hello??"} {
		if ra, rb := a.Understand(text), b.Understand(text); !reflect.DeepEqual(ra, rb) {
			t.Errorf("%q: %+v != %+v", text, ra, rb)
		}
	}
}

func TestTrainErrors(t *testing.T) {
	cases := []struct {
		name string
		fs   fstest.MapFS
		want string
	}{
		{"no examples", fstest.MapFS{"en/safe.txt": {Data: []byte("# only a comment\n\n")}}, "no examples"},
		{"unknown class", fstest.MapFS{"en/maybe.txt": {Data: []byte("hmm\n")}}, `"maybe" is not a class`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Train(c.fs)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
}

func TestTrainSmall(t *testing.T) {
	fsys := fstest.MapFS{
		"en/safe.txt":   {Data: []byte("we are safe\nall good\nfine\n")},
		"en/danger.txt": {Data: []byte("# trapped\ntrapped in the car\nwater rising we are trapped\n")},
	}
	m, err := Train(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if m.Examples() != 5 {
		t.Errorf("trained on %d examples, want 5", m.Examples())
	}
	if r := m.Understand("all good here"); r.Class != Safe {
		t.Errorf("got %s, want safe", r.Class)
	}
}

func TestEmbeddedExamplesCoverEveryClassAndLanguage(t *testing.T) {
	count := map[string]map[Class]int{}
	for _, e := range EmbeddedExamples() {
		if count[e.Lang] == nil {
			count[e.Lang] = map[Class]int{}
		}
		count[e.Lang][e.Class]++
	}
	for _, l := range []string{"en", "ar", "ar-latn", "fr", "es", "de", "pt", "hi", "ur"} {
		for _, c := range Classes {
			if count[l][c] < 8 {
				t.Errorf("%s/%s has %d examples", l, c, count[l][c])
			}
		}
	}
}

func TestConfident(t *testing.T) {
	cases := []struct {
		name string
		r    Result
		want bool
	}{
		{"danger always", Result{Class: Danger, Confidence: 0.1, Scores: []Scored{{Safe, 0.5}, {Danger, 0.1}}}, true},
		{"clear", Result{Class: Safe, Confidence: 0.9, Scores: []Scored{{Safe, 0.9}, {Thanks, 0.05}}}, true},
		{"low", Result{Class: Safe, Confidence: 0.5, Scores: []Scored{{Safe, 0.5}, {Thanks, 0.1}}}, false},
		{"close second", Result{Class: Safe, Confidence: 0.6, Scores: []Scored{{Safe, 0.6}, {NeedHelp, 0.4}}}, false},
	}
	for _, c := range cases {
		if got := c.r.Confident(); got != c.want {
			t.Errorf("%s: Confident() = %v, want %v", c.name, got, c.want)
		}
	}
}

func FuzzUnderstand(f *testing.F) {
	for _, s := range []string{"", "help", "🆘", "ana b5air", "مش كويسين", "tr\u202eapped", "\xff", strings.Repeat("a", 5000)} {
		f.Add(s)
	}
	m := Default()
	f.Fuzz(func(t *testing.T, s string) {
		r := m.Understand(s)
		if !slices.Contains(Classes, r.Class) {
			t.Fatalf("class %q not in Classes", r.Class)
		}
		if r.Confidence < 0 || r.Confidence > 1 {
			t.Fatalf("confidence %f", r.Confidence)
		}
		_ = Normalize(s)
	})
}

// benchMix is a realistic inbound mix: mostly short, some long, a few pastes.
var benchMix = []string{
	"we are safe", "help", "👍", "الحمد لله تمام", "ana b5air", "how long do i have to wait",
	"we climbed onto the roof with the kids and the water keeps rising, please send a boat",
	"necesito hablar con un operador", "remove me from this list", "is the tap water safe to drink?",
	"احنا مش كويسين ومحتاجين أكل ومية للأطفال من امبارح", "हम ठीक नहीं हैं", "ہم ٹھیک ہیں",
	strings.Repeat("the water is rising and we cannot get out of the house ", 80)[:4096],
	strings.Repeat("المياه ترتفع ولا نستطيع الخروج ", 150),
}

// BenchmarkUnderstand reports the mean, the median and the 99th percentile time per
// message over benchMix, and the CPU time per message.
func BenchmarkUnderstand(b *testing.B) {
	m := Default()
	b.ReportAllocs()
	var times []time.Duration
	cpu := cpuTime()
	i := 0
	for b.Loop() {
		start := time.Now()
		m.Understand(benchMix[i%len(benchMix)])
		times = append(times, time.Since(start))
		i++
	}
	b.ReportMetric(float64(cpuTime()-cpu)/float64(i)/1e3, "cpu-µs/op")
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2])/1e3, "p50-µs")
	b.ReportMetric(float64(times[len(times)*99/100])/1e3, "p99-µs")
}

// BenchmarkTrain measures training on the embedded examples and
// development sets, as Default does at start; cpu-ms/op is the work without
// the neighbours' share.
func BenchmarkTrain(b *testing.B) {
	exs := TrainingExamples()
	b.ReportAllocs()
	cpu := cpuTime()
	n := 0
	for b.Loop() {
		if _, err := TrainExamples(exs); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(cpuTime()-cpu)/float64(n)/1e6, "cpu-ms/op")
}

func TestConcurrentUse(t *testing.T) {
	done := make(chan Class)
	for range 8 {
		go func() { done <- Default().Understand("we are trapped on the roof").Class }()
	}
	for range 8 {
		if c := <-done; c != Danger {
			t.Errorf("got %s, want danger", c)
		}
	}
}

// TestSignlessFloors: with nothing in the message naming a danger, well-being
// told and a sure harmless reading need a surer classifier; a person at risk
// in the last clause keeps the ordinary reading.
func TestSignlessFloors(t *testing.T) {
	m := Default()
	cases := []struct {
		text   string
		danger bool
	}{
		{"grandma is out of intensive care and much better now", false},
		{"everyone got out before the roof came down, all fine", false},
		{"we are fine but my brother is still inside the burning building", true},
		{"hum theek hain par papa abhi bhi jalti building me hain", true},
		{"the water is rising and we cannot get out of the house", true},
		{"أنا في البيت", false},
		{"the cat is asleep", false},
		{"الحقونا البيت ولّع!!", true},
		{"sos", true},
		{"we're trapped", true},
	}
	for _, c := range cases {
		r := m.Understand(c.text)
		if (r.Class == Danger) != c.danger {
			t.Errorf("Understand(%q) = %s (rule %q, %.2f), want danger %v", c.text, r.Class, r.Rule, r.Confidence, c.danger)
		}
	}
	for _, c := range []struct {
		text string
		well bool
	}{
		{"tá tudo bem aqui", true},
		{"não tá tudo bem, meu filho está com febre", false},
		{"hum theek hain par mama abhi bhi andar hain", false},
		{"hum relief camp par hain, sab theek hai", true},
	} {
		if got := wellNoRisk(" " + Normalize(c.text) + " "); got != c.well {
			t.Errorf("wellNoRisk(%q) = %v, want %v", c.text, got, c.well)
		}
	}
	for _, c := range []struct {
		text     string
		signless bool
	}{
		{"the fire brigade is here and everyone is counted", false},
		{"found grandad at the station, he is warm and drinking tea", true},
		{"my son is not breathing", false},
	} {
		if got := signless(" " + Normalize(c.text) + " "); got != c.signless {
			t.Errorf("signless(%q) = %v, want %v", c.text, got, c.signless)
		}
	}
}

// TestOptOutTold: opting out told at length, with "need" in it, is opt_out
// in every language; danger wins, and asking to stay is no opt-out.
func TestOptOutTold(t *testing.T) {
	m := Default()
	cases := []struct {
		text string
		want Class
	}{
		{"we moved inland last month so we don't need the alerts for the river any more", OptOut},
		{"please delete my number, it was my late father's phone", OptOut},
		{"nous avons déménagé, plus besoin des alertes pour la vallée", OptOut},
		{"nos mudamos al norte, ya no necesito las alertas del río", OptOut},
		{"wir sind umgezogen und brauchen die Warnungen nicht mehr", OptOut},
		{"mudamos de cidade, não preciso mais dos alertas da barragem", OptOut},
		{"hum Delhi aa gaye hain, ab nadi wale alert nahi chahiye", OptOut},
		{"انتقلنا لمدينة ثانية وما عاد احتاج التنبيهات", OptOut},
		{"n2alna 3a beirut, shilo ra2mi mn el lista please", OptOut},
		{"safi ma bghitch tanbihat, lghiw l abonnement dyali", OptOut},
		{"هذا رقم امي الله يرحمها، لا ترسلوا عليه شي", OptOut},
		{"remove my number later, right now the water is rising and we cannot get out", Danger},
	}
	for _, c := range cases {
		r := m.Understand(c.text)
		if r.Class != c.want {
			t.Errorf("Understand(%q) = %s (rule %q, %.2f), want %s", c.text, r.Class, r.Rule, r.Confidence, c.want)
		}
	}
	// Arabizi and Arabic opt-outs across dialects are told by the phrases
	// themselves, whatever the classifier reads.
	for _, text := range []string{
		"shilo ra2mi mn 3andkon law sama7to", "lghiw l abonnement dyali", "la tarsloun shi 3a hal ra2m",
		"ma baddi rasa2el ba3d el yom", "الغوا الاشتراك لو سمحتوا", "ما بدي تنبيهات بعد اليوم",
	} {
		if !optOutTold(" " + Normalize(text) + " ") {
			t.Errorf("optOutTold(%q) = false, want true", text)
		}
	}
	for _, text := range []string{"please don't remove my number, I still need the alerts", "how do I stop a nosebleed", "we need the alerts in Urdu"} {
		if optOutTold(" " + Normalize(text) + " ") {
			t.Errorf("optOutTold(%q) = true, want false", text)
		}
	}
}

// TestHumanTold: a person asked for politely and at length, naming a
// relative, is human; with a danger sign the safety layer decides.
func TestHumanTold(t *testing.T) {
	checkClasses(t, []classCase{
		{"could someone from your team call me back when you can, it's about my mother's house", Human},
		{"est-ce que quelqu'un de votre équipe peut me rappeler, c'est pour mon père", Human},
		{"aap ki team mein se koi mujhe call kar sakta hai, ammi ke baare mein baat karni hai", Human},
		{"please call me back, my father is not breathing", Danger},
	})
}

type classCase struct {
	text string
	want Class
}

// checkClasses checks the class Understand gives each text.
func checkClasses(t *testing.T, cases []classCase) {
	t.Helper()
	m := Default()
	for _, c := range cases {
		if r := m.Understand(c.text); r.Class != c.want {
			t.Errorf("Understand(%q) = %s (rule %q, %.2f), want %s", c.text, r.Class, r.Rule, r.Confidence, c.want)
		}
	}
}

// TestSelfHarm: suicide and self-harm are danger with their own rule name,
// in every language; a question about them is not.
func TestSelfHarm(t *testing.T) {
	m := Default()
	for _, text := range []string{
		"i took all the pills", "I don't want to be alive anymore", "j'ai plus envie de vivre, je veux en finir",
		"ya no quiero vivir, me tomé todas las pastillas", "ich will nicht mehr leben", "não quero mais viver",
		"ما بدي عيش، بدي انهي حياتي", "ab jeena nahi chahta", "میں جینا نہیں چاہتا",
	} {
		if r := m.Understand(text); r.Class != Danger || r.Rule != RuleSelfHarm {
			t.Errorf("Understand(%q) = %s rule %q, want danger rule %q", text, r.Class, r.Rule, RuleSelfHarm)
		}
	}
	if r := m.Understand("my father collapsed"); r.Rule == RuleSelfHarm {
		t.Errorf("Understand(%q) rule %q, want another", "my father collapsed", r.Rule)
	}
	if r := m.Understand("what are the warning signs of suicide in teenagers?"); r.Class == Danger {
		t.Errorf("a question about suicide = danger (rule %q), want a question", r.Rule)
	}
}

// A word counts at most maxRepeats times: a long run of one meaningless
// word must not be read as danger (the class of long messages), and
// "help help help" keeps its emphasis.
func TestRepeatsDoNotMakeAMessage(t *testing.T) {
	m := Default()
	for _, text := range []string{
		strings.Repeat("abcdefg ", 20),
		strings.Repeat("abcdefg ", 512),
		strings.Repeat("the ", 1000),
		strings.Repeat("ok ", 300),
	} {
		if r := m.Understand(text); r.Has(Danger) {
			t.Errorf("%.24q x%d: read as danger (%.2f, rule %q)", text, len(strings.Fields(text)), r.Confidence, r.Rule)
		}
	}
	got := capRepeats(strings.Fields("help help help help me help"))
	if want := []string{"help", "help", "help", "me"}; !slices.Equal(got, want) {
		t.Errorf("capRepeats = %q, want %q", got, want)
	}
	words := strings.Fields("we are on the roof")
	if got := capRepeats(words); &got[0] != &words[0] || len(got) != len(words) {
		t.Error("capRepeats copied a message with no word repeated too often")
	}
}

// Words found in many examples of every kind weigh less than the rare words
// that tell the kinds apart, in proportion to how common they are.
func TestCommonWeights(t *testing.T) {
	var texts [][]string
	for i := range 1000 {
		words := []string{"and"}
		if i%10 == 0 {
			words = append(words, "trapped")
		}
		if i%100 == 0 {
			words = append(words, "ladder")
		}
		if i == 0 {
			words = append(words, "rare")
		}
		texts = append(texts, words)
	}
	w := commonWeights(docFreq(texts), len(texts))
	if got := w["and"]; got != float32(hyper.commonFloor) {
		t.Errorf("a word in every example weighs %v, want the floor %v", got, hyper.commonFloor)
	}
	if _, ok := w["rare"]; ok {
		t.Errorf("a word in one example of 1000 is scaled, want it left at full weight")
	}
	if !(w["trapped"] < w["ladder"] && w["ladder"] <= 1 && w["trapped"] > float32(hyper.commonFloor)) {
		t.Errorf("weights trapped %v (1 in 10), ladder %v (1 in 100): want the commoner lower, both within (floor, 1]", w["trapped"], w["ladder"])
	}
}

// A message of function words alone names nothing: the classifier, which
// has met "and", "und", "y", "w" mostly in long emergencies, may not make
// it danger by its score alone, while a danger word among them still
// counts.
func TestFunctionWordsAloneAreNotDanger(t *testing.T) {
	m := Default()
	cases := []struct {
		text string
		want bool // danger
	}{
		{"and and and", false},
		{"y y y y", false},
		{"und und und", false},
		{"w w w", false},
		{"the the the the the", false},
		{"है है है", false},
		{"and and fire", true},
		{"sos", true},
		{"y y el agua y entra y", true},
		{"w w w el bet wala3 w", true},
	}
	for _, c := range cases {
		r := m.Understand(c.text)
		if got := r.Class == Danger; got != c.want {
			t.Errorf("Understand(%q) = %s (rule %q, %.2f), want danger %v", c.text, r.Class, r.Rule, r.Confidence, c.want)
		}
		if !c.want && r.Confident() {
			t.Errorf("Understand(%q) = %s, confident: a message that says nothing is not", c.text, r.Class)
		}
	}
	if !m.contentless(strings.Fields("and , the ?")) || m.contentless(strings.Fields("and the fire")) {
		t.Error("contentless: want true for function words and punctuation, false with a content word")
	}
}

// One letter held down ("ffffff", "ججججج") is nothing to read, whatever the
// classifier guesses from letters it never met in a run; a short word with a
// repeated letter, or a danger word typed with one, is still read.
func TestKeyHeldIsOther(t *testing.T) {
	checkClasses(t, []classCase{
		{"ffffff", Other},
		{"  QQQQQ ", Other},
		{"ककककक", Other},
		{"ججججج", Other},
		{"sos", Danger},
		{"fiiiire", Danger},
	})
	for text, want := range map[string]bool{"dddd": true, "ddd": false, "dd dd": false, "dddd!": false, "1111": false} {
		if got := mashed(text); got != want {
			t.Errorf("mashed(%q) = %v, want %v", text, got, want)
		}
	}
}

// A message that asserts everyone is well and names a hazard the safety
// rules read as over ("the fire brigade put the fire out") is danger only
// when the classifier is all but sure (WellSignlessDangerFloor), as when
// nothing names a danger; a hazard still live keeps the ordinary floor.
func TestWellBeingWithHazardOver(t *testing.T) {
	m := Default()
	cases := []struct {
		text   string
		danger bool
	}{
		{"sab log godown se nikal aaye aur ginti ho gayi, fire brigade ne aag bujha di", false},
		{"saare yatri bus se utar gaye aur ginti ho gayi, engine ki aag bujh gayi", false},
		{"sab bachche bahar aa gaye aur ginti ho gayi, par teacher abhi bhi andar hain aur dhuan bhar raha hai", true},
		{"we are safe outside but my brother is still inside the burning house", true},
	}
	for _, c := range cases {
		if r := m.Understand(c.text); (r.Class == Danger) != c.danger {
			t.Errorf("Understand(%q) = %s (rule %q, %.2f), want danger %v", c.text, r.Class, r.Rule, r.Confidence, c.danger)
		}
	}
}
