package whatsapp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
)

// MediaInfo is the answer to GET /{media-id} (reference §3.3): where the
// file can be fetched for the next few minutes, and what it should be.
type MediaInfo struct {
	ID       string `json:"id"`
	URL      string `json:"url"`
	MimeType string `json:"mime_type"`
	SHA256   string `json:"sha256"`
	FileSize int64  `json:"file_size"`
}

// ErrTooLarge is wrapped by DownloadMedia when the file is bigger than
// the caller allows; the rest is not read.
var ErrTooLarge = errors.New("media larger than allowed")

// MediaInfo asks where media id can be downloaded. Errors are *SendError
// classified like a send's (131052 and a 404 are final, 5xx is a retry).
func (c *Client) MediaInfo(ctx context.Context, mediaID string) (MediaInfo, error) {
	if strings.TrimSpace(mediaID) == "" || strings.ContainsAny(mediaID, "/?#") {
		return MediaInfo{}, &SendError{Action: ActionFixRequest, Err: invalid("bad media id")}
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	raw, status, err := c.do(ctx, http.MethodGet, c.base+"/"+c.version+"/"+url.PathEscape(mediaID), "", nil, maxResponse)
	if err != nil {
		return MediaInfo{}, err
	}
	var info MediaInfo
	if err := json.Unmarshal(raw, &info); err != nil || info.URL == "" {
		return MediaInfo{}, &SendError{HTTPStatus: status, Action: ActionRetry, Message: "media answer without url", Err: err}
	}
	return info, nil
}

// DownloadMedia fetches the file at u (a URL from MediaInfo) with the
// access token, reading at most max bytes: a longer file fails with
// ErrTooLarge. The URL lives about five minutes; after that ask MediaInfo again.
func (c *Client) DownloadMedia(ctx context.Context, u string, max int64) ([]byte, error) {
	pu, err := url.Parse(u)
	if err != nil || (pu.Scheme != "https" && pu.Scheme != "http") || pu.Host == "" {
		return nil, &SendError{Action: ActionFixRequest, Err: invalid("bad media url")}
	}
	// The whole download shares one deadline, longer than a send's: a
	// 100 MB document takes a while on a slow line.
	ctx, cancel := context.WithTimeout(ctx, 10*c.timeout)
	defer cancel()
	raw, _, err := c.do(ctx, http.MethodGet, u, "", nil, max+1)
	if err != nil {
		return nil, err
	}
	if int64(len(raw)) > max {
		return nil, fmt.Errorf("download media: %w (limit %d bytes)", ErrTooLarge, max)
	}
	return raw, nil
}

// UploadMedia uploads a file for phoneNumberID (reference §9.3) and
// returns its media id, valid 30 days for any number of sends.
func (c *Client) UploadMedia(ctx context.Context, phoneNumberID, mimeType, filename string, data []byte) (string, error) {
	if strings.TrimSpace(phoneNumberID) == "" {
		return "", &SendError{Action: ActionFixRequest, Err: invalid("empty phone number id")}
	}
	if mimeType == "" || len(data) == 0 {
		return "", &SendError{Action: ActionFixRequest, Err: invalid("media without type or content")}
	}
	if filename == "" {
		filename = "file"
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("messaging_product", "whatsapp")
	_ = mw.WriteField("type", mimeType)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, filename))
	h.Set("Content-Type", mimeType)
	part, err := mw.CreatePart(h)
	if err == nil {
		_, err = part.Write(data)
	}
	if err == nil {
		err = mw.Close()
	}
	if err != nil {
		return "", &SendError{Action: ActionFixRequest, Err: fmt.Errorf("build upload: %w", err)}
	}
	ctx, cancel := context.WithTimeout(ctx, 10*c.timeout)
	defer cancel()
	u := c.base + "/" + c.version + "/" + url.PathEscape(phoneNumberID) + "/media"
	raw, status, err := c.do(ctx, http.MethodPost, u, mw.FormDataContentType(), &body, maxResponse)
	if err != nil {
		return "", err
	}
	var resp struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(raw, &resp); err != nil || resp.ID == "" {
		return "", &SendError{HTTPStatus: status, Timeout: true, Action: ActionRetry, Message: "upload answer without id", Err: err}
	}
	return resp.ID, nil
}

