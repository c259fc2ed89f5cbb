package main

import "testing"

// TestPageURL: the start-up log names addresses a browser on this machine
// can open, whatever LIFELINE_ADDR looks like.
func TestPageURL(t *testing.T) {
	cases := []struct{ label, addr, want string }{
		{"port only", ":8080", "http://localhost:8080/console/"},
		{"every IPv4 address", "0.0.0.0:8080", "http://localhost:8080/console/"},
		{"every IPv6 address", "[::]:8080", "http://localhost:8080/console/"},
		{"one address", "127.0.0.1:9090", "http://127.0.0.1:9090/console/"},
		{"a name", "lifeline.internal:80", "http://lifeline.internal:80/console/"},
		{"IPv6 loopback", "[::1]:8080", "http://[::1]:8080/console/"},
	}
	for _, c := range cases {
		if got := pageURL(c.addr, "/console/"); got != c.want {
			t.Errorf("%s: pageURL(%q) = %q, want %q", c.label, c.addr, got, c.want)
		}
	}
}
