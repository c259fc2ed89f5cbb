// Package httpstatus decides, in one place, what a request that failed is
// answered: every handler returns the domain error it met, and Of turns it
// into a status and a JSON body. The errors are defined by the packages
// that own them (the store, the engine, the knowledge base, broadcasts,
// contact imports, the Cloud API); this package only reads them.
package httpstatus

import (
	"errors"
	"math"
	"strconv"
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
	"lifeline/correction"
	"lifeline/csvtext"
	"lifeline/incident"
	"lifeline/kb"
	"lifeline/places"
	"lifeline/privacy"
	"lifeline/sms"
	"lifeline/store"
)

// Answer is the status and JSON body of a failed request.
type Answer struct {
	Status int
	// Body holds "error", a message for the client; imports add "rows",
	// every bad row named. The readiness check alone answers "status"
	// and "reason" instead.
	Body fiber.Map
	// RetryAfter, when set, is the Retry-After header in seconds.
	RetryAfter string
	// Unexpected: no domain error says what happened, so the client learns
	// nothing more than "internal error" and the server logs the error.
	Unexpected bool
}

func answer(status int, msg string) Answer {
	return Answer{Status: status, Body: fiber.Map{"error": msg}}
}

// Of maps err to its answer. The order matters where one error matches two
// cases: a *bot.NotStoredError caused by a full disk is the webhook's own
// answer, not the admin API's.
func Of(err error) Answer {
	var (
		fe  *fiber.Error
		rbe *reqbody.Error
		de  *apierr.Denied
		nf  *apierr.NotFound
		cf  *apierr.Conflict
		un  *apierr.Unavailable
		nr  *apierr.NotReady
		nse *bot.NotStoredError
		inf *incident.NotFoundError
		pnf *places.NotFoundError
		ce  *handoffs.ConflictError
		ie  *handoffs.InvalidError
		kie *kb.ImportError
		cie *csvtext.ImportError // contacts and places
		ee  *csvtext.EncodingError
		cse *csvtext.CharsetError
		use *store.UnsupportedError
	)
	switch {
	case err == nil:
		return answer(fiber.StatusOK, "")

	// Answers fiber chose itself: unknown routes, the body limit.
	case errors.As(err, &fe):
		return answer(fe.Code, fe.Message)

	// The admin server's own refusals: who may call, what a request names,
	// the rules on accounts and tokens, parts of the server that are off.
	case errors.As(err, &de):
		switch de.Kind {
		case apierr.Forbidden:
			return answer(fiber.StatusForbidden, de.Msg)
		case apierr.Throttled:
			a := answer(fiber.StatusTooManyRequests, de.Msg)
			a.RetryAfter = seconds(de.RetryAfter)
			return a
		}
		return answer(fiber.StatusUnauthorized, de.Msg)
	case errors.As(err, &nf):
		return answer(fiber.StatusNotFound, nf.Error())
	case errors.As(err, &cf):
		return answer(fiber.StatusConflict, cf.Msg)
	case errors.As(err, &un):
		return answer(fiber.StatusServiceUnavailable, un.Msg)
	case errors.As(err, &nr):
		// The readiness check's own shape: load balancers and operators
		// read "reason".
		return Answer{Status: fiber.StatusServiceUnavailable, Body: fiber.Map{"status": "not ready", "reason": nr.Reason}}
	case errors.As(err, &rbe):
		switch rbe.Kind {
		case reqbody.UnsupportedType:
			return answer(fiber.StatusUnsupportedMediaType, rbe.Msg)
		case reqbody.TooLarge:
			return answer(fiber.StatusRequestEntityTooLarge, rbe.Msg)
		}
		return answer(fiber.StatusBadRequest, rbe.Msg)

	// The WhatsApp webhook.
	case errors.Is(err, whatsapp.ErrNoSignature), errors.Is(err, whatsapp.ErrBadSignature):
		return answer(fiber.StatusUnauthorized, err.Error())
	case errors.Is(err, whatsapp.ErrVerifyFailed):
		return answer(fiber.StatusForbidden, err.Error())
	case errors.Is(err, whatsapp.ErrMalformed):
		return answer(fiber.StatusBadRequest, err.Error())

	// The SMS provider's callbacks: unsigned or badly signed ones are
	// refused, the provider shows them in its error log.
	case errors.Is(err, sms.ErrNoSignature), errors.Is(err, sms.ErrBadSignature):
		return answer(fiber.StatusForbidden, err.Error())
	case errors.Is(err, sms.ErrMalformed):
		return answer(fiber.StatusBadRequest, err.Error())
	case errors.As(err, &nse):
		// Not 200: Meta keeps the events and delivers them again.
		if errors.Is(err, store.ErrDiskLow) {
			return answer(fiber.StatusServiceUnavailable, "disk space is low: events are not accepted until space is freed; retry later")
		}
		return answer(fiber.StatusServiceUnavailable, "events could not be stored; retry later")

	// The engine: handoffs and the agent console. The client gets the
	// engine's own words, without the wrapping that says where the error
	// came from.
	case errors.As(err, &ce):
		return answer(fiber.StatusConflict, ce.Msg)
	case errors.As(err, &ie):
		return answer(fiber.StatusBadRequest, ie.Msg)

	// Broadcasts.
	case errors.Is(err, broadcast.ErrEmptyAudience):
		return answer(fiber.StatusUnprocessableEntity, err.Error())
	case errors.Is(err, broadcast.ErrInvalid):
		return answer(fiber.StatusBadRequest, err.Error())
	case errors.Is(err, broadcast.ErrState):
		return answer(fiber.StatusConflict, err.Error())

	// Incidents.
	case errors.As(err, &inf):
		return answer(fiber.StatusNotFound, inf.Error())
	case errors.Is(err, incident.ErrInvalid):
		return answer(fiber.StatusBadRequest, err.Error())
	case errors.Is(err, incident.ErrState):
		return answer(fiber.StatusConflict, err.Error())

	// Corrections of FAQ answers.
	case errors.Is(err, correction.ErrInvalid):
		return answer(fiber.StatusBadRequest, err.Error())
	case errors.Is(err, correction.ErrState):
		return answer(fiber.StatusConflict, err.Error())
	case errors.Is(err, correction.ErrNotApprover):
		return answer(fiber.StatusForbidden, err.Error())

	// Places.
	case errors.As(err, &pnf):
		return answer(fiber.StatusNotFound, pnf.Error())
	case errors.Is(err, places.ErrInvalid):
		return answer(fiber.StatusBadRequest, err.Error())
	case errors.Is(err, places.ErrConflict):
		return answer(fiber.StatusConflict, err.Error())

	// Imports: a bad file is refused whole, with every bad row named.
	case errors.As(err, &kie):
		return Answer{Status: fiber.StatusBadRequest, Body: fiber.Map{"error": "invalid rows, nothing imported", "rows": kie.Rows}}
	case errors.As(err, &cie):
		return Answer{Status: fiber.StatusBadRequest, Body: fiber.Map{"error": "nothing imported: fix the rows listed and send the whole file again", "rows": cie.Rows}}
	case errors.As(err, &ee):
		return Answer{Status: fiber.StatusBadRequest, Body: fiber.Map{"error": "nothing imported: " + ee.Error(),
			"rows": []contacts.RowError{{Row: ee.Line, Message: ee.Error()}}}}
	case errors.As(err, &cse):
		return answer(fiber.StatusBadRequest, "nothing imported: "+cse.Error())
	case errors.Is(err, contacts.ErrImportRunning):
		return answer(fiber.StatusConflict, err.Error())

	// The knowledge base.
	case errors.Is(err, kb.ErrNotFound):
		return answer(fiber.StatusNotFound, err.Error())
	case errors.Is(err, kb.ErrConflict):
		return answer(fiber.StatusConflict, err.Error())
	case errors.Is(err, kb.ErrInvalid):
		return answer(fiber.StatusBadRequest, err.Error())

	// Personal data.
	case errors.Is(err, privacy.ErrNoSuchPerson):
		return answer(fiber.StatusNotFound, privacy.ErrNoSuchPerson.Error())

	// The store. Its wrapped messages name keys, which can hold a phone
	// number: the client gets a fixed text.
	case errors.Is(err, store.ErrDiskLow):
		a := answer(fiber.StatusServiceUnavailable, "disk space is low: "+err.Error()+"; retry once space is freed")
		a.RetryAfter = "60"
		return a
	case errors.Is(err, store.ErrNotFound):
		return answer(fiber.StatusNotFound, "not found")
	case errors.As(err, &use):
		// Names the feature and the backend only.
		return answer(fiber.StatusNotImplemented, use.Error())
	}
	a := answer(fiber.StatusInternalServerError, "internal error")
	a.Unexpected = true
	return a
}

// seconds is a Retry-After value: whole seconds, rounded up, at least 1.
func seconds(d time.Duration) string {
	return strconv.Itoa(max(1, int(math.Ceil(d.Seconds()))))
}

// Handler is the application's error handler: it answers err as Of says,
// and logs the errors no domain error explains.
func Handler(log zerolog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		a := Of(err)
		if a.Unexpected {
			rid, _ := c.Locals("requestid").(string)
			log.Error().Err(err).Str("request_id", rid).Str("path", c.Route().Path).Msg("request failed")
		}
		if a.RetryAfter != "" {
			c.Set(fiber.HeaderRetryAfter, a.RetryAfter)
		}
		return c.Status(a.Status).JSON(a.Body)
	}
}

// After runs the application's error handler for err, if there is one, so
// that the response holds the final status and body, and returns that
// status. The error is then answered: the middleware returns the second
// result (nil unless the error handler itself failed) instead of err.
func After(c *fiber.Ctx, err error) (int, error) {
	if err != nil {
		err = c.App().Config().ErrorHandler(c, err)
	}
	return c.Response().StatusCode(), err
}
