/* Shared by the runtime's own sources only: byte helpers, critical sections, atomics and
 * the per-type map operations that maps.c dispatches to. Not part of the contract. */
#ifndef BPF2ARM_RT_INTERNAL_H
#define BPF2ARM_RT_INTERNAL_H

#include "bpf2arm/runtime.h"

/* Compilers turn plain copy/fill loops into calls of memcpy/memset, which a freestanding
 * firmware may not have. An empty asm that "changes" the cursor hides the pattern. */
#define RT_OPAQUE(p) __asm__ volatile("" : "+r"(p))

/* Word accesses into storage whose effective type is whatever BPF code wrote there. */
typedef uint32_t __attribute__((may_alias)) rt_word;

static inline void rt_copy(void *dst, const void *src, uint32_t n) {
  unsigned char *d = (unsigned char *)dst;
  const unsigned char *s = (const unsigned char *)src;
  if ((((uintptr_t)d | (uintptr_t)s) & 3u) == 0) {
    for (; n >= 4; n -= 4) {
      *(rt_word *)(void *)d = *(const rt_word *)(const void *)s;
      d += 4;
      s += 4;
      RT_OPAQUE(d);
    }
  }
  for (; n != 0; n--) {
    *d++ = *s++;
    RT_OPAQUE(d);
  }
}

static inline void rt_zero(void *dst, uint32_t n) {
  unsigned char *d = (unsigned char *)dst;
  for (; n != 0; n--) {
    *d++ = 0;
    RT_OPAQUE(d);
  }
}

static inline int rt_equal(const void *a, const void *b, uint32_t n) {
  const unsigned char *x = (const unsigned char *)a;
  const unsigned char *y = (const unsigned char *)b;
  for (; n != 0; n--) {
    if (*x++ != *y++) return 0;
    RT_OPAQUE(x);
  }
  return 1;
}

/* Keys come from the BPF stack or from C callers and need not be aligned. */
static inline uint32_t rt_load_u32(const void *p) {
  uint32_t v;
  rt_copy(&v, p, 4);
  return v;
}

/* Copies of a value in this map: n_cpus for per-CPU maps (at least 1), else 1. */
static inline uint32_t rt_map_cpus(const struct bpf2arm_map *m) {
  if (!bpf2arm_map_is_percpu(m->type) || m->n_cpus == 0) return 1;
  return m->n_cpus;
}

/* The copy a BPF caller on this CPU sees; a CPU id beyond n_cpus shares the last copy
 * rather than writing outside the storage. */
static inline uint32_t rt_map_cpu(const struct bpf2arm_map *m) {
  uint32_t n = rt_map_cpus(m);
  uint32_t cpu = bpf2arm_platform_cpu_id();
  return cpu < n ? cpu : n - 1;
}

/* Map state is shared between a program running in an interrupt handler and one in the
 * main loop, so every operation that walks or changes it masks interrupts through the
 * platform hook (which an SMP firmware may extend with a global lock). */
static inline uint32_t rt_enter(void) { return bpf2arm_platform_irq_save(); }
static inline void rt_leave(uint32_t saved) { bpf2arm_platform_irq_restore(saved); }

/* Acquire/release for the ring buffer and spin locks. Where 32-bit atomics are not
 * always lock-free (before ARMv6, Thumb-1) they would be libgcc calls; those cores are
 * single-core, where ordering against an interrupt handler only needs the compiler not
 * to reorder. */
#if defined(__GCC_ATOMIC_INT_LOCK_FREE) && __GCC_ATOMIC_INT_LOCK_FREE == 2
#define RT_HAVE_ATOMICS 1
static inline uint32_t rt_load_acquire(const uint32_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void rt_store_release(uint32_t *p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
#else
#define RT_HAVE_ATOMICS 0
static inline uint32_t rt_load_acquire(const uint32_t *p) {
  uint32_t v = *(const volatile uint32_t *)p;
  __asm__ volatile("" ::: "memory");
  return v;
}
static inline void rt_store_release(uint32_t *p, uint32_t v) {
  __asm__ volatile("" ::: "memory");
  *(volatile uint32_t *)p = v;
}
#endif

/* Per-type operations (maps_array.c, maps_hash.c, maps_queue.c). `cpu` selects the
 * per-CPU copy; other map types ignore it. */
void *rt_array_lookup(struct bpf2arm_map *m, const void *key, uint32_t cpu);
int64_t rt_array_update(struct bpf2arm_map *m, const void *key, const void *value, uint64_t flags);
void *rt_hash_lookup(struct bpf2arm_map *m, const void *key, uint32_t cpu);
int64_t rt_hash_update(struct bpf2arm_map *m, const void *key, const void *value, uint64_t flags);
int64_t rt_hash_delete(struct bpf2arm_map *m, const void *key);
/* bpf_for_each_map_elem's callback, the kernel's prototype with ARM32 types. */
typedef int64_t (*rt_elem_callback)(void *map, const void *key, void *value, void *ctx);
int64_t rt_hash_for_each(struct bpf2arm_map *m, rt_elem_callback callback, void *ctx);
int64_t rt_queue_push(struct bpf2arm_map *m, const void *value, uint64_t flags);
int64_t rt_queue_take(struct bpf2arm_map *m, void *value, int remove);

#endif
