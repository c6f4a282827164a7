/* The BPF helpers that tests/lowering/*.lower programs call, for the qemu-arm harness.
 *
 * Each one first overwrites every register AAPCS lets a callee clobber (r0-r3, r12, lr is saved by
 * the compiler), so a value the compiled code wrongly keeps in one of them across a call is lost
 * and the program's result changes.  The semantics the .lower files rely on are written here. */
#include <stdint.h>
#include <string.h>

#define CLOBBER_CALLER_SAVED() \
	__asm__ volatile("mvn r0, #0\n\tmvn r1, #0\n\tmvn r2, #0\n\tmvn r3, #0\n\tmvn r12, #0" \
			 ::: "r0", "r1", "r2", "r3", "r12", "memory")

/* id 7: a fixed "random" number. */
uint32_t bpf_get_prandom_u32(void)
{
	CLOBBER_CALLER_SAVED();
	return 0x9e3779b9u;
}

/* id 5: a fixed time, above 2^32 so that both words matter. */
uint64_t bpf_ktime_get_ns(void)
{
	CLOBBER_CALLER_SAVED();
	return 0x0000000500000007ull;
}

/* id 113: copies size bytes from src to dst and returns 0 (no fault handling: the tests pass
 * valid pointers). */
long bpf_probe_read_kernel(void *dst, uint32_t size, const void *src)
{
	uint32_t n = size;
	CLOBBER_CALLER_SAVED();
	memcpy(dst, src, n);
	return 0;
}
