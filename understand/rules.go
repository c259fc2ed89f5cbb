package understand

import (
	"strings"
)

// The safety layer sits on the classifier and can only raise a message to
// danger, never lower one: a missed emergency costs a life, a false alarm
// costs an operator a minute. Phrases are written as people type them and
// normalised with Normalize at start. A phrase ending in "*" matches inside
// words (Arabic glues و, ال, ب to the word: "والحريق"); any other phrase
// matches whole words only ("fire" does not match "fired").

// dangerPhrases name a person at risk now, per language.
var dangerPhrases = map[string][]string{
	"en": {
		// bleeding that does not stop
		"won't stop bleeding", "wont stop bleeding", "doesn't stop bleeding", "can't stop the bleeding", "cant stop the bleeding",
		"gunfire", "hurt badly", "badly hurt", "break down our door", "breaking down our door", "breaking our door", "trying to get in", "forcing the door", "forcing our door", "trapped", "we're stuck", "we are stuck", "stuck inside", "stuck on the roof", "stuck in the water", "stuck in the flood", "stuck in the elevator", "stuck in the lift", "stuck under", "can't get out", "cant get out", "cannot get out",
		"can't breathe", "cant breathe", "cannot breathe", "can't breath", "not breathing", "isn't breathing", "isnt breathing", "aren't breathing", "arent breathing", "stopped breathing", "unconscious", "passed out",
		"not responding", "unresponsive", "won't wake up", "wont wake up", "bleeding", "blood everywhere", "lot of blood", "collapsed",
		"heart attack", "chest pain", "having a stroke", "seizure", "fire", "on fire", "smoke", "flames", "burning", "gas leak", "smell gas",
		"smells of gas", "smell of gas", "water rising", "water is rising", "water coming in", "water is coming in", "water getting in",
		"drowning", "on the roof", "onto the roof", "on our roof", "rubble", "buried", "gun", "guns", "shooting", "shots", "been shot", "got shot",
		"stabbed", "knife", "attacked", "attacking", "beating us", "beating me", "overdose", "poisoned", "choking", "can't move", "cant move",
		"badly hurt", "badly injured", "seriously injured", "dying", "sos", "explosion", "electrocuted", "swept away", "being swept",
		"house collapsed", "building collapsed", "roof collapsed", "in labor", "in labour", "no pulse", "broke in", "breaking in", "kidnapped", "ambulance", "ambulances", "shot", "swallowed", "water everywhere", "going to die", "gonna die", "we will die", "not waking up", "won't wake", "knocked out", "hit by a car", "struck by", "crushed", "pinned", "hypothermia", "snakebite", "bitten by a snake",
		"up to our chest", "up to our chests", "up to our neck", "up to my chest", "surrounded by water", "carbon monoxide", "can barely breathe", "cant barely breathe", "swept away by", "up to our waist", "not moving", "isn't moving", "isnt moving", "stopped moving", "electric shock", "got a shock", "power line", "live wire", "burning down", "is burning", "knives", "broke into", "breaking into", "still inside", "with a gun", "gunman", "gunmen", "throat is swelling", "throat swelling", "throat is closing", "smoke everywhere", "full of smoke", "filled with smoke"},
	"ar": {
		// bleeding that does not stop
		"الدم ما يوقف", "الدم ما وقف", "الدم مش بيوقف", "الدم مبيوقفش", "الدم ما بيوقف", "الدم ما يبطل",
		"يهر علينا", "عم يوقع علينا", "بيوقع علينا", "رح يوقع علينا", "بيطيح علينا", "عم يطيح علينا", "ينهار علينا", "عم ينهار علينا", "يكسروا الباب", "يكسرو الباب", "بيكسروا الباب", "عم يكسروا الباب", "بدهم يفوتوا علينا", "محاصر*", "محبوس*", "عالق", "عالقين", "عالقه", "عالقون", "محتجز*", "نزيف*", "ينزف*", "تنزف*", "دم كثير", "حريق*", "النار", "نار", "دخان*", "تسرب غاز", "ريحه غاز",
		"رائحه غاز", "ريحه الغاز", "رائحه الغاز", "تسريب غاز", "تسرب الغاز", "ريحه غاز قويه", "اسعاف*", "فاقد الوعي", "فاقده الوعي", "مغمي علي*", "فقد الوعي", "غرقان*", "يغرق*", "نغرق*", "تغرق*", "غرقنا",
		"المياه ترتفع", "المي عم*", "الميه داخله", "الميه بتدخل", "المياه تدخل", "الماي*", "الميه بتعلي", "الموي", "على السطح", "علي السطح", "عالسطح",
		"فوق السطح", "انقاض*", "ركام*", "مسلح*", "اطلاق نار", "اطلاق الرصاص", "رصاص*", "طعن*", "مطعون*", "يهاجم*", "هجوم", "يضرب*", "ما يتنفس",
		"ما يقدر يتنفس", "مش قادر*يتنفس", "مش قادر اتنفس", "مش عارف يتنفس", "لا يتنفس", "ما بيتنفس", "مش بيتنفس", "ما تتنفس", "نوبه قلبيه",
		"جلطه", "انهار*", "اختناق*", "مخنوق*", "نختنق", "يختنق", "بموت", "يموت*", "نموت*", "راح يموت", "انفجار*", "ماس كهربا*", "صعق*",
		"ما نقدر نطلع", "ما نقدر نخرج", "ما نقدرش نخرج", "مش قادرين نطلع", "مش قادرين نخرج", "ما فينا نطلع", "ما قادرين نطلع", "ماقدرنا نطلع",
		"جرفه السيل", "جرفها", "السيل جرف", "محروق*", "يحترق*", "تحترق*", "ولاده", "تولد", "مخطوف*", "سطو", "ما يقدر يطلع", "ما تقدر تطلع", "ما يقدر يخرج", "مش قادر يطلع", "ما قادر يطلع", "الدم كيسيل", "الدم ينزل", "الدم بينزل", "المي بكل مكان", "الميه في كل حته", "وقع علي*", "ما يتحرك", "ما بيتحرك", "مش بيتحرك", "سكين*", "سكاكين", "انحرق*", "احترق*", "ما يصحي", "ما بيصحي", "مش بيصحي", "ما يرد", "ما ترد", "ما عم يرد", "ما عم ترد", "غرق", "غرقت", "غرقوا", "نموت", "بنموت", "رح نموت", "راح نموت", "حنموت", "بلع", "شرب كلور", "مسموم*", "تسمم", "لدغ*", "دهس*", "ينضرب", "يقتل*", "قتل", "ما عم يتنفس", "ما عم تتنفس", "مش عم يتنفس", "لصدرنا", "لرقبتنا", "محشور*", "محشوره", "تحت جدار", "تحت الجدار", "تحت الحيط", "لحد صدرنا", "الما دخل", "المي دخلت", "المية دخلت", "الميه دخلت", "كهربه*", "مكهرب*", "النار وصلت", "الحريق وصل", "لسه جوه", "لسا جوا", "لسه جوا", "بعدنا جوا", "لسا جوه", "صعقته", "ما بيتحرك", "ما عم يتحرك", "مش بيتحرك", "لا يتحرك", "سلك كهربا*",
		// Maghrebi: cannot get out, not breathing, fire, under a collapse
		"ما قدرتش نخرج", "ما نقدرش نخرج", "ما يقدرش يخرج", "ما كيقدرش يخرج", "ما كنقدرش نخرج", "ما قدرناش نخرجو", "ما نجمش نخرج", "ما ينجمش يخرج", "ما نجموش يخرجو",
		"ما كيتنفسش", "ما يتنفسش", "شعلت العافيه", "شعلات العافيه", "العافيه شاعله", "العافيه في الدار", "العافيه فالدار",
		"تحت الحجر", "تحت الحجار", "تحت الردم", "تحت الهدم", "مردوم*", "طاحت عليه*", "طاحت علينا", "طاح عليه الحيط",
		// caught fire (ولّع), a home or a tent; fell into a well
		"البيت ولع", "الدار ولعت", "خيمتنا ولعت", "الخيمه ولعت", "ولعت النار", "ولعت فينا", "السياره ولعت", "الشقه ولعت",
		"طاح بالبير", "طاح في البير", "وقع بالبير", "وقع في البير", "طاحت بالبير", "وقعت في البير"},
	"ar-latn": {
		// bleeding that does not stop
		"dam mabyo2afsh", "dam mabye2afsh", "dam ma byo2af", "dam ma wa2af", "dam ma bywa2ef", "dam ma 3am ywa2ef", "dem ma bghach yw9af",
		"el nar", "3am ykassro el bab", "bykassro el bab", "ykassro el bab", "2etlaq nar", "itlaq nar", "etlaq nar", "2tla2 nar", "etla2 nar", "itla2 nar", "7aree2", "7ari2", "7areeq", "hariq", "l3afya", "l3afia", "mo7asar*", "m7asar*", "ma7bous*", "ma7boos*", "nazeef", "nazif", "ghar2an*", "gharqan*",
		"ghar2ana", "dukhan", "dokhan", "is3af", "es3af", "2es3af", "msh 2ader atnaffas", "mish 2ader atnafas", "ma3am yetnaffas", "mayya dakhla",
		"el mayya btetla3", "el mayy 3am", "3al sat7", "3ala el sat7", "fo2 el sat7", "ta7t el ridm", "raddam", "rsas", "ratsas", "mat3oun", "ta3n",
		"7ar2", "na7tere2", "byetla3 da5an", "dakhan", "5ane2", "m5nou2", "nmoot", "bnmoot", "bymoot", "ra7 nmoot", "fire", "sos", "trapped", "bleeding", "ri7et ghaz", "ri7et gaz", "tasarrob ghaz", "ghere2", "ghir2", "ghar2", "byedrebni", "yedrebni", "byedrabni", "sikkeen", "sla7", "mayya dakhla", "el mayya 3am tetla3", "ma 3am yetnaffas", "ma byetnaffas", "mish 3am yetnaffas", "fa2ed el wa3i", "wa2a3 3ala", "wi2e3 3ala", "ma byet7arrak", "ma 3am yet7arrak", "fa2de el wa3i", "ma7booseen", "m7asreen", "7ari2", "ta7t el rdem", "jalta", "m7bous*", "m7boos*", "mjrou7*", "majrou7*", "dem kaysil", "ghr9at", "ghr9o", "ghre9", "tay ghre9", "ynazzef", "btnazzef", "3am ynazzef", "tghra2", "3am tghra2", "ma kaykhrejch", "ma 9drnach nkhrjo", "ma n9drouch nkhrjo", "ma 2dirna nitla3", "ma kaytharrakch", "ma kayt7arrakch", "ma kaytherrekch", "makaytherrekch", "ma kayt7errekch", "makayt7errekch", "ma kat7errekch", "ma byet7arak", "kahraba mas*", "dorbato trisinti", "trisinti", "tkahrab", "ma3am yet7arrak", "3tkouna", "3ta9ouna", "el nar wesslet", "el nar weslet", "e7na jowwa", "lessa jowwa", "lissa jowwa",
		// Maghrebi (Darija, Algerian, Tunisian): cannot get out, not breathing, under a collapse
		"ma9derch nkhrej", "ma9dertch nkhrej", "ma9derch ikhrej", "ma9derch ykhrej", "ma n9derch nkhrej", "ma n9derch nokhroj", "ma yqderch ykhrej", "ma y9derch ykhrej",
		"ma9derch y5rej", "ma y9derch y5rej", "ma kay9derch y5rej", "ma9dertch n5rej", "ma n9derch n5rej", "dd5an", "ddkhan",
		"ma kay9derch ykhrej", "ma kan9derch nkhrej", "ma 9adrinch nkhorjo", "ma 9drnach nkhorjo", "ma najjamch nokhrej", "ma ynajjamch yokhrej", "ma najmnech nokhrjou",
		"manqderch nokhrej", "ma yqdarch yokhroj", "ma kaytnfsch", "ma kayt9ssch", "ma yetnaffesch", "ma ytnfsch", "dkhan", "d5an", "doukhan", "l3afia ch3lat", "ch3lat l3afya",
		"ta7t l7ajar", "t7t l7ajar", "ta7t l7jer", "t7t l7jer", "ta7t l ruines", "t7t l ruines", "t7t ruines", "ta7t ruines", "ta7t rdem", "t7t rdem", "ta7t lhdem", "t7t lhdem",
		"ta7t el 7ajar", "mredmin", "mredem", "tay7at 3lih", "ta7et 3lih", "ta7 3lih l7it",
		// caught fire (walla3), a home, a tent, a car or a flat, as the Arabic "البيت ولع"
		"el bet wala3", "el beit wala3", "el bet walla3", "el beit walla3", "el dar wal3et", "el dar wal3at", "el kheme wal3et", "khemetna wal3et",
		"el sayyara wal3et", "el 3arabiyya wal3et", "el sh2a wal3et", "el sha22a wal3et", "wal3et el nar fina", "wal3et fina",
		// fell into a well
		"wa2a3 bel bir", "wa2a3 fel bir", "ta7 bel bir", "ta7 fel bir"},
	"fr": {
		// an armed attacker
		"tireur", "tireurs", "homme armé", "hommes armés",
		// bleeding that does not stop
		"arrête pas de saigner", "arrete pas de saigner", "arrête plus de saigner", "s'arrête pas de saigner", "saigne sans arrêt",
		// fainted, more than one person
		"évanouis", "évanouies", "inconscients",
		"fusillade", "encore à l'intérieur", "toujours à l'intérieur", "encore dedans", "n'arrive pas à sortir", "arrive pas à sortir", "enfoncer notre porte*", "enfoncent la porte", "défoncer la porte", "forcer la porte", "piégé*", "piege*", "coincé", "coincés", "coincée", "coincées", "bloqués à l'intérieur", "on ne peut pas sortir", "peut pas sortir",
		"peux pas sortir", "pouvons pas sortir", "peut pas respirer", "peux pas respirer", "ne respire plus", "ne respire pas", "inconscient",
		"inconsciente", "évanoui", "évanouie", "saigne", "saignement", "hémorragie", "crise cardiaque", "feu", "incendie", "fumée", "flammes",
		"brûle", "fuite de gaz", "odeur de gaz", "ça sent le gaz", "l'eau monte", "eau qui monte", "l'eau rentre", "l'eau entre", "se noie",
		"noyade", "sur le toit", "décombres", "arme", "fusil", "coups de feu", "tirs", "poignardé", "poignardée", "attaqué", "attaqués",
		"agressé", "agressée", "explosion", "effondré", "effondrée", "étouffe", "ambulance", "urgence vitale", "sos", "armé", "armée", "tire", "tirent", "va mourir", "vais mourir", "allons mourir", "se réveille pas", "réveille pas", "ne bouge plus", "renversé", "noyé", "blessé grave", "blessés graves", "ne peut pas sortir", "par balle", "blessé par", "peuvent pas sortir", "emporté par l'eau", "emportée par l'eau", "emportés par l'eau", "jusqu'à la poitrine", "jusqu'au cou", "à la poitrine", "accouche", "ne respire pas", "respire plus", "ne bouge pas", "bouge plus", "électrocuté", "électrocutée", "s'est électrocuté", "câble électrique", "brûle la maison", "la maison brûle", "en feu", "au feu", "gorge gonfle", "la gorge qui gonfle", "gorge qui se ferme", "fumée partout", "pleine de fumée", "rempli de fumée", "remplie de fumée"},
	"es": {
		// an armed attacker
		"tirador", "tiradores", "hombre armado", "hombres armados",
		// bleeding that does not stop
		"no para de sangrar", "no deja de sangrar", "no para la sangre", "no se para la sangre", "no se detiene la sangre", "no para el sangrado",
		// fainted, more than one person
		"desmayados", "desmayadas", "inconscientes",
		"balacera", "tiroteo", "todavía adentro", "todavia adentro", "aún dentro", "seguimos adentro", "seguimos dentro", "derribar la puerta", "tumbar la puerta", "forzando la puerta", "rompiendo la puerta", "no consigue salir", "no conseguimos salir", "atrapado", "atrapados", "atrapada", "atrapadas", "no podemos salir", "no puedo salir", "no puede salir", "no puede respirar",
		"no puedo respirar", "no respira", "inconsciente", "desmayado", "desmayada", "sangrando", "sangra", "mucha sangre", "hemorragia",
		"infarto", "ataque al corazón", "fuego", "incendio", "humo", "llamas", "quemando", "fuga de gas", "olor a gas", "huele a gas", "el agua sube",
		"agua está subiendo", "agua subiendo", "entrando agua", "entra agua", "ahogando", "se ahoga", "en el techo", "en el tejado", "escombros",
		"arma", "pistola", "disparos", "balazos", "disparando", "apuñalado", "apuñalada", "atacado", "atacada", "nos atacan", "explosión",
		"derrumbe", "se derrumbó", "ambulancia", "asfixia", "sos", "no despierta", "nos vamos a morir", "me voy a morir", "se va a morir", "dispararon", "baleado", "no responde", "se ahogan", "apuñalaron", "convulsión", "convulsionando", "atropellado", "nos llega al pecho", "hasta el pecho", "se quema", "se está quemando", "se queman", "se incendia", "no se mueve", "electrocutado", "electrocutada", "le dio la corriente", "descarga eléctrica", "cable de luz", "hasta el cuello", "subimos al techo", "rodeados de agua", "heridos graves", "herido grave", "herida grave", "gravemente herido", "gravemente herida", "gravemente heridos", "se le hincha la garganta", "se hincha la garganta", "garganta hinchada", "se le cierra la garganta", "con un arma", "con una pistola", "humo por todos lados", "humo por todas partes", "lleno de humo", "llena de humo"},
	"de": {
		// an armed attacker
		"amokläufer", "schütze", "bewaffneter", "bewaffnete männer",
		// bleeding that does not stop
		"hört nicht auf zu bluten", "blutung hört nicht auf", "blutet ohne ende",
		"schießerei", "noch drin", "noch drinnen", "sind noch im haus", "tür einzuschlagen", "tür eintreten", "schlagen die tür ein", "brechen die tür auf", "eingeschlossen", "gefangen", "eingeklemmt", "kommen nicht raus", "komme nicht raus", "kommt nicht raus", "keine luft", "atmet nicht",
		"bewusstlos", "blutet", "blutung", "viel blut", "herzinfarkt", "feuer", "ein brand", "der brand", "brand im", "brand in", "brennt", "rauch", "flammen", "gasleck", "riecht nach gas",
		"gasgeruch", "wasser steigt", "wasser kommt rein", "wasser dringt", "ertrinkt", "ertrinken", "auf dem dach", "trümmer", "verschüttet",
		"schüsse", "schießt", "waffe", "pistole", "messer", "angegriffen", "niedergestochen", "explosion", "zusammengebrochen", "erstickt",
		"krankenwagen", "notarzt", "sos", "kommt nicht aus", "kommen nicht aus", "wacht nicht auf", "reagiert nicht", "wir sterben", "angeschossen", "erschossen", "überfahren", "krampfanfall", "ertrunken", "bis zur brust", "bis zum hals", "bewegt sich nicht", "stromschlag", "stromleitung", "steht in flammen", "brennt ab", "aufs dach geklettert", "weggespült", "weggerissen", "schwillt zu", "überall rauch", "rauch überall", "voller rauch", "voll rauch", "schwer verletzt", "schwerverletzte", "schwer verletzte"},
	"pt": {
		// an armed attacker
		"atirador", "atiradores", "homem armado", "homens armados",
		// bleeding that does not stop
		"não para de sangrar", "nao para de sangrar", "não pára de sangrar", "sangue não para", "sangue nao para", "não estanca", "nao estanca",
		// fainted, more than one person
		"desmaiados", "desmaiadas", "inconscientes",
		"tiroteio", "ainda dentro", "continuamos dentro", "atacados", "atacadas", "armado", "armados", "atirando", "arrombar a porta", "arrombando a porta", "derrubar a porta", "ainda estamos dentro", "ainda estamos lá dentro", "estamos presos dentro", "preso", "presos", "presa", "presas", "não conseguimos sair", "nao conseguimos sair", "não consigo sair", "não consegue respirar",
		"nao consegue respirar", "não consigo respirar", "não respira", "nao respira", "não está respirando", "nao esta respirando", "não tá respirando", "nao ta respirando", "parou de respirar", "inconsciente", "desmaiou", "desmaiado", "desmaiada",
		"sangrando", "muito sangue", "hemorragia", "infarto", "ataque cardíaco", "fogo", "incêndio", "incendio", "fumaça", "fumo", "chamas",
		"vazamento de gás", "cheiro de gás", "cheiro de gas", "fuga de gás", "água está subindo", "água subindo", "agua subindo", "água entrando",
		"agua entrando", "afogando", "se afogando", "no telhado", "escombros", "arma", "tiros", "tiroteio", "baleado", "baleada", "esfaqueado",
		"esfaqueada", "atacado", "atacada", "explosão", "desabou", "ambulância", "ambulancia", "sufocando", "sos", "não consegue sair", "nao consegue sair", "não acorda", "nao acorda", "não responde", "nao responde", "vamos morrer", "balearam", "esfaquearam", "atropelado", "convulsão", "afogado", "até o peito", "até ao peito", "no nosso peito", "chegou no peito", "ainda lá dentro", "não se mexe", "nao se mexe", "choque elétrico", "choque eletrico", "levou choque", "fio de luz", "fio elétrico", "pegando fogo", "está queimando", "até o pescoço", "cercados de água", "feridos graves", "ferido grave", "ferida grave", "gravemente ferido", "gravemente ferida", "gravemente feridos", "garganta inchando", "garganta inchada", "garganta fechando", "com uma arma", "fumaça por todo lado", "fumaça em todo lugar", "cheio de fumaça", "cheia de fumaça"},
	"hi": {
		// an armed attacker
		"बंदूकधारी", "bandookdhari", "bandukdhari",
		// bleeding that does not stop
		"khoon nahi ruk", "khoon ruk nahi", "खून नहीं रुक",
		"दरवाजा तोड़*", "दरवाज़ा तोड़*", "darwaza tod*", "आग लग गई", "आग लग गयी", "आग लगी है", "aag lag gayi", "aag lag gai", "aag lagi hai", "धंस गई", "धंस गया", "धंस गए", "dhans gayi", "dhans gaya", "पूरा पत्ता", "सारी गोलियां खा", "फंसे*", "फँसे*", "फंस*", "फँस*", "साँस नहीं", "सांस नहीं", "बेहोश*", "खून बह*", "खून निकल*", "बहुत खून", "खून रुक नहीं*", "आग*", "धुआं*", "धुआँ*", "गैस लीक", "गैस की बदबू", "गैस की गंध", "गैस निकल रही", "गैस फैल*", "गैस का रिसाव", "पानी बढ़*", "पानी अंदर आ रहा", "पानी अंदर भर*", "पानी अंदर घुस*",
		"पानी घुस*", "डूब रहा", "डूब रहे", "डूब रही", "डूबने", "डूब जाएंगे", "छत पर", "मलबे*", "गोली*", "चाकू*", "हमला*", "दिल का दौरा", "हार्ट अटैक", "एम्बुलेंस", "एंबुलेंस", "phas gaye", "phase hai",
		"phanse", "fas gaye", "fase hai", "behosh", "khoon beh*", "khoon nikal*", "bahut khoon", "gas ki badboo", "gas ki smell", "gas nikal rahi", "aag", "dhuan", "dhua", "saans nahi", "saas nahi", "chhat par", "chat par", "malbe",
		"goli", "hamla", "ambulance", "gas leak", "heart attack", "doob rahe", "doob rahi", "नहीं निकल*", "निकल नहीं*", "जल रहा", "जल रही", "nahi nikal", "nikal nahi", "jal raha", "doob raha", "dub raha", "करंट लग*", "करंट लगा", "पानी में बह गया", "पानी में बह गई", "पानी में बह गए", "अंदर लोग", "paani me beh gaya", "pani me beh gaya", "andar log", "हिल नहीं रहा", "हिल नहीं रही", "हिल नहीं रहे", "हिल-डुल नहीं", "बिजली का तार", "current lag*", "hil nahi raha", "hil nahi rahi", "bijli ka taar", "nadi me beh", "nadi mein beh", "नदी में बह", "aadmi beh raha", "आदमी बह रहा", "गला सूज", "gala sooj", "gala suj", "बंदूक*", "हथियार*", "छुपे हुए हैं", "छिपे हुए हैं", "छुपे हैं", "chhupe hue hain"},
	"ur": {
		// an armed attacker
		"بندوق بردار", "مسلح شخص", "مسلح افراد",
		// bleeding that does not stop
		"خون نہیں رک", "khoon nahi ruk", "khoon ruk nahi",
		"دروازہ توڑ*", "دھنس گئی", "دھنس گیا", "ساری گولیاں کھا", "پھنس*", "سانس نہیں", "بے ہوش*", "بیہوش*", "خون بہ*", "خون نکل*", "بہت خون", "خون رک نہیں*", "آگ", "اگ لگ گئی", "اگ لگ گئ*", "اگ لگ گیا", "اگ لگی ہے", "اگ لگی ہوئی", "اگ لگ رہی", "اگ لگ رہا", "اگ لگا د*", "aag lag gayi", "aag lagi hai", "دھواں*", "دھوا*", "گیس لیک", "گیس کی بو", "گیس نکل رہی", "گیس پھیل*", "گیس کا اخراج", "پانی بڑھ*", "پانی اندر آ رہا", "پانی اندر بھر*", "پانی اندر گھس*", "پانی گھس*", "ڈوب رہا", "ڈوب رہے", "ڈوب رہی", "ڈوبنے", "ڈوب جائیں گے",
		"چھت پر", "ملبے*", "گولی*", "چاقو*", "حملہ*", "دل کا دورہ", "ایمبولینس", "ہارٹ اٹیک", "زخمی*", "نہیں نکل*", "نکل نہیں*", "جل رہا", "جل رہی", "دبے ہیں", "دبی ہیں", "دھماکہ*", "کرنٹ لگ*", "کرنٹ لگا", "پانی میں بہہ گیا", "پانی میں بہہ گئی", "پانی میں بہہ گئے", "اندر لوگ", "ہل نہیں رہا", "ہل نہیں رہی", "ہل نہیں رہے", "بجلی کا تار", "اسلحہ*", "بندوق*", "چھپے ہوئے ہیں", "چھپے ہیں"},
}

