package understand

import "testing"

// TestOverKinds checks the resolution reading on the kinds of overkinds.go:
// care given for a light injury, an evacuation lifted or someone brought
// back, a hazard stopped before the home; and the near misses where a sign,
// a plea or someone else still at risk keeps the danger going.
func TestOverKinds(t *testing.T) {
	cases := []struct {
		label, text string
		want        bool
	}{
		// care given, and how the person is now
		{"en stitched", "my daughter cut her knee on the fence, they stitched it at the clinic and she's fine", true},
		{"en scan", "grandad's head scan came back clear, he is coming home tonight", true},
		{"fr pansement", "mon fils s'est brûlé avec la poêle, l'infirmière a fait le pansement et il joue dehors", true},
		{"es vendó", "mi hija se cortó con un vidrio, la enfermera la vendó y ya está jugando", true},
		{"de genäht", "der kleine hat sich am kinn gestoßen, es wurde genäht und er ist daheim, nichts gebrochen", true},
		{"pt curativo", "o meu filho caiu da bicicleta, fizeram o curativo no posto e ele está a brincar", true},
		{"ar ضمدوها", "بنتي انجرحت بايدها بالمطبخ، ضمدوها بالمستوصف وهي منيحه هلق", true},
		{"ar-latn laffouh", "ibni t7ara2 b shay, laffouh fel mostawsaf w howa bikhair delwa2ti mni7 halla2", true},
		{"hi पट्टी", "बेटे का हाथ दरवाज़े में आ गया था, पट्टी कर दी और अब ठीक है", true},
		{"ur انجکشن", "بھائی کو کتے نے کاٹا تھا، انجکشن لگ گیا، اب ٹھیک ہے", true},
		// lifted, brought back
		{"en cordon", "the cordon lifted around the chemical works, we are at home now", true},
		{"es evacuación", "levantaron la evacuación del barrio, ya estamos en casa", true},
		{"ar اخلاء", "رفعوا الاخلاء عن الحي ورجعنا البيت، كلنا منيحين", true},
		// a hazard stopped before the home
		{"en never got in", "the river rose to the garden wall, the water never got in, all of us fine", true},
		{"fr épargnés", "la coulée de boue nous a épargnés, on est chez nous", true},
		{"ur پانی", "ندی چڑھ گئی تھی مگر پانی اندر نہیں آیا، ہم گھر میں ہیں", true},
		// a sign told as gone
		{"en swelling gone", "his lip puffed up from the new lip balm, the pharmacist gave him a tablet, swelling gone and he's fine", true},
		{"fr fièvre tombée", "la petite avait 40 hier soir, la fièvre est tombée et elle joue", true},
		{"ar حرارتها نزلت", "بنتي كانت سخنه، اخذت الدوا، حرارتها نزلت وهي تلعب", true},
		{"hi बुखार उतर", "बेटे का बुखार उतर गया, अब खेल रहा है", true},

		// still going on
		{"en swelling gone, breathing", "the swelling is gone but now she can't breathe", false},
		{"fr fièvre, répond plus", "la fièvre est tombée mais il ne répond plus", false},
		{"en stitched, not waking", "they stitched his head but now he won't wake up", false},
		{"en bandaged, bleeding", "we bandaged her arm and she is at home but it keeps bleeding", false},
		{"fr pansement, aidez", "l'infirmière a fait le pansement mais il vomit, aidez nous", false},
		{"es vendó, no responde", "la vendaron en casa pero ahora no responde", false},
		{"ar ضمدوه, ينزف", "ضمدوه بالبيت بس لسه ينزف", false},
		{"hi पट्टी, बेहोश", "पट्टी कर दी पर अब वो बोल नहीं रहा", false},
		{"en water in, grandma", "the water never got in downstairs but grandma is still trapped upstairs", false},
		{"en lifted, question", "the cordon lifted, can we go back home now?", false},
		{"ar-latn water in", "lma d5al l dar w jeddi ma kaynch", false},
		{"ar water in", "الما دخل للبيت وامي ما تقدر تمشي", false},
		{"fr machine stopped", "la machine à oxygène de papi s'est arrêtée avec la coupure", false},
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
