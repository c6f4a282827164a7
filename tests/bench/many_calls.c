/* A function that spends its time calling: for each record it calls small separate
 * functions of one to five arguments (bpf-to-bpf calls on the BPF side), some of which call
 * further ones, and combines the results. What counts is the cost of a call: passing
 * arguments, saving live values, and each callee's entry and exit. */
#include "bench.h"

struct record {
	u32 id;
	u16 len;
	u16 flags;
	s32 delta;
	u32 stamp;
};

u32 many_calls(const struct record *recs, u32 n, u32 now);

#ifndef BENCH_DRIVER

static NOINLINE u32 min3(u32 a, u32 b, u32 c) { return a < b ? (a < c ? a : c) : (b < c ? b : c); }

static NOINLINE u32 age(u32 stamp, u32 now) { return now - stamp; }

static NOINLINE s32 sat_add(s32 a, s32 b, s32 lo, s32 hi)
{
	s32 s = a + b;
	return s < lo ? lo : s > hi ? hi : s;
}

static NOINLINE u32 mix5(u32 a, u32 b, u32 c, u32 d, u32 e)
{
	return (a * 31 + b) ^ (c << 7) ^ (d >> 3) ^ e;
}

static NOINLINE int is_flagged(u32 flags, u32 mask) { return (flags & mask) == mask; }

static NOINLINE u32 weight(const struct record *r, u32 now)
{
	u32 a = age(r->stamp, now);
	return min3(a, r->len, 1000) + is_flagged(r->flags, 0x5);
}

u32 many_calls(const struct record *recs, u32 n, u32 now)
{
	u32 acc = 0;
	s32 level = 0;
	for (u32 i = 0; i < n && i < 64; i++) {
		const struct record *r = &recs[i];
		u32 w = weight(r, now);
		level = sat_add(level, r->delta, -5000, 5000);
		acc = mix5(acc, w, r->id, (u32)level, i);
		if (is_flagged(r->flags, 0x80))
			acc += age(r->stamp, now);
	}
	return acc;
}

#else

static struct record records[16];

void bench_setup(void)
{
	for (u32 i = 0; i < 16; i++) {
		u32 r = bench_rand();
		records[i].id = bench_rand();
		records[i].len = (u16)(r & 0x7ff);
		records[i].flags = (u16)(r >> 16);
		records[i].delta = (s32)(bench_rand() % 2001) - 1000;
		records[i].stamp = 100000 - (r >> 20);
	}
}

u64 bench_run(void) { return many_calls(records, 16, 100000); }

#endif
