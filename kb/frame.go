package kb

// A question is a frame around its topic: "how do I stop a nosebleed",
// "will the storm stop tonight". The frame's verbs ("stop", "start",
// "keep", "happen") say what the person wants done with the topic, not
// what it is, and an entry that shares only them ("How do I stop
// receiving messages?") is about something else. frameWords are such
// verbs per language: general lists, drawn from no FAQ. Left out: "give",
// which in a crisis is often the topic ("how can I give to the victims"),
// and "use", which the English stemmer makes "us". They rank as any
// other word; the decision offers nothing when the first entry matches
// none of the query's other words (frameOnly).
var frameWords = map[string][]string{
	"en": {"stop", "stops", "stopped", "stopping", "start", "starts", "started", "starting", "begin", "begins",
		"began", "continue", "continues", "keep", "keeps", "kept", "prevent", "prevents", "avoid", "avoids",
		"deal", "handle", "happen", "happens", "happened", "make", "makes", "made",
		"take", "takes", "took", "go", "goes", "going", "went", "come", "comes",
		"came", "try", "tries", "tried", "put", "end", "ends", "ended", "finish", "finished", "quit"},
	"de": {"aufhören", "aufhört", "stoppen", "stoppt", "anfangen", "anfängt", "angefangen", "beginnen",
		"beginnt", "begonnen", "weitermachen", "verhindern", "verhindert", "vermeiden", "vermeidet",
		"umgehen", "passieren", "passiert", "geschehen", "geschieht", "gehen", "geht", "gegangen", "kommen",
		"kommt", "gekommen", "nehmen", "nimmt", "genommen", "halten", "hält", "versuchen", "versucht",
		"benutzen", "benutzt", "verwenden", "verwendet", "nutzen", "nutzt", "enden", "endet", "beenden"},
}

// frameSet analyses lang's frame words like any text, so that they are
// compared with analysed query terms.
func frameSet(lang string) map[string]struct{} {
	words := frameWords[lang]
	if len(words) == 0 {
		return nil
	}
	a := analyzerFor(lang)
	set := map[string]struct{}{}
	for _, w := range words {
		if ts := terms(a, w); len(ts) == 1 {
			set[ts[0]] = struct{}{}
		}
	}
	return set
}

// frameOnly reports whether an entry that covers the query terms marked
// in covered (directly or through synonyms) matches only frame words of
// a query that has other words too.
func frameOnly(qterms []string, covered func(g int) bool, frame map[string]struct{}) bool {
	if len(frame) == 0 {
		return false
	}
	topic, framed := false, false
	for g, t := range qterms {
		if has(frame, t) {
			framed = framed || covered(g)
			continue
		}
		if covered(g) {
			return false
		}
		topic = true
	}
	return topic && framed
}
