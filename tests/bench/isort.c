/* Insertion sort of up to 32 u32 keys copied onto the stack, then a rank-weighted digest
 * and the median: stack arrays indexed by loop variables, compare-and-shift inner loops. */
#include "bench.h"

#define MAX_KEYS 32

u64 isort(const u32 *keys, u32 n);

#ifndef BENCH_DRIVER

KEEP_LOOPS u64 isort(const u32 *keys, u32 n)
{
	u32 v[MAX_KEYS];
	if (n > MAX_KEYS)
		n = MAX_KEYS;
	if (n == 0)
		return 0;
	for (u32 i = 0; i < n; i++)
		v[i] = keys[i];
	for (u32 i = 1; i < n; i++) {
		u32 x = v[i];
		u32 j = i;
		while (j > 0 && v[j - 1] > x) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
	u64 digest = 0;
	for (u32 i = 0; i < n; i++)
		digest += (u64)v[i] * (i + 1);
	return digest ^ (u64)v[n / 2] << 32;
}

#else

static u32 keys[MAX_KEYS];

void bench_setup(void)
{
	for (u32 i = 0; i < MAX_KEYS; i++)
		keys[i] = bench_rand();
}

u64 bench_run(void) { return isort(keys, MAX_KEYS); }

#endif
