package understand

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"
)

// evalTable is a small labelled table in the eval format.
const evalTable = `# class	lang	message
danger	en	trapped on the roof
danger	en	trapped in the car
safe	en	we are safe
safe	en	all good
need_help	en	trapped
`

func TestReadTSV(t *testing.T) {
	exs, err := ReadTSV(strings.NewReader(evalTable+"\n# trailing comment\nsafe\tar-latn\tana b5air\r\n"), "table")
	if err != nil {
		t.Fatal(err)
	}
	if len(exs) != 6 {
		t.Fatalf("read %d examples, want 6", len(exs))
	}
	if last := exs[5]; last.Class != Safe || last.Lang != "ar-latn" || last.Text != "ana b5air" {
		t.Errorf("last example %+v", last)
	}
	for _, bad := range []struct{ text, want string }{
		{"danger\ten\n", "line 1: want class<TAB>lang<TAB>message"},
		{"# c\nmaybe\ten\thello\n", `line 2: unknown class "maybe"`},
	} {
		if _, err := ReadTSV(strings.NewReader(bad.text), "bad.tsv"); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("ReadTSV(%q) err = %v, want %q", bad.text, err, bad.want)
		}
	}
}

// TestEvaluate runs the evaluation on a model that knows two classes and a
// table whose every figure can be worked out by hand.
func TestEvaluate(t *testing.T) {
	m, err := Train(fstest.MapFS{
		"en/danger.txt": {Data: []byte("trapped on the roof\ntrapped in the car\ntrapped\n")},
		"en/safe.txt":   {Data: []byte("we are safe\nall good\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	exs, err := ReadTSV(strings.NewReader(evalTable), "table")
	if err != nil {
		t.Fatal(err)
	}
	rep := Evaluate(m, exs)
	// Every "trapped" message is danger: the need_help one is a false alarm.
	if rep.N != 5 || rep.Accuracy != 0.8 {
		t.Errorf("n %d accuracy %v, want 5 and 0.8", rep.N, rep.Accuracy)
	}
	want := map[Class]Metric{
		Danger:   {Precision: 2.0 / 3, Recall: 1, F1: 0.8, Support: 2},
		Safe:     {Precision: 1, Recall: 1, F1: 1, Support: 2},
		NeedHelp: {Precision: 0, Recall: 0, F1: 0, Support: 1},
	}
	for c, w := range want {
		g := rep.ByClass[c]
		if !near(g.Precision, w.Precision) || !near(g.Recall, w.Recall) || !near(g.F1, w.F1) || g.Support != w.Support {
			t.Errorf("%s: got %+v, want %+v", c, g, w)
		}
	}
	if len(rep.DangerMissed) != 0 || len(rep.FalseAlarms) != 1 || rep.NonDanger != 3 {
		t.Errorf("missed %v false alarms %v non-danger %d", rep.DangerMissed, rep.FalseAlarms, rep.NonDanger)
	}
	if !near(rep.FalseAlarmRate(), 1.0/3) || rep.DangerRecall() != 1 {
		t.Errorf("false alarm rate %v recall %v", rep.FalseAlarmRate(), rep.DangerRecall())
	}
	var out bytes.Buffer
	rep.Print(&out)
	for _, s := range []string{"danger missed: 0 of 2", "danger false alarms: 1 of 3 non-danger (33.3%)", "labelled need_help", "p99"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("report lacks %q:\n%s", s, out.String())
		}
	}
}

func TestCrossValidate(t *testing.T) {
	exs := []Example{
		{Safe, "en", "we are safe"}, {Safe, "en", "we are fine"}, {Safe, "en", "all safe"},
		{Danger, "en", "trapped on roof"}, {Danger, "en", "trapped in car"}, {Danger, "en", "trapped inside"},
	}
	rep, err := CrossValidate(exs, 3)
	if err != nil {
		t.Fatal(err)
	}
	if rep.N != len(exs) {
		t.Errorf("cross-validation classified %d of %d", rep.N, len(exs))
	}
	if _, err := CrossValidate(exs, 1); err == nil {
		t.Error("k=1 accepted")
	}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }
