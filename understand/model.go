package understand

import (
	"bufio"
	"fmt"
	"io/fs"
	"math"
	"math/bits"
	"path"
	"sort"
	"strings"
	"unicode"
)

// The classifier is a fastText-style linear model: hashed word unigrams,
// word bigrams and character n-grams (2-5, with word boundaries) of the
// normalised text, scored by multinomial logistic regression trained with
// SGD in a fixed order from a fixed seed, so two trainings give the same
// weights bit for bit.

const (
	dimBits = 17
	dim     = 1 << dimBits // hashed feature space; collisions are rare at a few thousand examples
)

// hyper are the training settings, kept together so a search over them
// (by cross-validation: lifeline eval understand --cv 5) changes one place.
// Nothing sets them at run time.
var hyper = struct {
	// Feature weights before L2 normalisation: a word says more than any
	// one of the many character n-grams it is made of; the n-grams carry
	// typos, Arabizi spellings and inflections. With 9,047 examples the
	// char weight went from 0.5 to 0.25 and the rate from 1 to 2: fewer
	// false alarms on the development sets, no danger message lost in
	// cross-validation (BENCHMARKS.md, Understanding, round 8).
	word, bigram, char float32
	minN, maxN         int
	epochs             int
	rate               float64 // initial learning rate, decayed linearly to zero
	l2                 float32 // weight decay per update
	seed               uint64
	// neg is the weight of a word read inside the scope of a negation
	// ("not hurt", "personne blessé", "घायल नहीं"): the same word with and
	// without a negation before or after it are different features. On
	// the older evaluation sets 1.5 was better than 0, 0.8 and 2.5.
	neg float32
	// balance is the exponent of the class weight (mean class size /
	// class size): 0 weighs every example alike, 1 weighs every class
	// alike. On the older evaluation sets 0.5 changed nothing that
	// mattered, so examples weigh alike.
	balance float64
	// commonMin is the share of examples from which a word counts as
	// common and its features are scaled down (commonWeights), never
	// below commonFloor; 0 turns the scaling off. At 14,150 examples,
	// 0.002/0.2 against none: 5-fold cross-validation misses 54 danger
	// messages instead of 62 with 911 false alarms instead of 922, and
	// the twelve development sets together 280 false alarms instead of
	// 291 with the same 9 dangers missed (BENCHMARKS.md, Understanding,
	// round 16); 0.003 and 0.01 changed less. A message of common words
	// alone is guarded in Understand (contentless).
	commonMin, commonFloor float64
}{commonMin: 0.002, commonFloor: 0.2, word: 1.0, bigram: 0.6, char: 0.25, minN: 2, maxN: 5, epochs: 14, rate: 2.0, l2: 1e-6, seed: 20240611, neg: 1.5, balance: 0}

const numClasses = 11

// probs keeps one local sum per class: a change in the number of classes
// must change it too, and this fails to compile until it does.
var _ = [1]struct{}{}[numClasses-11]

// minGrad is the gradient below which a class is not updated for an example.
const minGrad = 1e-3

// feature is one hashed feature and its value.
type feature struct {
	idx uint32
	val float32
}

// Example is one labelled message.
type Example struct {
	Class Class
	Lang  string // as labelled: "en", "ar", "ar-latn", ...
	Text  string
}

// Model is a trained classifier. It is read-only after training and safe
// for concurrent use.
type Model struct {
	w    []float32 // dim x numClasses, row per feature
	bias [numClasses]float32
	n    int // examples trained on

	vocab map[string]string // Latin-script words that belong to one language, for detection

	// common scales the features of the words found in many examples of
	// every kind ("and", "und", "y", "w", "في", "रहा"), see commonWeights.
	common map[string]float32
	// function holds the words found in at least functionMin of the
	// examples ("the", "and", "und", "w", "في", "है"): a message made of
	// them alone says nothing the classifier may call danger.
	function map[string]bool
}

// Examples returns the number of examples the model was trained on.
func (m *Model) Examples() int { return m.n }

// classIndex maps a class to its position in Classes.
func classIndex(c Class) int {
	for i, k := range Classes {
		if k == c {
			return i
		}
	}
	return -1
}

// Train builds a model from example files: every <lang>/<class>.txt in fsys,
// one message per line, lines starting with # and blank lines skipped.
// It fails on a file named after no class and when there are no examples.
func Train(fsys fs.FS) (*Model, error) {
	exs, err := LoadExamples(fsys)
	if err != nil {
		return nil, err
	}
	return TrainExamples(exs)
}