// hazardOnly are the danger phrases that name a hazard but no person in it
// ("fire", "smoke", "gun"). They raise a message to danger unless the
// classifier reads it as safe: "we left before the fire, all safe" is safe,
// "we're fine but grandpa can't get out" is not.
var hazardOnly = set("fire", "on fire", "smoke", "flames", "burning", "gun", "guns", "shooting", "shots", "knife", "explosion", "ambulance", "ambulances",
	"حريق*", "النار", "نار", "دخان*", "رصاص*", "انفجار*", "اسعاف*", "مسلح*", "هجوم", "سكين*", "سكاكين",
	"7aree2", "7ari2", "7areeq", "hariq", "l3afya", "l3afia", "dukhan", "dokhan", "dakhan", "dkhan", "d5an", "doukhan", "is3af", "es3af", "2es3af", "rsas", "ratsas", "sikkeen", "sla7", "fire",
	"feu", "incendie", "fumée", "flammes", "brûle", "arme", "fusil", "explosion", "ambulance", "tire", "tirent", "armé", "armée",
	"fuego", "incendio", "humo", "llamas", "quemando", "arma", "pistola", "explosión", "ambulancia",
	"feuer", "ein brand", "der brand", "brand im", "brand in", "brennt", "rauch", "flammen", "waffe", "pistole", "messer", "krankenwagen", "notarzt",
	"fogo", "incêndio", "incendio", "fumaça", "fumo", "chamas", "arma", "tiros", "explosão", "ambulância", "ambulancia",
	"balacera", "tiroteo", "tiroteio", "gunfire", "fusillade", "schießerei",
	"आग*", "धुआं*", "धुआँ*", "गोली*", "एम्बुलेंस", "एंबुलेंस", "aag", "dhuan", "dhua", "goli", "ambulance",
	"آگ", "دھواں*", "دھوا*", "گولی*", "دھماکہ*", "ایمبولینس", "چاقو*", "چاقو*", "चाकू*")

