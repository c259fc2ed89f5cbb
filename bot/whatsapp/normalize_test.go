package whatsapp

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// arabicText builds about n runes of Arabic prose in paragraphs, with URLs,
// the way an FAQ answer looks.
func arabicText(n int) string {
	sentences := []string{
		"إذا كنت في خطر فاتصل بالرقم 997 فورا.",
		"الملاجئ مفتوحة في المدارس الحكومية طوال الليل.",
		"قائمة الملاجئ: https://example.org/shelters?city=riyadh&lang=ar",
		"احمل معك الماء والأدوية ووثائقك الشخصية؟",
		"لا تقترب من الأودية أثناء السيول!",
	}
	var b strings.Builder
	for i := 0; utf8.RuneCountInString(b.String()) < n; i++ {
		b.WriteString(sentences[i%len(sentences)])
		if i%7 == 6 {
			b.WriteString("\n\n")
		} else {
			b.WriteString(" ")
		}
	}
	return strings.TrimSpace(b.String())
}

func texts(out []Outbound) []string {
	var s []string
	for _, o := range out {
		s = append(s, o.Text)
	}
	return s
}

func assertAllValid(t *testing.T, out []Outbound) {
	t.Helper()
	for i, o := range out {
		if err := o.Validate(); err != nil {
			t.Errorf("part %d invalid: %v", i, err)
		}
	}
}

func TestNormalizeSplitsLongArabicText(t *testing.T) {
	orig := arabicText(5000)
	if n := utf8.RuneCountInString(orig); n < 5000 {
		t.Fatalf("fixture text has %d runes", n)
	}
	out := Normalize(Outbound{To: "966512345678", Kind: KindText, Text: orig, ReplyTo: "wamid.Q", CallbackData: "conv:1", PreviewURL: true})
	if len(out) != 2 {
		t.Fatalf("got %d parts, want 2", len(out))
	}
	assertAllValid(t, out)
	for i, o := range out {
		if n := utf8.RuneCountInString(o.Text); n > MaxTextLen || n < MaxTextLen/2 && i < len(out)-1 {
			t.Errorf("part %d has %d runes", i, n)
		}
		if o.Kind != KindText || o.To != "966512345678" || o.CallbackData != "conv:1" || !o.PreviewURL {
			t.Errorf("part %d lost addressing: %+v", i, o)
		}
		if strings.TrimSpace(o.Text) != o.Text {
			t.Errorf("part %d not trimmed at the cut", i)
		}
	}
	if out[0].ReplyTo != "wamid.Q" || out[1].ReplyTo != "" {
		t.Errorf("ReplyTo = %q, %q; want only on the first part", out[0].ReplyTo, out[1].ReplyTo)
	}
	// Rejoined, the parts are the original words: nothing lost, no word or URL cut.
	if got, want := strings.Fields(strings.Join(texts(out), " ")), strings.Fields(orig); !reflect.DeepEqual(got, want) {
		t.Errorf("rejoined words differ from the original")
	}
	// The first part ends at a paragraph break, the best boundary.
	if !strings.HasPrefix(orig[len(out[0].Text):], "\n\n") {
		t.Errorf("first cut is not at a paragraph break: ...%q", out[0].Text[len(out[0].Text)-20:])
	}
}

