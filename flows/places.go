package flows

import (
	"fmt"
	"strconv"
	"strings"

	"lifeline/bot/whatsapp"
	"lifeline/understand"
)

// PlaceHit is a place the bot may send a person to.
type PlaceHit struct {
	Name       string // in the person's language when the place has it
	Address    string
	Lat, Lon   float64
	DistanceKm float64 // from the person; 0 in a list
}

// PlaceFinder finds the places a person may be sent to: open, and of an
// incident still open. places.Service is the implementation.
type PlaceFinder interface {
	// Knows reports whether any place of kind is kept at all: when none
	// is, "where is the nearest shelter" is a question for the FAQ.
	Knows(kind string) bool
	// Nearest returns up to n places of kind within RadiusKm of lat/lon,
	// nearest first.
	Nearest(kind string, lat, lon float64, lang string, n int) ([]PlaceHit, error)
	// Open returns up to n places of kind, by name.
	Open(kind, lang string, n int) ([]PlaceHit, error)
	// InDistrict returns the district of kind's places that words name
	// ("" when none: accents, case, Arabic letter variants and a small
	// typo do not count) and up to n of its open places, by name.
	InDistrict(kind, words, lang string, n int) (string, []PlaceHit, error)
	// Districts returns up to n districts with open places of kind, most
	// places first, and how many there are in all.
	Districts(kind, lang string, n int) ([]PlaceDistrict, int, error)
	RadiusKm() float64
}

// PlaceDistrict is a district with open places, as the person reads it.
type PlaceDistrict struct {
	Name string
	Open int // open places of the kind asked for
}

// IDDistrict starts the id of a row of the district list:
// "place-district:<kind>:<district>", so that a tap on an old list
// still answers with the kind it was for.
const IDDistrict = "place-district:"

// IDDistrictMore is the id of the last row of a district list with more
// districts than fit in one (WhatsApp lists take ten rows):
// "place-more:<kind>:<offset>", the offset of the next page's first.
const IDDistrictMore = "place-more:"

const (
	placesNearest = 3  // location messages after a shared location
	placesListed  = 10 // places listed when the person writes instead
)

// places runs the place conversation: a request for a kind of place asks
// for the person's location; the location, or words instead of it,
// answer with the places. It reports whether it handled the message.
// Danger never reaches it (run answers danger first), and a location
// shared by someone waiting for a person still goes to their handoff.
func (c *turn) places(words string, acts bool) (bool, error) {
	f := c.flow.Places
	if f == nil {
		return false, nil
	}
	if rest, ok := strings.CutPrefix(c.in.ReplyID, IDDistrictMore); ok {
		kind, off, _ := strings.Cut(rest, ":")
		offset, err := strconv.Atoi(off)
		if err != nil || offset < 0 || !f.Knows(kind) {
			return false, nil // not a list this bot sent: answered as a reply it does not know
		}
		c.s.PlaceKind, c.s.PlaceListed = "", false
		shown, err := c.districtList(kind, offset)
		if err != nil || shown {
			if err == nil {
				err = fire(c.m, EvPlace) // a tap on an old list waits for a district again
			}
			return true, err
		}
		return true, c.listPlaces(kind)
	}
	if rest, ok := strings.CutPrefix(c.in.ReplyID, IDDistrict); ok {
		kind, district, _ := strings.Cut(rest, ":")
		c.s.PlaceKind, c.s.PlaceListed = "", false
		return true, c.byWords(kind, district, true)
	}
	if c.in.ReplyID != "" && ownReply(c.in.ReplyID) {
		return false, nil
	}
	if words != "" {
		if kind, ok := understand.AskPlace(words); ok && f.Knows(string(kind)) {
			c.s.PlaceKind, c.s.PlaceListed = string(kind), false
			c.replies = append(c.replies, whatsapp.Outbound{Kind: whatsapp.KindLocationRequest,
				Text: fmt.Sprintf(c.t.PlaceAskLocation, c.kindName(string(kind)))})
			return true, fire(c.m, EvPlace)
		}
	}
	if c.m.Current() != StatePlace || c.s.PlaceKind == "" {
		c.s.PlaceKind, c.s.PlaceListed = "", false // the conversation went elsewhere (danger, a reply)
		return false, nil
	}
	kind := c.s.PlaceKind
	switch {
	case c.in.Type == "location" && c.in.Location != nil:
		loc := c.in.Location
		if c.s.AwaitingAgent {
			c.effects = append(c.effects, Effect{Kind: EffectLocation, Location: loc})
		}
		c.s.PlaceKind, c.s.PlaceListed = "", false
		return true, c.nearest(kind, loc)
	case strings.TrimSpace(words) == "":
		return false, nil
	case acts && (c.r.Class == understand.Human || c.r.Class == understand.NeedHelp || c.r.Class == understand.OptIn ||
		c.r.Class == understand.Greeting || c.r.Class == understand.Thanks):
		// The person moved on: the usual answer, and no list.
		c.s.PlaceKind, c.s.PlaceListed = "", false
		return false, nil
	}
	// Words instead of a location: "I'm in Al Khobar", "حي الشاطئ",
	// "I can't share my location".
	listed := c.s.PlaceListed
	c.s.PlaceKind, c.s.PlaceListed = "", false
	return true, c.byWords(kind, words, listed)
}

