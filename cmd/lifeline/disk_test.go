package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

func TestDiskReserveSetting(t *testing.T) {
	cases := []struct {
		value   string
		want    uint64
		wantErr bool
	}{
		{"", 256 << 20, false}, // default
		{"512MB", 512 << 20, false},
		{"1GB", 1 << 30, false},
		{"300MiB", 300 << 20, false},
		{"1048576", 1 << 20, false},
		{"0", 0, false}, // no reserve
		{"lots", 0, true},
		{"-5MB", 0, true},
		{"5TB", 0, true},
		{"2048GB", 0, true},
	}
	for _, c := range cases {
		env := map[string]string{"LIFELINE_DISK_RESERVE": c.value}
		cfg, err := loadConfig(nil, envOf(env))
		if c.wantErr {
			if err == nil || !strings.Contains(err.Error(), "LIFELINE_DISK_RESERVE") {
				t.Errorf("%q: error %v, want one naming LIFELINE_DISK_RESERVE", c.value, err)
			}
			continue
		}
		if err != nil || cfg.DiskReserve != c.want {
			t.Errorf("%q: reserve %d %v, want %d", c.value, cfg.DiskReserve, err, c.want)
		}
	}
}

// Starting on a nearly full disk works (reads can be served) and says so
// in one line.
func TestStartOnANearlyFullDiskSaysSoInOneLine(t *testing.T) {
	cfg := defaultConfig()
	cfg.DataDir = filepath.Join(t.TempDir(), "data")
	cfg.AdminToken = "disk-test-admin-token-0123456789"
	cfg.freeSpace = func(string) (uint64, error) { return 100 << 20, nil }
	var logs bytes.Buffer
	inst, err := start(cfg, zerolog.New(&logs).Level(zerolog.InfoLevel), &bytes.Buffer{})
	if err != nil {
		t.Fatalf("start on a nearly full disk: %v", err)
	}
	defer inst.close()
	var alerts []string
	for _, l := range strings.Split(logs.String(), "\n") {
		if strings.Contains(l, "ALERT") {
			alerts = append(alerts, l)
		}
	}
	if len(alerts) != 1 || !strings.Contains(alerts[0], "100.0 MiB free") || !strings.Contains(alerts[0], "LIFELINE_DISK_RESERVE") {
		t.Errorf("want one ALERT line naming the free space and the setting, got:\n%s", strings.Join(alerts, "\n"))
	}
}
