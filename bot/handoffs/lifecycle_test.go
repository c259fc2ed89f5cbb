package handoffs

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

// handoffSpec is the whole handoff lifecycle: one row per event, one
// column per status; a cell is the status the event leads to, or "-"
// where the event is refused (409). "new" is a handoff not yet stored.
const handoffSpec = `
event     new      waiting  active  closed
open      waiting  -        -       -
reopen    -        -        -       waiting
claim     -        active   -       -
reply     -        -        active  -
transfer  -        -        active  -
release   -        closed   closed  -
close     -        closed   closed  -
`

func TestHandoffLifecycle(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(handoffSpec), "\n")
	states := strings.Fields(lines[0])[1:]
	if want := []string{"new", Waiting, Active, Closed}; !slices.Equal(states, want) {
		t.Fatalf("spec columns %v, want every status %v", states, want)
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
				from = handoffNew
			}
			t.Run(ev+"/"+states[i], func(t *testing.T) {
				h := &Handoff{ID: "u1", Status: from, Outcome: "resolved"}
				err := h.fire(ev)
				if want == "-" {
					var ce *ConflictError
					if !errors.As(err, &ce) {
						t.Fatalf("%s when %s: err %v, want a *ConflictError (409)", ev, states[i], err)
					}
					if ce.State != from || ce.Event != ev || h.Status != from {
						t.Fatalf("refusal %+v left status %q; want it to name %q and %q and change nothing", ce, h.Status, from, ev)
					}
					return
				}
				if err != nil || h.Status != want {
					t.Fatalf("%s when %s: status %q err %v, want %q", ev, states[i], h.Status, err, want)
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

// The refusal tells the agent the status and what they may do instead.
func TestHandoffRefusalMessage(t *testing.T) {
	for _, c := range []struct {
		status, event, want string
	}{
		{Waiting, EvReply, "cannot reply: this conversation is waiting (possible now: claim, close, release)"},
		{Waiting, EvTransfer, "cannot transfer: this conversation is waiting (possible now: claim, close, release)"},
		{Active, EvClaim, "cannot claim: this conversation is active (possible now: close, release, reply, transfer)"},
		{Closed, EvClose, "cannot close: this conversation is closed (resolved); it reopens when the user asks for a person again"},
		{Closed, EvClaim, "cannot claim: this conversation is closed (resolved); it reopens when the user asks for a person again"},
	} {
		h := &Handoff{ID: "u1", Status: c.status, Outcome: "resolved"}
		if err := h.fire(c.event); err == nil || err.Error() != c.want {
			t.Errorf("%s when %s: %v\nwant %s", c.event, c.status, err, c.want)
		}
	}
}

// Every change of a handoff's status goes through the lifecycle: no file
// of this package but lifecycle.go, and no file of the engine (package
// bot), sets Status to a handoff status.
func TestHandoffStatusChangesGoThroughLifecycle(t *testing.T) {
	consts := []string{"Waiting", "Active", "Closed"}
	isConst := func(e ast.Expr) bool {
		switch e := e.(type) {
		case *ast.Ident:
			return slices.Contains(consts, e.Name)
		case *ast.SelectorExpr:
			pkg, ok := e.X.(*ast.Ident)
			return ok && pkg.Name == "handoffs" && slices.Contains(consts, e.Sel.Name)
		}
		return false
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	engine, err := filepath.Glob("../*.go")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, engine...)
	fset := token.NewFileSet()
	checked := 0
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") || path == "lifecycle.go" {
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
					if sel, ok := lhs.(*ast.SelectorExpr); ok && sel.Sel.Name == "Status" && i < len(n.Rhs) && isConst(n.Rhs[i]) {
						t.Errorf("%s: Status set by assignment; fire a lifecycle event instead", fset.Position(n.Pos()))
					}
				}
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok && k.Name == "Status" && isConst(n.Value) {
					t.Errorf("%s: Status set in a literal; fire a lifecycle event instead", fset.Position(n.Pos()))
				}
			}
			return true
		})
	}
	if checked == 0 {
		t.Fatal("no source files found")
	}
}
