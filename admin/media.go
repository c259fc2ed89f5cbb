package admin

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"lifeline/admin/apierr"
	"lifeline/admin/reqbody"
	"lifeline/bot/handoffs"
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

// formFile reads the multipart field "file": its header, its bytes and
// its MIME type (sniffed when the client sent none or a generic one).
func formFile(c *fiber.Ctx, hint string) (*multipart.FileHeader, []byte, string, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		return nil, nil, "", reqbody.Invalidf("%s", hint)
	}
	f, err := fh.Open()
	if err != nil {
		return nil, nil, "", fmt.Errorf("open uploaded file: %w", err)
	}
	data, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		return nil, nil, "", fmt.Errorf("read uploaded file: %w", err)
	}
	mt := media.BaseType(fh.Header.Get("Content-Type"))
	if mt == "" || mt == "application/octet-stream" {
		mt = media.BaseType(http.DetectContentType(data))
	}
	return fh, data, mt, nil
}

// replyMedia sends a file from the agent who owns the conversation: a
// multipart form with "file" and an optional "caption" (and "kind" to
// send, say, a PNG as a document). The file is checked against
// WhatsApp's limits before anything is sent, uploaded once (the same
// bytes reuse their media id for 30 days), then queued like a text reply.
func (s *Server) replyMedia(c *fiber.Ctx) error {
	if s.uploads == nil {
		return &apierr.Unavailable{Msg: "sending files needs WhatsApp credentials: the sandbox cannot upload"}
	}
	d, err := s.desk.Get(c.Params("id"))
	if err != nil {
		return err
	}
	p := principal(c)
	if d.Status == handoffs.Active && d.Agent != p.ID {
		return apierr.Conflictf("this conversation belongs to %s; ask them or an admin to transfer it", d.Agent)
	}
	fh, data, mt, err := formFile(c, `send the file as the multipart form field "file" (with "caption" if you like)`)
	if err != nil {
		return err
	}
	kind := c.FormValue("kind")
	if kind == "" {
		kind = media.KindFor(mt)
	}
	caption := strings.TrimSpace(c.FormValue("caption"))
	up, err := s.uploads.Upload(c.UserContext(), s.desk.PhoneFor(d.Handoff), kind, mt, fh.Filename, data)
	var le *media.LimitError
	if errors.As(err, &le) {
		return reqbody.Invalidf("%s", le.Error())
	}
	if err != nil {
		return err
	}
	om := &whatsapp.OutMedia{ID: up.MediaID, Caption: caption, MimeType: mt}
	if kind == whatsapp.KindDocument {
		om.Filename = fh.Filename
	}
	entry, err := s.desk.Reply(d.ID, p.ID, handoffs.AgentReply{Media: om, MediaKind: kind})
	if err != nil {
		return err
	}
	s.record(c, "handoff.file", "wa_id="+whatsapp.MaskPhone(d.User), fmt.Sprintf("kind=%s reused=%t", kind, up.Reused))
	return c.Status(fiber.StatusAccepted).JSON(entry)
}
