/* The map helpers BPF code calls: dispatch on the descriptor's type to the per-type
 * implementations. Types without an operation answer as the kernel does for them
 * (NULL for a lookup, -EINVAL otherwise). */
#include "rt_internal.h"

void *bpf2arm_map_lookup_elem(void *map, const void *key) {
  struct bpf2arm_map *m = (struct bpf2arm_map *)map;
  switch (m->type) {
    case BPF2ARM_MAP_ARRAY:
    case BPF2ARM_MAP_PERCPU_ARRAY:
    case BPF2ARM_MAP_DEVMAP:
      return rt_array_lookup(m, key, rt_map_cpu(m));
    case BPF2ARM_MAP_HASH:
    case BPF2ARM_MAP_LRU_HASH:
    case BPF2ARM_MAP_PERCPU_HASH:
    case BPF2ARM_MAP_DEVMAP_HASH:
      return rt_hash_lookup(m, key, rt_map_cpu(m));
  }
  return NULL;
}

/* The kernel's helper 195: another CPU's copy, NULL when `cpu` has none. On a map that
 * is not per-CPU it behaves like bpf2arm_map_lookup_elem for cpu 0. */
void *bpf_map_lookup_percpu_elem(void *map, const void *key, uint32_t cpu) {
  struct bpf2arm_map *m = (struct bpf2arm_map *)map;
  if (cpu >= rt_map_cpus(m)) return NULL;
  switch (m->type) {
    case BPF2ARM_MAP_ARRAY:
    case BPF2ARM_MAP_PERCPU_ARRAY:
    case BPF2ARM_MAP_DEVMAP:
      return rt_array_lookup(m, key, cpu);
    case BPF2ARM_MAP_HASH:
    case BPF2ARM_MAP_LRU_HASH:
    case BPF2ARM_MAP_PERCPU_HASH:
    case BPF2ARM_MAP_DEVMAP_HASH:
      return rt_hash_lookup(m, key, cpu);
  }
  return NULL;
}

int64_t bpf2arm_map_update_elem(void *map, const void *key, const void *value, uint64_t flags) {
  struct bpf2arm_map *m = (struct bpf2arm_map *)map;
  switch (m->type) {
    case BPF2ARM_MAP_ARRAY:
    case BPF2ARM_MAP_PERCPU_ARRAY:
    case BPF2ARM_MAP_DEVMAP:
      return rt_array_update(m, key, value, flags);
    case BPF2ARM_MAP_HASH:
    case BPF2ARM_MAP_LRU_HASH:
    case BPF2ARM_MAP_PERCPU_HASH:
    case BPF2ARM_MAP_DEVMAP_HASH:
      return rt_hash_update(m, key, value, flags);
  }
  return -BPF2ARM_EINVAL;
}

int64_t bpf2arm_map_delete_elem(void *map, const void *key) {
  struct bpf2arm_map *m = (struct bpf2arm_map *)map;
  if (bpf2arm_map_is_hash(m->type)) return rt_hash_delete(m, key);
  if (m->type == BPF2ARM_MAP_DEVMAP) { /* a DEVMAP slot is emptied (ifindex 0) */
    void *value = rt_array_lookup(m, key, 0);
    if (value == NULL) return -BPF2ARM_EINVAL;
    rt_zero(value, m->value_size);
    return 0;
  }
  return -BPF2ARM_EINVAL; /* array elements cannot be deleted, as in the kernel */
}

static int is_queue(const struct bpf2arm_map *m) {
  return m->type == BPF2ARM_MAP_QUEUE || m->type == BPF2ARM_MAP_STACK;
}

int64_t bpf_map_push_elem(void *map, const void *value, uint64_t flags) {
  struct bpf2arm_map *m = (struct bpf2arm_map *)map;
  return is_queue(m) ? rt_queue_push(m, value, flags) : -BPF2ARM_EINVAL;
}

int64_t bpf_map_pop_elem(void *map, void *value) {
  struct bpf2arm_map *m = (struct bpf2arm_map *)map;
  return is_queue(m) ? rt_queue_take(m, value, 1) : -BPF2ARM_EINVAL;
}

int64_t bpf_map_peek_elem(void *map, void *value) {
  struct bpf2arm_map *m = (struct bpf2arm_map *)map;
  return is_queue(m) ? rt_queue_take(m, value, 0) : -BPF2ARM_EINVAL;
}
