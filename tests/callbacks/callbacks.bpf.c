// Callbacks: bpf_loop with a static callback and a context struct on the stack,
// bpf_for_each_map_elem over an array and a hash map, a callback that calls a helper,
// and callbacks that return 1 to stop early.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_map;

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 8);
  __type(key, __u32);
  __type(value, __u64);
} numbers SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 16);
  __type(key, __u32);
  __type(value, __u32);
} table SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 16);
  __type(key, __u32);
  __type(value, __u64);
} squares SEC(".maps");

struct sum_ctx {
  __u64 sum;
  __u32 calls;
  __u32 stop_at;  // the callback returns 1 at this index
};

static int add_index(__u32 index, struct sum_ctx *ctx) {
  ctx->calls++;
  ctx->sum += (__u64)index * index + 1000000007ull * index;
  return index == ctx->stop_at;
}

// Sum of i*i + 1000000007*i over the iterations done; *calls the callback's count.
__u64 loop_sum(__u32 n, __u32 stop_at, __u64 flags, long *result, __u32 *calls) {
  struct sum_ctx ctx = {0, 0, stop_at};
  *result = bpf_loop(n, add_index, &ctx, flags);
  *calls = ctx.calls;
  return ctx.sum;
}

// A callback that calls helpers: stores i*i under key i in `squares`.
static long store_square(__u32 index, void *unused) {
  __u32 key = index;
  __u64 value = (__u64)index * index;
  bpf_map_update_elem(&squares, &key, &value, BPF_ANY);
  return 0;
}

long fill_squares(__u32 n) { return bpf_loop(n, store_square, (void *)0, 0); }

struct array_ctx {
  __u64 weighted;  // sum of key * value
  __u32 visited;
  __u32 stop_key;
};

static long visit_number(struct bpf_map *map, __u32 *key, __u64 *value, struct array_ctx *ctx) {
  ctx->visited++;
  ctx->weighted += (__u64)*key * *value;
  *value += 1;  // callbacks may write the element
  return *key == ctx->stop_key;
}

long sum_numbers(__u32 stop_key, __u64 *weighted, __u32 *visited) {
  struct array_ctx ctx = {0, 0, stop_key};
  long n = bpf_for_each_map_elem(&numbers, visit_number, &ctx, 0);
  *weighted = ctx.weighted;
  *visited = ctx.visited;
  return n;
}

struct hash_ctx {
  __u32 key_sum, value_sum, visited, limit;
};

// Nested: a callback of for_each that looks the key up in another map (a helper call).
static int visit_entry(struct bpf_map *map, const __u32 *key, __u32 *value, struct hash_ctx *ctx) {
  __u32 k = *key;
  __u64 *square = bpf_map_lookup_elem(&squares, &k);
  ctx->visited++;
  ctx->key_sum += k;
  ctx->value_sum += *value + (square ? (__u32)*square : 0);
  return ctx->visited >= ctx->limit;
}

long sum_table(__u32 limit, __u32 *key_sum, __u32 *value_sum, __u32 *visited) {
  struct hash_ctx ctx = {0, 0, 0, limit};
  long n = bpf_for_each_map_elem(&table, visit_entry, &ctx, 0);
  *key_sum = ctx.key_sum;
  *value_sum = ctx.value_sum;
  *visited = ctx.visited;
  return n;
}

long for_each_bad_flags(void) {
  struct hash_ctx ctx = {0, 0, 0, 100};
  return bpf_for_each_map_elem(&table, visit_entry, &ctx, 1);
}

char LICENSE[] SEC("license") = "GPL";
