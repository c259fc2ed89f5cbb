// Package understand decides what an inbound message is about: danger, a
// need for help, safe, a request for a person, opt-out or opt-in, greeting,
// thanks, impatience in the queue, a question for the FAQ, or something else.
//
// It is pure: a small linear classifier is trained at start from example
// messages embedded in the binary (examples/<lang>/<class>.txt and the
// development sets of DevSets), and a safety layer on top can raise any
// message to danger but never lower one.
package understand

import (
	"cmp"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Class is what a message is about.
type Class string

// The classes, from most to least urgent.
const (
	Danger      Class = "danger"       // someone trapped, injured, unconscious, bleeding, fire, gas, water coming in, violence, medical emergency
	NeedHelp    Class = "need_help"    // needs help, not life-threatening
	Safe        Class = "safe"         // "we are fine"
	Human       Class = "human"        // wants a person
	OptOut      Class = "opt_out"      // stop messages
	OptIn       Class = "opt_in"       // (re)subscribe
	Greeting    Class = "greeting"     // hello
	Thanks      Class = "thanks"       // thank you
	QueueStatus Class = "queue_status" // "how long", "are you there", impatience ("please hurry", "hello??" while waiting)
	Question    Class = "question"     // for the FAQ
	Other       Class = "other"        // nothing the bot acts on
)

// Classes lists every class in a fixed order.
var Classes = []Class{Danger, NeedHelp, Safe, Human, OptOut, OptIn, Greeting, Thanks, QueueStatus, Question, Other}

// Scored is one class and the classifier's probability for it.
type Scored struct {
	Class Class
	Score float64 // 0..1, probabilities over classes summing to ~1 from the classifier
}

// Result is what a message is about.
type Result struct {
	Class      Class    // what the bot acts on: danger wins over everything
	Confidence float64  // 0..1 for Class
	Scores     []Scored // every class, best first
	Also       []Class  // other classes the message clearly carries (e.g. Safe when Class is Danger)
	Lang       string   // "en","ar","fr","es","de","pt","hi","ur" ... ("" when unknown); Arabic in Latin letters -> "ar"
	Latin      bool     // Arabic written in Latin letters ("ana b5air")
	Rule       string   // name of the safety rule that fired, "" when none (for logs/eval)
	// NumberAsked: the message asks for the emergency number
	// (emergencynumber.go), whatever its class; read as a question
	// (RuleNumberAsked) when it tells no emergency.
	NumberAsked bool
}

// Rule names, as set in Result.Rule.
const (
	RuleDangerLexicon = "danger_lexicon" // a phrase naming a person at risk raised the message to danger
	RuleDangerHazard  = "danger_hazard"  // a phrase naming a hazard (fire, gun) raised a message not read as safe
	RuleDangerScore   = "danger_score"   // the classifier's danger probability reached DangerFloor though another class scored higher
	RuleDangerConcept = "danger_concept" // a life threat told as a situation ("the baby is floppy", "dad's ventilator has no power") raised the message
	RuleNegatedSafe   = "negated_safe"   // "not safe", "مش بخير": need help, not safe
	RuleEmpty         = "empty"          // nothing to read: no letters, digits or known emoji
	RuleOptOutPhrase  = "opt_out_phrase" // "I don't need the alerts any more", "remove my number": opt-out told at length
	RuleHumanPhrase   = "human_phrase"   // "could someone from your team call me back": a person asked for at length
	RuleNeedAsked     = "need_asked"     // hardship told, then a question: "I'm stuck since the bridge fell, how do I get home?"
	RuleSelfHarm      = "self_harm"      // danger to oneself ("I took all the pills", "I don't want to be alive"), however it was decided
	RuleWellLast      = "well_last"      // read as a need, but the message ends saying all are well and asks for nothing: safe
	RuleResolved      = "resolved"       // a danger told as over ("found him at the police post", "power's back, she's asleep"): safe
	RuleRollCall      = "roll_call"      // every person named ticked ✅ ("mum ✅ dad ✅ gran ✅ all upstairs"): safe
	RuleForwarded     = "forwarded"      // a forwarded chain or rumour naming a hazard, nobody at risk: chatter or a question
	RulePlanAsked     = "plan_asked"     // a plan asked under a condition, then "we're fine now" ("if the water reaches the door, roof or leave? all ok now"): a question
	RuleHyperbole     = "hyperbole"      // "dying of boredom", "this heat will kill me", or a phone lost and another's used: the classifier's best other class
	RuleNumberAsked   = "number_asked"   // "what's the ambulance number": the emergency number asked for, no emergency told: a question
)

// Thresholds, chosen by cross-validation on the examples (see BENCHMARKS.md,
// "Understanding").
const (
	// DangerFloor is the classifier's danger probability from which a
	// message is danger, whether or not danger scores highest; below it only
	// the safety phrases make a message danger. In 5-fold cross-validation
	// on the examples (3,673) no floor from 0.20 to 0.30 misses a danger
	// message; false alarms are 3.5% at 0.30, 4.8% at 0.25, 6.0% at 0.20.
	// The floor is the lowest that keeps them at or under 5%: a missed
	// emergency costs more than an agent's look at a false one. Checked
	// again at 9,047 examples: 0.30 loses 15 or more cross-validated
	// danger messages whatever the training settings (round 8). Lowered
	// to 0.20 with the writers of heldout18-25 in the training data: on
	// three sets written blind after them (heldout26-28, 2,160 messages)
	// 0.25 missed 18 of 486 dangers with 130 false alarms of 1,674, 0.20
	// missed 14 with 139 (BENCHMARKS.md, "Blind sets heldout19-31").
	DangerFloor = 0.20
	// NeedDangerFloor replaces DangerFloor when the message asks for
	// supplies ("need a tarp", "محتاجين بطانيات"): hardship told at length
	// shares words with danger, and the safety phrases still raise a
	// message that names a person at risk.
	NeedDangerFloor = 0.60
	// WellDangerFloor replaces DangerFloor when the message asserts
	// well-being ("all fine", "nobody hurt", "سالمين") and no safety phrase
	// names a person at risk: a hazard told as over or elsewhere shares
	// its words with emergencies. Chosen by the same rule as DangerFloor:
	// in 5-fold cross-validation no well floor from 0.25 to 0.80 misses a
	// danger message, and false alarms are 5.2% at 0.25, 4.9% at 0.40 and
	// 0.50, 4.8% at 0.60, 4.7% at 0.70; 0.40 is the lowest at or under 5%.
	WellDangerFloor = 0.40
	// QuestionDangerFloor replaces DangerFloor when the classifier's best
	// other class is question, the message reads as one ("what are the
	// signs of heat stroke"), names nobody here and holds no danger
	// phrase: questions about danger topics share their words. In 5-fold
	// cross-validation (4,462 examples) no floor from 0.35 to 0.60 misses a
	// danger message that 0.25 catches; false alarms fall from 187 to 178
	// at 0.35 and 175 at 0.45 and 0.60, so 0.45 is the lowest at the plateau.
	QuestionDangerFloor = 0.45
	// RecoveredDangerFloor replaces WellDangerFloor when the well-being
	// asserted is someone's recovery or a working backup ("the baby is
	// sleeping well now", "grandma's fever is down", "the oxygen runs on
	// the backup battery"): the classifier has seen those people in
	// emergencies and reads them as danger whatever is said of them.
	RecoveredDangerFloor = 0.90
	// HistoryDangerFloor replaces DangerFloor when the message tells of
	// months or years ago, an anniversary or a childhood story, and holds
	// no urgent word ("my son swallowed bleach last year, is the new
	// cleaner safer?"). Raised from 0.45 (the question floor) to 0.80 (the
	// what-if floor): 5-fold cross-validation (13,745 examples) loses no
	// danger message with either.
	HistoryDangerFloor = 0.80
	// HypoDangerFloor replaces DangerFloor when the message asks, in one
	// sentence with nothing urgent in it, what to do if a danger happened
	// or how to recognise one ("what should I do if I smell gas in my
	// building?"); no safety rule raises such a question.
	HypoDangerFloor = 0.80
	// SureOtherDangerFloor replaces DangerFloor when the classifier reads
	// the message, with at least SureOtherMin, as something other than
	// danger or a need, and nothing in it names a danger (no danger
	// phrase, hazard, sign or risk pair): "kol el 3ommal tel3o w
	// 3addouhom", "👍 avalanche was in the next valley". Danger read as
	// a need keeps DangerFloor: the two share their words. In 5-fold
	// cross-validation (9,047 examples) no floor up to 0.40 with a
	// minimum up to 0.55 loses a danger message, and it removes 17 false
	// alarms; 0.35/0.50 already loses one, 0.40/0.40 nine.
	// EverydayDangerFloor replaces DangerFloor when the message tells a
	// family event or plan (a wedding, a birthday, a visit, an exam) or
	// someone "killing" the sender over a report card, nothing in it names
	// a danger and nothing is urgent: the classifier, which has met
	// relatives mostly in emergencies, read "mi primo se casa en junio"
	// as danger at 0.88. See BENCHMARKS.md, round 21.
	EverydayDangerFloor  = 0.90
	SureOtherDangerFloor = 0.40
	SureOtherMin         = 0.55
	// WellSignlessDangerFloor replaces WellDangerFloor when the message
	// asserts well-being and nothing in it names a danger ("grandma is
	// out of intensive care and doing much better", "everyone got out
	// before the roof went"), or what names one no safety rule raises
	// (a hazard told as over: "all out and counted, the fire brigade
	// put it out"; on the development sets 6 false alarms fewer, no
	// danger lost, cross-validation unchanged). In 5-fold cross-validation 24 such
	// messages were false alarms with danger up to 0.98 and two were
	// dangers, each a defect of the well-being reading ("NÃO tá tudo
	// bem", "hum theek hain par mama ...") now fixed.
	WellSignlessDangerFloor = RecoveredDangerFloor
	// ShortSignlessDangerFloor replaces DangerFloor for a message of at
	// most ShortWords words in which nothing names a danger ("أنا في
	// البيت", "the cat is asleep"): a few words give the classifier too
	// little to be sure, and a short emergency names what is happening.
	// In 5-fold cross-validation 31 such messages were false alarms (up
	// to 0.86) and 3 dangers ("خيمتنا ولعت والاطفال جواها"), each a
	// phrase missing from the safety layer and added; any floor from
	// 0.90 up then loses no danger message, and the highest keeps the
	// classifier's voice only where it is all but certain.
	ShortSignlessDangerFloor = 0.99

	// HarmlessReadDangerFloor replaces DangerFloor when the message reads
	// as harmless by a word class and nothing names a danger: a tent torn
	// in a storm (shelter.go), heat told with the means to bear it
	// (heatcope.go).
	// The phrases do not know every sign ("he isn't breathing" was not a
	// danger phrase), so the classifier sure of a danger still decides.
	HarmlessReadDangerFloor = 0.97

	ShortWords = 4
	// MinConfidence and MinMargin make Confident true: the top probability
	// and its lead over the second class.
	// In 5-fold cross-validation on the examples (non-danger messages),
	// 0.60/0.20 leaves 59% of messages confident at 93.6% accuracy, where
	// 0.50/0.20 gives 70% at 89.6% and 0.70/0.20 gives 49% at 96%.
	MinConfidence = 0.60
	MinMargin     = 0.20
	// ContentlessConfidence caps the confidence of a message that repeats
	// one function word ("the the the", "है है है"): below MinConfidence.
	ContentlessConfidence = MinConfidence / 2
	// alsoMin is the probability from which a second class counts as carried.
	alsoMin = 0.25
	// alsoSafeMin is the probability from which a danger message whose
	// runner-up is safe carries safe too.
	alsoSafeMin = 0.05
	// lexiconConfidence is the confidence reported when a danger phrase,
	// not the classifier, decided.
	lexiconConfidence = 0.9
)

// Has reports whether the message carries c (as Class or in Also).
func (r Result) Has(c Class) bool {
	if r.Class == c {
		return true
	}
	for _, a := range r.Also {
		if a == c {
			return true
		}
	}
	return false
}

// Confident reports whether Class is reliable enough to act on without
// asking a clarifying question. Danger is always acted on.
func (r Result) Confident() bool {
	if r.Class == Danger {
		return true
	}
	if r.Confidence < MinConfidence {
		return false
	}
	second := 0.0
	for _, s := range r.Scores {
		if s.Class != r.Class {
			second = s.Score
			break
		}
	}
	return r.Confidence-second >= MinMargin
}

//go:embed examples
var examples embed.FS

// DevSets are the evaluation sets the classifier also trains on, in the
// order their lines are appended to the examples. Each was written blind,
// measured once as it stood, and has since been a development set that the
// rules were tuned on, so as a test it was spent; as training data it
// holds 21 writers' phrasing that examples/ lacks. Leave-one-set-out
// evaluation (lifeline eval understand --loso: each set classified by a
// model trained without it) found fewer dangers missed and fewer false
// alarms than training on examples/ alone (BENCHMARKS.md, Understanding,
// "Development sets as training data (2026-12-02)"), and each writer added
// lowered both on sets written later ("Blind sets heldout19-31").
// heldout26-38 joined after heldout32-41 were measured blind: training on
// them lowered the false alarms on heldout39-41, which stay development
// sets outside the training data ("Blind sets heldout32-44").
//
// Only a set that has been measured blind belongs here, and the embed line
// below must name exactly these directories (TestDevSetsEmbedded). Never
// add heldout42 or a later set before its one blind measurement, nor
// evaldata, freshdata, unseendata, blinddata or testdata: they measure.
var DevSets = []string{
	"heldout5", "heldout6", "heldout7", "heldout8", "heldout9", "heldout10", "heldout11",
	"heldout12", "heldout13", "heldout14", "heldout15", "heldout16", "heldout17",
	"heldout18", "heldout19", "heldout20", "heldout21", "heldout22", "heldout23", "heldout24", "heldout25",
	"heldout26", "heldout27", "heldout28", "heldout29", "heldout30", "heldout31",
	"heldout32", "heldout33", "heldout34", "heldout35", "heldout36", "heldout37", "heldout38",
}

//go:embed heldout5/*.tsv heldout6/*.tsv heldout7/*.tsv heldout8/*.tsv heldout9/*.tsv heldout10/*.tsv heldout11/*.tsv
//go:embed heldout12/*.tsv heldout13/*.tsv heldout14/*.tsv heldout15/*.tsv heldout16/*.tsv heldout17/*.tsv
//go:embed heldout18/*.tsv heldout19/*.tsv heldout20/*.tsv heldout21/*.tsv heldout22/*.tsv heldout23/*.tsv heldout24/*.tsv
//go:embed heldout25/*.tsv heldout26/*.tsv heldout27/*.tsv heldout28/*.tsv heldout29/*.tsv heldout30/*.tsv heldout31/*.tsv
//go:embed heldout32/*.tsv heldout33/*.tsv heldout34/*.tsv heldout35/*.tsv heldout36/*.tsv heldout37/*.tsv heldout38/*.tsv
var devData embed.FS

var (
	defaultOnce  sync.Once
	defaultModel *Model
)

// Default returns the model trained from the embedded examples and
// development sets (TrainingExamples); trained once, safe for concurrent
// use. The data ships in the binary and is checked by the package tests,
// so a failure here is a build defect.
func Default() *Model {
	defaultOnce.Do(func() {
		exs, err := trainingExamples()
		if err == nil {
			defaultModel, err = TrainExamples(exs)
		}
		if err != nil {
			panic(fmt.Sprintf("understand: train embedded examples: %v", err))
		}
	})
	return defaultModel
}

// EmbeddedExamples returns the examples of examples/, without the
// development sets.
func EmbeddedExamples() []Example {
	sub, err := fs.Sub(examples, "examples")
	if err != nil {
		return nil
	}
	exs, _ := LoadExamples(sub)
	return exs
}

// TrainingExamples returns what Default is trained on: the examples of
// examples/, then each development set of DevSets in order.
func TrainingExamples() []Example {
	exs, _ := trainingExamples()
	return exs
}

func trainingExamples() ([]Example, error) {
	sub, err := fs.Sub(examples, "examples")
	if err != nil {
		return nil, err
	}
	exs, err := LoadExamples(sub)
	if err != nil {
		return nil, err
	}
	sets, err := DevSetExamples()
	if err != nil {
		return nil, err
	}
	n := len(exs)
	for _, s := range sets {
		n += len(s)
	}
	exs = slices.Grow(exs, n-len(exs))
	for _, s := range sets {
		exs = append(exs, s...)
	}
	return exs, nil
}

// DevSetExamples returns the lines of each development set, in the order
// of DevSets, each set's files in name order.
func DevSetExamples() ([][]Example, error) {
	out := make([][]Example, len(DevSets))
	for i, name := range DevSets {
		files, err := fs.Glob(devData, name+"/*.tsv")
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("development set %s: no *.tsv embedded", name)
		}
		for _, f := range files { // fs.Glob returns them sorted
			data, err := devData.ReadFile(f)
			if err != nil {
				return nil, err
			}
			exs, err := parseTSV(string(data), f)
			if err != nil {
				return nil, err
			}
			out[i] = append(out[i], exs...)
		}
	}
	return out, nil
}

