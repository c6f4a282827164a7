/* SipHash-2-4 over a message of whole 64-bit words: 64-bit additions, xors and rotates by
 * constants only (no multiplies), the kind of keyed hash flow tables use. Every rotate of a
 * 64-bit value is a few instructions on ARM32, natively too. */
#include "bench.h"

u64 siphash(const u64 *words, u32 n, u64 k0, u64 k1);

#ifndef BENCH_DRIVER

static inline u64 rotl64(u64 x, u32 r) { return x << r | x >> (64 - r); }

#define SIP_ROUND(v0, v1, v2, v3)                                               \
	do {                                                                    \
		v0 += v1; v1 = rotl64(v1, 13); v1 ^= v0; v0 = rotl64(v0, 32);   \
		v2 += v3; v3 = rotl64(v3, 16); v3 ^= v2;                        \
		v0 += v3; v3 = rotl64(v3, 21); v3 ^= v0;                        \
		v2 += v1; v1 = rotl64(v1, 17); v1 ^= v2; v2 = rotl64(v2, 32);   \
	} while (0)

u64 siphash(const u64 *words, u32 n, u64 k0, u64 k1)
{
	u64 v0 = k0 ^ 0x736f6d6570736575ull;
	u64 v1 = k1 ^ 0x646f72616e646f6dull;
	u64 v2 = k0 ^ 0x6c7967656e657261ull;
	u64 v3 = k1 ^ 0x7465646279746573ull;
	for (u32 i = 0; i < n && i < 64; i++) {
		u64 m = words[i];
		v3 ^= m;
		SIP_ROUND(v0, v1, v2, v3);
		SIP_ROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	u64 b = (u64)(n * 8) << 56;
	v3 ^= b;
	SIP_ROUND(v0, v1, v2, v3);
	SIP_ROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	for (int r = 0; r < 4; r++)
		SIP_ROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

#else

static u64 message[8];

void bench_setup(void)
{
	for (u32 i = 0; i < 8; i++)
		message[i] = (u64)bench_rand() << 32 | bench_rand();
}

u64 bench_run(void) { return siphash(message, 8, 0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull); }

#endif
