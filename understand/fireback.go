package understand

// A fire or its smoke told as back ("the smoke is back", "la fumée est
// revenue", "رجع الدخان", "धुआं फिर से आ गया") burns again. The words of
// return are, beside the power or a person ("the power is back", "he came
// back home"), the commonest words of a danger told as over, so the
// classifier reads these messages as safe, and a hazard word in a message
// read as safe raises nothing (dangerRule). A message that names smoke,
// fire or flames with a word of return, and says neither that the fire is
// out nor that the people are well, is not taken as safe there: its
// hazard raises it as any hazard does.

// fireWords name smoke, fire and flames.
var fireWords = compile([]string{
	"smoke", "smoky", "fire", "flames", "blaze",
	"fumée", "feu", "flammes", "incendie",
	"humo", "fuego", "llamas", "incendio",
	"rauch", "qualm", "feuer", "flammen", "brand",
	"fumaça", "fumo", "fogo", "chamas", "incêndio",
	"دخان*", "النار", "نار", "الحريق", "حريق", "لهب",
	"dokhan", "do5an", "dukhan", "nar", "7ari2", "7ari9", "7ariq",
	"धुआं", "धुंआ", "धुआँ", "धुँआ", "आग", "लपटें", "dhuan", "dhuaan", "dhuwan", "aag",
	"دھواں", "آگ", "شعلے", "dhuwan",
})

// returnWords say that something is back or has started again.
var returnWords = compile([]string{
	"is back", "are back", "came back", "comes back", "coming back", "come back", "back again", "again",
	"returned", "reignited", "flared up",
	"revenu", "revenue", "revient", "reprend", "repris", "recommence", "de nouveau",
	"volvió", "vuelve", "regresó", "otra vez", "de nuevo", "reavivó",
	"wieder", "zurück",
	"voltou", "volta", "de novo", "outra vez",
	"رجع*", "عاد", "عادت", "مره ثانيه", "مره تانيه", "من جديد", "كمان مره",
	"rje3", "rja3", "rege3", "rj3at", "rje3at", "3ad", "marra tanya", "marra tanye", "men jdid",
	"फिर से", "वापस", "दोबारा", "phir se", "fir se", "wapas", "vapas", "dobara",
	"پھر سے", "واپس", "دوبارہ",
})

// fireNotBack keep out the services and devices named for fire ("the fire
// brigade came back", "the smoke alarm went off again") and a fire told as
// out or gone beside the return of something else ("the fire is out and
// the power is back").
var fireNotBack = compile([]string{
	"fire brigade", "firefighters", "firemen", "fire station", "fire department", "fire truck", "fire engine", "fire alarm",
	"fire crew", "fire service", "fire fighters",
	"smoke alarm", "smoke detector", "fire exit",
	"pompiers", "détecteur", "alarme incendie", "bomberos", "detector de humo", "alarma",
	"feuerwehr", "rauchmelder", "feueralarm", "bombeiros", "detector de fumaça", "alarme",
	"الاطفاء", "الدفاع المدني", "انذار", "الانذار", "difa3 madani", "itfa2",
	"फायर ब्रिगेड", "दमकल", "अलार्म", "فائر بریگیڈ", "الارم",
	"fire is out", "fire's out", "put out", "extinguished", "under control", "smoke is gone", "smoke has gone", "smoke cleared",
	"éteint", "maîtrisé", "apagado", "apagaron", "controlado", "gelöscht", "unter kontrolle", "apagaram", "apagou", "controlado",
	"انطفى", "انطفت", "طفوها", "طفوه", "انطفأ", "बुझ गई", "बुझा दी", "بجھ گئی", "بجھا دی",
})

// fireBack reports whether padded (" "+normalised text+" ") tells a fire
// or its smoke back again.
func fireBack(padded string) bool {
	return fireWords.match(padded) && returnWords.match(padded) && !fireNotBack.match(padded)
}
