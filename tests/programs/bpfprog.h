/* Shared by every program in tests/programs.
 *
 * Each program is one C file compiled three ways: for BPF (clang-19 -target bpf), for the
 * host, and for ARM. Its layout is always
 *
 *     #include "bpfprog.h"
 *     prototypes of the entry points
 *     #ifndef TEST_MAIN   the program (what bpf2arm compiles)
 *     #else               the tests: void run_tests(void)
 *     #endif
 *
 * so the test main is always a separate translation unit that sees only the prototypes:
 * it can never inline the code it is supposed to exercise through the compiled object,
 * and the compiler checks the definitions against the same prototypes the ARM caller uses.
 *
 * Only fixed-width types appear in prototypes, so their ARM32 meaning is the one SPEC 4
 * gives the BPF types (8-byte integers stay 8 bytes, smaller ones keep size and sign);
 * pointers are the one deliberate difference.
 */
#ifndef BPFPROG_H
#define BPFPROG_H

typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

/* BPF's `long` is 64 bits and SPEC 4 maps it to int64_t. Spelling it `long` on the BPF side
 * puts `long` into the BTF, which tests that mapping; the other compilers get a type with
 * the ARM-side meaning. */
#ifdef __bpf__
typedef long bpf_long;
typedef unsigned long bpf_ulong;
#else
typedef long long bpf_long;
typedef unsigned long long bpf_ulong;
#endif

/* Keeps a call a real call (a bpf-to-bpf call on the BPF side) instead of inlined code. */
#define NOINLINE __attribute__((noinline))

/* clang turns element-by-element copy loops with a variable count into memcpy calls, which
 * the BPF backend cannot emit (real BPF programs hit the same wall); this keeps the loop. */
#ifdef __clang__
#define KEEP_LOOPS __attribute__((no_builtin("memcpy", "memset")))
#else
#define KEEP_LOOPS
#endif

#ifdef TEST_MAIN
#include <stdio.h>
#include <string.h>

/* splitmix64: a fixed seed gives the same inputs on every build, so outputs compare. */
static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static inline u64 rnd64(void)
{
	u64 z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline u32 rnd32(void) { return (u32)(rnd64() >> 32); }
static inline u32 rnd_below(u32 n) { return n ? rnd32() % n : 0; }

/* Boundaries are where lowering goes wrong (carries between halves, sign bits, shifts by
 * 0/31/32/63), so a quarter of the "random" values come from this list. */
static const u64 edge64[] = {
	0, 1, 2, 3, 7, 31, 32, 33, 63, 64, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
	0x10000, 0x7fffffff, 0x80000000ULL, 0x80000001ULL, 0xffffffffULL, 0x100000000ULL,
	0x100000001ULL, 0x7fffffffffffffffULL, 0x8000000000000000ULL, 0x8000000000000001ULL,
	0xfffffffffffffffeULL, 0xffffffffffffffffULL, 0xffffffff00000000ULL,
	0x00000000ffffffffULL, 0x123456789abcdef0ULL, 0xfedcba9876543210ULL,
	(u64)-2, (u64)-3, (u64)-7, (u64)-31, (u64)-32, (u64)-100, (u64)-0x80000000LL,
	(u64)-0x80000001LL,
};
#define N_EDGE64 (sizeof(edge64) / sizeof(edge64[0]))

static inline u64 rnd_edge64(void)
{
	u32 pick = rnd_below(8);
	if (pick < 2)
		return edge64[rnd_below(N_EDGE64)];
	u64 v = rnd64();
	/* Small magnitudes too. (Two calls in one expression would be evaluated in an
	 * unspecified order, and the host and ARM builds would then see other inputs.) */
	if (pick == 2)
		v >>= rnd_below(64);
	return v;
}

static inline u32 rnd_edge32(void) { return (u32)rnd_edge64(); }

static inline void rnd_fill(void *p, u32 n)
{
	u8 *b = p;
	for (u32 i = 0; i < n; i++)
		b[i] = (u8)rnd32();
}

static inline void print_hex(const void *p, u32 n)
{
	const u8 *b = p;
	for (u32 i = 0; i < n; i++)
		printf("%02x", b[i]);
}

void run_tests(void);

int main(void)
{
	/* Line by line, so that after a crash the output ends at the call that crashed. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	run_tests();
	/* A run that stops early (crash, exit in the middle) is then a difference too. */
	printf("end\n");
	return 0;
}
#endif /* TEST_MAIN */

#endif /* BPFPROG_H */
