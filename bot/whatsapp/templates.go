package whatsapp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// MessageTemplate is one message template of a business account as the
// management API lists it (GET /{waba-id}/message_templates).
type MessageTemplate struct {
	ID              string         `json:"id,omitempty"`
	Name            string         `json:"name"`
	Language        string         `json:"language"`
	Status          string         `json:"status"`
	Category        string         `json:"category,omitempty"`
	ParameterFormat string         `json:"parameter_format,omitempty"` // POSITIONAL or NAMED
	Components      []TemplatePart `json:"components"`
}

// TemplatePart is a HEADER, BODY, FOOTER or BUTTONS part of a template.
type TemplatePart struct {
	Type    string           `json:"type"`
	Format  string           `json:"format,omitempty"` // HEADER: TEXT, IMAGE, VIDEO, DOCUMENT, LOCATION
	Text    string           `json:"text,omitempty"`
	Buttons []TemplateButton `json:"buttons,omitempty"`
}

// TemplateButton is one button of a BUTTONS component.
type TemplateButton struct {
	Type string `json:"type"` // QUICK_REPLY, URL, PHONE_NUMBER, ...
	Text string `json:"text"`
}

// TemplatePage is one page of the template list.
type TemplatePage struct {
	Data   []MessageTemplate `json:"data"`
	Paging struct {
		Cursors struct {
			Before string `json:"before,omitempty"`
			After  string `json:"after,omitempty"`
		} `json:"cursors"`
		Next string `json:"next,omitempty"`
	} `json:"paging"`
}

// templateFields are the fields the list asks for.
const templateFields = "id,name,language,status,category,parameter_format,components"

// maxTemplatePages bounds the paging: a business account has at most a
// few thousand templates, and a server that always names a next page must
// not keep the sync running forever.
const maxTemplatePages = 200

// ListTemplates lists every message template of the business account
// wabaID, following the paging cursors. Errors are *SendError, as for
// sends (an expired token is ActionAlertAdmin).
func (c *Client) ListTemplates(ctx context.Context, wabaID string) ([]MessageTemplate, error) {
	if strings.TrimSpace(wabaID) == "" {
		return nil, &SendError{Action: ActionFixRequest, Err: invalid("empty business account id")}
	}
	var out []MessageTemplate
	after := ""
	for page := 0; ; page++ {
		if page == maxTemplatePages {
			return nil, &SendError{Action: ActionFixRequest, Message: fmt.Sprintf("template list longer than %d pages", maxTemplatePages)}
		}
		q := url.Values{"fields": {templateFields}, "limit": {"100"}}
		if after != "" {
			q.Set("after", after)
		}
		var p TemplatePage
		if err := c.get(ctx, "/"+url.PathEscape(wabaID)+"/message_templates?"+q.Encode(), &p); err != nil {
			return nil, err
		}
		out = append(out, p.Data...)
		// The cursor alone does not say whether there is more: the last
		// page has an after cursor too, but no next link.
		if p.Paging.Next == "" || p.Paging.Cursors.After == "" || p.Paging.Cursors.After == after || len(p.Data) == 0 {
			return out, nil
		}
		after = p.Paging.Cursors.After
	}
}

// get reads path (below the version) and decodes a 2xx answer into out.
func (c *Client) get(ctx context.Context, path string, out any) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/"+c.version+path, nil)
	if err != nil {
		return &SendError{Action: ActionFixRequest, Err: fmt.Errorf("build request: %w", err)}
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	res, err := c.http.Do(req)
	if err != nil {
		return c.transportError(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxResponse))
	if err != nil {
		return c.transportError(fmt.Errorf("read response: %w", err))
	}
	if res.StatusCode < 200 || res.StatusCode >= 300 {
		return c.responseError(res.StatusCode, raw)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return &SendError{HTTPStatus: res.StatusCode, Action: ActionRetry, Message: "undecodable response", Err: err}
	}
	return nil
}
