// Tail calls through a PROG_ARRAY: a chain a -> b set up by a static initializer, an
// empty slot, a program that tail-calls itself until the limit stops it, and one whose
// subprogram tail-calls in a loop: 33 tail calls per run, as in the kernel.
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct ctx {
  __u32 count;
  __u32 path;
};

int stage_b(struct ctx *c);

struct {
  __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
  __uint(max_entries, 4);
  __uint(key_size, sizeof(__u32));
  __array(values, int(struct ctx *));
} jump SEC(".maps") = {
    .values = {[1] = (void *)&stage_b},
};

int stage_a(struct ctx *c) {
  c->path = c->path * 10 + 1;
  bpf_tail_call(c, &jump, 1);
  return -1;  // not reached while slot 1 holds stage_b
}

int stage_b(struct ctx *c) {
  c->path = c->path * 10 + 2;
  bpf_tail_call(c, &jump, 3);  // empty: execution goes on here
  return (int)c->path;
}

// Slot 0 is set to this program by the firmware.
int again(struct ctx *c) {
  c->count++;
  bpf_tail_call(c, &jump, 0);
  return (int)c->count;
}

// Slot 2 is set to this program by the firmware.
int leaf(struct ctx *c) {
  c->count++;
  return 0;
}

// A tail call from a subprogram returns to the subprogram's caller when it succeeds.
// Failures are counted in memory: clang would fold a constant result of try_leaf.
static __attribute__((noinline)) void try_leaf(struct ctx *c) {
  bpf_tail_call(c, &jump, 2);
  c->path++;  // the tail call failed
}

int looper(struct ctx *c) {
  for (int i = 0; i < 50; i++) try_leaf(c);
  return (int)c->path;
}

char LICENSE[] SEC("license") = "GPL";
