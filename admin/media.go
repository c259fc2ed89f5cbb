package admin

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"lifeline/admin/apierr"
	"lifeline/admin/reqbody"
	"lifeline/bot/handoffs"
	"lifeline/bot/whatsapp"
	"lifeline/kb"
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
// send, say, a PNG as a document). The file is kept like one from POST
// /admin/media and sent the same way as a JSON reply naming its sha256:
// checked against WhatsApp's limits before anything is sent, uploaded
// once (the same bytes reuse their media id while it is valid), then
// queued like a text reply.
func (s *Server) replyMedia(c *fiber.Ctx) error {
	if s.uploads == nil {
		return &apierr.Unavailable{Msg: "sending files needs WhatsApp credentials or the sandbox"}
	}
	fh, data, mt, err := formFile(c, `send the file as the multipart form field "file" (with "caption" if you like)`)
	if err != nil {
		return err
	}
	kind := c.FormValue("kind")
	if kind == "" {
		kind = media.KindFor(mt)
	}
	f, err := s.keepFile(kind, mt, fh.Filename, data)
	if err != nil {
		return err
	}
	return s.sendReply(c, agentReplyRequest{Media: &replyFile{SHA256: f.SHA256, Kind: kind, Caption: c.FormValue("caption"), Filename: fh.Filename}},
		&heldFile{data: data, mimeType: mt})
}

// keepFile checks a file against kind's limits (400 naming the limit)
// and keeps it in the media library. A store without a media directory
// keeps nothing: the file is then sent by its upload records alone.
func (s *Server) keepFile(kind, mt, filename string, data []byte) (media.LibraryFile, error) {
	f, err := s.uploads.Keep(kind, mt, filename, data)
	var le *media.LimitError
	switch {
	case errors.As(err, &le):
		return f, reqbody.Invalidf("%s", le.Error())
	case errors.Is(err, store.ErrNoMediaDir):
		s.log.Warn().Str("sha256", f.SHA256).Msg("no media directory: uploaded file not kept")
		return f, nil
	case err != nil:
		return f, err
	}
	return f, nil
}

// agentReplyRequest is the body of POST /admin/handoffs/:id/messages:
// exactly one of a text, a template, an uploaded file or a location.
type agentReplyRequest struct {
	Text     string             `json:"text,omitempty"`
	Template *whatsapp.Template `json:"template,omitempty"`
	Media    *replyFile         `json:"media,omitempty"`
	Location *replyLocation     `json:"location,omitempty"`
}

// replyFile names a file uploaded with POST /admin/media (or an earlier
// agent file) by its sha256.
type replyFile struct {
	SHA256   string `json:"sha256"`
	Kind     string `json:"kind,omitempty"` // as uploaded when empty
	Caption  string `json:"caption,omitempty"`
	Filename string `json:"filename,omitempty"` // a document's; the uploaded name when empty
}

// replyLocation is a pin: coordinates with an optional name and address,
// or a place of the places list, which fills all four.
type replyLocation struct {
	Latitude  *float64 `json:"latitude,omitempty"`
	Longitude *float64 `json:"longitude,omitempty"`
	Name      string   `json:"name,omitempty"`
	Address   string   `json:"address,omitempty"`
	Place     string   `json:"place,omitempty"`
}

// Limits of a location message's texts: WhatsApp documents none, so these
// are what a phone shows in full; longer text is a mistake, not a pin.
const (
	maxLocationName    = 1000
	maxLocationAddress = 1000
)

// resolveLocation turns a requested pin into a location message's, in
// the person's language when it names a place.
func (s *Server) resolveLocation(c *fiber.Ctx, l *replyLocation, lang string) (*whatsapp.Location, error) {
	if l.Place != "" {
		if l.Latitude != nil || l.Longitude != nil || l.Name != "" || l.Address != "" {
			return nil, reqbody.Invalidf(`location: give either "place" or coordinates, not both`)
		}
		if s.places == nil {
			return nil, &apierr.Unavailable{Msg: "no places list"}
		}
		p, err := s.places.Get(c.UserContext(), l.Place)
		if errors.Is(err, store.ErrNotFound) {
			return nil, reqbody.Invalidf("location.place: no place %q", l.Place)
		}
		if err != nil {
			return nil, fmt.Errorf("load place %s: %w", l.Place, err)
		}
		return &whatsapp.Location{Latitude: p.Lat, Longitude: p.Lon, Name: p.NameIn(lang), Address: p.Address}, nil
	}
	switch {
	case l.Latitude == nil || l.Longitude == nil:
		return nil, reqbody.Invalidf(`location needs "latitude" and "longitude" (or "place")`)
	case !(*l.Latitude >= -90 && *l.Latitude <= 90):
		return nil, reqbody.Invalidf("location.latitude %v is out of range: it is between -90 and 90", *l.Latitude)
	case !(*l.Longitude >= -180 && *l.Longitude <= 180):
		return nil, reqbody.Invalidf("location.longitude %v is out of range: it is between -180 and 180", *l.Longitude)
	case utf8.RuneCountInString(l.Name) > maxLocationName:
		return nil, reqbody.Invalidf("location.name is longer than %d characters", maxLocationName)
	case utf8.RuneCountInString(l.Address) > maxLocationAddress:
		return nil, reqbody.Invalidf("location.address is longer than %d characters", maxLocationAddress)
	}
	return &whatsapp.Location{Latitude: *l.Latitude, Longitude: *l.Longitude, Name: strings.TrimSpace(l.Name), Address: strings.TrimSpace(l.Address)}, nil
}

