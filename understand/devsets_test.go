package understand

import (
	"bytes"
	"io/fs"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestDevSetsEmbedded checks that the embed line names exactly DevSets, and
// that DevSets holds only development sets: heldout5 to heldout38, each
// measured blind once before it was tuned on or trained on. A set still
// blind (heldout42 and later), one kept as a development set only
// (heldout39-41) or one of the sets that only measure must never be
// trained on.
func TestDevSetsEmbedded(t *testing.T) {
	var embedded []string
	entries, err := fs.ReadDir(devData, ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		embedded = append(embedded, e.Name())
	}
	want := append([]string(nil), DevSets...)
	slices.Sort(want)
	if !reflect.DeepEqual(embedded, want) {
		t.Errorf("embedded %v, DevSets %v", embedded, DevSets)
	}
	for _, name := range DevSets {
		n, err := strconv.Atoi(strings.TrimPrefix(name, "heldout"))
		if !strings.HasPrefix(name, "heldout") || err != nil || n < 5 || n > 38 {
			t.Errorf("%s is not one of the development sets heldout5..heldout38", name)
		}
	}
	sets, err := DevSetExamples()
	if err != nil {
		t.Fatal(err)
	}
	base := EmbeddedExamples()
	n := len(base)
	for i, s := range sets {
		if len(s) < 500 {
			t.Errorf("%s: %d lines, want the whole set", DevSets[i], len(s))
		}
		n += len(s)
	}
	all := TrainingExamples()
	if len(all) != n {
		t.Fatalf("training examples %d, want %d (examples and development sets)", len(all), n)
	}
	if !reflect.DeepEqual(all[:len(base)], base) || !reflect.DeepEqual(all[len(all)-len(sets[len(sets)-1]):], sets[len(sets)-1]) {
		t.Error("training examples are not the examples followed by the development sets in order")
	}
	if got := Default().Examples(); got != n {
		t.Errorf("Default trained on %d examples, want %d", got, n)
	}
}

// TestLeaveOneSetOut checks that each set is classified by a model that
// did not see it: a word only the sets teach is known to the model trained
// on the others and unknown to the one trained on the base alone.
func TestLeaveOneSetOut(t *testing.T) {
	base := []Example{
		{Danger, "en", "trapped on the roof water rising"}, {Danger, "en", "fire in the kitchen"},
		{Safe, "en", "we are safe"}, {Safe, "en", "all good here"},
		{Other, "en", "nice weather today"}, {Other, "en", "watching football"},
	}
	sets := [][]Example{
		{{Thanks, "en", "zorblax"}, {Thanks, "en", "zorblax friend"}, {Greeting, "en", "quuxly"}},
		{{Thanks, "en", "zorblax"}, {Thanks, "en", "zorblax mate"}},
		{{Safe, "en", "we are safe"}},
	}
	names := []string{"a", "b", "c"}
	res, err := LeaveOneSetOut(base, names, sets)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != len(sets) {
		t.Fatalf("%d results, want %d", len(res), len(sets))
	}
	for i, r := range res {
		if r.Name != names[i] || r.Base.N != len(sets[i]) || r.Others.N != len(sets[i]) {
			t.Errorf("set %d: name %q, n %d and %d, want %q and %d", i, r.Name, r.Base.N, r.Others.N, names[i], len(sets[i]))
		}
	}
	// Thanks is learnt only from the sets: set a is read right only when
	// trained on set b, never by the base model.
	if got := res[0].Base.Confusion[Thanks][Thanks]; got != 0 {
		t.Errorf("base model read %d of set a as thanks, it never saw thanks", got)
	}
	if got := res[0].Others.Confusion[Thanks][Thanks]; got != 2 {
		t.Errorf("model trained on sets b and c read %d of set a's thanks as thanks, want 2", got)
	}
	// Greeting is only in set a: no model that classifies set a saw it.
	if got := res[0].Others.Confusion[Greeting][Greeting]; got != 0 {
		t.Errorf("set a's own greeting was read right: the model trained on it")
	}
	again, err := LeaveOneSetOut(base, names, sets)
	if err != nil {
		t.Fatal(err)
	}
	var out1, out2 bytes.Buffer
	PrintLeaveOneSetOut(&out1, res)
	PrintLeaveOneSetOut(&out2, again)
	if out1.String() != out2.String() {
		t.Errorf("two runs differ:\n%s\n%s", out1.String(), out2.String())
	}
	if !strings.Contains(out1.String(), "total") {
		t.Errorf("no total line:\n%s", out1.String())
	}
	for _, bad := range []struct {
		names []string
		sets  [][]Example
	}{
		{names[:1], sets[:1]},
		{names[:2], sets},
	} {
		if _, err := LeaveOneSetOut(base, bad.names, bad.sets); err == nil {
			t.Errorf("%d names, %d sets accepted", len(bad.names), len(bad.sets))
		}
	}
}
