package broadcast

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// lifecycleSpec is the whole lifecycle: one row per event, one column per
// state; a cell is the state the event leads to, or "-" where the event
// is refused. "new" is a broadcast not yet stored.
const lifecycleSpec = `
event       new               pending_approval  scheduled  sending        paused     waiting_limit  sent       completed  cancelled
schedule    scheduled         -                 -          -              -          -              -          -          -
start       sending           -                 sending    -              -          -              -          -          -
pause       -                 -                 paused     paused         -          paused         -          -          -
alert       -                 -                 paused     paused         -          paused         -          -          -
resume      -                 -                 -          -              sending    -              -          -          -
limit       -                 -                 -          waiting_limit  -          -              -          -          -
room        -                 -                 -          -              -          sending        -          -          -
round_sent  -                 -                 -          sent           -          -              -          -          -
remind      -                 -                 -          -              -          -              sending    -          -
complete    -                 -                 -          -              -          -              completed  -          -
cancel      -                 cancelled         cancelled  cancelled      cancelled  cancelled      cancelled  -          -
abandon     -                 -                 -          cancelled      -          -              -          -          -
hold        pending_approval  -                 -          -              -          -              -          -          -
approve     -                 scheduled         -          -              -          -              -          -          -
reject      -                 cancelled         -          -              -          -              -          -          -
expire      -                 cancelled         -          -              -          -              -          -          -
`

func TestLifecycle(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(lifecycleSpec), "\n")
	states := strings.Fields(lines[0])[1:]
	wantStates := []string{"new", StatePendingApproval, StateScheduled, StateSending, StatePaused, StateWaitingLimit, StateSent, StateCompleted, StateCancelled}
	if !slices.Equal(states, wantStates) {
		t.Fatalf("spec columns %v, want every state %v", states, wantStates)
	}
	var events []string
	for _, line := range lines[1:] {
		cells := strings.Fields(line)
		if len(cells) != len(states)+1 {
			t.Fatalf("spec row %q: %d cells, want %d", line, len(cells), len(states)+1)
		}
		ev := cells[0]
		events = append(events, ev)
		for i, want := range cells[1:] {
			from := states[i]
			if from == "new" {
				from = stateNew
			}
			t.Run(ev+"/"+states[i], func(t *testing.T) {
				b := &Broadcast{ID: "bc000001", State: from}
				err := b.fire(ev)
				if want == "-" {
					var se *StateError
					if !errors.As(err, &se) || !errors.Is(err, ErrState) {
						t.Fatalf("%s when %s: err %v, want a StateError matching ErrState", ev, states[i], err)
					}
					if se.State != from || se.Event != ev || b.State != from {
						t.Fatalf("refusal %+v left state %q; want it to name %q and %q and change nothing", se, b.State, from, ev)
					}
					return
				}
				if err != nil || b.State != want {
					t.Fatalf("%s when %s: state %q err %v, want %q", ev, states[i], b.State, err, want)
				}
			})
		}
	}
	var table []string
	for _, e := range Lifecycle {
		table = append(table, e.Name)
	}
	if !slices.Equal(events, table) {
		t.Fatalf("spec rows %v, want the events of Lifecycle in order %v", events, table)
	}
}

// The refusal tells an admin what the state is and what they may do
// instead; the admin API shows this message with 409.
func TestStateErrorMessage(t *testing.T) {
	for _, c := range []struct {
		state, event, want string
	}{
		{StatePaused, EvPause, "cannot pause broadcast bc000001: it is paused (allowed now: cancel, resume)"},
		{StateSending, EvResume, "cannot resume broadcast bc000001: it is sending (allowed now: cancel, pause)"},
		{StateCompleted, EvCancel, "cannot cancel broadcast bc000001: it is completed (allowed now: nothing more)"},
		{StateSent, EvPause, "cannot pause broadcast bc000001: it is sent (allowed now: cancel)"},
		// The dispatcher's own events name every alternative.
		{StatePaused, EvRoundSent, "cannot round_sent broadcast bc000001: it is paused (allowed now: cancel, resume)"},
		{StateSent, EvLimit, "cannot limit broadcast bc000001: it is sent (allowed now: cancel, complete, remind)"},
	} {
		b := &Broadcast{ID: "bc000001", State: c.state}
		if err := b.fire(c.event); err == nil || err.Error() != c.want {
			t.Errorf("%s when %s: %v\nwant %s", c.event, c.state, err, c.want)
		}
	}
}

// Every change of a broadcast's state goes through the lifecycle: no file
// of the package but lifecycle.go assigns one of the State constants.
func TestStateChangesGoThroughLifecycle(t *testing.T) {
	assertOnlyLifecycleAssigns(t, ".", "lifecycle.go", "State",
		[]string{"StateScheduled", "StateSending", "StatePaused", "StateWaitingLimit", "StateSent", "StateCompleted", "StateCancelled"})
}

// assertOnlyLifecycleAssigns fails for any assignment or composite literal
// that sets a field named field to one of consts outside the file allowed.
func assertOnlyLifecycleAssigns(t *testing.T, dir, allowed, field string, consts []string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	isConst := func(e ast.Expr) bool {
		id, ok := e.(*ast.Ident)
		return ok && slices.Contains(consts, id.Name)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") || filepath.Base(path) == allowed {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, path, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				for i, lhs := range n.Lhs {
					sel, ok := lhs.(*ast.SelectorExpr)
					if ok && sel.Sel.Name == field && i < len(n.Rhs) && isConst(n.Rhs[i]) {
						t.Errorf("%s: %s set by assignment; fire a lifecycle event instead", fset.Position(n.Pos()), field)
					}
				}
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok && k.Name == field && isConst(n.Value) {
					t.Errorf("%s: %s set in a literal; fire a lifecycle event instead", fset.Position(n.Pos()), field)
				}
			}
			return true
		})
	}
	if checked == 0 {
		t.Fatalf("no source files found in %s", dir)
	}
}
