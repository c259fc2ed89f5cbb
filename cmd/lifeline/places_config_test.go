package main

import "testing"

func TestPlacesRadiusSetting(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		wantErr string // names the bad setting; empty for success
		km      float64
	}{
		{name: "default", km: 50},
		{name: "set", env: map[string]string{"LIFELINE_PLACES_RADIUS_KM": "7.5"}, km: 7.5},
		{name: "not a number", env: map[string]string{"LIFELINE_PLACES_RADIUS_KM": "far"}, wantErr: "LIFELINE_PLACES_RADIUS_KM"},
		{name: "zero", env: map[string]string{"LIFELINE_PLACES_RADIUS_KM": "0"}, wantErr: "LIFELINE_PLACES_RADIUS_KM=0"},
		{name: "negative", env: map[string]string{"LIFELINE_PLACES_RADIUS_KM": "-5"}, wantErr: "LIFELINE_PLACES_RADIUS_KM=-5"},
		{name: "a typo for 50", env: map[string]string{"LIFELINE_PLACES_RADIUS_KM": "5000"}, wantErr: "LIFELINE_PLACES_RADIUS_KM=5000"},
		{name: "not a number at all", env: map[string]string{"LIFELINE_PLACES_RADIUS_KM": "NaN"}, wantErr: "LIFELINE_PLACES_RADIUS_KM"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, ok := loadSetting(t, tc.env, tc.wantErr)
			if !ok {
				return
			}
			if c.PlacesRadiusKm != tc.km {
				t.Errorf("radius %v km, want %v", c.PlacesRadiusKm, tc.km)
			}
		})
	}
}
