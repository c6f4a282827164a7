/* The entry ABI of SPEC 4: prototypes whose AAPCS placement differs (64-bit values in
 * even/odd register pairs, a skipped r3, arguments on the stack with 8-byte alignment, no
 * back-filling), narrow arguments and results that must arrive and leave correctly
 * extended, _Bool, enums, BPF's 64-bit `long`, and pointers going in and out. Each
 * function folds every argument into its result so a misplaced one shows. */
#include "bpfprog.h"

enum color { RED = 1, GREEN = 2, BLUE = -3 };

s32 f_int_ll_uchar(s32 a, s64 b, u8 c);
u16 g_short_uint(s16 x, u32 y);
s64 h_ptr_len(const void *p, u32 n);
_Bool is_in_range(s32 v, s32 lo, s32 hi);
s8 neg_byte(s8 x, u8 y);
s32 always_negative(u32 x);
s64 five_mixed(s64 a, u32 b, s64 c, u8 d, u64 e);
u64 pair_after_odd(u32 a, u64 b, u32 c, u32 d, u64 e);
s32 narrow_five(u8 a, s8 b, s16 c, u16 d, s32 e);
u64 skip_r3(u32 a, u32 b, u32 c, u64 d);
u64 ptr_and_longs(u64 *out, u64 a, u32 b, const u8 *in, s16 c);
bpf_long long_args(bpf_long a, bpf_ulong b, s32 c);
enum color next_color(enum color c, _Bool reverse);
const u8 *find_byte(const u8 *p, u32 n, u8 c);
void store_sum(u32 *dst, u16 a, u16 b);
u64 no_args(void);
u8 bool_to_u8(_Bool a, _Bool b, _Bool c, _Bool d, _Bool e);
u32 ret_u32_from_s8(s8 v);
s16 ret_s16(s32 v);
u64 five_u64(u64 a, u64 b, u64 c, u64 d, u64 e);

#ifndef TEST_MAIN

s32 f_int_ll_uchar(s32 a, s64 b, u8 c) { return (s32)((u32)a * 3u + (u32)(b >> 17) - (u32)b + c * 5u); }

/* The result is truncated to 16 bits: the caller must see it zero-extended. */
u16 g_short_uint(s16 x, u32 y) { return (u16)((s32)x * 7 + (s32)(y % 100000) - (s32)(y >> 20)); }

s64 h_ptr_len(const void *p, u32 n)
{
	const s8 *b = p;
	s64 acc = 0;
	for (u32 i = 0; i < n && i < 1024; i++)
		acc = acc * 3 - b[i];
	return acc;
}

_Bool is_in_range(s32 v, s32 lo, s32 hi) { return v >= lo && v <= hi; }

/* Truncated to a signed byte: the caller must see it sign-extended. */
s8 neg_byte(s8 x, u8 y) { return (s8)(-(s32)x - y); }

s32 always_negative(u32 x) { return -(s32)(x & 0x7fffffff) - 1; }

/* a: r0:r1, b: r2, c: stack (r3 cannot start a pair), d and e: stack. */
s64 five_mixed(s64 a, u32 b, s64 c, u8 d, u64 e)
{
	return (s64)((u64)a * 3 + b - (u64)c * 5 + (u64)d * 7 + (e ^ 0x5555555555555555ULL));
}

/* a: r0, b: r2:r3 (r1 skipped), c, d: stack, e: stack at an 8-byte aligned slot. */
u64 pair_after_odd(u32 a, u64 b, u32 c, u32 d, u64 e)
{
	return a * 0x10001ULL + b * 3 + c * 0x100ULL + (u64)d * 0x1000000ULL + (e >> 3) + (e << 61);
}

/* Five narrow arguments: the last one on the stack. */
s32 narrow_five(u8 a, s8 b, s16 c, u16 d, s32 e)
{
	return (s32)((u32)a * 1000000u + (u32)((s32)b * 10000) + (u32)((s32)c * 10) + d * 3u + (u32)e);
}

/* a, b, c: r0-r2; d: stack (r3 is left empty, and stays empty). */
u64 skip_r3(u32 a, u32 b, u32 c, u64 d) { return ((u64)a << 40) ^ ((u64)b << 20) ^ c ^ d * 3; }

u64 ptr_and_longs(u64 *out, u64 a, u32 b, const u8 *in, s16 c)
{
	u64 s = a;
	for (u32 i = 0; i < b && i < 16; i++)
		s = s * 131 + in[i];
	s += (u64)(s64)c;
	*out = s ^ a;
	return s;
}

bpf_long long_args(bpf_long a, bpf_ulong b, s32 c)
{
	bpf_ulong r = (bpf_ulong)a * 5 + b / 3 + (bpf_ulong)(bpf_long)c;
	return (bpf_long)r;
}

