package httpstatus

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/rs/zerolog"

	"lifeline/admin/apierr"
	"lifeline/admin/reqbody"
	"lifeline/bot"
	"lifeline/bot/broadcast"
	"lifeline/bot/contacts"
	"lifeline/bot/handoffs"
	"lifeline/bot/whatsapp"
	"lifeline/csvtext"
	"lifeline/kb"
	"lifeline/privacy"
	"lifeline/store"
)

// TestEveryDomainErrorHasOneAnswer is the specification of what a failed
// request is answered: the error a handler returns, wrapped as handlers
// wrap it, and the status, JSON body and Retry-After the client gets.
func TestEveryDomainErrorHasOneAnswer(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("load handoff 15550001234: %w", err) }
	cases := []struct {
		label      string
		err        error
		status     int
		body       string
		retryAfter string
		unexpected bool
	}{
		// The HTTP layer's own answers.
		{"fiber error", fiber.NewError(fiber.StatusForbidden, "role \"viewer\" may not do this"), 403, `{"error":"role \"viewer\" may not do this"}`, "", false},
		{"unknown route", fiber.ErrNotFound, 404, `{"error":"Not Found"}`, "", false},
		{"request body", reqbody.Invalidf(`unknown field "audiense": not part of this request (check its spelling)`), 400,
			`{"error":"unknown field \"audiense\": not part of this request (check its spelling)"}`, "", false},
		{"request format", reqbody.Unsupported("unsupported content type: use text/csv"), 415, `{"error":"unsupported content type: use text/csv"}`, "", false},
		{"request too large", reqbody.CheckSize(5<<20, 4<<20), 413, `{"error":"body of 5242880 bytes is over the 4194304-byte limit"}`, "", false},

		// The admin server's own refusals: who may call.
		{"no credentials", apierr.Unauthenticatedf("authentication required: send Authorization: Bearer <token>"), 401,
			`{"error":"authentication required: send Authorization: Bearer \u003ctoken\u003e"}`, "", false},
		{"wrong role", apierr.Forbiddenf("role %q may not do this", "viewer"), 403, `{"error":"role \"viewer\" may not do this"}`, "", false},
		{"too many failures", apierr.Throttle("too many failed attempts; wait a minute", time.Minute+time.Nanosecond), 429,
			`{"error":"too many failed attempts; wait a minute"}`, "61", false},
		{"too many failures, wait rounded up", apierr.Throttle("wait", 59500*time.Millisecond), 429, `{"error":"wait"}`, "60", false},
		{"too many failures, at least a second", apierr.Throttle("wait", time.Millisecond), 429, `{"error":"wait"}`, "1", false},
		// What a request names that does not exist, said without the
		// store's wrapping (which names keys).
		{"no such token", wrap(&apierr.NotFound{What: "token", Err: store.ErrNotFound}), 404, `{"error":"no such token"}`, "", false},
		{"no account", wrap(&apierr.NotFound{What: "account", ID: "amira", Err: store.ErrNotFound}), 404, `{"error":"no account \"amira\""}`, "", false},
		{"no contact, number withheld", wrap(&apierr.NotFound{What: "contact", By: "WhatsApp id", Err: store.ErrNotFound}), 404,
			`{"error":"no contact with this WhatsApp id"}`, "", false},
		{"page off in this mode", &apierr.NotFound{What: "page", Why: "the simulator runs only in sandbox mode (no WhatsApp credentials configured)"}, 404,
			`{"error":"the simulator runs only in sandbox mode (no WhatsApp credentials configured)"}`, "", false},
		{"rule on accounts and tokens", wrap(apierr.Conflictf("this is the last admin token; create another admin token before revoking it")), 409,
			`{"error":"this is the last admin token; create another admin token before revoking it"}`, "", false},
		{"part of the server off", &apierr.Unavailable{Msg: "shutting down"}, 503, `{"error":"shutting down"}`, "", false},
		{"not ready", &apierr.NotReady{Reason: "store cannot write: " + store.ErrDiskLow.Error()}, 503,
			`{"reason":"store cannot write: disk space below the reserve","status":"not ready"}`, "", false},

		// The webhook.
		{"no signature", whatsapp.ErrNoSignature, 401, `{"error":"missing X-Hub-Signature-256 header"}`, "", false},
		{"forged signature", whatsapp.ErrBadSignature, 401, `{"error":"invalid X-Hub-Signature-256 signature"}`, "", false},
		{"handshake refused", whatsapp.ErrVerifyFailed, 403, `{"error":"verification failed: wrong hub.mode or hub.verify_token"}`, "", false},
		{"malformed body", fmt.Errorf("%w: object %q is not whatsapp_business_account", whatsapp.ErrMalformed, "page"), 400,
			`{"error":"malformed webhook: object \"page\" is not whatsapp_business_account"}`, "", false},
		{"events not stored, disk full", &bot.NotStoredError{Err: fmt.Errorf("write inbox: %w", store.ErrDiskLow)}, 503,
			`{"error":"disk space is low: events are not accepted until space is freed; retry later"}`, "", false},
		{"events not stored", &bot.NotStoredError{Err: errors.New("write inbox: database closed")}, 503,
			`{"error":"events could not be stored; retry later"}`, "", false},

		// The engine: handoffs and the agent console.
		{"handoff conflict", wrap(&handoffs.ConflictError{Msg: "the conversation is claimed by amira"}), 409, `{"error":"the conversation is claimed by amira"}`, "", false},
		{"handoff invalid", wrap(&handoffs.InvalidError{Msg: "\"text\" is required"}), 400, `{"error":"\"text\" is required"}`, "", false},

		// Broadcasts.
		{"empty audience", broadcast.ErrEmptyAudience, 422, `{"error":` + quote(broadcast.ErrEmptyAudience.Error()) + `}`, "", false},
		{"invalid broadcast", fmt.Errorf("%w: \"name\" is required", broadcast.ErrInvalid), 400, `{"error":"invalid broadcast: \"name\" is required"}`, "", false},
		{"broadcast state", fmt.Errorf("pause b1: %w", broadcast.ErrState), 409, `{"error":"pause b1: not possible in the broadcast's current state"}`, "", false},

		// Imports.
		{"faq rows", &kb.ImportError{Rows: []kb.RowError{{Row: 3, Error: "answer is empty"}}}, 400,
			`{"error":"invalid rows, nothing imported","rows":[{"row":3,"error":"answer is empty"}]}`, "", false},
		{"contact rows", &contacts.ImportError{Rows: []contacts.RowError{{Row: 2, Column: "phone", Message: "not a phone number"}}}, 400,
			`{"error":"nothing imported: fix the rows listed and send the whole file again","rows":[{"row":2,"column":"phone","message":"not a phone number"}]}`, "", false},
		{"upload encoding", &csvtext.EncodingError{Line: 4, Charset: "windows-1252"}, 400,
			`{"error":"nothing imported: line 4 cannot be read as windows-1252","rows":[{"row":4,"message":"line 4 cannot be read as windows-1252"}]}`, "", false},
		{"upload charset", &csvtext.CharsetError{Charset: "klingon"}, 400,
			`{"error":"nothing imported: charset \"klingon\" in Content-Type is not an encoding this server knows: use utf-8 or windows-1252"}`, "", false},
		{"import running", contacts.ErrImportRunning, 409, `{"error":` + quote(contacts.ErrImportRunning.Error()) + `}`, "", false},

		// The knowledge base.
		{"faq entry missing", fmt.Errorf("entry %w", kb.ErrNotFound), 404, `{"error":"entry not found"}`, "", false},
		{"faq entry exists", fmt.Errorf("entry \"x\": %w", kb.ErrConflict), 409, `{"error":"entry \"x\": already exists"}`, "", false},
		{"faq entry invalid", fmt.Errorf("%w: question is empty", kb.ErrInvalid), 400, `{"error":"invalid: question is empty"}`, "", false},

		// Personal data.
		{"nobody stored", privacy.ErrNoSuchPerson, 404, `{"error":"nothing is stored about this person"}`, "", false},

		// The store: fixed texts, since wrapped messages name keys.
		{"disk low", wrap(store.ErrDiskLow), 503, `{"error":"disk space is low: load handoff 15550001234: disk space below the reserve; retry once space is freed"}`, "60", false},
		{"record missing", wrap(store.ErrNotFound), 404, `{"error":"not found"}`, "", false},

		// Anything else says nothing and is logged.
		{"unexpected", wrap(errors.New("badger: closed")), 500, `{"error":"internal error"}`, "", true},
	}
	for _, tc := range cases {
		t.Run(tc.label, func(t *testing.T) {
			a := Of(tc.err)
			body, err := json.Marshal(a.Body)
			if err != nil {
				t.Fatal(err)
			}
			if a.Status != tc.status || string(body) != tc.body || a.RetryAfter != tc.retryAfter || a.Unexpected != tc.unexpected {
				t.Errorf("got %d %s retry-after %q unexpected %t,\nwant %d %s retry-after %q unexpected %t",
					a.Status, body, a.RetryAfter, a.Unexpected, tc.status, tc.body, tc.retryAfter, tc.unexpected)
			}
		})
	}
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// The handler writes the answer Of decides, headers included, and logs
// only the unexpected errors.
func TestHandlerWritesTheAnswer(t *testing.T) {
	var logs lineBuffer
	app := fiber.New(fiber.Config{ErrorHandler: Handler(zerolog.New(&logs))})
	app.Get("/full", func(*fiber.Ctx) error { return fmt.Errorf("save: %w", store.ErrDiskLow) })
	app.Get("/broken", func(*fiber.Ctx) error { return errors.New("badger: closed") })
	for _, tc := range []struct {
		path, body, retryAfter string
		status                 int
		logged                 bool
	}{
		{"/full", `{"error":"disk space is low: save: disk space below the reserve; retry once space is freed"}`, "60", 503, false},
		{"/broken", `{"error":"internal error"}`, "", 500, true},
	} {
		logs.b = nil
		resp, err := app.Test(httptest.NewRequest("GET", tc.path, nil))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != tc.status || string(b) != tc.body || resp.Header.Get("Retry-After") != tc.retryAfter {
			t.Errorf("%s: got %d %s retry-after %q, want %d %s %q", tc.path, resp.StatusCode, b, resp.Header.Get("Retry-After"), tc.status, tc.body, tc.retryAfter)
		}
		if logged := len(logs.b) > 0; logged != tc.logged {
			t.Errorf("%s: logged %t, want %t: %s", tc.path, logged, tc.logged, logs.b)
		}
	}
}

// lineBuffer collects log lines; app.Test returns after the handler has
// run, so no lock is needed.
type lineBuffer struct{ b []byte }

func (w *lineBuffer) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }
