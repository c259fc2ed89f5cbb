package understand

import (
	"io/fs"
	"testing"
)

func BenchmarkTrainTry(b *testing.B) {
	sub, _ := fs.Sub(examples, "examples")
	for b.Loop() {
		if _, err := Train(sub); err != nil {
			b.Fatal(err)
		}
	}
}
