/* Request latencies of a service, as a BPF program would collect them: a log2 histogram
 * (an array map), per-endpoint statistics (a hash map), a request counter and a
 * threshold the program reads (global variables), and a bpf_printk for each slow request.
 * examples/linux_pie/main.c runs it inside an ordinary Linux program. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define BUCKETS 16

struct endpoint_stats {
	__u64 count;
	__u64 total_us;
	__u32 max_us;
	__u32 slow;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BUCKETS);
	__type(key, __u32);
	__type(value, __u64);
} histogram SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 32);
	__type(key, __u32);
	__type(value, struct endpoint_stats);
} endpoints SEC(".maps");

__u64 requests;
__u32 slow_threshold_us = 50000; /* the program that loads us may change it */

/* Bucket b holds latencies in [2^b, 2^(b+1)) microseconds; bucket 0 also holds 0, the
 * last one everything from 2^15 up. */
static __u32 bucket_of(__u32 us)
{
	__u32 b = 0;
	for (int i = 0; i < BUCKETS - 1; i++) {
		if (us < 2)
			break;
		us >>= 1;
		b++;
	}
	return b;
}

int observe(__u32 endpoint, __u32 latency_us)
{
	__u32 b = bucket_of(latency_us);
	__u64 *slot = bpf_map_lookup_elem(&histogram, &b);
	if (slot)
		__sync_fetch_and_add(slot, 1);

	struct endpoint_stats *s = bpf_map_lookup_elem(&endpoints, &endpoint);
	if (!s) {
		struct endpoint_stats fresh = {};
		bpf_map_update_elem(&endpoints, &endpoint, &fresh, BPF_NOEXIST);
		s = bpf_map_lookup_elem(&endpoints, &endpoint);
		if (!s)
			return -1; /* the map is full */
	}
	s->count++;
	s->total_us += latency_us;
	if (latency_us > s->max_us)
		s->max_us = latency_us;
	if (latency_us >= slow_threshold_us) {
		s->slow++;
		bpf_printk("slow request: endpoint %u took %u us\n", endpoint, latency_us);
	}
	requests++;
	return (int)b;
}

char LICENSE[] SEC("license") = "GPL";
