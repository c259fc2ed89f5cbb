package kb

import "math"

// The decision: answer with the first entry, suggest the first three, or
// say that the FAQ has nothing. It is taken by two logistic models on
// features the search computes anyway; one estimates the probability that
// the first entry is the right one (answer), the other that the right entry
// is among the first three (suggest). Off-topic messages ("best pizza near
// me") are negatives for both.
//
// The models and thresholds are fitted, not chosen:
//
//	go test ./kb -run TestFitDecision -fit
//
// fits both models on the fit half of kb/testdata/decision_queries.tsv
// (labelled queries on the sample FAQ in English and Arabic, with off-topic
// messages; every other row), picks each threshold on the same half where a
// utility is highest (a wrong answer costs nine right ones, a list for an
// off-topic message costs what showing the right entry gains), and writes
// decision_model.go; without -fit the test reports both halves and fails
// when the check half falls below its floors. Logistic regression by batch
// gradient descent on standardised features, L2 penalty, a fixed number of
// steps from zero weights, without the system's thesauri: the same data
// gives the same constants on every machine. Three guards below are not
// fitted, and say why.

// features are what the decision reads off a ranked list.
type features struct {
	Score float64 // the first entry's score
	// log of its lead over the second, relative to its score: leads of 2%
	// and 20% differ more than leads of 20% and 40%
	Margin    float64
	QCoverage float64 // share of the query's weight its questions cover
	Coverage  float64 // share covered anywhere in the entry (answer at half)
	Gram      float64 // its character-gram similarity to the query
	InvTerms  float64 // 1 / content terms in the query: short queries match by chance
	Unknown   float64 // share of the query's weight the FAQ has in no form
	AssocOnly float64 // share matched only through associations or the thesaurus
}

func (f features) vector() []float64 {
	return []float64{f.Score, f.Margin, f.QCoverage, f.Coverage, f.Gram, f.InvTerms, f.Unknown, f.AssocOnly}
}

// featuresOf reads the features off the ranked list; top is its first
// entry with the coverage the decision weighs.
func featuresOf(top scored, list []scored, nterms int, unknown float64) features {
	margin := 1.0
	if len(list) > 1 && top.score > 0 {
		margin = (top.score - list[1].score) / top.score
	}
	return features{Score: top.score, Margin: math.Log(max(margin, 0.01)), QCoverage: top.qcoverage, Coverage: top.coverage,
		Gram: top.gram, InvTerms: 1 / float64(max(1, nterms)), Unknown: unknown, AssocOnly: top.assocOnly}
}

// logit is a fitted logistic model: weights on the raw features and a bias.
type logit struct {
	w    []float64
	bias float64
}

func (m logit) p(x []float64) float64 {
	z := m.bias
	for i, v := range x {
		z += m.w[i] * v
	}
	return 1 / (1 + math.Exp(-z))
}

// minAnswerMargin is the lead the first entry needs over the second to be
// answered, whatever the model says. It is not fitted: the labelled queries'
// FAQ has no near-duplicate entries, so they cannot teach how close a second
// entry may come, while a real FAQ has many ("How can I protect myself?",
// "What can I do to protect myself and others?"). When two entries score
// within this share of each other the search cannot tell them apart, and
// the list lets the person choose. The value is the old rule's margin.
const minAnswerMargin = 0.3

// maxAnswerUnknown is the share of the query's weight the FAQ may lack
// entirely for an answer: when most of what was asked ("where is the
// nearest gym") is in no entry, the entry that matches the rest is at best
// a suggestion. Not fitted either: a guard the labelled queries are too few
// to learn (a handful of off-topic messages share an entry's opening words).
const maxAnswerUnknown = 0.5

// maxAnswerAssocOnly is the share of the query that may be matched only
// through associations or thesaurus synonyms in an answer: they help rank
// the entries, but never on their own make the bot answer.
const maxAnswerAssocOnly = 0.5

// answerable says whether the guards allow an answer at all.
func (f features) answerable() bool {
	return f.Margin >= math.Log(minAnswerMargin) && f.Unknown < maxAnswerUnknown && f.AssocOnly < maxAnswerAssocOnly
}

func (f features) decide() Decision {
	x := f.vector()
	switch {
	case f.answerable() && answerModel.p(x) >= answerThreshold:
		return DecisionAnswer
	case suggestModel.p(x) >= suggestThreshold:
		return DecisionSuggest
	}
	return DecisionNone
}
