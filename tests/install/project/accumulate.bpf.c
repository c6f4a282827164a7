/* A BPF program for the install test: a map, a global and a helper call, with its weight
 * from a header (weights.h) so that the test can check that editing the header rebuilds it. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "weights.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} totals SEC(".maps");

__u64 calls;

/* Adds value * WEIGHT to slot's total and returns the new total (~0 for a slot out of range). */
__u64 accumulate(__u32 slot, __u64 value)
{
	calls++;
	__u64 *total = bpf_map_lookup_elem(&totals, &slot);
	if (!total)
		return ~0ULL;
	*total += value * WEIGHT;
	return *total;
}