// LoadExamples reads the example files of fsys (<lang>/<class>.txt) in a fixed order.
func LoadExamples(fsys fs.FS) ([]Example, error) {
	var files []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".txt") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list examples: %w", err)
	}
	sort.Strings(files)
	var exs []Example
	for _, p := range files {
		class := Class(strings.TrimSuffix(path.Base(p), ".txt"))
		if classIndex(class) < 0 {
			return nil, fmt.Errorf("load examples %s: %q is not a class", p, class)
		}
		lang := path.Base(path.Dir(p))
		if lang == "." {
			lang = ""
		}
		// Read whole, the lines cut from it rather than copied one by one.
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("load examples %s: %w", p, err)
		}
		for line := range strings.Lines(string(data)) {
			if len(line) > bufio.MaxScanTokenSize {
				return nil, fmt.Errorf("load examples %s: %w", p, bufio.ErrTooLong)
			}
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			exs = append(exs, Example{Class: class, Lang: lang, Text: line})
		}
	}
	if len(exs) == 0 {
		return nil, fmt.Errorf("load examples: no examples found")
	}
	return exs, nil
}

// TrainExamples builds a model from labelled examples, in the order given.
// The work that does not depend on order (normalising, extracting the
// features) is spread over the CPUs; the SGD runs in one fixed order, on
// the features renumbered densely (see compact), so the weights are the
// same to the bit on any number of CPUs.
func TrainExamples(exs []Example) (*Model, error) {
	if len(exs) == 0 {
		return nil, fmt.Errorf("train: no examples")
	}
	ys := make([]int, len(exs))
	for i, e := range exs {
		if ys[i] = classIndex(e.Class); ys[i] < 0 {
			return nil, fmt.Errorf("train: %q is not a class", e.Class)
		}
	}
	c := readCorpus(exs)
	m := &Model{w: make([]float32, dim*numClasses), n: len(exs), common: c.commonWeights(), function: c.functionWords()}
	langs, lang := languages(exs)
	set, latin := m.compact(c, lang, len(langs))
	// The words of each language are picked on another CPU while this
	// one trains.
	vocab := make(chan map[string]string, 1)
	go func() { vocab <- c.latinVocab(latin, langs) }()
	w, free := hugeAlloc[float32](len(set.buckets) * stride)
	sgd(w, &m.bias, set.rows, ys)
	for d, b := range set.buckets {
		copy(m.w[int(b)*numClasses:int(b+1)*numClasses], w[d*stride:d*stride+numClasses])
	}
	free()
	set.free()
	m.vocab = <-vocab
	return m, nil
}

// probs fills p with the class probabilities for features f. It is most
// of the work of training and of Understand: the class sums are kept in
// eleven locals rather than an array so they stay in registers, and each
// feature's row is one bounds-checked array. The sums are taken in the same
// order as a loop over the classes would, so the result is the same to the
// bit.
func (m *Model) probs(f []feature, p *[numClasses]float64) {
	z0, z1, z2, z3 := float64(m.bias[0]), float64(m.bias[1]), float64(m.bias[2]), float64(m.bias[3])
	z4, z5, z6, z7 := float64(m.bias[4]), float64(m.bias[5]), float64(m.bias[6]), float64(m.bias[7])
	z8, z9, z10 := float64(m.bias[8]), float64(m.bias[9]), float64(m.bias[10])
	w := m.w
	for _, ft := range f {
		row := (*[numClasses]float32)(w[int(ft.idx)*numClasses:])
		v := float64(ft.val)
		z0 += v * float64(row[0])
		z1 += v * float64(row[1])
		z2 += v * float64(row[2])
		z3 += v * float64(row[3])
		z4 += v * float64(row[4])
		z5 += v * float64(row[5])
		z6 += v * float64(row[6])
		z7 += v * float64(row[7])
		z8 += v * float64(row[8])
		z9 += v * float64(row[9])
		z10 += v * float64(row[10])
	}
	softmax(&[numClasses]float64{z0, z1, z2, z3, z4, z5, z6, z7, z8, z9, z10}, p)
}

// softmax fills p with the probabilities of the class scores z.
func softmax(z *[numClasses]float64, p *[numClasses]float64) {
	mx := z[0]
	for _, v := range z[1:] {
		mx = max(mx, v)
	}
	var x [stride]float64
	for k := range numClasses {
		x[k] = z[k] - mx
	}
	if !expAll(&x) {
		for k := range numClasses {
			x[k] = math.Exp(x[k])
		}
	}
	sum := 0.0
	for k := range numClasses {
		p[k] = x[k]
		sum += p[k]
	}
	for k := range numClasses {
		p[k] /= sum
	}
}

const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
	seedWord  = 0x01
	seedBi    = 0x02
	seedChar  = 0x03
	seedNeg   = 0x04
)

