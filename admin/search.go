package admin

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"lifeline/admin/reqbody"
	"lifeline/bot/handoffs"
	"lifeline/store"
)

// Conversation search: the console's search box finds a person by number,
// name or the words of their conversation. It reads at most
// searchPeople people and the last searchMessages messages of each, so a
// search costs the same on a bad day as on a quiet one; the answer says
// when it stopped early.
const (
	searchPeople   = 5000
	searchMessages = 200
	searchMax      = 50
	snippetRunes   = 120
)

// SearchHit is one person a search found.
type SearchHit struct {
	User    string    `json:"user"`
	Name    string    `json:"name,omitempty"`
	Lang    string    `json:"lang,omitempty"`
	Handoff string    `json:"handoff,omitempty"` // the status of their handoff: waiting, active, closed; "" for none
	Agent   string    `json:"agent,omitempty"`
	Match   string    `json:"match"` // number, name or message
	Snippet string    `json:"snippet,omitempty"`
	At      time.Time `json:"at,omitzero"` // when the matching message was sent
}

func (s *Server) registerSearch(adm fiber.Router) {
	adm.Get("/search", s.require(RoleAdmin, RoleAgent), s.search)
}

// search answers ?q=words&limit=20. Agents search only the conversations
// they may read (waiting ones and their own); admins every contact.
func (s *Server) search(c *fiber.Ctx) error {
	q := strings.ToLower(strings.Join(strings.Fields(c.Query("q")), " "))
	if utf8.RuneCountInString(q) < 2 {
		return reqbody.Invalidf(`"q" needs at least 2 characters: a number, a name or words`)
	}
	if utf8.RuneCountInString(q) > 200 {
		return reqbody.Invalidf(`"q" is longer than 200 characters`)
	}
	limit := searchMax
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > searchMax {
			return reqbody.Invalidf(`"limit" must be a number from 1 to %d`, searchMax)
		}
		limit = n
	}
	p := principal(c)
	hits, complete, err := s.findConversations(c.UserContext(), p, q, limit)
	if err != nil {
		return fmt.Errorf("search conversations: %w", err)
	}
	// What was searched for may be a number or a name: only its size is kept.
	s.record(c, "conversation.search", "", fmt.Sprintf("query_chars=%d hits=%d", utf8.RuneCountInString(q), len(hits)))
	return c.JSON(fiber.Map{"results": hits, "complete": complete})
}

// person is who a search looks at: a contact, their handoff, or both.
type person struct {
	user, name, lang string
	h                *handoffs.Handoff
}

func (s *Server) findConversations(ctx context.Context, p Principal, q string, limit int) (hits []SearchHit, complete bool, err error) {
	hits, complete = []SearchHit{}, true
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, q)
	numberLike := len(digits) >= 3 && strings.Trim(q, "+0123456789 -()") == ""
	words := strings.Fields(q)
	err = s.db.Read(ctx, func(r store.Reader) error {
		var people []*person
		byUser := map[string]*person{}
		err := store.EachHandoff(ctx, r, func(h handoffs.Handoff) error {
			if p.Role != RoleAdmin && !mayRead(p, h) {
				return nil
			}
			hc := h
			pe := &person{user: h.User, name: h.Name, lang: h.Lang, h: &hc}
			byUser[h.User] = pe
			people = append(people, pe)
			return nil
		})
		if err != nil {
			return err
		}
		if p.Role == RoleAdmin {
			err = store.EachContact(ctx, r, "", func(ct *store.Contact) error {
				if pe, ok := byUser[ct.WaID]; ok {
					if pe.name == "" {
						pe.name = ct.Name
					}
					return nil
				}
				if len(people) >= searchPeople {
					complete = false
					return store.ErrStop
				}
				people = append(people, &person{user: ct.WaID, name: ct.Name, lang: ct.Language})
				return nil
			})
			if err != nil {
				return err
			}
		}
		for _, pe := range people {
			if len(hits) >= limit {
				complete = false // people left unread
				break
			}
			hit := SearchHit{User: pe.user, Name: pe.name, Lang: pe.lang}
			if pe.h != nil {
				hit.Handoff, hit.Agent = pe.h.Status, pe.h.Agent
			}
			switch {
			case numberLike && strings.Contains(pe.user, digits):
				hit.Match = "number"
			case pe.name != "" && containsAll(strings.ToLower(pe.name), words):
				hit.Match = "name"
			default:
				entries, err := store.LastTranscript(ctx, r, pe.user, searchMessages)
				if err != nil {
					return err
				}
				for j := len(entries) - 1; j >= 0; j-- { // the newest match
					e := entries[j]
					if e.Redacted || e.Text == "" || !containsAll(strings.ToLower(e.Text), words) {
						continue
					}
					hit.Match, hit.Snippet, hit.At = "message", snippet(e.Text, words[0]), e.At
					break
				}
			}
			if hit.Match != "" {
				hits = append(hits, hit)
			}
		}
		return nil
	})
	return hits, complete, err
}

func containsAll(text string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

// snippet is the part of text around the first place word appears.
func snippet(text, word string) string {
	rs := []rune(text)
	if len(rs) <= snippetRunes {
		return text
	}
	at := utf8.RuneCountInString(text[:max(0, strings.Index(strings.ToLower(text), word))])
	if strings.ToLower(text) != text && len(strings.ToLower(text)) != len(text) {
		at = 0 // lowercasing changed byte offsets: show the start
	}
	start := max(0, at-snippetRunes/3)
	end := min(len(rs), start+snippetRunes)
	out := string(rs[start:end])
	if start > 0 {
		out = "…" + out
	}
	if end < len(rs) {
		out += "…"
	}
	return out
}
