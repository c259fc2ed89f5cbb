package kb

import (
	"bytes"
	"crypto/sha1"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"regexp"
	"strings"

	"lifeline/csvtext"
)

// Format is an import file format.
type Format string

// Formats.
const (
	FormatCSV      Format = "csv"
	FormatTSV      Format = "tsv"
	FormatJSON     Format = "json"
	FormatMarkdown Format = "markdown"
)

// FormatForContentType maps an HTTP Content-Type to a format.
func FormatForContentType(ct string) (Format, bool) {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		mt = strings.TrimSpace(strings.ToLower(ct))
	}
	switch mt {
	case "text/csv", "application/csv":
		return FormatCSV, true
	case "text/tab-separated-values", "text/tsv":
		return FormatTSV, true
	case "application/json", "text/json":
		return FormatJSON, true
	case "text/markdown", "text/x-markdown":
		return FormatMarkdown, true
	}
	return "", false
}

// FormatForPath guesses a format from a file name.
func FormatForPath(path string) (Format, bool) {
	p := strings.ToLower(path)
	switch {
	case strings.HasSuffix(p, ".csv"):
		return FormatCSV, true
	case strings.HasSuffix(p, ".tsv"), strings.HasSuffix(p, ".tab"):
		return FormatTSV, true
	case strings.HasSuffix(p, ".json"):
		return FormatJSON, true
	case strings.HasSuffix(p, ".md"), strings.HasSuffix(p, ".markdown"):
		return FormatMarkdown, true
	}
	return "", false
}

// ContentType is the MIME type of a format.
func (f Format) ContentType() string {
	switch f {
	case FormatTSV:
		return "text/tab-separated-values"
	case FormatJSON:
		return "application/json"
	case FormatMarkdown:
		return "text/markdown"
	}
	return "text/csv"
}

// RowError is one bad row of an import file. Rows are numbered as a
// spreadsheet shows them: the CSV/TSV header is row 1; JSON entries count
// from 1; Markdown rows are the line numbers of the headings.
type RowError struct {
	Row   int    `json:"row"`
	Error string `json:"error"`
}

// ImportError lists every bad row of a file; nothing was applied.
type ImportError struct {
	Rows []RowError
}

func (e *ImportError) Error() string {
	if len(e.Rows) == 1 {
		return fmt.Sprintf("row %d: %s", e.Rows[0].Row, e.Rows[0].Error)
	}
	return fmt.Sprintf("%d bad rows, first row %d: %s", len(e.Rows), e.Rows[0].Row, e.Rows[0].Error)
}

func (e *ImportError) Unwrap() error { return ErrInvalid }

// Parse reads an import file. It reports every bad row at once in an
// *ImportError.
func Parse(data []byte, f Format) ([]Entry, error) {
	entries, _, err := ParseRows(data, f)
	return entries, err
}

// ParseRows is Parse that also returns each entry's row, for ImportRows.
func ParseRows(data []byte, f Format) ([]Entry, []int, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var entries []Entry
	var rows []int
	var errs []RowError
	switch f {
	case FormatCSV, FormatTSV:
		entries, rows, errs = parseDelimited(data, f == FormatTSV)
	case FormatJSON:
		entries, rows, errs = parseJSON(data)
	case FormatMarkdown:
		entries, rows, errs = parseMarkdown(data)
	default:
		return nil, nil, fmt.Errorf("unknown format %q: %w", f, ErrInvalid)
	}
	errs = append(errs, validate(entries, rows)...)
	if len(errs) > 0 {
		sortRowErrors(errs)
		return nil, nil, &ImportError{Rows: errs}
	}
	AssignIDs(entries)
	return entries, rows, nil
}

func sortRowErrors(errs []RowError) {
	for i := 1; i < len(errs); i++ {
		for j := i; j > 0 && errs[j].Row < errs[j-1].Row; j-- {
			errs[j], errs[j-1] = errs[j-1], errs[j]
		}
	}
}

var headerRe = regexp.MustCompile(`^(question|answer|alt_questions)_([a-z]{2,3})$`)

func normHeader(h string) string {
	h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
	h = strings.NewReplacer(" ", "_", "-", "_").Replace(h)
	switch h {
	case "alt_question", "alternate_questions", "alternatives", "alt":
		return "alt_questions"
	case "url":
		return "link"
	case "language":
		return "lang"
	}
	return h
}

