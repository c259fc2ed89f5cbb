package main

import (
	"errors"
	"fmt"
	"io"
)

// The command-line tools that talk to a running server (kb, broadcast,
// contacts, backup) find it the same way.

const defaultServer = "http://127.0.0.1:8080"

// clientDefaults returns the server URL and API token a tool uses when no
// flags are given: LIFELINE_SERVER, and LIFELINE_TOKEN or else the
// bootstrap LIFELINE_ADMIN_TOKEN.
func clientDefaults(getenv func(string) string) (server, token string) {
	return firstNonEmpty(getenv("LIFELINE_SERVER"), defaultServer),
		firstNonEmpty(getenv("LIFELINE_TOKEN"), getenv("LIFELINE_ADMIN_TOKEN"))
}

// exitCode turns the error of a tool's sub-command into its exit code: 2
// with the usage for a usage error, 1 for a failure, 0 for success.
func exitCode(err error, tool, sub, usage string, stderr io.Writer) int {
	var ue usageError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "lifeline %s: %s\n%s", tool, ue.msg, usage)
		return 2
	case err != nil:
		fmt.Fprintf(stderr, "lifeline %s %s: %v\n", tool, sub, err)
		return 1
	}
	return 0
}
