// Tail calls through a PROG_ARRAY: a chain a -> b set up by a static initializer, an
// empty slot, and a program that tail-calls itself until the nesting limit stops it.
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

char LICENSE[] SEC("license") = "GPL";
