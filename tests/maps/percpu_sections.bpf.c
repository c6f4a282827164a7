// Compiled with --cpus 4: per-CPU maps keep one value per CPU, chosen by the platform's
// CPU id. Also named data sections (.data.NAME, .rodata.NAME) and a bpf_spin_lock held
// by compiled BPF code around a map value update.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 2);
  __type(key, __u32);
  __type(value, __u64);
} hits SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_HASH);
  __uint(max_entries, 4);
  __type(key, __u32);
  __type(value, __u32);
} last_seen SEC(".maps");

struct locked_total {
  struct bpf_spin_lock lock;
  __u32 updates;
  __u64 total;
};

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct locked_total);
} totals SEC(".maps");

__u32 calibration[4] SEC(".data.calibration") = {10, 20, 30, 40};
const __u16 weights[4] SEC(".rodata.weights") = {1, 2, 3, 5};
__u64 scratch SEC(".data.scratch");

// Counts a hit for `slot` on the CPU the platform reports; returns that CPU's count.
__u64 hit(__u32 slot, __u32 stamp)
{
  __u64 *count = bpf_map_lookup_elem(&hits, &slot);
  if (!count)
    return 0xdead;
  *count += 1;
  bpf_map_update_elem(&last_seen, &slot, &stamp, BPF_ANY);
  return *count;
}

// Adds a weighted, calibrated sample to the locked total; returns the new total.
__u64 add_sample(__u32 channel, __u32 value)
{
  __u32 zero = 0;
  struct locked_total *t = bpf_map_lookup_elem(&totals, &zero);
  if (!t || channel >= 4)
    return 0xdead;
  __u64 sample = (__u64)(value + calibration[channel]) * weights[channel];
  bpf_spin_lock(&t->lock);
  t->updates += 1;
  t->total += sample;
  __u64 total = t->total;
  bpf_spin_unlock(&t->lock);
  calibration[channel] += 1;
  scratch = (__u64)&calibration[channel] - (__u64)&calibration[0];
  return total;
}

char LICENSE[] SEC("license") = "GPL";
