package whatsapptest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// File is a media file the fake serves (inbound media) or received (an upload).
type File struct {
	ID       string
	MimeType string
	Filename string
	Data     []byte
}

// AddMedia makes media id downloadable the way the Graph API does it
// (reference §3.3): GET /{version}/{id} answers a short-lived URL on this
// fake, and GET on that URL, with the Bearer token, answers the bytes.
func (s *Server) AddMedia(id, mimeType string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.media == nil {
		s.media = map[string]File{}
	}
	s.media[id] = File{ID: id, MimeType: mimeType, Data: data}
}

// FailMedia makes GET /{version}/{id} answer r (for instance Status 404,
// Code 131052) the next n times; n < 0 for always.
func (s *Server) FailMedia(id string, n int, r Response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mediaFail == nil {
		s.mediaFail = map[string]mediaFailure{}
	}
	s.mediaFail[id] = mediaFailure{n: n, resp: r}
}

// FailUploads makes the next n uploads (POST /{version}/{phone}/media)
// answer r: a Status 500 with Code 1, a 429 with Code 80007, a Hang.
func (s *Server) FailUploads(n int, r Response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.uploadFailN, s.uploadFail = n, r
}

type mediaFailure struct {
	n    int
	resp Response
}

// Uploads returns the files uploaded with POST /{version}/{phone}/media, in order.
func (s *Server) Uploads() []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]File(nil), s.uploads...)
}

// WaitRequests blocks until at least n requests of kind ("message",
// "read", "media", "download", "upload") arrived; it fails the test after
// timeout.
func (s *Server) WaitRequests(t interface {
	Helper()
	Fatalf(string, ...any)
}, kind string, n int, timeout time.Duration) []Request {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		var out []Request
		for _, r := range s.requests {
			if r.Kind == kind {
				out = append(out, r)
			}
		}
		changed := s.changed
		s.mu.Unlock()
		if len(out) >= n {
			return out
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("whatsapptest: got %d %s requests after %v, want %d", len(out), kind, timeout, n)
			return nil
		}
	}
}

// downloadPrefix is the path of the fake's download URLs.
const downloadPrefix = "/_media/"

// serveMedia answers the media endpoints; it reports false for any other request.
func (s *Server) serveMedia(w http.ResponseWriter, r *http.Request, parts []string) bool {
	switch {
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, downloadPrefix):
		s.serveDownload(w, r, strings.TrimPrefix(r.URL.Path, downloadPrefix))
	case r.Method == http.MethodGet && len(parts) == 2 && parts[0] != "" && parts[1] != "":
		s.serveMediaInfo(w, r, parts[0], parts[1])
	case r.Method == http.MethodPost && len(parts) == 3 && parts[2] == "media" && parts[1] != "":
		s.serveUpload(w, r, parts[0], parts[1])
	default:
		return false
	}
	return true
}

// authorized checks the Bearer token like the Graph API: the one given to
// SetToken, or, without one, any Bearer token at all (a download without
// the header is a bug the real API answers with 401).
func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	s.mu.Lock()
	token := s.token
	s.mu.Unlock()
	got := r.Header.Get("Authorization")
	if (token != "" && got != "Bearer "+token) || (token == "" && !strings.HasPrefix(got, "Bearer ")) {
		if token == "" {
			s.unexpected("%s %s without a Bearer token", r.Method, r.URL.Path)
		}
		writeJSON(w, http.StatusUnauthorized, ErrorBody(190, "Error validating access token."))
		return false
	}
	return true
}

func (s *Server) serveMediaInfo(w http.ResponseWriter, r *http.Request, version, id string) {
	if !s.authorized(w, r) {
		return
	}
	resp := s.record(Request{Version: version, Kind: "media", Body: map[string]any{"id": id}, Time: time.Now()})
	s.mu.Lock()
	f, ok := s.media[id]
	if fail, failing := s.mediaFail[id]; failing && fail.n != 0 {
		if fail.n > 0 {
			fail.n--
			s.mediaFail[id] = fail
		}
		resp = fail.resp
	}
	s.mu.Unlock()
	switch {
	case !resp.zero():
		s.answer(w, r, resp)
		return
	case !ok:
		s.unexpected("GET media %q that the test did not add", id)
		writeJSON(w, http.StatusNotFound, ErrorBody(100, fmt.Sprintf("Unsupported get request. Object with ID '%s' does not exist.", id)))
		return
	}
	sum := sha256.Sum256(f.Data)
	b, _ := json.Marshal(map[string]any{
		"messaging_product": "whatsapp", "id": id, "mime_type": f.MimeType,
		"sha256": hex.EncodeToString(sum[:]), "file_size": len(f.Data),
		"url": s.URL + downloadPrefix + id + "?ext=" + fmt.Sprint(time.Now().UnixNano()),
	})
	writeJSON(w, http.StatusOK, b)
}

func (s *Server) serveDownload(w http.ResponseWriter, r *http.Request, id string) {
	if !s.authorized(w, r) {
		return
	}
	s.record(Request{Kind: "download", Body: map[string]any{"id": id}, Time: time.Now()})
	s.mu.Lock()
	f, ok := s.media[id]
	s.mu.Unlock()
	if !ok {
		s.unexpected("download of media %q that the test did not add", id)
		w.WriteHeader(http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", f.MimeType)
	// Announced like a file server announces a file's length.
	w.Header().Set("Content-Length", strconv.Itoa(len(f.Data)))
	w.Write(f.Data)
}

func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request, version, phone string) {
	if !s.authorized(w, r) {
		return
	}
	if err := r.ParseMultipartForm(200 << 20); err != nil {
		s.unexpected("upload that is not a multipart form: %v", err)
		writeJSON(w, http.StatusBadRequest, ErrorBody(100, "Invalid parameter: multipart form expected."))
		return
	}
	file, hdr, err := r.FormFile("file")
	if err != nil || r.FormValue("messaging_product") != "whatsapp" || r.FormValue("type") == "" {
		s.unexpected("upload without file, type or messaging_product")
		writeJSON(w, http.StatusBadRequest, ErrorBody(100, "Invalid parameter: file, type and messaging_product are required."))
		return
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		return
	}
	f := File{ID: fmt.Sprintf("FAKEMEDIA%06d", s.seq.Add(1)), MimeType: r.FormValue("type"), Filename: hdr.Filename, Data: data}
	resp := s.record(Request{Version: version, PhoneNumberID: phone, Kind: "upload",
		Body: map[string]any{"type": f.MimeType, "filename": f.Filename, "size": len(data)}, Time: time.Now()})
	if !resp.zero() {
		s.answer(w, r, resp)
		return
	}
	s.mu.Lock()
	s.uploads = append(s.uploads, f)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, []byte(`{"id":"`+f.ID+`"}`))
}

func (r Response) zero() bool {
	return r.Status == 0 && r.Code == 0 && r.Delay == 0 && !r.Hang && r.Hold == nil && r.Body == nil
}

// answer writes a failure Response (after its Delay or Hang) to a media request.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, resp Response) {
	if !s.wait(r, resp) {
		return
	}
	switch {
	case resp.Body != nil:
		writeJSON(w, statusOr(resp.Status, http.StatusOK), resp.Body)
	case resp.Code != 0:
		writeJSON(w, statusOr(resp.Status, http.StatusBadRequest), ErrorBody(resp.Code, ""))
	default:
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(statusOr(resp.Status, http.StatusInternalServerError))
		io.WriteString(w, http.StatusText(statusOr(resp.Status, http.StatusInternalServerError)))
	}
}
