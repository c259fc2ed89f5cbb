package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"os"

	"github.com/rs/zerolog"
)

// startPprof serves the runtime profiles (/debug/pprof/) on
// LIFELINE_PPROF_ADDR when it is set: on an address of its own, never the
// public one, since a profile shows the process's internals. bench cluster
// uses it to profile the instances during its measured window. A loopback
// address only: the endpoint has no authentication.
func startPprof(log zerolog.Logger) (stop func(), err error) {
	addr := os.Getenv("LIFELINE_PPROF_ADDR")
	if addr == "" {
		return func() {}, nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("LIFELINE_PPROF_ADDR %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("LIFELINE_PPROF_ADDR %q: want a loopback address", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("LIFELINE_PPROF_ADDR: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	srv := &http.Server{Handler: mux}
	go func() { _ = srv.Serve(ln) }()
	log.Info().Str("addr", addr).Msg("profiles served")
	return func() { _ = srv.Close() }, nil
}
