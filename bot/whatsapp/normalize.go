package whatsapp

import (
	"strings"
	"unicode"
)

// ellipsis marks a truncated title or label.
const ellipsis = "…"

// Normalize makes o valid for the API where that can be done without
// changing what the message means, and returns one or more messages to send
// in order:
//
//   - text over 4096 characters is split into several text messages at
//     paragraph, line, sentence or word boundaries (mid-word only for a word
//     longer than the limit, so URLs stay intact);
//   - a buttons/list body over 1024 characters keeps its last part and the
//     overflow goes into preceding text messages;
//   - titles and labels are truncated to their limits with "…";
//   - button and row ids are trimmed, duplicate buttons (same id or title)
//     and rows (same id) dropped, buttons capped at 3 and rows at 10 total.
//
// ReplyTo stays on the first message only (one quote per answer); CallbackData
// goes on every part so each status webhook still correlates. What cannot be
// fixed (empty recipient, empty body, missing template) is left for Validate.
func Normalize(o Outbound) []Outbound {
	o.To = strings.TrimSpace(o.To)
	switch o.Kind {
	case KindText:
		parts := splitText(o.Text, MaxTextLen)
		if len(parts) <= 1 {
			return []Outbound{o}
		}
		return textMessages(o, parts)
	case KindLocationRequest:
		o.Text = truncate(o.Text, MaxInteractiveBodyLen)
		return []Outbound{o}
	case KindButtons, KindList:
		o.Header = truncate(o.Header, MaxHeaderLen)
		o.Footer = truncate(o.Footer, MaxFooterLen)
		if o.Kind == KindButtons {
			o.Buttons = normalizeButtons(o.Buttons)
		} else {
			o.ListButton = truncate(o.ListButton, MaxListButtonLen)
			o.Sections = normalizeSections(o.Sections)
		}
		if runes(o.Text) <= MaxInteractiveBodyLen {
			return []Outbound{o}
		}
		head, tail := splitTail(o.Text, MaxInteractiveBodyLen)
		out := textMessages(o, splitText(head, MaxTextLen))
		o.Text = tail
		if len(out) > 0 {
			o.ReplyTo = ""
		}
		return append(out, o)
	}
	return []Outbound{o}
}

// textMessages turns parts into text messages carrying o's addressing.
func textMessages(o Outbound, parts []string) []Outbound {
	out := make([]Outbound, 0, len(parts))
	for i, p := range parts {
		m := Outbound{To: o.To, Recipient: o.Recipient, Kind: KindText, Text: p, CallbackData: o.CallbackData}
		if o.Kind == KindText {
			m.PreviewURL = o.PreviewURL
		}
		if i == 0 {
			m.ReplyTo = o.ReplyTo
		}
		out = append(out, m)
	}
	return out
}

func normalizeButtons(in []Button) []Button {
	var out []Button
	ids, titles := map[string]bool{}, map[string]bool{}
	for _, b := range in {
		b.ID = strings.TrimSpace(b.ID)
		b.Title = truncate(strings.TrimSpace(b.Title), MaxButtonTitleLen)
		if ids[b.ID] || titles[b.Title] {
			continue
		}
		ids[b.ID], titles[b.Title] = true, true
		out = append(out, b)
		if len(out) == MaxButtons {
			break
		}
	}
	return out
}

func normalizeSections(in []Section) []Section {
	var out []Section
	ids, total := map[string]bool{}, 0
	for _, s := range in {
		ns := Section{Title: truncate(strings.TrimSpace(s.Title), MaxSectionTitleLen)}
		for _, r := range s.Rows {
			if total == MaxRows {
				break
			}
			r.ID = strings.TrimSpace(r.ID)
			if ids[r.ID] {
				continue
			}
			ids[r.ID] = true
			r.Title = truncate(strings.TrimSpace(r.Title), MaxRowTitleLen)
			r.Description = truncate(strings.TrimSpace(r.Description), MaxRowDescriptionLen)
			ns.Rows = append(ns.Rows, r)
			total++
		}
		// A section left without rows is invalid on its own; drop it.
		if len(ns.Rows) > 0 {
			out = append(out, ns)
		}
	}
	return out
}

// truncate cuts s to at most max runes, ending in "…" when it cut.
func truncate(s string, max int) string {
	if runes(s) <= max {
		return s
	}
	r := []rune(s)[:max-1]
	return strings.TrimRightFunc(string(r), unicode.IsSpace) + ellipsis
}

// Break categories, best first. A cut at i means part r[:i] and the rest
// r[i:] (both trimmed of the whitespace at the cut).
const (
	breakParagraph = iota
	breakLine
	breakSentence
	breakWord
)

func isBreak(r []rune, i, kind int) bool {
	if i <= 0 || i >= len(r) || !unicode.IsSpace(r[i]) {
		return false
	}
	switch kind {
	case breakParagraph:
		return r[i] == '\n' && i+1 < len(r) && r[i+1] == '\n'
	case breakLine:
		return r[i] == '\n'
	case breakSentence:
		return strings.ContainsRune(".!?…؟۔", r[i-1])
	}
	return true
}

// findCut returns the best break in [lo, hi], preferring the one nearest
// hi (nearLo=false) or nearest lo (nearLo=true), or -1.
func findCut(r []rune, lo, hi, kind int, nearLo bool) int {
	if lo < 1 {
		lo = 1
	}
	if nearLo {
		for i := lo; i <= hi; i++ {
			if isBreak(r, i, kind) {
				return i
			}
		}
		return -1
	}
	for i := hi; i >= lo; i-- {
		if isBreak(r, i, kind) {
			return i
		}
	}
	return -1
}

// splitText splits s into parts of at most limit runes. Structural breaks
// (paragraph, line, sentence) are used when they keep a part at least half
// full, so one early blank line does not produce a tiny message; otherwise
// the last word break; a hard cut only inside a word longer than limit.
func splitText(s string, limit int) []string {
	r := []rune(s)
	if len(r) <= limit {
		if strings.TrimSpace(s) == "" {
			return nil
		}
		return []string{s}
	}
	var parts []string
	for len(r) > limit {
		cut := -1
		for kind := breakParagraph; kind <= breakWord && cut < 0; kind++ {
			lo := limit / 2
			if kind == breakWord {
				lo = 1
			}
			cut = findCut(r, lo, limit, kind, false)
		}
		if cut < 0 {
			cut = limit
		}
		if p := trimRight(r[:cut]); len(p) > 0 {
			parts = append(parts, string(p))
		}
		r = trimLeft(r[cut:])
	}
	if len(r) > 0 {
		parts = append(parts, string(r))
	}
	return parts
}

// splitTail keeps the longest well-cut tail of at most limit runes (the
// interactive body, next to its buttons) and returns the rest as head.
func splitTail(s string, limit int) (head, tail string) {
	r := []rune(s)
	if len(r) <= limit {
		return "", s
	}
	lo := len(r) - limit
	cut := -1
	for kind := breakParagraph; kind <= breakWord && cut < 0; kind++ {
		hi := len(r) - limit/2
		if kind == breakWord {
			hi = len(r) - 1
		}
		cut = findCut(r, lo, hi, kind, true)
	}
	if cut < 0 {
		cut = lo
	}
	return string(trimRight(r[:cut])), string(trimLeft(r[cut:]))
}

func trimRight(r []rune) []rune {
	for len(r) > 0 && unicode.IsSpace(r[len(r)-1]) {
		r = r[:len(r)-1]
	}
	return r
}

func trimLeft(r []rune) []rune {
	for len(r) > 0 && unicode.IsSpace(r[0]) {
		r = r[1:]
	}
	return r
}
