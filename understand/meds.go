package understand

// A medicine or the food that will run out, its supply counted in days, after the
// chemist burnt or flooded or a hospital's system was hacked ("my mother's
// epilepsy pills last until Friday and the pharmacy burnt", "les anti-rejet
// finissent dimanche", "थायरॉइड की गोली 4 दिन की बची है"): a need, not a
// danger; so is food counted to tomorrow once a community kitchen closed
// ("हम 8 लोग हैं और कल तक का आटा है"). The condition the medicine treats is named as its purpose, not
// as a fit happening ("دوا الصرع", "remédio de convulsão"), and what burnt
// is the pharmacy, not a person. So, for a message holding a medicine and a
// supply counted ahead, the danger phrases and situations are read with
// those names blanked; any left (a fit now, a person burnt), an urgent cue
// or a plea keep the message a danger.

// RuleSupplyLeft marks a danger read as a need: a medicine's or food's
// supply counted in days, nobody at risk yet.
const RuleSupplyLeft = "supply_left"

// medsSet names medicines.
var medsSet = compile(withDeaccent([]string{
	"medicine", "medicines", "meds", "medication", "pills", "tablets", "insulin", "inhaler", "anti-rejection", "morphine",
	"médicament", "médicaments", "cachets", "comprimés", "anti-rejet", "insuline", "morphine",
	"remedio", "remedios", "medicamento", "medicamentos", "pastillas", "insulina", "morfina",
	"medikament", "medikamente", "tabletten", "insulin", "morphium",
	"remédio", "remédios", "comprimidos", "insulina", "morfina",
	"دوا", "دواء", "الدوا", "الدواء", "دوا*", "حبوب", "ابر الانسولين", "انسولين", "dwa", "dawa", "dowa", "7boub", "insulin",
	"दवा", "दवाई", "दवाइयां", "गोली", "गोलियां", "इंसुलिन", "dawai", "goli",
	"گولی", "گولیاں", "انسولین", "دوائی",
	// food
	"food", "flour", "rice", "to eat", "de quoi manger", "nourriture", "riz", "farine", "comida", "arroz", "harina", "essen", "mehl", "reis",
	"comida", "farinha", "أكل", "اكل", "طحين", "رز", "akl", "d9i9", "rozz", "खाना", "आटा", "चावल", "khana", "aata", "کھانا", "آٹا", "چاول",
}))

// medsLeftSet counts the supply ahead: until a day, for a number of days.
var medsLeftSet = compile(withDeaccent([]string{
	"until friday", "until monday", "until sunday", "till friday", "runs out", "run out", "ends on", "last until", "lasts until", "for a week",
	"days left", "day left", "left for", "until tomorrow", "till tomorrow",
	"finissent", "finit", "jusqu'à demain", "jusqu'a demain", "jusqu'à", "jusqu'a", "pour une semaine", "pour deux jours", "il reste", "il me reste",
	"se acaba", "se acaban", "hasta mañana", "se terminan", "hasta el", "para una semana", "me quedan", "le quedan",
	"reichen bis", "reicht bis", "bis morgen", "für eine woche", "noch für",
	"acaba", "acabam", "até", "até amanhã", "pra uma semana", "para uma semana", "dá até",
	"يخلص", "بيخلص", "تخلص", "بتخلص", "لاسبوع", "لأسبوع", "ليومين", "بيكفي", "يكفي", "بتكفي", "ghadi ysali", "ysali", "لبكرا", "لبكره", "لبكرة", "حتى بكره", "bey5las", "bt5las",
	"दिन की बची", "दिन का बचा", "कल तक", "दिन की है", "तक की है", "तक चलेगी", "तक चलेगा", "din ki bachi",
	"دن کی بچی", "دن کا بچا", "کل تک", "تک کی ہے", "تک چلے گی", "تک چلے گا",
}))

// medsPurposeSet are the names blanked before the danger phrases are read:
// the conditions medicines treat, and a pharmacy or store hit by a hazard.
var medsPurposeSet = compile(withDeaccent([]string{
	"الصرع", "للصرع", "convulsao", "convulsão", "convulsiones", "epilepsia", "épilepsie", "epilepsie", "epilepsy", "seizure", "seizures",
	"krampfanfälle", "anfälle", "مرگی", "मिर्गी", "sar3", "el sar3",
	"الصيدليه احترقت", "والصيدليه احترقت", "احترقت الصيدليه", "احترق المستودع", "المستودع احترق", "pharmacy burnt", "pharmacy burned",
	"chemist burnt", "chemist burned", "la pharmacie a brûlé", "la farmacia se quemó", "apotheke ist abgebrannt", "a farmácia pegou fogo",
	"میڈیکل سٹور جل گیا", "दवाई की दुकान जल गई",
}))

// supplyLeftOnly reports a medicine or food whose supply is counted ahead, with
// nothing else naming a danger once its purpose and the hit pharmacy are
// blanked (a hazard in a place may stay), and no urgent cue or plea.
func supplyLeftOnly(rd *reading) bool {
	p := rd.padded
	if !medsSet.match(p) || !medsLeftSet.match(p) || cueSets.scan(p)&cueUrgent != 0 || pleaSet.match(p) {
		return false
	}
	blanked := medsPurposeSet.blank(rd.masked)
	strong, _ := dangerSet.scan(blanked)
	c := conceptAt(blanked)
	return !strong && !pairedRisk(blanked) && (c < 0 || concepts[c].hazard)
}
