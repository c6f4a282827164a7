/* Register pressure for the allocator: six 64-bit values live through a loop (twelve
 * 32-bit halves, a counter and temporaries for fourteen ARM registers), values live across bpf-to-bpf calls inside
 * loops, a 32-bit counter next to 64-bit accumulators, and arguments that arrive in
 * registers and leave as results. Only registers and calls: no memory, so that
 * clang keeps everything in BPF registers and the ARM side gets all the pressure. */
#include "bpfprog.h"

u64 mix_six(u64 a, u64 b, u64 c, u64 d, u64 e);
u64 calls_in_loop(u64 seed, u32 n);
u32 narrow_loop(u32 x, u32 n);
u64 swap_args(u64 a, u64 b);
u64 chain(u64 a, u64 b, u64 c);

#ifndef TEST_MAIN

u64 mix_six(u64 a, u64 b, u64 c, u64 d, u64 e)
{
	u64 f = a ^ (b << 7) ^ e;
	for (u32 i = 0; i < 24; i++) {
		a += b ^ f;
		b = (b << 13 | b >> 51) + c;
		c ^= d + i;
		d = d * 5 + a;
		f += a >> 9;
	}
	return a ^ b ^ c ^ d ^ f;
}

static NOINLINE u64 step(u64 x, u64 y) { return (x ^ y) * 0xff51afd7ed558ccdull + (x >> 29); }

u64 calls_in_loop(u64 seed, u32 n)
{
	u64 acc = seed, other = seed ^ 0x1234567890abcdefull;
	for (u32 i = 0; i < n && i < 100; i++) {
		acc = step(acc, other + i);
		other += step(acc, other) >> 3;
	}
	return acc + other * 3;
}

u32 narrow_loop(u32 x, u32 n)
{
	u32 a = x, b = x * 3, c = x ^ 0x5555, d = 7;
	for (u32 i = 0; i < n && i < 1000; i++) {
		a = a * 33 + b;
		b ^= a >> 5;
		c += b & 0xff;
		d = d * 7 + (c >> 1);
	}
	return a ^ b ^ c ^ d;
}

static NOINLINE u64 pair(u64 x, u64 y) { return x * 2 + y; }

/* The arguments change places: the moves between r0-r3 cannot all vanish. */
u64 swap_args(u64 a, u64 b) { return pair(b, a) ^ pair(a, b); }

u64 chain(u64 a, u64 b, u64 c)
{
	u64 x = step(a, b);
	u64 y = step(b, c);
	u64 z = step(x, y);
	return pair(z, x) ^ y ^ c;
}

#else

void run_tests(void)
{
	for (int t = 0; t < 100; t++) {
		u64 a = rnd_edge64(), b = rnd64(), c = rnd_edge64(), d = rnd64(), e = (u64)t;
		printf("mix_six(%llu, %llu, %llu, %llu, %llu) = %llu\n", a, b, c, d, e, mix_six(a, b, c, d, e));
	}
	for (u32 n = 0; n < 60; n += 7) {
		u64 seed = rnd_edge64();
		printf("calls_in_loop(%llu, %u) = %llu\n", seed, n, calls_in_loop(seed, n));
	}
	for (int t = 0; t < 50; t++) {
		u32 x = (u32)rnd64(), n = (u32)t * 13;
		printf("narrow_loop(%u, %u) = %u\n", x, n, narrow_loop(x, n));
	}
	for (int t = 0; t < 50; t++) {
		u64 a = rnd_edge64(), b = rnd_edge64(), c = rnd64();
		printf("swap_args(%llu, %llu) = %llu\n", a, b, swap_args(a, b));
		printf("chain(%llu, %llu, %llu) = %llu\n", a, b, c, chain(a, b, c));
	}
}

#endif
