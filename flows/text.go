package flows

// Texts the bot says, per language. Languages without their own texts fall
// back to English; FAQ answers still come in the user's language when the
// FAQ has them.
type texts struct {
	Welcome        string
	MenuPrompt     string
	BtnAsk         string
	BtnSafe        string
	BtnHuman       string
	AskPrompt      string
	SafeThanks     string
	HumanQueued    string
	HumanWaiting   string
	Helpful        string
	BtnYes         string
	BtnNo          string
	ThanksFeedback string
	DidYouMean     string
	ListButton     string
	NoMatch        string
	NoMatchAgain   string
	NotHelpful     string
	Unreadable     string
	Location       string
	OptedOut       string
	OptedIn        string
	RowHuman       string
	RowHumanDesc   string
}

var catalog = map[string]texts{
	"en": {
		Welcome:        "Hello%s. This is the emergency help line. I answer questions straight away, day and night, and a person can take over when you need one.",
		MenuPrompt:     "What would you like to do? You can also just type your question.",
		BtnAsk:         "Ask a question",
		BtnSafe:        "I'm safe",
		BtnHuman:       "Talk to a person",
		AskPrompt:      "Please type your question in a few words, for example: where is the nearest shelter?",
		SafeThanks:     "Thank you for letting us know you are safe. If anything changes, write to us here at any time.",
		HumanQueued:    "A person from our team will answer you here as soon as possible. You can keep writing: your messages are kept for them.",
		HumanWaiting:   "Your conversation is with our team. A person will answer you here.",
		Helpful:        "Was this helpful?",
		BtnYes:         "Yes, thanks",
		BtnNo:          "No",
		ThanksFeedback: "Thank you. Write any time if you have another question.",
		DidYouMean:     "I am not sure I understood. Did you mean one of these?",
		ListButton:     "See questions",
		NoMatch:        "Sorry, I don't have an answer to that yet. Try other words, or talk to a person.",
		NoMatchAgain:   "I still could not find an answer. A person from our team can help you.",
		NotHelpful:     "Sorry about that. Maybe one of these answers your question, or a person can help.",
		Unreadable:     "Sorry, I can only read written messages. Please type your question, or choose an option below.",
		Location:       "Thank you, we have received your location.",
		OptedOut:       "You will no longer receive alerts from us. Send START to receive them again. You can still write to us here at any time.",
		OptedIn:        "You will receive our alerts again. Send STOP at any time to stop them.",
		RowHuman:       "Talk to a person",
		RowHumanDesc:   "Someone from our team answers",
	},
	"ar": {
		Welcome:        "مرحباً%s. هذا خط المساعدة في حالات الطوارئ. أجيب عن الأسئلة فوراً ليلاً ونهاراً، ويمكن لأحد موظفينا تولي المحادثة عند الحاجة.",
		MenuPrompt:     "ماذا تريد أن تفعل؟ يمكنك أيضاً كتابة سؤالك مباشرة.",
		BtnAsk:         "اطرح سؤالاً",
		BtnSafe:        "أنا بأمان",
		BtnHuman:       "التحدث مع شخص",
		AskPrompt:      "من فضلك اكتب سؤالك في كلمات قليلة، مثلاً: أين أقرب مأوى؟",
		SafeThanks:     "شكراً لإبلاغنا بأنك بأمان. إذا تغير شيء، اكتب لنا هنا في أي وقت.",
		HumanQueued:    "سيرد عليك أحد أعضاء فريقنا هنا في أقرب وقت ممكن. يمكنك مواصلة الكتابة: رسائلك محفوظة لهم.",
		HumanWaiting:   "محادثتك الآن مع فريقنا. سيرد عليك أحدهم هنا.",
		Helpful:        "هل كانت الإجابة مفيدة؟",
		BtnYes:         "نعم، شكراً",
		BtnNo:          "لا",
		ThanksFeedback: "شكراً لك. اكتب لنا في أي وقت إذا كان لديك سؤال آخر.",
		DidYouMean:     "لست متأكداً أنني فهمت. هل تقصد أحد هذه الأسئلة؟",
		ListButton:     "عرض الأسئلة",
		NoMatch:        "عذراً، ليست لدي إجابة عن هذا بعد. جرّب كلمات أخرى، أو تحدث مع شخص.",
		NoMatchAgain:   "ما زلت لم أجد إجابة. يمكن لأحد أعضاء فريقنا مساعدتك.",
		NotHelpful:     "نأسف لذلك. ربما يجيب أحد هذه الأسئلة عن سؤالك، أو يمكن لشخص مساعدتك.",
		Unreadable:     "عذراً، لا أستطيع قراءة إلا الرسائل المكتوبة. من فضلك اكتب سؤالك، أو اختر أحد الخيارات أدناه.",
		Location:       "شكراً لك، لقد استلمنا موقعك.",
		OptedOut:       "لن تصلك تنبيهاتنا بعد الآن. أرسل \"ابدأ\" لتلقيها مجدداً. يمكنك دائماً الكتابة إلينا هنا.",
		OptedIn:        "ستصلك تنبيهاتنا مجدداً. أرسل \"إيقاف\" في أي وقت لإيقافها.",
		RowHuman:       "التحدث مع شخص",
		RowHumanDesc:   "يرد عليك أحد أعضاء فريقنا",
	},
}

func textsFor(lang string) texts {
	if t, ok := catalog[lang]; ok {
		return t
	}
	return catalog["en"]
}
