package understand

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// hugeAlloc returns n zeroed values of T in memory of their own, asked of
// the kernel in huge pages, and the function that gives it back. The SGD
// reads the features of each example and the weight rows of its features
// at random over about 50 MB: in 4 KB pages nearly every example's features
// and many rows cost a page walk, in 2 MB pages the whole fits in the
// TLB. T must hold no pointers: the garbage collector does not see this
// memory. Where the kernel refuses, it is ordinary memory.
func hugeAlloc[T any](n int) ([]T, func()) {
	var zero T
	size := n * int(unsafe.Sizeof(zero))
	if size == 0 {
		return make([]T, n), func() {}
	}
	const huge = 2 << 20
	size = (size + huge - 1) &^ (huge - 1)
	mem, err := unix.Mmap(-1, 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		return make([]T, n), func() {}
	}
	// Without huge pages (a kernel without them, or turned off) the
	// memory is the same, only slower.
	_ = unix.Madvise(mem, unix.MADV_HUGEPAGE)
	return unsafe.Slice((*T)(unsafe.Pointer(&mem[0])), n), func() { _ = unix.Munmap(mem) }
}
