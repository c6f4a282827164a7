// BPF side of the map and helper tests: one small program per operation, called from
// the firmware side (maps_main.c), which checks results through the generated header.
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct pair {
  __u32 a;
  __u64 b;
};

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 8);
  __type(key, __u32);
  __type(value, struct pair);
} pairs SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 16);
  __type(key, __u32);
  __type(value, __u64);
} counts SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 4);
  __type(key, __u32);
  __type(value, __u32);
} recent SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 2);
  __type(key, __u32);
  __type(value, __u64);
} percpu SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_HASH);
  __uint(max_entries, 4);
  __type(key, __u32);
  __type(value, __u64);
} percpu_hash SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_QUEUE);
  __uint(max_entries, 4);
  __type(value, __u32);
} fifo SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_STACK);
  __uint(max_entries, 4);
  __type(value, __u32);
} lifo SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 256);
} events SEC(".maps");

struct event {
  __u32 seq;
  __u32 value;
};

// One entry: the smallest hash map, whose values must still be 8-byte aligned for
// 64-bit atomics (LDREXD).
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64);
} single SEC(".maps");

__u64 single_bump(__u32 key) {
  __u64 *v = bpf_map_lookup_elem(&single, &key);
  if (!v) {
    __u64 zero = 0;
    if (bpf_map_update_elem(&single, &key, &zero, BPF_NOEXIST)) return 0xdead;
    v = bpf_map_lookup_elem(&single, &key);
    if (!v) return 0xdead;
  }
  return __sync_fetch_and_add(v, 1) + 1;
}

// Global data: initial values must arrive, updates must be visible to the firmware.
__u64 total = 1000;
__u32 calls;
const __u32 scale = 3;
static __u32 hidden_count;

int hash_put(__u32 key, __u64 value, __u64 flags) { return bpf_map_update_elem(&counts, &key, &value, flags); }

__u64 hash_get(__u32 key) {
  __u64 *v = bpf_map_lookup_elem(&counts, &key);
  return v ? *v : 0xdeadull;
}

int hash_del(__u32 key) { return bpf_map_delete_elem(&counts, &key); }

// Counts packets per key the usual BPF way: lookup, then update on a miss.
__u64 hash_count(__u32 key) {
  __u64 *v = bpf_map_lookup_elem(&counts, &key);
  if (v) {
    __sync_fetch_and_add(v, 1);
    return *v;
  }
  __u64 one = 1;
  bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST);
  return 1;
}

int pair_set(__u32 index, __u32 a, __u64 b) {
  struct pair p = {.a = a, .b = b};
  return bpf_map_update_elem(&pairs, &index, &p, BPF_ANY);
}

__u64 pair_sum(__u32 index) {
  struct pair *p = bpf_map_lookup_elem(&pairs, &index);
  return p ? p->a + p->b : 0xdeadull;
}

int lru_put(__u32 key, __u32 value) { return bpf_map_update_elem(&recent, &key, &value, BPF_ANY); }

__s64 lru_get(__u32 key) {
  __u32 *v = bpf_map_lookup_elem(&recent, &key);
  return v ? (__s64)*v : -1;
}

__u64 percpu_add(__u32 key, __u64 delta) {
  __u64 *v = bpf_map_lookup_elem(&percpu, &key);
  if (!v) return 0xdeadull;
  *v += delta;
  __u64 *h = bpf_map_lookup_elem(&percpu_hash, &key);
  if (h) *h += delta;
  else bpf_map_update_elem(&percpu_hash, &key, &delta, BPF_ANY);
  return *v;
}

int fifo_push(__u32 value, __u64 flags) { return bpf_map_push_elem(&fifo, &value, flags); }

__s64 fifo_pop(void) {
  __u32 v;
  return bpf_map_pop_elem(&fifo, &v) ? -1 : (__s64)v;
}

int lifo_push(__u32 value) { return bpf_map_push_elem(&lifo, &value, 0); }

__s64 lifo_pop(void) {
  __u32 v;
  return bpf_map_pop_elem(&lifo, &v) ? -1 : (__s64)v;
}

__s64 lifo_peek(void) {
  __u32 v;
  return bpf_map_peek_elem(&lifo, &v) ? -1 : (__s64)v;
}

// Reserves a record and submits it, or discards it when `discard` is set.
int emit_event(__u32 seq, __u32 value, int discard) {
  struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
  if (!e) return -1;
  e->seq = seq;
  e->value = value;
  if (discard) bpf_ringbuf_discard(e, 0);
  else bpf_ringbuf_submit(e, 0);
  return 0;
}

int output_event(__u32 seq, __u32 value) {
  struct event e = {.seq = seq, .value = value};
  return bpf_ringbuf_output(&events, &e, sizeof(e), 0);
}

// Pointers stored in global data (R_BPF_64_ABS64 relocations in .data).
__u32 table[4] = {10, 20, 30, 40};
__u32 *table_cursor = &table[2];
struct { __u64 *counter; __u32 *row; } refs = {&total, &table[1]};

__u64 follow_pointers(void) { return *table_cursor + *refs.row + *refs.counter; }

__u64 bump_globals(__u32 by) {
  total += by * scale;
  calls++;
  hidden_count += 2;
  return total + hidden_count;
}

__u64 time_and_random(void) {
  __u64 t1 = bpf_ktime_get_ns(), t2 = bpf_ktime_get_ns();
  __u32 r1 = bpf_get_prandom_u32(), r2 = bpf_get_prandom_u32();
  return (t2 > t1) | ((r1 != r2) << 1) | ((__u64)bpf_get_smp_processor_id() << 8);
}

int say(__u32 n, __s64 neg, __u64 big) {
  bpf_printk("n=%u neg=%lld hex=%llx", n, neg, big);
  bpf_printk("str=%s chr=%c", "ok", 'Z');
  return bpf_printk(" four=%d %d %d %d", 1, 2, 3, n);  // more than three: bpf_trace_vprintk
}

__u32 probe(const char *src) {
  char buf[8];
  long n = bpf_probe_read_kernel_str(buf, sizeof(buf), src);
  return n < 0 ? 0 : (__u32)n;
}

char LICENSE[] SEC("license") = "GPL";
