/* Vector lengths through small separate functions (bpf-to-bpf calls on the BPF side, plain
 * calls natively): arguments and results crossing calls, values kept in callee-saved
 * registers across them, and a helper called from inside a helper. */
#include "bench.h"

struct point {
	s16 x;
	s16 y;
};

u32 vec_calls(const struct point *pts, u32 n, u32 limit);

#ifndef BENCH_DRIVER

/* Bit-by-bit integer square root: 16 rounds of compare and subtract. */
static NOINLINE u32 isqrt32(u32 v)
{
	u32 root = 0;
	u32 bit = 1u << 30;
	while (bit > v)
		bit >>= 2;
	while (bit) {
		if (v >= root + bit) {
			v -= root + bit;
			root = (root >> 1) + bit;
		} else {
			root >>= 1;
		}
		bit >>= 2;
	}
	return root;
}

static NOINLINE u32 clamp_u32(u32 v, u32 lo, u32 hi) { return v < lo ? lo : v > hi ? hi : v; }

static NOINLINE u32 length(s32 x, s32 y, u32 limit)
{
	u32 d2 = (u32)(x * x) + (u32)(y * y);
	return clamp_u32(isqrt32(d2), 1, limit);
}

u32 vec_calls(const struct point *pts, u32 n, u32 limit)
{
	u32 total = 0;
	u32 longest = 0;
	for (u32 i = 0; i < n && i < 128; i++) {
		u32 len = length(pts[i].x, pts[i].y, limit);
		total += len;
		if (len > longest)
			longest = len;
	}
	return total ^ longest << 20;
}

#else

static struct point points[16];

void bench_setup(void)
{
	for (u32 i = 0; i < 16; i++) {
		u32 r = bench_rand();
		points[i].x = (s16)r;
		points[i].y = (s16)(r >> 16);
	}
}

u64 bench_run(void) { return vec_calls(points, 16, 40000); }

#endif
