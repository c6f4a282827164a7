/* 64-bit and 32-bit integer arithmetic: what a 32-bit target has to build out of pairs of
 * registers (carries, 64-bit multiply and divide, shifts across the halves) and the signed
 * operations of BPF v4 (sdiv, smod, sign extensions). The C stays free of undefined
 * behaviour, so a zero divisor and INT_MIN / -1 are handled explicitly. */
#include "bpfprog.h"

#define S64_MIN ((s64)0x8000000000000000ULL)
#define S32_MIN ((s32)0x80000000u)

u64 udiv64(u64 a, u64 b);
u64 umod64(u64 a, u64 b);
s64 sdiv64(s64 a, s64 b);
s64 smod64(s64 a, s64 b);
u32 udiv32(u32 a, u32 b);
s32 sdiv32(s32 a, s32 b);
s32 smod32(s32 a, s32 b);
u64 shift_mix64(u64 x, u32 n);
u32 shift_mix32(u32 x, u32 n);
u64 rotl64(u64 x, u32 n);
u32 rotr32(u32 x, u32 n);
u64 mulhi64(u64 a, u64 b);
u64 isqrt64(u64 x);
u64 powmod(u64 base, u64 exp, u64 mod);
s64 widen_mul(s32 a, u32 b, s16 c);
u32 compare_bits(s64 a, s64 b);
u64 mix64(u64 a, u64 b, u32 c);

#ifndef TEST_MAIN

u64 udiv64(u64 a, u64 b) { return b ? a / b : 0; }
u64 umod64(u64 a, u64 b) { return b ? a % b : a; }

s64 sdiv64(s64 a, s64 b)
{
	if (b == 0)
		return 0;
	if (a == S64_MIN && b == -1)
		return a;
	return a / b;
}

s64 smod64(s64 a, s64 b)
{
	if (b == 0)
		return a;
	if (b == -1)
		return 0;
	return a % b;
}

u32 udiv32(u32 a, u32 b) { return b ? a / b : 0; }

s32 sdiv32(s32 a, s32 b)
{
	if (b == 0)
		return 0;
	if (a == S32_MIN && b == -1)
		return a;
	return a / b;
}

s32 smod32(s32 a, s32 b)
{
	if (b == 0)
		return a;
	if (b == -1)
		return 0;
	return a % b;
}

/* Variable shift amounts in all directions; the masks make them defined in C. */
u64 shift_mix64(u64 x, u32 n)
{
	u64 l = x << (n & 63);
	u64 r = x >> ((n * 7 + 3) & 63);
	u64 a = (u64)((s64)x >> ((n >> 3) & 63));
	return l ^ r ^ a;
}

u32 shift_mix32(u32 x, u32 n)
{
	u32 l = x << (n & 31);
	u32 r = x >> ((n * 5 + 1) & 31);
	u32 a = (u32)((s32)x >> ((n >> 2) & 31));
	return l ^ r ^ a;
}

u64 rotl64(u64 x, u32 n) { return (x << (n & 63)) | (x >> (-n & 63)); }
u32 rotr32(u32 x, u32 n) { return (x >> (n & 31)) | (x << (-n & 31)); }

/* The high half of a 64x64 product from 32-bit pieces. */
u64 mulhi64(u64 a, u64 b)
{
	u64 al = (u32)a, ah = a >> 32, bl = (u32)b, bh = b >> 32;
	u64 ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	u64 mid = (ll >> 32) + (u32)lh + (u32)hl;
	return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

u64 isqrt64(u64 x)
{
	u64 res = 0, bit = 1ULL << 62;
	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= res + bit) {
			x -= res + bit;
			res = (res >> 1) + bit;
		} else {
			res >>= 1;
		}
		bit >>= 2;
	}
	return res;
}

static NOINLINE u64 mulmod(u64 a, u64 b, u64 m)
{
	u64 r = 0;
	a %= m;
	while (b) {
		if (b & 1) {
			r += a;
			if (r >= m)
				r -= m;
		}
		a <<= 1;
		if (a >= m)
			a -= m;
		b >>= 1;
	}
	return r;
}

/* mod is kept below 2^62 so the doublings in mulmod cannot wrap. */
u64 powmod(u64 base, u64 exp, u64 mod)
{
	mod &= (1ULL << 62) - 1;
	if (mod < 2)
		return 0;
	u64 r = 1;
	base %= mod;
	while (exp) {
		if (exp & 1)
			r = mulmod(r, base, mod);
		base = mulmod(base, base, mod);
		exp >>= 1;
	}
	return r;
}

