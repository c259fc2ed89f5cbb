package understand

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"
)

// ReadTSV reads labelled messages, one per line as class<TAB>lang<TAB>message;
// blank lines and lines starting with # are skipped. name is used in errors.
func ReadTSV(r io.Reader, name string) ([]Example, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return parseTSV(string(data), name)
}

// maxTSVLine is the longest line ReadTSV reads.
const maxTSVLine = 1 << 20

// parseTSV is ReadTSV of the whole text, read at once: the messages are
// cut from text, not copied line by line (training at start reads 15,000
// lines of development sets).
func parseTSV(text, name string) ([]Example, error) {
	var exs []Example
	line := 0
	for l := range strings.Lines(text) {
		line++
		if len(l) > maxTSVLine {
			return nil, fmt.Errorf("read %s: line %d: %w", name, line, bufio.ErrTooLong)
		}
		l = strings.TrimRight(strings.TrimSuffix(l, "\n"), "\r")
		if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#") {
			continue
		}
		class, rest, ok := strings.Cut(l, "\t")
		lang, msg, ok2 := strings.Cut(rest, "\t")
		if !ok || !ok2 {
			return nil, fmt.Errorf("read %s line %d: want class<TAB>lang<TAB>message", name, line)
		}
		c := Class(strings.TrimSpace(class))
		if classIndex(c) < 0 {
			return nil, fmt.Errorf("read %s line %d: unknown class %q", name, line, class)
		}
		exs = append(exs, Example{Class: c, Lang: strings.TrimSpace(lang), Text: msg})
	}
	return exs, nil
}

// Metric is precision, recall and F1 for one class (or one language, where
// the figures are macro-averaged over the classes present).
type Metric struct {
	Precision, Recall, F1 float64
	Support               int
}

// Miss is one message the evaluation got wrong in a way that matters.
type Miss struct {
	Example
	Got  Class
	Rule string
}

// Report is the outcome of evaluating a model on labelled messages.
type Report struct {
	N             int
	Accuracy      float64
	ByClass       map[Class]Metric
	ByLang        map[string]Metric           // macro over classes present in that language
	ByLangClass   map[string]map[Class]Metric // per language, per class
	LangAccuracy  float64                     // detected language equals the label ("ar-latn" counts as "ar" with Latin)
	DangerMissed  []Miss                      // labelled danger, classified otherwise
	FalseAlarms   []Miss                      // classified danger, labelled otherwise
	NonDanger     int                         // messages not labelled danger
	P50, P99, Max time.Duration               // time per message
	Confusion     map[Class]map[Class]int     // labelled -> got
	Timed         bool                        // the P50, P99 and Max figures were measured
	Confident     int                         // messages whose Result was Confident
	ConfidentOK   int                         // of those, classified right
}

// FalseAlarmRate is the share of non-danger messages classified as danger.
func (r Report) FalseAlarmRate() float64 {
	if r.NonDanger == 0 {
		return 0
	}
	return float64(len(r.FalseAlarms)) / float64(r.NonDanger)
}

// DangerRecall is the share of danger messages classified as danger.
func (r Report) DangerRecall() float64 {
	return r.ByClass[Danger].Recall
}

// timingRuns is how many times Evaluate times each message.
const timingRuns = 5

// Evaluate classifies every example with m and measures the result.
func Evaluate(m *Model, exs []Example) Report {
	// One untimed call first, so the timings measure steady state, not the
	// first touch of the weights.
	m.Understand("warm up")
	rep := evaluate(exs, func(_ int, text string) Result { return m.Understand(text) })
	rep.Timed = true
	return rep
}

