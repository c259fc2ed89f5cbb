// Package httpstatus lets middleware learn the status a request really
// answered with, when the handler returned an error that the server's one
// error handler turns into a status.
package httpstatus

import "github.com/gofiber/fiber/v2"

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