// byWords answers words instead of a location: the open places of the
// district they name, as location messages. Words that name no district
// get the list of districts to choose from, once (the conversation still
// waits for a location or a district); after that, or when no place has
// a district, the open places by name.
func (c *turn) byWords(kind, words string, listed bool) error {
	f := c.flow.Places
	district, hits, err := f.InDistrict(kind, words, c.s.Lang, placesNearest)
	if err != nil {
		return fmt.Errorf("%s places in a district: %w", kind, err)
	}
	name := c.kindName(kind)
	if district != "" {
		if len(hits) == 0 {
			c.offerPerson(fmt.Sprintf(c.t.PlaceNoneInDistrict, name, district))
			return fire(c.m, EvDone)
		}
		c.say(fmt.Sprintf(c.t.PlaceInDistrict, name, district))
		for _, h := range hits {
			c.replies = append(c.replies, whatsapp.Outbound{Kind: whatsapp.KindLocation,
				Location: &whatsapp.Location{Latitude: h.Lat, Longitude: h.Lon, Name: h.Name, Address: h.Address}})
		}
		return fire(c.m, EvDone)
	}
	if !listed {
		if shown, err := c.districtList(kind, 0); err != nil || shown {
			return err // still in StatePlace: a location, a district or a tap answers
		}
	}
	return c.listPlaces(kind)
}

// districtList sends the list of districts with open places of kind,
// from the offset-th: a page of ten rows, or nine and a last row that
// asks for the next page when more are left. It reports whether it sent
// one (false when no place of kind has a district, or the offset is past
// the last: the list changed since it was sent).
func (c *turn) districtList(kind string, offset int) (bool, error) {
	f := c.flow.Places
	ds, total, err := f.Districts(kind, c.s.Lang, offset+whatsapp.MaxRows)
	if err != nil {
		return false, fmt.Errorf("districts of %s places: %w", kind, err)
	}
	if offset >= len(ds) {
		if offset == 0 {
			return false, nil
		}
		return c.districtList(kind, 0) // fewer districts than when the list was sent: from the start
	}
	page, more := ds[offset:], total-offset > whatsapp.MaxRows
	if more {
		page = page[:whatsapp.MaxRows-1]
	}
	rows := make([]whatsapp.Row, 0, whatsapp.MaxRows)
	for _, d := range page {
		rows = append(rows, whatsapp.Row{ID: districtRowID(kind, d.Name), Title: Truncate(d.Name, whatsapp.MaxRowTitleLen-1),
			Description: fmt.Sprintf(c.t.PlaceOpenCount, d.Open)})
	}
	if more {
		next := offset + len(page)
		rows = append(rows, whatsapp.Row{ID: IDDistrictMore + kind + ":" + strconv.Itoa(next), Title: c.t.RowMoreDistricts,
			Description: fmt.Sprintf(c.t.PlaceMoreCount, total-next)})
	}
	c.replies = append(c.replies, whatsapp.Outbound{Kind: whatsapp.KindList,
		Text: Truncate(fmt.Sprintf(c.t.PlaceChooseDistrict, c.kindName(kind)), whatsapp.MaxInteractiveBodyLen-1), ListButton: c.t.BtnDistricts,
		Sections: []whatsapp.Section{{Rows: rows}}})
	c.s.PlaceKind, c.s.PlaceListed = kind, true
	return true, nil
}

