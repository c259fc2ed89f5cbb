package store

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// This file holds the media people send: one record per file (what it is,
// whose, which transcript entry it belongs to, where it lies and how its
// download went) and the files themselves, under the media directory of
// the data directory. The store owns both so that the files are encrypted
// exactly when the store is, with a key derived from the store's key, and
// so that whoever removes a record (erasure, retention) has one place to
// remove the file too.

// Media states.
const (
	MediaPending = "pending" // waiting for download (or for a retry)
	MediaStored  = "stored"  // downloaded, checked and on disk
	MediaFailed  = "failed"  // could not be downloaded (expired, 404, 131052, retries spent)
	MediaRefused = "refused" // downloaded but refused by the checks (size, type, sha256): not kept
	MediaSkipped = "skipped" // not downloaded: the engine runs without a downloader (the sandbox)
	MediaRemoved = "removed" // removed by retention with the message texts of its time (entries only)
)

// EntryMedia is what a transcript entry says about its file: enough for
// the console to show it without reading the media record.
type EntryMedia struct {
	ID       string `json:"id"` // the WhatsApp media id
	MimeType string `json:"mime_type,omitempty"`
	Filename string `json:"filename,omitempty"`
	Voice    bool   `json:"voice,omitempty"`
	State    string `json:"state"`
	Size     int64  `json:"size,omitempty"`
	Error    string `json:"error,omitempty"`
}

// MediaRecord is one file a person sent.
type MediaRecord struct {
	User          string `json:"user"`
	MediaID       string `json:"media_id"`
	TranscriptSeq uint64 `json:"transcript_seq"`
	PhoneNumberID string `json:"phone_number_id,omitempty"`
	Kind          string `json:"kind"` // image, audio, video, document, sticker
	MimeType      string `json:"mime_type,omitempty"`
	Filename      string `json:"filename,omitempty"`
	Voice         bool   `json:"voice,omitempty"`
	Animated      bool   `json:"animated,omitempty"`
	// ExpectedSHA256 is the hash the webhook announced (may be empty).
	ExpectedSHA256 string    `json:"expected_sha256,omitempty"`
	At             time.Time `json:"at"` // when the person sent it; retention counts from here
	State          string    `json:"state"`
	Attempts       int       `json:"attempts,omitempty"`
	NextAttempt    time.Time `json:"next_attempt,omitzero"`
	// Path is relative to the media directory; set only when State is MediaStored.
	Path      string    `json:"path,omitempty"`
	Size      int64     `json:"size,omitempty"`
	SHA256    string    `json:"sha256,omitempty"`
	FetchedAt time.Time `json:"fetched_at,omitzero"`
	ErrorCode int       `json:"error_code,omitempty"`
	Error     string    `json:"error,omitempty"`
}

// EntryMedia is the record's summary for its transcript entry.
func (m MediaRecord) EntryMedia() *EntryMedia {
	return &EntryMedia{ID: m.MediaID, MimeType: m.MimeType, Filename: m.Filename, Voice: m.Voice,
		State: m.State, Size: m.Size, Error: m.Error}
}

func mediaKey(user, mediaID string) Key { return docKey(DocMedia, user+"/"+mediaID) }
func mediaOf(user string) Key           { return docKey(DocMedia, user+"/") }

func checkMediaIDs(user, mediaID string) error {
	if user == "" || mediaID == "" || strings.Contains(mediaID, "/") {
		return fmt.Errorf("media: bad user (%d characters) or media id %q", len(user), mediaID)
	}
	return nil
}

// PutMedia stores a media record.
func PutMedia(ctx context.Context, w Writer, m MediaRecord) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkMediaIDs(m.User, m.MediaID); err != nil {
		return fmt.Errorf("save %w", err)
	}
	if err := putJSON(w, mediaKey(m.User, m.MediaID), m, 0); err != nil {
		return fmt.Errorf("save media %s: %w", m.MediaID, err)
	}
	return nil
}

