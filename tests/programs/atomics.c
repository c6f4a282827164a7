/* Atomic read-modify-write on caller memory, the way BPF programs update shared counters:
 * add/or/and/xor with and without fetching the old value, exchange and compare-exchange,
 * on 32- and 64-bit words (BPF atomics need -mcpu=v3 or later). A single thread runs
 * them, so the results are deterministic; what is checked is the value semantics. */
#include "bpfprog.h"

struct counters {
	u64 packets;
	u64 bytes;
	u32 flags;
	u32 max_len;
	u64 last_seen;
	u32 drops;
	u32 pad;
};

u64 account(struct counters *c, u32 len, u64 now, u32 flag_bits);
u64 fetch_ops64(u64 *word, u64 v, u32 which);
u32 fetch_ops32(u32 *word, u32 v, u32 which);
u64 cas_loop_max(u64 *word, u64 v);
u32 cas32(u32 *word, u32 expected, u32 desired);
u64 xchg_sum(u64 *words, u32 n, u64 v);

#ifndef TEST_MAIN

u64 account(struct counters *c, u32 len, u64 now, u32 flag_bits)
{
	__sync_fetch_and_add(&c->packets, 1);
	__sync_fetch_and_add(&c->bytes, len);
	__sync_fetch_and_or(&c->flags, flag_bits);
	if (len > 1500)
		__sync_fetch_and_add(&c->drops, 1);
	u32 old = c->max_len;
	while (len > old) {
		u32 seen = __sync_val_compare_and_swap(&c->max_len, old, len);
		if (seen == old)
			break;
		old = seen;
	}
	u64 prev = __sync_lock_test_and_set(&c->last_seen, now);
	return now - prev;
}

/* Returns the old value (fetch forms) or the new one (the non-fetch forms, read back). */
u64 fetch_ops64(u64 *word, u64 v, u32 which)
{
	switch (which % 9) {
	case 0: return __sync_fetch_and_add(word, v);
	case 1: return __sync_fetch_and_or(word, v);
	case 2: return __sync_fetch_and_and(word, v);
	case 3: return __sync_fetch_and_xor(word, v);
	case 4: return __sync_lock_test_and_set(word, v);
	case 5: __sync_fetch_and_add(word, v); return *word;
	case 6: __sync_fetch_and_or(word, v); return *word;
	case 7: __sync_fetch_and_and(word, v); return *word;
	default: __sync_fetch_and_xor(word, v); return *word;
	}
}

u32 fetch_ops32(u32 *word, u32 v, u32 which)
{
	switch (which % 9) {
	case 0: return __sync_fetch_and_add(word, v);
	case 1: return __sync_fetch_and_or(word, v);
	case 2: return __sync_fetch_and_and(word, v);
	case 3: return __sync_fetch_and_xor(word, v);
	case 4: return __sync_lock_test_and_set(word, v);
	case 5: __sync_fetch_and_add(word, v); return *word;
	case 6: __sync_fetch_and_or(word, v); return *word;
	case 7: __sync_fetch_and_and(word, v); return *word;
	default: __sync_fetch_and_xor(word, v); return *word;
	}
}

u64 cas_loop_max(u64 *word, u64 v)
{
	u64 old = *word;
	for (int i = 0; i < 10 && (s64)v > (s64)old; i++) {
		u64 seen = __sync_val_compare_and_swap(word, old, v);
		if (seen == old)
			return old;
		old = seen;
	}
	return old;
}

/* Returns the value found (compare-exchange always reports it, whether or not it swapped). */
u32 cas32(u32 *word, u32 expected, u32 desired) { return __sync_val_compare_and_swap(word, expected, desired); }

u64 xchg_sum(u64 *words, u32 n, u64 v)
{
	u64 sum = 0;
	for (u32 i = 0; i < n && i < 64; i++)
		sum += __sync_lock_test_and_set(&words[i], v + i);
	return sum;
}

#else

void run_tests(void)
{
	struct counters c;
	memset(&c, 0, sizeof(c));
	u64 now = 1000;
	for (int t = 0; t < 200; t++) {
		u32 len = t % 10 == 0 ? 1500 + rnd_below(100) : rnd_below(1600);
		now += rnd_below(1000);
		u64 delta = account(&c, len, now, 1u << rnd_below(32));
		printf("account(len=%u, now=%llu) = %llu packets=%llu bytes=%llu flags=%08x max=%u drops=%u\n",
		       len, now, delta, c.packets, c.bytes, c.flags, c.max_len, c.drops);
	}
	u64 w64 = 0;
	u32 w32 = 0;
	for (int t = 0; t < 400; t++) {
		u64 v = rnd_edge64();
		u32 which = (u32)t;
		if (t % 7 == 0)
			w64 = rnd_edge64();
		u64 r = fetch_ops64(&w64, v, which);
		printf("fetch_ops64(%016llx, op %u) = %016llx word=%016llx\n", v, which % 9, r, w64);
		u32 r32 = fetch_ops32(&w32, (u32)v, which);
		printf("fetch_ops32(%08x, op %u) = %08x word=%08x\n", (u32)v, which % 9, r32, w32);
		u64 m = w64;
		u64 seen = cas_loop_max(&m, v);
		printf("cas_loop_max = %016llx word=%016llx\n", seen, m);
		u32 word = (u32)rnd_edge64();
		u32 expected = t % 2 ? word : (u32)rnd64();
		u32 found = cas32(&word, expected, (u32)v);
		printf("cas32(expected=%08x) = %08x word=%08x\n", expected, found, word);
	}
	static u64 words[64];
	for (u32 i = 0; i < 64; i++)
		words[i] = rnd_edge64();
	for (int t = 0; t < 20; t++) {
		u32 n = rnd_below(65);
		u64 v = rnd_edge64();
		u64 sum = xchg_sum(words, n, v);
		printf("xchg_sum(%u) = %016llx words[0]=%016llx\n", n, sum, words[0]);
	}
}

#endif
