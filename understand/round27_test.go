package understand

import "testing"

// The readings of cutoff.go, advice.go and the incubator, backup-power and
// backup-in-minutes words of life_support and backup_running_out, end to
// end in four or more varieties each, with near misses that share a part
// and are not danger (or, for advice, are danger). The messages are new
// wording, not copied from any evaluation set.
func TestRound27Readings(t *testing.T) {
	cases := []struct {
		name, text string
		danger     bool
		// noRule: a near miss of a raising reading; the classifier may
		// still read it as danger on its own, but no rule may raise it
		noRule bool
	}{
		// a message cut off after a person and "under"
		{"en cut off", "my girl is under the", true, false},
		{"ar cut off", "بنتي تحت ال", true, false},
		{"ar-latn cut off", "benti ta7t el", true, false},
		{"de cut off", "mein sohn liegt unter einem", true, false},
		{"hi cut off", "मेरी बेटी नीचे दब", true, false},
		{"es cut off", "mi hijo está debajo del", true, false},
		{"ar near miss downstairs", "بنتي تحت", false, true},
		{"hi near miss downstairs", "मेरी बेटी नीचे है", false, true},
		{"en near miss finished", "my girl is under the blanket watching cartoons", false, true},
		{"en near miss no person", "the keys are under the", false, true},

		// life support: incubators on battery, backup power that failed
		{"en incubator", "power cut at the hospital, the baby incubators are on battery and the generator failed", true, false},
		{"ar incubator", "الكهربا مقطوعة بالمستشفى والحضانات على البطارية والمولد ما اشتغل", true, false},
		{"fr incubator", "panne de courant a la maternite, les couveuses sont sur batterie et le groupe n'a pas démarré", true, false},
		{"es incubator", "se fue la luz en el hospital, las incubadoras van con batería y el generador no arrancó", true, false},
		{"en near miss incubator backup", "power cut at the hospital but the incubators are on battery backup and the generator is running", false, true},
		{"es near miss incubator fine", "las incubadoras del hospital nuevo llegaron hoy, el director dio un discurso", false, true},

		// a backup counted in minutes
		{"en backup minutes", "no power since noon and grandpa's oxygen concentrator stopped, the spare cylinder has 15 minutes left", true, false},
		{"ar backup minutes", "الكهربا مقطوعة وجهاز الاكسجين لجدي طفى والاسطوانة الاحتياط بتكفي 15 دقيقة", true, false},
		{"pt backup minutes", "sem luz desde cedo e o concentrador de oxigênio da minha avó desligou, o cilindro reserva dá 15 minutos", true, false},
		{"de backup minutes", "Stromausfall, Opas Sauerstoffgerät ist aus und die Ersatzflasche reicht noch 15 Minuten", true, false},
		{"en near miss backup holds", "no power but grandpa's oxygen concentrator is on the backup battery and it is working, the power company says 40 minutes", false, true},
		{"de near miss backup holds", "Stromausfall, Opas Sauerstoffgerät läuft mit dem Notstrom, der Techniker kommt in 30 Minuten", false, true},

		// advice to someone who never listens
		{"en advice unheeded", "told my uncle not to cross the flooded ford in his truck, he never listens", false, false},
		{"ar advice unheeded", "قلت لخالي لا يقطع الوادي بالسيارة وقت السيل وهو ما بيسمع الكلام كالعادة", false, false},
		{"fr advice unheeded", "j'ai dit à mon oncle de pas allumer le barbecue dans le salon, il écoute jamais", false, false},
		{"hi advice unheeded", "चाचा को बोला अंगीठी कमरे में मत जलाओ, सुनता ही नहीं", false, false},
		{"en near miss advice then event", "told my uncle not to cross the flooded ford, he never listens and now his truck is stuck in the water with him inside, help", true, false},
		{"ar near miss advice then event", "قلت لخالي لا يقطع الوادي وهو ما بيسمع الكلام، هلق السيارة علقت بالسيل وهو جواها الحقونا", true, false},
		{"fr near miss advice then event", "j'ai dit à mon oncle de pas allumer le barbecue dedans, il écoute jamais, là il est tombé et respire mal au secours", true, false},
		{"hi near miss advice then event", "चाचा को बोला अंगीठी कमरे में मत जलाओ, सुनता ही नहीं, अब वो बेहोश पड़े हैं जल्दी आओ", true, false},
	}
	m := Default()
	for _, c := range cases {
		r := m.Understand(c.text)
		if c.noRule {
			if r.Class == Danger && r.Rule != "" && r.Rule != RuleDangerScore {
				t.Errorf("%s: %q raised to danger by rule %q, want no rule", c.name, c.text, r.Rule)
			}
			continue
		}
		if got := r.Class == Danger; got != c.danger {
			t.Errorf("%s: %q read as %s (rule %q), want danger=%v", c.name, c.text, r.Class, r.Rule, c.danger)
		}
	}
}