func parseDelimited(data []byte, tsv bool) ([]Entry, []int, []RowError) {
	r := csv.NewReader(bytes.NewReader(data))
	if tsv {
		r.Comma = '\t'
	}
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, []RowError{{Row: 1, Error: "empty file: a header row is required"}}
		}
		return nil, nil, []RowError{{Row: 1, Error: "header: " + err.Error()}}
	}
	col := map[string]int{}
	for i, h := range header {
		h = normHeader(h)
		if _, dup := col[h]; h != "" && !dup {
			col[h] = i
		}
	}
	var missing []string
	for _, need := range []string{"question", "answer"} {
		if _, ok := col[need]; !ok {
			missing = append(missing, need)
		}
	}
	if len(missing) > 0 {
		return nil, nil, []RowError{{Row: 1, Error: "header: missing column " + strings.Join(missing, ", ")}}
	}
	trLangs := map[string]bool{}
	for h := range col {
		if m := headerRe.FindStringSubmatch(h); m != nil {
			trLangs[m[2]] = true
		}
	}
	var entries []Entry
	var rows []int
	var errs []RowError
	for row := 2; ; row++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, RowError{Row: row, Error: err.Error()})
			break
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				// An exported cell that was defused for spreadsheets reads back as written.
				return csvtext.Uncell(strings.TrimSpace(rec[i]))
			}
			return ""
		}
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue // blank line
		}
		e := Entry{
			ID: get("id"), Lang: get("lang"), Question: get("question"), Answer: get("answer"),
			AltQuestions: splitList(get("alt_questions"), "|"), Category: get("category"),
			Tags: splitList(get("tags"), ",|"), Link: get("link"),
		}
		if sha, place := get("attachment_sha256"), get("attachment_place"); sha != "" || place != "" {
			e.Attachment = &Attachment{SHA256: sha, Place: place}
		}
		for l := range trLangs {
			t := Translation{Question: get("question_" + l), Answer: get("answer_" + l),
				AltQuestions: splitList(get("alt_questions_"+l), "|")}
			if t.Question == "" && t.Answer == "" && len(t.AltQuestions) == 0 {
				continue
			}
			if e.Translations == nil {
				e.Translations = map[string]Translation{}
			}
			e.Translations[l] = t
		}
		entries = append(entries, e)
		rows = append(rows, row)
	}
	return entries, rows, errs
}

func splitList(s, seps string) []string {
	if s == "" {
		return nil
	}
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(seps, r) }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func parseJSON(data []byte) ([]Entry, []int, []RowError) {
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		var wrapped struct {
			Entries []json.RawMessage `json:"entries"`
		}
		if err2 := json.Unmarshal(data, &wrapped); err2 != nil || wrapped.Entries == nil {
			return nil, nil, []RowError{{Row: 0, Error: "json: want an array of entries: " + err.Error()}}
		}
		raw = wrapped.Entries
	}
	var entries []Entry
	var rows []int
	var errs []RowError
	for i, m := range raw {
		var e Entry
		if err := json.Unmarshal(m, &e); err != nil {
			errs = append(errs, RowError{Row: i + 1, Error: err.Error()})
			continue
		}
		entries = append(entries, e)
		rows = append(rows, i+1)
	}
	return entries, rows, errs
}

// parseMarkdown reads "## question" headings with the answer below them.
// Text before the first such heading (a title, an introduction) is ignored.
func parseMarkdown(data []byte) ([]Entry, []int, []RowError) {
	var entries []Entry
	var rows []int
	var cur *Entry
	var body []string
	flush := func() {
		if cur != nil {
			cur.Answer = strings.TrimSpace(strings.Join(body, "\n"))
			entries = append(entries, *cur)
		}
		body = nil
	}
	for i, line := range strings.Split(string(data), "\n") {
		// CRLF files, and a last line cut after its "\r", read the same.
		line = strings.TrimRight(line, "\r")
		if q, ok := heading2(line); ok {
			flush()
			cur = &Entry{Question: q}
			rows = append(rows, i+1)
			continue
		}
		if cur != nil {
			body = append(body, line)
		}
	}
	flush()
	if len(entries) == 0 {
		return nil, nil, []RowError{{Row: 1, Error: "markdown: no \"## question\" headings"}}
	}
	return entries, rows, nil
}

// heading2 reads a level-two ATX heading as Markdown does: up to three
// spaces of indentation, "##", then a space or the end of the line.
func heading2(line string) (string, bool) {
	trimmed := strings.TrimLeft(line, " ")
	if len(line)-len(trimmed) > 3 {
		return "", false
	}
	rest, ok := strings.CutPrefix(trimmed, "##")
	if !ok || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
		return "", false
	}
	return strings.TrimSpace(rest), true
}

