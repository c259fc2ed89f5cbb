package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/rs/zerolog"

	"lifeline/kb"
	"lifeline/store"
)

const kbUsage = `usage:
  lifeline kb import FILE [--mode replace|merge] [--server URL] [--token T]
  lifeline kb search QUERY [--lang xx] [--limit N] [--server URL] [--token T]
  lifeline kb export [--out FILE] [--server URL] [--token T]
  lifeline kb eval --faq FILE [--pairs FILE] [--offtopic FILE] [--lang xx] [--half dev|check|tune|hold]
                   [--learn-from dev|check|tune|hold] [-v]

The server defaults to $LIFELINE_SERVER or http://127.0.0.1:8080, the token
to $LIFELINE_TOKEN (or $LIFELINE_ADMIN_TOKEN). eval runs locally and needs no server;
--half keeps one of two fixed halves of the positive pairs (a seeded shuffle, the
same on every machine): tune the search on dev, confirm on check. tune and hold
split by FAQ entry instead (a hash of question_1), so that no entry's paraphrases
are in both halves. --learn-from first plays the other half's queries as people
picking the right entry from the "did you mean" list, approves every choice as an
alternate question, then scores --half: what the FAQ learns from use.
`

// runKB runs "lifeline kb ..." and returns the exit code.
func runKB(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, kbUsage)
		return 2
	}
	var err error
	switch args[0] {
	case "import":
		err = kbImport(args[1:], stdout)
	case "search":
		err = kbSearch(args[1:], stdout)
	case "export":
		err = kbExport(args[1:], stdout)
	case "eval":
		err = kbEval(args[1:], stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, kbUsage)
		return 0
	default:
		err = usageError{fmt.Sprintf("unknown command %q", args[0])}
	}
	return exitCode(err, "kb", args[0], kbUsage, stderr)
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// parseInterspersed parses flags that may come before or after the
// positional arguments ("import FILE --token T").
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usageError{err.Error()}
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

type serverFlags struct {
	server, token string
}

func (s *serverFlags) register(fs *flag.FlagSet) {
	server, token := clientDefaults(os.Getenv)
	fs.StringVar(&s.server, "server", server, "Lifeline server base URL (LIFELINE_SERVER)")
	fs.StringVar(&s.token, "token", token, "admin bearer token (LIFELINE_TOKEN)")
}

// do sends one admin request and returns the body of a 2xx answer.
func (s *serverFlags) do(method, path string, query url.Values, contentType string, body []byte) ([]byte, error) {
	if s.token == "" {
		return nil, usageError{"no token: pass --token or set LIFELINE_TOKEN"}
	}
	u := strings.TrimRight(s.server, "/") + "/admin/kb" + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+s.token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	client := &http.Client{Timeout: 2 * time.Minute}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("read answer: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error string        `json:"error"`
			Rows  []kb.RowError `json:"rows"`
		}
		if json.Unmarshal(out, &e) == nil && e.Error != "" {
			msg := e.Error
			for _, r := range e.Rows {
				msg += fmt.Sprintf("\n  row %d: %s", r.Row, r.Error)
			}
			return nil, fmt.Errorf("%s: %s", resp.Status, msg)
		}
		return nil, fmt.Errorf("%s", resp.Status)
	}
	return out, nil
}

func kbImport(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("kb import", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var sf serverFlags
	sf.register(fs)
	mode := fs.String("mode", "replace", "replace or merge")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"import needs exactly one FILE"}
	}
	if *mode != "replace" && *mode != "merge" {
		return usageError{fmt.Sprintf("--mode %q: want replace or merge", *mode)}
	}
	format, ok := kb.FormatForPath(pos[0])
	if !ok {
		return usageError{fmt.Sprintf("%s: unknown file type (want .csv, .tsv, .json or .md)", pos[0])}
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		return err
	}
	out, err := sf.do(http.MethodPost, "/import", url.Values{"mode": {*mode}}, format.ContentType(), data)
	if err != nil {
		return err
	}
	var rep kb.ImportReport
	if err := json.Unmarshal(out, &rep); err != nil {
		return fmt.Errorf("decode answer: %w", err)
	}
	fmt.Fprintf(stdout, "imported %d entries as version %d (", rep.Imported, rep.Version)
	for i, l := range sortedLangs(rep.Languages) {
		if i > 0 {
			fmt.Fprint(stdout, ", ")
		}
		fmt.Fprintf(stdout, "%s %d", l, rep.Languages[l])
	}
	fmt.Fprintln(stdout, ")")
	return nil
}