// Understand classifies one message. It never panics; any input (empty,
// emoji only, 4,096 characters, invisible characters) returns a Result,
// Other when nothing is understood.
func (m *Model) Understand(text string) (res Result) {
	defer func() {
		if recover() != nil {
			res = Result{Class: Other, Scores: uniform()}
		}
	}()
	text, _ = clip(text)
	if answer, quote, help, ok := splitQuote(text); ok {
		return m.understandAnswer(answer, quote, help) // the quote is the service's words: see quoted.go
	}
	norm, noEmoji := normalizeBoth(text)
	padded := " " + norm + " "
	// What is taken back no longer stands. The clauses are walked only
	// when the whole message names a retraction: a clause's phrase is the
	// whole's too, as normalising turns the clause marks into spaces.
	if retractSet.match(padded) {
		if rest, ok := retracted(text); ok {
			text = rest
			norm, noEmoji = normalizeBoth(text)
			padded = " " + norm + " "
		}
	}
	words := fields(norm)
	langWords := words
	if noEmoji != norm { // emoji are words to the classifier, not to language detection
		langWords = fields(noEmoji)
	}
	res.Lang, res.Latin = detectLang(text, langWords, m.vocab)
	if !hasContent(words) {
		res.Class, res.Confidence, res.Rule = Other, 1, RuleEmpty
		res.Scores = make([]Scored, len(Classes))
		for i, c := range Classes {
			res.Scores[i] = Scored{Class: c}
			if c == Other {
				res.Scores[i].Score = 1
			}
		}
		sortScores(res.Scores)
		return res
	}
	var fbuf [512]feature
	var p [numClasses]float64
	m.probs(m.extract(words, fbuf[:0]), &p)
	res.Scores = make([]Scored, numClasses)
	for k, c := range Classes {
		res.Scores[k] = Scored{Class: c, Score: p[k]}
	}
	sortScores(res.Scores)
	// The classifier's danger counts from DangerFloor whether or not it
	// is the top class; below it, the best other class stands and only the
	// safety phrases can raise the message.
	rd := newReading(padded)
	if strings.Contains(rd.masked, fireHi) || strings.Contains(rd.masked, fireUr) || strings.Contains(rd.masked, " aag ") {
		rd.masked = pastFireMasked(rd.masked) // "आग लग गई थी": see pastfire.go
	}
	if strings.IndexByte(text, ':') >= 0 { // "INJURED: 0": see forms.go
		if m, ok := formZeroMasked(text, rd.masked); ok {
			rd.masked = m
		}
	}
	floor := DangerFloor
	if needSet.match(padded) || (bestOther(res.Scores) == Safe && calm(text, padded)) {
		floor = NeedDangerFloor
	}
	if p[0] >= floor && p[0] < NeedDangerFloor && hardshipOnly(&rd, bestOther(res.Scores)) {
		floor = NeedDangerFloor // hardship told beside a hazard: see hardship.go
	}
	if bestOther(res.Scores) == Question && questionForm(padded) && !personSet.match(padded) && !dangerAt(padded) {
		floor = max(floor, QuestionDangerFloor)
	}
	if p[0] >= floor && rd.wellNoRisk() { // below floor it changes nothing
		floor = max(floor, WellDangerFloor)
		if recoveredSet.match(padded) || rd.signless() {
			floor = max(floor, RecoveredDangerFloor, WellSignlessDangerFloor)
		} else if p[0] < WellSignlessDangerFloor && dangerRule(text, &rd, bestOther(res.Scores)) == "" {
			// A hazard named, but told as over or kept away: no safety
			// rule raises the message, so the classifier speaks alone,
			// as when nothing names a danger ("everyone is out and
			// counted, the fire brigade has it").
			floor = max(floor, WellSignlessDangerFloor)
		}
	}
	if p[0] >= floor && len(words) <= ShortWords && rd.signless() {
		floor = max(floor, ShortSignlessDangerFloor)
	}
	if p[0] >= floor && p[0] < NeedDangerFloor && humanSet.match(padded) && rd.signless() {
		floor = NeedDangerFloor // a person asked for, nothing names a danger
	}
	if top := res.Scores[0]; p[0] >= floor && p[0] < SureOtherDangerFloor && top.Class != Danger && top.Class != NeedHelp &&
		top.Score >= SureOtherMin && rd.signless() {
		floor = SureOtherDangerFloor
	}
	if p[0] >= floor && p[0] < EverydayDangerFloor && (rd.scold || everydaySet.match(padded)) && rd.signless() && cueSets.scan(padded)&cueUrgent == 0 {
		floor = EverydayDangerFloor
	}
	if p[0] >= floor && p[0] < 1.1 && warnedUnheeded(padded) && rd.signless() && cueSets.scan(padded)&cueUrgent == 0 {
		floor = 1.1 // advice given to someone who never listens: only a safety rule may raise it
	}
	if p[0] >= floor && p[0] < HarmlessReadDangerFloor && (shelterTorn(&rd) || heatCoped(&rd)) {
		floor = HarmlessReadDangerFloor // a tent torn in a storm, heat with air conditioning
	}
	if p[0] >= floor && p[0] < 1.1 && namedOnly(&rd) {
		// a cat called Orkan: the classifier's danger there is as high
		// with the name taken out (0.98 on such messages), so only a
		// safety rule may raise it
		floor = 1.1
	}
	if p[0] >= floor && rd.over(text) {
		floor = 1.1 // a danger told as over: only a safety rule may raise it
	}
	if p[0] >= floor { // below floor the readings below change nothing
		floor = max(floor, signFloor(text, padded, rd.masked))
	}
	// Function words alone ("and and and", "y y y y", "the the the the")
	// name nothing; the classifier, which has met them mostly in long
	// emergencies, would read them as one. Only a safety phrase may raise
	// them, and a run of one of them is nothing the bot can place.
	// A key held down ("ddddd", "ककककक") is read the same way: its
	// letters were seen in no example, so the classifier's answer is a guess.
	keyHeld := mashed(text)
	noContent := (keyHeld || m.contentless(words)) && rd.signless()
	if noContent {
		floor = 1.1
	}
	top := res.Scores[0]
	if top.Class == Danger && p[0] < floor {
		top = res.Scores[1]
	}
	if noContent && (keyHeld || top.Class != res.Scores[0].Class || repeatsTooOften(words)) {
		top = Scored{Class: Other, Score: p[classIndex(Other)]}
	}
	res.Class, res.Confidence = top.Class, top.Score
	if noContent && runOfOne(words) {
		// Whatever the classifier prefers for one function word said over
		// and over, it is not a reading to act on: the bot asks instead.
		// ("ok" alone, or "we are ok", say something and keep theirs.)
		res.Confidence = min(res.Confidence, ContentlessConfidence)
	}

	rule := ""
	if p[0] < floor { // the classifier has decided danger otherwise
		rule = dangerRule(text, &rd, top.Class)
	}
	switch {
	case p[0] >= floor:
		res.Class, res.Confidence = Danger, p[0]
		if top.Class != Danger {
			res.Rule = RuleDangerScore
		}
	case rule != "":
		res.Class, res.Rule = Danger, rule
		res.Confidence = max(p[0], lexiconConfidence)
	case (top.Class == Safe || top.Class == NeedHelp || top.Class == Other) && plannedAhead(padded):
		res.Class, res.Rule = Question, RulePlanAsked // the status told after it comes in Also
		res.Confidence = p[classIndex(Question)]
	case top.Class != OptOut && optOutTold(padded):
		res.Class, res.Rule = OptOut, RuleOptOutPhrase
		res.Confidence = max(p[classIndex(OptOut)], lexiconConfidence)
	case top.Class != Human && humanSet.match(padded) && rd.signless():
		res.Class, res.Rule = Human, RuleHumanPhrase
		res.Confidence = max(p[classIndex(Human)], lexiconConfidence)
	case top.Class == Question && nextReading(res.Scores, Question) == NeedHelp && askedNeed(text):
		res.Class, res.Rule = NeedHelp, RuleNeedAsked
		res.Confidence = max(p[1], lexiconConfidence)
	case top.Class == NeedHelp && nextReading(res.Scores, NeedHelp) == Safe && wellLast(text, padded, &rd):
		res.Class, res.Rule = Safe, RuleWellLast
		res.Confidence = p[classIndex(Safe)]
	case rd.overRead() && (top.Class == NeedHelp || top.Class == Other):
		res.Class, res.Rule = Safe, RuleResolved
		res.Confidence = p[classIndex(Safe)]
	case top.Class == Safe:
		if negatedSet.match(padded) {
			res.Class, res.Rule = NeedHelp, RuleNegatedSafe
			res.Confidence = max(p[1], top.Score)
		}
	}
	if res.Class == Danger && rollCallTicked(text, &rd) {
		res.Class, res.Rule, res.Confidence = Safe, RuleRollCall, max(p[classIndex(Safe)], lexiconConfidence)
	}
	if res.Class == Danger && (hyperboleOnly(&rd) || spicyOnly(&rd) || borrowedPhoneOnly(&rd)) {
		best := res.Scores[0]
		if best.Class == Danger {
			best = res.Scores[1]
		}
		res.Class, res.Rule, res.Confidence = best.Class, RuleHyperbole, best.Score
	}
	if res.Class == Danger {
		if c := forwardedReading(&rd); c != "" {
			res.Class, res.Rule, res.Confidence = c, RuleForwarded, max(p[classIndex(c)], lexiconConfidence)
		}
	}
	// A danger read where what is at risk is animals, a lost aid or a
	// supply counted ahead: a need (animals.go, aids.go, meds.go).
	if res.Class == Danger {
		rule := ""
		switch {
		case animalsOnly(&rd):
			rule = RuleAnimals
		case aidOnly(&rd):
			rule = RuleAids
		case supplyLeftOnly(&rd):
			rule = RuleSupplyLeft // see meds.go
		}
		if rule != "" {
			res.Class, res.Rule, res.Confidence = NeedHelp, rule, max(p[1], lexiconConfidence)
		}
	}
	if res.Class == Danger && (res.Rule == "" || res.Rule == RuleDangerScore) && memoryOnly(&rd) {
		res.Class, res.Rule, res.Confidence = Other, RuleMemory, p[classIndex(Other)] // see memory.go
	}
	if res.Class == Danger || res.Class == NeedHelp || res.Class == Question {
		if c := petWeather(&rd); c != "" {
			res.Class, res.Rule, res.Confidence = c, RulePets, max(p[classIndex(c)], lexiconConfidence)
		}
	}
	if c := serviceReading(&rd, res.Class); c != "" { // alerts asked for, a message's arrival: see service.go
		res.Class, res.Rule, res.Confidence = c, RuleService, max(p[classIndex(c)], lexiconConfidence)
	}
	if res.Class == Danger && selfHarmTold(rd.masked) {
		res.Rule = RuleSelfHarm // the reply names the emergency number as a line to talk to too
	}
	if res.Class != top.Class && top.Class != Other {
		res.Also = append(res.Also, top.Class)
	}
	if res.Class == Danger && !res.Has(Safe) {
		// "we're fine but grandpa can't get out": the sender is safe,
		// someone else is not; the bot needs both.
		for _, s := range res.Scores {
			if s.Class != Danger {
				if s.Class == Safe && s.Score >= alsoSafeMin {
					res.Also = append(res.Also, Safe)
				}
				break
			}
		}
	}
	if res.Rule == RuleNegatedSafe {
		res.Also = nil // "not safe" does not carry safe
	}
	for _, s := range res.Scores {
		if s.Score < alsoMin {
			break
		}
		if s.Class == res.Class || s.Class == Other || (res.Rule == RuleNegatedSafe && s.Class == Safe) || res.Has(s.Class) {
			continue
		}
		res.Also = append(res.Also, s.Class)
	}
	if res.NumberAsked = asksNumber(words); res.NumberAsked && res.Class == Danger && res.Rule != RuleSelfHarm && m.numberAskOnly(words, &rd) {
		// The danger was the service's name: a question, which the
		// conversation answers with the number and a question of its
		// own (is anyone in danger?). It carries no danger in Also, which
		// would make it urgent wherever that question cannot be asked.
		res.Class, res.Rule, res.Confidence = Question, RuleNumberAsked, max(p[classIndex(Question)], lexiconConfidence)
		res.Also = nil
		for _, s := range res.Scores {
			if s.Score < alsoMin {
				break
			}
			if s.Class != Danger && s.Class != Question && s.Class != Other {
				res.Also = append(res.Also, s.Class)
			}
		}
	}
	return res
}

