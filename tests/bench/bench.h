/* Shared by the benchmark functions in tests/bench (run by scripts/benchmark.sh).
 *
 * Each NAME.c is compiled three ways: for BPF (then by bpf2arm), natively for ARM by
 * clang, and with -DBENCH_DRIVER for the driver (driver.c). Its layout is
 *
 *     #include "bench.h"
 *     prototype of the measured function, named NAME
 *     #ifndef BENCH_DRIVER   the measured code
 *     #else                  bench_setup() and bench_run()
 *     #endif
 *
 * so the driver sees only the prototype and cannot inline or specialise the code being
 * measured. bench_run() must make the same calls with the same inputs every time: the
 * script takes (count after 2N runs - count after N runs) / N as the cost of one run, and
 * only a constant per-run cost makes that exact.
 *
 * The measured code is plain C: fixed-width types, no helpers, maps or global data, so
 * the native build needs no runtime. Helpers that must stay separate functions (bpf-to-bpf
 * calls on the BPF side) are NOINLINE on both sides, so both builds have the same calls.
 */
#ifndef BENCH_H
#define BENCH_H

typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define NOINLINE __attribute__((noinline))

/* The BPF backend cannot call memcpy/memset, which clang would substitute for copy and
 * clear loops; the native build gets the same attribute so both run the same loop. */
#define KEEP_LOOPS __attribute__((no_builtin("memcpy", "memset")))

#ifdef BENCH_DRIVER
void bench_setup(void);
u64 bench_run(void);

/* Fixed pseudo-random inputs (xorshift32): the same on every build and every run. */
static u32 bench_seed = 2463534242u;
static inline u32 bench_rand(void)
{
	bench_seed ^= bench_seed << 13;
	bench_seed ^= bench_seed >> 17;
	bench_seed ^= bench_seed << 5;
	return bench_seed;
}
#endif

#endif /* BENCH_H */
