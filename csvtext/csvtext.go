// Package csvtext owns the text of CSV files that cross the server's edge.
// Out: one Writer for every CSV the server writes, which defuses cells a
// spreadsheet would run as a formula (anything a WhatsApp user typed can
// end up in an export). In: uploads are turned into UTF-8, or refused with
// the line that is not, so that no name is stored with replacement
// characters.
package csvtext

import (
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// Writer writes CSV records with every cell defused (see Cell).
type Writer struct{ w *csv.Writer }

// NewWriter returns a Writer on w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: csv.NewWriter(w)} }

// Write writes one record, each cell passed through Cell.
func (w *Writer) Write(rec []string) error {
	safe := make([]string, len(rec))
	for i, v := range rec {
		safe[i] = Cell(v)
	}
	return w.w.Write(safe)
}

// Flush writes what is buffered and returns the first error of any Write.
func (w *Writer) Flush() error {
	w.w.Flush()
	return w.w.Error()
}

// plainNumber is a cell a spreadsheet reads as a number and never as a
// formula: negative coordinates and counts stay numbers.
var plainNumber = regexp.MustCompile(`^[-+]?[0-9]+(\.[0-9]+)?$`)

// formulaStart reports whether a spreadsheet would treat v as a formula
// (or, for tab and carriage return, let a formula hide behind them).
func formulaStart(v string) bool {
	return v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0]))
}

// Cell defuses a value a spreadsheet would run as a formula: one starting
// with =, +, -, @, tab or carriage return gets a leading apostrophe, which
// spreadsheets show as text. Plain numbers such as -33.5 are left alone.
func Cell(v string) string {
	if formulaStart(v) && !plainNumber.MatchString(v) {
		return "'" + v
	}
	return v
}

// Uncell undoes Cell for a file the server exported and is now reading
// back (a FAQ export edited and imported again).
func Uncell(v string) string {
	if len(v) > 1 && v[0] == '\'' && formulaStart(v[1:]) && !plainNumber.MatchString(v[1:]) {
		return v[1:]
	}
	return v
}

// RowError names what is wrong with one row of an imported file; Row is
// the line number in the file (the header is row 1), so that a
// spreadsheet user finds it.
type RowError struct {
	Row     int    `json:"row"`
	Column  string `json:"column,omitempty"`
	Message string `json:"message"`
}

func (e RowError) Error() string {
	if e.Column != "" {
		return fmt.Sprintf("row %d, column %s: %s", e.Row, e.Column, e.Message)
	}
	return fmt.Sprintf("row %d: %s", e.Row, e.Message)
}

// ImportError lists the bad rows of a file imported all or nothing:
// nothing was imported.
type ImportError struct{ Rows []RowError }

func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d bad rows, nothing imported", len(e.Rows))
	for i, r := range e.Rows {
		if i == 5 {
			b.WriteString("; ...")
			break
		}
		b.WriteString("; " + r.Error())
	}
	return b.String()
}