// negator reports whether w negates its neighbours, "n'est" by its "n'".
func negator(w string) bool {
	if negators[w] {
		return true
	}
	i := strings.IndexByte(w, '\'')
	return i > 0 && negators[w[:i+1]]
}

// negators are the normalised words that negate their neighbours, in the
// nine languages: Hindi and Urdu put the negation after the word it negates
// ("घायल नहीं"), the others mostly before ("not hurt", "مش بخير").
var negators = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`not no never nobody noone nothing none without can't cant don't dont didn't didnt
		isn't isnt aren't arent wasn't wasnt won't wont haven't havent hasn't hasnt weren't couldn't couldnt
		ne n' pas personne aucun aucune jamais rien sans
		nadie ningún ningun ninguno ninguna nunca nada sin
		nicht kein keine keinen keiner niemand nie nichts ohne
		não nao ninguém ninguem nenhum nenhuma sem
		नहीं नही ना न मत बिना nahi nahin nhi mat bina
		نہیں نہ مت بغیر
		مش مو ما لا لم لن ليس ليست مافي ماكو محد ماحد محدش بدون مب موش ماشي مكانش
		mish mesh msh ma la mafi mafee machi mashi mosh mush bala bidoon`) {
		negators[Normalize(w)] = true
	}
}

func hashByte(h uint32, b byte) uint32 { return (h ^ uint32(b)) * fnvPrime }

func hashString(h uint32, s string) uint32 {
	for i := 0; i < len(s); i++ {
		h = hashByte(h, s[i])
	}
	return h
}

func hashRune(h uint32, r rune) uint32 {
	h = hashByte(h, byte(r))
	h = hashByte(h, byte(r>>8))
	return hashByte(h, byte(r>>16))
}

func bucket(h uint32) uint32 {
	// fold the high bits in: FNV's low bits alone mix poorly
	return (h ^ h>>dimBits) & (dim - 1)
}

// appendGrams appends to g the buckets of the character n-grams of w, of
// hyper.minN to hyper.maxN runes of "<" w ">" ("<" and ">" mark its
// start and end; "<>" alone is none), in the order extract takes them;
// rs is scratch for the runes.
func appendGrams(g []uint32, rs []rune, w string) ([]uint32, []rune) {
	rs = append(rs[:0], '<')
	rs = append(rs, []rune(w)...)
	rs = append(rs, '>')
	for s := 0; s < len(rs)-1; s++ {
		h := hashByte(fnvOffset, seedChar)
		for e := s; e < len(rs) && e < s+hyper.maxN; e++ {
			h = hashRune(h, rs[e])
			if e-s+1 >= hyper.minN && !(e-s == 1 && rs[s] == '<' && rs[e] == '>') {
				g = append(g, bucket(h))
			}
		}
	}
	return g, rs
}

// maxRepeats is how often one word counts in a message. The features are
// normalised as a vector, so a word said a thousand times would push the
// scores as far as the square root of that: a long run of one meaningless
// word would be read as confidently as a real message (and most often as
// danger, the class of long messages). "help help help" keeps its
// emphasis up to this.
const maxRepeats = 3

// capRepeats drops the occurrences of a word after its maxRepeats-th. It
// returns words itself when nothing is dropped, as for nearly every
// message. The words are counted in an open-addressing table, on the
// stack for a normalised message (at most maxRunes/2+1 words).
func capRepeats(words []string) []string {
	if len(words) <= maxRepeats || (len(words) <= 16 && !repeatsTooOften(words)) {
		return words
	}
	var small [512]repeatSlot
	slots := small[:]
	if len(words) > len(small)/2 {
		slots = make([]repeatSlot, 1<<bits.Len(uint(2*len(words))))
	}
	mask := uint32(len(slots) - 1)
	var out []string
	for i, w := range words {
		j := hashString(fnvOffset, w) & mask
		for slots[j].n != 0 && words[slots[j].word] != w {
			j = (j + 1) & mask
		}
		if slots[j].n == 0 {
			slots[j].word = int32(i)
		}
		if slots[j].n <= maxRepeats { // stops counting past it
			slots[j].n++
		}
		if slots[j].n <= maxRepeats {
			if out != nil {
				out = append(out, w)
			}
			continue
		}
		if out == nil {
			out = append(make([]string, 0, len(words)), words[:i]...)
		}
	}
	if out == nil {
		return words
	}
	return out
}

// repeatSlot counts a word for capRepeats: the index of its first
// occurrence and how often it occurred, up to maxRepeats+1.
type repeatSlot struct {
	word int32
	n    uint8
}

// runOfOne reports three or more words that are all the same word.
func runOfOne(words []string) bool {
	if len(words) < 3 {
		return false
	}
	for _, w := range words[1:] {
		if w != words[0] {
			return false
		}
	}
	return true
}

