package admin

import (
	"errors"
	"fmt"
	"mime"
	"strings"

	"github.com/gofiber/fiber/v2"

	"lifeline/admin/apierr"
	"lifeline/bot/whatsapp"
	"lifeline/media"
	"lifeline/store"
)

// inlineTypes are shown in the console itself; every other file is
// offered as a download, so that nothing a person sent runs in the
// console's origin (an SVG or HTML file would).
var inlineTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/webp": true}

// handoffMedia streams a file a person sent to an agent who may read the
// conversation (the transcript's rule, and the same audit record).
func (s *Server) handoffMedia(c *fiber.Ctx) error {
	user := strings.TrimPrefix(c.Params("id"), "+")
	mediaID := c.Params("media")
	if err := s.checkRead(c, user, "media", nil); err != nil {
		return err
	}
	var rec store.MediaRecord
	ctx := c.UserContext()
	err := s.db.Read(ctx, func(r store.Reader) error {
		var err error
		rec, err = store.GetMedia(ctx, r, user, mediaID)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return &apierr.NotFound{What: "file", ID: mediaID, Err: err}
	}
	if err != nil {
		return fmt.Errorf("load media %s of %s: %w", mediaID, whatsapp.MaskPhone(user), err)
	}
	if rec.State != store.MediaStored {
		why := "the file is not kept (" + rec.State + ")"
		if rec.State == store.MediaPending {
			why = "the file is still being downloaded"
		}
		return &apierr.NotFound{What: "file", Why: why}
	}
	data, err := s.db.ReadMediaFile(rec.Path)
	if err != nil {
		return fmt.Errorf("read media %s: %w", mediaID, err)
	}
	ct := media.BaseType(rec.MimeType)
	disposition := "attachment"
	if inlineTypes[ct] {
		disposition = "inline"
	}
	if ct == "" || strings.ContainsAny(ct, "\r\n") {
		ct = "application/octet-stream"
	}
	c.Set(fiber.HeaderContentType, ct)
	if cd := mime.FormatMediaType(disposition, map[string]string{"filename": fileName(rec)}); cd != "" {
		disposition = cd
	}
	c.Set(fiber.HeaderContentDisposition, disposition)
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(data)
}

// fileName is the name the person gave the file, or one made from its
// kind and type.
func fileName(rec store.MediaRecord) string {
	if rec.Filename != "" {
		return rec.Filename
	}
	return rec.Kind + "-" + rec.MediaID + media.Ext(rec.MimeType)
}
