/* One program, built twice (STEP 1 and STEP 10) as if two teams had written two programs
 * with the same names: a map `counts`, globals `total` and `step`, a function `tally` and a
 * struct `sample`. With --name the two link into one firmware and keep apart. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct sample {
	__u32 sensor;
	__u32 value;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

__u64 total = 0;
const volatile __u32 step = STEP;

int tally(struct sample *s)
{
	__u32 key = s->sensor;
	__u64 *count = bpf_map_lookup_elem(&counts, &key);
	if (!count)
		return -1;
	*count += (__u64)s->value * step;
	total += s->value * step;
	return 0;
}
