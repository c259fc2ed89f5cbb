package kb

// TEMPORARY: env knobs for tuning; deleted before hand-back.

import (
	"os"
	"strconv"
)

func knob(name string, p *float64) {
	if v := os.Getenv("K_" + name); v != "" {
		f, _ := strconv.ParseFloat(v, 64)
		*p = f
	}
}

func init() {
	knob("wFieldQ", &wFieldQ)
	knob("wFieldA", &wFieldA)
	knob("wFieldC", &wFieldC)
	knob("bQ", &bQ)
	knob("bA", &bA)
	knob("k1", &k1)
	knob("wBM25", &wBM25)
	knob("wCoverage", &wCoverage)
	knob("wGram", &wGram)
	knob("wQType", &wQType)
}

func init() {
	knob("assocIters", &assocIters)
	knob("assocTop", &assocTop)
	knob("assocMin", &assocMin)
	knob("assocFactor", &assocFactor)
	knob("assocMaxA", &assocMaxA)
}

var assocMode, assocCov = 0.0, 2.0

func init() {
	knob("assocMode", &assocMode)
	knob("assocCov", &assocCov)
}

var assocRev, assocSelf = 0.0, 0.0

func init() {
	knob("assocRev", &assocRev)
	knob("assocSelf", &assocSelf)
}

var leadBoost = 0.0

func init() {
	knob("leadBoost", &leadBoost)
}