func sortedLangs(m map[string]int) []string {
	ls := make([]string, 0, len(m))
	for l := range m {
		ls = append(ls, l)
	}
	sort.Strings(ls)
	return ls
}

func kbSearch(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("kb search", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var sf serverFlags
	sf.register(fs)
	lang := fs.String("lang", "", "query language (default: detect)")
	limit := fs.Int("limit", 5, "results")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usageError{"search needs a QUERY"}
	}
	q := url.Values{"q": {strings.Join(pos, " ")}, "limit": {fmt.Sprint(*limit)}}
	if *lang != "" {
		q.Set("lang", *lang)
	}
	out, err := sf.do(http.MethodGet, "/search", q, "", nil)
	if err != nil {
		return err
	}
	var res kb.Result
	if err := json.Unmarshal(out, &res); err != nil {
		return fmt.Errorf("decode answer: %w", err)
	}
	fmt.Fprintf(stdout, "decision: %s (lang %s)\n", res.Decision, res.Lang)
	for i, h := range res.Results {
		fmt.Fprintf(stdout, "%d. [%.3f] %s (%s, %s)\n", i+1, h.Score, h.Question, h.ID, h.Lang)
	}
	return nil
}

func kbExport(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("kb export", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var sf serverFlags
	sf.register(fs)
	outPath := fs.String("out", "", "file to write (default: standard output)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{"export takes no arguments"}
	}
	out, err := sf.do(http.MethodGet, "/export.csv", nil, "", nil)
	if err != nil {
		return err
	}
	if *outPath == "" {
		_, err = stdout.Write(out)
		return err
	}
	return os.WriteFile(*outPath, out, 0o644)
}

// kbEval scores the search on labelled paraphrases the way
// faq-eval/README.md says, side by side with plain BM25 over the questions,
// and reports what people are shown: the decision taken on each query.
func kbEval(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("kb eval", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	faqPath := fs.String("faq", "", "FAQ file (.csv, .tsv, .json, .md)")
	pairsPath := fs.String("pairs", "", "paraphrase pairs CSV: question_1, question_2, similar")
	offPath := fs.String("offtopic", "", "off-topic queries, one a line, that should get nothing")
	lang := fs.String("lang", "", "use only FAQ rows in this language and search in it")
	verbose := fs.Bool("v", false, "print every miss")
	half := fs.String("half", "", "score only this half of the positive pairs: dev or check (by pair), tune or hold (by FAQ entry)")
	learnFrom := fs.String("learn-from", "", "first run this half's queries as people picking the right entry from the list, and approve every choice as an alternate question (needs --half of the other half)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if *faqPath == "" || (*pairsPath == "" && *offPath == "") || len(pos) > 0 {
		return usageError{"eval needs --faq FILE and --pairs FILE or --offtopic FILE"}
	}
	switch *half {
	case "", "dev", "check", "tune", "hold":
	default:
		return usageError{fmt.Sprintf("eval --half %q: want dev, check, tune or hold", *half)}
	}
	complement := map[string]string{"dev": "check", "check": "dev", "tune": "hold", "hold": "tune"}
	if *learnFrom != "" && (complement[*learnFrom] == "" || *half != complement[*learnFrom] || *pairsPath == "") {
		return usageError{fmt.Sprintf("eval --learn-from %q: want dev, check, tune or hold, with --pairs and --half of the other half (dev and check, tune and hold)", *learnFrom)}
	}
	entries, err := loadFAQFile(*faqPath, *lang)
	if err != nil {
		return err
	}
	var pairs, learnPairs []pair
	if *pairsPath != "" {
		if pairs, err = loadPairs(*pairsPath); err != nil {
			return err
		}
		switch *learnFrom {
		case "dev", "check":
			learnPairs = halfOf(pairs, *learnFrom == "dev")
		case "tune", "hold":
			learnPairs = entryHalfOf(pairs, *learnFrom == "tune")
		}
		switch *half {
		case "dev", "check":
			pairs = halfOf(pairs, *half == "dev")
		case "tune", "hold":
			pairs = entryHalfOf(pairs, *half == "tune")
		}
	}
	var offTopic []string
	if *offPath != "" {
		if offTopic, err = loadLines(*offPath); err != nil {
			return err
		}
	}
	searchLang := *lang
	if searchLang == "" {
		counts := map[string]int{}
		for _, e := range entries {
			counts[e.Lang]++
		}
		for l, n := range counts {
			if n > counts[searchLang] {
				searchLang = l
			}
		}
	}

	db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		return err
	}
	defer db.Close()
	// The same thesauri as the server's, so that the figures are the ones
	// people get.
	thes := thesaurusDir(os.LookupEnv)
	_, named := os.LookupEnv("LIFELINE_THESAURUS_DIR")
	if err := checkThesaurusDir(thes, named); err != nil {
		return err
	}
	k, err := kb.OpenWith(db, zerolog.Nop(), kb.Options{ThesaurusDir: thes})
	if err != nil {
		return err
	}
	t0 := time.Now()
	if _, err := k.Import(entries, kb.ModeReplace, "eval"); err != nil {
		return fmt.Errorf("load %s: %w", *faqPath, err)
	}
	loadTime := time.Since(t0)
	fmt.Fprintf(stdout, "faq %s: %d entries (lang %s), indexed in %s\n", *faqPath, len(entries), searchLang, loadTime.Round(time.Millisecond))
	if len(learnPairs) > 0 {
		asked, chose, err := learnChoices(k, entries, learnPairs, searchLang)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "learned from the %s half: %d queries, %d picked the right entry from the list, approved as alternate questions\n", *learnFrom, asked, chose)
	}
	if len(pairs) > 0 {
		if err := evalPairs(k, entries, pairs, searchLang, *pairsPath, *verbose, stdout); err != nil {
			return err
		}
	}
	if len(offTopic) > 0 {
		var answered, suggested, none int
		for _, q := range offTopic {
			res := k.Search(q, searchLang, 3)
			switch res.Decision {
			case kb.DecisionAnswer:
				answered++
			case kb.DecisionSuggest:
				suggested++
			default:
				none++
			}
			if *verbose && res.Decision != kb.DecisionNone {
				fmt.Fprintf(stdout, "off-topic %s: %q\n  got %q\n", res.Decision, q, res.Results[0].Question)
			}
		}
		n := len(offTopic)
		fmt.Fprintf(stdout, "\noff-topic %s: %d queries: answered %.3f, suggested %.3f, none %.3f\n",
			*offPath, n, ratio(answered, n), ratio(suggested, n), ratio(none, n))
	}
	return nil
}

