package places

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"lifeline/csvtext"
	"lifeline/store"
)

// MaxImportRows caps one CSV import: every row is checked before the
// first is written.
const MaxImportRows = 20_000

const maxRowErrors = 100

// RowError and ImportError are the shared shape of a CSV import's
// refusal: every bad row named, nothing imported.
type (
	RowError    = csvtext.RowError
	ImportError = csvtext.ImportError
)

// ImportResult counts what an import did.
type ImportResult struct {
	Rows    int `json:"rows"`
	Created int `json:"created"`
	Updated int `json:"updated"`
}

// Columns a places CSV may have. name, district and notes take a
// language suffix (name_ar, district_ar, notes_fr); name alone is the
// default name.
var (
	required = []string{"name", "kind", "lat", "lon"}
	optional = []string{"id", "address", "district", "capacity", "state", "notes", "incident"}
	aliases  = map[string]string{"latitude": "lat", "longitude": "lon", "lng": "lon"}
)

// column reads a header cell: its canonical name, or an error.
func column(h string) (string, error) {
	h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
	if a, ok := aliases[h]; ok {
		h = a
	}
	if slices.Contains(required, h) || slices.Contains(optional, h) {
		return h, nil
	}
	for _, p := range []string{"name_", "district_", "notes_"} {
		if lang, ok := strings.CutPrefix(h, p); ok && langPattern.MatchString(lang) {
			return h, nil
		}
	}
	return "", fmt.Errorf("unknown column %q: want %s, %s, name_<lang>, district_<lang> or notes_<lang> (such as name_ar)",
		h, strings.Join(required, ", "), strings.Join(optional, ", "))
}

// fieldColumn turns the field of a validation error into the column that
// holds it.
func fieldColumn(field string) string {
	switch {
	case field == "name."+DefaultLang:
		return "name"
	case field == "district."+DefaultLang:
		return "district"
	case strings.HasPrefix(field, "name."), strings.HasPrefix(field, "district."), strings.HasPrefix(field, "notes."):
		return strings.Replace(field, ".", "_", 1)
	}
	return field
}

// ParseCSV reads a places file: a header row, then one place per row. It
// returns every place, or an *ImportError naming every bad row.
func ParseCSV(r io.Reader) ([]Input, []int, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, &ImportError{Rows: []RowError{{Row: 1, Message: "empty file: want a header row such as name,kind,lat,lon,address,state"}}}
	}
	if err != nil {
		return nil, nil, &ImportError{Rows: []RowError{{Row: 1, Message: err.Error()}}}
	}
	cols := make([]string, len(header))
	for i, h := range header {
		c, err := column(h)
		if err != nil {
			return nil, nil, &ImportError{Rows: []RowError{{Row: 1, Column: strings.TrimSpace(h), Message: err.Error()}}}
		}
		if slices.Contains(cols[:i], c) {
			return nil, nil, &ImportError{Rows: []RowError{{Row: 1, Column: c, Message: "column appears twice"}}}
		}
		cols[i] = c
	}
	for _, c := range required {
		if !slices.Contains(cols, c) {
			return nil, nil, &ImportError{Rows: []RowError{{Row: 1, Column: c, Message: "missing column: a places file needs " + strings.Join(required, ", ")}}}
		}
	}
	var (
		out   []Input
		lines []int
		errs  []RowError
		ids   = map[string]int{}
	)
	add := func(e RowError) {
		if len(errs) < maxRowErrors {
			errs = append(errs, e)
		}
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				add(RowError{Row: pe.Line, Message: pe.Err.Error()})
			} else {
				add(RowError{Row: len(out) + len(errs) + 2, Message: err.Error()})
			}
			break
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		if len(out)+len(errs) >= MaxImportRows {
			add(RowError{Row: line, Message: fmt.Sprintf("more than %d rows: split the file", MaxImportRows)})
			break
		}
		if len(rec) > len(cols) {
			add(RowError{Row: line, Message: fmt.Sprintf("%d values for %d columns", len(rec), len(cols))})
			continue
		}
		in, rerr := parseRow(cols, rec)
		if rerr == nil && in.ID != "" {
			if first, dup := ids[in.ID]; dup {
				rerr = &RowError{Column: "id", Message: fmt.Sprintf("same id as row %d", first)}
			}
			ids[in.ID] = line
		}
		if rerr == nil {
			p, err := in.Validate()
			if err != nil {
				rerr = &RowError{Message: err.Error()}
				var fe *FieldError
				if errors.As(err, &fe) {
					rerr = &RowError{Column: fieldColumn(fe.Field), Message: fe.Msg}
				}
			} else if in.ID == "" {
				// A row without an id is the place of its kind, name and
				// coordinates: two such rows are one place twice.
				id := importID(&p)
				if first, dup := ids[id]; dup {
					rerr = &RowError{Message: fmt.Sprintf("same kind, name and coordinates as row %d: give each an id, or drop one", first)}
				}
				ids[id] = line
			}
		}
		if rerr != nil {
			rerr.Row = line
			add(*rerr)
			continue
		}
		out = append(out, in)
		lines = append(lines, line)
	}
	if len(errs) > 0 {
		return nil, nil, &ImportError{Rows: errs}
	}
	if len(out) == 0 {
		return nil, nil, &ImportError{Rows: []RowError{{Row: 2, Message: "no places: the file has a header and no rows"}}}
	}
	return out, lines, nil
}

