/* Helpers that are thin wrappers over the platform hooks, the memory readers and the
 * spin lock. */
#include "rt_internal.h"

uint64_t bpf_ktime_get_ns(void) { return bpf2arm_platform_time_ns(); }
/* Firmware does not suspend behind the program's back, so boot time is the same clock. */
uint64_t bpf_ktime_get_boot_ns(void) { return bpf2arm_platform_time_ns(); }
uint32_t bpf_get_prandom_u32(void) { return bpf2arm_platform_random_u32(); }
uint32_t bpf_get_smp_processor_id(void) { return bpf2arm_platform_cpu_id(); }

/* Firmware has one flat address space and no fault fixups: the probe readers copy
 * directly and always succeed, so a bad pointer faults like any other access instead of
 * returning -EFAULT. The user and legacy variants are the same thing here. */
int64_t bpf_probe_read_kernel(void *dst, uint32_t size, const void *unsafe_ptr) {
  rt_copy(dst, unsafe_ptr, size);
  return 0;
}

/* As the kernel: at most size - 1 characters then a NUL, no padding after it; returns
 * the bytes written including the NUL, 0 when size is 0. */
int64_t bpf_probe_read_kernel_str(void *dst, uint32_t size, const void *unsafe_ptr) {
  char *d = (char *)dst;
  const char *s = (const char *)unsafe_ptr;
  uint32_t n = 0;
  if (size == 0) return 0;
  while (n + 1 < size && s[n] != 0) {
    d[n] = s[n];
    n++;
  }
  d[n] = 0;
  return (int64_t)n + 1;
}

int64_t bpf_probe_read_user(void *dst, uint32_t size, const void *unsafe_ptr) {
  return bpf_probe_read_kernel(dst, size, unsafe_ptr);
}
int64_t bpf_probe_read_user_str(void *dst, uint32_t size, const void *unsafe_ptr) {
  return bpf_probe_read_kernel_str(dst, size, unsafe_ptr);
}
int64_t bpf_probe_read(void *dst, uint32_t size, const void *unsafe_ptr) {
  return bpf_probe_read_kernel(dst, size, unsafe_ptr);
}
int64_t bpf_probe_read_str(void *dst, uint32_t size, const void *unsafe_ptr) {
  return bpf_probe_read_kernel_str(dst, size, unsafe_ptr);
}

/* struct bpf_spin_lock { uint32_t val; }: 0 when free; when held, BPF2ARM_SPIN_HELD
 * plus the IRQ state saved by the locker, which unlock restores. IRQs are masked first
 * so an interrupt handler on this core cannot spin forever on a lock its own core holds;
 * another core spins until the holder unlocks (the verifier keeps the section short and
 * free of calls). */
int64_t bpf_spin_lock(void *lock) {
  uint32_t *word = (uint32_t *)lock;
  uint32_t mine = BPF2ARM_SPIN_HELD | (bpf2arm_platform_irq_save() & ~BPF2ARM_SPIN_HELD);
#if RT_HAVE_ATOMICS
  uint32_t expected = 0;
  while (!__atomic_compare_exchange_n(word, &expected, mine, 1, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) expected = 0;
#else
  rt_store_release(word, mine); /* single core with IRQs masked: nobody to race */
#endif
  return 0;
}

int64_t bpf_spin_unlock(void *lock) {
  uint32_t *word = (uint32_t *)lock;
  uint32_t held = *word;
  rt_store_release(word, 0);
  bpf2arm_platform_irq_restore(held & ~BPF2ARM_SPIN_HELD);
  return 0;
}
