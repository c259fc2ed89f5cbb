package understand

import "testing"

// TestConceptRisk is the specification of the concept rules: a life threat
// told as a situation, without a danger word, in every variety, and the
// near misses that share its words but name no threat.
func TestConceptRisk(t *testing.T) {
	cases := []struct {
		name string
		text string
		want string // concept that fires, "" for none
	}{
		// the Spanish article "el" is not the pronoun "él"
		{"es article el", "el deslave no llegó a nuestra calle pero el barrio de arriba no contesta", ""},
		{"es pronoun él", "él respira muy raro, apenas respira", "breathing"},
		// unresponsive, blue, no reaction
		{"en floppy toddler", "my toddler is all floppy and his eyes rolled back", "unresponsive"},
		{"fr no reaction", "mon mari ne réagit plus quand je lui parle", "unresponsive"},
		{"es eyes white", "mi papá tiene los ojos en blanco y labios morados", "unresponsive"},
		{"de limp", "meine tochter ist ganz schlaff und reagiert nicht", "unresponsive"},
		{"pt no reaction", "meu filho não reage, tá todo mole", "unresponsive"},
		{"ar not responding", "ابني ما عم يستجيب وعيونه مقلوبه", "unresponsive"},
		{"ar-latn not responding", "ibni ma 3am yestajeb abadan", "unresponsive"},
		{"hi no movement", "दादा में कोई हरकत नहीं है", "unresponsive"},
		{"ur lips blue", "بچے کے ہونٹ نیلے ہو گئے ہیں", "unresponsive"},
		{"en near miss sleeping", "the baby is sleeping well now", ""},
		{"en near miss app", "the app is unresponsive since the update", ""},
		{"fr near miss negated", "le bébé n'est pas tout mou, il boit bien", ""},

		// seizure
		{"es seizure", "mi hija tiene una convulsion y no para", "seizure"},
		{"fr seizure", "mon fils fait une crise d'épilepsie depuis 5 minutes", "seizure"},
		{"de seizure", "mein mann hat einen krampfanfall", "seizure"},
		{"pt seizure", "minha filha está tendo uma convulsão", "seizure"},
		{"ar seizure", "بنتي عم تتشنج ونوبه صرع ما وقفت", "seizure"},
		{"hi seizure", "बेटे को दौरा पड़ा है, झटके आ रहे हैं", "seizure"},
		{"ur seizure", "بیٹی کو دورہ پڑا ہے", "seizure"},
		{"en near miss no seizure", "he had no seizure since the new pills", ""},
		{"en near miss epilepsy meds", "my son has epilepsy and his pills ran out", ""},

		// a frail person confused or not answering in heat or cold
		{"en confused heat", "grandma is confused and it's 44 degrees in her flat", "heat_cold_frail"},
		{"fr no answer heat", "ma mère ne répond plus depuis le début de la canicule", "heat_cold_frail"},
		{"es confused heat", "mi abuelo está desorientado con este calor", "heat_cold_frail"},
		{"de confused heat", "oma ist verwirrt, seit tagen diese hitze", "heat_cold_frail"},
		{"pt no answer cold", "minha avó não atende e está um frio enorme", "heat_cold_frail"},
		{"ar confused heat", "ستي صارت تهذي من الحر", "heat_cold_frail"},
		{"ar-latn no answer heat", "teta ma 3am trod w el 7ar ktir", "heat_cold_frail"},
		{"hi confused heat", "दादी गर्मी में बहकी बातें कर रही हैं", "heat_cold_frail"},
		{"ur no answer heat", "گرمی بہت ہے اور نانی فون نہیں اٹھا رہیں", "heat_cold_frail"},
		{"en near miss keep cool", "how do I keep grandma cool?", ""},
		{"en near miss fine", "grandma is fine, she has a fan and drinks a lot in this heat", ""},

		// someone who cannot be found in extreme weather
		{"en missing blizzard", "dad went to the barn before the blizzard and we can't find him", "missing_weather"},
		{"fr missing storm", "mon fils n'est pas rentré et il y a une tempête de neige", "missing_weather"},
		{"es missing flood", "mi hermano no ha vuelto desde la inundación", "missing_weather"},
		{"de missing storm", "wir finden ihn nicht und draußen tobt der schneesturm", "missing_weather"},
		{"pt missing storm", "meu pai não voltou da roça e a tempestade está forte", "missing_weather"},
		{"ar missing snow", "ابوي راح عالجبل وما رجع والتلج عم ينزل", "missing_weather"},
		{"ar-latn phone off snow", "akhi tala3 min 4 sa3at w el telefon msakkar w fi talj", "missing_phone_weather"},
		{"hi missing storm", "तूफान के बाद से भाई नहीं मिल रहा", "missing_weather"},
		{"ur missing flood", "سیلاب کے بعد سے ابو واپس نہیں آئے", "missing_weather"},
		{"en near miss phone", "my phone was off during the storm, did I miss anything?", ""},
		{"en near miss found", "we found him, he's home, the blizzard is over", ""},

		// life-support equipment without power or left alone
		{"en oxygen no power", "mum is on oxygen and the power went out", "life_support"},
		{"fr respirator", "mon père est sous respirateur et plus de courant", "life_support"},
		{"es concentrator", "el concentrador de oxígeno de mi abuela se quedó sin luz", "life_support"},
		{"de ventilator", "papa ist beatmet und wir haben stromausfall", "life_support"},
		{"pt dialysis", "minha mãe faz diálise e estamos sem energia", "life_support"},
		{"ar oxygen", "جهاز الاكسجين تبع ابوي واقف، ما في كهربا", "life_support"},
		{"ar-latn ventilator left", "bayye 3al ventilateur w tarakouh la7alo", "life_support"},
		{"hi oxygen", "पिताजी ऑक्सीजन मशीन पर हैं और बिजली चली गई", "life_support"},
		{"ur oxygen", "امی آکسیجن پر ہیں اور بجلی چلی گئی", "life_support"},
		{"en near miss power back", "the power is back and dad's oxygen machine works again", ""},

		// water rising inside the home
		{"en water step", "the water is on the second step and rising", "water_inside"},
		{"fr water salon", "l'eau est déjà dans le salon", "water_inside"},
		{"es water kitchen", "el agua ya está en la cocina y sube", "water_inside"},
		{"de water living room", "das wasser ist schon im wohnzimmer", "water_inside"},
		{"pt water room", "a água já chegou no quarto", "water_inside"},
		{"ar water inside", "المي دخلت عالصاله وعم تطلع", "water_inside"},
		{"hi water stairs", "पानी सीढ़ी तक आ गया है", "water_inside"},
		{"ur water room", "پانی بیٹھک میں آ گیا ہے", "water_inside"},
		{"en near miss pipe", "a pipe burst and water came into the kitchen, need a plumber", ""},
		{"en near miss no water", "no water in the house since monday", ""},

		// trapped in a lift, a vehicle in water
		{"en lift", "the elevator stopped between floors with my kids inside it", "trapped_lift"},
		{"fr lift", "on est bloqués dans l'ascenseur", "trapped_lift"},
		{"de lift", "wir stecken im aufzug fest", "trapped_lift"},
		{"ar lift", "علقنا بالمصعد", "trapped_lift"},
		{"en near miss lift", "the lift is broken, we took the stairs", ""},
		{"es car water", "el coche se está hundiendo en el río", "vehicle_in_water"},
		{"pt bus water", "o ônibus está afundando", "vehicle_in_water"},
		{"en near miss car", "our car is parked by the river", ""},

		// smoke inside
		{"en smoke door", "smoke is coming under the door", "smoke_inside"},
		{"es smoke house", "hay humo en la casa", "smoke_inside"},
		{"hi smoke room", "कमरे में धुआं भर गया", "smoke_inside"},
		{"en near miss smoke outside", "wildfire smoke outside but we're in the house with windows shut", ""},
		{"en near miss no smoke", "there's no smoke in the house anymore", ""},

		// a person in the water
		{"en fell river", "my son fell in the river", "person_in_water"},
		{"fr current", "mon frère est emporté par le courant", "person_in_water"},
		{"pt river", "minha filha caiu no rio", "person_in_water"},
		{"ur river", "بھائی دریا میں گر گیا", "person_in_water"},
		{"en near miss swim", "can my son swim in the river after the flood?", ""},

		// breathing with difficulty
		{"en gasping", "my husband is gasping for air", "breathing"},
		{"de barely air", "die kinder haben brennende augen und wir kriegen kaum luft", "breathing"},
		{"pt short of air", "minha mãe está com falta de ar", "breathing"},
		{"hi breathing", "पापा को सांस लेने में दिक्कत हो रही है", "breathing"},
		{"en near miss breathe", "we can breathe easier now the smoke has cleared", ""},

		// floodwater to the chest, gas smelled, no way out
		{"ar-latn water chest", "el mayya wislet le sadrna", "water_chest"},
		{"es water neck", "el agua nos llega al cuello", "water_chest"},
		{"hi gas smell", "घर में गैस की तेज बदबू आ रही है", "gas_smell"},
		{"en near miss gas smell gone", "there is no gas smell anymore", ""},
		{"es no way out", "el agua subió y estamos en el altillo sin salida", "no_way_out"},
		{"fr cannot get out fire", "mon grand-père n'arrive pas à sortir et le feu approche", "no_way_out"},

		// labour with bleeding
		{"en labour bleeding", "my wife is in labour and bleeding a lot", "labour_bleeding"},
		{"ar-latn labour blood", "mrati katwled w fiha dem bzaf", "labour_bleeding"},
		{"es labour", "mi esposa está de parto y sangra", "labour_bleeding"},
		{"en near miss labour", "where can my wife go for labour, the clinic is closed", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := conceptRisk(maskNotHazard(" " + Normalize(c.text) + " ")); got != c.want {
				t.Errorf("conceptRisk(%q) = %q, want %q", c.text, got, c.want)
			}
		})
	}
}

