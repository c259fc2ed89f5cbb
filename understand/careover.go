package understand

// A medical scare told as over, at length: the ambulance or the rescue took
// someone last night, the cause was found to be light (dehydration, the
// heat, "only a lack of water"), and the person is home again and acting
// as themselves, asking for their favourite food or grumbling about the
// meals ("long story, the ambulance took grandpa after he fainted, it was
// dehydration, he's back and asking for his dinner"). The resolution
// reading (resolved.go) knew "came back" but not these signs of the person
// being themselves again; they are its calm phrases, and a return home told
// in Arabizi and Arabic a marker. A sign told after them ("he's home but
// he can't stand up") still keeps the message a danger there.

// homeAgain tell that the person taken to care is home again.
var homeAgain = []string{
	"back home", "home again", "is home", "came home", "ya volvió", "ya regresó", "ya está en casa", "já voltou", "ja voltou", "voltou pra casa",
	"il est rentré", "elle est rentrée", "wieder daheim", "wieder zu hause", "wieder zuhause",
	"رجعت عالبيت", "رجع عالبيت", "رجعت عالدار", "رجع عالدار", "رجعت للبيت", "رجع للبيت", "رجعت البيت", "رجع البيت",
	"rij3et 3al beit", "rij3 3al beit", "rje3 3al beit", "rej3et 3al bet", "rja3 ldar", "rj3at ldar", "rj3 ldar",
	"घर आ गए", "घर आ गई", "घर आ गया", "घर लौट आए", "ghar aa gaye", "ghar aa gayi", "گھر آ گئے", "گھر آ گئی", "گھر آ گیا", "ghar aa gaye",
}

// selfAgain tell that the person is themselves again, or that the cause
// found was light: asking for food, grumbling, "it was only dehydration".
var selfAgain = []string{
	"asking for food", "asking for his dinner", "asking for her dinner", "asking for dinner", "wants his dinner", "wants her dinner",
	"complaining about the food", "moaning about the food", "it was just dehydration", "it was dehydration", "only dehydration", "just the heat",
	"râle déjà", "rale deja", "c'était la chaleur", "c'était juste", "juste la déshydratation", "il réclame à manger", "elle réclame à manger",
	"está pidiendo", "esta pidiendo", "pide de comer", "era deshidratación", "solo deshidratación", "se queja de la comida",
	"schimpft", "meckert", "will schon wieder essen", "war nur",
	"tá pedindo", "ta pedindo", "está pedindo", "era só", "só desidratação", "reclamando da comida",
	"الصور كلها سليمه", "الاشعه كلها سليمه", "بيطلب اكل", "عم يطلب اكل", "قاعد يتشكى", "كان بس جفاف", "جفاف بس",
	"el sowar kollaha sal7a", "kollaha sal7a", "3am ytlob akl", "bi tlob akl", "kan bas jafaf",
	"मांग रहे हैं", "मांग रही हैं", "मांग रहा है", "पानी की कमी थी", "कमी थी बस", "mang rahe hain",
	"مانگ رہے ہیں", "مانگ رہی ہیں", "مانگ رہا ہے", "پانی کی کمی تھی", "mang rahe hain",
}
