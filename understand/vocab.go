package understand

// Shared vocabularies: the words of one meaning, in the nine varieties,
// used by the concepts, situations and readings that need that meaning.
// Each list that reads a meaning appends its own words to the shared ones
// (a reading that must stay narrower keeps its own list).

// foundBack tells the person found or back, or the danger ended for them:
// found, came back, rescued.
var foundBack = []string{
	"found him", "found her", "found them", "been found", "was found", "is back", "are back", "came back", "got back", "turned up",
	"showed up", "rescued", "retrouvé", "retrouvée", "retrouvés", "est rentré", "est rentrée", "est revenu", "est revenue", "lo encontramos",
	"la encontramos", "apareció", "ya llegó", "rescatado", "rescatada", "gefunden", "ist wieder da", "ist zurück", "ist zu hause", "gerettet",
	"achamos", "encontramos", "apareceu", "voltou", "resgatado", "resgatada", "لقيناه", "لقيناها", "لقاوه", "انقذوه", "l9inah", "l9inaha",
	"rj3at", "rej3et", "मिल गया", "मिल गई", "मिल गए", "लौट आए", "लौट आया", "लौट आई", "वापस आ गए", "वापस आ गया", "वापस आ गई", "बचा लिया",
	"mil gaya", "mil gayi", "laut aaye", "wapas aa gaye", "wapas aa gaya", "مل گیا", "مل گئی", "مل گئے", "لوٹ آئے", "لوٹ آیا", "واپس آ گئے",
	"واپس آ گیا", "واپس آ گئی", "بچا لیا",
}

// stillWords tell that something goes on: still, not yet.
var stillWords = []string{
	"still", "toujours", "encore", "todavía", "aún", "sigue", "siguen", "noch", "ainda", "لسه", "لسا", "لساته", "لسى", "بعده", "بعدها",
	"lissa", "lessa", "lesa", "ba3do", "ba3da", "अभी भी", "अभी तक", "abhi bhi", "ab bhi", "abhi tak", "ابھی بھی", "ابھی تک",
}

// chemoDialysis name chemotherapy and dialysis: treatments that leave the body
// without defences or clearing.
var chemoDialysis = []string{
	"chemo", "chemotherapy", "dialysis", "chimio", "chimiothérapie", "dialyse", "quimio", "quimioterapia", "diálisis", "dialisis",
	"chemotherapie", "diálise", "dialise", "الكيماوي", "غسيل الكلى", "غسيل كلى", "الغسيل", "kimawi", "ghasil", "ghaseel", "कीमो",
	"कीमोथेरेपी", "डायलिसिस", "کیمو", "ڈائلیسز", "ڈائیلاسز", "كيماوي", "العلاج الكيميائي", "l kimawi", "kimo", "کیموتھراپی", "kemo",
	"hemodiálisis", "blutwäsche", "hemodiálise", "hemodialise", "الغسيل الكلوي", "غسيل الكلي", "جلسه الغسيل", "l ghasil", "el ghasil",
	"ghasil kela", "ڈائیلیسز", "ڈائلاسز",
}

// hazardOut are the hazards and hostile places that make someone out in
// them, or not back from them, a danger.
var hazardOut = []string{
	"rough sea", "waves", "wildfire", "bushfire", "earthquake", "landslide", "hurricane", "cyclone", "typhoon", "gale", "vagues", "incendie",
	"séisme", "tremblement de terre", "ouragan", "glissement de terrain", "olas", "incendio", "terremoto", "sismo", "huracán", "ciclón",
	"deslave", "wellen", "brand", "erdbeben", "orkan", "unwetter", "erdrutsch", "waldbrand", "ondas", "incêndio", "furacão", "ciclone",
	"deslizamento", "البحر", "الموج", "الحريق", "الزلزال", "زلزال", "اعصار", "el ba7r", "lmouj", "3asfa", "l3asifa", "7ari2", "zelzal",
	"zilzal", "i3sar", "समुद्र", "लहरें", "आग", "भूकंप", "चक्रवात", "आंधी", "samundar", "aag", "bhukamp", "aandhi", "سمندر", "لہریں", "آگ",
	"زلزلہ", "آندھی",
}

// elderWords name an old or frail person and the grandparents.
var elderWords = []string{
	"elderly", "grandma", "grandpa", "grandmother", "grandfather", "âgée", "âgé", "mamie", "papi", "abuela", "abuelo", "anciana", "anciano",
	"oma", "opa", "avó", "avô", "idosa", "idoso", "جدتي", "جدي", "امي", "ابوي", "كبيره بالسن", "كبير بالسن", "teta", "sitti", "दादी", "नानी",
	"दादा", "नाना", "बुजुर्ग", "बूढ़े", "dadi", "nani", "buzurg", "دادی", "نانی", "دادا", "نانا", "بزرگ",
}

// swallowWords tell something swallowed or drunk.
var swallowWords = []string{
	"swallowed", "avalé", "geschluckt", "بلعت", "شربت", "खा ली", "खा लीं", "निगल", "kha li", "nigal", "کھا لی", "کھا لیں", "نگل",
}

// snowWords name snow and avalanches.
var snowWords = []string{
	"avalanche", "snow", "avalancha", "alud", "nieve", "lawine", "schnee", "neige", "coulée", "neve", "الثلج", "ثلج", "talj", "बर्फ", "barf",
	"برف",
}
