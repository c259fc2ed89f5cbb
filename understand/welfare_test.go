package understand

import "testing"

// TestWelfareConcepts is the specification of the kinds of danger of
// welfare.go, in the nine varieties: each fires on its whole situation and
// stays silent on the near misses that share a part of it.
func TestWelfareConcepts(t *testing.T) {
	cases := []struct {
		name string
		text string
		want string // concept that fires, "" for none
	}{
		// someone alone gone silent behind their door
		{"en neighbour silent", "the old man next door has not opened the door since yesterday and his dog keeps barking", "welfare_check"},
		{"fr aunt silent", "ma tante vit seule et ne répond plus depuis deux jours, le courrier s'entasse", "welfare_check"},
		{"es neighbour silent", "la vecina anciana no abre desde hace dos días y su gato no para de maullar, el perro ladra", "welfare_check"},
		{"de neighbour silent", "herr braun lebt allein und macht seit gestern nicht auf, der briefkasten quillt über", "welfare_check"},
		{"pt neighbour silent", "a vizinha idosa não atende há dias, o cachorro late sem parar", "welfare_check"},
		{"ar neighbour silent", "جارتنا عايشه لوحدها وما بترد من يومين والكلب عم ينبح", "welfare_check"},
		{"ar-latn uncle silent", "3ami sakn lw7do w ma kayjawebch men yomayn", "welfare_check"},
		{"hi neighbour silent", "पड़ोस की बुज़ुर्ग आंटी दो दिन से दरवाज़ा नहीं खोल रहीं", "welfare_check"},
		{"ur neighbour silent", "ہمارے بزرگ پڑوسی کل سے دروازہ نہیں کھول رہے، کتا بھونک رہا ہے", "welfare_check"},
		{"en fine but", "we are all fine but granny upstairs lives alone and hasn't answered for two days", "welfare_check"},
		{"en near miss party", "my neighbour didn't answer my message about the party", ""},
		{"en near miss office", "he hasn't replied for two days, is the office open?", ""},
		{"fr near miss mail", "pas de réponse à mon courrier de la mairie", ""},

		// held captive abroad
		{"en captive", "my cousin works as a maid in the gulf, they took her passport and lock her in the house", "held_captive"},
		{"fr captive", "mon frère travaille à l'étranger, on a confisqué son passeport et il est enfermé sans rien à manger", "held_captive"},
		{"es captive", "a mi hermana le quitaron el pasaporte y no la dejan salir de la casa", "held_captive"},
		{"de captive", "meiner tante haben sie den pass abgenommen, sie ist eingesperrt", "held_captive"},
		{"pt captive", "ficaram com o passaporte da minha irmã e ela está trancada num quarto", "held_captive"},
		{"ar captive", "بنت عمي بالخارج ساحبين جوازها ومحبوسه بالبيت", "held_captive"},
		{"ar-latn captive", "khti f l khlij khdaw lpaspor dyalha w kaydrboha", "held_captive"},
		{"hi captive", "भाई का पासपोर्ट जब्त कर लिया और उसे मारते हैं", "held_captive"},
		{"ur captive", "بہن کا پاسپورٹ رکھ لیا اور کمرے میں بند رکھتے ہیں", "held_captive"},
		{"en near miss mail", "my insurer is not answering my mail for two days, who else can I call", ""},
		{"de near miss post", "die versicherung antwortet nicht seit zwei tagen auf meine post", ""},
		{"de near miss mails", "mein chef antwortet seit zwei tagen nicht auf meine mails, ich bin allein im büro", ""},
		{"de near miss stop", "die alte dame im zug hört nicht auf zu reden, seit zwei tagen unterwegs mit ihrem hund", ""},
		{"de neighbour door", "die ältere nachbarin öffnet nicht, seit drei tagen, ihr hund bellt die ganze zeit", "welfare_check"},
		{"en near miss post", "the landlord has not answered my post in the group for 3 days lol", ""},
		{"en near miss wages", "my employer kept my passport and hasn't paid me for three months", ""},
		{"en near miss locked out", "I'm locked out of my flat, who has a spare key?", ""},

		// lost outdoors, someone injured, night, cold or a dying phone coming
		{"en stranded", "we got lost on the moor, my dad twisted his ankle and can't walk, it's getting dark", "stranded_injured"},
		{"fr stranded", "on s'est perdus en forêt, mon copain s'est cassé le poignet et la batterie est presque vide", "stranded_injured"},
		{"es stranded", "estamos perdidos en el cerro, mi tía se torció la rodilla y no puede caminar, hace mucho frío", "stranded_injured"},
		{"de stranded", "wir haben uns im gebirge verlaufen, meine frau ist verletzt und es wird dunkel", "stranded_injured"},
		{"pt stranded", "nos perdemos na serra, meu filho quebrou o braço e o celular está com pouca bateria", "stranded_injured"},
		{"ar stranded", "ضعنا بالجبل وابني رجله مكسوره والدنيا برد", "stranded_injured"},
		{"ar-latn stranded", "d3na f ljbel w khouya rejlo maksoura w lbatri ghadi tsali", "stranded_injured"},
		{"hi stranded", "jungle mein rasta bhatak gaye, bhai ka pair toot gaya aur andhera ho raha hai", "stranded_injured"},
		{"ur stranded", "پہاڑ پر راستہ بھٹک گئے ہیں، ابو کی ٹانگ ٹوٹ گئی اور اندھیرا ہو رہا ہے", "stranded_injured"},
		{"en near miss lost museum", "we got lost in the museum, my phone battery is dead haha", ""},
		{"en near miss ankle", "my ankle is broken since the fall last month, it's cold in the cast, when is the clinic open", ""},
		{"en near miss not injured", "we got lost on the hike, nobody injured, it's getting dark so we're taking the road back", ""},

		// near fainting with the heart racing or chest pain
		{"en faint heart", "my chest hurts and I feel faint, nobody else is home", "faint_heart"},
		{"fr faint heart", "j'ai des palpitations et je vais m'évanouir", "faint_heart"},
		{"es faint heart", "tengo el corazón acelerado y siento que me voy a desmayar", "faint_heart"},
		{"de faint heart", "herzrasen und mir wird schwarz, ich kippe gleich um", "faint_heart"},
		{"pt faint heart", "coração disparado e acho que vou desmaiar", "faint_heart"},
		{"ar faint heart", "قلبي عم يدق كتير وحاسس حالي رح اوقع", "faint_heart"},
		{"ar-latn faint heart", "2albi 3am yde2 ktir w ana dayekh", "faint_heart"},
		{"hi faint heart", "सीने में दर्द है और चक्कर आ रहे हैं", "faint_heart"},
		{"ur faint heart", "دل تیز دھڑک رہا ہے اور بے ہوش ہونے والا ہوں", "faint_heart"},
		{"en near miss concert", "my heart was racing at the concert, amazing", ""},
		{"en near miss hunger", "I feel faint from hunger, when is food coming", ""},

		// a child's head injury with red flags
		{"en head injury", "my son fell down the stairs, he seemed ok but now he threw up and is very sleepy", "child_head_injury"},
		{"fr head injury", "ma fille est tombée de la balançoire, elle a vomi deux fois", "child_head_injury"},
		{"es head injury", "el niño se cayó de la litera y ahora no despierta bien", "child_head_injury"},
		{"de head injury", "unser sohn ist vom klettergerüst gestürzt und hat sich erbrochen", "child_head_injury"},
		{"pt head injury", "meu filho caiu da escada e está muito sonolento", "child_head_injury"},
		{"ar head injury", "ابني وقع عن الدرج وصار يستفرغ", "child_head_injury"},
		{"ar-latn head injury", "binti we2e3et 3an el daraj w 3am tenam kteer, ma 3am tes7a", "child_head_injury"},
		{"hi head injury", "बच्चा सीढ़ी से गिर गया, अब उल्टी कर रहा है", "child_head_injury"},
		{"ur head injury", "بچہ چارپائی سے گر گیا اور اب الٹی کر رہا ہے", "child_head_injury"},
		{"en near miss playing", "he fell off the bed but is laughing and playing", ""},
		{"en near miss prices", "the prices fell and the kids are playing outside", ""},

		// a child in a tank or well nobody can reach
		{"en well", "a little boy fell into the well and nobody here can swim", "child_in_water"},
		{"fr pool", "le petit est tombé dans la piscine et personne ne sait nager", "child_in_water"},
		{"es tank", "mi sobrino se cayó al tanque y no lo alcanzamos", "child_in_water"},
		{"de pond", "das kind ist in den teich gefallen, niemand kann schwimmen", "child_in_water"},
		{"pt cistern", "o menino caiu na cisterna e não conseguimos tirar", "child_in_water"},
		{"ar tank", "الولد وقع بالخزان وما قادرين نطلعه", "child_in_water"},
		{"ar-latn basin", "bent l jiran t7at f sahrij w ma kay3rfo y3oumo", "child_in_water"},
		{"hi well", "बच्चा कुएं में गिर गया, कोई तैर नहीं सकता", "child_in_water"},
		{"ur tank", "بچہ ٹینکی میں گر گیا، نکال نہیں پا رہے", "child_in_water"},
		{"en near miss phone", "my phone fell in the pool, can I get a new one?", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := conceptRisk(maskNotHazard(" " + Normalize(c.text) + " "))
			if got != c.want {
				t.Errorf("conceptRisk(%q) = %q, want %q", c.text, got, c.want)
			}
		})
	}
}

// TestWelfareInUnderstand checks the new kinds end to end: danger even
// after "we are fine but", and the near misses keep their own class.
func TestWelfareInUnderstand(t *testing.T) {
	m := Default()
	cases := []struct {
		text string
		want Class // Danger, or the class a near miss must not leave for danger
	}{
		{"we're ok here but the old lady downstairs hasn't opened her door for two days and her cat is crying", Danger},
		{"uns geht es gut, aber die nachbarin ist allein und hat sich seit zwei tagen nicht gemeldet", Danger},
		{"the little one fell from the sofa, at first he was fine, now he has vomited twice", Danger},
		{"my boss kept my passport and has not paid my salary for two months", NeedHelp},
		{"I'm locked out of my flat, who has a spare key?", NeedHelp},
		{"my heart was racing at the concert, amazing", Other},
	}
	for _, c := range cases {
		r := m.Understand(c.text)
		if (r.Class == Danger) != (c.want == Danger) {
			t.Errorf("Understand(%q) = %s (rule %q), want %s", c.text, r.Class, r.Rule, c.want)
		}
	}
}
