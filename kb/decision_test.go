package kb

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var fitDecision = flag.Bool("fit", false, "refit the decision models on kb/testdata/decision_queries.tsv and rewrite decision_model.go")

// labelled is one query of decision_queries.tsv: the entry it should get,
// or "none" when nothing should be offered.
type labelled struct {
	want, lang, query string
	fit               bool // in the fit half (the other half checks)
}

func loadLabelled(t *testing.T) []labelled {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "decision_queries.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		if sc.Text() == "" || strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) != 3 {
			t.Fatalf("decision_queries.tsv line %d: %d columns, want 3", line, len(cols))
		}
		out = append(out, labelled{want: cols[0], lang: cols[1], query: cols[2], fit: len(out)%2 == 0})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// example is a labelled query as the search sees it.
type example struct {
	labelled
	x      []float64 // nil when nothing was ranked
	top1   bool      // the first result is the wanted entry
	top3   bool      // it is among the first three
	result Result
}

func (e example) offTopic() bool { return e.want == "none" }

func rankLabelled(k *KB, ls []labelled) []example {
	out := make([]example, len(ls))
	for i, l := range ls {
		r := k.Rank(l.query, "", 3)
		e := example{labelled: l, result: r}
		if r.features != nil {
			e.x = r.features.vector()
		}
		for j, h := range r.Results {
			if l.want != "none" && (h.ID == l.want || h.ID == l.want+"/"+l.lang) {
				e.top1, e.top3 = j == 0, true
			}
		}
		out[i] = e
	}
	return out
}

// outcome counts what people are shown, as kb eval reports it.
type outcome struct {
	top1, top3                                                            int
	n, answeredRight, suggestedRight, none, answeredWrong, suggestedWrong int
	off, offAnswered, offSuggested                                        int
}

func (o *outcome) add(e example, d Decision) {
	if e.offTopic() {
		o.off++
		switch d {
		case DecisionAnswer:
			o.offAnswered++
		case DecisionSuggest:
			o.offSuggested++
		}
		return
	}
	o.n++
	if e.top1 {
		o.top1++
	}
	if e.top3 {
		o.top3++
	}
	switch {
	case d == DecisionNone:
		o.none++
	case d == DecisionAnswer && e.top1:
		o.answeredRight++
	case d == DecisionAnswer:
		o.answeredWrong++
	case e.top3:
		o.suggestedRight++
	default:
		o.suggestedWrong++
	}
}

func share(a, n int) float64 { return float64(a) / float64(max(1, n)) }

func (o outcome) String() string {
	return fmt.Sprintf("%d queries: top-1 %.3f, top-3 %.3f, answered right %.3f, shown in list %.3f (shown %.3f), nothing %.3f, answered wrong %.3f; "+
		"%d off-topic: answered %.3f, suggested %.3f",
		o.n, share(o.top1, o.n), share(o.top3, o.n), share(o.answeredRight, o.n), share(o.suggestedRight, o.n), share(o.answeredRight+o.suggestedRight, o.n),
		share(o.none, o.n), share(o.answeredWrong, o.n), o.off, share(o.offAnswered, o.off), share(o.offSuggested, o.off))
}

func evaluate(es []example, fit bool, decide func(example) Decision) outcome {
	var o outcome
	for _, e := range es {
		if e.fit == fit {
			o.add(e, decide(e))
		}
	}
	return o
}