// heldFile is a file a request carried.
type heldFile struct {
	data     []byte
	mimeType string
}

// sendReply sends an agent's reply on WhatsApp: a file named by its
// sha256 is checked against WhatsApp's limits and uploaded from the
// conversation's number when it has no valid upload there; a place
// becomes its pin. held is the file when the request carried it (an
// agent's multipart file): a store without a media directory keeps none.
func (s *Server) sendReply(c *fiber.Ctx, req agentReplyRequest, held *heldFile) error {
	d, err := s.desk.Get(c.Params("id"))
	if err != nil {
		return err
	}
	p := principal(c)
	if d.Status == handoffs.Active && d.Agent != p.ID {
		return apierr.Conflictf("this conversation belongs to %s; ask them or an admin to transfer it", d.Agent)
	}
	r := handoffs.AgentReply{Text: req.Text, Template: req.Template}
	action, audit := "", ""
	switch {
	case req.Media != nil && req.Location != nil:
		return reqbody.Invalidf(`give either "media" or "location", not both`)
	case req.Location != nil:
		if r.Location, err = s.resolveLocation(c, req.Location, d.Lang); err != nil {
			return err
		}
		action, audit = "handoff.location", "location"
		if req.Location.Place != "" {
			audit += " place=" + req.Location.Place
		}
	case req.Media != nil:
		if s.uploads == nil {
			return &apierr.Unavailable{Msg: "sending files needs WhatsApp credentials or the sandbox"}
		}
		m := req.Media
		caption := strings.TrimSpace(m.Caption)
		if n := utf8.RuneCountInString(caption); n > whatsapp.MaxCaptionLen {
			return reqbody.Invalidf("media.caption of %d characters is over WhatsApp's limit of %d", n, whatsapp.MaxCaptionLen)
		}
		phone := s.desk.PhoneFor(d.Handoff)
		var (
			up media.Upload
			f  media.LibraryFile
		)
		if held != nil {
			up, err = s.uploads.Upload(c.UserContext(), phone, m.Kind, held.mimeType, m.Filename, held.data)
			f = media.LibraryFile{SHA256: up.SHA256, Kind: m.Kind, MimeType: held.mimeType, Filename: m.Filename}
		} else {
			up, f, err = s.uploads.Send(c.UserContext(), phone, m.SHA256, m.Kind)
		}
		var le *media.LimitError
		var unknown *media.UnknownFileError
		switch {
		case errors.As(err, &le):
			return reqbody.Invalidf("%s", le.Error())
		case errors.As(err, &unknown):
			return reqbody.Invalidf("media.sha256: %s", unknown.Error())
		case err != nil:
			return err
		}
		kind := m.Kind
		if kind == "" {
			kind = f.Kind
		}
		if caption != "" && (kind == whatsapp.KindAudio || kind == whatsapp.KindSticker) {
			return reqbody.Invalidf("media.caption: WhatsApp sends %s without a caption", kind)
		}
		om := &whatsapp.OutMedia{ID: up.MediaID, Caption: caption, MimeType: f.MimeType}
		if kind == whatsapp.KindDocument {
			om.Filename = cmp.Or(m.Filename, f.Filename)
		}
		r.Media, r.MediaKind = om, kind
		action, audit = "handoff.file", fmt.Sprintf("kind=%s sha256=%.12s reused=%t", kind, f.SHA256, up.Reused)
	}
	if r.Template != nil {
		if err := s.checkAgentTemplate(c.UserContext(), d.ID, r.Template); err != nil {
			return err
		}
	}
	entry, err := s.desk.Reply(d.ID, p.ID, r)
	if err != nil {
		return err
	}
	if audit != "" {
		s.record(c, action, "wa_id="+whatsapp.MaskPhone(d.User), audit)
	}
	return c.Status(fiber.StatusAccepted).JSON(entry)
}

