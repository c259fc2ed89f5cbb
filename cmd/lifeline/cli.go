package main

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
