package whatsapp

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaskPhone hides most of a phone number (or wa_id / BSUID) for logs:
// "+966512345612" becomes "+9665******12". It keeps a leading '+', the first
// four and the last two characters; inputs too short for that keep only the
// last two. Separators (spaces, dashes, dots, brackets) are dropped so the
// mask does not reveal the number's formatting.
func MaskPhone(s string) string {
	var b strings.Builder
	rest := s
	if strings.HasPrefix(rest, "+") {
		b.WriteByte('+')
		rest = rest[1:]
	}
	var chars []rune
	for _, r := range rest {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			chars = append(chars, r)
		}
	}
	n := len(chars)
	keepHead, keepTail := 4, 2
	if n <= keepHead+keepTail {
		keepHead = 0
	}
	if n <= keepTail {
		keepTail = 0
	}
	for i, r := range chars {
		if i < keepHead || i >= n-keepTail {
			b.WriteRune(r)
		} else {
			b.WriteByte('*')
		}
	}
	return b.String()
}

// MaskText replaces message text with its length for logs above debug
// level: message content is personal data.
func MaskText(s string) string {
	return fmt.Sprintf("[%d chars]", utf8.RuneCountInString(s))
}