// dangerRule returns the safety rule that raises a message the classifier
// put in class top to danger, "" when none does. Two readings keep danger
// words from raising what is not an emergency, and both need the classifier
// to have read the message as something else:
//   - an informational question about a danger topic with nobody at risk in
//     it ("is the gas safe to use again?", "how to stop a nosebleed") stays a
//     question; the same words with a person in them are a plea;
//   - a hazard told as over, distant or kept away ("the water didn't reach
//     us", "not hurt, we got out before the fire came") stays safe or a need,
//     clause by clause, so "we got out but dad is still trapped" is danger.
//
// A hazard phrase does not raise a message that asserts well-being either:
// "nobody hurt, the smoke blew the other way".
func dangerRule(text string, rd *reading, top Class) string {
	padded, masked := rd.padded, rd.masked
	if cutOffUnder(padded) {
		return RuleDangerConcept // "my boy is under the": sent before it was finished
	}
	if shortAlarm(text, rd) {
		return RuleDangerConcept // "l3afya l3afya", "socorro enchente": see shortalarm.go
	}
	if personAfterAnimals(rd) { // "my brother swam out after the goats": see animals.go
		cues := cueSets.scan(padded)
		asked := top == Question && questionForm(padded)
		if !asked && !historyCues(cues) && !hypotheticalCues(text, padded, cues) {
			return RuleDangerConcept
		}
	}
	if harm := selfHarmRule(masked) != ""; harm || leftBehind(masked) {
		// Told by meaning, not by a danger phrase: a question about it
		// ("what to do if a friend wants to die") or a past one stays apart.
		cues := cueSets.scan(padded)
		asked := top == Question && questionForm(padded) && !personSet.match(padded)
		if !asked && !historyCues(cues) && !hypotheticalCues(text, padded, cues) {
			if harm {
				return RuleSelfHarm
			}
			return RuleDangerConcept
		}
	}
	if displaced(masked, top) || misread(padded, top) && !liveConcept(masked) {
		return "" // "the house is full of smoke, we need a place for tonight"
	}
	strong, hazard := dangerSet.scan(masked)
	strong = strong || pairedRisk(masked)
	situation := false
	if !strong { // a danger phrase decides first, no situation needed
		c := conceptAt(masked)
		situation = c >= 0 && (!concepts[c].hazard || !rd.wellNoRisk() && !gearSet.match(masked))
	}
	if situation || strong || hazard { // a hazard long past ("the fire grandpa saw as a boy") raises nothing either
		if cues := cueSets.scan(padded); historyCues(cues) || hypotheticalCues(text, padded, cues) {
			return "" // "he swallowed a battery last year", "what to do if ..."
		}
	}
	rule := ""
	switch {
	case situation && !strong:
		// A situation is read by meaning, clause-free: a danger word told
		// as over elsewhere in the message does not make it over.
		if top == Question && questionForm(padded) && !personSet.match(padded) {
			return ""
		}
		return RuleDangerConcept
	case strong && figure(text, padded, masked, top) && !pairedRisk(masked):
		return "" // "el partido estuvo de infarto", "drowning in marking lol"
	case strong:
		rule = RuleDangerLexicon
	case hazard && (top != Safe || pleaSet.match(padded) || fireBack(padded)) && !rd.wellNoRisk() && !(top == Thanks && (thankedHazard(text) || thankedArrival(padded))) && !hazardThenWell(padded, masked) &&
		!figure(text, padded, masked, top) && !gearSet.match(masked) && !lossSet.match(masked) && !hardshipOnly(rd, top):
		rule = RuleDangerHazard
	default:
		return ""
	}
	if top == Question && questionForm(padded) && !personSet.match(padded) {
		return ""
	}
	if ((top == Safe || top == NeedHelp) && resolved(text) || rd.over(text)) && !liveConcept(masked) {
		return ""
	}
	return rule
}