func ratio(a, n int) float64 { return math.Round(float64(a)/float64(max(1, n))*1000) / 1000 }

// evalPairs prints top-1 and top-3 of the search and of BM25, and what
// people are shown: answered with the right entry, offered it in the "did
// you mean" list (the first three on suggest), shown nothing, or answered
// with a wrong entry.
func evalPairs(k *kb.KB, entries []kb.Entry, pairs []pair, searchLang, pairsPath string, verbose bool, stdout io.Writer) error {
	// Pairs whose FAQ question is not in the (filtered) FAQ are not queries:
	// the German set links some pairs to other files.
	known := map[string]bool{}
	for _, e := range entries {
		if e.Lang == searchLang {
			known[normQ(e.Question)] = true
		}
	}
	skipped := 0
	base := newBM25(entries, searchLang)
	var n, top1, top3, at10, b1, b3 int
	var answeredRight, answeredWrong, listed, listedWithout, none int
	var elapsed time.Duration
	// Where the labelled entry ranked, and why a query whose entry is in
	// the first three was not shown it: what blocks a goal is the ranking
	// (entry below the third) or the decision (nothing, or a wrong answer).
	var missAt [len(missBuckets)]int
	var top3None, top3Wrong int
	for _, p := range pairs {
		want := normQ(p.q1)
		if !known[want] {
			skipped++
			continue
		}
		n++
		t := time.Now()
		// Fifty results, so that a miss can say how far down the entry was;
		// the user is shown at most the first three.
		res := k.Rank(p.q2, searchLang, 50)
		elapsed += time.Since(t)
		rank := -1
		for i, h := range res.Results {
			if normQ(h.Question) == want {
				rank = i
				break
			}
		}
		if rank >= 0 && rank < 10 {
			at10++
		}
		missAt[missBucket(rank)]++
		if rank >= 3 {
			rank = -1 - rank // beyond what is shown
		}
		if rank == 0 {
			top1++
		}
		if rank >= 0 {
			top3++
		}
		if rank >= 0 {
			switch {
			case res.Decision == kb.DecisionNone:
				top3None++
			case res.Decision == kb.DecisionAnswer && rank > 0:
				top3Wrong++
			}
		}
		switch {
		case res.Decision == kb.DecisionNone:
			none++
		case res.Decision == kb.DecisionAnswer && rank == 0:
			answeredRight++
		case res.Decision == kb.DecisionAnswer:
			answeredWrong++
		case rank >= 0:
			listed++
		default:
			listedWithout++
		}
		if verbose && rank != 0 {
			got := ""
			if len(res.Results) > 0 {
				got = res.Results[0].Question
			}
			at := "not in the first 50"
			if rank < -1 {
				at = fmt.Sprintf("at %d", -rank)
			} else if rank > 0 {
				at = fmt.Sprintf("at %d", rank+1)
			}
			fmt.Fprintf(stdout, "miss (%s, %s): %q\n  want %q\n  got  %q\n", res.Decision, at, p.q2, p.q1, got)
		}
		for i, q := range base.top(p.q2, 3) {
			if normQ(q) == want {
				if i == 0 {
					b1++
				}
				b3++
				break
			}
		}
	}
	if n == 0 {
		return errors.New("no positive pairs")
	}
	f := func(x int) float64 { return ratio(x, n) }
	fmt.Fprintf(stdout, "pairs %s: %d positive scored (%d whose question_1 is not in the FAQ left out)\n\n", pairsPath, n, skipped)
	fmt.Fprintf(stdout, "%-10s %7s %7s %7s\n", "", "top-1", "top-3", "top-10")
	fmt.Fprintf(stdout, "%-10s %7.3f %7.3f %7.3f\n", "lifeline", f(top1), f(top3), f(at10))
	fmt.Fprintf(stdout, "%-10s %7.3f %7.3f\n\n", "bm25", f(b1), f(b3))
	fmt.Fprintf(stdout, "shown to the user: answered right %.3f, in the list %.3f, shown %.3f, nothing %.3f, answered wrong %.3f, list without it %.3f\n",
		f(answeredRight), f(listed), f(answeredRight+listed), f(none), f(answeredWrong), f(listedWithout))
	fmt.Fprintf(stdout, "not first: the entry at")
	for i, b := range missBuckets[1:] {
		fmt.Fprintf(stdout, " %s %.3f", b, f(missAt[i+1]))
	}
	fmt.Fprintf(stdout, "; in the first three but not shown: nothing %.3f, answered wrong %.3f\n", f(top3None), f(top3Wrong))
	fmt.Fprintf(stdout, "mean search %s\n", (elapsed / time.Duration(n)).Round(time.Microsecond))
	return nil
}

