/* CRC-32 (IEEE, reflected) computed bit by bit, as code without a lookup table would:
 * a byte loop around eight shift/mask/xor steps that clang unrolls. */
#include "bench.h"

u32 crc32(const u8 *buf, u32 len);

#ifndef BENCH_DRIVER

u32 crc32(const u8 *buf, u32 len)
{
	u32 crc = 0xffffffffu;
	for (u32 i = 0; i < len && i < 4096; i++) {
		crc ^= buf[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

#else

static u8 data[64];

void bench_setup(void)
{
	for (u32 i = 0; i < sizeof data; i++)
		data[i] = (u8)bench_rand();
}

u64 bench_run(void) { return crc32(data, sizeof data); }

#endif
