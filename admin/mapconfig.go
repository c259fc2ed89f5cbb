package admin

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// The console's map of shared locations is drawn by the page itself as
// plain SVG from the coordinates the API gives, so that it works with no
// internet at all. When an operator configures a tile server (a local
// one, or a public one where the terms allow), the page lays its tiles
// under the same points.

// CheckTileURL validates a map tile URL template: an http(s) URL with the
// {z}, {x} and {y} placeholders, such as
// https://tile.openstreetmap.org/{z}/{x}/{y}.png. Empty is valid: no tiles.
func CheckTileURL(tmpl string) error {
	if tmpl == "" {
		return nil
	}
	for _, p := range []string{"{z}", "{x}", "{y}"} {
		if !strings.Contains(tmpl, p) {
			return fmt.Errorf("want a tile URL with {z}, {x} and {y}, such as https://tile.openstreetmap.org/{z}/{x}/{y}.png: %s is missing", p)
		}
	}
	rest := strings.NewReplacer("{z}", "0", "{x}", "0", "{y}", "0").Replace(tmpl)
	if strings.ContainsAny(rest, "{}") {
		return errors.New("want only the placeholders {z}, {x} and {y}")
	}
	u, err := url.Parse(rest)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("want an http(s) URL such as https://tile.openstreetmap.org/{z}/{x}/{y}.png")
	}
	return nil
}

// tileOrigin is the scheme and host of a valid tile URL template: the
// console's content security policy allows images from it.
func tileOrigin(tmpl string) string {
	if tmpl == "" {
		return ""
	}
	u, err := url.Parse(strings.NewReplacer("{z}", "0", "{x}", "0", "{y}", "0").Replace(tmpl))
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// mapSettings is GET /admin/map: what the console's map needs besides the
// points (which come from the handoffs and places routes).
func (s *Server) mapSettings(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"tile_url": s.mapTiles})
}
