package kb

import (
	_ "embed"
)

// sampleFAQ is a small FAQ for a generic crisis, in English and Arabic,
// written for Lifeline. It is the FAQ of a fresh install.
//
//go:embed sample/faq.csv
var sampleFAQ []byte

// SampleEntries parses the embedded sample FAQ.
func SampleEntries() ([]Entry, error) { return Parse(sampleFAQ, FormatCSV) }