var (
	langRe = regexp.MustCompile(`^[a-z]{2,3}$`)
	idRe   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$`)
)

// validate normalises entries in place and reports what is wrong with them.
func validate(entries []Entry, rows []int) []RowError {
	var errs []RowError
	ids := map[string]int{}
	for i := range entries {
		e := &entries[i]
		row := i + 1
		if i < len(rows) {
			row = rows[i]
		}
		var probs []string
		e.ID = strings.TrimSpace(e.ID)
		e.Lang = strings.ToLower(strings.TrimSpace(e.Lang))
		if e.Lang == "" {
			e.Lang = "en"
		}
		e.Question = normText(e.Question)
		e.Answer = normText(e.Answer)
		e.Link = strings.TrimSpace(e.Link)
		e.Category = normText(e.Category)
		// JSON gives lists as arrays: hold them to what CSV can say (no
		// empty items, none containing the separator) so that an export
		// imports back as the same entries.
		e.AltQuestions = normList(e.AltQuestions, "|")
		e.Tags = normList(e.Tags, ",|")
		if e.Question == "" {
			probs = append(probs, "question is empty")
		}
		if e.Answer == "" {
			probs = append(probs, "answer is empty")
		}
		if !langRe.MatchString(e.Lang) {
			probs = append(probs, fmt.Sprintf("lang %q is not a two- or three-letter code", e.Lang))
		}
		if e.ID != "" {
			if !idRe.MatchString(e.ID) {
				probs = append(probs, fmt.Sprintf("id %q: use letters, digits, '.', '_', ':' or '-' (at most 64)", e.ID))
			} else if prev, dup := ids[e.ID]; dup {
				probs = append(probs, fmt.Sprintf("id %q repeats row %d", e.ID, prev))
			} else {
				ids[e.ID] = row
			}
		}
		if e.Attachment != nil {
			if p := e.Attachment.normalize(); p != "" {
				probs = append(probs, p)
			}
		}
		if strings.ContainsAny(e.Link, " \t\n") {
			probs = append(probs, "link contains spaces")
		}
		for _, l := range sortedKeys(e.Translations) {
			t := e.Translations[l]
			t.Question, t.Answer = normText(t.Question), normText(t.Answer)
			t.AltQuestions = normList(t.AltQuestions, "|")
			e.Translations[l] = t
			switch {
			case !langRe.MatchString(l):
				probs = append(probs, fmt.Sprintf("translation language %q is not a two- or three-letter code", l))
			case l == e.Lang:
				probs = append(probs, fmt.Sprintf("translation %s is the entry's own language", l))
			case t.Question == "":
				probs = append(probs, fmt.Sprintf("question_%s is empty but answer_%s is not", l, l))
			case t.Answer == "":
				probs = append(probs, fmt.Sprintf("answer_%s is empty but question_%s is not", l, l))
			}
		}
		if len(probs) > 0 {
			errs = append(errs, RowError{Row: row, Error: strings.Join(probs, "; ")})
		}
	}
	return errs
}

// normText trims s and writes line breaks as "\n": CSV readers drop the
// "\r" of "\r\n" inside quoted fields, so text keeping it would change on
// its way through an export.
func normText(s string) string {
	for strings.Contains(s, "\r\n") {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	return strings.TrimSpace(s)
}

func normList(xs []string, seps string) []string {
	if len(xs) == 0 {
		return nil
	}
	var out []string
	for _, x := range xs {
		for _, p := range splitList(x, seps) {
			out = append(out, normText(p))
		}
	}
	return out
}

// AssignIDs gives every entry without an id one derived from its language
// and question, so re-importing the same file keeps ids (and the feedback
// recorded against them) stable. Repeated questions get a suffix.
func AssignIDs(entries []Entry) {
	used := map[string]bool{}
	for _, e := range entries {
		if e.ID != "" {
			used[e.ID] = true
		}
	}
	for i := range entries {
		if entries[i].ID != "" {
			continue
		}
		sum := sha1.Sum([]byte(entries[i].Lang + "\x00" + strings.ToLower(normSpace(entries[i].Question))))
		base := "q" + hex.EncodeToString(sum[:])[:8]
		id := base
		for n := 2; used[id]; n++ {
			id = fmt.Sprintf("%s-%d", base, n)
		}
		used[id] = true
		entries[i].ID = id
	}
}
