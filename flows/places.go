package flows

import (
	"fmt"
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
	RadiusKm() float64
}

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
	if f == nil || (c.in.ReplyID != "" && ownReply(c.in.ReplyID)) {
		return false, nil
	}
	if words != "" {
		if kind, ok := understand.AskPlace(words); ok && f.Knows(string(kind)) {
			c.s.PlaceKind = string(kind)
			c.replies = append(c.replies, whatsapp.Outbound{Kind: whatsapp.KindLocationRequest,
				Text: fmt.Sprintf(c.t.PlaceAskLocation, c.kindName(string(kind)))})
			return true, fire(c.m, EvPlace)
		}
	}
	if c.m.Current() != StatePlace || c.s.PlaceKind == "" {
		c.s.PlaceKind = "" // the conversation went elsewhere (danger, a reply)
		return false, nil
	}
	kind := c.s.PlaceKind
	switch {
	case c.in.Type == "location" && c.in.Location != nil:
		loc := c.in.Location
		if c.s.AwaitingAgent {
			c.effects = append(c.effects, Effect{Kind: EffectLocation, Location: loc})
		}
		c.s.PlaceKind = ""
		return true, c.nearest(kind, loc)
	case strings.TrimSpace(words) == "":
		return false, nil
	case acts && (c.r.Class == understand.Human || c.r.Class == understand.NeedHelp || c.r.Class == understand.OptIn ||
		c.r.Class == understand.Greeting || c.r.Class == understand.Thanks):
		// The person moved on: the usual answer, and no list.
		c.s.PlaceKind = ""
		return false, nil
	}
	c.s.PlaceKind = ""
	return true, c.listPlaces(kind)
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