// negatedSafe phrases say the opposite of safe: "not ok" needs help.
var negatedSafe = []string{
	"not safe", "not ok", "not okay", "not fine", "not good", "not well", "not alright", "not all right", "aren't safe", "arent safe",
	"isn't safe", "isnt safe", "unsafe", "not safe at all", "not really safe",
	"مش بخير", "مش كويس*", "مش تمام", "مو بخير", "مو زين", "مش منيح*", "مش امن*", "مش بامان", "مو بامان", "ما نحن بخير", "لسنا بخير",
	"لسنا بامان", "لست بخير", "لست بامان", "لسنا امن*", "ماني بخير", "مانا بخير", "ماحنا بخير", "ما احنا بخير", "مش مرتاح*", "غير امن*",
	"ماشي بخير", "ماشي مزيان", "مشي مزيان", "ما زين", "موب زين", "مب زين", "مهوش*", "مش منيحين", "مش كويسين", "ما كويس*",
	"msh kwayes*", "mish kwayes*", "mesh kwayes*", "msh kwayseen", "mish kwayseen", "msh b5air", "mish b5air", "mesh b5air", "mush b5air",
	"mo zain", "mish mni7", "msh mni7", "mish mnee7", "msh mnee7", "mesh mnee7", "mesh mni7", "msh tamam", "mish tamam", "mashi mzyan", "machi mzyan", "mashi bekhir", "msh bkhair", "mish bkhair",
	// Arabizi: not safe here ("mesh amnin", "msh b aman"), as the Arabic "مش امن"
	"msh amn*", "mish amn*", "mesh amn*", "mush amn*", "msh 2amn*", "mish 2amn*", "mesh 2amn*", "msh b aman", "mish b aman", "mesh b aman",
	"msh bi aman", "mish bi aman", "mesh bi aman", "mashi f aman", "machi f aman", "mashi fel aman",
	"pas en sécurité", "pas en securite", "pas bien", "pas ok", "ne va pas", "ça va pas", "ca va pas", "pas sains et saufs", "pas à l'abri",
	"no estamos bien", "no estoy bien", "no estamos a salvo", "no estoy a salvo", "no es seguro", "no estamos seguros", "no estoy segura",
	"no estoy seguro", "no bien", "nada bien",
	"nicht sicher", "nicht gut", "nicht okay", "nicht ok", "nicht in sicherheit", "geht nicht gut", "geht uns nicht gut", "geht mir nicht gut",
	"gar nicht gut", "nicht in ordnung", "nicht gesund",
	"não estamos bem", "nao estamos bem", "não estou bem", "nao estou bem", "não estamos seguros", "nao estamos seguros", "não é seguro",
	"nao e seguro", "não estamos a salvo", "não tá tudo bem", "nao ta tudo bem", "não está tudo bem", "nao esta tudo bem", "não tá bem", "nao ta bem",
	"não está bem", "nao esta bem",
	"ठीक नहीं", "सुरक्षित नहीं", "theek nahi", "thik nahi", "theek nahin", "safe nahi", "surakshit nahi", "thik nahin",
	"ٹھیک نہیں", "محفوظ نہیں", "خیریت نہیں", "خیریت سے نہیں",
}

