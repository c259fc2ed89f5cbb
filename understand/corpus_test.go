package understand

import (
	"maps"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestCorpusFeaturesMatchExtract checks the features training assembles
// from its per-word parts (corpus, lexicon) against Model.extract, the
// straightforward extraction that classifying a message uses: the same
// buckets in the same order with the same values to the bit, for every
// example, on texts that test the edges of normalising and of the n-grams.
func TestCorpusFeaturesMatchExtract(t *testing.T) {
	long := strings.Repeat("the water is rising and we are trapped ", 4096/39+1)[:4096]
	tricky := []string{
		"",
		" ",
		"\t\n",
		"help",
		"HELP!!! ?? ??",
		"?",
		"? ?? !! ?",
		"help help help help help me help",
		"help help help help help help help help help help help help help help help help help help help help",
		"not hurt",
		"not not no never hurt",
		"we are not trapped and nobody is hurt",
		"il n'est pas blessé personne",
		"घायल नहीं है",
		"نحن محاصرون في البيت والماء يرتفع",
		"مش بخير ما في حدا",
		"ساعدونييي البيت\u00a0اور",
		"wa7ed mish mawjood 3al sat7",
		"🆘🆘 🔥 fire 🔥🔥🔥",
		"🤣😂 ok 👍🏽",
		"👨‍👩‍👧 ❤️",
		"\xff\xfe bad \xe2\x80 bytes \xc2",
		"a\u0301 e\u0301\u0301 ﷺ ﻻ ½ ｆｉｒｅ",
		"٣ أطفال و ٢ كبار",
		"x",
		"aa",
		strings.Repeat("a", 4096),
		strings.Repeat("ب", 4096),
		strings.Repeat("🔥", 4096),
		long,
		strings.Repeat("help ", 1000),
	}
	var exs []Example
	for i, s := range tricky {
		exs = append(exs, Example{Class: Classes[i%len(Classes)], Lang: []string{"en", "ar", "fr", "ar-latn"}[i%4], Text: s})
	}
	all := TrainingExamples()
	var some []Example
	for i := 0; i < len(all); i += 5 {
		some = append(some, all[i])
	}
	tests := []struct {
		name  string
		exs   []Example
		procs int
	}{
		{"tricky texts", exs, 0},
		{"tricky texts on one CPU", exs, 1},
		{"one empty text", exs[:1], 0},
		{"every fifth training example with the tricky texts", append(some, exs...), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.procs > 0 {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(tt.procs))
			}
			c := readCorpus(tt.exs)
			m := &Model{common: c.commonWeights()}
			langs, lang := languages(tt.exs)
			set, _ := m.compact(c, lang, len(langs))
			defer set.free()
			if len(set.rows) != len(tt.exs) {
				t.Fatalf("%d rows for %d examples", len(set.rows), len(tt.exs))
			}
			for i, e := range tt.exs {
				norm, _ := normalize(e.Text)
				want := m.extract(strings.Fields(norm), nil)
				got := set.rows[i]
				if len(got) != len(want) {
					t.Fatalf("%q: %d features, extract has %d", e.Text, len(got), len(want))
				}
				for j, f := range got {
					if b := set.buckets[f.idx]; b != want[j].idx || math.Float32bits(f.val) != math.Float32bits(want[j].val) {
						t.Fatalf("%q: feature %d is bucket %d value %g, extract has %d %g", e.Text, j, b, f.val, want[j].idx, want[j].val)
					}
				}
			}
		})
	}
}

// TestTrainDeterministic trains twice on the same examples, on one CPU and
// on all of them, and wants the same model to the bit: training at start
// must give every process the same classifier.
func TestTrainDeterministic(t *testing.T) {
	all := TrainingExamples()
	var some []Example
	for i := 0; i < len(all); i += 4 {
		some = append(some, all[i])
	}
	one := func() *Model {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
		m, err := TrainExamples(some)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}()
	for run := range 2 {
		m, err := TrainExamples(some)
		if err != nil {
			t.Fatal(err)
		}
		nonzero := 0
		for i := range m.w {
			if math.Float32bits(m.w[i]) != math.Float32bits(one.w[i]) {
				t.Fatalf("run %d: weight %d = %g, on one CPU %g", run, i, m.w[i], one.w[i])
			}
			if m.w[i] != 0 {
				nonzero++
			}
		}
		if nonzero == 0 {
			t.Fatal("training left every weight at zero")
		}
		for k := range numClasses {
			if math.Float32bits(m.bias[k]) != math.Float32bits(one.bias[k]) {
				t.Errorf("run %d: bias %d = %g, on one CPU %g", run, k, m.bias[k], one.bias[k])
			}
		}
		if !maps.Equal(m.vocab, one.vocab) || !maps.Equal(m.common, one.common) || !maps.Equal(m.function, one.function) {
			t.Errorf("run %d: word lists differ from those trained on one CPU", run)
		}
	}
}

// TestAppendGrams checks the character n-grams against their definition:
// every run of hyper.minN to hyper.maxN runes of "<" w ">" but "<>", by
// start, then by length.
func TestAppendGrams(t *testing.T) {
	for _, w := range []string{"", "a", "help", "بيت", "🔥", "👨‍👩‍👧", "n'est", "\xff", "a\xe2\x80b", "घायल", "a<>b", strings.Repeat("ab", 300)} {
		rs := []rune("<" + w + ">")
		var want []uint32
		for s := range rs {
			for n := hyper.minN; n <= hyper.maxN && s+n <= len(rs); n++ {
				gram := string(rs[s : s+n])
				if gram == "<>" {
					continue
				}
				h := hashByte(fnvOffset, seedChar)
				for _, r := range gram {
					h = hashRune(h, r)
				}
				want = append(want, bucket(h))
			}
		}
		if got, _ := appendGrams(nil, nil, w); !slices.Equal(got, want) {
			t.Errorf("appendGrams(%q) = %v, want %v", w, got, want)
		}
	}
}
