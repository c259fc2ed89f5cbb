package kb

import (
	"fmt"
	"testing"
)

func TestDbgAssoc(t *testing.T) {
	d := "/work/shared/faq-eval/"
	es, _ := tuneLoad(t, d+"covid_faq_en_ar.csv", d+"paraphrases_en.csv", "en")
	s, _ := buildSnapshot(1, es)
	st := s.stats["en"]
	n := 0
	for _, w := range []string{"new", "origin", "infecti", "saliva", "ship", "school", "soap", "twice", "vulner", "hospit", "safe", "pregnanc", "name"} {
		fmt.Println(w, st.df[w], st.dfQ[w], st.assoc[w])
	}
	for w, l := range st.assoc {
		if n < 30 {
			fmt.Println(w, l)
		}
		n++
	}
	fmt.Println(len(st.assoc))
}
