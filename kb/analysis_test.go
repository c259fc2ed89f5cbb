package kb

import (
	"slices"
	"testing"
)

func TestAnalysisNormalises(t *testing.T) {
	for _, c := range []struct {
		label, lang, text string
		want              []string
	}{
		{"US in a sentence is the country", "en", "Can I travel to the US?", []string{"travel", "usa"}},
		{"and so are its other spellings", "en", "U.S. or United States or America", []string{"usa", "usa", "usa"}},
		{"us in lower case is the pronoun", "en", "help us", []string{"help", "us"}},
		{"US among capitals is the pronoun", "en", "PLEASE HELP US", []string{"help", "us"}},
		{"a full stop between letters parts words", "de", "Das Coronavirus.Das Virus", []string{"coronavirus", "virus"}},
		{"a decimal point does not", "en", "1.5 metres", []string{"1.5", "metr"}},
		{"treatment and treated meet", "en", "treatment treated", []string{"cure", "cure"}},
		{"Behandlung and behandeln meet", "de", "Behandlung behandeln", []string{"behandlung", "behandlung"}},
		{"Krankheitszeichen are Symptome", "de", "Krankheitszeichen Symptome Anzeichen", []string{"symptom", "symptom", "symptom"}},
		{"a Krankmeldung is a Krankschreibung", "de", "Krankmeldung krankschreiben", []string{"krankschreibung", "krankschreibung"}},
		{"Gehalt is Lohn, the Chef the Arbeitgeber", "de", "Gehalt vom Chef", []string{"lohn", "arbeitgeb"}},
		// "someone" is anybody, not the human agent people ask for; as
		// "person" it also met "personal" and "personnel" of the FAQ
		{"someone is no person to talk to", "en", "someone I know", []string{"someon"}},
		{"a real person is", "en", "a real person or a human", []string{"person", "person"}},
	} {
		t.Run(c.label, func(t *testing.T) {
			if got := terms(analyzerFor(c.lang), c.text); !slices.Equal(got, c.want) {
				t.Errorf("terms(%s, %q) = %q, want %q", c.lang, c.text, got, c.want)
			}
		})
	}
}

