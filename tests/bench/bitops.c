/* Bit tricks over a bitmap of flags: population count, highest and lowest set bit, parity,
 * bit reversal, next power of two. ARM has CLZ and RBIT; BPF has neither, nor a popcount,
 * so clang spells them out for BPF. */
#include "bench.h"

u64 bitops(const u32 *words, u32 n);

#ifndef BENCH_DRIVER

static inline u32 reverse32(u32 x)
{
	x = (x >> 1 & 0x55555555u) | (x & 0x55555555u) << 1;
	x = (x >> 2 & 0x33333333u) | (x & 0x33333333u) << 2;
	x = (x >> 4 & 0x0f0f0f0fu) | (x & 0x0f0f0f0fu) << 4;
	return __builtin_bswap32(x);
}

u64 bitops(const u32 *words, u32 n)
{
	u32 pop = 0, parity = 0, hi = 0, lo = 0, rev = 0, pow2 = 0;
	for (u32 i = 0; i < n && i < 256; i++) {
		u32 w = words[i];
		pop += (u32)__builtin_popcount(w);
		parity ^= (u32)__builtin_parity(w);
		if (w) {
			hi += 31 - (u32)__builtin_clz(w);
			lo += (u32)__builtin_ctz(w);
		}
		rev ^= reverse32(w);
		u32 p = w >> 8;
		p--;
		p |= p >> 1;
		p |= p >> 2;
		p |= p >> 4;
		p |= p >> 8;
		p |= p >> 16;
		pow2 += p + 1;
		w &= w - 1; /* clear the lowest set bit */
		rev += w;
	}
	return (u64)(pop | parity << 31) << 32 ^ (u64)(hi * 65536 + lo) ^ rev ^ (u64)pow2 << 16;
}

#else

static u32 words[32];

void bench_setup(void)
{
	for (u32 i = 0; i < 32; i++)
		words[i] = bench_rand() >> (i % 32);
}

u64 bench_run(void) { return bitops(words, 32); }

#endif
