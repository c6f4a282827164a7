/* Default platform hooks. Each is weak: a firmware that defines a function of the same
 * name replaces it at link time, with no registration step. */
#include "rt_internal.h"

#define WEAK __attribute__((weak))

/* Monotonic but not time: good enough for ordering and for tests; real firmware should
 * read its timer here. */
WEAK uint64_t bpf2arm_platform_time_ns(void) {
  static uint64_t ticks;
  return ++ticks;
}

/* xorshift32 from a fixed nonzero seed, so runs are reproducible until overridden. */
WEAK uint32_t bpf2arm_platform_random_u32(void) {
  static uint32_t x = 2463534242u;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return x;
}

WEAK uint32_t bpf2arm_platform_cpu_id(void) { return 0; }

WEAK void bpf2arm_platform_putc(char c) { (void)c; }

/* No network stack to hand the frame to: the kernel's answer for an ifindex that names
 * no device, so the caller drops the frame. */
WEAK int32_t bpf2arm_platform_redirect(struct bpf2arm_packet *pkt) {
  (void)pkt;
  return -BPF2ARM_EINVAL;
}

/* The state is 1 when IRQs were already masked, else 0, so nested sections restore
 * correctly and bpf_spin_lock can keep it next to its held bit.
 *
 * ARMv6+ A/R profile: CPS is a NOP in User mode (ARM ARM), so the same code is harmless
 * under qemu-arm and in an unprivileged task, and masks IRQs on bare metal. M profile
 * uses PRIMASK. Before ARMv6 there is no CPS: MSR to the control field, whose writes
 * User mode ignores. Thumb-1 has no MRS, so those builds compile the hooks in ARM state.
 * Elsewhere (host builds) there are no interrupts to mask. */
#if defined(__arm__) && defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'
#define IRQ_PRIMASK 1
#elif defined(__arm__) && defined(__thumb__) && !defined(__thumb2__)
#define ARM_STATE __attribute__((target("arm")))
#endif
#ifndef ARM_STATE
#define ARM_STATE
#endif

#if defined(IRQ_PRIMASK)
WEAK uint32_t bpf2arm_platform_irq_save(void) {
  uint32_t s;
  __asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(s) : : "memory");
  return s & 1u;
}

WEAK void bpf2arm_platform_irq_restore(uint32_t state) {
  if (state & 1u) __asm__ volatile("" : : : "memory");
  else __asm__ volatile("cpsie i" : : : "memory");
}
#elif defined(__arm__) && defined(__ARM_ARCH) && __ARM_ARCH >= 6
WEAK ARM_STATE uint32_t bpf2arm_platform_irq_save(void) {
  uint32_t s;
  __asm__ volatile("mrs %0, cpsr\n\tcpsid i" : "=r"(s) : : "memory");
  return (s >> 7) & 1u;
}

WEAK ARM_STATE void bpf2arm_platform_irq_restore(uint32_t state) {
  if (state & 1u) __asm__ volatile("" : : : "memory");
  else __asm__ volatile("cpsie i" : : : "memory");
}
#elif defined(__arm__)
WEAK ARM_STATE uint32_t bpf2arm_platform_irq_save(void) {
  uint32_t s, t;
  __asm__ volatile("mrs %0, cpsr\n\torr %1, %0, #0x80\n\tmsr cpsr_c, %1" : "=r"(s), "=r"(t) : : "memory");
  return (s >> 7) & 1u;
}

WEAK ARM_STATE void bpf2arm_platform_irq_restore(uint32_t state) {
  uint32_t t;
  if (state & 1u) {
    __asm__ volatile("" : : : "memory");
    return;
  }
  __asm__ volatile("mrs %0, cpsr\n\tbic %0, %0, #0x80\n\tmsr cpsr_c, %0" : "=&r"(t) : : "memory");
}
#else
WEAK uint32_t bpf2arm_platform_irq_save(void) {
  __asm__ volatile("" : : : "memory");
  return 0;
}

WEAK void bpf2arm_platform_irq_restore(uint32_t state) {
  (void)state;
  __asm__ volatile("" : : : "memory");
}
#endif