// In German a question often uses a compound the FAQ writes apart or only a
// part of it, or a form the light stemmer leaves apart from the FAQ's: the
// query term stands for those terms of the FAQ.
func TestGermanQueryTermsStandForFAQForms(t *testing.T) {
	entries, err := Parse([]byte("id,lang,question,answer\n"+
		"incubation,de,Wie lange dauert die Inkubation?,Die Zeit ist bis zu zwei Wochen.\n"+
		"disinfect,de,Welche Mittel helfen bei der Desinfektion?,Alkohol.\n"+
		"symptoms,de,Welche Symptome gibt es?,Fieber und Husten nach der Inkubationszeit.\n"+
		"test,de,Wo mache ich einen Test?,Beim Hausarzt.\n"+
		"vaccine,de,Gibt es eine Impfung?,Noch nicht.\n"), FormatCSV)
	if err != nil {
		t.Fatal(err)
	}
	s, err := buildSnapshot(1, entries, "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	st := s.stats["de"]
	for _, c := range []struct {
		label, query, want string
		factor             float64
	}{
		// "Inkubationszeit" is a word of the FAQ (in an answer) and
		// still stands for its part, which a question has.
		{"a compound stands for its parts", "Inkubationszeit", "inkubier", partFactor},
		{"a verb stands for a noun with its first letters", "desinfiziert", "desinfektion", prefixFactor},
		// the light stemmer keeps a participle's "ge-" and "-t"
		{"a participle stands for its verb", "getestet", "test", fuzzyFactor},
		{"and for the verb's synonym group", "geimpft", "impfung", fuzzyFactor},
	} {
		t.Run(c.label, func(t *testing.T) {
			qs, _ := st.expand(terms(analyzerFor("de"), c.query))
			for _, q := range qs {
				if q.term == c.want && q.factor == c.factor {
					return
				}
			}
			t.Errorf("expand(%q) = %+v, want %s at %g", c.query, qs, c.want, c.factor)
		})
	}
}

func TestJoinSeparable(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Wie stecke ich mich an?", "Wie anstecke ich mich?"},
		{"Steckt sich mein Baby bei mir an?", "ansteckt sich mein Baby bei mir?"},
		{"Wie lange hält das an?", "Wie lange anhält das?"},
		{"Ich rufe den Arzt an, dann warte ich.", "Ich anrufe den Arzt, dann warte ich."},
		// after "wo", "her" and "hin" belong to the question word
		{"Wo kommt das Virus her?", "Woher kommt das Virus?"},
		{"Wo darf ich noch hin?", "Wohin darf ich noch?"},
		{"Ich weiß nicht, wo ich hin soll", "Ich weiß nicht, wo ich hin soll"},
		// not a particle at the end, or no verb where one would be
		{"Wie kann ich mich anstecken?", "Wie kann ich mich anstecken?"},
		{"Wie Masken helfen an", "Wie Masken helfen an"},
		{"Gehe an", "Gehe an"},
	} {
		if got := joinSeparable(c.in); got != c.want {
			t.Errorf("joinSeparable(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// German question words built on "wo" ("woran", "worauf") ask for a kind of
// answer, not for a topic: they are no terms, like "wo" and "wann".
func TestGermanQuestionWordsAreNoTerms(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"Woran erkenne ich eine Infektion?", []string{"erkenn", "ansteckung"}},
		{"Worauf muss ich achten?", []string{"acht"}},
		{"Womit desinfiziere ich?", []string{"desinfizier"}},
	} {
		got := terms(analyzerFor("de"), c.in)
		if !slices.Equal(got, c.want) {
			t.Errorf("terms(de, %q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// German is typed with and without its umlauts and ß ("ueber", "Strasse"),
// inflected, and in compounds: all spellings and forms of a word meet in one
// term, and a compound splits into the parts the FAQ itself uses.
func TestGermanAnalysis(t *testing.T) {
	for _, c := range []struct {
		label, text string
		want        []string
	}{
		{"ü and ue are one letter", "Übelkeit Uebelkeit", []string{"ubelkeit", "ubelkeit"}},
		{"ö, oe and o are one letter, ß is ss", "Größe Groesse Grösse Grosse", []string{"gross", "gross", "gross", "gross"}},
		{"ä and ae are one letter", "Quarantäne Quarantaene", []string{"quarantan", "quarantan"}},
		{"capital umlauts too", "Ärzte Aerzte Arzt", []string{"arzt", "arzt", "arzt"}},
		{"plural and case endings go", "Kinder Kindern Kindes", []string{"kind", "kind", "kind"}},
		{"a known compound is its group's word", "Schutzmasken Masken", []string{"mask", "mask"}},
		{"noun and verb of one word meet", "Erkrankung Erkrankungen", []string{"krankheit", "krankheit"}},
		// nouns in -ation and -ierung and the verb in -ieren: one family
		{"Isolation, Isolierung, isolieren, isoliert", "Isolation Isolierung isolieren isoliert isolierte", []string{"isolier", "isolier", "isolier", "isolier", "isolier"}},
		{"Information and informieren", "Informationen informieren informiert", []string{"informier", "informier", "informier"}},
		{"Mutation and mutieren keep too short a stem apart", "Mutation mutieren", []string{"mutation", "muti"}},
		{"Desinfektion is no -ation noun", "Desinfektion desinfizieren", []string{"desinfektion", "desinfizier"}},
		{"short words ending alike stay", "Station Nation", []string{"station", "nation"}},
		{"-ei is no verb ending", "Polizei", []string{"polizei"}},
		{"a noun in -ie meets its verb", "Therapie therapieren", []string{"behandlung", "behandlung"}},
	} {
		t.Run(c.label, func(t *testing.T) {
			if got := terms(analyzerFor("de"), c.text); !slices.Equal(got, c.want) {
				t.Errorf("terms(de, %q) = %q, want %q", c.text, got, c.want)
			}
		})
	}
}

func TestSplitCompound(t *testing.T) {
	vocab := map[string]struct{}{}
	for _, w := range []string{"ansteckung", "gefahr", "schutz", "mask", "inkubation", "zeit", "reis", "warnung", "kind", "garten"} {
		vocab[w] = struct{}{}
	}
	for _, c := range []struct {
		label, term string
		want        []string
	}{
		{"two parts with a linking s", "ansteckungsgefahr", []string{"ansteckung", "gefahr"}},
		{"two parts joined directly", "schutzmask", []string{"schutz", "mask"}},
		{"linking s after a part", "inkubationszeit", []string{"inkubation", "zeit"}},
		{"linking e", "reisewarnung", []string{"reis", "warnung"}},
		{"linking er", "kindergarten", []string{"kind", "garten"}},
		{"a part the FAQ lacks: no split", "gesichtsmask", nil},
		{"too short to be a compound", "maske", nil},
	} {
		t.Run(c.label, func(t *testing.T) {
			if got := splitCompound(c.term, vocab, nil); !slices.Equal(got, c.want) {
				t.Errorf("splitCompound(%q) = %q, want %q", c.term, got, c.want)
			}
		})
	}
}

// A stop word is one however it is spelt: bleve drops "über" before it
// folds umlauts, so "ueber" must be a stop word of its own.
func TestGermanStopWordsWithoutUmlauts(t *testing.T) {
	for _, c := range []struct {
		text string
		want []string
	}{
		{"Informationen über Masken", []string{"informier", "mask"}},
		{"Informationen ueber Masken", []string{"informier", "mask"}},
		{"Masken fuer Kinder", []string{"mask", "kind"}},
		{"Was koennen Kinder tun?", []string{"kind"}},
	} {
		if got := terms(analyzerFor("de"), c.text); !slices.Equal(got, c.want) {
			t.Errorf("terms(de, %q) = %q, want %q", c.text, got, c.want)
		}
	}
}

// A compound part that is a member of a synonym group stands for the
// group's term, as the whole word would: "Infozentrale" has the part
// "info", which the FAQ writes "Informationen"; "Infektionsrisiko" has
// "Infektion", which is "Ansteckung".
func TestGermanCompoundPartsAreTheirGroupsTerm(t *testing.T) {
	vocab := map[string]struct{}{}
	for _, w := range terms(analyzerFor("de"), "Informationen Zentrale Ansteckung Risiko Lohn Fortzahlung Isolierung Zeit") {
		vocab[w] = struct{}{}
	}
	termOf := partTerm("de")
	for _, c := range []struct {
		label, word string
		want        []string
	}{
		{"a clipped word", "Infozentrale", []string{"informier", "zentral"}},
		{"a synonym with a linking s", "Infektionsrisiko", []string{"ansteckung", "risiko"}},
		{"an official word for the everyday one", "Entgeltfortzahlung", []string{"lohn", "fortzahlung"}},
		{"a noun in -ation", "Isolationszeit", []string{"isolier", "zeit"}},
		{"a word of its own is kept", "Ansteckungsrisiko", []string{"ansteckung", "risiko"}},
	} {
		t.Run(c.label, func(t *testing.T) {
			ts := terms(analyzerFor("de"), c.word)
			if len(ts) != 1 {
				t.Fatalf("terms(de, %q) = %q, want one term", c.word, ts)
			}
			if got := splitCompound(ts[0], vocab, termOf); !slices.Equal(got, c.want) {
				t.Errorf("splitCompound(%q) = %q, want %q", ts[0], got, c.want)
			}
		})
	}
}

// Words that begin with "ge" and end in "t" are participles only when what
// lies between is a verb of the FAQ.
func TestGermanParticipleStem(t *testing.T) {
	entries, err := Parse([]byte("id,lang,question,answer\n"+
		"test,de,Wo mache ich einen Test?,Beim Hausarzt.\n"+
		"view,de,Wie ist die Sicht?,Gut.\n"), FormatCSV)
	if err != nil {
		t.Fatal(err)
	}
	s, err := buildSnapshot(1, entries, "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	st := s.stats["de"]
	for _, c := range []struct{ word, want string }{
		{"getestet", "test"},
		{"Gesicht", ""}, // "sich" is no term of the FAQ
		{"Geburt", ""},  // "bur" is too short to be a verb's stem
		{"Test", ""},
	} {
		ts := terms(analyzerFor("de"), c.word)
		if len(ts) != 1 {
			t.Fatalf("terms(de, %q) = %q, want one term", c.word, ts)
		}
		if got := st.participleStem(ts[0]); got != c.want {
			t.Errorf("participleStem(%q) = %q, want %q", ts[0], got, c.want)
		}
	}
}
