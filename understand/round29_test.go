package understand

import "testing"

// The readings of quoted.go, service.go, animals.go, shortalarm.go,
// optoutkinds.go, careover.go, pets.go, aids.go, meds.go, memory.go and longstory.go, end
// to end, by kind, in four or more varieties each, with near misses that
// share words with the kind and must keep their danger. The messages are
// new wording, not copied from any evaluation set.
func TestRound29Readings(t *testing.T) {
	cases := []struct {
		kind, name, text string
		want             Class
	}{
		// a quoted check-in: only the answer is read, a help word counts as the button
		{"quoted", "en help and danger", "> Are you OK? Reply SAFE or HELP ... HELP the river is in the kitchen and my wife can't walk", Danger},
		{"quoted", "ar help and danger", "> هل أنتم بخير؟ ... مساعدة المي وصلت للشباك وجدتي بالسرير ما بتقدر تقوم", Danger},
		{"quoted", "es help and danger", "> ¿Están bien? Responda SI o AYUDA ... AYUDA el lodo tapó la puerta y mi papá está adentro sin poder salir", Danger},
		{"quoted", "de help and danger", "> Geht es Ihnen gut? ... HILFE das Wasser steht im Schlafzimmer und meine Mutter kommt nicht aus dem Bett", Danger},
		{"quoted", "en on its own line", "> Are you safe? Reply SAFE or HELP\nyes we're all at my brother's, dry and fine", Safe},
		{"quoted", "fr safe answer", "> Êtes-vous en sécurité ? ... oui, on est tous chez ma tante en haut du village", Safe},
		{"quoted", "en stop answer", "> Reply STOP to unsubscribe ... please unsubscribe me, we sold the house", OptOut},
		{"quoted", "en bare help", "> Are you safe? Reply SAFE or HELP ... HELP", NeedHelp},
		{"quoted", "hi help alone", "> क्या आप सुरक्षित हैं? ... मदद", NeedHelp},
		{"quoted", "es stop agreed", "> Responda BAJA para dejar de recibir avisos ... baja por favor, ya no vivo en la costa", OptOut},
		{"quoted", "ar stop agreed", "> للإلغاء أرسل إيقاف ... ايوه ألغوني، بعت البيت", OptOut},
		{"quoted", "en stop quoted, answer a danger", "> Reply STOP to unsubscribe ... no wait, the water is rising and my son is on the roof", Danger},
		{"quoted", "en quote of danger words answered safe", "> Fire warning: leave now if you are near the forest ... we left yesterday, all safe at the school", Safe},

		// alerts asked for, a message's arrival asked about
		{"service", "en fire alerts", "yes please, sign me up for the wildfire alerts for our area", OptIn},
		{"service", "es flood alerts", "quiero recibir las alertas de inundación del río", OptIn},
		{"service", "ar fire alerts", "بدي تنبيهات الحرائق لمنطقتنا لو سمحتوا", OptIn},
		{"service", "hi fire alerts", "आग वाले अलर्ट चाहिए हमारे गांव के लिए", OptIn},
		{"service", "de back after stop", "bitte meldet mich wieder an, hab aus Versehen STOP geschickt", OptIn},
		{"service", "en one tick", "did my message go through? i can only see one tick", QueueStatus},
		{"service", "fr arrived", "vous avez reçu mon message ? il y a une seule coche", QueueStatus},
		{"service", "ar arrived", "وصلت رسالتي عن السقف؟", QueueStatus},
		{"service", "pt arrived", "minha mensagem chegou? só aparece um tracinho", QueueStatus},
		{"service", "en near miss arrived and trapped", "did my message arrive? my dad is still trapped under the shelf", Danger},
		{"service", "es near miss alerts and fire", "quiero las alertas pero ahora mismo hay fuego en la cocina y mi hija está atrapada", Danger},

		// animals at risk, no person in danger; a person going after them is a danger
		{"animals", "en sheep", "the sheep are cut off on the knoll in the flooded field, no one is in danger but they will drown, anyone with a trailer or boat", NeedHelp},
		{"animals", "ar cows", "البقر محاصر بالمي بالحظيرة، ما في حدا بخطر بس رح يغرقوا، مين عنده قارب", NeedHelp},
		{"animals", "fr hens", "les poules et les chèvres sont bloquées sur la butte, personne n'est en danger mais l'eau monte", NeedHelp},
		{"animals", "ur buffaloes", "بھینسیں ٹیلے پر پھنسی ہیں، کوئی انسان خطرے میں نہیں، بس چارہ چاہیے", NeedHelp},
		{"animals", "en near miss went in after", "no one in danger we thought, but my brother swam out after the goats and now he's stuck on the island", Danger},
		{"animals", "es near miss went in", "nadie en peligro decían, pero mi tío entró al agua por las vacas y no sale", Danger},

		// opt-outs: a number that never signed up, a dead relative's number, "get me off this list"
		{"optout", "en never signed", "i never signed up for any of this, delete me please", OptOut},
		{"optout", "ar never signed", "ما اشتركت بشي، امسحوني لو سمحتوا", OptOut},
		{"optout", "de dead father", "meine Mutter ist im Sommer gestorben, bitte ihre Nummer aus der Liste nehmen", OptOut},
		{"optout", "ur too many", "دن میں 8 میسج!!! مجھے لسٹ سے نکالو", OptOut},
		{"optout", "en near miss danger", "take me off this list later, right now there's a fire on our landing and my dad is inside", Danger},

		// a danger shouted in two or three words
		{"short", "ar-latn fire fire", "nar nar", Danger},
		{"short", "ar fire at ours", "حريق عندنا", Danger},
		{"short", "pt help flood", "socorro enchente aqui", Danger},
		{"short", "de fire at ours", "Füür bi üs!!", Danger},
		{"short", "ar-latn drowning", "ghar2anin", Danger},
		{"short", "en near miss question", "fire here?", Question},
		{"short", "en near miss over", "fire's out, all fine", Safe},

		// a medical scare told as over
		{"careover", "en home and hungry", "long night, the ambulance took my uncle after a dizzy spell, it was just dehydration, he's back home and asking for his dinner", Safe},
		{"careover", "es home", "anoche la ambulancia se llevó a mi tía por un mareo, era deshidratación, ya volvió y está pidiendo su café", Safe},
		{"careover", "hi home", "कल एंबुलेंस दादी को ले गई थी, पानी की कमी थी, आज घर आ गई और चाय मांग रही हैं", Safe},
		{"careover", "en near miss home and sign", "the ambulance brought grandpa back home but now he can't breathe properly", Danger},

		// a pet and the weather
		{"pets", "en cat", "the cat has decided the thunder is a personal insult, she's been under the duvet for an hour", Other},
		{"pets", "es dog storm passed", "los niños ya duermen y el perro salió de debajo del sofá, pasó la tormenta, sin daños", Safe},
		{"pets", "ar dog storm passed", "الكلب طلع من تحت الكنبه، العاصفه عدت وما في اضرار", Safe},
		{"pets", "en near miss dog and toddler", "the dog keeps barking at the pond and my toddler is missing", Danger},

		// a personal aid lost, the person well
		{"aids", "en glasses", "writing for my gran, her glasses were lost when the landslide hit the shed, she's fine but can't read, where can she get new ones", NeedHelp},
		{"aids", "de hearing aid", "mein Vater sein Hörgerät ist im Hochwasser kaputt, ihm geht es gut, wo bekommt man Ersatz", NeedHelp},
		{"aids", "ur glasses", "ابو کی عینک ملبے میں گم ہو گئی، وہ ٹھیک ہیں، نئی کہاں سے ملے گی", NeedHelp},
		{"aids", "en near miss trapped", "grandma lost her glasses in the rubble and she is trapped under the wall", Danger},

		// a medicine's supply counted in days
		{"meds", "en epilepsy pills", "my son's epilepsy pills last until sunday and the pharmacy burned down, where else can we get them", NeedHelp},
		{"meds", "ar thyroid", "دوا الضغط لأبوي بيخلص بعد يومين والصيدلية تسكرت من السيل", NeedHelp},
		{"meds", "fr insulin", "l'insuline de ma fille finit jeudi et la pharmacie est inondée", NeedHelp},
		{"meds", "en near miss fit now", "his epilepsy pills ran out on monday and now he's having a seizure that won't stop", Danger},

		{"meds", "hi food to tomorrow", "राहत कैंप की रसोई बंद हो गई, हम 6 लोग हैं और कल तक का खाना है", NeedHelp},
		{"meds", "pt food to tomorrow", "o refeitório do abrigo fechou com a chuva, somos 5 e tem comida até amanhã", NeedHelp},
		{"meds", "en near miss food and trapped", "we have food until tomorrow but the water is at the windows and grandpa can't get out of bed", Danger},

		// an old disaster remembered
		{"memory", "en old flood", "thinking about the 53 flood my grandad always goes on about, boats in the high street, anyway", Other},
		{"memory", "pt old storm", "lembrei do ciclone de 2004 que meu avô contava, telhados voando, enfim", Other},
		{"memory", "en near miss now", "i remember the 2010 flood and now the water is at the door again and mum can't get upstairs", Danger},

		// dangers in the middle of long messages
		{"long", "en diabetic", "sorry for the essay, we're at the leisure centre since the fire, staff are lovely, but my diabetic wife is shaking and sweating and not answering me, also do you take dogs", Danger},
		{"long", "ar pregnant", "اعذروني على الطول، احنا بالمدرسه من السيل، الاكل منيح، بس مرتي بالشهر الثامن ونازلها دم من الصبح، وسؤال عن الاوراق", Danger},
		{"long", "fr pregnant", "on est au gymnase depuis hier, tout va bien niveau repas, mais ma femme est enceinte de 8 mois et elle saigne depuis ce matin, et pour les papiers ?", Danger},
		{"long", "es diabetic", "perdón por el mensaje largo, estamos en el albergue, todo bien, pero mi suegro diabético tiembla y suda y ya no responde, y otra cosa, ¿aceptan gatos?", Danger},
	}
	m := Default()
	for _, c := range cases {
		r := m.Understand(c.text)
		if r.Class != c.want {
			t.Errorf("%s/%s: %q read as %s (rule %q), want %s", c.kind, c.name, c.text, r.Class, r.Rule, c.want)
		}
	}
}

// TestQuotedAnswer checks where a quote ends and the help word.
func TestQuotedAnswer(t *testing.T) {
	cases := []struct {
		text, answer string
		help, ok     bool
	}{
		{"> Are you safe? ... HELP water inside", "HELP water inside", true, true},
		{"> Are you safe?\n> Reply SAFE or HELP\nyes all fine", "yes all fine", false, true},
		{"> Are you safe? yes. at home", "yes. at home", false, true},
		{"> هل أنت بأمان؟ … مساعدة", "مساعدة", true, true},
		{"> Are you safe?", "", false, false},
		{"no quote here ... HELP", "", false, false},
		{">", "", false, false},
	}
	for _, c := range cases {
		answer, _, help, ok := splitQuote(c.text)
		if answer != c.answer || help != c.help || ok != c.ok {
			t.Errorf("splitQuote(%q) = %q, %v, %v; want %q, %v, %v", c.text, answer, help, ok, c.answer, c.help, c.ok)
		}
	}
}
