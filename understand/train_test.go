package understand

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
)

// trainReference is TrainExamples as it was before training was made
// fast: the features extracted one example after the other and the SGD run
// on the hashed buckets in the model's own table. TrainExamples must give
// the same model to the bit; this is the slow path it is checked against,
// kept as it was (the class weights aside, which it shares) so that a
// change to the training itself fails the test until it is made here too.
func trainReference(exs []Example) (*Model, error) {
	if len(exs) == 0 {
		return nil, fmt.Errorf("train: no examples")
	}
	type row struct {
		f []feature
		y int
	}
	texts := make([][]string, 0, len(exs))
	for _, e := range exs {
		if classIndex(e.Class) < 0 {
			return nil, fmt.Errorf("train: %q is not a class", e.Class)
		}
		norm, _ := normalize(e.Text)
		texts = append(texts, strings.Fields(norm))
	}
	df := docFreq(texts)
	m := &Model{w: make([]float32, dim*numClasses), n: len(exs), vocab: latinVocab(exs, texts), common: commonWeights(df, len(texts)), function: functionWords(df, len(texts))}
	rows := make([]row, 0, len(exs))
	for i, e := range exs {
		rows = append(rows, row{f: m.extract(texts[i], nil), y: classIndex(e.Class)})
	}
	ys := make([]int, len(rows))
	for i, r := range rows {
		ys[i] = r.y
	}
	weight := classWeights(ys)
	rng := rand.New(rand.NewPCG(hyper.seed, hyper.seed^0x9e3779b97f4a7c15))
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	total := float64(hyper.epochs * len(rows))
	step := 0
	var p [numClasses]float64
	for range hyper.epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			r := rows[i]
			lr := hyper.rate * (1 - float64(step)/total) * weight[r.y]
			step++
			m.probs(r.f, &p)
			// Classes the example is already sure about get no update: after
			// the first epochs most gradients are negligible, and skipping
			// them keeps training well under a second.
			var g [numClasses]float32
			var active [numClasses]int
			na := 0
			for k := range numClasses {
				gk := p[k]
				if k == r.y {
					gk--
				}
				if gk > -minGrad && gk < minGrad {
					continue
				}
				g[na], active[na] = float32(gk*lr), k
				na++
				m.bias[k] -= float32(gk*lr) * 0.1
			}
			l2 := hyper.l2
			for _, f := range r.f {
				row := (*[numClasses]float32)(m.w[int(f.idx)*numClasses:])
				for j, k := range active[:na] {
					row[k] -= g[j]*f.val + l2*row[k]
				}
			}
		}
	}
	return m, nil
}

// docFreq returns in how many of texts each word occurs.
func docFreq(texts [][]string) map[string]int {
	df := map[string]int{}
	seen := map[string]bool{}
	for _, words := range texts {
		clear(seen)
		for _, w := range words {
			if !seen[w] {
				seen[w] = true
				df[w]++
			}
		}
	}
	return df
}

// latinVocab is corpus.latinVocab as it was, in maps of words: the words
// of Latin-script examples that belong to one language. texts[i] holds the
// normalised words of exs[i], as training reads them.
func latinVocab(exs []Example, texts [][]string) map[string]string {
	count := map[string]map[string]int{}
	for i, e := range exs {
		for _, w := range texts[i] {
			if !isLatinWord(w) {
				continue
			}
			if count[w] == nil {
				count[w] = map[string]int{}
			}
			count[w][e.Lang]++
		}
	}
	vocab := map[string]string{}
	for w, byLang := range count {
		total, best, bestN := 0, "", 0
		for l, n := range byLang {
			total += n
			if n > bestN || (n == bestN && l < best) {
				best, bestN = l, n
			}
		}
		if best == "" || best == "ar" || total < 1 || float64(bestN) < 0.75*float64(total) {
			continue
		}
		vocab[w] = best
	}
	return vocab
}

func TestTrainMatchesReference(t *testing.T) {
	all := TrainingExamples()
	var some []Example
	for i := 0; i < len(all); i += 7 {
		some = append(some, all[i])
	}
	tests := []struct {
		name  string
		exs   []Example
		procs int
	}{
		{"training data (examples and development sets)", all, 0},
		{"every seventh example on one CPU", some, 1},
		{"every seventh example", some, 0},
		{"one example", all[:1], 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.procs > 0 {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(tt.procs))
			}
			checkTrainMatchesReference(t, tt.exs)
		})
	}
}

// checkTrainMatchesReference fails unless TrainExamples and trainReference
// give the same model on exs, to the bit.
func checkTrainMatchesReference(t *testing.T, exs []Example) {
	t.Helper()
	want, err := trainReference(exs)
	if err != nil {
		t.Fatal(err)
	}
	got, err := TrainExamples(exs)
	if err != nil {
		t.Fatal(err)
	}
	nonzero := 0
	for i := range want.w {
		if math.Float32bits(got.w[i]) != math.Float32bits(want.w[i]) {
			t.Fatalf("weight %d (bucket %d class %d) = %g, want %g", i, i/numClasses, i%numClasses, got.w[i], want.w[i])
		}
		if want.w[i] != 0 {
			nonzero++
		}
	}
	if nonzero == 0 {
		t.Fatal("reference training left every weight at zero")
	}
	for k := range numClasses {
		if math.Float32bits(got.bias[k]) != math.Float32bits(want.bias[k]) {
			t.Errorf("bias %d = %g, want %g", k, got.bias[k], want.bias[k])
		}
	}
	if got.n != want.n {
		t.Errorf("examples %d, want %d", got.n, want.n)
	}
	if !maps.Equal(got.vocab, want.vocab) {
		t.Errorf("vocab differs: %d words, want %d", len(got.vocab), len(want.vocab))
	}
	if !maps.Equal(got.common, want.common) {
		t.Errorf("common words differ: %d, want %d", len(got.common), len(want.common))
	}
	if !maps.Equal(got.function, want.function) {
		t.Errorf("function words differ: %d, want %d", len(got.function), len(want.function))
	}
}
