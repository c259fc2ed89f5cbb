package understand

// Heat told with the means to bear it and no trouble ("it's very hot but
// we have air conditioning and drink a lot, no problem", "गर्मी बहुत है पर
// एसी है ... कोई दिक्कत नहीं"): the classifier, having met heat beside frail
// people in emergencies, reads danger. A heat word, a way of coping
// (air conditioning, a fan, a cool room, enough water) and a well-being or
// "no problem" phrase, with nothing naming a danger or urgent, ask the
// classifier to be all but sure (HarmlessReadDangerFloor). Heat with a
// frail person confused or not drinking is a situation (heat_cold_frail)
// and is not read here.

var heatWordSet = compile([]string{
	"heat", "hot", "heatwave", "heat wave", "chaud", "chaleur", "canicule", "calor", "ola de calor", "hitze", "heiß", "heiss", "hitzewelle",
	"quente", "calorão", "onda de calor", "حر", "الحر", "شوب", "الشوب", "حاره", "7ar", "shob", "गर्मी", "लू", "garmi", "گرمی", "لو",
})

var copingSet = compile([]string{
	"air conditioning", "aircon", "a/c", "ac on", "the ac", "we have ac", "got ac", "fan", "fans", "clim", "climatisation", "ventilateur",
	"aire acondicionado", "el aire", "ventilador", "klimaanlage", "klima", "ventilator", "ar condicionado", "ar-condicionado", "مكيف", "المكيف",
	"مروحه", "المروحه", "mkayyef", "mokayyef", "marwa7a", "एसी", "कूलर", "पंखा", "ac hai", "cooler", "pankha", "اے سی", "کولر", "پنکھا",
	"genug wasser", "enough water", "on boit beaucoup", "bebemos mucha agua", "bebendo muita água", "خوب پانی", "खूब पानी",
})

var noTroubleSet = compile([]string{
	"no problem", "no problems", "no worries", "all good", "aucun souci", "pas de souci", "pas de problème", "ningún problema", "sin problema",
	"kein problem", "keine sorge", "nenhum problema", "sem problema", "مافي مشكله", "ما في مشكله", "ما في مشكلة", "كله تمام", "ma fi mishkle",
	"कोई दिक्कत नहीं", "कोई परेशानी नहीं", "कोई समस्या नहीं", "koi dikkat nahi", "koi pareshani nahi", "کوئی مسئلہ نہیں", "کوئی پریشانی نہیں",
	"فکر نہ کریں", "fikar na karein", "koi masla nahi",
})

// heatCoped reports heat told with the means to bear it and no trouble.
func heatCoped(rd *reading) bool {
	return heatWordSet.match(rd.padded) && copingSet.match(rd.padded) && (noTroubleSet.match(rd.padded) || wellSet.match(rd.padded)) &&
		!negatedSet.match(rd.padded) && rd.signless() && cueSets.scan(rd.padded)&cueUrgent == 0
}