// evaluate measures classify over exs.
func evaluate(exs []Example, classify func(i int, text string) Result) Report {
	rep := Report{N: len(exs), ByClass: map[Class]Metric{}, ByLang: map[string]Metric{},
		ByLangClass: map[string]map[Class]Metric{}, Confusion: map[Class]map[Class]int{}}
	got := make([]Class, len(exs))
	times := make([]time.Duration, len(exs))
	langOK := 0
	for i, e := range exs {
		// Each message is timed timingRuns times and the median kept: on a
		// shared machine a single timing measures the scheduler as much as
		// the classifier.
		var runs [timingRuns]time.Duration
		var r Result
		for k := range runs {
			start := time.Now()
			r = classify(i, e.Text)
			runs[k] = time.Since(start)
		}
		slices.Sort(runs[:])
		times[i] = runs[timingRuns/2]
		got[i] = r.Class
		if r.Confident() {
			rep.Confident++
			if r.Class == e.Class {
				rep.ConfidentOK++
			}
		}
		wantLang, wantLatin := e.Lang, false
		if wantLang == "ar-latn" {
			wantLang, wantLatin = "ar", true
		}
		if r.Lang == wantLang && r.Latin == wantLatin {
			langOK++
		}
		if rep.Confusion[e.Class] == nil {
			rep.Confusion[e.Class] = map[Class]int{}
		}
		rep.Confusion[e.Class][r.Class]++
		switch {
		case e.Class == Danger && r.Class != Danger:
			rep.DangerMissed = append(rep.DangerMissed, Miss{Example: e, Got: r.Class, Rule: r.Rule})
		case e.Class != Danger && r.Class == Danger:
			rep.FalseAlarms = append(rep.FalseAlarms, Miss{Example: e, Got: r.Class, Rule: r.Rule})
		}
		if e.Class != Danger {
			rep.NonDanger++
		}
	}
	if len(exs) == 0 {
		return rep
	}
	correct := 0
	for i, e := range exs {
		if got[i] == e.Class {
			correct++
		}
	}
	rep.Accuracy = float64(correct) / float64(len(exs))
	rep.LangAccuracy = float64(langOK) / float64(len(exs))
	all := make([]int, len(exs))
	for i := range all {
		all[i] = i
	}
	rep.ByClass = metrics(exs, got, all)
	langs := map[string][]int{}
	for i, e := range exs {
		langs[e.Lang] = append(langs[e.Lang], i)
	}
	for l, idx := range langs {
		byClass := metrics(exs, got, idx)
		rep.ByLangClass[l] = byClass
		var macro Metric
		n := 0
		for _, mt := range byClass {
			if mt.Support == 0 {
				continue
			}
			macro.Precision += mt.Precision
			macro.Recall += mt.Recall
			macro.F1 += mt.F1
			n++
		}
		if n > 0 {
			macro.Precision /= float64(n)
			macro.Recall /= float64(n)
			macro.F1 /= float64(n)
		}
		macro.Support = len(idx)
		rep.ByLang[l] = macro
	}
	slices.Sort(times)
	rep.P50 = times[len(times)/2]
	rep.P99 = times[min(len(times)-1, len(times)*99/100)]
	rep.Max = times[len(times)-1]
	return rep
}

// metrics computes per-class figures over the examples at idx.
func metrics(exs []Example, got []Class, idx []int) map[Class]Metric {
	tp, fp, fn, sup := map[Class]int{}, map[Class]int{}, map[Class]int{}, map[Class]int{}
	for _, i := range idx {
		want, g := exs[i].Class, got[i]
		sup[want]++
		if want == g {
			tp[want]++
		} else {
			fp[g]++
			fn[want]++
		}
	}
	out := map[Class]Metric{}
	for _, c := range Classes {
		if sup[c] == 0 && fp[c] == 0 {
			continue
		}
		var m Metric
		m.Support = sup[c]
		if tp[c]+fp[c] > 0 {
			m.Precision = float64(tp[c]) / float64(tp[c]+fp[c])
		}
		if tp[c]+fn[c] > 0 {
			m.Recall = float64(tp[c]) / float64(tp[c]+fn[c])
		}
		if m.Precision+m.Recall > 0 {
			m.F1 = 2 * m.Precision * m.Recall / (m.Precision + m.Recall)
		}
		out[c] = m
	}
	return out
}