// wellLast reports whether a message ends by saying its people are well
// and asks for nothing: "we weren't on the road when the rocks fell, the
// bus was cancelled, all fine at the hotel". The classifier reads the
// event told first as a need; the last clause is the sender's status. A
// need word, a question or a negation anywhere keeps the need ("the tent
// burned, nobody hurt, where do we sleep?", "we're not ok"). It is read
// only when the classifier's next reading after need_help is safe.
func wellLast(text, padded string, rd *reading) bool {
	if strings.ContainsAny(text, "?؟") || needSet.match(padded) || negatedSet.match(padded) || !rd.wellNoRisk() {
		return false
	}
	clauses := strings.FieldsFunc(text, clauseEnd)
	for i := len(clauses) - 1; i >= 0; i-- {
		c := strings.TrimSpace(clauses[i])
		if c == "" || !hasContent(strings.Fields(Normalize(c))) {
			continue // trailing emoji or punctuation
		}
		parts := splitContrast(" " + Normalize(c) + " ")
		last := parts[len(parts)-1]
		return wellSet.match(last) && !unhurtSet.match(last)
	}
	return false
}

// unhurtSet holds the well-being phrases that only say nobody is hurt
// ("no one is hurt", "ما حدا تأذى"): told last, they often close a need
// ("the road is cut and food is running out, nobody hurt"), so wellLast
// wants a status of the people themselves ("all fine at the hotel").
var unhurtSet = func() phraseSet {
	var l []string
	for _, p := range wellPhrases {
		for _, w := range []string{"hurt", "injur", "bless", "herid", "verletz", "ferid", "machuc", "اصاب", "تاذ", "تضرر", "مجروح", "اتعور",
			"t2azza", "et2azza", "majrou7", "isabat", "et3awar", "tsab", "घायल", "चोट", "ghayal", "chot", "زخمی", "چوٹ", "bruise", "scratch", "bleus",
			"rasguñ", "moreton", "prellung", "arranh", "خدوش", "khdoosh", "5edoosh"} {
			if strings.Contains(Normalize(p), Normalize(w)) {
				l = append(l, p)
				break
			}
		}
	}
	return compile(l)
}()

