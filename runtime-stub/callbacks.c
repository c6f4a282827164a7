/* Helpers that call back into BPF code: bpf_loop and bpf_for_each_map_elem.
 *
 * bpf2arm gives every BPF function whose address is taken a C entry built from its BTF
 * prototype, so a callback is called here as a C function with the kernel's callback
 * prototype. The kernel's verifier lets a callback return only 0 (go on) or 1 (stop);
 * only the low word of the result is read, so a callback declared to return `int`
 * (whose high word is not part of the C result) works like one returning `long`. */
#include "rt_internal.h"

/* The kernel's BPF_MAX_LOOPS. */
#define RT_MAX_LOOPS (1u << 23)

typedef int64_t (*rt_loop_callback)(uint32_t index, void *ctx);

/* The helpers receive the callback as `void *` (bpf_helper_defs.h); ISO C has no cast
 * from an object pointer to a function pointer, a union reads one as the other. */
union rt_callback {
  void *address;
  rt_loop_callback loop;
  rt_elem_callback elem;
};
_Static_assert(sizeof(void *) == sizeof(rt_loop_callback), "a callback address is a code address");

int64_t bpf_loop(uint32_t nr_loops, void *callback_fn, void *callback_ctx, uint64_t flags) {
  if (flags != 0) return -BPF2ARM_EINVAL;
  if (nr_loops > RT_MAX_LOOPS) return -BPF2ARM_E2BIG;
  rt_loop_callback callback = ((union rt_callback){.address = callback_fn}).loop;
  for (uint32_t i = 0; i < nr_loops; i++)
    if ((uint32_t)callback(i, callback_ctx) != 0) return (int64_t)i + 1;
  return nr_loops;
}

/* Every element of an array exists; a per-CPU array shows this CPU's copy. */
static int64_t for_each_array_elem(struct bpf2arm_map *m, rt_elem_callback callback, void *ctx) {
  uint32_t cpu = rt_map_cpu(m);
  int64_t visited = 0;
  for (uint32_t index = 0; index < m->max_entries; index++) {
    uint32_t key = index; /* a copy: the callback may not change the map's key */
    visited++;
    if ((uint32_t)callback(m, &key, rt_array_lookup(m, &key, cpu), ctx) != 0) break;
  }
  return visited;
}

/* The kernel's map types that have a for_each operation and that the runtime has. */
int64_t bpf_for_each_map_elem(void *map, void *callback_fn, void *callback_ctx, uint64_t flags) {
  struct bpf2arm_map *m = (struct bpf2arm_map *)map;
  rt_elem_callback callback = ((union rt_callback){.address = callback_fn}).elem;
  if (flags != 0) return -BPF2ARM_EINVAL;
  switch (m->type) {
    case BPF2ARM_MAP_ARRAY:
    case BPF2ARM_MAP_PERCPU_ARRAY:
      return for_each_array_elem(m, callback, callback_ctx);
    case BPF2ARM_MAP_HASH:
    case BPF2ARM_MAP_LRU_HASH:
    case BPF2ARM_MAP_PERCPU_HASH:
      return rt_hash_for_each(m, callback, callback_ctx);
  }
  return -BPF2ARM_EINVAL; /* the kernel's verifier refuses other map types */
}
