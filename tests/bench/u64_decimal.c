/* Formatting 64-bit counters in decimal, as a log or telemetry line does: 64-bit division
 * and remainder by 10 (BPF has a 64-bit divide; 32-bit ARM has none, so natively this
 * calls libgcc's __aeabi_uldivmod and bpf2arm calls its own routine), digits stored
 * backwards into a stack buffer. */
#include "bench.h"

u64 u64_decimal(const u64 *values, u32 n, u8 *out, u32 out_len);

#ifndef BENCH_DRIVER

/* Returns the number of characters written, or 0 when out is too small. */
static NOINLINE KEEP_LOOPS u32 format_u64(u64 v, u8 *out, u32 room)
{
	u8 digits[20];
	u32 n = 0;
	do {
		digits[n++] = (u8)('0' + v % 10);
		v /= 10;
	} while (v && n < 20);
	if (n > room)
		return 0;
	for (u32 i = 0; i < n; i++)
		out[i] = digits[n - 1 - i];
	return n;
}

u64 u64_decimal(const u64 *values, u32 n, u8 *out, u32 out_len)
{
	u32 pos = 0;
	u64 digest = 0;
	for (u32 i = 0; i < n && i < 64 && pos < out_len; i++) {
		u32 w = format_u64(values[i], out + pos, out_len - pos - 1);
		if (w == 0)
			break;
		pos += w;
		out[pos++] = ',';
		digest = digest * 33 + w;
	}
	return digest << 16 | pos;
}

#else

static u64 values[8];
static u8 text[256];

void bench_setup(void)
{
	for (u32 i = 0; i < 8; i++)
		values[i] = ((u64)bench_rand() << 32 | bench_rand()) >> (i * 7);
}

u64 bench_run(void) { return u64_decimal(values, 8, text, sizeof text) ^ text[3]; }

#endif
