/* Bit manipulation: population count, bit reversal, leading/trailing zeros, parity, byte
 * swaps (which clang turns into BPF bswap), Gray code, bit interleaving. Mostly 64-bit
 * masks and shifts by constants, the bread and butter of packet and flag handling. */
#include "bpfprog.h"

u32 popcount64(u64 x);
u8 popcount8_loop(u8 x);
u64 reverse_bits64(u64 x);
u32 reverse_bits32(u32 x);
u32 clz64(u64 x);
u32 ctz32(u32 x);
_Bool parity64(u64 x);
u64 bswap_mix(u64 x, u32 y, u16 z);
u64 gray_roundtrip(u64 x, u64 *gray);
u64 interleave32(u32 x, u32 y);
u32 extract_bits(u64 x, u32 lo, u32 width);
u64 next_same_popcount(u64 x);

#ifndef TEST_MAIN

u32 popcount64(u64 x)
{
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (u32)((x * 0x0101010101010101ULL) >> 56);
}

u8 popcount8_loop(u8 x)
{
	u8 n = 0;
	while (x) {
		x &= (u8)(x - 1);
		n++;
	}
	return n;
}

u64 reverse_bits64(u64 x)
{
	x = ((x >> 1) & 0x5555555555555555ULL) | ((x & 0x5555555555555555ULL) << 1);
	x = ((x >> 2) & 0x3333333333333333ULL) | ((x & 0x3333333333333333ULL) << 2);
	x = ((x >> 4) & 0x0f0f0f0f0f0f0f0fULL) | ((x & 0x0f0f0f0f0f0f0f0fULL) << 4);
	return __builtin_bswap64(x);
}

/* The slow way on purpose: a loop with a data-dependent shift. */
u32 reverse_bits32(u32 x)
{
	u32 r = 0;
	for (u32 i = 0; i < 32; i++)
		r |= ((x >> i) & 1) << (31 - i);
	return r;
}

u32 clz64(u64 x)
{
	if (!x)
		return 64;
	u32 n = 0;
	if (!(x >> 32)) { n += 32; x <<= 32; }
	if (!(x >> 48)) { n += 16; x <<= 16; }
	if (!(x >> 56)) { n += 8; x <<= 8; }
	if (!(x >> 60)) { n += 4; x <<= 4; }
	if (!(x >> 62)) { n += 2; x <<= 2; }
	if (!(x >> 63)) { n += 1; }
	return n;
}

u32 ctz32(u32 x)
{
	/* Binary search: clang would turn popcount((x & -x) - 1) into a de Bruijn table. */
	if (!x)
		return 32;
	u32 n = 0;
	if (!(x & 0xffff)) { n += 16; x >>= 16; }
	if (!(x & 0xff)) { n += 8; x >>= 8; }
	if (!(x & 0xf)) { n += 4; x >>= 4; }
	if (!(x & 0x3)) { n += 2; x >>= 2; }
	return n + !(x & 1);
}

_Bool parity64(u64 x)
{
	x ^= x >> 32;
	x ^= x >> 16;
	x ^= x >> 8;
	x ^= x >> 4;
	return (0x6996 >> (x & 0xf)) & 1;
}

u64 bswap_mix(u64 x, u32 y, u16 z)
{
	u64 a = __builtin_bswap64(x);
	u32 b = __builtin_bswap32(y);
	u16 c = __builtin_bswap16(z);
	return a ^ ((u64)b << 16) ^ c;
}

static NOINLINE u64 to_gray(u64 x) { return x ^ (x >> 1); }

static NOINLINE u64 from_gray(u64 g)
{
	for (u32 s = 1; s < 64; s <<= 1)
		g ^= g >> s;
	return g;
}

u64 gray_roundtrip(u64 x, u64 *gray)
{
	*gray = to_gray(x);
	return from_gray(*gray);
}

/* Morton order: x bits on even positions, y bits on odd ones. */
u64 interleave32(u32 x, u32 y)
{
	u64 r = 0;
	for (u32 i = 0; i < 32; i++) {
		r |= (u64)((x >> i) & 1) << (2 * i);
		r |= (u64)((y >> i) & 1) << (2 * i + 1);
	}
	return r;
}

u32 extract_bits(u64 x, u32 lo, u32 width)
{
	lo &= 63;
	if (width == 0)
		return 0;
	if (width > 32)
		width = 32;
	u64 mask = width == 32 ? 0xffffffffULL : (1ULL << width) - 1;
	return (u32)((x >> lo) & mask);
}

/* The next larger number with the same number of set bits (Gosper's hack). */
u64 next_same_popcount(u64 x)
{
	if (!x)
		return 0;
	u64 smallest = x & -x;
	u64 ripple = x + smallest;
	if (!ripple)
		return 0;
	u64 ones = x ^ ripple;
	ones = (ones >> 2) / smallest;
	return ripple | ones;
}

#else

void run_tests(void)
{
	for (int t = 0; t < 500; t++) {
		u64 x = rnd_edge64();
		u64 y = rnd_edge64();
		if (t < 64)
			x = 1ULL << t;
		printf("x=%016llx y=%016llx\n", x, y);
		printf("  popcount64 = %u popcount8_loop = %u\n", popcount64(x), popcount8_loop((u8)x));
		printf("  reverse_bits64 = %016llx reverse_bits32 = %08x\n", reverse_bits64(x),
		       reverse_bits32((u32)x));
		printf("  clz64 = %u ctz32 = %u parity64 = %d\n", clz64(x), ctz32((u32)x), parity64(x));
		printf("  bswap_mix = %016llx\n", bswap_mix(x, (u32)y, (u16)(y >> 40)));
		u64 g = 0;
		u64 back = gray_roundtrip(x, &g);
		printf("  gray = %016llx back = %016llx\n", g, back);
		printf("  interleave32 = %016llx\n", interleave32((u32)x, (u32)y));
		printf("  extract_bits(%u, %u) = %08x\n", (u32)(y & 127), (u32)(y >> 7) % 40,
		       extract_bits(x, (u32)(y & 127), (u32)(y >> 7) % 40));
		printf("  next_same_popcount = %016llx\n", next_same_popcount(x));
	}
}

#endif
