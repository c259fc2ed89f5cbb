package understand

import "unicode/utf8"

// Training reads its texts once into a corpus: each text normalised and
// split into words a single time, each distinct word given an id. What the
// features need of a word (its buckets, its character n-grams, its scale as
// a common word, whether it negates) is worked out once per distinct word
// rather than at each of its occurrences, and each example's features are
// assembled from those parts. The training data has about twenty times as
// many words as distinct words, and hashing the character n-grams of every
// occurrence, with a map lookup or two per word, was most of extracting.
// The features are those of Model.extract, in its order, with the same
// values to the bit (TestCorpusFeaturesMatchExtract).

// corpus is the words of the training texts as ids.
type corpus struct {
	words  []string // by id
	df     []int32  // by id: how many texts the word is in
	tokens []int32  // the ids of the words of every text, text after text
	at     []int32  // text i is tokens[at[i]:at[i+1]]
}

// corpusPart is the corpus of a contiguous part of the texts, read on a CPU
// of its own with ids of its own.
type corpusPart struct {
	ids    map[string]int32
	words  []string
	df     []int32
	last   []int32 // by id: 1 + the last text the word was counted in
	tokens []int32
	ends   []int32 // the end of each text in tokens
}

// read normalises and splits exs into p.
func (p *corpusPart) read(exs []Example) {
	p.ids = map[string]int32{}
	p.ends = make([]int32, 0, len(exs))
	for i, e := range exs {
		norm, _ := normalize(e.Text)
		for w := range fieldsOf(norm) {
			id := p.id(w)
			if p.last[id] != int32(i+1) {
				p.last[id] = int32(i + 1)
				p.df[id]++
			}
			p.tokens = append(p.tokens, id)
		}
		p.ends = append(p.ends, int32(len(p.tokens)))
	}
}

// id returns the id of w, a new one if w is new.
func (p *corpusPart) id(w string) int32 {
	id, ok := p.ids[w]
	if !ok {
		id = int32(len(p.words))
		p.ids[w] = id
		p.words = append(p.words, w)
		p.df = append(p.df, 0)
		p.last = append(p.last, 0)
	}
	return id
}

// readCorpus reads the texts of exs, parts of them in parallel. The ids
// depend on the number of parts; nothing trained does.
func readCorpus(exs []Example) *corpus {
	parts := make([]corpusPart, partsOf(len(exs)))
	inParallel(len(parts), len(exs), func(p, lo, hi int) { parts[p].read(exs[lo:hi]) })
	// The ids of the first part stand; the others' words are added to it.
	first := &parts[0]
	c := &corpus{at: make([]int32, 1, len(exs)+1)}
	n := 0
	for _, p := range parts {
		n += len(p.tokens)
	}
	c.tokens = make([]int32, 0, n)
	for i := range parts {
		p := &parts[i]
		if i > 0 {
			remap := make([]int32, len(p.words))
			for local, w := range p.words {
				id := first.id(w)
				first.df[id] += p.df[local]
				remap[local] = id
			}
			for j, t := range p.tokens {
				p.tokens[j] = remap[t]
			}
		}
		base := int32(len(c.tokens))
		c.tokens = append(c.tokens, p.tokens...)
		for _, e := range p.ends {
			c.at = append(c.at, base+e)
		}
	}
	c.words, c.df = first.words, first.df
	return c
}

// wordInfo is what the features of one distinct word are made of.
type wordInfo struct {
	own    uint32 // the bucket of the word's own feature
	neg    uint32 // the bucket of the word in a negation's scope
	prefix uint32 // the hash a bigram with the word first goes on from
	end    uint32 // the bucket of the bigram of the word and the end of the text
	// ownVal and gramVal are the values of the word's own feature and of
	// its character n-grams, before the example's features are normalised.
	ownVal, gramVal float32
	grams, nGrams   int32 // its character n-grams are lexicon.grams[grams:grams+nGrams]
	negates         bool  // negator: its neighbours get negation features
	negation        bool  // in negators: it gets no negation feature itself
	latin           bool  // counted for language detection (isLatinWord)
}

// lexicon is the wordInfo of each word of a corpus, by id.
type lexicon struct {
	info  []wordInfo
	grams []uint32 // the character n-gram buckets of every word
}

// bigramStart is the hash a bigram with the start of the text first goes
// on from, and bigramEnd the text that ends the last bigram (extract).
var bigramStart = hashByte(hashString(hashByte(fnvOffset, seedBi), "<s>"), ' ')

const bigramEnd = "</s>"

