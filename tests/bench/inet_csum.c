/* The Internet checksum (RFC 1071) over a packet-sized buffer: 16-bit big-endian loads
 * from byte memory, a 32-bit sum and the end-around-carry fold. */
#include "bench.h"

u16 inet_csum(const u8 *buf, u32 len);

#ifndef BENCH_DRIVER

u16 inet_csum(const u8 *buf, u32 len)
{
	u32 sum = 0;
	u32 i = 0;
	/* The bound is the one a verifier would want; it never binds here. */
	for (; i + 1 < len && i < 1500; i += 2)
		sum += (u32)buf[i] << 8 | buf[i + 1];
	if (i < len && i < 1500)
		sum += (u32)buf[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (u16)~sum;
}

#else

static u8 packet[257];

void bench_setup(void)
{
	for (u32 i = 0; i < sizeof packet; i++)
		packet[i] = (u8)bench_rand();
}

u64 bench_run(void) { return inet_csum(packet, sizeof packet); }

#endif