// questionStarts open an informational question: "how do I treat a burn",
// "is the gas safe again", "هل الغاز آمن".
var questionStarts = []string{
	"how", "what", "when", "where", "why", "which", "who", "is", "are", "can", "could", "should", "does", "do", "will", "would", "whats", "what's", "hows",
	"kif", "kifash", "kifach", "shu", "sho", "wein", "emta", "imta", "hal", "lesh", "izzay", "ezay", "2adesh", "adesh", "anu", "fein", "wach", "wesh",
	"هل", "كيف", "ماذا", "شنو", "شنهو", "واش", "اش", "قديش", "ايمتى", "إيمتى", "كيفاش", "علاش", "منين", "متى", "اين", "وين", "فين", "شلون", "كيفاش", "ليش", "ليه", "لماذا", "شو", "ايش", "وش", "امتي", "امتى", "ازاي", "ما هو", "ما هي", "كم",
	"comment", "quand", "où", "pourquoi", "quel", "quelle", "quels", "est-ce", "est ce", "peut-on", "faut-il", "combien", "que faire",
	"cómo", "como", "cuándo", "cuando", "dónde", "donde", "por qué", "qué", "que", "cuál", "se puede", "es seguro", "hay que", "cuánto",
	"wie", "wann", "wo", "warum", "was", "welche", "kann", "darf", "ist", "sind", "soll", "muss",
	"como", "quando", "onde", "por que", "o que", "qual", "pode", "posso", "é seguro", "devo", "quanto",
	"क्या", "कैसे", "कब", "कहाँ", "कहां", "क्यों", "kya", "kaise", "kab", "kahan", "kyun",
	"کیا", "کیسے", "کب", "کہاں", "کیوں",
}

// howPhrases ask how to do something or what to do, wherever they stand.
var howPhrases = []string{
	"how to", "how do i", "how do you", "how can i", "how should", "what to do", "what should i do if", "what do you do if",
	"كيف", "كيفاش", "ازاي", "إزاي", "شو لازم", "ماذا افعل اذا", "ماذا نفعل اذا", "kif", "kifash", "izzay", "ezzay",
	"comment", "que faire", "quoi faire",
	"cómo", "qué hacer", "que hacer", "o que fazer", "como fazer", "como faço", "como parar", "como saber",
	"wie kann", "wie macht", "was tun", "was macht man",
	"कैसे", "क्या करें", "क्या करना", "kaise", "kya karein", "kya karna",
	// asking which number to call is informational wherever it stands
	"which number", "what number", "what's the number", "quel numéro", "à quel numéro", "qué número", "que número", "cuál es el número",
	"welche nummer", "unter welcher nummer", "qual número", "qual o número", "أي رقم", "اي رقم", "شو الرقم", "شو رقم", "ايش رقم", "ayya ra2m", "shu el ra2m",
	"कौन सा नंबर", "किस नंबर", "kaun sa number", "kis number", "کون سا نمبر", "کس نمبر",
	"کیسے", "کیا کریں", "کیا کرنا",
}

