/* ARRAY and PERCPU_ARRAY: slot (index, cpu) lives at (index * n_cpus + cpu) * stride,
 * so all copies of one element are adjacent. Every element always exists. */
#include "rt_internal.h"

static unsigned char *slot(struct bpf2arm_map *m, uint32_t index, uint32_t cpu) {
  /* The compiler refuses maps over 2 GiB, so 32-bit arithmetic cannot overflow. */
  uint32_t stride = bpf2arm_round8(m->value_size);
  return (unsigned char *)m->storage + (index * rt_map_cpus(m) + cpu) * stride;
}

void *rt_array_lookup(struct bpf2arm_map *m, const void *key, uint32_t cpu) {
  uint32_t index = rt_load_u32(key);
  if (index >= m->max_entries) return NULL;
  return slot(m, index, cpu);
}

/* A BPF caller updates only its own CPU's copy of a per-CPU element (the kernel's
 * behaviour for programs; user space writes all copies, which firmware can do through
 * bpf_map_lookup_percpu_elem). The copy is not atomic against a concurrent reader of
 * the same slot, as in the kernel. */
int64_t rt_array_update(struct bpf2arm_map *m, const void *key, const void *value, uint64_t flags) {
  if (flags > BPF2ARM_EXIST) return -BPF2ARM_EINVAL;
  uint32_t index = rt_load_u32(key);
  if (index >= m->max_entries) return -BPF2ARM_E2BIG;
  if (flags == BPF2ARM_NOEXIST) return -BPF2ARM_EEXIST;
  rt_copy(slot(m, index, rt_map_cpu(m)), value, m->value_size);
  return 0;
}
