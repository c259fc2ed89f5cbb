package whatsapp

import "testing"

func TestMaskPhone(t *testing.T) {
	cases := []struct{ in, want string }{
		{"+966512345612", "+9665******12"},
		{"966512345612", "9665******12"},
		{"+52 55 1234 5678", "+5255******78"},
		{"447700900123", "4477******23"},
		{"1234567", "1234*67"},
		{"123456", "****56"},
		{"12345", "***45"},
		{"12", "**"},
		{"", ""},
		{"+", "+"},
		{"SA.1349876543210", "SA13*********10"},
	}
	for _, tc := range cases {
		if got := MaskPhone(tc.in); got != tc.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMaskText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"I need help urgent", "[18 chars]"},
		{"مرحبا", "[5 chars]"},
		{"", "[0 chars]"},
	}
	for _, tc := range cases {
		if got := MaskText(tc.in); got != tc.want {
			t.Errorf("MaskText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