// repeatsTooOften reports whether a word of a short message occurs more
// than maxRepeats times, without the map capRepeats needs to drop them:
// nearly every message is short and has no such word, and this runs for
// each one.
func repeatsTooOften(words []string) bool {
	for i, w := range words {
		n := 1
		for _, v := range words[i+1:] {
			if v == w {
				if n++; n > maxRepeats {
					return true
				}
			}
		}
	}
	return false
}

// commonWeights returns the scale of the features of every word found in
// at least hyper.commonMin of the examples (commonScale), from the number
// of examples each word is in.
func commonWeights(df map[string]int, examples int) map[string]float32 {
	out := map[string]float32{}
	for w, c := range df {
		if s, ok := commonScale(c, examples); ok {
			out[w] = s
		}
	}
	return out
}

// commonScale returns the scale of the features of a word found in c of
// n examples, and whether it is common enough to be scaled:
// log(N/df) / log(1/commonMin), so at commonMin 0.01 a word in 1 example
// of 100 keeps its weight and one in 1 of 10 has half. Function words
// ("and", "und", "y", "w", "في", "रहा") are in messages of every class, but
// long narrative messages are mostly danger, so unscaled they learn danger
// weight and carry it into any long message of hardship, chatter or a
// danger that is over.
func commonScale(c, examples int) (float32, bool) {
	n := float64(examples)
	if hyper.commonMin <= 0 || float64(c) < hyper.commonMin*n {
		return 1, false
	}
	s := math.Log(n/float64(c)) / math.Log(1/hyper.commonMin)
	return float32(math.Max(s, hyper.commonFloor)), true
}

// functionMin is the share of examples from which a word is a function
// word for contentless: "the", "and", "we", "في", "है" are in more than
// this, "fire", "help", "water", "hospital" in less (14,150 examples).
const functionMin = 0.012

// functionWords returns the words found in at least functionMin of n
// examples, from the number of examples each word is in.
func functionWords(df map[string]int, n int) map[string]bool {
	out := map[string]bool{}
	for w, c := range df {
		if isFunctionWord(c, n) {
			out[w] = true
		}
	}
	return out
}

// isFunctionWord reports whether a word found in c of n examples is a
// function word.
func isFunctionWord(c, n int) bool { return float64(c) >= functionMin*float64(n) }

// contentless reports whether words are all function words or
// punctuation: "and and and", "y y y y", "في في في".
func (m *Model) contentless(words []string) bool {
	for _, w := range words {
		if !m.function[w] && hasLetterOrDigit(w) {
			return false
		}
	}
	return true
}

func hasLetterOrDigit(w string) bool {
	for _, r := range w {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// extract appends the features of words to buf and L2-normalises them.
func (m *Model) extract(words []string, buf []feature) []feature {
	words = capRepeats(words)
	f := buf[:0]
	var (
		rs    []rune
		grams []uint32
	)
	for i, w := range words {
		scale := float32(1)
		if s, ok := m.common[w]; ok {
			scale = s
		}
		f = append(f, feature{bucket(hashString(hashByte(fnvOffset, seedWord), w)), hyper.word * scale})
		prev := "<s>"
		if i > 0 {
			prev = words[i-1]
		}
		h := hashString(hashByte(fnvOffset, seedBi), prev)
		f = append(f, feature{bucket(hashString(hashByte(h, ' '), w)), hyper.bigram})
		if hyper.neg > 0 && negator(w) {
			for _, j := range [...]int{i - 1, i + 1, i + 2} {
				if j >= 0 && j < len(words) && !negators[words[j]] {
					f = append(f, feature{bucket(hashString(hashByte(fnvOffset, seedNeg), words[j])), hyper.neg})
				}
			}
		}
		if w == "?" || w == "??" || w == "!!" {
			continue
		}
		grams, rs = appendGrams(grams[:0], rs, w)
		for _, g := range grams {
			f = append(f, feature{g, hyper.char * scale})
		}
	}
	if len(words) > 0 {
		last := words[len(words)-1]
		h := hashString(hashByte(fnvOffset, seedBi), last)
		f = append(f, feature{bucket(hashString(hashByte(h, ' '), "</s>")), hyper.bigram})
	}
	normalizeFeatures(f)
	return f
}

// normalizeFeatures scales the values of f to a unit L2 norm.
func normalizeFeatures(f []feature) {
	var ss float64
	for _, x := range f {
		ss += float64(x.val) * float64(x.val)
	}
	if ss > 0 {
		inv := float32(1 / math.Sqrt(ss))
		for i := range f {
			f[i].val *= inv
		}
	}
}
