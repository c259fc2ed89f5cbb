package csvtext

import (
	"bytes"
	"errors"
	"testing"
)

func TestCellDefusesFormulas(t *testing.T) {
	for _, tc := range []struct{ label, in, want string }{
		{"hyperlink formula", `=HYPERLINK("http://x","click")`, `'=HYPERLINK("http://x","click")`},
		{"plus", "+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"},
		{"minus formula", "-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"at", "@SUM(A1)", "'@SUM(A1)"},
		{"tab", "\t=1", "'\t=1"},
		{"carriage return", "\r=1", "'\r=1"},
		{"negative number stays a number", "-33.500000", "-33.500000"},
		{"signed integer", "+15", "+15"},
		{"plain text", "José Muñoz", "José Muñoz"},
		{"empty", "", ""},
		{"equals inside", "a=b", "a=b"},
	} {
		t.Run(tc.label, func(t *testing.T) {
			if got := Cell(tc.in); got != tc.want {
				t.Fatalf("Cell(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if back := Uncell(Cell(tc.in)); back != tc.in {
				t.Fatalf("Uncell(Cell(%q)) = %q", tc.in, back)
			}
		})
	}
}

func TestWriterDefusesEveryCell(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	if err := w.Write([]string{"=1+1", "ok", "@x"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), "'=1+1,ok,'@x\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestToUTF8(t *testing.T) {
	cp1252 := []byte("phone,name\n+966501234567,Jos\xe9 Mu\xf1oz\n")
	for _, tc := range []struct {
		label       string
		in          []byte
		contentType string
		want        string
		errLine     int
	}{
		{"utf-8 as is", []byte("name\nJosé\n"), "text/csv", "name\nJosé\n", 0},
		{"utf-8 bom stripped", []byte("\xef\xbb\xbfname\nJosé\n"), "", "name\nJosé\n", 0},
		{"windows-1252 undeclared is refused on its line", cp1252, "text/csv", "", 2},
		{"utf-8 declared but not", cp1252, "text/csv; charset=utf-8", "", 2},
		{"windows-1252 declared is converted", cp1252, "text/csv; charset=windows-1252", "phone,name\n+966501234567,José Muñoz\n", 0},
		{"latin-1 declared is converted", cp1252, "text/csv; charset=ISO-8859-1", "phone,name\n+966501234567,José Muñoz\n", 0},
		{"utf-16 with bom (Excel unicode text)", []byte("\xff\xfen\x00a\x00m\x00e\x00\n\x00J\x00o\x00s\x00\xe9\x00\n\x00"), "", "name\nJosé\n", 0},
	} {
		t.Run(tc.label, func(t *testing.T) {
			got, err := ToUTF8(tc.in, tc.contentType)
			if tc.errLine != 0 {
				var ee *EncodingError
				if !errors.As(err, &ee) || ee.Line != tc.errLine {
					t.Fatalf("want an encoding error on line %d, got %v", tc.errLine, err)
				}
				return
			}
			if err != nil || string(got) != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
	if _, err := ToUTF8([]byte("x"), "text/csv; charset=klingon"); err == nil {
		t.Fatal("an unknown charset must be refused")
	}
}