// missBuckets name the ranks missBucket puts the labelled entry in.
var missBuckets = [...]string{"1", "2-3", "4-10", "11-50", "beyond 50"}

// missBucket is the index in missBuckets of a labelled entry found at rank
// (0-based; -1 not among the results).
func missBucket(rank int) int {
	switch {
	case rank < 0:
		return 4
	case rank == 0:
		return 0
	case rank < 3:
		return 1
	case rank < 10:
		return 2
	case rank < 50:
		return 3
	}
	return 4
}

// learnChoices plays the FAQ's learning from choices: each query of pairs
// is searched as a person would send it, and when the "did you mean" list
// holds the labelled entry the person picks it (RecordChoice); then every
// choice is approved (ApproveCandidate), as an admin would, and becomes an
// alternate question of its entry. Queries answered outright or offered
// nothing teach nothing: nobody picks.
func learnChoices(k *kb.KB, entries []kb.Entry, pairs []pair, searchLang string) (asked, chose int, err error) {
	known := map[string]bool{}
	for _, e := range entries {
		if e.Lang == searchLang {
			known[normQ(e.Question)] = true
		}
	}
	at := time.Unix(0, 0)
	for _, p := range pairs {
		want := normQ(p.q1)
		if !known[want] {
			continue
		}
		asked++
		res := k.Search(p.q2, searchLang, 3)
		if res.Decision != kb.DecisionSuggest {
			continue
		}
		for _, h := range res.Results {
			if normQ(h.Question) == want {
				if err := k.RecordChoice(p.q2, res.Lang, h.ID, at); err != nil {
					return asked, chose, err
				}
				chose++
				break
			}
		}
	}
	cands, err := k.Candidates(kb.CandidatePending)
	if err != nil {
		return asked, chose, err
	}
	for _, c := range cands {
		if _, err := k.ApproveCandidate(c.ID); err != nil {
			return asked, chose, fmt.Errorf("approve %s: %w", c.ID, err)
		}
	}
	return asked, chose, nil
}

