package places

import (
	"context"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"lifeline/store"
)

// TestInDistrict: what a person writes instead of a location, and the
// district it finds among the shelters' districts.
func TestInDistrict(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc := NewService(Options{DB: db, Logger: zerolog.Nop()})
	for _, in := range []Input{
		{ID: "a", Name: map[string]string{"default": "Corniche shelter"}, Kind: KindShelter, Lat: f(26.43), Lon: f(50.10),
			District: map[string]string{"default": "Al Shati", "ar": "الشاطئ"}},
		{ID: "b", Name: map[string]string{"default": "Khobar hall"}, Kind: KindShelter, Lat: f(26.28), Lon: f(50.20),
			District: map[string]string{"default": "Al-Khobar", "ar": "الخبر"}},
		{ID: "c", Name: map[string]string{"default": "Khobar school"}, Kind: KindShelter, Lat: f(26.29), Lon: f(50.21),
			District: map[string]string{"default": "Alkhobar"}, State: StateFull},
		{ID: "d", Name: map[string]string{"default": "Café de la gare"}, Kind: KindShelter, Lat: f(26.30), Lon: f(50.22),
			District: map[string]string{"default": "Gare Saint-Lazare"}, State: StateClosed},
		{ID: "e", Name: map[string]string{"default": "Shati water"}, Kind: KindWater, Lat: f(26.43), Lon: f(50.10),
			District: map[string]string{"default": "Dammam port"}},
	} {
		if _, err := svc.Create(ctx, in, admin); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		label, words, lang string
		district           string // "" none
		open               string // names, comma-separated
	}{
		{"the district's name", "Al Shati", "en", "Al Shati", "Corniche shelter"},
		{"in a sentence, lower case, without the article", "I'm in shati now", "en", "Al Shati", "Corniche shelter"},
		{"Arabic with the word for district", "حي الشاطئ", "ar", "الشاطئ", "Corniche shelter"},
		{"Arabic with a hamza variant and harakat", "أنا في الشَّاطىء", "ar", "الشاطئ", "Corniche shelter"},
		{"joined article", "alkhobar", "en", "Al-Khobar", "Khobar hall"},
		{"a typo", "I'm in Al Khobbar", "en", "Al-Khobar", "Khobar hall"},
		{"Arabic name of a district written in Latin by another place", "الخبر", "ar", "الخبر", "Khobar hall"},
		{"accents do not count", "gare saint lazaré", "fr", "Gare Saint-Lazare", ""},
		{"a district of another kind is not one of these", "Dammam port", "en", "", ""},
		{"no district", "I can't share my location", "en", "", ""},
		{"too many typos", "Al Kubbr", "en", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.label, func(t *testing.T) {
			m, err := svc.InDistrict(ctx, KindShelter, tc.words, tc.lang, 3)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, p := range m.Open {
				names = append(names, p.NameIn(tc.lang))
			}
			if m.District != tc.district || strings.Join(names, ",") != tc.open {
				t.Errorf("%q: district %q with %q open, want %q with %q", tc.words, m.District, names, tc.district, tc.open)
			}
		})
	}
	ds, total, err := svc.Districts(ctx, KindShelter, "ar", 10)
	if err != nil {
		t.Fatal(err)
	}
	if total != 2 || len(ds) != 2 || ds[0] != (DistrictCount{Name: "الخبر", Open: 1}) || ds[1] != (DistrictCount{Name: "الشاطئ", Open: 1}) {
		t.Errorf("districts with open shelters, in Arabic: %v (total %d)", ds, total)
	}
}

func TestDistrictValidation(t *testing.T) {
	for _, tc := range []struct {
		label    string
		district map[string]string
		want     string // error substring; "" valid
	}{
		{"none", nil, ""},
		{"default and Arabic", map[string]string{"default": "Al Shati", "ar": "الشاطئ"}, ""},
		{"punctuation only", map[string]string{"default": "--"}, "district.default"},
		{"too long", map[string]string{"default": strings.Repeat("x", 61)}, "at most 60"},
		{"bad language", map[string]string{"arabic": "x"}, "district.arabic"},
	} {
		in := Input{Name: map[string]string{"default": "x"}, Kind: KindShelter, Lat: f(1), Lon: f(1), District: tc.district}
		_, err := in.Validate()
		if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: %v, want %q", tc.label, err, tc.want)
		}
	}
	ins, _, err := ParseCSV(strings.NewReader("name,kind,lat,lon,district,district_ar\nA,shelter,26.4,50.1,Al Shati,الشاطئ\n"))
	if err != nil || ins[0].District["default"] != "Al Shati" || ins[0].District["ar"] != "الشاطئ" {
		t.Errorf("CSV district columns: %v %v", ins, err)
	}
	_, _, err = ParseCSV(strings.NewReader("name,kind,lat,lon,district\nA,shelter,26.4,50.1,!!\n"))
	if err == nil || !strings.Contains(err.Error(), "district") {
		t.Errorf("CSV bad district: %v", err)
	}
}

// TestDistrictAcrossScripts: a district kept in one script is found by a
// person typing it in the other, for real place names of the Eastern
// Province, and not confused with its neighbours.
func TestDistrictAcrossScripts(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc := NewService(Options{DB: db, Logger: zerolog.Nop()})
	for i, d := range []map[string]string{
		{"default": "Al Khobar"}, {"default": "Dhahran"}, {"default": "Dammam"}, {"default": "Al Qatif"},
		{"default": "Jubail"}, {"default": "Ras Tanura"}, {"default": "الخفجي"}, {"default": "الاحساء"},
	} {
		in := Input{Name: map[string]string{"default": "Shelter " + d["default"]}, Kind: KindShelter,
			Lat: f(26 + float64(i)/100), Lon: f(50), District: d}
		if _, err := svc.Create(ctx, in, admin); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct{ words, district string }{
		{"الخبر", "Al Khobar"},
		{"أنا في الخبر", "Al Khobar"},
		{"الظهران", "Dhahran"},
		{"حي الظهران", "Dhahran"},
		{"الدمام", "Dammam"},
		{"الدّمّام", "Dammam"},
		{"القطيف", "Al Qatif"},
		{"الجبيل", "Jubail"},
		{"رأس تنورة", "Ras Tanura"},
		{"Khafji", "الخفجي"},
		{"I am in al khafji", "الخفجي"},
		{"Al Ahsa", ""}, // an Arabic name of two consonant classes is matched in Arabic only
		{"الرياض", ""},  // Riyadh: not one of these districts
		{"مكة", ""},
		{"Dubai", ""},
		{"this is his house", ""}, // "house" is not الاحساء
		{"نزيف دم", ""},           // "دم" (blood) is not Dammam
	}
	for _, tc := range cases {
		m, err := svc.InDistrict(ctx, KindShelter, tc.words, "ar", 3)
		if err != nil {
			t.Fatal(err)
		}
		if m.District != tc.district {
			t.Errorf("%q: district %q, want %q", tc.words, m.District, tc.district)
		}
	}
	for _, tc := range []struct{ word, skel string }{
		{"خبر", "xbr"}, {"khobar", "xbr"}, {"ظهران", "dhrn"}, {"dhahran", "dhrn"},
		{"دمام", "dm"}, {"dammam", "dm"}, {"جده", "jd"}, {"jeddah", "jd"},
	} {
		if got := skeleton(tc.word); got != tc.skel {
			t.Errorf("skeleton(%q) = %q, want %q", tc.word, got, tc.skel)
		}
	}
}