// do sends one request with the access token and returns a 2xx body (at
// most limit bytes); anything else is a *SendError.
func (c *Client) do(ctx context.Context, method, u, contentType string, body io.Reader, limit int64) ([]byte, int, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, 0, &SendError{Action: ActionFixRequest, Err: fmt.Errorf("build request: %w", err)}
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	res, err := c.http.Do(req)
	if err != nil {
		return nil, 0, c.transportError(err)
	}
	defer res.Body.Close()
	if res.StatusCode < 200 || res.StatusCode >= 300 {
		raw, _ := io.ReadAll(io.LimitReader(res.Body, maxResponse))
		return nil, res.StatusCode, c.responseError(res.StatusCode, raw)
	}
	var raw []byte
	if n := res.ContentLength; n > 0 && n < limit {
		// A file of announced length is read into one buffer of that
		// size; io.ReadAll would grow and copy it a dozen times.
		raw = make([]byte, n)
		_, err = io.ReadFull(res.Body, raw)
	} else {
		raw, err = io.ReadAll(io.LimitReader(res.Body, limit))
	}
	if err != nil {
		return nil, res.StatusCode, c.transportError(fmt.Errorf("read response: %w", err))
	}
	return raw, res.StatusCode, nil
}

// Outbound media kinds (reference §4.8).
const (
	KindImage    = "image"
	KindDocument = "document"
	KindVideo    = "video"
	KindAudio    = "audio"
	KindSticker  = "sticker"
)

// MaxCaptionLen is the longest caption of an image, video or document.
const MaxCaptionLen = 1024

// OutMedia is the file of an outbound media message: an uploaded media
// id (preferred: WhatsApp does not fetch anything at send time) or a
// public HTTPS link.
type OutMedia struct {
	ID       string `json:"id,omitempty"`
	Link     string `json:"link,omitempty"`
	Caption  string `json:"caption,omitempty"`   // image, video, document
	Filename string `json:"filename,omitempty"`  // document
	MimeType string `json:"mime_type,omitempty"` // kept for the transcript; not sent
	// SHA256 names a kept file (an FAQ answer's attachment) whose media
	// id the sender fills in from the number it sends from; never sent.
	SHA256 string `json:"sha256,omitempty"`
}

type mediaBody struct {
	ID       string `json:"id,omitempty"`
	Link     string `json:"link,omitempty"`
	Caption  string `json:"caption,omitempty"`
	Filename string `json:"filename,omitempty"`
}

func (o Outbound) validateMedia() error {
	m := o.Media
	if m == nil {
		return invalid("%s without media", o.Kind)
	}
	if m.ID == "" && m.Link == "" && m.SHA256 != "" {
		// Resolved to a media id when it is sent.
	} else if (m.ID == "") == (m.Link == "") {
		return invalid("%s needs exactly one of a media id and a link", o.Kind)
	}
	if m.Link != "" {
		if u, err := url.Parse(m.Link); err != nil || u.Scheme != "https" || u.Host == "" {
			return invalid("%s link must be an https URL", o.Kind)
		}
	}
	if m.Caption != "" && (o.Kind == KindAudio || o.Kind == KindSticker) {
		return invalid("%s takes no caption", o.Kind)
	}
	if m.Filename != "" && o.Kind != KindDocument {
		return invalid("only a document takes a filename")
	}
	return checkLen("caption", m.Caption, MaxCaptionLen, false)
}

func (p *payload) setMedia(o Outbound) {
	b := &mediaBody{ID: o.Media.ID, Link: o.Media.Link, Caption: o.Media.Caption, Filename: o.Media.Filename}
	p.Type = o.Kind
	switch o.Kind {
	case KindImage:
		p.Image = b
	case KindDocument:
		p.Document = b
	case KindVideo:
		p.Video = b
	case KindAudio:
		p.Audio = b
	case KindSticker:
		p.Sticker = b
	}
}
