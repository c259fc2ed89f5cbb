package kb

import (
	"strings"
	"unicode"
)

// German splits separable verbs in main clauses and questions: "Wie stecke
// ich mich an?" asks about "anstecken", but "stecke" alone is another verb
// and "an" a stop word. joinSeparable puts a clause-final particle back
// in front of the clause's finite verb, so the question meets the FAQ's
// "anstecken" and "Ansteckung".

// separableParticles are the particles that end a clause as a verb's
// prefix; prepositions rarely end a German clause.
var separableParticles = map[string]bool{
	"an": true, "auf": true, "aus": true, "ab": true, "ein": true, "mit": true, "nach": true, "vor": true,
	"zu": true, "zurück": true, "weg": true, "her": true, "hin": true, "los": true, "fest": true, "bei": true,
	"um": true, "fort": true, "zusammen": true, "heraus": true, "herein": true, "vorbei": true,
}

// clauseOpeners are words that open a clause before its finite verb:
// question words and the pronouns a statement starts with.
var clauseOpeners = map[string]bool{
	"wie": true, "wo": true, "wann": true, "warum": true, "wieso": true, "weshalb": true, "was": true, "wer": true,
	"wen": true, "wem": true, "woher": true, "wohin": true, "womit": true, "wodurch": true, "worauf": true,
	"ich": true, "du": true, "er": true, "sie": true, "es": true, "wir": true, "ihr": true, "man": true,
	"dann": true, "jetzt": true, "heute": true, "morgen": true, "also": true,
}

// howAdverbs complete "wie" to a question word ("wie lange").
var howAdverbs = map[string]bool{"lange": true, "viel": true, "viele": true, "oft": true, "schnell": true,
	"genau": true, "hoch": true, "groß": true, "gross": true, "weit": true, "sehr": true, "gut": true, "bald": true}

// joinSeparable rewrites every clause of a German text that ends in a
// separable particle: the particle is joined to the clause's finite verb
// (its first word, or the word after an opener) and removed from the end.
func joinSeparable(s string) string {
	if !strings.ContainsAny(s, " ") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	start := 0
	for i, r := range s {
		if r == '.' || r == ',' || r == ';' || r == ':' || r == '?' || r == '!' || r == '\n' {
			b.WriteString(joinClause(s[start:i]))
			b.WriteRune(r)
			start = i + len(string(r))
		}
	}
	b.WriteString(joinClause(s[start:]))
	return b.String()
}

func joinClause(c string) string {
	words := strings.Fields(c)
	if len(words) < 3 {
		return c
	}
	particle := strings.ToLower(words[len(words)-1])
	if !separableParticles[particle] {
		return c
	}
	// "Wo kommt das Virus her?" is "Woher kommt das Virus?": after "wo"
	// the particles "her" and "hin" belong to the question word, not to
	// the verb.
	if first := strings.ToLower(words[0]); first == "wo" && (particle == "her" || particle == "hin") {
		words[0] += particle
		lead := c[:len(c)-len(strings.TrimLeftFunc(c, unicode.IsSpace))]
		return lead + strings.Join(words[:len(words)-1], " ")
	}
	v := 0
	if clauseOpeners[strings.ToLower(words[0])] {
		v = 1
		// "Wie lange", "wie oft": the question word's adverb
		if howAdverbs[strings.ToLower(words[1])] {
			v = 2
		}
	}
	verb := words[v]
	if v == len(words)-1 || !isWord(verb) || clauseOpeners[strings.ToLower(verb)] {
		return c
	}
	// A verb after an opener is written in lower case; an upper-case
	// word there is a noun ("Wie Masken ...").
	if v > 0 && !unicode.IsLower([]rune(verb)[0]) {
		return c
	}
	words[v] = particle + strings.ToLower(verb)
	lead := c[:len(c)-len(strings.TrimLeftFunc(c, unicode.IsSpace))]
	return lead + strings.Join(words[:len(words)-1], " ")
}

func isWord(w string) bool {
	for _, r := range w {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return w != ""
}