// hazardThenWell reports whether padded tells a hazard and then, after it,
// that nobody came to harm ("the fire took everything, nobody hurt, but we
// only have the clothes we wear"): the hazard is told as what happened, and
// what follows is the need it left. A hazard told after the well-being
// ("we're fine but the fire is coming") stays live; a negated well-being
// ("not ok") never counts. Only a hazard phrase (no person at risk) yields.
func hazardThenWell(padded, masked string) bool {
	h := dangerSet.last(masked, true)
	return h >= 0 && wellSet.last(padded, false) > h && !negatedSet.match(padded)
}

// figurativeTop reports whether the classifier's reading top leaves room
// for a hazard word used as a figure: chatter, thanks or a greeting.
func figurativeTop(top Class) bool {
	return top == Other || top == Thanks || top == Greeting
}

// mediaWords name songs, films and shows, of which people say "this song
// is fire 🔥", "الأغنية نار", "gaana aag hai". With a hazard word and no
// person at risk, in a message the classifier reads as chatter, the hazard
// is praise (see figurativeTop).
var mediaWords = []string{
	"song", "songs", "album", "track", "film", "movie", "series", "talent show", "concert", "gig", "playlist", "clip",
	"chanson", "album", "morceau", "nouveau son", "ce son", "le film", "la série", "le concert", "le clip",
	// soap operas and video games, where houses burn and people are killed
	"serial", "soap", "the drama", "video game", "the game", "feuilleton", "jeu vidéo", "le jeu", "telenovela", "videojuego", "el juego",
	"der serie", "videospiel", "das game", "novela", "videogame", "game", "اللعبه", "اللعبه الجديده", "el le3be", "المسلسل", "سيريال",
	"सीरियल", "धारावाहिक", "ड्रामा", "गेम", "ڈرامہ", "ڈرامے", "سیریل", "گیم", "drama",
	// the radio and its DJ play songs whose titles name a hazard ("set fire to the rain")
	"radio", "on the radio", "dj", "la radio", "à la radio", "el radio", "la radio", "im radio", "rádio", "no rádio", "الراديو", "راديو", "el radio",
	"रेडियो", "ریڈیو",
	"canción", "cancion", "rola", "tema nuevo", "la peli", "película", "pelicula", "serie", "concierto",
	"lied", "song", "album", "der film", "die serie", "konzert",
	"música", "musica", "som novo", "esse som", "filme", "série",
	"gaana", "gana", "naya gaana", "qawwali", "film", "movie", "गाना", "गीत", "फिल्म", "क़व्वाली", "कव्वाली", "گانا", "فلم", "قوالی",
	"الاغنيه", "اغنيه", "الفيلم", "فيلم", "المسلسل", "الحفله", "الكليب", "ghenniye", "el ghenniye", "oghniye", "oghniya", "el film", "el aghani",
	// prices and markets, of which people say "prices are on fire",
	// "crypto is on fire", "سعر البنزين نار": the figure is of heat, not
	// of a fire
	"price", "prices", "crypto", "bitcoin", "stocks", "shares", "stock market", "rent", "petrol price", "gas prices",
	"prix", "les prix", "le loyer", "la bourse", "precio", "precios", "los precios", "el alquiler", "la bolsa", "preise", "die preise", "miete", "aktien", "börse",
	"preço", "preços", "os preços", "aluguel", "a bolsa", "सोना", "कीमत", "कीमतें", "दाम", "भाव", "kimat", "keemat", "daam", "bhav", "قیمت", "قیمتیں", "دام",
	"سعر", "الاسعار", "اسعار", "السعر", "الايجار", "البورصه", "si3r", "el as3ar", "as3ar", "el si3r",
}

