package broadcast

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"lifeline/bot/whatsapp"
	"lifeline/media"
	"lifeline/store"
)

// headerMediaReuse is how old an upload may be for a new broadcast: a day
// short of WhatsApp's 30, so that the broadcast and its reminders go out
// before the id expires.
const headerMediaReuse = media.UploadedValidity - 24*time.Hour

// resolveHeaderMedia fills each media header's ids, one per sender
// number, from the uploads POST /admin/media made, and checks the file
// against WhatsApp's limits for the header's type. A file not uploaded
// (or uploaded too long ago) from every number is refused: a broadcast
// never uploads while it sends.
func (s *Service) resolveHeaderMedia(sp *Spec) error {
	sets := sp.templateSets()
	now := s.now()
	return s.db.Read(storeCtx, func(r store.Reader) error {
		for _, set := range sets {
			for _, lang := range slices.Sorted(maps.Keys(set.ts)) {
				h := set.ts[lang].HeaderMedia
				if h == nil || h.Type == whatsapp.KindLocation {
					continue
				}
				where := fmt.Sprintf("%s[%s].header_media", set.what, lang)
				ids := map[string]string{}
				for _, num := range s.cfg.PhoneNumberIDs {
					up, err := store.GetUploadedMedia(storeCtx, r, num, h.SHA256)
					switch {
					case errors.Is(err, store.ErrNotFound) || (err == nil && now.Sub(up.UploadedAt) >= headerMediaReuse):
						return fmt.Errorf("%w: %s.sha256 %.12s…: the file is not uploaded from sender number %s (or its upload is older than %d days): upload it first with POST /admin/media",
							ErrInvalid, where, h.SHA256, num, int(headerMediaReuse.Hours()/24))
					case err != nil:
						return fmt.Errorf("look up upload %.12s for %s: %w", h.SHA256, where, err)
					}
					if err := media.Check(h.Type, up.MimeType, up.Size, false); err != nil {
						return fmt.Errorf("%w: %s: %v", ErrInvalid, where, err)
					}
					ids[num] = up.MediaID
					h.MimeType, h.Size = up.MimeType, up.Size
				}
				h.MediaIDs = ids
			}
		}
		return nil
	})
}

// headerParam is the header parameter of h, with the media id of the
// first sender number (the one a preview shows; send swaps in the id of
// the number that sends, see forNumber).
func headerParam(h *HeaderMedia) whatsapp.TemplateParameter {
	if h.Type == whatsapp.KindLocation {
		return whatsapp.HeaderLocationParam(*h.Location)
	}
	id := ""
	if len(h.MediaIDs) > 0 {
		id = h.MediaIDs[slices.Min(slices.Collect(maps.Keys(h.MediaIDs)))]
	}
	return whatsapp.HeaderMediaParam(h.Type, id, h.Filename)
}

// headerIDs are the media ids by sender number of the template key
// renders with (render's lookup); nil for no media header.
func headerIDs(b *Broadcast, tpls map[string]Template, key string) map[string]string {
	t, ok := tpls[key]
	if !ok {
		t = b.Spec.Templates[key]
	}
	if t.HeaderMedia == nil {
		return nil
	}
	return t.HeaderMedia.MediaIDs
}

// forNumber returns msg with its media header carrying the media id of
// sender number num: a media id belongs to the number that uploaded it.
// msg itself is left alone (jobs may be shown or retried).
func forNumber(msg whatsapp.Outbound, ids map[string]string, num string) whatsapp.Outbound {
	id, ok := ids[num]
	if !ok || msg.Template == nil {
		return msg
	}
	t := *msg.Template
	t.Components = slices.Clone(t.Components)
	for i, c := range t.Components {
		if c.Type != "header" || len(c.Parameters) != 1 || c.Parameters[0].File() == nil {
			continue
		}
		p := c.Parameters[0]
		f := *p.File()
		f.ID = id
		switch {
		case p.Image != nil:
			p.Image = &f
		case p.Video != nil:
			p.Video = &f
		default:
			p.Document = &f
		}
		c.Parameters = []whatsapp.TemplateParameter{p}
		t.Components[i] = c
	}
	msg.Template = &t
	return msg
}