// MaxMediaBody is the largest body of POST /admin/media: WhatsApp's
// largest file with room for the multipart form around it.
var MaxMediaBody = int(media.Largest()) + 1<<20

// isMediaUpload says whether a request is POST /admin/media.
func isMediaUpload(h *fasthttp.RequestHeader) bool {
	if !h.IsPost() {
		return false
	}
	path, _, _ := strings.Cut(string(h.RequestURI()), "?")
	return strings.TrimSuffix(path, "/") == "/admin/media"
}

// uploadMedia is POST /admin/media: a file to send later by its sha256
// (a broadcast's media header, an agent's reply, an FAQ answer's
// attachment), as the multipart form field "file" with "kind" to send,
// say, a PNG as a document. It is checked against WhatsApp's limits for
// its kind before anything is sent (400 naming the limit), kept in the
// media library (so that it can be uploaded again once its media id
// expires), and uploaded once from every sender number; the same bytes
// reuse their uploads. Its body may be as large as WhatsApp's largest
// file (MaxMediaBody); every other route keeps MaxBody.
func (s *Server) uploadMedia(c *fiber.Ctx) error {
	if s.uploads == nil {
		return &apierr.Unavailable{Msg: "uploading files needs WhatsApp credentials or the sandbox"}
	}
	fh, data, mt, err := formFile(c, `send the file as the multipart form field "file" (and "kind": image, video, audio, document or sticker)`)
	if err != nil {
		return err
	}
	kind := c.FormValue("kind")
	if kind == "" {
		kind = media.KindFor(mt)
	}
	f, err := s.keepFile(kind, mt, fh.Filename, data)
	if err != nil {
		return err
	}
	out := mediaUpload{SHA256: f.SHA256, Type: kind, MimeType: mt, Size: int64(len(data)), Filename: fh.Filename, MediaIDs: map[string]string{}, Reused: true}
	for _, num := range s.senderNumbers() {
		up, err := s.uploads.Upload(c.UserContext(), num, kind, mt, fh.Filename, data)
		var le *media.LimitError
		if errors.As(err, &le) {
			return reqbody.Invalidf("%s", le.Error())
		}
		if err != nil {
			return fmt.Errorf("upload %s for sender %s: %w", kind, num, err)
		}
		out.SHA256, out.MediaIDs[num], out.Reused = up.SHA256, up.MediaID, out.Reused && up.Reused
	}
	s.record(c, "media.upload", "sha256="+out.SHA256, fmt.Sprintf("%s %s %d bytes, reused=%t", kind, mt, out.Size, out.Reused))
	return c.JSON(out)
}

// senderNumbers are the numbers files are uploaded from: the broadcasts'
// senders (a media header's upload must exist from each), else the
// engine's.
func (s *Server) senderNumbers() []string {
	if s.broadcasts != nil {
		return s.broadcasts.SenderNumbers()
	}
	return s.engine.PhoneNumberIDs()
}

// mediaUpload is uploadMedia's answer.
type mediaUpload struct {
	SHA256   string            `json:"sha256"`
	Type     string            `json:"type"`
	MimeType string            `json:"mime_type"`
	Size     int64             `json:"size"`
	Filename string            `json:"filename,omitempty"`
	MediaIDs map[string]string `json:"media_ids"` // by sender number
	Reused   bool              `json:"reused"`    // no new upload was needed
}

// checkFAQAttachment is the FAQ's attachment check: a file must have
// been uploaded (POST /admin/media), a place must be in the places list.
func (s *Server) checkFAQAttachment(a *kb.Attachment) error {
	ctx := context.Background()
	if a.Place != "" {
		if s.places == nil {
			return fmt.Errorf("no places list to find place %q in", a.Place)
		}
		if _, err := s.places.Get(ctx, a.Place); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("no place %q", a.Place)
			}
			return err
		}
		return nil
	}
	if s.uploads == nil {
		return fmt.Errorf("files cannot be sent without WhatsApp credentials or the sandbox")
	}
	kind, name, err := s.uploads.CheckAttachment(ctx, s.senderNumbers(), a.SHA256)
	if err != nil {
		return err
	}
	a.Kind, a.Filename = kind, name
	return nil
}