// loadLines reads one query a line, leaving out blank lines and lines
// starting with #.
func loadLines(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no queries", path)
	}
	return out, nil
}

// loadFAQFile parses an FAQ file, keeping only rows in lang when it is set.
// Rows that do not validate are left out (with a note) rather than failing
// the evaluation.
func loadFAQFile(path, lang string) ([]kb.Entry, error) {
	format, ok := kb.FormatForPath(path)
	if !ok {
		return nil, usageError{fmt.Sprintf("%s: unknown file type", path)}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	entries, err := kb.Parse(data, format)
	var ie *kb.ImportError
	if errors.As(err, &ie) {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err != nil {
		return nil, err
	}
	if lang == "" {
		return entries, nil
	}
	var out []kb.Entry
	for _, e := range entries {
		if e.Lang == lang {
			e.Translations = nil
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no rows in language %s", path, lang)
	}
	return out, nil
}

type pair struct{ q1, q2 string }

// halfSeed fixes the split of the pairs into halves; changing it would
// make every figure measured on a half incomparable with the ones before.
const halfSeed = 20261130

// halfOf returns the dev or the check half of pairs: a shuffle with a fixed
// seed, the first half (rounded up) dev, in the file's order within each half.
func halfOf(pairs []pair, dev bool) []pair {
	perm := rand.New(rand.NewPCG(halfSeed, 0)).Perm(len(pairs))
	inDev := make([]bool, len(pairs))
	for _, i := range perm[:(len(pairs)+1)/2] {
		inDev[i] = true
	}
	var out []pair
	for i, p := range pairs {
		if inDev[i] == dev {
			out = append(out, p)
		}
	}
	return out
}

// entryHalfOf returns the pairs whose FAQ question falls in the tune half
// (or the hold half): FNV-1a of the question with its spaces normalised,
// even in tune. Every paraphrase of one entry lands in the same half, so a
// change fitted to an entry's wording on tune cannot help it on hold.
func entryHalfOf(pairs []pair, tune bool) []pair {
	var out []pair
	for _, p := range pairs {
		h := fnv.New32a()
		h.Write([]byte(normQ(p.q1)))
		if (h.Sum32()%2 == 0) == tune {
			out = append(out, p)
		}
	}
	return out
}

func loadPairs(path string) ([]pair, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%s: empty", path)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, need := range []string{"question_1", "question_2", "similar"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("%s: no column %s", path, need)
		}
	}
	var out []pair
	for _, rec := range recs[1:] {
		if strings.TrimSpace(rec[col["similar"]]) != "1" {
			continue
		}
		out = append(out, pair{q1: rec[col["question_1"]], q2: rec[col["question_2"]]})
	}
	return out, nil
}

func normQ(s string) string { return strings.Join(strings.Fields(s), " ") }

// bm25 is the baseline: Okapi BM25 (k1 1.2, b 0.75) over lower-cased word
// tokens of the question text, nothing else.
type bm25 struct {
	docs [][]string
	qs   []string
	df   map[string]int
	avg  float64
}

func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

func newBM25(entries []kb.Entry, lang string) *bm25 {
	m := &bm25{df: map[string]int{}}
	for _, e := range entries {
		if e.Lang != lang {
			continue
		}
		d := words(e.Question)
		m.docs, m.qs = append(m.docs, d), append(m.qs, e.Question)
		m.avg += float64(len(d))
		seen := map[string]bool{}
		for _, w := range d {
			if !seen[w] {
				seen[w] = true
				m.df[w]++
			}
		}
	}
	m.avg /= float64(max(1, len(m.docs)))
	return m
}

func (m *bm25) top(q string, n int) []string {
	const k1, b = 1.2, 0.75
	N := float64(len(m.docs))
	scores := make([]float64, len(m.docs))
	for _, w := range words(q) {
		df := float64(m.df[w])
		idf := math.Log(1 + (N-df+0.5)/(df+0.5))
		for i, d := range m.docs {
			tf := 0.0
			for _, x := range d {
				if x == w {
					tf++
				}
			}
			scores[i] += idf * tf * (k1 + 1) / (tf + k1*(1-b+b*float64(len(d))/m.avg))
		}
	}
	idx := make([]int, len(m.docs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, c int) bool { return scores[idx[a]] > scores[idx[c]] })
	var out []string
	for _, i := range idx[:min(n, len(idx))] {
		out = append(out, m.qs[i])
	}
	return out
}
