package kb

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

var (
	rerankData   = flag.String("rerank-data", "", "comma-separated candidate dumps of `lifeline kb eval --dump` to fit the second stage on")
	rerankLambda = flag.Float64("rerank-lambda", rerankL2, "L2 penalty towards the first ranking's weights")
	rerankWrite  = flag.Bool("rerank-write", false, "rewrite rerank_model.go with the fitted weights")
)

// rerankL2 is the penalty the checked-in model was fitted with: the
// smallest of 0.003, 0.01, 0.03, 0.1, 0.3 and 1 whose weights fitted on one
// half of the queries (odd and even, within the fit data) did best on the
// other by top-3, then top-1.
const rerankL2 = 0.03

// rankQuery is one query of a dump: its candidates' features and which
// are the labelled entry.
type rankQuery struct {
	x     [][rfCount]float64
	label []bool
}

func loadDump(t *testing.T, path string) []rankQuery {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []rankQuery
	last := ""
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) != 2+rfCount {
			t.Fatalf("%s line %d: %d columns, want %d", path, line, len(cols), 2+rfCount)
		}
		if cols[0] != last {
			out = append(out, rankQuery{})
			last = cols[0]
		}
		q := &out[len(out)-1]
		var x [rfCount]float64
		for i := range x {
			if x[i], err = strconv.ParseFloat(cols[2+i], 64); err != nil {
				t.Fatalf("%s line %d: %v", path, line, err)
			}
		}
		q.x = append(q.x, x)
		q.label = append(q.label, cols[1] == "1")
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func dot(w, x *[rfCount]float64) float64 {
	s := 0.0
	for i := range w {
		s += w[i] * x[i]
	}
	return s
}

// rankOf is the rank (0 first) the best labelled candidate gets under w,
// -1 when none is labelled (the entry is not among the candidates). Ties
// keep the dump's order, as the search does.
func rankOf(w *[rfCount]float64, q rankQuery) int {
	best := -1
	for i, l := range q.label {
		if !l {
			continue
		}
		s, r := dot(w, &q.x[i]), 0
		for j := range q.x {
			if sj := dot(w, &q.x[j]); sj > s || (sj == s && j < i) {
				r++
			}
		}
		if best < 0 || r < best {
			best = r
		}
	}
	return best
}

func topK(w *[rfCount]float64, qs []rankQuery) (top1, top3 int) {
	for _, q := range qs {
		switch r := rankOf(w, q); {
		case r == 0:
			top1++
			top3++
		case r > 0 && r < 3:
			top3++
		}
	}
	return top1, top3
}

// fitRerank fits the weights by the softmax loss of the labelled
// candidates among each query's candidates (every query counts once), at
// a fitted temperature (the scores' scale says nothing about their order),
// with an L2 penalty lambda towards the first ranking's weights, by batch
// gradient descent from them: deterministic.
func fitRerank(qs []rankQuery, lambda float64) [rfCount]float64 {
	w := firstStage
	temp := 10.0
	const steps, rate = 3000, 0.05
	var usable []rankQuery
	for _, q := range qs {
		for _, l := range q.label {
			if l {
				usable = append(usable, q)
				break
			}
		}
	}
	n := float64(len(usable))
	for step := 0; step < steps; step++ {
		var g [rfCount]float64
		gt := 0.0
		for _, q := range usable {
			s := make([]float64, len(q.x))
			raw := make([]float64, len(q.x))
			m := math.Inf(-1)
			for i := range q.x {
				raw[i] = dot(&w, &q.x[i])
				s[i] = temp * raw[i]
				m = max(m, s[i])
			}
			var z, zp float64
			for i := range s {
				s[i] = math.Exp(s[i] - m)
				z += s[i]
				if q.label[i] {
					zp += s[i]
				}
			}
			for i := range s {
				d := s[i] / z
				if q.label[i] {
					d -= s[i] / zp
				}
				gt += d * raw[i] / n
				for k := range g {
					g[k] += d * temp * q.x[i][k] / n
				}
			}
		}
		for k := range w {
			w[k] -= rate * (g[k] + 2*lambda*(w[k]-firstStage[k]))
		}
		temp -= rate * 10 * gt
	}
	return w
}

