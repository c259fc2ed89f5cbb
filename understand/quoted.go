package understand

import "strings"

// A reply that quotes the service's previous message before answering it
// ("> Are you safe? Reply SAFE or HELP ... HELP the water is over the bed",
// or the quoted line on a line of its own, as WhatsApp pastes it): the
// quoted words are the service's, not the person's, and a question such as
// "are you safe?" or "reply STOP to unsubscribe" would decide the class by
// itself. Only the answer after the quote is read. An answer that starts
// with the check-in's help word, typed ("HELP", "AYUDA", "HILFE", "مساعدة"),
// counts as the help button would: a need for help at least, danger when
// the words after it tell one.

// RuleQuotedHelp marks an answer to a quoted check-in that starts with the
// help word and tells no danger: need_help, as the button would count it.
const RuleQuotedHelp = "quoted_help"

// quotedHelpWords are the check-in's help answer in the nine varieties, as
// a person types the button's word (normalised, whole first word).
var quotedHelpWords = map[string]bool{
	"help": true, "sos": true, "aide": true, "aidez": true, "ayuda": true, "auxilio": true, "socorro": true, "hilfe": true, "ajuda": true,
	"مساعده": true, "مساعدة": true, "النجده": true, "النجدة": true, "musa3ada": true, "mosa3ada": true, "msa3da": true, "mousa3ada": true,
	"मदद": true, "madad": true, "مدد": true,
}

// splitQuote returns the answer of a message that starts with a quote
// ("> ..."): the text after the quoted lines, or on one line after the
// quote's "..." or, failing that, its question mark, and the quoted words.
// ok is false when the message is no quote or nothing is left after it;
// help reports an answer that starts with a help word.
func splitQuote(text string) (answer, quote string, help, ok bool) {
	t := strings.TrimLeft(text, " \t\r\n")
	if !strings.HasPrefix(t, ">") {
		return "", "", false, false
	}
	if strings.Contains(t, "\n") {
		// Quoted lines each start with ">"; the answer is what follows them.
		lines := strings.Split(t, "\n")
		i := 0
		for i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), ">") {
			i++
		}
		answer, quote = strings.Join(lines[i:], "\n"), strings.Join(lines[:i], "\n")
	} else if j := firstOf(t, "...", "…"); j >= 0 {
		answer, quote = strings.TrimLeft(t[j:], ".…"), t[:j]
	} else if j := strings.IndexAny(t, "?؟"); j >= 0 {
		r := []rune(t[j:])[0]
		answer, quote = t[j+len(string(r)):], t[:j]
	}
	answer = strings.TrimSpace(answer)
	if answer == "" {
		return "", "", false, false
	}
	first := answer
	if f := strings.Fields(Normalize(answer)); len(f) > 0 {
		first = f[0]
	}
	return answer, quote, quotedHelpWords[first], true
}

// firstOf returns the index of the first of seps in s, -1 when none is.
func firstOf(s string, seps ...string) int {
	at := -1
	for _, sep := range seps {
		if i := strings.Index(s, sep); i >= 0 && (at < 0 || i < at) {
			at = i
		}
	}
	return at
}

// quoteStopWords are the words of an opt-out instruction quoted ("Reply
// STOP to unsubscribe", "Responde BAJA", "للإلغاء أرسل إيقاف").
var quoteStopWords = wordSet("stop", "baja", "sair", "unsubscribe", "abmelden", "désabonner", "desabonner", "cancelar", "إيقاف", "ايقاف",
	"للإلغاء", "للالغاء", "ilgha2", "بند", "बंद")

// answerCancelSet agrees to leave in the answer's own words.
var answerCancelSet = compile(withDeaccent([]string{
	"cancel me", "unsubscribe me", "désinscrivez", "désabonnez", "abmelden", "melde mich ab", "cancela", "cancelem", "dame de baja",
	"ألغوني", "الغوني", "الغيني", "alghouni", "elghouni", "بند کر دیں", "بند کرو", "बंद करो", "बंद कर दो",
}))

// stopAgreed reports an answer that agrees to the opt-out the quote
// offers: it repeats the quote's stop word ("baja entonces") or says
// "cancel me" in its own words.
func stopAgreed(answer, quote string) bool {
	stop := ""
	for w := range fieldsOf(Normalize(quote)) {
		if quoteStopWords[w] {
			stop = w
			break
		}
	}
	if stop == "" {
		return false
	}
	padded := " " + Normalize(answer) + " "
	return strings.Contains(padded, " "+stop+" ") || answerCancelSet.match(padded)
}

// understandAnswer reads the answer of a quoted reply; a help word makes it
// a need for help at least, and agreeing to a quoted opt-out an opt-out.
func (m *Model) understandAnswer(answer, quote string, help bool) Result {
	res := m.Understand(answer)
	if res.Class != Danger && res.Class != NeedHelp && res.Class != OptOut && !help && stopAgreed(answer, quote) {
		res.Class, res.Rule = OptOut, RuleOptOutPhrase
		res.Confidence = max(res.Confidence, lexiconConfidence)
		return res
	}
	if help && res.Class != Danger && res.Class != NeedHelp {
		if res.Class != Other {
			res.Also = append([]Class{res.Class}, res.Also...)
		}
		res.Class, res.Rule = NeedHelp, RuleQuotedHelp
		res.Confidence = max(res.Confidence, lexiconConfidence)
	}
	return res
}