func TestSplitText(t *testing.T) {
	cases := []struct {
		name  string
		in    string
		limit int
		want  []string
	}{
		{"fits", "hello world", 20, []string{"hello world"}},
		{"blank", "   ", 20, nil},
		{"word boundary", "alpha beta gamma delta", 12, []string{"alpha beta", "gamma delta"}},
		{"prefers sentence", "One two three. Four five six", 20, []string{"One two three.", "Four five six"}},
		{"ignores early sentence", "One two. Three four five", 20, []string{"One two. Three four", "five"}},
		{"prefers paragraph", "aaaa bbbb\n\ncc dd ee ff", 16, []string{"aaaa bbbb", "cc dd ee ff"}},
		{"ignores early paragraph", "aa\n\nbbbb cccc dddd eeee", 16, []string{"aa\n\nbbbb cccc", "dddd eeee"}},
		{"line break", "first line here\nsecond line", 20, []string{"first line here", "second line"}},
		{"keeps url whole", "see https://example.org/a/b/c now", 26, []string{"see", "https://example.org/a/b/c", "now"}},
		{"arabic question mark", "هل أنت بخير؟ نحن هنا للمساعدة", 16, []string{"هل أنت بخير؟", "نحن هنا للمساعدة"}},
		{"word longer than limit", "abcdefghij klm", 4, []string{"abcd", "efgh", "ij", "klm"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := splitText(tc.in, tc.limit)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("splitText = %q, want %q", got, tc.want)
			}
			for _, p := range got {
				if utf8.RuneCountInString(p) > tc.limit {
					t.Errorf("part %q over limit", p)
				}
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	rows := func(prefix string, n int) []Row {
		var r []Row
		for i := 0; i < n; i++ {
			r = append(r, Row{ID: prefix + string(rune('a'+i)), Title: "Row " + prefix + string(rune('a'+i))})
		}
		return r
	}
	cases := []struct {
		name string
		in   Outbound
		want []Outbound
	}{
		{"short text unchanged", Outbound{To: " 966512345678 ", Kind: KindText, Text: "  hi  "},
			[]Outbound{{To: "966512345678", Kind: KindText, Text: "  hi  "}}},
		{"25-char button title truncated", Outbound{To: "1", Kind: KindButtons, Text: "Are you safe?",
			Buttons: []Button{{ID: " safe_yes ", Title: "Yes, I am safe right now!"}}},
			[]Outbound{{To: "1", Kind: KindButtons, Text: "Are you safe?", Buttons: []Button{{ID: "safe_yes", Title: "Yes, I am safe righ…"}}}}},
		{"4 buttons become 3", Outbound{To: "1", Kind: KindButtons, Text: "Pick",
			Buttons: []Button{{"a", "A"}, {"b", "B"}, {"c", "C"}, {"d", "D"}}},
			[]Outbound{{To: "1", Kind: KindButtons, Text: "Pick", Buttons: []Button{{"a", "A"}, {"b", "B"}, {"c", "C"}}}}},
		{"duplicate button ids and titles dropped before the cap", Outbound{To: "1", Kind: KindButtons, Text: "Pick",
			Buttons: []Button{{"a", "A"}, {"a ", "Again"}, {"b", "A"}, {"c", "C"}, {"d", "D"}}},
			[]Outbound{{To: "1", Kind: KindButtons, Text: "Pick", Buttons: []Button{{"a", "A"}, {"c", "C"}, {"d", "D"}}}}},
		{"arabic title cut on rune boundary", Outbound{To: "1", Kind: KindButtons, Text: "؟",
			Buttons: []Button{{"h", "أحتاج إلى مساعدة طبية عاجلة"}}},
			[]Outbound{{To: "1", Kind: KindButtons, Text: "؟", Buttons: []Button{{"h", "أحتاج إلى مساعدة طب…"}}}}},
		{"header and footer truncated", Outbound{To: "1", Kind: KindButtons, Text: "b", Buttons: []Button{{"a", "A"}},
			Header: strings.Repeat("h", 70), Footer: strings.Repeat("f", 61)},
			[]Outbound{{To: "1", Kind: KindButtons, Text: "b", Buttons: []Button{{"a", "A"}},
				Header: strings.Repeat("h", 59) + "…", Footer: strings.Repeat("f", 59) + "…"}}},
		{"12 rows become 10, emptied section dropped", Outbound{To: "1", Kind: KindList, Text: "Pick", ListButton: "Open the list of topics",
			Sections: []Section{{Title: "First", Rows: rows("x", 6)}, {Title: "Second", Rows: rows("y", 4)}, {Title: "Third", Rows: rows("z", 2)}}},
			[]Outbound{{To: "1", Kind: KindList, Text: "Pick", ListButton: "Open the list of to…",
				Sections: []Section{{Title: "First", Rows: rows("x", 6)}, {Title: "Second", Rows: rows("y", 4)}}}}},
		{"row fields truncated and duplicate row ids dropped", Outbound{To: "1", Kind: KindList, Text: "Pick", ListButton: "Open",
			Sections: []Section{{Title: "A section title that is too long", Rows: []Row{
				{ID: " r1", Title: "A row title that is far too long", Description: strings.Repeat("d", 80)},
				{ID: "r1", Title: "dup"}}}}},
			[]Outbound{{To: "1", Kind: KindList, Text: "Pick", ListButton: "Open",
				Sections: []Section{{Title: "A section title that is…", Rows: []Row{
					{ID: "r1", Title: "A row title that is far…", Description: strings.Repeat("d", 71) + "…"}}}}}}},
		{"long interactive body overflows into a preceding text", Outbound{To: "1", Kind: KindButtons, ReplyTo: "wamid.Q", CallbackData: "c",
			Text: strings.Repeat("word ", 150) + "\n\n" + strings.Repeat("safe ", 150) + "Are you safe?", Buttons: []Button{{"y", "Yes"}}},
			[]Outbound{
				{To: "1", Kind: KindText, Text: strings.TrimSpace(strings.Repeat("word ", 150)), ReplyTo: "wamid.Q", CallbackData: "c"},
				{To: "1", Kind: KindButtons, Text: strings.Repeat("safe ", 150) + "Are you safe?", Buttons: []Button{{"y", "Yes"}}, CallbackData: "c"},
			}},
		{"other kinds pass through", Outbound{To: "1", Kind: KindReaction, ReactTo: "wamid.X", Emoji: "👍"},
			[]Outbound{{To: "1", Kind: KindReaction, ReactTo: "wamid.X", Emoji: "👍"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Normalize(tc.in)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Normalize mismatch\n got: %#v\nwant: %#v", got, tc.want)
			}
			assertAllValid(t, got)
		})
	}
}

func TestNormalizeHugeListBody(t *testing.T) {
	body := arabicText(9000)
	out := Normalize(Outbound{To: "1", Kind: KindList, Text: body, ListButton: "Open", Sections: []Section{{Rows: []Row{{ID: "a", Title: "A"}}}}})
	if len(out) < 3 {
		t.Fatalf("got %d messages, want text parts then the list", len(out))
	}
	assertAllValid(t, out)
	last := out[len(out)-1]
	if last.Kind != KindList || utf8.RuneCountInString(last.Text) > MaxInteractiveBodyLen || utf8.RuneCountInString(last.Text) < MaxInteractiveBodyLen/2 {
		t.Errorf("last message: kind %s, body %d runes", last.Kind, utf8.RuneCountInString(last.Text))
	}
	if got, want := strings.Fields(strings.Join(texts(out), " ")), strings.Fields(body); !reflect.DeepEqual(got, want) {
		t.Errorf("rejoined words differ from the original")
	}
}