// TestConceptRaisesDanger checks that a concept raises the message as a
// whole, and that a question about the topic with nobody at risk does not.
func TestConceptRaisesDanger(t *testing.T) {
	m := Default()
	for _, c := range []struct {
		text string
		want Class
	}{
		{"sorry to bother you, grandpa hasn't answered since the heatwave started and his door is locked", Danger},
		{"mi hijo tiene una convulsion que no para hace 6 minutos", Danger},
		{"how long does an oxygen concentrator battery last in a power cut?", Question},
		{"the gas smell was from the bins, false alarm, we're good", Safe},
	} {
		r := m.Understand(c.text)
		if (r.Class == Danger) != (c.want == Danger) {
			t.Errorf("Understand(%q) = %s (rule %q), want %s", c.text, r.Class, r.Rule, c.want)
		}
	}
}

// BenchmarkConceptRisk measures the concept rules alone over the mix
// BenchmarkUnderstand uses, to keep their share of the per-message cost in
// view.
func BenchmarkConceptRisk(b *testing.B) {
	padded := make([]string, len(benchMix))
	for i, t := range benchMix {
		padded[i] = " " + Normalize(t) + " "
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		conceptAt(padded[i%len(padded)])
		i++
	}
}

func BenchmarkDangerScan(b *testing.B) {
	padded := make([]string, len(benchMix))
	for i, t := range benchMix {
		padded[i] = " " + Normalize(t) + " "
	}
	i := 0
	for b.Loop() {
		dangerSet.scan(padded[i%len(padded)])
		i++
	}
}
