package bot

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"lifeline/flows"
	"lifeline/store"
)

// EmergencyNumbers says which number a person in danger is told to call:
// by the contact's country when it is known, else by the calling code of
// their phone number, else the default (112, which most mobile networks
// route to their emergency service). Set numbers override the built-in
// table. The zero value uses the table alone.
type EmergencyNumbers struct {
	byCountry map[string]string
	fallback  string
}

// builtinEmergency holds numbers for common countries; where two numbers
// are given, the first is the ambulance or general number and the second
// the police.
var builtinEmergency = map[string]string{
	"SA": "911", "AE": "999", "EG": "123", "JO": "911", "LB": "112 / 140", "KW": "112", "QA": "999",
	"BH": "999", "OM": "9999", "MA": "15 / 19", "IQ": "104 / 122", "PK": "1122 / 15", "IN": "112",
	"TR": "112", "GB": "999", "US": "911", "CA": "911", "AU": "000",
	"DZ": "14 / 17", "TN": "190 / 197", "SY": "110 / 112", "PS": "101 / 100", "SD": "999", "BD": "999",
	// Where the bot's Spanish and Portuguese speakers mostly live.
	"BR": "192 / 190", "MX": "911", "AR": "107 / 911", "CO": "123", "CL": "131 / 133",
	// The European Union, and its neighbours on 112.
	"AT": "112", "BE": "112", "BG": "112", "HR": "112", "CY": "112", "CZ": "112", "DK": "112", "EE": "112",
	"FI": "112", "FR": "112", "DE": "112", "GR": "112", "HU": "112", "IE": "112", "IT": "112", "LV": "112",
	"LT": "112", "LU": "112", "MT": "112", "NL": "112", "PL": "112", "PT": "112", "RO": "112", "SK": "112",
	"SI": "112", "ES": "112", "SE": "112", "NO": "112", "CH": "112", "IS": "112",
}

// callingCodes maps the international calling codes of the countries in
// the table to the country. +1 is shared by the United States, Canada and
// others; it is read as the United States, whose number Canada shares.
var callingCodes = map[string]string{
	"966": "SA", "971": "AE", "20": "EG", "962": "JO", "961": "LB", "965": "KW", "974": "QA", "973": "BH",
	"968": "OM", "212": "MA", "964": "IQ", "92": "PK", "91": "IN", "90": "TR", "44": "GB", "1": "US", "61": "AU",
	"43": "AT", "32": "BE", "359": "BG", "385": "HR", "357": "CY", "420": "CZ", "45": "DK", "372": "EE",
	"358": "FI", "33": "FR", "49": "DE", "30": "GR", "36": "HU", "353": "IE", "39": "IT", "371": "LV",
	"370": "LT", "352": "LU", "356": "MT", "31": "NL", "48": "PL", "351": "PT", "40": "RO", "421": "SK",
	"386": "SI", "34": "ES", "46": "SE", "47": "NO", "41": "CH", "354": "IS",
	"213": "DZ", "216": "TN", "963": "SY", "970": "PS", "249": "SD", "880": "BD",
	"55": "BR", "52": "MX", "54": "AR", "57": "CO", "56": "CL",
}

var (
	countryCode = regexp.MustCompile(`^[A-Z]{2}$`)
	phoneNumber = regexp.MustCompile(`^[0-9]{2,8}$`)
)

// ParseEmergencyNumbers reads a setting such as "SA=911,AE=999,LB=112/140,default=112":
// ISO 3166 two-letter country codes, or "default", each with one number or
// several separated by "/".
func ParseEmergencyNumbers(setting string) (EmergencyNumbers, error) {
	n := EmergencyNumbers{byCountry: map[string]string{}}
	for _, part := range strings.Split(setting, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		key, val, ok := strings.Cut(part, "=")
		key = strings.ToUpper(strings.TrimSpace(key))
		if !ok {
			return EmergencyNumbers{}, fmt.Errorf("%q: want COUNTRY=NUMBER, for example SA=911", part)
		}
		var nums []string
		for _, v := range strings.Split(val, "/") {
			v = strings.TrimSpace(v)
			if !phoneNumber.MatchString(v) {
				return EmergencyNumbers{}, fmt.Errorf("%q: %q is not an emergency number (2 to 8 digits)", part, v)
			}
			nums = append(nums, v)
		}
		switch {
		case key == "DEFAULT":
			n.fallback = strings.Join(nums, " / ")
		case countryCode.MatchString(key):
			n.byCountry[key] = strings.Join(nums, " / ")
		default:
			return EmergencyNumbers{}, fmt.Errorf("%q: %q is not a two-letter country code or \"default\"", part, key)
		}
	}
	return n, nil
}

// For returns the number to call for a person in country (ISO code, may
// be empty) with WhatsApp id waID.
func (n EmergencyNumbers) For(country, waID string) string {
	country = strings.ToUpper(strings.TrimSpace(country))
	if !countryCode.MatchString(country) {
		country = countryOfPhone(waID)
	}
	if v, ok := n.byCountry[country]; ok && country != "" {
		return v
	}
	if v, ok := builtinEmergency[country]; ok {
		return v
	}
	if n.fallback != "" {
		return n.fallback
	}
	return flows.FallbackEmergencyNumber
}

// Countries lists the countries with a number, set or built in, sorted;
// for documentation and the start-up log.
func (n EmergencyNumbers) Countries() []string {
	var out []string
	for c := range builtinEmergency {
		out = append(out, c)
	}
	for c := range n.byCountry {
		if _, ok := builtinEmergency[c]; !ok {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

// countryOfPhone reads the country from the calling code at the start of
// a WhatsApp id (digits with the country code, no plus), longest code first.
func countryOfPhone(waID string) string {
	for l := 3; l >= 1; l-- {
		if len(waID) > l {
			if c, ok := callingCodes[waID[:l]]; ok {
				return c
			}
		}
	}
	return ""
}

// contactCountry is the contact's country when an import recorded it:
// the "country" field, or a region that is a two-letter country code.
func contactCountry(c store.Contact) string {
	if v := strings.TrimSpace(c.Fields["country"]); v != "" {
		return v
	}
	if len(c.Region) == 2 {
		return c.Region
	}
	return ""
}
