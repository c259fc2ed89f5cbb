package kb

import (
	"fmt"
	"testing"
)

func TestDbgRanks(t *testing.T) {
	d := "/work/shared/faq-eval/"
	for _, c := range [][3]string{{"covid_faq_en_ar.csv", "paraphrases_en.csv", "en"}, {"covid_faq_multilingual.tsv", "paraphrases_de.csv", "de"}} {
		es, ps := tuneLoad(t, d+c[0], d+c[1], c[2])
		s, _ := buildSnapshot(1, es)
		known := map[string]bool{}
		for _, e := range es {
			known[nq(e.Question)] = true
		}
		hist := map[string]int{}
		for _, p := range ps {
			if !known[nq(p[0])] {
				continue
			}
			r := s.search(p[1], c[2], 1000)
			rk := -1
			for i, h := range r.Results {
				if nq(h.Question) == nq(p[0]) {
					rk = i
					break
				}
			}
			switch {
			case rk < 0:
				hist["absent"]++
			case rk < 1:
				hist["1"]++
			case rk < 3:
				hist["2-3"]++
			case rk < 10:
				hist["4-10"]++
			default:
				hist[">10"]++
			}
		}
		fmt.Println(c[2], hist)
	}
}
