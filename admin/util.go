package admin

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"

	"lifeline/admin/reqbody"
	"lifeline/csvtext"
)

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// uploadedCSV reads an imported CSV file, sent as the raw body (text/csv)
// or as the "file" field of a multipart form, and returns it as UTF-8
// (from its declared charset; a file that is not text in it is refused
// with the line named).
func uploadedCSV(c *fiber.Ctx) ([]byte, error) {
	raw, contentType := c.Body(), c.Get(fiber.HeaderContentType)
	if strings.HasPrefix(contentType, fiber.MIMEMultipartForm) {
		fh, err := c.FormFile("file")
		if err != nil {
			return nil, reqbody.Invalidf(`multipart upload needs a "file" field with the CSV`)
		}
		f, err := fh.Open()
		if err != nil {
			return nil, fmt.Errorf("open upload: %w", err)
		}
		defer f.Close()
		if raw, err = io.ReadAll(io.LimitReader(f, MaxBody)); err != nil {
			return nil, fmt.Errorf("read upload: %w", err)
		}
		contentType = fh.Header.Get(fiber.HeaderContentType)
	}
	return csvtext.ToUTF8(raw, contentType)
}