// resolvedCues tell a hazard as over, distant or kept away, or nobody as
// hurt; see resolved.
var resolvedCues = []string{
	"didn't reach", "didnt reach", "did not reach", "never reached", "didn't get to", "didnt get to", "didn't come", "didnt come",
	"stopped", "before the", "before it", "before they", "is out now", "went out", "put out", "was put out", "is over", "it's over", "its over",
	"has passed", "passed", "receded", "went down", "gone down", "under control", "far from", "away from", "no longer", "not anymore",
	"not hurt", "nobody hurt", "no one hurt", "nobody was hurt", "no one was hurt", "nobody injured", "no injuries", "not injured", "unhurt",
	"got out", "we left", "escaped", "evacuated", "made it out", "all out", "other side", "the other way", "other direction",
	"otro lado", "l'autre côté", "autre côté", "l'autre sens", "anderen seite", "andere richtung", "outro lado", "दूसरी तरफ", "दूसरी तरफ़", "उस पार",
	"دوسری طرف", "اس پار", "الجهه التانيه", "الجهه الثانيه", "الطرف التاني", "الطرف الثاني", "el jiha el tanye", "jiha lo5ra", "el tarf el tani",
	"ما وصل*", "ما وصلت*", "موصلتش", "ماوصل*", "موصلش", "ما وصلنا", "لم يصل*", "لم تصل*", "قبل ما", "قبل وصول*", "انطف*", "طفوها", "طفيناه*", "طفت",
	"وقفت", "وقف*", "بعيد*", "ما حد تاذي", "ما حدا تاذي", "محدش اتاذي", "ما في اصابات", "لا اصابات", "بدون اصابات", "ما تاذي*", "ما انصاب*",
	"طلعنا", "خرجنا", "هربنا", "نزلت المي*", "نزل الما*", "انتهي*", "انتهت", "راح الخطر", "خلص الخطر", "تحت السيطره",
	"ma wesel*", "ma wsl*", "ma wislit", "ma wesletna", "abel ma", "9bel ma", "qbel ma", "9bl ma", "ktafet", "tfet", "t2afet", "wi2fet",
	"w2fet", "wa2fet", "taffo", "taffou", "taffouha", "mar2et", "mar2at", "b3eed", "b3id", "ma 7ada t2azza", "ma 7ad t2azza", "ma 7ada tsab", "tla3na", "5rajna", "kharajna", "hrabna", "5rjna",
	"n'a pas atteint", "pas atteint", "pas arrivé jusqu'à nous", "n'est pas arrivé*", "avant que", "avant le", "avant la", "avant l'", "éteint",
	"maîtrisé", "est passé", "terminé", "loin de", "pas blessé*", "personne n'est blessé", "personne blessé", "aucun blessé", "sains et saufs",
	"sortis à temps", "on est sortis", "évacués", "s'est arrêté*", "a reculé", "a baissé",
	"no llegó", "no nos llegó", "antes de que", "antes de", "se apagó", "apagaron", "apagado", "controlado", "ya pasó", "terminó",
	"lejos", "nadie herido", "nadie salió herido", "ningún herido", "no hay heridos", "sin heridos", "salimos", "nos fuimos", "evacuamos",
	"se detuvo", "bajó el agua", "ya bajó",
	"nicht bis zu uns", "nicht bis", "kam nicht", "nicht zu uns", "nicht erreicht", "bevor", "gelöscht", "vorbei", "unter kontrolle", "weit weg", "niemand verletzt",
	"keiner verletzt", "nicht verletzt", "unverletzt", "keine verletzten", "rausgekommen", "evakuiert", "aufgehört", "zurückgegangen",
	"hat aufgehört", "sind raus",
	"não chegou", "nao chegou", "antes de", "apagou", "apagado", "apagaram", "controlado", "já passou", "ja passou", "passou", "acabou",
	"longe", "ninguém ferido", "ninguem ferido", "ninguém se machucou", "ninguem se machucou", "sem feridos", "não se machucou", "saímos",
	"saimos", "parou", "baixou",
	"नहीं पहुँच*", "नहीं पहुंच*", "पहुंचा नहीं", "पहुँचा नहीं", "पहुंची नहीं", "पहले निकल*", "से पहले", "बुझ*", "खत्म", "ख़त्म", "दूर",
	"तक नहीं आ*", "कोई घायल नहीं", "घायल नहीं", "चोट नहीं", "नहीं लगी", "सुरक्षित निकल*", "रुक गया", "रुक गई", "उतर गया",
	"nahi pahunch*", "tak nahi aa*", "pahunchi nahi", "pahuncha nahi", "pehle nikal*", "bujh*", "khatam", "door hai", "chot nahi", "ghayal nahi", "nahi lagi",
	"نہیں پہنچ*", "پہنچا نہیں", "پہنچی نہیں", "پہلے نکل*", "تک نہیں آ*", "سے پہلے", "بجھ*", "ختم", "دور", "کوئی زخمی نہیں", "زخمی نہیں", "چوٹ نہیں",
	"نہیں لگی", "نہیں لگا", "رک گیا", "رک گئی", "اتر گیا",
}

// contrast words start a new clause: what follows them is read on its own.
var contrast = []string{
	"but", "mais", "pero", "aber", "mas", "bas", "bass", "bs", "lakin", "lekin", "magar", "بس", "لكن", "ولكن", "بينما",
	"लेकिन", "मगर", "لیکن", "مگر", "par", "पर", "پر", "walakin", "walakine", "wlakin", "walaken", "sauf que", "sin embargo", "jedoch", "doch", "porém", "só que",
}

var contrastWords []string

// personAtRisk words put someone here and now into a question, which makes
// it a plea, not a FAQ: "what do I do my son is bleeding".
var personAtRisk = []string{
	"my", "our", "we", "we're", "us", "i'm", "im", "me", "help", "sos", "now", "hurry", "quick", "please", "he's", "she's", "they're",
	"ابني", "بنتي", "ابوي", "امي", "زوجي", "زوجتي", "اخوي", "اختي", "جدي", "جدتي", "ولدي", "اطفالي", "احنا", "نحن", "انا", "عندنا", "عندي",
	"ساعدو*", "الحقو*", "النجده", "بسرعه", "الحين", "هلا", "هلق", "دلوقتي", "توا", "ابي*",
	"mon", "ma", "mes", "nous", "je", "aidez", "vite", "mi", "mis", "estamos", "ayuda", "rápido", "rapido", "mein", "meine", "wir", "hilfe", "schnell",
	"meu", "minha", "estamos", "socorro", "rápido", "मेरा", "मेरी", "मेरे", "mere", "हम", "बचाओ", "मदद", "mera", "meri", "hum", "bachao", "madad",
	"میرا", "میری", "میرے", "ہم", "بچاؤ", "مدد",
	// a named person here ("baby isn't breathing, what do I do") is as
	// present as a pronoun; "someone" and "a person" are not
	"baby", "son", "daughter", "child", "kid", "kids", "husband", "wife", "mum", "mom", "dad", "father", "mother", "grandma", "grandpa", "neighbour", "neighbor",
	"bébé", "bebe", "fils", "fille", "enfant", "mari", "femme", "papa", "maman",
	"bebé", "hijo", "hija", "niño", "niña", "esposo", "esposa", "mamá", "papá",
	"kind", "sohn", "tochter", "mann", "frau", "mama", "oma", "opa",
	"filho", "filha", "criança", "marido", "mãe", "pai",
	"ibni", "bnti", "binti", "wlidi", "mama", "baba", "jeddo", "teta", "mrati", "jouzi", "tifl",
	"طفل*", "ابن*", "بنت*", "الولد", "البيبي", "الرضيع", "امي", "ابوي", "ماما", "بابا",
	"बच्चा", "बच्चे", "बेटा", "बेटी", "बेटे", "पति", "पत्नी", "माँ", "मां", "पापा", "beta", "beti", "bachcha", "bacha",
	"بچہ", "بچے", "بیٹا", "بیٹی", "شوہر", "بیوی", "امی", "ابو",
}

// needWords ask for things. A message that asks for supplies and names no
// person at risk ("roof leaking, need a tarp") needs the classifier to be
// surer before it counts as danger: see needDangerFloor.
var needWords = []string{
	"need", "needs", "needed", "we need", "i need", "need a", "tarp", "blankets", "papers", "documents", "pharmacy",
	// asking for something to be brought is a need, whatever the item
	"bring", "can someone bring", "could you bring", "send us", "amener", "apporter", "traer", "traigan", "bringen", "levar", "trazer",
	"جيبوا", "جيبولنا", "ابعتولنا", "mne7taj", "mn7taj", "ne7taj", "bade", "baddi", "bddi", "lazemna", "ला दो", "भेज दो", "لے آئیں", "بھیج دیں",
	"محتاج*", "محتاجين", "نحتاج", "احتاج", "بحاجه", "بدنا", "بدي", "نبي", "نبغي", "ابغي", "عايزين", "صيدلي*", "اوراق*", "بطانيات", "حرامات",
	"bedna", "bidna", "baddna", "m7tajin", "mi7tajeen", "n7taj", "saydaliy*",
	"besoin", "il nous faut", "il me faut", "pharmacie", "papiers", "bâche", "couvertures",
	"necesitamos", "necesito", "farmacia", "papeles", "documentos", "lona", "cobijas", "mantas",
	"brauchen", "brauche", "bräuchten", "apotheke", "papiere", "ausweise", "plane", "decken",
	"precisamos", "preciso", "farmácia", "farmacia", "documentos", "lona", "cobertores",
	"चाहिए", "जरूरत", "ज़रूरत", "दवाई", "कागज", "chahiye", "zarurat", "dawai",
	"چاہیے", "چاہئے", "ضرورت", "دوائی", "کاغذات",
}

// notHazard are compounds that hold a danger word but name no danger
// ("couvre-feu" is a curfew, "cessez-le-feu" a ceasefire); they are blanked
// out before the danger phrases are looked for.
var notHazard = []string{
	"couvre-feu", "cessez-le-feu", "feu rouge", "feu vert", "feux de signalisation", "cease fire", "ceasefire", "fire drill",
	"alto el fuego", "toque de queda", "cessar-fogo", "cessar fogo", "fogos de artifício", "fuegos artificiales", "feu d'artifice",
	"tire-bouchon", "tire bouchon", "tire-bouchons",
	// a German reply not given to one's own mail ("antwortet seit zwei
	// tagen nicht auf meine mails") is not a door not opened ("macht seit
	// gestern nicht auf"): the welfare check reads "nicht auf" only then
	"nicht auf meine", "nicht auf meinen", "nicht auf mein", "nicht auf meiner", "nicht auf unsere", "nicht auf unseren", "nicht auf unser",
	"nicht auf mails", "nicht auf e-mails", "nicht auf nachrichten", "nicht auf anrufe", "nicht auf briefe", "nicht auf sms",
}