// GetMedia loads the record of media id of user, or ErrNotFound.
func GetMedia(ctx context.Context, r Reader, user, mediaID string) (MediaRecord, error) {
	if err := ctx.Err(); err != nil {
		return MediaRecord{}, err
	}
	if err := checkMediaIDs(user, mediaID); err != nil {
		return MediaRecord{}, fmt.Errorf("load %w: %w", err, ErrNotFound)
	}
	m, err := getJSON[MediaRecord](r, mediaKey(user, mediaID))
	if err != nil {
		return m, fmt.Errorf("load media %s: %w", mediaID, err)
	}
	return m, nil
}

// EachMediaOf calls fn for every media record of user.
func EachMediaOf(ctx context.Context, r Reader, user string, fn func(MediaRecord) error) error {
	if user == "" {
		return nil
	}
	return scanJSON(ctx, r, mediaOf(user), false, func(_ Key, m MediaRecord) error { return fn(m) })
}

// EachMedia calls fn for every media record (the downloader's restart
// scan, retention); ErrStop ends the scan.
func EachMedia(ctx context.Context, r Reader, fn func(MediaRecord) error) error {
	return scanJSON(ctx, r, docPrefix(DocMedia), false, func(_ Key, m MediaRecord) error { return fn(m) })
}

// DeleteMedia removes one media record and returns it (its Path names
// the file the caller removes once the transaction committed).
func DeleteMedia(ctx context.Context, w Writer, user, mediaID string) (MediaRecord, error) {
	m, err := GetMedia(ctx, w, user, mediaID)
	if err != nil {
		return m, err
	}
	if err := w.Delete(mediaKey(user, mediaID)); err != nil {
		return m, fmt.Errorf("delete media %s: %w", mediaID, err)
	}
	return m, nil
}

// DeleteMediaOf removes every media record of user and returns them.
func DeleteMediaOf(ctx context.Context, w Writer, user string) ([]MediaRecord, error) {
	var out []MediaRecord
	var keys []Key
	err := scanJSON(ctx, w, mediaOf(user), false, func(k Key, m MediaRecord) error {
		keys, out = append(keys, k), append(out, m)
		return nil
	})
	if err == nil {
		err = deleteKeys(w, keys)
	}
	if err != nil {
		return nil, fmt.Errorf("delete media: %w", err)
	}
	return out, nil
}

// MediaUploaded is the state of an outbound entry's file: uploaded to
// WhatsApp, not kept by Lifeline.
const MediaUploaded = "uploaded"

// UploadedMedia is a file uploaded to WhatsApp from one business number:
// its media id serves every send of the same bytes for 30 days.
type UploadedMedia struct {
	PhoneNumberID string    `json:"phone_number_id"`
	SHA256        string    `json:"sha256"`
	MediaID       string    `json:"media_id"`
	MimeType      string    `json:"mime_type"`
	Size          int64     `json:"size"`
	UploadedAt    time.Time `json:"uploaded_at"`
}

// UploadedMediaTTL is how long an upload record is kept: WhatsApp keeps
// uploaded media 30 days. Readers still check UploadedAt.
const UploadedMediaTTL = 30 * 24 * time.Hour

func uploadKey(phone, sha string) Key { return docKey(DocMediaUpload, phone+"/"+sha) }

// GetUploadedMedia finds the upload of the file with sha256 from phone, or ErrNotFound.
func GetUploadedMedia(ctx context.Context, r Reader, phone, sha string) (UploadedMedia, error) {
	if err := ctx.Err(); err != nil {
		return UploadedMedia{}, err
	}
	u, err := getJSON[UploadedMedia](r, uploadKey(phone, sha))
	if err != nil {
		return u, fmt.Errorf("load upload %.12s: %w", sha, err)
	}
	return u, nil
}

// PutUploadedMedia records an upload.
func PutUploadedMedia(ctx context.Context, w Writer, u UploadedMedia) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if u.PhoneNumberID == "" || u.SHA256 == "" || u.MediaID == "" || strings.Contains(u.PhoneNumberID, "/") {
		return fmt.Errorf("save upload: phone number id, sha256 and media id are required")
	}
	if err := putJSON(w, uploadKey(u.PhoneNumberID, u.SHA256), u, UploadedMediaTTL); err != nil {
		return fmt.Errorf("save upload %.12s: %w", u.SHA256, err)
	}
	return nil
}

