package csvtext

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
)

// EncodingError says that an upload is not text in the encoding it
// claims (UTF-8 when it claims none); Line is the first line with a byte
// that does not fit, counted from 1 as a text editor does.
type EncodingError struct {
	Line    int
	Charset string // the encoding the file was read as
	Byte    byte   // the first byte that does not fit, 0 when unknown
}

func (e *EncodingError) Error() string {
	if e.Charset == "utf-8" {
		return fmt.Sprintf("line %d is not UTF-8 (byte 0x%02X): save the file as UTF-8 (\"CSV UTF-8\" in Excel), or send its encoding as Content-Type: text/csv; charset=windows-1252", e.Line, e.Byte)
	}
	return fmt.Sprintf("line %d cannot be read as %s", e.Line, e.Charset)
}

// CharsetError says that an upload names an encoding (the charset of its
// Content-Type) this server cannot read.
type CharsetError struct{ Charset string }

func (e *CharsetError) Error() string {
	return fmt.Sprintf("charset %q in Content-Type is not an encoding this server knows: use utf-8 or windows-1252", e.Charset)
}

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// ToUTF8 returns data as UTF-8 without a byte order mark. contentType is
// the upload's Content-Type; its charset parameter, when given, says how
// to read the bytes (windows-1252, iso-8859-1, utf-16 and the other names
// browsers know). A UTF-16 byte order mark says it too: that is what
// Excel's "Unicode text" writes. Anything else must be valid UTF-8; a file
// that is not is refused with an *EncodingError naming the line, because
// guessing would store wrong names.
func ToUTF8(data []byte, contentType string) ([]byte, error) {
	charset := ""
	if contentType != "" {
		if _, params, err := mime.ParseMediaType(contentType); err == nil {
			charset = strings.ToLower(strings.TrimSpace(params["charset"]))
		}
	}
	var enc encoding.Encoding
	switch {
	case bytes.HasPrefix(data, bomUTF8):
		data, charset = data[len(bomUTF8):], "utf-8"
	case bytes.HasPrefix(data, bomUTF16LE), bytes.HasPrefix(data, bomUTF16BE):
		enc, charset = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), "utf-16"
	case charset == "" || charset == "utf-8" || charset == "utf8" || charset == "us-ascii":
		charset = "utf-8"
	default:
		e, err := htmlindex.Get(charset)
		if err != nil {
			return nil, &CharsetError{Charset: charset}
		}
		enc = e
	}
	if enc == nil {
		return data, checkUTF8(data)
	}
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return nil, &EncodingError{Line: 1, Charset: charset}
	}
	out = bytes.TrimPrefix(out, bomUTF8)
	if i := bytes.IndexRune(out, utf8.RuneError); i >= 0 && !bytes.Contains(data, []byte("\xef\xbf\xbd")) {
		return nil, &EncodingError{Line: 1 + bytes.Count(out[:i], []byte{'\n'}), Charset: charset}
	}
	return out, nil
}

// checkUTF8 names the first line holding a byte that is not UTF-8.
func checkUTF8(data []byte) error {
	if utf8.Valid(data) {
		return nil
	}
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return &EncodingError{Line: 1 + bytes.Count(data[:i], []byte{'\n'}), Charset: "utf-8", Byte: data[i]}
		}
		i += size
	}
	return errors.New("invalid UTF-8")
}