// notHazardSet holds notHazard, notDanger and harmlessSenses; see maskNotHazard.
var notHazardSet phraseSet

// thanksWords thank someone; see thankedHazard.
var thanksWords = []string{
	"thanks", "thank", "thx", "ty", "cheers", "merci", "remercie", "gracias", "agradezco", "danke", "dankeschön", "obrigado", "obrigada", "valeu",
	"شكرا", "مشكور*", "يعطيك العافيه", "الله يجزاك*", "تسلم*", "shukran", "mashkour*", "tislam*", "yslmo", "baraka allah", "choukran",
	"धन्यवाद", "शुक्रिया", "dhanyavaad", "dhanyavad", "shukriya", "شکریہ", "مہربانی",
}

// maskNotHazard blanks the notHazard compounds (with notDanger and
// harmlessSenses) out of padded, whole words only, in one keyed pass.
func maskNotHazard(padded string) string {
	if !notHazardSet.match(padded) {
		return padded
	}
	return notHazardSet.blank(padded)
}

// compileWhole is compile for phrases that match whole words in every
// script, Arabic included.
func compileWhole(list []string) phraseSet {
	var ps phraseSet
	for _, p := range list {
		n := Normalize(p)
		if n == "" {
			continue
		}
		ph := phrase{text: " " + n + " "}
		if k, ok := key(ph.text); ok {
			ps.byKey.add(k, ph)
		} else {
			ps.short = append(ps.short, ph)
		}
	}
	return ps
}

// phrase is a normalised phrase ready for matching.
type phrase struct {
	text   string // normalised, padded with spaces when whole words must match
	hazard bool   // names a hazard, no person (see hazardOnly)
}

// phraseSet finds phrases in a text in one pass: phrases are indexed by
// their first keyRunes runes, and the text is looked up at each rune, so
// the cost grows with the text, not with the number of phrases.
type phraseSet struct {
	byKey keyIndex[phrase]
	short []phrase // phrases shorter than keyRunes, tried everywhere
}

const keyRunes = 3

func compile(list []string) phraseSet {
	var ps phraseSet
	for _, p := range list {
		n := Normalize(strings.TrimSuffix(p, "*"))
		if n == "" {
			continue
		}
		// Arabic script glues conjunctions and prepositions to the next
		// word ("وما يتنفس"), so its phrases of two or more words match
		// inside words too.
		inner := strings.HasSuffix(p, "*") || (arabicScript(n) && strings.Contains(n, " "))
		if !inner {
			n = " " + n + " "
		}
		ph := phrase{text: n, hazard: hazardOnly[p]}
		k, ok := key(n)
		if !ok {
			ps.short = append(ps.short, ph)
			continue
		}
		ps.byKey.add(k, ph)
	}
	return ps
}

// scan reports whether padded (" "+normalised text+" ") holds a phrase
// naming a person at risk (strong) and one naming a hazard.
func (ps phraseSet) scan(padded string) (strong, hazard bool) {
	for i, at := range ps.byKey.at(padded) {
		for _, p := range at {
			if strings.HasPrefix(padded[i:], p.text) {
				if p.hazard {
					hazard = true
				} else {
					strong = true
				}
			}
		}
		if strong {
			return strong, hazard
		}
	}
	for _, p := range ps.short {
		if strings.Contains(padded, p.text) {
			if p.hazard {
				hazard = true
			} else {
				strong = true
			}
		}
	}
	return strong, hazard
}

// prefix reports whether padded starts with a phrase of the set.
func (ps phraseSet) prefix(padded string) bool {
	if k, ok := key(padded); ok {
		for _, p := range ps.byKey.get(k) {
			if strings.HasPrefix(padded, p.text) {
				return true
			}
		}
	}
	for _, p := range ps.short {
		if strings.HasPrefix(padded, p.text) {
			return true
		}
	}
	return false
}

// blank returns padded with every phrase of the set found in it replaced by
// spaces, so that what is left can be read apart from those phrases.
func (ps phraseSet) blank(padded string) string {
	b := []byte(padded)
	mark := func(i int, p phrase) {
		for j := i; j < i+len(p.text); j++ {
			b[j] = ' '
		}
	}
	for i, at := range ps.byKey.at(padded) {
		for _, p := range at {
			if strings.HasPrefix(padded[i:], p.text) {
				mark(i, p)
			}
		}
	}
	for _, p := range ps.short {
		for off := 0; ; {
			j := strings.Index(padded[off:], p.text)
			if j < 0 {
				break
			}
			mark(off+j, p)
			off += j + len(p.text)
		}
	}
	return string(b)
}

// last returns the byte offset in padded of the last phrase of the set
// found in it, -1 when none; with hazards, only hazard phrases count.
func (ps phraseSet) last(padded string, hazards bool) int {
	at := -1
	for i, ph := range ps.byKey.at(padded) {
		for _, p := range ph {
			if (!hazards || p.hazard) && strings.HasPrefix(padded[i:], p.text) {
				at = i
			}
		}
	}
	for _, p := range ps.short {
		if (!hazards || p.hazard) && strings.Contains(padded, p.text) {
			at = max(at, strings.LastIndex(padded, p.text))
		}
	}
	return at
}

// match reports whether padded holds any phrase of the set.
func (ps phraseSet) match(padded string) bool {
	strong, hazard := ps.scan(padded)
	return strong || hazard
}

var (
	dangerSet   phraseSet
	negatedSet  phraseSet
	questionSet phraseSet
	howSet      phraseSet
	cueSet      phraseSet
	personSet   phraseSet
	needSet     phraseSet
	thanksSet   phraseSet
)

func init() {
	var all []string
	for _, l := range []string{"en", "ar", "ar-latn", "fr", "es", "de", "pt", "hi", "ur"} {
		all = append(all, dangerPhrases[l]...)
	}
	all = append(all, riskPhrases...)
	all = append(all, signPhrases...)
	all = append(all, selfHarmPhrases...)
	dangerSet = compile(all)
	negatedSet = compile(negatedSafe)
	personSet = compile(personAtRisk)
	needSet = compile(needWords)
	thanksSet = compile(thanksWords)
	// Question openers are matched at the start of the message only.
	questionSet = compile(questionStarts)
	howSet = compile(howPhrases)
	cueSet = compile(resolvedCues)
	for _, w := range contrast {
		contrastWords = append(contrastWords, " "+Normalize(w)+" ")
	}
}

// opensQuestion reports whether the message starts like a question: an
// opener of one or two words at the very start ("is", "est-ce", "o que"),
// not anywhere in the first words ("i can smell gas" is no question).
func opensQuestion(padded string) bool {
	return questionSet.prefix(padded)
}

// questionForm reports whether the message reads as a question: it opens
// with an interrogative, asks how to do something anywhere in it (Hindi and
// Urdu put "कैसे"/"کیسے" late), or ends with a single question mark ("??"
// is impatience, not a question).
func questionForm(padded string) bool {
	return opensQuestion(padded) || howSet.match(padded) || strings.HasSuffix(padded, " ? ")
}

// resolved reports whether every danger phrase in text sits in a clause
// that tells the hazard as over, distant or kept away ("the water didn't
// reach us", "we got out before the fire came", "कोई घायल नहीं"). Clauses
// end at punctuation and at contrast words ("but", "بس", "lekin"), so a
// live danger after a resolved one ("we got out but dad is still trapped")
// keeps the message danger. A phrase split across clauses, found in the
// whole text but in no clause, counts as live.
func resolved(text string) bool {
	found, live := scanClauses(text)
	return found && !live
}

// calm reports whether text tells a hazard as over or kept away and names
// no live danger: a cue ("stopped", "didn't reach", "ما وصلت") and no danger
// phrase outside a clause with a cue. "The water came up to the wall and
// stopped, we're ok" is calm; the classifier, which has seen "water" in
// many emergencies, must then be surer before it counts as danger.
func calm(text, padded string) bool {
	if !cueSet.match(padded) {
		return false
	}
	_, live := scanClauses(text)
	return !live
}

// scanClauses reports whether text holds a danger phrase in some clause
// (found), and in some clause without a cue (live). A phrase split across
// clauses, found in the whole text but in no clause, counts as live.
func scanClauses(text string) (found, live bool) {
	for _, c := range strings.FieldsFunc(text, clauseEnd) {
		for _, part := range splitContrast(" " + Normalize(c) + " ") {
			// "the fire was under control but it flared up again": a part
			// after a contrast that starts a new turn (again, now) brings
			// back the danger a cue had told as over, unless it tells a calm
			// end itself ("but now everyone is fine").
			if found && turnSet.match(part) && !cueSet.match(part) {
				live = true
			}
			if !dangerAt(part) {
				continue
			}
			found = true
			// The cue must stand outside the danger phrase: "stopped" in
			// "she stopped breathing" tells nothing is over.
			if !cueSet.match(dangerSet.blank(part)) {
				live = true
			}
		}
	}
	if !found && dangerAt(" "+Normalize(text)+" ") {
		live = true
	}
	return found, live
}

