// Package reqbody owns how the admin API reads JSON request bodies: one
// decoder for every route, strict about what it accepts. A field the
// request does not know is refused by name instead of being ignored, so
// that a typo ("audiense") cannot silently widen what a request does.
package reqbody

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Error is a request the route cannot take. Its text is the answer given
// to the client; Kind chooses the status.
type Error struct {
	Kind Kind
	Msg  string
}

// Kind is what is wrong with a request.
type Kind int

const (
	Invalid         Kind = iota // the request says something the route cannot take (400)
	UnsupportedType             // the body is in a format the route does not read (415)
	TooLarge                    // the body is over the route's limit (413)
)

func (e *Error) Error() string { return e.Msg }

// Invalidf returns an *Error saying what is wrong with the request.
func Invalidf(format string, a ...any) error {
	return &Error{Kind: Invalid, Msg: fmt.Sprintf(format, a...)}
}

// Unsupported returns an *Error for a body in a format the route does not
// read; msg names the formats it does.
func Unsupported(msg string) error { return &Error{Kind: UnsupportedType, Msg: msg} }

// CheckSize refuses a body of size bytes over limit (no limit when 0).
func CheckSize(size, limit int) error {
	if limit > 0 && size > limit {
		return &Error{Kind: TooLarge, Msg: fmt.Sprintf("body of %d bytes is over the %d-byte limit", size, limit)}
	}
	return nil
}

// Decode reads the request body as one JSON value into v. It returns an
// *Error that names the unknown field, the field of the wrong type, or
// where the JSON breaks; example, when given, shows the shape the route
// expects.
func Decode(c *fiber.Ctx, v any, example string) error {
	if err := Unmarshal(c.Body(), v); err != nil {
		msg := err.Error()
		if example != "" {
			msg += "; want JSON like " + example
		}
		return &Error{Kind: Invalid, Msg: msg}
	}
	return nil
}

// Unmarshal is Decode without HTTP: it decodes exactly one JSON value and
// refuses unknown fields.
func Unmarshal(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return errors.New("the body is empty: send JSON")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return explain(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("the body holds more than one JSON value")
	}
	return nil
}

// explain turns encoding/json's errors into a message that names the field.
func explain(err error) error {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return fmt.Errorf("the body is a JSON %s, want an object", typ.Value)
		}
		return fmt.Errorf("field %q: want %s, got a JSON %s", field, kindOf(typ.Type.Kind().String()), typ.Value)
	case errors.As(err, &syn):
		return fmt.Errorf("the body is not valid JSON at byte %d: %v", syn.Offset, syn)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("the body is not valid JSON: it ends too early")
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return fmt.Errorf("unknown field %s: not part of this request (check its spelling)", name)
	}
	return fmt.Errorf("the body does not fit this request: %v", err)
}

func kindOf(k string) string {
	switch k {
	case "slice", "array":
		return "a list"
	case "map", "struct":
		return "an object"
	case "bool":
		return "true or false"
	case "string":
		return "a string"
	case "ptr", "interface":
		return "a value"
	}
	return "a number"
}