// Print writes the report as plain text. Message texts are printed: the
// evaluation runs on labelled test data, never on live traffic.
func (r Report) Print(w io.Writer) {
	fmt.Fprintf(w, "messages %d  accuracy %.3f  language detection %.3f\n\n", r.N, r.Accuracy, r.LangAccuracy)
	fmt.Fprintf(w, "%-13s %9s %7s %7s %8s\n", "class", "precision", "recall", "f1", "support")
	for _, c := range Classes {
		m, ok := r.ByClass[c]
		if !ok {
			continue
		}
		fmt.Fprintf(w, "%-13s %9.3f %7.3f %7.3f %8d\n", c, m.Precision, m.Recall, m.F1, m.Support)
	}
	fmt.Fprintf(w, "\n%-13s %9s %7s %7s %8s   (macro over classes; worst class F1)\n", "language", "precision", "recall", "f1", "support")
	langs := make([]string, 0, len(r.ByLang))
	for l := range r.ByLang {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	for _, l := range langs {
		m := r.ByLang[l]
		worst, worstF1 := Class(""), 2.0
		for _, c := range Classes {
			if cm, ok := r.ByLangClass[l][c]; ok && cm.Support > 0 && cm.F1 < worstF1 {
				worst, worstF1 = c, cm.F1
			}
		}
		fmt.Fprintf(w, "%-13s %9.3f %7.3f %7.3f %8d   %s %.3f\n", l, m.Precision, m.Recall, m.F1, m.Support, worst, worstF1)
	}
	fmt.Fprintf(w, "\ndanger missed: %d of %d (recall %.3f)\n", len(r.DangerMissed), r.N-r.NonDanger, r.DangerRecall())
	for _, m := range r.DangerMissed {
		fmt.Fprintf(w, "  [%s] got %s: %s\n", m.Lang, m.Got, m.Text)
	}
	fmt.Fprintf(w, "danger false alarms: %d of %d non-danger (%.1f%%)\n", len(r.FalseAlarms), r.NonDanger, 100*r.FalseAlarmRate())
	for _, m := range r.FalseAlarms {
		fmt.Fprintf(w, "  [%s] labelled %s, rule %q: %s\n", m.Lang, m.Class, m.Rule, m.Text)
	}
	if r.Confident > 0 {
		fmt.Fprintf(w, "confident: %d of %d (%.1f%%), accuracy when confident %.3f\n", r.Confident, r.N,
			100*float64(r.Confident)/float64(r.N), float64(r.ConfidentOK)/float64(r.Confident))
	}
	if r.Timed {
		fmt.Fprintf(w, "\ntime per message: p50 %v  p99 %v  max %v\n", r.P50, r.P99, r.Max)
	}
}

// PrintErrors writes every misclassified message (for tuning examples on
// data the model may learn from; never on a held-out set).
func PrintErrors(w io.Writer, m *Model, exs []Example) {
	for _, e := range exs {
		r := m.Understand(e.Text)
		if r.Class != e.Class {
			fmt.Fprintf(w, "[%s] %s -> %s (%.2f, rule %q): %s\n", e.Lang, e.Class, r.Class, r.Confidence, r.Rule, e.Text)
		}
	}
}

// CrossValidate trains k models, each on all examples but one fold
// (every k-th example), and evaluates each on its fold; the figures are
// over all examples, each classified by the model that did not see it.
func CrossValidate(exs []Example, k int) (Report, error) {
	held, res, err := CrossValidateResults(exs, k)
	if err != nil {
		return Report{}, err
	}
	return evaluate(held, func(i int, _ string) Result { return res[i] }), nil
}

// CrossValidateResults is CrossValidate's raw material: every example
// (fold by fold) and its result from the model trained without its fold.
func CrossValidateResults(exs []Example, k int) ([]Example, []Result, error) {
	if k < 2 {
		return nil, nil, fmt.Errorf("cross-validate: need k >= 2, got %d", k)
	}
	var heldAll []Example
	var resAll []Result
	for f := range k {
		var train, held []Example
		for i, e := range exs {
			if i%k == f {
				held = append(held, e)
			} else {
				train = append(train, e)
			}
		}
		m, err := TrainExamples(train)
		if err != nil {
			return nil, nil, fmt.Errorf("cross-validate fold %d: %w", f, err)
		}
		for _, e := range held {
			heldAll = append(heldAll, e)
			resAll = append(resAll, m.Understand(e.Text))
		}
	}
	return heldAll, resAll, nil
}

// SetResult is one held-out set of a leave-one-set-out evaluation: the
// pipeline trained on the base examples alone, and trained on them and
// every other set.
type SetResult struct {
	Name   string
	Base   Report // trained on the base examples only
	Others Report // trained on the base examples and every other set
}

// LeaveOneSetOut evaluates, for each set k of sets, the whole pipeline
// (classifier and rules) on set k twice: trained on base alone, and
// trained on base followed by every other set in order. The rules are the
// same in both, so the difference is that of the training data alone.
// Every model is trained in a fixed order from a fixed seed, so the
// figures are the same on every run.
func LeaveOneSetOut(base []Example, names []string, sets [][]Example) ([]SetResult, error) {
	if len(names) != len(sets) || len(sets) < 2 {
		return nil, fmt.Errorf("leave one set out: need two or more named sets, got %d names, %d sets", len(names), len(sets))
	}
	baseModel, err := TrainExamples(base)
	if err != nil {
		return nil, fmt.Errorf("leave one set out: %w", err)
	}
	out := make([]SetResult, len(sets))
	for k, held := range sets {
		train := slices.Clip(base)
		for j, s := range sets {
			if j != k {
				train = append(train, s...)
			}
		}
		m, err := TrainExamples(train)
		if err != nil {
			return nil, fmt.Errorf("leave one set out %s: %w", names[k], err)
		}
		out[k] = SetResult{Name: names[k], Base: evaluateUntimed(baseModel, held), Others: evaluateUntimed(m, held)}
	}
	return out, nil
}

// evaluateUntimed classifies each example once and measures the result.
func evaluateUntimed(m *Model, exs []Example) Report {
	res := make([]Result, len(exs))
	for i, e := range exs {
		res[i] = m.Understand(e.Text)
	}
	return evaluate(exs, func(i int, _ string) Result { return res[i] })
}

// PrintLeaveOneSetOut writes one line per set and a total: danger missed,
// false alarms and accuracy trained on the base alone and on the others too.
func PrintLeaveOneSetOut(w io.Writer, sets []SetResult) {
	fmt.Fprintf(w, "%-12s %6s | %-22s %-22s %-13s | %-22s %-22s %-13s\n", "held out", "n",
		"missed (base)", "false alarms (base)", "acc (base)", "missed (+others)", "false alarms (+others)", "acc (+others)")
	var n, danger, nonDanger int
	var missB, missO, faB, faO, okB, okO int
	for _, s := range sets {
		b, o := s.Base, s.Others
		d := b.N - b.NonDanger
		fmt.Fprintf(w, "%-12s %6d | %-22s %-22s %-13.3f | %-22s %-22s %-13.3f\n", s.Name, b.N,
			fmt.Sprintf("%d of %d", len(b.DangerMissed), d), fmt.Sprintf("%d of %d (%.1f%%)", len(b.FalseAlarms), b.NonDanger, 100*b.FalseAlarmRate()), b.Accuracy,
			fmt.Sprintf("%d of %d", len(o.DangerMissed), d), fmt.Sprintf("%d of %d (%.1f%%)", len(o.FalseAlarms), o.NonDanger, 100*o.FalseAlarmRate()), o.Accuracy)
		n, danger, nonDanger = n+b.N, danger+d, nonDanger+b.NonDanger
		missB, missO = missB+len(b.DangerMissed), missO+len(o.DangerMissed)
		faB, faO = faB+len(b.FalseAlarms), faO+len(o.FalseAlarms)
		okB, okO = okB+correct(b), okO+correct(o)
	}
	if n == 0 {
		return
	}
	fmt.Fprintf(w, "%-12s %6d | %-22s %-22s %-13.3f | %-22s %-22s %-13.3f\n", "total", n,
		fmt.Sprintf("%d of %d", missB, danger), fmt.Sprintf("%d of %d (%.1f%%)", faB, nonDanger, 100*float64(faB)/float64(max(nonDanger, 1))), float64(okB)/float64(n),
		fmt.Sprintf("%d of %d", missO, danger), fmt.Sprintf("%d of %d (%.1f%%)", faO, nonDanger, 100*float64(faO)/float64(max(nonDanger, 1))), float64(okO)/float64(n))
	for _, side := range []struct {
		name string
		rep  func(SetResult) Report
	}{{"base", func(s SetResult) Report { return s.Base }}, {"+others", func(s SetResult) Report { return s.Others }}} {
		byRule := map[string]int{}
		for _, s := range sets {
			for _, m := range side.rep(s).FalseAlarms {
				byRule[cmp.Or(m.Rule, "classifier alone")]++
			}
		}
		rules := slices.Sorted(maps.Keys(byRule))
		slices.SortStableFunc(rules, func(a, b string) int { return byRule[b] - byRule[a] })
		fmt.Fprintf(w, "false alarms by deciding rule (%s):", side.name)
		for _, r := range rules {
			fmt.Fprintf(w, " %s %d", r, byRule[r])
		}
		fmt.Fprintln(w)
	}
}

// correct is the number of messages r classified right.
func correct(r Report) int {
	ok := 0
	for c, row := range r.Confusion {
		ok += row[c]
	}
	return ok
}

// PrintLeaveOneSetOutChanges writes, per set, the dangers missed and the
// false alarms of one training and not the other.
func PrintLeaveOneSetOutChanges(w io.Writer, sets []SetResult) {
	for _, s := range sets {
		for _, d := range []struct {
			what        string
			base, other []Miss
		}{
			{"danger missed", s.Base.DangerMissed, s.Others.DangerMissed},
			{"false alarm", s.Base.FalseAlarms, s.Others.FalseAlarms},
		} {
			for _, m := range missesNotIn(d.other, d.base) {
				fmt.Fprintf(w, "  %s +others only, %s [%s] %s, rule %q: %s\n", s.Name, d.what, m.Lang, m.Class, m.Rule, m.Text)
			}
			for _, m := range missesNotIn(d.base, d.other) {
				fmt.Fprintf(w, "  %s base only,    %s [%s] %s, rule %q: %s\n", s.Name, d.what, m.Lang, m.Class, m.Rule, m.Text)
			}
		}
	}
}

// missesNotIn returns the misses of a whose example is not missed in b.
func missesNotIn(a, b []Miss) []Miss {
	in := map[Example]bool{}
	for _, m := range b {
		in[m.Example] = true
	}
	var out []Miss
	for _, m := range a {
		if !in[m.Example] {
			out = append(out, m)
		}
	}
	return out
}
