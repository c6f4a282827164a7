/* A tick monitor written as eBPF: the firmware's SysTick interrupt calls on_tick() once per
 * millisecond with a sensor sample and the interrupt's latency; the program keeps per-tick
 * statistics in a map, a histogram of the samples in another, counts the CPU cycles the
 * interrupts waited, and reports samples over a limit both through bpf_printk (the
 * firmware's UART) and as records in a ring buffer.
 *
 *     clang-19 -target bpf -mcpu=v4 -O2 -g -c tick.bpf.c -o tick.bpf.o
 *     bpf2arm --mcpu=cortex-m4 tick.bpf.o -o tick.arm.o --header tick.arm.h
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "tick.h"

struct tick_stats {
	__u64 ticks;
	__s64 sum;
	__s32 min;
	__s32 max;
	__u32 over_limit;
	__u32 max_latency; /* cycles from the SysTick wrap to the handler */
	__u32 last_tick;
	__u32 gaps;        /* ticks that did not follow the previous one */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tick_stats);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TICK_BUCKETS);
	__type(key, __u32);
	__type(value, __u32);
} histogram SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1024);
} alerts SEC(".maps");

__s32 limit = 900;       /* the firmware may change it */
__u64 latency_cycles;    /* total; a 64-bit atomic add (on ARMv7-M: the runtime's IRQ hooks) */

/* Returns 1 when the sample was over the limit, 0 otherwise, -1 if the map is missing. */
int on_tick(__u32 tick, __s32 sample, __u32 latency)
{
	__u32 zero = 0;
	struct tick_stats *s = bpf_map_lookup_elem(&stats, &zero);
	if (!s)
		return -1;
	if (s->ticks == 0 || sample < s->min)
		s->min = sample;
	if (s->ticks == 0 || sample > s->max)
		s->max = sample;
	if (s->ticks != 0 && tick != s->last_tick + 1)
		s->gaps++;
	s->ticks++;
	s->sum += sample;
	s->last_tick = tick;
	if (latency > s->max_latency)
		s->max_latency = latency;
	__sync_fetch_and_add(&latency_cycles, (__u64)latency);

	__u32 bucket = sample < 0 ? 0 : (__u32)sample / TICK_BUCKET_WIDTH;
	if (bucket >= TICK_BUCKETS)
		bucket = TICK_BUCKETS - 1;
	__u32 *count = bpf_map_lookup_elem(&histogram, &bucket);
	if (count)
		(*count)++;

	if (sample <= limit)
		return 0;
	s->over_limit++;
	bpf_printk("tick %u: sample %d over the limit %d\n", tick, sample, limit);
	struct tick_alert *a = bpf_ringbuf_reserve(&alerts, sizeof(*a), 0);
	if (a) {
		a->tick = tick;
		a->sample = sample;
		a->limit = limit;
		bpf_ringbuf_submit(a, 0);
	}
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