func clauseEnd(r rune) bool {
	switch r {
	case ',', '.', ';', ':', '!', '?', '\n', '،', '؛', '؟', '।', '۔', '…', '-', '–', '—':
		return true
	}
	return false
}

// turnSet holds the words that start a new turn after a contrast word
// (resolutionTurns): "but now", "but again".
var turnSet = compileWhole(withDeaccent(resolutionTurns))

// splitContrast cuts a padded clause at contrast words.
func splitContrast(padded string) []string {
	parts := []string{padded}
	for _, w := range contrastWords {
		var next []string
		for _, p := range parts {
			for _, q := range strings.Split(p, w) {
				next = append(next, " "+strings.TrimSpace(q)+" ")
			}
		}
		parts = next
	}
	return parts
}

func arabicScript(s string) bool {
	for _, r := range s {
		if r >= 0x0600 && r <= 0x06FF {
			return true
		}
	}
	return false
}

// dangerAt reports whether padded names a danger, compounds like
// "couvre-feu" aside.
func dangerAt(padded string) bool {
	return dangerSet.match(maskNotHazard(padded))
}

// lossWords name what a hazard left behind as a hardship: a job or wages
// lost, a stall, shop or tools burnt, rent due, an insurance claim, a night
// in a shelter ("lost my job at the warehouse after the fire", "perdimos el
// puesto del mercado en el incendio"). A hazard named as the cause of such
// a loss, with no danger phrase naming a person at risk, is a need: the
// hazard phrase alone does not raise it (see dangerRule).
var lossWords = []string{
	"lost my job", "lost our", "lost everything", "my job", "job", "jobs", "wages", "salary", "paid", "rent", "insurance", "compensation",
	"claim", "stall", "my shop", "our shop", "warehouse", "workshop", "tools", "my stock", "our stock", "livelihood", "nothing to sell", "shelter",
	"nowhere to sleep", "nowhere to stay", "clothes", "forms",
	"mon travail", "mon boulot", "mon emploi", "emploi", "salaire", "loyer", "assurance", "indemnisation", "ma boutique", "mon commerce",
	"mon atelier", "entrepôt", "outils", "marchandise", "gymnase", "hébergement", "vêtements", "formulaires", "paperasse",
	"mi trabajo", "el trabajo", "trabajo", "nuestro puesto", "empleo", "sueldo", "salario", "la renta", "alquiler", "seguro", "indemnización", "el puesto", "mi puesto",
	"negocio", "herramientas", "mercancía", "albergue", "ropa", "zapatos",
	"arbeit", "job", "lohn", "gehalt", "miete", "versicherung", "entschädigung", "laden", "werkstatt", "werkzeug", "notunterkunft",
	"turnhalle", "kleidung",
	"emprego", "trabalho", "trabalhar", "salário", "aluguel", "aluguer", "renda", "seguro", "indenização", "indemnização", "banca",
	"loja", "armazém", "ferramentas", "abrigo", "roupa", "roupas",
	"شغلي", "شغل", "وظيفتي", "راتب*", "رواتب", "ايجار", "الايجار", "تامين", "التامين", "تعويض*", "المحل", "محلي", "بسطه", "البسطه",
	"بضاعه", "البضاعه", "خسرت", "خسرنا", "ملابس", "هدوم",
	"sho8li", "shoghli", "khdemti", "5edmti", "ra2teb", "ratib", "ijar", "ta2meen", "ta3wid", "el ma7al", "l7anout", "hdoum", "7wayej",
	"नौकरी", "तनख्वाह", "तनख़्वाह", "वेतन", "किराया", "दुकान", "गोदाम", "बीमा", "मुआवजा", "मुआवज़ा", "कपड़े",
	"naukri", "tankhwah", "tankhwa", "kiraya", "dukaan", "dukan", "godam", "beema", "muavza", "kapde",
	"نوکری", "تنخواہ", "کرایہ", "دکان", "گودام", "بیمہ", "معاوضہ", "کپڑے",
	// the home lost to a landlord after the hazard: "the landlord wants us out after the fire"
	"landlord", "evict", "evicted", "evicting", "eviction", "propriétaire", "expulser", "expulsion", "casero", "casera", "desalojar", "desalojo",
	"vermieter", "räumung", "dono da casa", "despejar", "despejo", "صاحب البيت", "يطردنا", "sa7eb el beit", "sa7eb el bet", "ytorodna",
	"मकान मालिक", "makan malik", "مالک مکان",
}

// everydayEvents are family events and plans: a wedding, a birthday, a
// visit, an exam, a trip ("my cousin is getting married in June", "mi
// primo se casa en junio"). The classifier has met relatives mostly in
// emergencies; told with such an event and nothing naming a danger, a
// message needs EverydayDangerFloor to be read as one.
var everydayEvents = []string{
	"getting married", "get married", "wedding", "engagement", "engaged", "birthday", "graduation", "baby shower", "christening", "honeymoon",
	"holiday", "holidays", "vacation", "coming to visit", "coming to stay", "visiting us", "exam", "exams",
	"se marie", "se marier", "mariage", "fiançailles", "anniversaire", "baptême", "remise des diplômes", "vacances", "vient nous voir", "examen",
	"se casa", "casarse", "boda", "casamiento", "cumpleaños", "cumple", "bautizo", "graduación", "vacaciones", "nos visita", "viene a visitarnos",
	"heiratet", "heiraten", "hochzeit", "verlobung", "verlobt", "geburtstag", "taufe", "urlaub", "ferien", "kommt zu besuch", "besucht uns", "prüfung",
	"vai casar", "vão casar", "casamento", "noivado", "aniversário", "batizado", "formatura", "férias", "vem visitar", "vem nos visitar",
	"عرس", "العرس", "زفاف", "خطوبه", "بيتزوج", "يتزوج", "تتزوج", "بتتزوج", "عيد ميلاد", "تخرج", "اجازه", "الاجازه",
	"3ers", "3ors", "el 3ers", "faraj", "fara7", "zafaf", "5otoba", "khotoba", "tjawwaz", "yetjawwaz", "bi tjawwaz", "byetjawwaz", "3id milad",
	"eid milad", "ta5arroj", "takharroj", "ejaze", "el ejaze",
	"शादी", "सगाई", "जन्मदिन", "बर्थडे", "छुट्टियां", "छुट्टियाँ", "shaadi", "shadi", "sagai", "janamdin", "janmdin", "birthday", "chhuttiyan",
	"شادی", "منگنی", "سالگرہ", "مہندی", "بارات", "ولیمہ", "چھٹیاں", "mehndi", "barat", "walima", "salgirah",
	// a parked car in the way: a nuisance, whoever the sender would call
	"blocks our driveway", "blocking our driveway", "blocks the driveway", "blocking the driveway", "parked across our drive",
	"bloque notre entrée", "bloque l'entrée du garage", "garée devant notre garage", "bloquea la entrada", "tapa la cochera",
	"bloquea el garaje", "blockiert unsere einfahrt", "blockiert die einfahrt", "parkt vor unserer einfahrt", "bloqueando a garagem",
	"na frente da nossa garagem", "سادة الباب", "سادة الكراج", "سادّة المدخل", "रास्ता रोक कर खड़ी", "راستہ روک کر کھڑی",
}

var (
	lossSet     = compileWhole(withDeaccent(concat(lossWords, belongings)))
	everydaySet = compileWhole(withDeaccent(everydayEvents))
)

