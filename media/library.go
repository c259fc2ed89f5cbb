package media

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"lifeline/store"
)

// The library keeps the files admins and agents upload to send (POST
// /admin/media, an agent's file) under the data directory, sealed like
// every media file when the store is encrypted, so that a file named by
// its sha256 (an agent's reply, an FAQ answer's attachment) can be
// uploaded from a number that never sent it, or again once WhatsApp has
// dropped its media id.

// LibraryFile describes a kept file.
type LibraryFile struct {
	SHA256   string    `json:"sha256"`
	Kind     string    `json:"kind"` // the kind it was uploaded as
	MimeType string    `json:"mime_type"`
	Size     int64     `json:"size"`
	Filename string    `json:"filename,omitempty"`
	KeptAt   time.Time `json:"kept_at"`
}

// UnknownFileError says no file with a sha256 was uploaded (or it was
// uploaded before files were kept and its media id has expired).
type UnknownFileError struct{ SHA256 string }

func (e *UnknownFileError) Error() string {
	return fmt.Sprintf("no uploaded file has sha256 %q: upload it first with POST /admin/media", e.SHA256)
}

// CheckSHA256 refuses anything but 64 hex digits (a library path is
// made from it).
func CheckSHA256(sha string) error {
	if b, err := hex.DecodeString(sha); err != nil || len(b) != 32 {
		return fmt.Errorf("sha256 %q is not 64 hex digits", sha)
	}
	return nil
}

func libraryPath(sha string) string { return "library/" + sha[:2] + "/" + sha }

// Keep stores data (checked against kind's limits) in the library under
// its sha256 and returns its description. Keeping the same bytes again
// rewrites them with the new kind and name.
func (u *Uploader) Keep(kind, mimeType, filename string, data []byte) (LibraryFile, error) {
	sha, err := Verify(kind, mimeType, false, data)
	if err != nil {
		return LibraryFile{}, err
	}
	f := LibraryFile{SHA256: sha, Kind: kind, MimeType: BaseType(mimeType), Size: int64(len(data)), Filename: filename, KeptAt: u.now()}
	meta, err := json.Marshal(f)
	if err != nil {
		return f, fmt.Errorf("keep file %.12s: %w", sha, err)
	}
	if err := u.DB.WriteMediaFile(libraryPath(sha), data); err != nil {
		return f, fmt.Errorf("keep file %.12s: %w", sha, err)
	}
	if err := u.DB.WriteMediaFile(libraryPath(sha)+".json", meta); err != nil {
		return f, fmt.Errorf("keep file %.12s: %w", sha, err)
	}
	return f, nil
}

// Kept describes the kept file with sha256; an *UnknownFileError when
// there is none.
func (u *Uploader) Kept(sha string) (LibraryFile, error) {
	sha = strings.ToLower(sha)
	if err := CheckSHA256(sha); err != nil {
		return LibraryFile{}, &UnknownFileError{SHA256: sha}
	}
	meta, err := u.DB.ReadMediaFile(libraryPath(sha) + ".json")
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, store.ErrNoMediaDir) {
		return LibraryFile{}, &UnknownFileError{SHA256: sha}
	}
	if err != nil {
		return LibraryFile{}, err
	}
	var f LibraryFile
	if err := json.Unmarshal(meta, &f); err != nil {
		return f, fmt.Errorf("read kept file %.12s: %w", sha, err)
	}
	return f, nil
}

// Known says whether a file with sha256 can be sent: kept, or uploaded
// from some number and still valid there (files uploaded before the
// library existed). It is what FAQ entries and replies are checked with.
func (u *Uploader) Known(ctx context.Context, phoneNumberIDs []string, sha string) (LibraryFile, error) {
	f, err := u.Kept(sha)
	var unknown *UnknownFileError
	if !errors.As(err, &unknown) {
		return f, err
	}
	sha = strings.ToLower(sha)
	for _, num := range phoneNumberIDs {
		if up, ok, err := u.validUpload(ctx, num, sha); err != nil {
			return f, err
		} else if ok {
			return LibraryFile{SHA256: sha, Kind: KindFor(up.MimeType), MimeType: up.MimeType, Size: up.Size}, nil
		}
	}
	return f, err
}

// Send is the media id of the file with sha256 for phoneNumberID: the
// earlier upload while it is valid, else the kept file uploaded again.
// The file is checked against kind's limits first (a *LimitError); kind
// "" is the kind it was uploaded as.
func (u *Uploader) Send(ctx context.Context, phoneNumberID, sha, kind string) (Upload, LibraryFile, error) {
	sha = strings.ToLower(sha)
	f, err := u.Kept(sha)
	var unknown *UnknownFileError
	kept := err == nil
	if err != nil && !errors.As(err, &unknown) {
		return Upload{}, f, err
	}
	up, ok, lerr := u.validUpload(ctx, phoneNumberID, sha)
	if lerr != nil {
		return Upload{}, f, lerr
	}
	if !kept {
		if !ok {
			return Upload{}, f, err
		}
		f = LibraryFile{SHA256: sha, Kind: KindFor(up.MimeType), MimeType: up.MimeType, Size: up.Size}
	}
	if kind == "" {
		kind = f.Kind
	}
	if err := Check(kind, f.MimeType, f.Size, false); err != nil {
		return Upload{}, f, err
	}
	if ok {
		return Upload{MediaID: up.MediaID, SHA256: sha, Reused: true}, f, nil
	}
	data, err := u.DB.ReadMediaFile(libraryPath(sha))
	if err != nil {
		return Upload{}, f, fmt.Errorf("read kept file %.12s: %w", sha, err)
	}
	out, err := u.Upload(ctx, phoneNumberID, kind, f.MimeType, f.Filename, data)
	return out, f, err
}

// validUpload is the upload of sha from phone while it may be reused.
func (u *Uploader) validUpload(ctx context.Context, phone, sha string) (store.UploadedMedia, bool, error) {
	var up store.UploadedMedia
	err := u.DB.Read(ctx, func(r store.Reader) error {
		var err error
		up, err = store.GetUploadedMedia(ctx, r, phone, sha)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return up, false, nil
	}
	if err != nil {
		return up, false, fmt.Errorf("look up earlier upload: %w", err)
	}
	return up, u.now().Sub(up.UploadedAt) < u.reuse(), nil
}

func (u *Uploader) now() time.Time {
	if u.Now != nil {
		return u.Now()
	}
	return time.Now()
}

func (u *Uploader) reuse() time.Duration {
	if u.Reuse > 0 {
		return u.Reuse
	}
	return UploadedValidity - 24*time.Hour
}

// MediaID is Send's media id (bot.FileUploader): the engine sends an FAQ
// answer's attachment with it.
func (u *Uploader) MediaID(ctx context.Context, phoneNumberID, sha, kind string) (string, error) {
	up, _, err := u.Send(ctx, phoneNumberID, sha, kind)
	return up.MediaID, err
}

// CheckAttachment is the FAQ's attachment check for a file: it must be
// kept (or validly uploaded from one of phoneNumberIDs), and it fills the
// attachment's kind and file name.
func (u *Uploader) CheckAttachment(ctx context.Context, phoneNumberIDs []string, sha string) (kind, filename string, err error) {
	f, err := u.Known(ctx, phoneNumberIDs, sha)
	if err != nil {
		return "", "", err
	}
	return f.Kind, f.Filename, nil
}
