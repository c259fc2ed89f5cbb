package media

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/whatsapp"
	"lifeline/store"
)

// UploadAPI is the part of the Graph API client the uploader uses.
type UploadAPI interface {
	UploadMedia(ctx context.Context, phoneNumberID, mimeType, filename string, data []byte) (string, error)
}

var (
	_ UploadAPI = (*whatsapp.Client)(nil)
	_ UploadAPI = (*SandboxAPI)(nil)
)

// SandboxAPI stands in for the Graph API's upload in sandbox mode: the
// file is checked like any other, then given a made-up media id (the
// same for the same bytes) and logged, never sent anywhere.
type SandboxAPI struct {
	Log zerolog.Logger
}

// UploadMedia answers "sandbox-" and the start of the file's sha256.
func (s *SandboxAPI) UploadMedia(_ context.Context, phoneNumberID, mimeType, _ string, data []byte) (string, error) {
	sum := sha256.Sum256(data)
	id := "sandbox-" + hex.EncodeToString(sum[:8])
	s.Log.Info().Str("media_id", id).Str("phone_number_id", phoneNumberID).Str("mime_type", mimeType).Int("size", len(data)).Msg("sandbox: media accepted, not uploaded")
	return id, nil
}

// UploadedValidity is how long WhatsApp keeps an uploaded media id.
const UploadedValidity = 30 * 24 * time.Hour

// Uploader uploads a file once per business number and reuses its media
// id for every send of the same bytes while the id is valid: a broadcast
// to ten thousand people uploads its map once.
type Uploader struct {
	DB  *store.DB
	API UploadAPI
	Now func() time.Time
	// Reuse is how long an upload is reused; a day short of WhatsApp's
	// 30 so that no send goes out with an id about to expire (default).
	Reuse time.Duration

	mu sync.Mutex // one upload at a time: a burst of sends of one file uploads it once
}

// Upload is what Upload returns.
type Upload struct {
	MediaID string
	SHA256  string
	Reused  bool // the id of an earlier upload
}

// KindFor is the WhatsApp message kind that carries a file of mimeType:
// a JPEG or PNG is an image, a WebP a sticker, video and audio their own,
// anything else a document.
func KindFor(mimeType string) string {
	mt := BaseType(mimeType)
	switch {
	case mt == "image/jpeg" || mt == "image/png":
		return "image"
	case mt == "image/webp":
		return "sticker"
	case strings.HasPrefix(mt, "video/"):
		return "video"
	case strings.HasPrefix(mt, "audio/"):
		return "audio"
	}
	return "document"
}

// Upload checks data against the limits of kind before anything is sent
// (a *LimitError names the limit), then returns the media id of the
// bytes for phoneNumberID, uploading them only when no valid upload exists.
func (u *Uploader) Upload(ctx context.Context, phoneNumberID, kind, mimeType, filename string, data []byte) (Upload, error) {
	if err := Check(kind, mimeType, int64(len(data)), false); err != nil {
		return Upload{}, err
	}
	sha, _ := Verify(kind, mimeType, false, data)
	now, reuse := u.now, u.reuse()
	u.mu.Lock()
	defer u.mu.Unlock()
	var prev store.UploadedMedia
	err := u.DB.Read(ctx, func(r store.Reader) error {
		var err error
		prev, err = store.GetUploadedMedia(ctx, r, phoneNumberID, sha)
		return err
	})
	switch {
	case err == nil && now().Sub(prev.UploadedAt) < reuse:
		return Upload{MediaID: prev.MediaID, SHA256: sha, Reused: true}, nil
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return Upload{}, fmt.Errorf("look up earlier upload: %w", err)
	}
	id, err := u.API.UploadMedia(ctx, phoneNumberID, BaseType(mimeType), filename, data)
	if err != nil {
		return Upload{}, fmt.Errorf("upload %s: %w", kind, err)
	}
	rec := store.UploadedMedia{PhoneNumberID: phoneNumberID, SHA256: sha, MediaID: id, MimeType: BaseType(mimeType), Size: int64(len(data)), UploadedAt: now()}
	if err := u.DB.Write(ctx, store.UploadedMediaScope(rec.PhoneNumberID, rec.SHA256), func(w store.Writer) error { return store.PutUploadedMedia(ctx, w, rec) }); err != nil {
		// The upload worked; the next send uploads again, which costs
		// time, not correctness.
		return Upload{MediaID: id, SHA256: sha}, fmt.Errorf("record upload %s: %w", id, err)
	}
	return Upload{MediaID: id, SHA256: sha}, nil
}