enum color next_color(enum color c, _Bool reverse)
{
	switch (c) {
	case RED: return reverse ? BLUE : GREEN;
	case GREEN: return reverse ? RED : BLUE;
	case BLUE: return reverse ? GREEN : RED;
	}
	return (enum color)0;
}

/* A pointer result: an address inside the caller's buffer, or NULL. */
const u8 *find_byte(const u8 *p, u32 n, u8 c)
{
	for (u32 i = 0; i < n && i < 4096; i++)
		if (p[i] == c)
			return p + i;
	return 0;
}

void store_sum(u32 *dst, u16 a, u16 b) { *dst = (u32)a + b; }

u64 no_args(void) { return 0x0123456789abcdefULL; }

u8 bool_to_u8(_Bool a, _Bool b, _Bool c, _Bool d, _Bool e) { return (u8)(a | b << 1 | c << 2 | d << 3 | e << 4); }

u32 ret_u32_from_s8(s8 v) { return (u32)(s32)v; }

s16 ret_s16(s32 v) { return (s16)(v * 3); }

u64 five_u64(u64 a, u64 b, u64 c, u64 d, u64 e) { return a - b * 2 + c * 3 - d * 4 + e * 5; }

#else

void run_tests(void)
{
	u8 buf[64];
	for (int t = 0; t < 300; t++) {
		u64 r1 = rnd_edge64(), r2 = rnd_edge64(), r3 = rnd_edge64(), r4 = rnd_edge64(), r5 = rnd_edge64();
		printf("args %016llx %016llx %016llx %016llx %016llx\n", r1,
		       r2, r3, r4, r5);
		printf("  f_int_ll_uchar = %d\n", f_int_ll_uchar((s32)r1, (s64)r2, (u8)r3));
		u16 gv = g_short_uint((s16)r1, (u32)r2);
		/* Compared and shifted as an int, so a missing zero extension shows in the output. */
		printf("  g_short_uint = %d %d\n", (int)gv, (int)g_short_uint((s16)r1, (u32)r2) >> 15);
		printf("  is_in_range = %d %d\n", is_in_range((s32)r1, (s32)r2 >> 1, (s32)r3 >> 1),
		       is_in_range((s32)r1 >> 20, -100, 100) == 1);
		s8 nb = neg_byte((s8)r1, (u8)r2);
		printf("  neg_byte = %d %d\n", nb, neg_byte((s8)r1, (u8)r2) < 0);
		printf("  always_negative = %d %d\n", always_negative((u32)r1), always_negative((u32)r1) < 0);
		printf("  five_mixed = %lld\n", five_mixed((s64)r1, (u32)r2, (s64)r3, (u8)r4, r5));
		printf("  pair_after_odd = %016llx\n", pair_after_odd((u32)r1, r2, (u32)r3, (u32)r4, r5));
		printf("  narrow_five = %d\n", narrow_five((u8)r1, (s8)r2, (s16)r3, (u16)r4, (s32)r5));
		printf("  skip_r3 = %016llx\n", skip_r3((u32)r1, (u32)r2, (u32)r3, r4));
		rnd_fill(buf, 16);
		u64 out = 0;
		u64 pl = ptr_and_longs(&out, r1, (u32)r2 % 20, buf, (s16)r3);
		printf("  ptr_and_longs = %016llx out=%016llx\n", pl, out);
		printf("  long_args = %lld\n", (s64)long_args((bpf_long)r1, r2, (s32)r3));
		printf("  h_ptr_len = %lld\n", h_ptr_len(buf, (u32)r4 % 17));
		u32 sum = 0xdeadbeef;
		store_sum(&sum, (u16)r1, (u16)r2);
		printf("  store_sum = %u\n", sum);
		printf("  bool_to_u8 = %u\n", bool_to_u8(r1 & 1, r1 & 2, r1 & 4, r1 & 8, r1 & 16));
		u32 w = ret_u32_from_s8((s8)r2);
		s16 sv = ret_s16((s32)r3);
		printf("  ret_u32_from_s8 = %u ret_s16 = %d %d\n", w, sv, ret_s16((s32)r3) < 0);
		printf("  five_u64 = %016llx\n", five_u64(r1, r2, r3, r4, r5));
	}
	printf("no_args = %016llx\n", no_args());
	static const enum color colors[] = { RED, GREEN, BLUE };
	for (u32 i = 0; i < 3; i++)
		printf("next_color(%d) = %d reverse %d\n", colors[i], next_color(colors[i], 0),
		       next_color(colors[i], 1));
	for (u32 i = 0; i < sizeof(buf); i++)
		buf[i] = (u8)(i * 7);
	for (u32 c = 0; c < 256; c += 5) {
		const u8 *at = find_byte(buf, sizeof(buf), (u8)c);
		printf("find_byte(%u) = %d\n", c, at ? (int)(at - buf) : -1);
	}
}

#endif