// TestFitRerank fits the second stage on the dumps named by -rerank-data
// and reports top-1 and top-3 among the candidates, before and after, for
// each dump; with -rerank-write it rewrites rerank_model.go. Without
// -rerank-data it checks that the checked-in model is what the fit's
// starting point says: finite weights.
func TestFitRerank(t *testing.T) {
	for i, v := range rerankModel {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("rerank weight %s is %v", rerankFeatureNames[i], v)
		}
	}
	if *rerankData == "" {
		t.Skip("no -rerank-data")
	}
	paths := strings.Split(*rerankData, ",")
	sets := make([][]rankQuery, len(paths))
	var all, odd, even []rankQuery
	for i, p := range paths {
		sets[i] = loadDump(t, p)
		all = append(all, sets[i]...)
		for j, q := range sets[i] {
			if j%2 == 0 {
				even = append(even, q)
			} else {
				odd = append(odd, q)
			}
		}
	}
	if testing.Verbose() {
		for f := range rfCount {
			var one [rfCount]float64
			one[f] = 1
			a1, a3 := topK(&one, all)
			line := fmt.Sprintf("%s alone: %d/%d;", rerankFeatureNames[f], a1, a3)
			for _, a := range []float64{-0.3, -0.1, 0.1, 0.3, 0.6, 1} {
				w := firstStage
				w[f] += a
				a1, a3 := topK(&w, all)
				line += fmt.Sprintf(" %+g: %d/%d", a, a1, a3)
			}
			t.Log(line)
		}
	}
	// The penalty by two-fold cross-validation within the fit data.
	for _, l := range []float64{0.003, 0.01, 0.03, 0.1, 0.3, 1} {
		we, wo := fitRerank(even, l), fitRerank(odd, l)
		a1, a3 := topK(&we, odd)
		b1, b3 := topK(&wo, even)
		t.Logf("lambda %g: cross-validated top-1 %d, top-3 %d of %d", l, a1+b1, a3+b3, len(all))
	}
	w := fitRerank(all, *rerankLambda)
	fs := firstStage
	for i, p := range paths {
		n := len(sets[i])
		b1, b3 := topK(&fs, sets[i])
		a1, b := topK(&w, sets[i])
		t.Logf("%s: %d queries: top-1 %.3f -> %.3f, top-3 %.3f -> %.3f", p, n,
			float64(b1)/float64(n), float64(a1)/float64(n), float64(b3)/float64(n), float64(b)/float64(n))
	}
	var b strings.Builder
	for i, v := range w {
		fmt.Fprintf(&b, "%s: %.4f, ", rerankFeatureNames[i], v)
	}
	t.Logf("weights (lambda %g): %s", *rerankLambda, b.String())
	if !*rerankWrite {
		return
	}
	var src strings.Builder
	fmt.Fprintf(&src, "// Code generated by go test ./kb -run TestFitRerank -rerank-write; DO NOT EDIT.\n\npackage kb\n\n")
	fmt.Fprintf(&src, "// Fitted with lambda %g on %d queries; see rerank.go.\n", *rerankLambda, len(all))
	fmt.Fprintf(&src, "// Features: %s.\n", strings.Join(rerankFeatureNames[:], ", "))
	fmt.Fprintf(&src, "var rerankModel = [rfCount]float64{")
	for i, v := range w {
		if i > 0 {
			src.WriteString(", ")
		}
		fmt.Fprintf(&src, "%.4f", v)
	}
	src.WriteString("}\n")
	if err := os.WriteFile("rerank_model.go", []byte(src.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
