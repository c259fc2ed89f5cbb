package understand

import (
	"strings"
	"unicode/utf8"
)

// Form-style reports ("NAME: Rita / PEOPLE: 4 / INJURED: 0 / STATUS: all
// fine", "زخمی: کوئی نہیں") fill in a count of the injured, dead or
// missing with zero or "none": the field's name is a danger word, and the
// value says there is nobody. The field is read only as written with a
// colon and its value right after it, so "2 injured 0 dead" and "injured,
// nobody is coming" keep their danger word.

// formCountLabels name the fields of a report that count people harmed.
var formCountLabels = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{
		"injured", "injuries", "hurt", "wounded", "casualties", "dead", "deaths", "missing",
		"blessés", "blessé", "blesses", "morts", "disparus", "heridos", "herido", "lesionados", "muertos", "desaparecidos",
		"verletzte", "verletzt", "tote", "vermisste", "vermisst", "feridos", "ferido", "mortos", "desaparecidos",
		"مصابين", "المصابين", "اصابات", "الاصابات", "جرحى", "الجرحى", "وفيات", "الوفيات", "مفقودين", "المفقودين",
		"mosabin", "masabin", "musabin", "isabat", "jar7a", "mafqoudin",
		"घायल", "मृत", "लापता", "ghayal", "zakhmi", "زخمی", "ہلاک", "اموات", "لاپتہ",
	} {
		m[Normalize(w)] = true
	}
	return m
}()

// formZeroValues are the values that say nobody: zero, none.
var formZeroValues = func() [][]string {
	var l [][]string
	for _, w := range []string{
		"0", "٠", "۰", "none", "nil", "no", "nobody", "no one", "zero", "aucun", "aucune", "personne", "zéro", "ninguno", "ninguna", "nadie",
		"cero", "keine", "kein", "niemand", "null", "nenhum", "nenhuma", "ninguém", "لا يوجد", "لا احد", "مافي", "ما في", "ولا حد", "صفر",
		"mafi", "ma fi", "wala 7ad", "sifr", "कोई नहीं", "शून्य", "koi nahi", "کوئی نہیں", "کوئی نہیں ہے",
	} {
		l = append(l, strings.Fields(Normalize(w)))
	}
	return l
}()

// formZeroMasked returns masked with the name of each report field that
// counts nobody harmed ("INJURED: 0") blanked, once per such field, and
// whether any was. text is the message as sent, whose colons normalising
// drops.
func formZeroMasked(text, masked string) (string, bool) {
	found := false
	for rest := text; ; {
		i := strings.IndexByte(rest, ':')
		if i < 0 {
			return masked, found
		}
		before, after := rest[:i], rest[i+1:]
		rest = after
		j := strings.LastIndexAny(before, " \t\n/|,;")
		label := Normalize(before[j+1:])
		if !formCountLabels[label] || !zeroValue(after) {
			continue
		}
		if k := strings.Index(masked, " "+label+" "); k >= 0 {
			masked = masked[:k+1] + strings.Repeat(" ", len(label)) + masked[k+1+len(label):]
			found = true
		}
	}
}

// zeroValue reports whether the field value that starts s says nobody.
func zeroValue(s string) bool {
	end := strings.IndexAny(s, "/|,;:\n")
	if end < 0 {
		end = len(s)
	}
	end = min(end, 64)
	for end < len(s) && !utf8.RuneStart(s[end]) {
		end-- // a field's value is short: cut it at a letter's start
	}
	words := strings.Fields(Normalize(s[:end]))
	for _, z := range formZeroValues {
		if len(words) >= len(z) && equalWords(words[:len(z)], z) && (len(words) == len(z) || !formCountLabels[words[len(z)]]) {
			return true
		}
	}
	return false
}

func equalWords(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
