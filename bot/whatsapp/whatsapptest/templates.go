package whatsapptest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
)

// SetTemplates is the business account's template list that GET
// /{version}/{waba_id}/message_templates answers, pageSize at a time
// (0 for 25; the request's limit, when smaller, wins), with the Graph
// API's paging: paging.cursors.before and after on every page, and
// paging.next only when another page follows. Each template is the JSON
// object of one template (name, language, status, category, components).
func (s *Server) SetTemplates(pageSize int, templates ...map[string]any) {
	s.mu.Lock()
	s.templates, s.templatePage = templates, pageSize
	s.mu.Unlock()
}

// FailTemplates makes the next n template list calls answer httpStatus
// with the Graph error JSON for code.
func (s *Server) FailTemplates(n int, httpStatus, code int) {
	s.mu.Lock()
	s.templateFail, s.templateResp = n, Response{Status: httpStatus, Code: code}
	s.mu.Unlock()
}

// TemplateCalls returns the after cursor of every template list call, in
// order ("" for a first page).
func (s *Server) TemplateCalls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.templateCalls...)
}

func (s *Server) serveTemplates(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	token := s.token
	after := r.URL.Query().Get("after")
	s.templateCalls = append(s.templateCalls, after)
	fail := s.templateFail > 0
	if fail {
		s.templateFail--
	}
	resp, all, size := s.templateResp, s.templates, s.templatePage
	s.mu.Unlock()
	if token != "" && r.Header.Get("Authorization") != "Bearer "+token {
		writeJSON(w, http.StatusUnauthorized, ErrorBody(190, "Error validating access token."))
		return
	}
	if fail {
		writeJSON(w, statusOr(resp.Status, http.StatusBadRequest), ErrorBody(resp.Code, ""))
		return
	}
	if size <= 0 {
		size = 25
	}
	if l, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && l > 0 && l < size {
		size = l
	}
	// Cursors are opaque to clients; here they are the position, encoded.
	start := 0
	if after != "" {
		n, err := strconv.Atoi(after[1:])
		if after[0] != 'c' || err != nil || n < 0 || n > len(all) {
			writeJSON(w, http.StatusBadRequest, ErrorBody(100, "Invalid parameter: after cursor"))
			return
		}
		start = n
	}
	end := min(start+size, len(all))
	page := map[string]any{"data": append([]map[string]any{}, all[start:end]...)}
	paging := map[string]any{"cursors": map[string]string{"before": "c" + strconv.Itoa(start), "after": "c" + strconv.Itoa(end)}}
	if end < len(all) {
		q := r.URL.Query()
		q.Set("after", "c"+strconv.Itoa(end))
		next := url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawQuery: q.Encode()}
		paging["next"] = next.String()
	}
	page["paging"] = paging
	b, _ := json.Marshal(page)
	writeJSON(w, http.StatusOK, b)
}
