/* A per-source rate limiter written as eBPF: a token bucket per source in a hash map,
 * refilled with the time that passed, and global counters that the firmware reads.
 *
 *     clang-19 -target bpf -mcpu=v4 -O2 -g -c limiter.bpf.c -o limiter.bpf.o
 *     bpf2arm -mcpu=cortex-a7 limiter.bpf.o -o limiter.arm.o --header limiter.arm.h
 *
 * The firmware calls admit(source, now_ms) for each event: 1 lets it through, 0 drops it.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bucket {
	__u32 tokens;       /* in thousandths of an event */
	__u32 refilled_ms;  /* when tokens were last topped up */
	__u32 dropped;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct bucket);
} buckets SEC(".maps");

/* The firmware may change them before the first event: a burst of `burst` events, then
 * `per_second` a second. */
__u32 burst = 3;
__u32 per_second = 2;
__u64 admitted, dropped;

int admit(__u32 source, __u32 now_ms)
{
	struct bucket *b = bpf_map_lookup_elem(&buckets, &source);
	if (!b) {
		struct bucket fresh = { burst * 1000, now_ms, 0 };
		if (bpf_map_update_elem(&buckets, &source, &fresh, BPF_NOEXIST))
			return 0;
		b = bpf_map_lookup_elem(&buckets, &source);
		if (!b)
			return 0;
	}
	__u32 refill = (now_ms - b->refilled_ms) * per_second;
	__u32 cap = burst * 1000;
	b->tokens = b->tokens + refill > cap ? cap : b->tokens + refill;
	b->refilled_ms = now_ms;
	if (b->tokens < 1000) {
		if (b->dropped++ == 0)
			bpf_printk("source %u: over its rate at %u ms\n", source, now_ms);
		dropped++;
		return 0;
	}
	b->tokens -= 1000;
	admitted++;
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
