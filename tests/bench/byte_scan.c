/* A byte loop as text filters write it: copy a buffer lower-cased while counting lines,
 * words and digits (`wc` with `tr A-Z a-z`). One load, one store, a few compares and
 * counters per byte; the loop overhead itself is most of the work. */
#include "bench.h"

u64 byte_scan(u8 *out, const u8 *in, u32 len);

#ifndef BENCH_DRIVER

static inline int is_space(u32 c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

KEEP_LOOPS u64 byte_scan(u8 *out, const u8 *in, u32 len)
{
	u32 lines = 0, words = 0, digits = 0;
	int in_word = 0;
	for (u32 i = 0; i < len && i < 2048; i++) {
		u32 c = in[i];
		if (c - 'A' < 26)
			c += 'a' - 'A';
		out[i] = (u8)c;
		lines += c == '\n';
		digits += c - '0' < 10;
		if (is_space(c)) {
			in_word = 0;
		} else if (!in_word) {
			in_word = 1;
			words++;
		}
	}
	return (u64)lines << 40 | (u64)words << 20 | digits;
}

#else

static u8 text[256], lowered[256];

void bench_setup(void)
{
	static const char alphabet[] = "The quick brown Fox jumps over 13 lazy DOGS.\n\t ";
	for (u32 i = 0; i < sizeof text; i++)
		text[i] = (u8)alphabet[bench_rand() % (sizeof alphabet - 1)];
}

u64 bench_run(void)
{
	u64 counts = byte_scan(lowered, text, sizeof text);
	return counts ^ lowered[17] ^ (u64)lowered[200] << 8;
}

#endif