// newLexicon works out the wordInfo of every word of c, given the common
// words' scales, parts of the words in parallel.
func newLexicon(c *corpus, common map[string]float32) *lexicon {
	lx := &lexicon{info: make([]wordInfo, len(c.words))}
	type part struct {
		lo, hi int
		grams  []uint32 // offsets in wordInfo.grams from the part's first
	}
	parts := make([]part, partsOf(len(c.words)))
	inParallel(len(parts), len(c.words), func(p, lo, hi int) {
		var rs []rune
		size := 0 // at most so many n-grams: from each of the len+2 runes of <w>, one of each length that fits
		for _, w := range c.words[lo:hi] {
			n := utf8.RuneCountInString(w) + 2
			for k := hyper.minN; k <= hyper.maxN; k++ {
				size += max(0, n-k+1)
			}
		}
		g := make([]uint32, 0, size)
		for id := lo; id < hi; id++ {
			w := c.words[id]
			scale := float32(1)
			if s, ok := common[w]; ok {
				scale = s
			}
			prefix := hashByte(hashString(hashByte(fnvOffset, seedBi), w), ' ')
			lx.info[id] = wordInfo{
				own:      bucket(hashString(hashByte(fnvOffset, seedWord), w)),
				neg:      bucket(hashString(hashByte(fnvOffset, seedNeg), w)),
				prefix:   prefix,
				end:      bucket(hashString(prefix, bigramEnd)),
				ownVal:   hyper.word * scale,
				gramVal:  hyper.char * scale,
				grams:    int32(len(g)),
				negates:  hyper.neg > 0 && negator(w),
				negation: negators[w],
				latin:    isLatinWord(w),
			}
			if w == "?" || w == "??" || w == "!!" {
				continue
			}
			before := len(g)
			g, rs = appendGrams(g, rs, w)
			lx.info[id].nGrams = int32(len(g) - before)
		}
		parts[p] = part{lo, hi, g}
	})
	n := 0
	for _, p := range parts {
		n += len(p.grams)
	}
	lx.grams = make([]uint32, 0, n)
	for _, p := range parts {
		base := int32(len(lx.grams))
		lx.grams = append(lx.grams, p.grams...)
		for id := p.lo; id < p.hi; id++ {
			lx.info[id].grams += base
		}
	}
	return lx
}

// examplesPart is the features of a contiguous part of the examples, made
// on a CPU of its own: first the words kept (capRepeats), their bigrams and
// counts, then, once every feature is numbered, the rows.
type examplesPart struct {
	ids     []int32  // the words kept of each text, text after text
	ends    []int32  // the end of each text in ids
	bigrams []uint32 // the bucket of the bigram that ends at each word of ids
	count   []int32  // by bucket: the bigram, negation and end features
	uses    []int32  // by word id: the occurrences kept (its own and n-gram features)
	langs   []int32  // by word id * languages + language: occurrences of a Latin word
}

// countFeatures fills p for the texts [lo, hi) of c, whose languages are
// lang (indices of n languages), all but the rows.
func (p *examplesPart) countFeatures(c *corpus, lx *lexicon, lang []int32, n, lo, hi int) {
	p.count = make([]int32, dim)
	p.uses = make([]int32, len(c.words))
	p.langs = make([]int32, len(c.words)*n)
	p.ids = make([]int32, 0, c.at[hi]-c.at[lo])
	p.bigrams = make([]uint32, 0, c.at[hi]-c.at[lo])
	p.ends = make([]int32, 0, hi-lo)
	seen := make([]uint8, len(c.words))
	for i := lo; i < hi; i++ {
		text := c.tokens[c.at[i]:c.at[i+1]]
		start := len(p.ids)
		for _, id := range text {
			if lx.info[id].latin {
				p.langs[int(id)*n+int(lang[i])]++
			}
			// capRepeats: a word's occurrences after its maxRepeats-th are dropped.
			if seen[id] <= maxRepeats {
				seen[id]++
			}
			if seen[id] <= maxRepeats {
				p.ids = append(p.ids, id)
			}
		}
		for _, id := range text {
			seen[id] = 0
		}
		words := p.ids[start:]
		prefix := bigramStart
		for j, id := range words {
			info := &lx.info[id]
			b := bucket(hashString(prefix, c.words[id]))
			p.bigrams = append(p.bigrams, b)
			p.count[b]++
			p.uses[id]++
			prefix = info.prefix
			if info.negates {
				for _, k := range [...]int{j - 1, j + 1, j + 2} {
					if k >= 0 && k < len(words) && !lx.info[words[k]].negation {
						p.count[lx.info[words[k]].neg]++
					}
				}
			}
		}
		if len(words) > 0 {
			p.count[lx.info[words[len(words)-1]].end]++
		}
		p.ends = append(p.ends, int32(len(p.ids)))
	}
}

