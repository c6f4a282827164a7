/* A sensor pipeline written as eBPF: per-channel statistics in a map, a global sample
 * counter, and alerts through a ring buffer that the firmware drains.
 *
 *     clang-19 -target bpf -mcpu=v4 -O2 -g -c sensor.bpf.c -o sensor.bpf.o
 *     bpf2arm sensor.bpf.o -o sensor.arm.o --header sensor.arm.h
 *
 * The firmware includes sensor.arm.h, calls `sample()` for each reading and reads the
 * `stats` map and the `alerts` ring buffer through the header's accessors.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "sensor.h"

struct channel_stats {
	__u32 count;
	__s32 min;
	__s32 max;
	__s64 sum;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, struct channel_stats);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} alerts SEC(".maps");

__u64 samples_seen;
__s32 alert_threshold = 900; /* the firmware may change it */

/* Returns 1 when the reading raised an alert, 0 otherwise, -1 on a full map. */
int sample(__u32 channel, __s32 value)
{
	__u64 n = ++samples_seen;
	struct channel_stats *s = bpf_map_lookup_elem(&stats, &channel);
	if (!s) {
		struct channel_stats fresh = { 1, value, value, value };
		if (bpf_map_update_elem(&stats, &channel, &fresh, BPF_NOEXIST))
			return -1;
	} else {
		s->count++;
		s->sum += value;
		if (value < s->min)
			s->min = value;
		if (value > s->max)
			s->max = value;
	}
	if (value <= alert_threshold)
		return 0;
	struct alert *a = bpf_ringbuf_reserve(&alerts, sizeof(*a), 0);
	if (!a)
		return 0;
	a->channel = channel;
	a->value = value;
	a->sample_no = n;
	bpf_ringbuf_submit(a, 0);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
