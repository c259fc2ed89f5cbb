package places

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"lifeline/flows"
)

// A person who cannot share their location names their part of town
// instead: "I'm in Al Khobar", "حي الشاطئ", "alkhobar". Districts are
// matched on folded words: accents, case, Arabic letter variants and
// the article (al-, el-, ال) do not count, and a small typo is forgiven.

// articles are words that name no district on their own.
var articles = map[string]bool{"al": true, "el": true, "ال": true, "the": true}

// foldWords folds s into the words a district is matched on: the
// conversation's folding (flows.Normalize: case, Arabic letter variants,
// punctuation), after accents and harakat are taken off and digits made
// ASCII, and without the articles.
func foldWords(s string) []string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r): // accents, harakat, hamza marks
			continue
		case r >= '٠' && r <= '٩':
			r = '0' + (r - '٠')
		case r >= '۰' && r <= '۹':
			r = '0' + (r - '۰')
		case r == 'ß':
			b.WriteString("ss")
			continue
		case r == '\'' || r == '’':
			r = ' ' // "I'm", "Ra's": the apostrophe Normalize keeps parts words here
		}
		b.WriteRune(r)
	}
	var out []string
	for _, w := range strings.Fields(flows.Normalize(b.String())) {
		if articles[w] {
			continue
		}
		// The Arabic article is written joined to its word.
		if rest, ok := strings.CutPrefix(w, "ال"); ok && len([]rune(rest)) >= 2 {
			w = rest
		}
		out = append(out, w)
	}
	return out
}

// foldKey is a district's words joined: "Al-Khobar", "al khobar" and
// "Alkhobar" all become "khobar".
func foldKey(s string) string { return stripLatinArticle(strings.Join(foldWords(s), "")) }

// stripLatinArticle drops an "al"/"el" written joined to the word.
func stripLatinArticle(k string) string {
	for _, a := range []string{"al", "el"} {
		if rest, ok := strings.CutPrefix(k, a); ok && len(rest) >= 4 {
			return rest
		}
	}
	return k
}

// tolerance is how many edits a district of n letters forgives.
func tolerance(n int) int {
	switch {
	case n < 4:
		return 0
	case n < 8:
		return 1
	}
	return 2
}

// matchScore says how well words name the district key: the fewest
// edits between key and some run of the words joined, or -1 when no run
// is within the key's tolerance.
func matchScore(words []string, key string) int {
	kn := len([]rune(key))
	if kn == 0 {
		return -1
	}
	tol, best := tolerance(kn), -1
	for i := range words {
		var run string
		for j := i; j < len(words) && j < i+4; j++ {
			run = stripLatinArticle(run + words[j])
			rn := len([]rune(run))
			if rn > kn+tol {
				break
			}
			if rn < kn-tol {
				continue
			}
			if d := editDistance(run, key, tol); d <= tol && (best < 0 || d < best) {
				best = d
			}
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b in runes, or
// limit+1 once it is sure to exceed limit.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		low := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			low = min(low, cur[j])
		}
		if low > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// district is the places of one kind that share a district, however its
// name is written in each place and language.
type district struct {
	keys    []string // folded names, in every language given
	cross   []crossKey
	members []*Place // by id
	open    []*Place // offered places, by name
}

// name is the district as a person reading lang sees it: as the first
// place that names it in lang writes it, else as the first place does.
func (d *district) name(lang string) string {
	for _, p := range d.members {
		if n := p.District[lang]; n != "" {
			return n
		}
	}
	return d.members[0].DistrictIn(lang)
}

// districts groups the places of kind that have a district; a place
// that shares one folded name with a group joins it. Offered places are
// listed in each group by name.
func (s *Service) districts(ctx context.Context, kind Kind) ([]*district, error) {
	var all []*Place
	s.idx.Each(kind, func(p *Place) {
		if len(p.District) > 0 {
			all = append(all, p)
		}
	})
	slices.SortFunc(all, func(a, b *Place) int { return strings.Compare(a.ID, b.ID) })
	var (
		groups []*district
		byKey  = map[string]*district{}
	)
	for _, p := range all {
		var keys []string
		for _, l := range slices.Sorted(maps.Keys(p.District)) {
			if k := foldKey(p.District[l]); k != "" && !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
		var g *district
		for _, k := range keys {
			if g = byKey[k]; g != nil {
				break
			}
		}
		if g == nil {
			g = &district{}
			groups = append(groups, g)
		}
		g.members = append(g.members, p)
		for _, k := range keys {
			if byKey[k] == nil {
				byKey[k] = g
				g.keys = append(g.keys, k)
				if ck, ok := newCrossKey(k); ok {
					g.cross = append(g.cross, ck)
				}
			}
		}
	}
	open, err := s.Open(ctx, kind, len(all)+1)
	if err != nil {
		return nil, err
	}
	for _, p := range open { // by name already
		for _, l := range slices.Sorted(maps.Keys(p.District)) {
			if g := byKey[foldKey(p.District[l])]; g != nil {
				g.open = append(g.open, p)
				break
			}
		}
	}
	return groups, nil
}

// DistrictMatch is what a person's words found among the districts of a
// kind of place.
type DistrictMatch struct {
	// District as the person reads it; "" when the words name none.
	District string
	// Open places in it a person may be sent to, by name, at most n.
	Open []*Place
}

// InDistrict finds the district of kind's places that words name (the
// closest when several do) and its open places.
func (s *Service) InDistrict(ctx context.Context, kind Kind, words, lang string, n int) (DistrictMatch, error) {
	groups, err := s.districts(ctx, kind)
	if err != nil {
		return DistrictMatch{}, fmt.Errorf("districts of %s places: %w", kind, err)
	}
	ws := foldWords(words)
	var (
		best      *district
		bestScore int
		bestLen   int
	)
	for _, g := range groups {
		for _, k := range g.keys {
			sc := matchScore(ws, k)
			if sc < 0 {
				continue
			}
			// Fewer edits win; on a tie the longer name, which says more.
			if best == nil || sc < bestScore || (sc == bestScore && len(k) > bestLen) {
				best, bestScore, bestLen = g, sc, len(k)
			}
		}
		for _, k := range g.cross {
			sc := crossScore(ws, k)
			if sc < 0 {
				continue
			}
			// A match across scripts counts one edit more than the same
			// match within one: the name's own letters say more.
			if sc++; best == nil || sc < bestScore || (sc == bestScore && len(k.skel) > bestLen) {
				best, bestScore, bestLen = g, sc, len(k.skel)
			}
		}
	}
	if best == nil {
		return DistrictMatch{}, nil
	}
	return DistrictMatch{District: best.name(lang), Open: best.open[:min(n, len(best.open))]}, nil
}

// DistrictCount is a district with open places of a kind, and how many.
type DistrictCount struct {
	Name string
	Open int
}

// Districts lists the districts with open places of kind, most open
// places first, then by name, at most n; total is how many there are.
func (s *Service) Districts(ctx context.Context, kind Kind, lang string, n int) (out []DistrictCount, total int, err error) {
	groups, err := s.districts(ctx, kind)
	if err != nil {
		return nil, 0, fmt.Errorf("districts of %s places: %w", kind, err)
	}
	for _, g := range groups {
		if len(g.open) > 0 {
			out = append(out, DistrictCount{Name: g.name(lang), Open: len(g.open)})
		}
	}
	slices.SortFunc(out, func(a, b DistrictCount) int {
		if a.Open != b.Open {
			return b.Open - a.Open
		}
		return strings.Compare(a.Name, b.Name)
	})
	total = len(out)
	return out[:min(n, len(out))], total, nil
}
