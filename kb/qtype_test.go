package kb

import (
	"math"
	"testing"
)

// TestQuestionType: the kind of answer a question asks for, from its
// opening words, in the languages the FAQ is searched in.
func TestQuestionType(t *testing.T) {
	for _, c := range []struct{ q, want string }{
		{"Where is the nearest shelter?", qWhere},
		{"and where can I charge my phone", qWhere},
		{"When will the water be back?", qWhen},
		{"How long does the power cut last?", qDuration},
		{"How many people live in the camp?", qQuantity},
		{"Why was the road closed?", qReason},
		{"Who pays for the repairs?", qWho},
		{"How can I protect my family?", qManner},
		{"How does the virus spread?", qManner},
		{"What is a boil water notice?", qWhat},
		{"Which documents do I need?", qWhat},
		// the noun after "which" or "what" can ask for a place, a person or a time
		{"Which countries are affected?", qWhere},
		{"Which groups are at higher risk?", qWho},
		{"What time does the shelter open?", qWhen},
		{"Welche Länder sind betroffen?", qWhere},
		{"Welche Personengruppen sind gefährdet?", qWho},
		{"Welche Menschen müssen aufpassen?", qWho},
		{"Welche Masken helfen?", qWhat},
		{"Is the tap water safe?", qYesNo},
		{"Can I bring my dog?", qYesNo},
		{"Wo ist die Notunterkunft?", qWhere},
		{"Wie lange dauert der Stromausfall?", qDuration},
		{"Wie viele Betten gibt es?", qQuantity},
		{"Wie wird das Virus übertragen?", qManner},
		{"Was kann ich tun, wenn das Wasser steigt?", qWhat}, // not the English "was"
		{"Welche Dokumente brauche ich?", qWhat},
		{"Gibt es einen Impfstoff?", qYesNo},
		{"Sollte ich zu Hause bleiben?", qYesNo},
		{"Comment puis-je aider ?", qManner},
		{"Est-ce que l'eau est potable ?", qYesNo},
		{"Combien de temps faut-il attendre ?", qQuantity},
		{"¿Dónde está el refugio?", qWhere},
		{"¿Qué debo hacer si me enfermo?", qWhat},
		{"أين أقرب ملجأ؟", qWhere},
		{"وأين أجد الماء؟", qWhere},
		{"هل الماء آمن؟", qYesNo},
		{"كيف يمكنني حماية أطفالي؟", qManner},
		{"my house is flooded", ""},
		{"", ""},
	} {
		if got := questionType(c.q); got != c.want {
			t.Errorf("questionType(%q) = %q, want %q", c.q, got, c.want)
		}
	}
}

// TestTypeWeight: a kind of question that few entries ask for earns the
// whole bonus, one that every entry asks for earns nothing.
func TestTypeWeight(t *testing.T) {
	for _, c := range []struct{ share, want float64 }{
		{0, 0}, {0.02, 1}, {0.1, 1}, {0.5, 0.301}, {1, 0},
	} {
		if got := typeWeight(c.share); math.Abs(got-c.want) > 0.001 {
			t.Errorf("typeWeight(%v) = %.3f, want %.3f", c.share, got, c.want)
		}
	}
}

// A paraphrase often shares no word with the entry's question but one with
// its answer ("Who is most vulnerable?" for "Who is at risk?"): the kinds
// agreeing still counts then. The other entry comes first in the file and
// its answer matches as well, so without the kind it would rank first.
func TestQuestionKindCountsWithTheAnswer(t *testing.T) {
	entries, err := Parse([]byte("id,lang,question,answer\n"+
		"virus,en,What is the virus?,Its lungs are vulnerable.\n"+
		"risk,en,Who is at risk?,Older people are vulnerable.\n"), FormatCSV)
	if err != nil {
		t.Fatal(err)
	}
	s, err := buildSnapshot(1, entries, "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	r := s.search("Who is most vulnerable?", "en", 3)
	if len(r.Results) == 0 || r.Results[0].ID != "risk" {
		t.Errorf("search(Who is most vulnerable?) = %+v, want risk first", r.Results)
	}
}