var mediaSet = compileWhole(mediaWords)

// signless reports whether nothing in padded names a danger: no danger
// phrase or hazard (outside harmless compounds), no risk pair, no
// situation concept. Only the classifier then speaks for danger.
func signless(padded string) bool {
	return signlessMasked(maskNotHazard(padded))
}

// signlessMasked is signless given padded with hazard look-alikes masked.
func signlessMasked(masked string) bool {
	strong, hazard := dangerSet.scan(masked)
	return !strong && !hazard && !pairedRisk(masked) && conceptAt(masked) < 0
}

// reading is one message as the decisions read it: the readings several
// of them need are made at most once.
type reading struct {
	padded string // " " + normalised text + " "
	masked string // padded with hazard look-alikes masked (maskNotHazard)

	sign, well int8 // signless and wellNoRisk: 0 not read yet, 1 true, -1 false
	// scold: someone "will kill" the sender over everyday trouble
	// (scoldHyperbole), the killing masked out
	scold bool
	ended int8 // over (resolved.go): 0 not read yet, 1 true, -1 false
}

func newReading(padded string) reading {
	rd := reading{padded: padded, masked: maskNotHazard(padded)}
	if scoldHyperbole(padded) {
		rd.masked, rd.scold = scoldKillSet.blank(rd.masked), true
	}
	return rd
}

