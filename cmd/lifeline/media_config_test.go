package main

import (
	"testing"
	"time"
)

func TestMediaSettings(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		wantErr string // names the bad setting; empty for success
		workers int
		delay   time.Duration
	}{
		{name: "defaults", workers: 2, delay: 10 * time.Minute},
		{name: "set", env: map[string]string{"LIFELINE_MEDIA_WORKERS": "6", "LIFELINE_MEDIA_MAX_DELAY": "1h"}, workers: 6, delay: time.Hour},
		{name: "no workers", env: map[string]string{"LIFELINE_MEDIA_WORKERS": "0"}, wantErr: "LIFELINE_MEDIA_WORKERS=0"},
		{name: "too many workers", env: map[string]string{"LIFELINE_MEDIA_WORKERS": "65"}, wantErr: "LIFELINE_MEDIA_WORKERS=65"},
		{name: "workers not a number", env: map[string]string{"LIFELINE_MEDIA_WORKERS": "four"}, wantErr: "LIFELINE_MEDIA_WORKERS"},
		{name: "delay not a duration", env: map[string]string{"LIFELINE_MEDIA_MAX_DELAY": "soon"}, wantErr: "LIFELINE_MEDIA_MAX_DELAY"},
		{name: "delay past the id's validity", env: map[string]string{"LIFELINE_MEDIA_MAX_DELAY": "168h"}, wantErr: "LIFELINE_MEDIA_MAX_DELAY=168h"},
		{name: "no delay", env: map[string]string{"LIFELINE_MEDIA_MAX_DELAY": "0s"}, wantErr: "LIFELINE_MEDIA_MAX_DELAY"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, ok := loadSetting(t, tc.env, tc.wantErr)
			if !ok {
				return
			}
			if c.Media.Workers != tc.workers || c.Media.MaxDelay != tc.delay {
				t.Errorf("workers %d, delay %s; want %d, %s", c.Media.Workers, c.Media.MaxDelay, tc.workers, tc.delay)
			}
		})
	}
}