func parseRow(cols, rec []string) (Input, *RowError) {
	var in Input
	for i, v := range rec {
		v = strings.TrimSpace(v)
		col := cols[i]
		switch col {
		case "id":
			in.ID = v
		case "name":
			setText(&in.Name, DefaultLang, v)
		case "kind":
			in.Kind = Kind(strings.ToLower(v))
		case "lat", "lon":
			if v == "" {
				continue // reported as missing by Validate
			}
			f, err := strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64)
			if err != nil {
				return in, &RowError{Column: col, Message: fmt.Sprintf("%q is not a number in decimal degrees, such as 26.4207", v)}
			}
			if col == "lat" {
				in.Lat = &f
			} else {
				in.Lon = &f
			}
		case "address":
			in.Address = v
		case "capacity":
			if v == "" {
				continue
			}
			n, err := strconv.Atoi(v)
			if err != nil {
				return in, &RowError{Column: col, Message: fmt.Sprintf("%q is not a whole number of people", v)}
			}
			in.Capacity = n
		case "state":
			in.State = State(strings.ToLower(v))
		case "notes":
			setText(&in.Notes, DefaultLang, v)
		case "district":
			setText(&in.District, DefaultLang, v)
		case "incident":
			in.Incident = v
		default:
			if lang, ok := strings.CutPrefix(col, "name_"); ok {
				setText(&in.Name, lang, v)
			} else if lang, ok := strings.CutPrefix(col, "district_"); ok {
				setText(&in.District, lang, v)
			} else if lang, ok := strings.CutPrefix(col, "notes_"); ok {
				setText(&in.Notes, lang, v)
			}
		}
	}
	return in, nil
}

func setText(m *map[string]string, lang, v string) {
	if v == "" {
		return
	}
	if *m == nil {
		*m = map[string]string{}
	}
	(*m)[lang] = v
}

// importID is the id of a place a row without one adds: drawn from its
// kind, default name and coordinates, so that importing the same row
// again (after an import cut short, or the same file twice) replaces the
// place it added instead of adding it a second time.
func importID(p *Place) string {
	h := sha256.Sum256([]byte(strings.Join([]string{string(p.Kind), strings.ToLower(strings.TrimSpace(p.Name[DefaultLang])),
		strconv.FormatFloat(p.Lat, 'f', 6, 64), strconv.FormatFloat(p.Lon, 'f', 6, 64)}, "\x00")))
	return "pl-" + hex.EncodeToString(h[:6])
}

// Import reads a places CSV and, only when every row is good, writes its
// places, each in its own scoped write, then one audit entry. A row with
// an id replaces the place of that id; a row without one adds a place
// whose id its kind, name and coordinates decide (see importID). Every
// check that can refuse a row runs before the first write, so bad input
// writes nothing; a failure between writes (a crash, a full disk) leaves
// the places written so far, and importing the same file again writes
// them once more and completes it.
func (s *Service) Import(ctx context.Context, r io.Reader, by Actor) (ImportResult, error) {
	ins, lines, err := ParseCSV(r)
	if err != nil {
		return ImportResult{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now().UTC()
	ps := make([]Place, len(ins))
	for i, in := range ins {
		p, _ := in.Validate() // ParseCSV validated every row
		if p.ID == "" {
			p.ID = importID(&p)
		}
		p.UpdatedAt, p.UpdatedBy = now, by.String()
		ps[i] = p
	}
	if err := s.checkIncidents(ctx, ps, lines); err != nil {
		return ImportResult{}, fmt.Errorf("import places: %w", err)
	}
	res := ImportResult{Rows: len(ps)}
	for i := range ps {
		p := &ps[i]
		var existed bool
		err := s.db.Write(ctx, scope(p.ID), func(w store.Writer) error {
			// The incident was open when checked; it may have closed since.
			if err := checkIncident(ctx, w, p.Incident); err != nil {
				return err
			}
			var err error
			if existed, err = store.HasPlace(ctx, w, p.ID); err != nil {
				return err
			}
			return store.PutPlace(ctx, w, p.ID, p)
		})
		if err == nil && s.importStep != nil {
			err = s.importStep(i)
		}
		if err != nil {
			if i > 0 {
				s.announce("")
			}
			return res, fmt.Errorf("import places: row %d (%s): %w: %d of %d places written; import the same file again to complete it",
				lines[i], p.ID, err, i, len(ps))
		}
		s.idx.Put(*p)
		if existed {
			res.Updated++
		} else {
			res.Created++
		}
	}
	// The import's one audit entry is an event of the places as a family,
	// folded into the log after the commit like every other change's.
	err = s.db.Write(ctx, store.DocScope(store.DocPlace, ""), func(w store.Writer) error {
		return audit(ctx, w, store.DocScope(store.DocPlace, ""), now, by, "place.import", "", fmt.Sprintf("rows=%d created=%d updated=%d", res.Rows, res.Created, res.Updated))
	})
	s.announce("")
	if err != nil {
		return res, fmt.Errorf("import places: record the import in the audit log (every place is written): %w", err)
	}
	s.log.Info().Int("rows", res.Rows).Int("created", res.Created).Int("updated", res.Updated).Msg("places imported")
	return res, nil
}

// checkIncidents refuses, naming every row, places of an incident that
// does not exist or is closed: checked before any place is written.
func (s *Service) checkIncidents(ctx context.Context, ps []Place, lines []int) error {
	return s.db.Read(ctx, func(r store.Reader) error {
		checked := map[string]error{}
		var errs []RowError
		for i, p := range ps {
			if p.Incident == "" {
				continue
			}
			ierr, ok := checked[p.Incident]
			if !ok {
				ierr = checkIncident(ctx, r, p.Incident)
				checked[p.Incident] = ierr
			}
			var fe *FieldError
			if errors.As(ierr, &fe) {
				if len(errs) < maxRowErrors {
					errs = append(errs, RowError{Row: lines[i], Column: "incident", Message: fe.Msg})
				}
			} else if ierr != nil {
				return ierr
			}
		}
		if len(errs) > 0 {
			return &ImportError{Rows: errs}
		}
		return nil
	})
}
