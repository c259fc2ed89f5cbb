package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"lifeline/understand"
)

const evalUsage = `usage:
  lifeline eval understand [--data DIR] [--cv K] [--loso] [--errors]

Reads every *.tsv in DIR (lines class<TAB>lang<TAB>message, # comments; lang
may be ar-latn) and prints per class and per language precision, recall, F1
and support, danger missed, danger false alarms, accuracy and the p99 time per
message. DIR defaults to understand/evaldata. --cv K also prints a K-fold
cross-validation over the built-in training data (the examples and the
development sets). --loso also prints a leave-one-set-out evaluation: each
development set classified by the model trained on the examples alone and by
the model trained on the examples and every other development set. --errors
lists every misclassified message of DIR (with --loso also the dangers missed
and false alarms of one training and not the other).
`

// runEval runs "lifeline eval ..." and returns the exit code.
func runEval(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, evalUsage)
		return 2
	}
	var err error
	switch args[0] {
	case "understand":
		err = evalUnderstand(args[1:], stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, evalUsage)
		return 0
	default:
		err = usageError{fmt.Sprintf("unknown command %q", args[0])}
	}
	return exitCode(err, "eval", args[0], evalUsage, stderr)
}

func evalUnderstand(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("eval understand", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dir := fs.String("data", filepath.Join("understand", "evaldata"), "directory of *.tsv files")
	cv := fs.Int("cv", 0, "also cross-validate the training examples with K folds (0: off)")
	loso := fs.Bool("loso", false, "also evaluate each development set trained without it")
	listErrors := fs.Bool("errors", false, "list every misclassified message")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", pos[0])}
	}
	exs, err := readEvalDir(*dir)
	if err != nil {
		return err
	}
	start := time.Now()
	m := understand.Default()
	fmt.Fprintf(stdout, "trained on %d examples in %v\n", m.Examples(), time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(stdout, "evaluating %s\n\n", *dir)
	understand.Evaluate(m, exs).Print(stdout)
	if *listErrors {
		fmt.Fprintln(stdout, "\nmisclassified:")
		understand.PrintErrors(stdout, m, exs)
	}
	if *cv > 0 {
		rep, err := understand.CrossValidate(understand.TrainingExamples(), *cv)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "\n%d-fold cross-validation on the training examples\n\n", *cv)
		rep.Print(stdout)
	}
	if *loso {
		sets, err := understand.DevSetExamples()
		if err != nil {
			return err
		}
		res, err := understand.LeaveOneSetOut(understand.EmbeddedExamples(), understand.DevSets, sets)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "\nleave one development set out: the full pipeline on each set, trained on the examples alone (base)\n"+
			"and on the examples and the other development sets (+others); the rules were tuned on these sets\n\n")
		understand.PrintLeaveOneSetOut(stdout, res)
		if *listErrors {
			fmt.Fprintln(stdout, "\ndanger missed and false alarms of one training only:")
			understand.PrintLeaveOneSetOutChanges(stdout, res)
		}
	}
	return nil
}

// readEvalDir reads every *.tsv file of dir, in name order.
func readEvalDir(dir string) ([]understand.Example, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.tsv"))
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no *.tsv files in %s", dir)
	}
	sort.Strings(files)
	var all []understand.Example
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("open eval data: %w", err)
		}
		exs, err := understand.ReadTSV(f, name)
		f.Close()
		if err != nil {
			return nil, err
		}
		all = append(all, exs...)
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("no labelled messages in %s", dir)
	}
	return all, nil
}