func (rd *reading) signless() bool {
	if rd.sign == 0 {
		rd.sign = tri(signlessMasked(rd.masked))
	}
	return rd.sign > 0
}

func (rd *reading) wellNoRisk() bool {
	if rd.well == 0 {
		rd.well = tri(wellNoRiskMasked(rd.padded, rd.masked))
	}
	return rd.well > 0
}

func tri(b bool) int8 {
	if b {
		return 1
	}
	return -1
}

// thankedHazard reports whether every clause of text that names a hazard
// also thanks someone: "thanks for the ambulance, he's in surgery" thanks
// for help received, "thank you! the smoke is getting worse" does not.
func thankedHazard(text string) bool {
	found := false
	for _, c := range strings.FieldsFunc(text, clauseEnd) {
		for _, part := range splitContrast(" " + Normalize(c) + " ") {
			if !dangerAt(part) {
				continue
			}
			if !thanksSet.match(part) {
				return false
			}
			found = true
		}
	}
	return found
}

// nextReading returns the best-scoring class other than danger and top.
func nextReading(s []Scored, top Class) Class {
	for _, c := range s {
		if c.Class != Danger && c.Class != top {
			return c.Class
		}
	}
	return Other
}

// bestOther returns the best-scoring class other than danger.
func bestOther(s []Scored) Class {
	if s[0].Class == Danger {
		return s[1].Class
	}
	return s[0].Class
}

// mashed reports whether the message is one letter typed at least four
// times and nothing else: a key held down, nothing to read. It reads the
// text as sent, since normalising shortens the run.
func mashed(text string) bool {
	text = strings.TrimSpace(text)
	first, size := utf8.DecodeRuneInString(text)
	if !unicode.IsLetter(first) || utf8.RuneCountInString(text) < 4 {
		return false
	}
	first = unicode.ToLower(first)
	for _, r := range text[size:] {
		if unicode.ToLower(r) != first {
			return false
		}
	}
	return true
}

// hasContent reports whether there is anything to classify.
func hasContent(words []string) bool {
	return len(words) > 0 // "??" alone is impatience
}

func sortScores(s []Scored) {
	slices.SortStableFunc(s, func(a, b Scored) int { return cmp.Compare(b.Score, a.Score) })
}

func uniform() []Scored {
	s := make([]Scored, len(Classes))
	for i, c := range Classes {
		s[i] = Scored{Class: c, Score: 1 / float64(len(Classes))}
	}
	return s
}
