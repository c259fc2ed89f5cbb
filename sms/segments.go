package sms

import "unicode/utf16"

// Encodings of an SMS text.
const (
	GSM7 = "GSM-7"
	UCS2 = "UCS-2"
)

// gsm7Basic is the GSM 03.38 basic character set; gsm7Ext the extension
// table, whose characters take two septets (an escape and the character).
const (
	gsm7Basic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	gsm7Ext   = "\f^{}\\[~]|€"
)

var gsm7Set, gsm7ExtSet = runeSet(gsm7Basic), runeSet(gsm7Ext)

func runeSet(s string) map[rune]bool {
	m := map[rune]bool{}
	for _, r := range s {
		m[r] = true
	}
	return m
}

// Segments says how a text is encoded and how many SMS segments it takes:
// GSM-7 carries 160 septets in one segment and 153 per segment of a longer
// text; any other character makes the whole text UCS-2, 70 UTF-16 units in
// one segment and 67 per segment otherwise. An empty text is one segment.
func Segments(text string) (encoding string, segments int) {
	septets, gsm := 0, true
	for _, r := range text {
		switch {
		case gsm7Set[r]:
			septets++
		case gsm7ExtSet[r]:
			septets += 2
		default:
			gsm = false
		}
		if !gsm {
			break
		}
	}
	if gsm {
		return GSM7, count(septets, 160, 153)
	}
	return UCS2, count(len(utf16.Encode([]rune(text))), 70, 67)
}

func count(units, single, multi int) int {
	if units <= single {
		return 1
	}
	return (units + multi - 1) / multi
}