// TestFitDecision checks the checked-in decision on both halves of the
// labelled queries; with -fit it first refits the models on the fit half
// and rewrites decision_model.go.
func TestFitDecision(t *testing.T) {
	// openKB reads no thesaurus, so that the fit is the same on every
	// machine.
	k := openKB(t)
	es := rankLabelled(k, loadLabelled(t))
	if *fitDecision {
		src := fitModels(es)
		if err := os.WriteFile("decision_model.go", src, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote decision_model.go:\n%s", src)
		t.Skip("refitted: run the tests again to check the new constants")
	}
	decide := func(e example) Decision { return e.result.Decision }
	fitO, checkO := evaluate(es, true, decide), evaluate(es, false, decide)
	t.Logf("fit half:   %s", fitO)
	t.Logf("check half: %s", checkO)
	for _, h := range []struct {
		name string
		o    outcome
	}{{"fit", fitO}, {"check", checkO}} {
		o := h.o
		if s := share(o.answeredRight+o.suggestedRight, o.n); s < 0.75 {
			t.Errorf("%s half: the right entry is shown for %.3f of the queries, want at least 0.75", h.name, s)
		}
		if s := share(o.answeredWrong, o.n); s > 0.05 {
			t.Errorf("%s half: %.3f answered with a wrong entry, want at most 0.05", h.name, s)
		}
		if s := share(o.offAnswered, o.off); s > 0.05 {
			t.Errorf("%s half: %.3f of the off-topic messages answered, want at most 0.05", h.name, s)
		}
		if s := share(o.off-o.offAnswered-o.offSuggested, o.off); s < 0.7 {
			t.Errorf("%s half: nothing offered for %.3f of the off-topic messages, want at least 0.7", h.name, s)
		}
	}
}

// Fitting. Logistic regression on standardised features by batch gradient
// descent from zero, with an L2 penalty; then the threshold that maximises a
// utility on the fit half, taken in the middle of the best interval.
const (
	fitSteps = 4000
	fitRate  = 0.5
	fitL2    = 0.1

	// An answer with the wrong entry (or to an off-topic message) costs
	// this many right answers (answers must be right nine times in ten):
	// a wrong answer misleads, a list does not.
	costWrongAnswer = 9.0
	// A list offered for an off-topic message costs as much as showing
	// the right entry gains; a list without the right entry a quarter.
	costOffTopicList = 1.0
	costWrongList    = 0.25
)

func fitLogit(xs [][]float64, ys []bool) logit {
	d := len(xs[0])
	mean, std := make([]float64, d), make([]float64, d)
	for _, x := range xs {
		for j, v := range x {
			mean[j] += v / float64(len(xs))
		}
	}
	for _, x := range xs {
		for j, v := range x {
			std[j] += (v - mean[j]) * (v - mean[j]) / float64(len(xs))
		}
	}
	for j := range std {
		std[j] = math.Max(math.Sqrt(std[j]), 1e-9)
	}
	w, b := make([]float64, d), 0.0
	grad := make([]float64, d)
	for step := 0; step < fitSteps; step++ {
		clear(grad)
		gb := 0.0
		for i, x := range xs {
			z := b
			for j, v := range x {
				z += w[j] * (v - mean[j]) / std[j]
			}
			y := 0.0
			if ys[i] {
				y = 1
			}
			e := 1/(1+math.Exp(-z)) - y
			for j, v := range x {
				grad[j] += e * (v - mean[j]) / std[j]
			}
			gb += e
		}
		n := float64(len(xs))
		for j := range w {
			w[j] -= fitRate * (grad[j]/n + fitL2*w[j])
		}
		b -= fitRate * gb / n
	}
	m := logit{w: make([]float64, d), bias: b}
	for j := range w {
		m.w[j] = w[j] / std[j]
		m.bias -= w[j] * mean[j] / std[j]
	}
	return m
}

// bestThreshold returns the threshold on p with the highest total utility,
// in the middle of the widest-scoring interval between observed p values.
func bestThreshold(ps []float64, utility []float64) float64 {
	idx := make([]int, len(ps))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return ps[idx[a]] > ps[idx[b]] })
	// Taking everything above a cut: the cut between positions i-1 and i.
	best, bestAt := 0.0, 0 // taking nothing
	sum := 0.0
	for i, j := range idx {
		sum += utility[j]
		if sum > best+1e-9 {
			best, bestAt = sum, i+1
		}
	}
	hi := 1.0
	if bestAt > 0 {
		hi = ps[idx[bestAt-1]]
	}
	lo := 0.0
	if bestAt < len(idx) {
		lo = ps[idx[bestAt]]
	}
	return (hi + lo) / 2
}

func fitModels(es []example) []byte {
	var xs [][]float64
	var y1, y3 []bool
	for _, e := range es {
		if e.fit && e.x != nil {
			xs = append(xs, e.x)
			y1 = append(y1, e.top1)
			y3 = append(y3, e.top3)
		}
	}
	am, sm := fitLogit(xs, y1), fitLogit(xs, y3)
	var ps, us []float64
	for _, e := range es {
		if e.fit && e.x != nil && e.result.features.answerable() {
			u := 1.0
			if !e.top1 {
				u = -costWrongAnswer
			}
			ps, us = append(ps, am.p(e.x)), append(us, u)
		}
	}
	at := bestThreshold(ps, us)
	ps, us = nil, nil
	for _, e := range es {
		if e.fit && e.x != nil && (am.p(e.x) < at || !e.result.features.answerable()) {
			u := 1.0
			switch {
			case e.offTopic():
				u = -costOffTopicList
			case !e.top3:
				u = -costWrongList
			}
			ps, us = append(ps, sm.p(e.x)), append(us, u)
		}
	}
	st := bestThreshold(ps, us)
	var b bytes.Buffer
	b.WriteString("// Code generated by go test ./kb -run TestFitDecision -fit; DO NOT EDIT.\n\npackage kb\n\n")
	b.WriteString("// Fitted on the fit half of kb/testdata/decision_queries.tsv; see decision.go.\n")
	b.WriteString("// Features: Score, Margin, QCoverage, Coverage, Gram, InvTerms, Unknown, AssocOnly.\n")
	b.WriteString("// The models are never changed at run time.\nvar (\n")
	vec := func(m logit) string {
		parts := make([]string, len(m.w))
		for i, w := range m.w {
			parts[i] = fmt.Sprintf("%.4f", w)
		}
		return fmt.Sprintf("logit{w: []float64{%s}, bias: %.4f}", strings.Join(parts, ", "), m.bias)
	}
	fmt.Fprintf(&b, "\tanswerModel  = %s\n", vec(am))
	fmt.Fprintf(&b, "\tsuggestModel = %s\n)\n\n", vec(sm))
	fmt.Fprintf(&b, "const (\n\tanswerThreshold  = %.4f\n", at)
	fmt.Fprintf(&b, "\tsuggestThreshold = %.4f\n)\n", st)
	return b.Bytes()
}