/* Sign and zero extension of narrow arguments into 64-bit arithmetic. */
s64 widen_mul(s32 a, u32 b, s16 c)
{
	s64 p = (s64)a * (s64)b;
	s64 q = (s64)c * a;
	return p - q + (s64)(s8)b;
}

u32 compare_bits(s64 a, s64 b)
{
	u32 r = 0;
	r |= (a < b) << 0;
	r |= (a <= b) << 1;
	r |= (a > b) << 2;
	r |= (a >= b) << 3;
	r |= (a == b) << 4;
	r |= ((u64)a < (u64)b) << 5;
	r |= ((u64)a >= (u64)b) << 6;
	r |= ((s32)a < (s32)b) << 7;
	r |= ((u32)a > (u32)b) << 8;
	r |= ((s32)a == (s32)b) << 9;
	r |= ((a & b) != 0) << 10;
	r |= (a < -5) << 11;
	r |= ((u64)a > 0xffffffffULL) << 12;
	r |= ((s32)a >= -1) << 13;
	return r;
}

u64 mix64(u64 a, u64 b, u32 c)
{
	u64 x = a * b + (a ^ (b >> 1));
	x -= (u64)c * 0x9e3779b97f4a7c15ULL;
	x ^= x >> (c & 63);
	if ((s64)x < 0)
		x = ~x + (b | 1) / ((c & 0xff) | 1);
	return x + (u64)(s64)(s32)c;
}

#else

void run_tests(void)
{
	static const u64 small_div[] = { 1, 2, 3, 7, 10, 16, 255, 1000, (u64)-1, (u64)-2, (u64)-3, (u64)-7,
					 (u64)-10, 0x80000000ULL, 0xffffffffULL, 0x100000000ULL };
	for (int t = 0; t < 400; t++) {
		u64 a = rnd_edge64();
		u64 b = t % 4 == 0 ? small_div[rnd_below(16)] : rnd_edge64();
		if (t % 5 == 1)
			b >>= rnd_below(64);
		u32 n = t < 70 ? (u32)t : rnd32();
		printf("a=%016llx b=%016llx n=%u\n", a, b, n);
		printf("  udiv64 = %016llx\n", udiv64(a, b));
		printf("  umod64 = %016llx\n", umod64(a, b));
		printf("  sdiv64 = %lld\n", sdiv64((s64)a, (s64)b));
		printf("  smod64 = %lld\n", smod64((s64)a, (s64)b));
		printf("  udiv32 = %u\n", udiv32((u32)a, (u32)b));
		printf("  sdiv32 = %d\n", sdiv32((s32)a, (s32)b));
		printf("  smod32 = %d\n", smod32((s32)a, (s32)b));
		printf("  shift_mix64 = %016llx\n", shift_mix64(a, n));
		printf("  shift_mix32 = %08x\n", shift_mix32((u32)a, n));
		printf("  rotl64 = %016llx\n", rotl64(a, n));
		printf("  rotr32 = %08x\n", rotr32((u32)a, n));
		printf("  mulhi64 = %016llx\n", mulhi64(a, b));
		printf("  isqrt64 = %llu\n", isqrt64(a));
		printf("  widen_mul = %lld\n", widen_mul((s32)a, (u32)b, (s16)n));
		printf("  compare_bits = %04x\n", compare_bits((s64)a, (s64)b));
		printf("  compare_bits(b, a) = %04x\n", compare_bits((s64)b, (s64)a));
		printf("  mix64 = %016llx\n", mix64(a, b, n));
	}
	/* Negative operands in every sign combination, with known answers. */
	static const s64 sv[] = { 7, -7, 2, -2, 3, -3, 1, -1, 0, S64_MIN, 0x7fffffffffffffffLL,
				  -1000000000000LL, 999999999999LL };
	for (u32 i = 0; i < 13; i++)
		for (u32 j = 0; j < 13; j++)
			printf("sdiv/smod64(%lld, %lld) = %lld %lld\n", sv[i], sv[j],
			       sdiv64(sv[i], sv[j]), smod64(sv[i], sv[j]));
	for (int t = 0; t < 40; t++) {
		u64 base = rnd_edge64(), exp = rnd_edge64(), mod = rnd_edge64();
		printf("powmod(%llu, %llu, %llu) = %llu\n", base, exp, mod,
		       powmod(base, exp, mod));
	}
}

#endif
