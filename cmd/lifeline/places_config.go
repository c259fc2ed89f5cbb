package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"lifeline/places"
)

// maxPlacesRadiusKm bounds LIFELINE_PLACES_RADIUS_KM: a place further
// than a day's walk or a short drive is not "near" in a crisis, and past
// this a typo (5000 for 50) is the likelier reading.
const maxPlacesRadiusKm = 500

// loadPlacesEnv reads LIFELINE_PLACES_RADIUS_KM: how far a place may be
// from a person's shared location and still be offered as near them.
func loadPlacesEnv(radiusKm *float64, getenv func(string) string) error {
	trimmed := func(name string) string { return strings.TrimSpace(getenv(name)) }
	parse := func(v string) (float64, error) { return strconv.ParseFloat(v, 64) }
	return setting(trimmed, "LIFELINE_PLACES_RADIUS_KM", radiusKm, parse, "not a number of kilometres such as 25 or 7.5")
}

func validatePlacesRadius(km float64) error {
	if math.IsNaN(km) || km < 0.1 || km > maxPlacesRadiusKm {
		return fmt.Errorf("LIFELINE_PLACES_RADIUS_KM=%v: want 0.1 to %d km (default %d)", km, maxPlacesRadiusKm, places.DefaultRadiusKm)
	}
	return nil
}
