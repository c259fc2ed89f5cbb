package admin

import (
	"embed"
	"errors"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"lifeline/admin/apierr"
)

// web holds the agent console and the sandbox simulator: plain HTML, CSS
// and JavaScript, no build step, no CDN.
//
//go:embed web
var web embed.FS

// contentSecurityPolicy allows only this server's own files: no inline
// script or style, no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// registerPages serves the console at /console/ and, in sandbox mode, the
// simulator at /simulator/.
func (s *Server) registerPages() {
	s.page("/console", "web/console", true)
	s.page("/simulator", "web/simulator", s.sandbox)
}

func (s *Server) page(prefix, dir string, enabled bool) {
	sub, err := fs.Sub(web, dir)
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	serve := func(c *fiber.Ctx) error {
		if !enabled {
			return &apierr.NotFound{What: "page", Why: "the simulator runs only in sandbox mode (no WhatsApp credentials configured)"}
		}
		if c.Path() == prefix {
			// The pages load their files by relative URLs.
			return c.Redirect(prefix+"/", fiber.StatusFound)
		}
		name := strings.TrimPrefix(path.Clean("/"+c.Params("*")), "/")
		if name == "" {
			name = "index.html"
		}
		b, err := fs.ReadFile(sub, name)
		if errors.Is(err, fs.ErrNotExist) {
			return &apierr.NotFound{What: "page", Err: err}
		}
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, contentType(name))
		c.Set(fiber.HeaderCacheControl, "no-cache")
		return c.Send(b)
	}
	headers := securityHeaders(tileOrigin(s.mapTiles))
	s.app.Get(prefix, headers, serve)
	s.app.Get(prefix+"/*", headers, serve)
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return fiber.MIMETextHTMLCharsetUTF8
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	}
	return fiber.MIMEOctetStream
}

// securityHeaders sets the pages' headers; tiles is the origin of the
// configured map tiles, the one other place images may come from.
func securityHeaders(tiles string) fiber.Handler {
	csp := contentSecurityPolicy
	if tiles != "" {
		csp = strings.Replace(csp, "img-src 'self' data:;", "img-src 'self' data: "+tiles+";", 1)
	}
	return func(c *fiber.Ctx) error {
		c.Set("Content-Security-Policy", csp)
		c.Set("X-Content-Type-Options", "nosniff")
		c.Set("X-Frame-Options", "DENY")
		c.Set("Referrer-Policy", "same-origin")
		return c.Next()
	}
}

// Shutdown ends the live event streams, then stops the HTTP server,
// waiting up to timeout for requests in flight.
func (s *Server) Shutdown(timeout time.Duration) error {
	s.events.close()
	return s.app.ShutdownWithTimeout(timeout)
}
