//go:build !linux

package understand

// hugeAlloc returns n zeroed values of T and a function to call when they
// are no longer used (on Linux, see hugepages_linux.go).
func hugeAlloc[T any](n int) ([]T, func()) { return make([]T, n), func() {} }