// fillRows sets rows[i] to the features of the part's i-th text, with
// indices dense[bucket] and the words' own parts already renumbered
// (lexicon.renumber). They are cut from one allocation of hugeAlloc, whose
// function to free it is returned.
func (p *examplesPart) fillRows(rows [][]feature, lx *lexicon, dense []uint32) func() {
	total := len(p.ends) // at most: the end bigram, and for each word its own, bigram, 3 negations and n-grams
	for _, id := range p.ids {
		total += 5 + int(lx.info[id].nGrams)
	}
	slab, free := hugeAlloc[feature](total)
	slab = slab[:0]
	start := int32(0)
	for i, end := range p.ends {
		words, bigrams := p.ids[start:end], p.bigrams[start:end]
		start = end
		f := lx.appendFeatures(slab[len(slab):len(slab)], words, bigrams, dense)
		slab = slab[:len(slab)+len(f)]
		rows[i] = f[:len(f):len(f)]
	}
	return free
}

// appendFeatures appends the features of words (kept by capRepeats) to f
// as extract does, in its order and with its values, and L2-normalises
// them; bigrams are the buckets of the bigrams ending at each word.
func (lx *lexicon) appendFeatures(f []feature, words []int32, bigrams []uint32, dense []uint32) []feature {
	for j, id := range words {
		info := &lx.info[id]
		f = append(f, feature{info.own, info.ownVal}, feature{dense[bigrams[j]], hyper.bigram})
		if info.negates {
			for _, k := range [...]int{j - 1, j + 1, j + 2} {
				if k >= 0 && k < len(words) && !lx.info[words[k]].negation {
					f = append(f, feature{dense[lx.info[words[k]].neg], hyper.neg})
				}
			}
		}
		for _, g := range lx.grams[info.grams : info.grams+info.nGrams] {
			f = append(f, feature{g, info.gramVal})
		}
	}
	if len(words) > 0 {
		f = append(f, feature{dense[lx.info[words[len(words)-1]].end], hyper.bigram})
	}
	normalizeFeatures(f)
	return f
}

// countWords adds to count the own and n-gram features of every word,
// uses[id] times each.
func (lx *lexicon) countWords(count []int32, uses []int32, lo, hi int) {
	for id := lo; id < hi; id++ {
		u := uses[id]
		if u == 0 {
			continue
		}
		info := &lx.info[id]
		count[info.own] += u
		for _, g := range lx.grams[info.grams : info.grams+info.nGrams] {
			count[g] += u
		}
	}
}

// renumber replaces the buckets of the words' own and n-gram features in
// [lo, hi) by their dense indices.
func (lx *lexicon) renumber(dense []uint32, lo, hi int) {
	for id := lo; id < hi; id++ {
		info := &lx.info[id]
		info.own = dense[info.own]
		g := lx.grams[info.grams : info.grams+info.nGrams]
		for j, b := range g {
			g[j] = dense[b]
		}
	}
}

// commonWeights is commonWeights of the words of c.
func (c *corpus) commonWeights() map[string]float32 {
	out := map[string]float32{}
	for id, w := range c.words {
		if s, ok := commonScale(int(c.df[id]), len(c.at)-1); ok {
			out[w] = s
		}
	}
	return out
}

// functionWords is functionWords of the words of c.
func (c *corpus) functionWords() map[string]bool {
	out := map[string]bool{}
	for id, w := range c.words {
		if isFunctionWord(int(c.df[id]), len(c.at)-1) {
			out[w] = true
		}
	}
	return out
}

// languages returns the distinct labels of the languages of exs and the
// index in them of each example's.
func languages(exs []Example) ([]string, []int32) {
	var names []string
	index := map[string]int32{}
	lang := make([]int32, len(exs))
	prev, at := "", int32(-1)
	for i, e := range exs {
		if e.Lang != prev || at < 0 { // examples come in runs of one language
			k, ok := index[e.Lang]
			if !ok {
				k = int32(len(names))
				index[e.Lang] = k
				names = append(names, e.Lang)
			}
			prev, at = e.Lang, k
		}
		lang[i] = at
	}
	return names, lang
}

// latinVocab returns the Latin-script words of c that belong to one
// language: seen at least once, and at least 75% of the time in that
// language. counts are the occurrences of each word in each of langs, by
// id * len(langs) + language.
func (c *corpus) latinVocab(counts []int32, langs []string) map[string]string {
	vocab := map[string]string{}
	for id, w := range c.words {
		total, best, bestN := 0, "", 0
		for l, n := range counts[id*len(langs) : (id+1)*len(langs)] {
			total += int(n)
			if int(n) > bestN || (int(n) == bestN && langs[l] < best) {
				best, bestN = langs[l], int(n)
			}
		}
		if best == "" || best == "ar" || total < 1 || float64(bestN) < 0.75*float64(total) {
			continue
		}
		vocab[w] = best
	}
	return vocab
}
