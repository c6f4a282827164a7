/* The weak default hooks, linked without any override: run on the host and under
 * qemu-arm, where the ARM interrupt masking code executes in User mode. */
#include <stdio.h>
#include <string.h>

#include "bpf2arm/runtime.h"

static int failed, passed;
#define CHECK(c)                                                  \
  do {                                                            \
    if (c) passed++;                                              \
    else {                                                        \
      failed++;                                                   \
      printf("  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #c); \
    }                                                             \
  } while (0)

static int privileged;

#if defined(__arm__) && !defined(__linux__) && !(defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M')
/* ARM state, MRS/MSR only: works from ARMv4 to v7 whatever the build's instruction set. */
__attribute__((target("arm"), noinline)) static uint32_t cpsr(void) {
  uint32_t v;
  __asm__ volatile("mrs %0, cpsr" : "=r"(v));
  return v;
}

__attribute__((target("arm"), noinline)) static void set_irq_mask(int masked) {
  uint32_t v;
  __asm__ volatile("mrs %0, cpsr" : "=r"(v));
  v = masked ? v | 0x80 : v & ~0x80u;
  __asm__ volatile("msr cpsr_c, %0" : : "r"(v) : "memory");
}
#endif

int main(void) {
  CHECK(bpf2arm_platform_time_ns() == 1);
  CHECK(bpf_ktime_get_ns() == 2);
  CHECK(bpf_ktime_get_ns() == 3);
  uint32_t x = 2463534242u;
  for (int i = 0; i < 3; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    CHECK(bpf_get_prandom_u32() == x);
  }
  CHECK(bpf_get_smp_processor_id() == 0);
  CHECK(bpf_trace_printk("%d-%s\n", 7, 42, (uintptr_t) "ok", 0) == 6); /* default putc discards */

  uint32_t s1 = bpf2arm_platform_irq_save();
  uint32_t s2 = bpf2arm_platform_irq_save();
  CHECK(s1 <= 1 && s2 <= 1);
  bpf2arm_platform_irq_restore(s2);
  bpf2arm_platform_irq_restore(s1);

#if defined(__arm__) && !defined(__linux__) && !(defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M')
  /* Bare metal (qemu-system-arm): a privileged mode, so the I bit really changes. Reset
   * leaves IRQs masked; unmask them (no interrupt source is enabled on the board). */
  if ((cpsr() & 0x1f) != 0x10) {
    privileged = 1;
    set_irq_mask(0);
    uint32_t a = bpf2arm_platform_irq_save();
    CHECK(a == 0 && (cpsr() & 0x80));
    uint32_t b = bpf2arm_platform_irq_save();
    CHECK(b == 1 && (cpsr() & 0x80));
    bpf2arm_platform_irq_restore(b);
    CHECK(cpsr() & 0x80);
    bpf2arm_platform_irq_restore(a);
    CHECK(!(cpsr() & 0x80));
    uint32_t l = 0;
    bpf_spin_lock(&l);
    CHECK(l == BPF2ARM_SPIN_HELD && (cpsr() & 0x80));
    bpf_spin_unlock(&l);
    CHECK(l == 0 && !(cpsr() & 0x80));
    set_irq_mask(1);
  }
#endif

  uint32_t lock = 0;
  CHECK(bpf_spin_lock(&lock) == 0);
  CHECK((lock & BPF2ARM_SPIN_HELD) != 0 && (lock & ~BPF2ARM_SPIN_HELD) <= 1);
  CHECK(bpf_spin_unlock(&lock) == 0);
  CHECK(lock == 0);

  /* a map operation with the real critical section */
  static uint64_t storage[64];
  struct bpf2arm_map m = {BPF2ARM_MAP_HASH, 4, 4, 4, 0, 1, storage, "h"};
  uint32_t k = 3, v = 33;
  CHECK(bpf2arm_map_update_elem(&m, &k, &v, 0) == 0);
  uint32_t *p = bpf2arm_map_lookup_elem(&m, &k);
  CHECK(p != NULL && *p == 33);
  CHECK(sizeof storage >= bpf2arm_map_storage_size(BPF2ARM_MAP_HASH, 4, 4, 4, 1));

  printf("defaults%s: %d checks passed, %d failed\n", privileged ? " (privileged, IRQ masking checked)" : "", passed,
         failed);
  return failed != 0;
}
