/* Checksums and hashes over a caller's byte buffer: byte loads through a pointer,
 * 32- and 64-bit multiplies, long loops, and table-free CRC (a table would be .rodata). */
#include "bpfprog.h"

u32 fnv1a32(const u8 *p, u32 n);
u64 fnv1a64(const void *p, u32 n);
u32 crc32(const u8 *p, u32 n);
u32 adler32(const u8 *p, u32 n);
u16 inet_csum(const u8 *p, u32 n);
u64 murmur_mix(u64 seed, const u64 *words, u32 nwords);

#ifndef TEST_MAIN

u32 fnv1a32(const u8 *p, u32 n)
{
	u32 h = 2166136261u;
	for (u32 i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

u64 fnv1a64(const void *p, u32 n)
{
	const u8 *b = p;
	u64 h = 0xcbf29ce484222325ULL;
	for (u32 i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static NOINLINE u32 crc32_byte(u32 crc, u8 b)
{
	crc ^= b;
	for (int k = 0; k < 8; k++)
		crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	return crc;
}

u32 crc32(const u8 *p, u32 n)
{
	u32 crc = 0xffffffffu;
	for (u32 i = 0; i < n; i++)
		crc = crc32_byte(crc, p[i]);
	return ~crc;
}

u32 adler32(const u8 *p, u32 n)
{
	u32 a = 1, b = 0;
	for (u32 i = 0; i < n; i++) {
		a = (a + p[i]) % 65521u;
		b = (b + a) % 65521u;
	}
	return (b << 16) | a;
}

/* RFC 1071 with 16-bit big-endian words and an odd trailing byte. */
u16 inet_csum(const u8 *p, u32 n)
{
	u64 sum = 0;
	u32 i = 0;
	for (; i + 1 < n; i += 2)
		sum += (u32)(p[i] << 8 | p[i + 1]);
	if (i < n)
		sum += (u32)p[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (u16)~sum;
}

static NOINLINE u64 fmix64(u64 k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}

u64 murmur_mix(u64 seed, const u64 *words, u32 nwords)
{
	u64 h = seed;
	for (u32 i = 0; i < nwords; i++) {
		u64 k = words[i] * 0x87c37b91114253d5ULL;
		k = (k << 31) | (k >> 33);
		h ^= k * 0x4cf5ad432745937fULL;
		h = ((h << 27) | (h >> 37)) * 5 + 0x52dce729;
	}
	return fmix64(h ^ nwords);
}

#else

void run_tests(void)
{
	u8 buf[300];
	u64 words[16];

	for (int t = 0; t < 120; t++) {
		u32 n = t < 20 ? (u32)t : rnd_below(sizeof(buf) + 1);
		rnd_fill(buf, n);
		if (t % 7 == 3)
			memset(buf, 0xff, n);
		printf("len=%u data=", n);
		print_hex(buf, n < 16 ? n : 16);
		printf("\n");
		printf("  fnv1a32 = %08x\n", fnv1a32(buf, n));
		printf("  fnv1a64 = %016llx\n", fnv1a64(buf, n));
		printf("  crc32 = %08x\n", crc32(buf, n));
		printf("  adler32 = %08x\n", adler32(buf, n));
		printf("  inet_csum = %04x\n", inet_csum(buf, n));
	}
	/* Known answers pin the semantics, not just the agreement of two builds. */
	printf("crc32(\"123456789\") = %08x\n", crc32((const u8 *)"123456789", 9));
	printf("adler32(\"Wikipedia\") = %08x\n", adler32((const u8 *)"Wikipedia", 9));
	for (int t = 0; t < 60; t++) {
		u32 n = rnd_below(17);
		u64 seed = rnd_edge64();
		for (u32 i = 0; i < n; i++)
			words[i] = rnd_edge64();
		printf("murmur_mix(%016llx, n=%u) = %016llx\n", seed, n,
		       murmur_mix(seed, words, n));
	}
}

#endif
