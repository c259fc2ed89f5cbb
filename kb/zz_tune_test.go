package kb

// TEMPORARY tuning harness; deleted before hand-back.

import (
	"encoding/csv"
	"fmt"
	"os"
	"strings"
	"testing"
)

func tuneLoad(t *testing.T, faq, pairs, lang string) ([]Entry, [][2]string) {
	data, err := os.ReadFile(faq)
	if err != nil {
		t.Skip(err)
	}
	f, _ := FormatForPath(faq)
	es, err := Parse(data, f)
	if err != nil {
		t.Fatal(err)
	}
	var out []Entry
	for _, e := range es {
		if lang == "" || e.Lang == lang {
			out = append(out, e)
		}
	}
	pf, _ := os.Open(pairs)
	recs, _ := csv.NewReader(pf).ReadAll()
	col := map[string]int{}
	for i, h := range recs[0] {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	var ps [][2]string
	for _, r := range recs[1:] {
		if strings.TrimSpace(r[col["similar"]]) == "1" {
			ps = append(ps, [2]string{r[col["question_1"]], r[col["question_2"]]})
		}
	}
	return out, ps
}

func nq(s string) string { return strings.Join(strings.Fields(s), " ") }

func tuneRun(t *testing.T, faq, pairs, lang string) {
	es, ps := tuneLoad(t, faq, pairs, lang)
	s, err := buildSnapshot(1, es)
	if err != nil {
		t.Fatal(err)
	}
	k := &KB{}
	k.live.Store(s)
	known := map[string]bool{}
	for _, e := range es {
		if e.Lang == lang {
			known[nq(e.Question)] = true
		}
	}
	var n, t1, t3, ans, ansR int
	for _, p := range ps {
		want := nq(p[0])
		if !known[want] {
			continue
		}
		n++
		r := k.Rank(p[1], lang, 3)
		if r.Decision == DecisionAnswer {
			ans++
		}
		for i, h := range r.Results {
			if nq(h.Question) == want {
				if i == 0 {
					t1++
					if r.Decision == DecisionAnswer {
						ansR++
					}
				}
				t3++
				break
			}
		}
		if i := len(r.Results); os.Getenv("TV") == lang && (i == 0 || nq(r.Results[0].Question) != want) {
			got := ""
			if i > 0 {
				got = r.Results[0].Question
			}
			fmt.Printf("miss %q\n  want %q\n  got  %q\n", p[1], p[0], got)
		}
	}
	fmt.Printf("%s top1 %.3f top3 %.3f answer %d/%d\n", lang, float64(t1)/float64(n), float64(t3)/float64(n), ans, ansR)
}

func TestTune(t *testing.T) {
	d := "/work/shared/faq-eval/"
	tuneRun(t, d+"covid_faq_en_ar.csv", d+"paraphrases_en.csv", "en")
	tuneRun(t, d+"covid_faq_multilingual.tsv", d+"paraphrases_de.csv", "de")
}
