package main

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"lifeline/media"
)

// MediaSettings are the downloader's settings for the files people send
// (LIFELINE_MEDIA_*).
type MediaSettings struct {
	// Workers is how many downloads run at once when the inbound path
	// has no backlog (LIFELINE_MEDIA_WORKERS, default 2).
	Workers int
	// MaxDelay is how long a download may wait behind a backlog of
	// inbound events before it goes anyway (LIFELINE_MEDIA_MAX_DELAY,
	// default 10m). WhatsApp keeps an inbound media id 7 days; the
	// bound keeps a day's margin and the agent's view current.
	MaxDelay time.Duration
}

func defaultMediaSettings() MediaSettings {
	return MediaSettings{Workers: 2, MaxDelay: media.DefaultMaxDelay}
}

// loadMediaEnv reads the LIFELINE_MEDIA_* variables into m.
func loadMediaEnv(m *MediaSettings, getenv func(string) string) error {
	return errors.Join(
		setting(getenv, "LIFELINE_MEDIA_WORKERS", &m.Workers, strconv.Atoi, "not a whole number"),
		setting(getenv, "LIFELINE_MEDIA_MAX_DELAY", &m.MaxDelay, time.ParseDuration, "not a duration such as 10m or 1h"),
	)
}

// maxMediaDelay leaves a day of the id's validity for retries.
const maxMediaDelay = media.InboundValidity - 24*time.Hour

func (m MediaSettings) validate() error {
	if m.Workers < 1 || m.Workers > 64 {
		return fmt.Errorf("LIFELINE_MEDIA_WORKERS=%d: want 1 to 64 downloads at once", m.Workers)
	}
	if m.MaxDelay < time.Second || m.MaxDelay > maxMediaDelay {
		return fmt.Errorf("LIFELINE_MEDIA_MAX_DELAY=%s: want 1s to %s (a media id lasts 7 days)", m.MaxDelay, maxMediaDelay)
	}
	return nil
}
