package kb

// extraStops are words that bleve's stop lists keep but that say nothing
// about which FAQ entry a question is after: question words, modal and
// generic verbs ("can", "get", "bekommen"), politeness. They are general
// word lists per language, not drawn from any evaluation data, and are
// removed after stemming and synonyms, in the index and in queries alike.
var extraStops = map[string][]string{
	"en": {"can", "could", "would", "may", "might", "must", "shall", "will", "get", "gets", "got", "getting",
		"please", "tell", "know", "let", "also", "anything", "something", "thing", "things", "really",
		"there", "any", "ok", "okay", "hi", "hello", "thanks", "thank", "much", "many", "way", "ways", "like",
		"find", "finding", "found", "locate", "need", "want", "wanted",
		"still", "exactly", "currently", "actually", "just", "even", "already", "likely", "possibly", "now"},
	"de": {"kann", "kannst", "können", "könnte", "könnten", "muss", "musst", "müssen", "soll", "sollte", "sollten",
		"darf", "dürfen", "gibt", "geben", "gilt", "bekommen", "bekomme", "bekommt", "kriegen", "kriege", "kriegt",
		"bitte", "etwas", "eigentlich", "denn", "mal", "machen", "mache", "macht", "tun", "tue", "werden", "wird",
		"wurde", "wurden", "hallo", "danke", "gerade", "überhaupt", "jemand", "man", "welche", "welcher", "welches",
		"wieso", "weshalb", "warum", "wann", "wo", "woher", "wohin", "woran", "worauf", "womit", "wodurch", "wofür",
		"wozu", "worüber", "worin", "woraus", "wovon", "wovor", "wobei", "wer", "wen", "wem", "wessen", "ob", "schon", "sowie",
		"genau", "derzeit", "derzeitig", "bereits", "wirklich", "jetzt", "trotzdem", "momentan", "zurzeit", "gerne"},
	"ar": {"هل", "كيف", "ماذا", "ما", "متى", "أين", "لماذا", "لما", "يوجد", "توجد", "هناك", "يمكن", "يمكنني", "أستطيع",
		"يجب", "علي", "عليّ", "لو", "إذا", "اذا", "أي", "أية", "شيء", "من فضلك", "رجاء", "مرحبا", "شكرا",
		"أجد", "اجد", "أريد", "اريد", "أحتاج", "احتاج"},
	"fr": {"peux", "peut", "pouvez", "dois", "doit", "devez", "faut", "comment", "quoi", "quel", "quelle", "quels",
		"quelles", "pourquoi", "quand", "où", "obtenir", "avoir", "faire", "svp", "bonjour", "merci"},
	"es": {"puedo", "puede", "pueden", "debo", "debe", "deben", "hay", "cómo", "qué", "cuál", "cuándo", "dónde",
		"por qué", "conseguir", "obtener", "hacer", "favor", "hola", "gracias"},
	"pt": {"posso", "pode", "podem", "devo", "deve", "devem", "há", "como", "que", "qual", "quando", "onde",
		"porque", "conseguir", "obter", "fazer", "favor", "olá", "obrigado", "obrigada"},
}
