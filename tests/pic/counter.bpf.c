/* A program that refers to everything position-independent code must reach: a global
 * hash map and a PROG_ARRAY (descriptors in the object), global variables in .bss and
 * .data, a static variable, a static const table in .rodata, a variable the firmware
 * defines (__ksym), the address of a static callback (bpf_loop) and of a global one
 * (bpf_for_each_map_elem), helper calls into the runtime stub and a tail call through a
 * slot set by a static initializer (an address in data). tests/pic/run_pic.py links it
 * into PIE executables and shared objects; pic_main.c checks the results against its own
 * model of this logic. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct event {
	__u32 id;
	__u32 value;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} sums SEC(".maps");

int finish(struct event *e);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__uint(key_size, sizeof(__u32));
	__array(values, int(struct event *));
} next SEC(".maps") = {
	.values = {[0] = (void *)&finish},
};

__u64 total;                  /* .bss, global */
__u32 last_id = 7;            /* .data, global */
static __u32 calls;           /* .bss, local to the object */
static const __u32 weights[4] = {3, 5, 7, 11};
extern __u32 fw_bias __ksym;  /* defined by the firmware (pic_main.c) */

static long add_weight(__u32 index, void *ctx)
{
	__u64 *acc = ctx;
	*acc += weights[index & 3];
	return 0;
}

/* Global, so under -fPIC its address comes from the GOT. */
long visit(void *map, __u32 *key, __u64 *value, __u64 *acc)
{
	*acc += (__u64)*key * *value;
	return 0;
}

int record(struct event *e)
{
	__u32 key = e->id;
	__u64 add = (__u64)e->value * weights[e->id & 3] + fw_bias;
	__u64 *sum = bpf_map_lookup_elem(&sums, &key);
	if (sum)
		*sum += add;
	else
		bpf_map_update_elem(&sums, &key, &add, BPF_ANY);
	total += add;
	last_id = e->id;
	calls++;
	__u64 acc = 0;
	bpf_loop(e->value & 7, add_weight, &acc, 0);
	e->value = (__u32)acc;
	bpf_tail_call(e, &next, 0);
	return -1; /* not reached while slot 0 holds finish */
}

int finish(struct event *e)
{
	return (int)(e->value + calls * 1000);
}

__u64 checksum(void)
{
	__u64 acc = 0;
	bpf_for_each_map_elem(&sums, visit, &acc, 0);
	return acc;
}

char LICENSE[] SEC("license") = "GPL";