// districtRowID is the id of district's row, cut at a character so that
// it fits WhatsApp's limit; the district is matched again when tapped,
// so a cut name still finds it.
func districtRowID(kind, district string) string {
	id := IDDistrict + kind + ":" + district
	for len(id) > whatsapp.MaxRowIDLen {
		r := []rune(id)
		id = string(r[:len(r)-1])
	}
	return id
}

func (c *turn) kindName(kind string) string {
	switch kind {
	case string(understand.PlaceShelter):
		return c.t.PlaceShelter
	case string(understand.PlaceClinic):
		return c.t.PlaceClinic
	case string(understand.PlaceWater):
		return c.t.PlaceWater
	case string(understand.PlaceFood):
		return c.t.PlaceFood
	case string(understand.PlaceCharging):
		return c.t.PlaceCharging
	case string(understand.PlaceOffice):
		return c.t.PlaceOffice
	}
	return kind
}

// nearest sends the nearest open places as location messages, each after
// a line with its distance, or says none is near and offers a person.
func (c *turn) nearest(kind string, loc *whatsapp.Location) error {
	hits, err := c.flow.Places.Nearest(kind, loc.Latitude, loc.Longitude, c.s.Lang, placesNearest)
	if err != nil {
		return fmt.Errorf("nearest %s: %w", kind, err)
	}
	name := c.kindName(kind)
	if len(hits) == 0 {
		c.offerPerson(fmt.Sprintf(c.t.PlaceNoneNear, name, km(c.flow.Places.RadiusKm())))
		return fire(c.m, EvDone)
	}
	c.say(fmt.Sprintf(c.t.PlaceNearest, name))
	for _, h := range hits {
		c.say(fmt.Sprintf(c.t.PlaceDistance, h.Name, km(h.DistanceKm)))
		c.replies = append(c.replies, whatsapp.Outbound{Kind: whatsapp.KindLocation,
			Location: &whatsapp.Location{Latitude: h.Lat, Longitude: h.Lon, Name: h.Name, Address: h.Address}})
	}
	return fire(c.m, EvDone)
}

// listPlaces answers words instead of a location with the open places
// of the kind, by name, with their addresses.
func (c *turn) listPlaces(kind string) error {
	hits, err := c.flow.Places.Open(kind, c.s.Lang, placesListed)
	if err != nil {
		return fmt.Errorf("open %s places: %w", kind, err)
	}
	name := c.kindName(kind)
	if len(hits) == 0 {
		c.offerPerson(fmt.Sprintf(c.t.PlaceNoneOpen, name))
		return fire(c.m, EvDone)
	}
	var b strings.Builder
	b.WriteString(fmt.Sprintf(c.t.PlaceList, name))
	for _, h := range hits {
		b.WriteString("\n• " + h.Name)
		if h.Address != "" {
			b.WriteString(", " + h.Address)
		}
	}
	c.say(Truncate(b.String(), whatsapp.MaxTextLen-1))
	return fire(c.m, EvDone)
}

func (c *turn) offerPerson(text string) {
	c.replies = append(c.replies, whatsapp.Outbound{
		Kind: whatsapp.KindButtons, Text: text,
		Buttons: []whatsapp.Button{{ID: IDHuman, Title: c.t.BtnHuman}, {ID: IDAsk, Title: c.t.BtnAsk}},
	})
}

// km is a distance as people read it: one decimal.
func km(d float64) string { return fmt.Sprintf("%.1f", d) }