// ErrNoMediaDir says the store has no directory for media files (an
// in-memory store opened without Options.MediaDir).
var ErrNoMediaDir = errors.New("no media directory")

// mediaFiles keeps media files on disk, sealed with AES-GCM when the
// store is encrypted.
type mediaFiles struct {
	dir  string
	aead cipher.AEAD // nil: files are kept as they are
}

// sealedMagic starts every encrypted media file, before the nonce.
const sealedMagic = "LLMEDIA1"

func newMediaFiles(dir string, storeKey []byte) (*mediaFiles, error) {
	f := &mediaFiles{dir: dir}
	if len(storeKey) == 0 {
		return f, nil
	}
	// A key of its own, derived from the store's: the files never share
	// a key with badger's data keys.
	key, err := hkdf.Key(sha256.New, storeKey, nil, "lifeline media files v1", 32)
	if err != nil {
		return nil, fmt.Errorf("derive media key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("media cipher: %w", err)
	}
	if f.aead, err = cipher.NewGCM(block); err != nil {
		return nil, fmt.Errorf("media cipher: %w", err)
	}
	return f, nil
}

// MediaEncrypted reports whether media files are written encrypted.
func (s *DB) MediaEncrypted() bool { return s.media != nil && s.media.aead != nil }

// MediaPath is the absolute path of a stored file (for tests and
// operators: the content is encrypted when the store is).
func (s *DB) MediaPath(rel string) (string, error) {
	if s.media == nil || s.media.dir == "" {
		return "", ErrNoMediaDir
	}
	return s.media.abs(rel)
}

func (f *mediaFiles) abs(rel string) (string, error) {
	clean := filepath.Clean(rel)
	if rel == "" || filepath.IsAbs(clean) || clean == "." || strings.HasPrefix(clean, "..") {
		return "", fmt.Errorf("media path %q is not inside the media directory", rel)
	}
	return filepath.Join(f.dir, clean), nil
}

// WriteMediaFile stores data as name (a relative path such as
// "ab/<sha256>-<id>") durably: written to a temporary file, synced, then
// renamed into place.
func (s *DB) WriteMediaFile(name string, data []byte) error {
	if s.media == nil || s.media.dir == "" {
		return ErrNoMediaDir
	}
	path, err := s.media.abs(name)
	if err != nil {
		return err
	}
	body := data
	if s.media.aead != nil {
		nonce := make([]byte, s.media.aead.NonceSize())
		if _, err := rand.Read(nonce); err != nil {
			return fmt.Errorf("media nonce: %w", err)
		}
		body = append([]byte(sealedMagic), nonce...)
		body = s.media.aead.Seal(body, nonce, data, []byte(name))
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("write media file: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("write media file: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	if _, err := tmp.Write(body); err != nil {
		tmp.Close()
		return fmt.Errorf("write media file %s: %w", name, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("sync media file %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close media file %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("place media file %s: %w", name, err)
	}
	return nil
}

// ReadMediaFile returns the content of a stored file, decrypted.
func (s *DB) ReadMediaFile(name string) ([]byte, error) {
	if s.media == nil || s.media.dir == "" {
		return nil, ErrNoMediaDir
	}
	path, err := s.media.abs(name)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read media file %s: %w", name, err)
	}
	if s.media.aead == nil {
		return b, nil
	}
	n := len(sealedMagic) + s.media.aead.NonceSize()
	if len(b) < n || string(b[:len(sealedMagic)]) != sealedMagic {
		return nil, fmt.Errorf("read media file %s: not sealed with the store's key", name)
	}
	plain, err := s.media.aead.Open(nil, b[len(sealedMagic):n], b[n:], []byte(name))
	if err != nil {
		return nil, fmt.Errorf("open media file %s (a different encryption key?): %w", name, err)
	}
	return plain, nil
}

// RemoveMediaFile deletes a stored file; a file already gone is not an error.
func (s *DB) RemoveMediaFile(name string) error {
	if s.media == nil || s.media.dir == "" {
		return ErrNoMediaDir
	}
	path, err := s.media.abs(name)
	if err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove media file %s: %w", name, err)
	}
	return nil
}
