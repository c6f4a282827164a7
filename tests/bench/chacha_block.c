/* The ChaCha20 block function: sixteen 32-bit words live across ten double rounds of
 * additions, xors and rotates. More live values than BPF's ten registers (and than ARM's
 * fourteen), so this is the loop where register pressure and spilling decide. */
#include "bench.h"

void chacha_block(u32 out[16], const u32 key[8], u32 counter, const u32 nonce[3]);

#ifndef BENCH_DRIVER

static inline u32 rotl32(u32 x, u32 r) { return x << r | x >> (32 - r); }

#define QUARTER(a, b, c, d)                         \
	do {                                        \
		a += b; d ^= a; d = rotl32(d, 16);  \
		c += d; b ^= c; b = rotl32(b, 12);  \
		a += b; d ^= a; d = rotl32(d, 8);   \
		c += d; b ^= c; b = rotl32(b, 7);   \
	} while (0)

void chacha_block(u32 out[16], const u32 key[8], u32 counter, const u32 nonce[3])
{
	/* "expand 32-byte k" */
	u32 x0 = 0x61707865, x1 = 0x3320646e, x2 = 0x79622d32, x3 = 0x6b206574;
	u32 x4 = key[0], x5 = key[1], x6 = key[2], x7 = key[3];
	u32 x8 = key[4], x9 = key[5], x10 = key[6], x11 = key[7];
	u32 x12 = counter, x13 = nonce[0], x14 = nonce[1], x15 = nonce[2];
	for (int i = 0; i < 10; i++) {
		QUARTER(x0, x4, x8, x12);
		QUARTER(x1, x5, x9, x13);
		QUARTER(x2, x6, x10, x14);
		QUARTER(x3, x7, x11, x15);
		QUARTER(x0, x5, x10, x15);
		QUARTER(x1, x6, x11, x12);
		QUARTER(x2, x7, x8, x13);
		QUARTER(x3, x4, x9, x14);
	}
	out[0] = x0 + 0x61707865;
	out[1] = x1 + 0x3320646e;
	out[2] = x2 + 0x79622d32;
	out[3] = x3 + 0x6b206574;
	out[4] = x4 + key[0];
	out[5] = x5 + key[1];
	out[6] = x6 + key[2];
	out[7] = x7 + key[3];
	out[8] = x8 + key[4];
	out[9] = x9 + key[5];
	out[10] = x10 + key[6];
	out[11] = x11 + key[7];
	out[12] = x12 + counter;
	out[13] = x13 + nonce[0];
	out[14] = x14 + nonce[1];
	out[15] = x15 + nonce[2];
}

#else

static u32 key[8], nonce[3], block[16];

void bench_setup(void)
{
	for (u32 i = 0; i < 8; i++)
		key[i] = bench_rand();
	for (u32 i = 0; i < 3; i++)
		nonce[i] = bench_rand();
}

u64 bench_run(void)
{
	chacha_block(block, key, 1, nonce);
	u64 digest = 0;
	for (u32 i = 0; i < 16; i++)
		digest = digest * 31 + block[i];
	return digest;
}

#endif