// figureWords are what people praise or complain about with a danger word
// as a figure: a match, a series, a party, an exam, a workload ("el partido
// estuvo de infarto", "آج کا پیپر تو قتل عام تھا", "drowning in marking",
// "a festa tava pegando fogo"); laughWords mark the message as a joke. In a
// message the classifier reads as chatter, with nothing urgent, a danger
// phrase among them is a figure (see figure).
var (
	figureWords = []string{
		"match", "the game", "episode", "show", "the show", "party", "gym", "exam", "marking", "meetings", "group chat", "the chat", "dance", "dancing", "workout",
		"le match", "la série", "l'épisode", "la soirée", "la fête", "la salle", "réunions", "partiel",
		"el partido", "la novela", "el capítulo", "la fiesta", "el gimnasio", "el examen", "la piñata",
		"das spiel", "die folge", "die party", "das fitnessstudio", "die prüfung", "arbeit",
		"o jogo", "o show", "a novela", "o episódio", "a festa", "a academia", "a prova",
		"الماتش", "المباراه", "المسلسل", "الحلقه", "الحفله", "الامتحان", "الفستان", "الطبخه",
		"el match", "el mosalsal", "el 7afle", "el imti7an",
		"मैच", "पेपर", "डांस", "पार्टी", "match", "paper", "dance", "party",
		"میچ", "پیپر", "ڈانس", "پارٹی",
		// a goal, a song, one's team, an inbox: "🔥🔥🔥 that goal", "my inbox is on fire"
		"goal", "that goal", "the song", "this song", "my team", "our team", "this season", "inbox", "emails",
		"quel but", "ce but", "la chanson", "cette chanson", "mon équipe", "boîte mail", "mails",
		"gol", "golazo", "la canción", "esta canción", "mi equipo", "la bandeja", "correos", "el reggaeton",
		"tor", "das tor", "das lied", "mein team", "unser team", "postfach", "e-mails",
		"golaço", "que golaço", "a música", "essa música", "meu time", "nosso time", "caixa de entrada",
		"الهدف", "هالهدف", "الاغنيه", "هالاغنيه", "فريقي", "فريقنا", "الايميل", "الايميلات",
		"el hadaf", "el ghinniye", "ghinniye", "el ghinnye", "fari2i",
		"गोल", "गाना", "मेरी टीम", "ईमेल", "gaana", "gana", "meri team", "email",
		"گول", "گانا", "میری ٹیم", "ای میل",
		// boredom, of which people say "dying of boredom", "بوریت سے مر گیا"
		"boredom", "bored", "ennui", "je m'ennuie", "aburrimiento", "aburrida", "aburrido", "langeweile", "tédio", "tedio",
		"الملل", "من الملل", "طفش", "الطفش", "zah2an", "el malal", "mn el malal", "बोरियत", "बोर", "boriyat", "bore", "بوریت", "بور",
		// the news, of which people tell a far disaster: "saw the fire on the news in Canada"
		"on the news", "on tv", "on the telly", "in the news", "à la télé", "aux infos", "au journal", "dans le journal", "en las noticias",
		"en la tele", "en el noticiero", "im fernsehen", "in den nachrichten", "im radio", "no jornal", "na tv", "na televisão", "nas notícias",
		"بالتلفزيون", "عالتلفزيون", "على التلفزيون", "بالاخبار", "عالاخبار", "في الاخبار", "bel tv", "3al tv", "bel a5bar", "3al akhbar",
		"न्यूज़ में", "न्यूज में", "टीवी पर", "खबरों में", "news mein", "tv pe", "tv par", "خبروں میں", "ٹی وی پر", "نیوز میں",
	}
	laughWords = []string{"lol", "lmao", "haha", "hahaha", "jaja", "jajaja", "kkk", "kkkk", "kkkkk", "hhh", "hhhh", "mdr", "ptdr", "xd", "ههه", "هههه", "ههههه", "हाहा", "ہاہا", "hehe", "rsrs"}
	figureSet  = compileWhole(withDeaccent(append(append([]string{}, figureWords...), laughWords...)))
)

// figure reports whether a danger word in text is told as a figure: the
// classifier read chatter (top), a figure's subject or a laugh is named,
// and nothing is urgent.
func figure(text, padded, masked string, top Class) bool {
	if !figurativeTop(top) {
		return false
	}
	if !mediaSet.match(masked) && !figureSet.match(padded) && !containsAny(text, "😂🤣😅😆") {
		return false
	}
	return cueSets.scan(padded)&cueUrgent == 0
}

// A home left full of smoke, a traveller stuck at a station, a road cut by
// a collapse: told with a need for a bed or a fare home ("the house is
// full of smoke, we can't sleep there, we need a place for tonight",
// "coincée à l'aéroport, pas d'hôtel"), the smoke or the being stuck is
// the cause of the need, not a person at risk. displaceWords are the phrases
// that then name nothing more; shelterNeed is the need.
var (
	displaceWords = []string{
		"smoke", "full of smoke", "filled with smoke", "stuck", "we're stuck", "we are stuck", "collapsed", "bridge collapsed", "swept away",
		"fumée", "pleine de fumée", "remplie de fumée", "rempli de fumée", "coincé", "coincée", "coincés", "coincées", "effondré",
		"humo", "llena de humo", "lleno de humo", "atrapado", "atrapada", "atrapados", "se derrumbó",
		"rauch", "voller rauch", "voll rauch", "sitzen fest", "hängen fest", "stecken fest",
		"fumaça", "cheia de fumaça", "cheio de fumaça", "preso", "presa", "presos", "fiquei preso", "fiquei presa", "desabou",
		"دخان", "الدخان", "عالق", "عالقين", "عالقه", "محصور*", "dukhan", "dokhan", "3al2an", "3al2anin",
		"धुआं", "धुआँ", "धुआं ही धुआं", "धुआँ ही धुआँ", "फंसा", "फंसे", "फंसी", "फँसे", "dhuan", "phansa", "phase",
		"دھواں", "دھواں ہی دھواں", "پھنسا", "پھنسے", "پھنسی", "dhuan", "phansa",
	}
	shelterNeed = []string{
		"nowhere to sleep", "somewhere to sleep", "place to sleep", "place to stay", "somewhere to stay", "place for tonight", "for tonight",
		"can't sleep there", "cant sleep there", "cannot sleep there", "get home", "no hotel", "money to get home",
		"un endroit pour ce soir", "pour ce soir", "où dormir", "pas d'hôtel", "y dormir", "rentrer chez",
		"dónde pasar la noche", "donde pasar la noche", "dónde dormir", "donde dormir", "dormir ahí", "sin hotel", "volver a casa",
		"wo schlafen", "schlafplatz", "unterkunft", "kein hotel", "nach hause kommen", "für heute nacht",
		"lugar pra hoje", "lugar para hoje", "lugar para dormir", "lugar pra dormir", "onde dormir", "dormir lá", "voltar pra casa", "voltar para casa",
		"وين ننام", "مكان لليله", "مكان ننام", "مكان للنوم", "ننام فيه", "مكان نبات", "wein nnam", "wen nnam", "makan lel leile",
		"सो नहीं सकते", "रुकने की जगह", "रात रुकने", "घर जाने के पैसे", "sone ki jagah", "rehne ki jagah", "ghar jane ke paise",
		"سو نہیں سکتے", "رات کے لیے جگہ", "رکنے کی جگہ", "گھر جانے کے پیسے", "رہنے کی جگہ",
	}
	displaceSet = compile(withDeaccent(displaceWords))
	shelterSet  = compile(withDeaccent(shelterNeed))
)

// displaced reports whether masked, read as a need (top), tells only of a
// home or a journey made impossible, with a bed or a way home asked for:
// once the smoke, the being stuck and the collapse are blanked out,
// nothing names a person at risk.
func displaced(masked string, top Class) bool {
	if top != NeedHelp || !shelterSet.match(masked) || !displaceSet.match(masked) {
		return false
	}
	rest := displaceSet.blank(masked)
	strong, _ := dangerSet.scan(rest) // a hazard left ("the fire downstairs") is the cause
	c := conceptAt(rest)
	return !strong && !pairedRisk(rest) && (c < 0 || concepts[c].hazard)
}

// misreadWords tell that what alarmed was something else: "the gas smell
// was the neighbours' bbq", "ريحة مجاري مش غاز", "jhooti khabar thi, dhuan
// padosi ke tandoor ka tha". In a message the classifier reads as safe,
// with nothing urgent, the danger words name the alarm, not a danger.
var (
	misreadWords = []string{
		"false alarm", "turned out", "it was just", "was just the", "was only the", "not gas", "wasn't gas", "wasnt gas", "no gas leak",
		"fausse alerte", "c'était juste", "c'était que", "c'était seulement", "pas du gaz", "pas de gaz",
		"falsa alarma", "era solo", "era sólo", "no era gas", "resultó ser", "resulto ser",
		"fehlalarm", "falscher alarm", "war nur", "kein gas", "stellte sich heraus",
		"alarme falso", "falso alarme", "era só", "era so", "não era gás", "nao era gas",
		"انذار كاذب", "انذار خاطئ", "مش غاز", "مو غاز", "ما كان غاز", "خبر غلط", "ghalat", "msh ghaz", "mish ghaz", "mesh ghaz", "ma kan ghaz",
		"झूठी खबर", "गलत खबर", "ग़लत खबर", "झूठा अलार्म", "गलत अलार्म", "गैस नहीं", "jhooti khabar", "jhoothi khabar", "galat khabar",
		"ghalat khabar", "galat alarm", "ghalat alarm", "gas nahi",
		"غلط خبر", "جھوٹی خبر", "غلط الارم", "گیس نہیں",
		// checked and found clear
		"all clear", "checked the whole", "checked everything", "checked it all", "tout vérifié", "tout est vérifié", "revisó todo", "revisaron todo",
		"alles geprüft", "alles kontrolliert", "verificou tudo", "verificaram tudo", "شيك كل", "فحص كل", "sab check kar", "सब चेक कर", "سب چیک کر",
	}
	misreadSet = compile(withDeaccent(misreadWords))
)

// misread reports whether a message read as safe (top) tells its alarm as
// something else, with nothing urgent in it.
func misread(padded string, top Class) bool {
	return top == Safe && misreadSet.match(padded) && cueSets.scan(padded)&cueUrgent == 0
}
