// Package contacts owns the people Lifeline may contact first: importing
// them from CSV (all rows or none) and selecting audiences for broadcasts.
// Contacts are store.Contact records keyed by WhatsApp id; the engine
// updates the same records when people write in or opt out.
package contacts

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"lifeline/csvtext"
	"lifeline/store"
)

// MaxRows caps one import; bigger lists are split into several files.
const MaxRows = 200_000

// RowError and ImportError are the shared shape of a CSV import's
// refusal: every bad row named, nothing imported.
type (
	RowError    = csvtext.RowError
	ImportError = csvtext.ImportError
)

// Result counts what an import did.
type Result struct {
	Rows    int `json:"rows"`
	Created int `json:"created"`
	Updated int `json:"updated"`
}

// maxErrors keeps the error list readable when a whole file is wrong.
const maxErrors = 100

var langRe = regexp.MustCompile(`^[a-z]{2,3}([_-][A-Za-z]{2,4})?$`)

// NormalizePhone turns an E.164 number, with or without '+', spaces,
// dashes, dots or brackets, into a WhatsApp id (digits only).
func NormalizePhone(s string) (string, error) {
	s = strings.TrimSpace(s)
	orig := s
	s = strings.TrimPrefix(s, "+")
	s = strings.TrimPrefix(s, "00")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return "", fmt.Errorf("%q is not a phone number: %q is not a digit (use E.164, such as +966501234567)", orig, r)
		}
	}
	d := b.String()
	if len(d) < 8 || len(d) > 15 {
		return "", fmt.Errorf("want 8 to 15 digits with the country code, got %d", len(d))
	}
	if d[0] == '0' {
		return "", errors.New("starts with 0: give the country code, e.g. +44 20 ...")
	}
	return d, nil
}

func parseBool(s string) (value, set bool, err error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return false, false, nil
	case "yes", "y", "true", "1", "opted_in", "نعم":
		return true, true, nil
	case "no", "n", "false", "0", "لا":
		return false, true, nil
	}
	return false, false, fmt.Errorf("%q: want yes or no", s)
}

type row struct {
	c         store.Contact
	optInSet  bool
	hasFields map[string]bool
}

// parse reads and checks a whole CSV file. It returns every row, or an
// *ImportError naming every bad row (up to a hundred).
func parse(r io.Reader) ([]row, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &ImportError{Rows: []RowError{{Row: 1, Message: "empty file: want a header row with at least a phone column"}}}
	}
	if err != nil {
		return nil, &ImportError{Rows: []RowError{{Row: 1, Message: err.Error()}}}
	}
	cols := make([]string, len(header))
	phoneCol := -1
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if h == "" {
			return nil, &ImportError{Rows: []RowError{{Row: 1, Message: fmt.Sprintf("column %d has no name", i+1)}}}
		}
		if slices.Contains(cols[:i], h) {
			return nil, &ImportError{Rows: []RowError{{Row: 1, Column: h, Message: "column appears twice"}}}
		}
		cols[i] = h
		if h == "phone" {
			phoneCol = i
		}
	}
	if phoneCol < 0 {
		return nil, &ImportError{Rows: []RowError{{Row: 1, Message: "no phone column"}}}
	}
	var (
		rows  []row
		errs  []RowError
		seen  = map[string]int{}
		line  = 1
		addEr = func(e RowError) {
			if len(errs) < maxErrors {
				errs = append(errs, e)
			}
		}
	)
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line++
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				addEr(RowError{Row: pe.Line, Message: pe.Err.Error()})
			} else {
				addEr(RowError{Row: line, Message: err.Error()})
			}
			break
		}
		line, _ = cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		if len(rows)+len(errs) >= MaxRows {
			addEr(RowError{Row: line, Message: fmt.Sprintf("more than %d rows: split the file", MaxRows)})
			break
		}
		if len(rec) > len(cols) {
			addEr(RowError{Row: line, Message: fmt.Sprintf("%d values for %d columns", len(rec), len(cols))})
			continue
		}
		rw := row{hasFields: map[string]bool{}}
		bad := false
		for i, v := range rec {
			v = strings.TrimSpace(v)
			col := cols[i]
			switch col {
			case "phone":
				id, err := NormalizePhone(v)
				if err != nil {
					addEr(RowError{Row: line, Column: col, Message: err.Error()})
					bad = true
					continue
				}
				if first, dup := seen[id]; dup {
					addEr(RowError{Row: line, Column: col, Message: fmt.Sprintf("same number as row %d", first)})
					bad = true
					continue
				}
				seen[id] = line
				rw.c.WaID = id
			case "name":
				if len(v) > 256 {
					addEr(RowError{Row: line, Column: col, Message: "longer than 256 characters"})
					bad = true
				}
				rw.c.Name = v
			case "language":
				v = strings.ToLower(strings.ReplaceAll(v, "-", "_"))
				if v != "" && !langRe.MatchString(v) {
					addEr(RowError{Row: line, Column: col, Message: fmt.Sprintf("%q is not a language code such as en or ar", v)})
					bad = true
				}
				rw.c.Language = v
			case "tags":
				for _, t := range strings.Split(v, "|") {
					if t = strings.ToLower(strings.TrimSpace(t)); t != "" && !slices.Contains(rw.c.Tags, t) {
						rw.c.Tags = append(rw.c.Tags, t)
					}
				}
			case "region":
				rw.c.Region = v
			case "user_id":
				rw.c.UserID = v
			case "opted_in":
				val, set, err := parseBool(v)
				if err != nil {
					addEr(RowError{Row: line, Column: col, Message: err.Error()})
					bad = true
				}
				rw.c.OptedIn, rw.optInSet = val, set
			case "opt_in_source":
				rw.c.OptInSource = v
			default:
				if v != "" {
					if rw.c.Fields == nil {
						rw.c.Fields = map[string]string{}
					}
					rw.c.Fields[col] = v
				}
				rw.hasFields[col] = true
			}
		}
		if rw.c.WaID == "" && !bad {
			addEr(RowError{Row: line, Column: "phone", Message: "missing"})
			bad = true
		}
		if !bad {
			rows = append(rows, rw)
		}
	}
	if len(errs) > 0 {
		return nil, &ImportError{Rows: errs}
	}
	return rows, nil
}

// merge applies an import row to c; a consent change goes through
// store.RecordConsent in the import's transaction w.
func merge(ctx context.Context, w store.Writer, c *store.Contact, rw row, source string, now time.Time) error {
	in := rw.c
	if in.Name != "" {
		c.Name = in.Name
	}
	if in.Language != "" {
		c.Language = in.Language
	}
	if in.Tags != nil {
		c.Tags = in.Tags
	}
	if in.Region != "" {
		c.Region = in.Region
	}
	if in.UserID != "" {
		c.UserID = in.UserID
	}
	for k := range rw.hasFields {
		if v, ok := in.Fields[k]; ok {
			if c.Fields == nil {
				c.Fields = map[string]string{}
			}
			c.Fields[k] = v
		} else {
			delete(c.Fields, k)
		}
	}
	c.UpdatedAt = now
	if !rw.optInSet {
		return nil
	}
	_, err := store.RecordConsent(ctx, w, c.WaID, c, store.ConsentEvent{Channel: store.ChannelWhatsApp, OptIn: in.OptedIn, At: now,
		Source: store.SourceImport, By: source, Wording: in.OptInSource})
	return err
}
