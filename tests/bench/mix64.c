/* 64-bit arithmetic as hashing and id generation use it: 64x64 multiplies, rotates,
 * shifts by variable amounts, 64-bit compares and signed arithmetic shifts. On ARM32 every
 * one of these spans a register pair, natively as well. */
#include "bench.h"

u64 mix64(const u64 *v, u32 n, u64 seed);

#ifndef BENCH_DRIVER

static inline u64 rotl64(u64 x, u32 r) { return x << r | x >> (64 - r); }

u64 mix64(const u64 *v, u32 n, u64 seed)
{
	u64 h = seed ^ ((u64)n * 0x9e3779b97f4a7c15ull);
	s64 balance = 0;
	for (u32 i = 0; i < n && i < 64; i++) {
		u64 k = v[i];
		k *= 0x87c37b91114253d5ull;
		k = rotl64(k, 31);
		k *= 0x4cf5ad432745937full;
		h ^= k;
		h = rotl64(h, 27) * 5 + 0x52dce729;
		h += k >> (h & 63);
		balance += (s64)k >> 40;
		if (h < k)
			h ^= 0xff51afd7ed558ccdull;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h + (u64)balance;
}

#else

static u64 values[32];

void bench_setup(void)
{
	for (u32 i = 0; i < 32; i++)
		values[i] = (u64)bench_rand() << 32 | bench_rand();
}

u64 bench_run(void) { return mix64(values, 32, 0x1234567890abcdefull); }

#endif
